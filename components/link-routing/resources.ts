// Turns built objects into Pulumi resources, one resource per object. Unlike `customObject()` in
// common/kube.ts, the object (namespace included) may still be an Output: an installed gateway's
// namespace comes from the install, and that data edge is what orders our objects after the Istio
// CRDs and the gateway namespace exist. Resource names therefore never contain the namespace.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { objectResourceName } from "../common/kube";
import type { LinkObject } from "./objects";

/** What a component knows about an object at construction: enough to name its resource. */
export interface ObjectIdentity {
    apiVersion: string;
    kind: string;
    name: string;
}

export function identityOf(obj: LinkObject): ObjectIdentity {
    return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name };
}

/**
 * Creates the resource for one object. `obj` is the built object as an Output; only its identity has
 * to be known now. Secrets get their `stringData` wrapped as a secret so no key lands in plain state.
 */
export function createObject(prefix: string, id: ObjectIdentity, obj: pulumi.Output<LinkObject>, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const name = objectResourceName(prefix, { kind: id.kind, metadata: { name: id.name } });
    const metadata = obj.apply((o) => o.metadata);
    const spec = obj.apply((o) => o.spec ?? {});
    switch (`${id.apiVersion}/${id.kind}`) {
        case "v1/Secret":
            // The built object is secret as a whole when its bundle is; only the data must stay so.
            return new k8s.core.v1.Secret(name, {
                metadata: pulumi.unsecret(metadata),
                type: pulumi.unsecret(obj.apply((o) => o.type ?? "Opaque")),
                stringData: pulumi.secret(obj.apply((o) => o.stringData ?? {})),
            }, opts);
        case "v1/Namespace":
            return new k8s.core.v1.Namespace(name, { metadata }, opts);
        case "v1/ServiceAccount":
            return new k8s.core.v1.ServiceAccount(name, { metadata }, opts);
        case "apps/v1/Deployment":
            return new k8s.apps.v1.Deployment(name, { metadata, spec: spec as pulumi.Output<any> }, opts);
        default:
            return new k8s.apiextensions.CustomResource(name, { apiVersion: id.apiVersion, kind: id.kind, metadata, spec }, opts);
    }
}
