// The plain objects the builders of both gateways emit. Istio objects carry a `spec`; Secrets carry
// `type` and `stringData`. Builders are pure: tests read these objects without Pulumi.
import type { TlsBundle } from "../common/types";
import { linkLabels } from "./names";
import type { ObjectSpec } from "../common/kube";

// A type alias, not an interface, so it also fits `Record<string, unknown>` (e.g. the schema validator's input).
export type ObjectMeta = {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
};

export interface LinkObject {
    apiVersion: string;
    kind: string;
    metadata: ObjectMeta;
    /** Istio objects, Deployments. Loosely typed on purpose: tests read fields by path. */
    spec?: ObjectSpec;
    /** Secrets only. */
    type?: string;
    stringData?: Record<string, string>;
}

export function meta(linkName: string, name: string, namespace?: string): ObjectMeta {
    return namespace === undefined
        ? { name, labels: linkLabels(linkName) }
        : { name, namespace, labels: linkLabels(linkName) };
}

/**
 * A gateway credential: `kubernetes.io/tls` with `ca.crt` beside `tls.crt`/`tls.key`, the layout Istio
 * reads for MUTUAL (server: CA that signs client certificates; client: CA that signs the server's).
 */
export function credentialSecret(linkName: string, name: string, namespace: string, bundle: TlsBundle): LinkObject {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: meta(linkName, name, namespace),
        type: "kubernetes.io/tls",
        stringData: credentialData(bundle),
    };
}

/**
 * A CA-only credential for SIMPLE TLS origination to a privately signed upstream. Opaque, because a
 * `kubernetes.io/tls` Secret must carry a key pair; Istio reads `ca.crt` alone as a validation context.
 */
export function caOnlySecret(linkName: string, name: string, namespace: string, caPem: string): LinkObject {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: meta(linkName, name, namespace),
        type: "Opaque",
        stringData: caPem ? { "ca.crt": caPem } : {},
    };
}

/** Finds the one object of `kind` named `name`; throws when there is none (a builder/component mismatch). */
export function pick(objects: LinkObject[], kind: string, name: string): LinkObject {
    const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!found) throw new Error(`no ${kind} named ${name} among the built objects`);
    return found;
}

/** A credential as Istio's SDS reads it from a `credentialName` Secret. */
export function credentialData(bundle: TlsBundle): Record<"tls.crt" | "tls.key" | "ca.crt", string> {
    return { "tls.crt": bundle.certPem, "tls.key": bundle.privateKeyPem, "ca.crt": bundle.caPem };
}
