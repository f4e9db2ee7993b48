// Turns planned objects into Pulumi resources, one resource per object. The identity goes to the
// provider as plain values (the namespace may be an Output that only carries the wait for istiod:
// its value is known in a preview); only the payload waits for the values it reads. So in a real
// preview a renewed certificate or a new upstream leaves every identity known and the provider plans
// an in-place update, never a delete and create — except the content-addressed credential Secrets,
// whose new content is a new Secret created before the old one goes (see `PlannedObject.nameFrom`).
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { customObject, objectResourceName } from "../common/kube";
import { Payload, PlannedIdentity, PlannedObject, assemble } from "./plan";
import { credentialSecretName } from "./objects";
import type { TlsBundle } from "../common/types";

/** The Output of each slot a payload may read (`"gateway"`, `"services.2"`, …). */
export type SlotSource = (slot: string) => pulumi.Output<unknown>;

/**
 * The `credentialSecret` slot of either gateway: the credential Secret's name, from the bundle's public
 * certificates only, so unlike the bundle it is not a secret.
 */
export function credentialSecretSlot(family: string, bundle: pulumi.Input<TlsBundle>): pulumi.Output<string> {
    return pulumi.unsecret(pulumi.output(bundle).apply((b) => credentialSecretName(family, b)));
}

/**
 * Creates one resource per planned object, in plan order. A slot that names a content-addressed Secret
 * (`nameFrom`) resolves, for every later object that reads it, to the created Secret's name: a gateway moves
 * to a new credential only once that credential exists. Returns those names by slot.
 */
export function createPlan<V>(
    prefix: string,
    plan: readonly PlannedObject<V, pulumi.Input<string>>[],
    source: SlotSource,
    opts: pulumi.CustomResourceOptions,
): Map<string, pulumi.Output<string>> {
    const created = new Map<string, pulumi.Output<string>>();
    const read: SlotSource = (slot) => created.get(slot) ?? source(slot);
    for (const p of plan) {
        const resource = createPlanned(prefix, p, read, opts);
        if (p.nameFrom !== undefined) created.set(p.nameFrom, (resource as k8s.core.v1.Secret).metadata.name);
    }
    return created;
}

/** Creates the resource of one planned object; its payload waits for the slots it reads only. */
function createPlanned<V>(
    prefix: string,
    p: PlannedObject<V, pulumi.Input<string>>,
    source: SlotSource,
    opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
    const payload =
        p.reads.length === 0
            ? pulumi.output(p.payload({} as V))
            : pulumi.all(p.reads.map((slot) => source(slot))).apply((vals) => p.payload(assemble<V>(p.reads, vals)));
    const contentName = p.nameFrom === undefined ? undefined : (source(p.nameFrom) as pulumi.Output<string>);
    return createObject(prefix, p.identity, payload, opts, contentName);
}

/**
 * Creates the resource for one object: identity as given, payload as an Output. Secrets get their
 * `stringData` wrapped as a secret so no key lands in plain state; their `type` is plain (immutable).
 */
export function createObject(
    prefix: string,
    id:
        | PlannedIdentity<pulumi.Input<string>>
        | (Omit<PlannedIdentity<pulumi.Input<string>>, "metadata"> & {
              metadata: {
                  name: string;
                  namespace?: pulumi.Input<string>;
                  labels: pulumi.Input<Record<string, string>>;
              };
          }),
    payload: pulumi.Output<Payload>,
    opts: pulumi.CustomResourceOptions,
    /** A content-addressed Secret's Kubernetes name; the Pulumi resource stays named by the family. */
    contentName?: pulumi.Output<string>,
): pulumi.CustomResource {
    const name = objectResourceName(prefix, { kind: id.kind, metadata: { name: id.metadata.name } });
    const metadata = { ...id.metadata };
    switch (`${id.apiVersion}/${id.kind}`) {
        case "v1/Secret":
            return new k8s.core.v1.Secret(
                name,
                {
                    metadata: contentName ? { ...metadata, name: contentName } : metadata,
                    ...(contentName ? { immutable: true } : {}),
                    type: id.type ?? "Opaque",
                    stringData: pulumi.secret(payload.apply((p) => p.stringData ?? {})),
                },
                opts,
            );
        case "v1/Namespace":
            return new k8s.core.v1.Namespace(name, { metadata }, opts);
        case "v1/ServiceAccount":
            return new k8s.core.v1.ServiceAccount(name, { metadata }, opts);
        case "apps/v1/Deployment":
            return new k8s.apps.v1.Deployment(
                name,
                { metadata, spec: payload.apply((p) => p.spec as k8s.types.input.apps.v1.DeploymentSpec) },
                opts,
            );
        default:
            return customObject(
                name,
                { ...id, metadata },
                payload.apply((p) => p.spec ?? {}),
                opts,
            );
    }
}
