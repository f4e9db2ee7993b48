// A gateway's object list as one plan: for each Kubernetes object, its identity (apiVersion, kind,
// name, namespace, labels, a Secret's type) from plain values, and its payload (spec or stringData)
// as a function of the values that resolve later. The component creates one resource per entry; the
// tests build the same entries with plain values. Identity never waits for a certificate or a load
// balancer, so a day-2 change (renewal, CA rotation, a new service) is an in-place update of the
// payload, never a replacement of the object: a real preview sees the identity as known. The one
// exception is by design: credential Secrets are content-addressed (`nameFrom`), so new certificates
// are a new Secret, created before the gateway moves to it and the old one is deleted.
import type { ObjectSpec } from "../common/kube";

/** The part of an object the Kubernetes provider keys it by (a change here means delete + create). */
export interface PlannedIdentity<N = string> {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: N; labels: Record<string, string> };
    /** Secrets only: `type` is immutable in Kubernetes. */
    type?: string;
}

/** What may change on day 2 and still be applied in place. */
export interface Payload {
    spec?: ObjectSpec;
    stringData?: Record<string, string>;
}

/**
 * Where a payload reads a value: a top-level key of the values (`"gateway"`) or one element of a
 * list or record in them (`"services.2"`, `"upstreamCaPems.lambdas"`). The component waits for the
 * slots an object reads and nothing else.
 */
export type Slot<V> = (keyof V & string) | `${keyof V & string}.${string}`;

export interface PlannedObject<V, N = string> {
    identity: PlannedIdentity<N>;
    /**
     * Content-addressed credential Secrets: the Kubernetes name is this slot's value (`<identity name>-<hash
     * of the public content>`, see `contentAddressedName`) and the object is immutable. New content is a new
     * Secret, created before the one it supersedes is deleted, whatever the kubernetes provider's settings;
     * `identity.metadata.name` (the family) keys the Pulumi resource and the claims. Every later object that
     * reads this slot receives the created Secret's name, so it waits for the Secret to exist.
     */
    nameFrom?: Slot<V>;
    reads: readonly Slot<V>[];
    /** Pure: reads only its slots from `values` (the component hands it nothing else). */
    payload(values: V): Payload;
}

/** The values restricted to `reads`, as the component assembles them: an unread slot is absent. */
export function pickSlots<V>(values: V, reads: readonly string[]): V {
    return assemble(
        reads,
        reads.map((r) => readSlot(values, r)),
    );
}

export function assemble<V>(reads: readonly string[], slotValues: readonly unknown[]): V {
    const out: ObjectSpec = {};
    reads.forEach((slot, i) => {
        const [top, key] = splitSlot(slot);
        if (key === undefined) out[top] = slotValues[i];
        else (out[top] ??= /^\d+$/.test(key) ? [] : {})[key] = slotValues[i];
    });
    return out as V;
}

export function readSlot(values: unknown, slot: string): unknown {
    const [top, key] = splitSlot(slot);
    const v = (values as ObjectSpec)[top];
    return key === undefined ? v : v?.[key];
}

function splitSlot(slot: string): [string, string | undefined] {
    const dot = slot.indexOf(".");
    return dot < 0 ? [slot, undefined] : [slot.slice(0, dot), slot.slice(dot + 1)];
}

/** One planned object built with plain values: what the tests read and what the cluster receives. */
export function buildPlanned<V, N>(p: PlannedObject<V, N>, values: V) {
    const { spec, stringData } = p.payload(pickSlots(values, p.reads));
    const name = p.nameFrom === undefined ? p.identity.metadata.name : String(readSlot(values, p.nameFrom));
    return {
        apiVersion: p.identity.apiVersion,
        kind: p.identity.kind,
        metadata: { ...p.identity.metadata, name, labels: { ...p.identity.metadata.labels } },
        ...(p.identity.type !== undefined ? { type: p.identity.type } : {}),
        ...(p.nameFrom !== undefined ? { immutable: true } : {}),
        ...(spec !== undefined ? { spec } : {}),
        ...(stringData !== undefined ? { stringData } : {}),
    };
}
