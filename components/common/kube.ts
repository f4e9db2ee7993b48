// One Kubernetes object = one Pulumi resource, so `pulumi preview` shows a diff per object.
// Builders produce plain objects; this is the only place that turns them into resources.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";

/** A plain Kubernetes object as the builders emit it. */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: unknown;
}

/** The Pulumi resource name for an object: stable, unique per kind, namespace and name. */
export function objectResourceName(prefix: string, obj: Pick<KubeObject, "kind" | "metadata">): string {
    const kind = obj.kind.replace(/[A-Z]/g, (c, i) => (i ? "-" : "") + c.toLowerCase());
    return `${prefix}-${kind}-${obj.metadata.namespace ? obj.metadata.namespace + "-" : ""}${obj.metadata.name}`;
}

/**
 * Creates an Istio (or any custom) object as a CustomResource. `obj` is known at construction for its
 * identity (kind, namespace, name) while its spec may still wait on other resources' outputs.
 */
export function customObject(
    prefix: string,
    identity: Pick<KubeObject, "apiVersion" | "kind" | "metadata">,
    spec: pulumi.Input<unknown>,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(objectResourceName(prefix, identity), {
        apiVersion: identity.apiVersion,
        kind: identity.kind,
        metadata: identity.metadata,
        spec,
    }, opts);
}

/** True when the component was given a kubernetes provider (we never fall back to ~/.kube/config). */
export function hasKubernetesProvider(opts: pulumi.ComponentResourceOptions | undefined): boolean {
    if (!opts) return false;
    if (opts.provider && pulumi.ProviderResource.isInstance(opts.provider)) return true;
    const providers = opts.providers;
    if (Array.isArray(providers)) return providers.some((p) => (p as any).getPackage?.() === "kubernetes");
    return Boolean(providers && (providers as Record<string, unknown>)["kubernetes"]);
}
