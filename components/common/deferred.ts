// Deferred objects: for each Kubernetes object, its identity (apiVersion, kind, name, namespace,
// labels, a Secret's type) from plain values, and its payload (spec or stringData) built from what it
// reads of the values that resolve later. The component creates one resource per entry, its payload a
// typed `pulumi.output(read(sources)).apply(build)`, so each object waits for what it reads and nothing
// else; the tests build the same entries from plain values (`buildDeferred`). Identity never waits for a
// certificate or a load balancer, so a day-2 change (renewal, CA rotation, a new service) is an in-place
// update of the payload, never a replacement: a real preview sees the identity as known. The one
// exception is by design: content-addressed Secrets (`nameFrom`), whose new content is a new Secret,
// created before the objects that name it move to it and the old one is deleted.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { customObject, objectResourceName, type ObjectSpec } from "./kube";

/** The part of an object the Kubernetes provider keys it by (a change here means delete + create). */
export interface ObjectIdentity<N = string> {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: N; labels: Record<string, string> };
    /** Secrets only: `type` is immutable in Kubernetes. */
    type?: string;
}

/** What may change on day 2 and still be applied in place. */
export interface Payload<Spec = unknown> {
    spec?: Spec;
    stringData?: Record<string, string>;
    /** Namespaces only: labels beside the identity's that wait on Outputs (e.g. the injection revision). */
    labels?: Record<string, string>;
}

/** Each element (of a list) or entry (of a record) may wait on an Output of its own. */
type EachInput<T> = { [E in keyof T]: pulumi.Input<T[E]> };

/**
 * The values `V` as the component holds them: each may be an Output, and so may each element of the lists
 * and each entry of the records named in `L` (an object reading one element waits for that one only).
 * Plain values are sources too: that is how the tests build the objects.
 */
export type Sources<V, L extends keyof V = never> = {
    [K in keyof V]: K extends L ? EachInput<V[K]> : pulumi.Input<V[K]>;
};

/**
 * A content-addressed Secret's name: where it is in the sources, and how the sources read the created
 * Secret's name instead, so every later object that names it waits for it to exist.
 */
export interface NameFrom<S> {
    get(sources: S): pulumi.Input<string>;
    bind(sources: S, created: pulumi.Output<string>): S;
}

/** `O` is the object `buildDeferred` returns for the entry (e.g. an `IstioObject<"Gateway">`). */
export interface DeferredObject<S, N = string, O extends BuiltObject = BuiltObject> {
    identity: ObjectIdentity<N>;
    /**
     * Content-addressed Secrets: the Kubernetes name is this source's value (`<identity name>-<hash of the
     * public content>`, see `contentAddressedName`) and the object is immutable. New content is a new
     * Secret, created before the one it supersedes is deleted, whatever the kubernetes provider's settings;
     * `identity.metadata.name` (the family) keys the Pulumi resource and the claims.
     */
    nameFrom?: NameFrom<S>;
    /** What the payload reads of the sources: in the component, the Outputs this object waits for. */
    read(sources: S): unknown;
    /** The payload from what `read` picked, resolved. Pure. */
    build(read: never): Payload;
    /** Type-level only (never set): the object this entry builds. */
    readonly __object?: O;
}

/** A deferred object whose payload `build`s, typed, from what `read` picks. */
export function deferred<S, N, R, O extends BuiltObject = BuiltObject>(
    identity: ObjectIdentity<N>,
    read: (sources: S) => R,
    build: (read: pulumi.Unwrap<R>) => Payload,
    nameFrom?: NameFrom<S>,
): DeferredObject<S, N, O> {
    return { identity, read, build, ...(nameFrom ? { nameFrom } : {}) };
}

/** An object as the builders emit it and the tests read it (fields by path: see common/istio-types for the typed specs). */
export interface BuiltObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string> };
    spec?: ObjectSpec;
    /** Secrets only. */
    type?: string;
    /** Content-addressed Secrets: a new content is a new Secret (see `contentAddressedName`). */
    immutable?: boolean;
    stringData?: Record<string, string>;
}

/** One deferred object built from plain values: what the tests read and what the cluster receives. */
export function buildDeferred<V, O extends BuiltObject>(p: DeferredObject<V, string, O>, values: V): O {
    const { spec, stringData, labels } = p.build(p.read(values) as never);
    const name = p.nameFrom === undefined ? p.identity.metadata.name : String(p.nameFrom.get(values));
    return {
        apiVersion: p.identity.apiVersion,
        kind: p.identity.kind,
        metadata: { ...p.identity.metadata, name, labels: { ...p.identity.metadata.labels, ...labels } },
        ...(p.identity.type !== undefined ? { type: p.identity.type } : {}),
        ...(p.nameFrom !== undefined ? { immutable: true } : {}),
        ...(spec !== undefined ? { spec: spec as ObjectSpec } : {}),
        ...(stringData !== undefined ? { stringData } : {}),
    } as O;
}

/** A deferred object's payload in the component: it waits for what the object reads of the sources, nothing else. */
export function payloadOf<S>(p: DeferredObject<S, unknown, BuiltObject>, sources: S): pulumi.Output<Payload> {
    return pulumi.output(p.read(sources) as object).apply((r) => p.build(r as never));
}

/**
 * Creates one resource per deferred object, in list order, each payload waiting for what it reads. A
 * content-addressed Secret's name (`nameFrom`) is, for every later object, the created Secret's name: a
 * gateway moves to a new credential only once that credential exists. Returns the sources with those
 * names bound.
 */
export function createObjects<S>(
    prefix: string,
    objects: readonly DeferredObject<S, pulumi.Input<string>>[],
    sources: S,
    opts: pulumi.CustomResourceOptions,
): S {
    for (const p of objects) {
        const payload = payloadOf(p, sources);
        const contentName = p.nameFrom === undefined ? undefined : pulumi.output(p.nameFrom.get(sources));
        const resource = createObject(prefix, p.identity, payload, opts, contentName);
        if (p.nameFrom !== undefined)
            sources = p.nameFrom.bind(sources, (resource as k8s.core.v1.Secret).metadata.name);
    }
    return sources;
}

/**
 * Creates the resource for one object: identity as given, payload as an Output. Secrets get their
 * `stringData` wrapped as a secret so no key lands in plain state; their `type` is plain (immutable).
 */
export function createObject(
    prefix: string,
    id:
        | ObjectIdentity<pulumi.Input<string>>
        | (Omit<ObjectIdentity<pulumi.Input<string>>, "metadata"> & {
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
        case "v1/Namespace": {
            const labels = pulumi.all([metadata.labels, payload]).apply(([l, p]) => ({ ...l, ...p.labels }));
            return new k8s.core.v1.Namespace(name, { metadata: { ...metadata, labels } }, opts);
        }
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
