// One Kubernetes object = one Pulumi resource, so `pulumi preview` shows a diff per object.
// Builders produce plain objects; this is the only place that turns them into resources.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { invalid } from "./validation";

/**
 * On every object crossmesh creates (a component adds its own label beside it), so
 * `kubectl get … -l app.kubernetes.io/managed-by=crossmesh` lists all of them.
 */
export const MANAGED_BY_CROSSMESH = { "app.kubernetes.io/managed-by": "crossmesh" } as const;

/** The Istio API versions crossmesh writes (v1, served since Istio 1.22; crossmesh supports 1.25+). */
export const ISTIO_NETWORKING_V1 = "networking.istio.io/v1";
export const ISTIO_SECURITY_V1 = "security.istio.io/v1";

/**
 * A Kubernetes object's spec as the builders emit it: free-form data for the API server, loosely typed on
 * purpose (tests and the plan tool read fields by path; the real schemas are checked by the real validators).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ObjectSpec = Record<string, any>;

/** A plain Kubernetes object as the builders emit it. */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: {
        name: string;
        namespace?: string;
        labels?: Record<string, string>;
        annotations?: Record<string, string>;
    };
    spec?: unknown;
}

/** The Pulumi resource name for an object: stable, unique per kind, namespace and name. */
export function objectResourceName(prefix: string, obj: Pick<KubeObject, "kind" | "metadata">): string {
    const kind = obj.kind.replace(/[A-Z]/g, (c, i) => (i ? "-" : "") + c.toLowerCase());
    return `${prefix}-${kind}-${obj.metadata.namespace ? obj.metadata.namespace + "-" : ""}${obj.metadata.name}`;
}

/**
 * Creates an Istio (or any custom) object as a CustomResource: the one place crossmesh does. Its identity
 * (apiVersion, kind, name, namespace, labels) is known at construction; its spec may wait on outputs.
 * `resourceName` is the Pulumi name (part of the URN: changing it replaces the object).
 */
export function customObject(
    resourceName: string,
    identity: {
        apiVersion: string;
        kind: string;
        metadata: pulumi.Input<{
            name: string;
            namespace?: pulumi.Input<string>;
            labels?: pulumi.Input<Record<string, string>>;
        }>;
    },
    spec: pulumi.Input<unknown>,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
        resourceName,
        { apiVersion: identity.apiVersion, kind: identity.kind, metadata: identity.metadata, spec },
        opts,
    );
}

/**
 * @deprecated Since 1.0 no provider setting is needed: link credentials are content-addressed, immutable
 * Secrets (a renewal creates a new Secret, moves the gateways to it, then deletes the old one), so a renewal
 * never deletes a live credential whatever the kubernetes provider's settings. Spreading this into a
 * provider stays harmless (it only sets `enableSecretMutable`); drop it when convenient.
 */
export const LINK_PROVIDER_SETTINGS = { enableSecretMutable: true } as const;

/** The package of a provider resource (the SDK keeps it on the instance, not in its typings). */
function packageOf(p: pulumi.ProviderResource): string | undefined {
    return (p as unknown as { getPackage?: () => string }).getPackage?.();
}

/** The kubernetes provider a component was given, in opts.provider or opts.providers. */
export function kubernetesProviderOf(
    opts: pulumi.ComponentResourceOptions | undefined,
): pulumi.ProviderResource | undefined {
    if (opts?.provider && pulumi.ProviderResource.isInstance(opts.provider)) return opts.provider;
    const providers = opts?.providers;
    if (Array.isArray(providers)) return providers.find((p) => packageOf(p) === "kubernetes");
    return providers?.["kubernetes"];
}

/**
 * The one check that a component may create Kubernetes objects: it was given a kubernetes provider
 * (crossmesh never falls back to the ambient ~/.kube/config, which would deploy to whatever cluster is current).
 */
export function requireKubernetesProvider(component: string, opts: pulumi.ComponentResourceOptions | undefined): void {
    const provider = kubernetesProviderOf(opts);
    if (!provider) {
        invalid(
            "opts.provider",
            `${component} needs the kubernetes provider of its cluster in opts.provider (or opts.providers); crossmesh never falls back to ~/.kube/config. Pass e.g. { provider: new k8s.Provider("eks", { kubeconfig }) }.`,
        );
    }
    const pkg = packageOf(provider);
    if (pkg !== undefined && pkg !== "kubernetes") {
        invalid(
            "opts.provider",
            `got a "${pkg}" provider; ${component} needs a kubernetes provider (new k8s.Provider(...)).`,
        );
    }
}
