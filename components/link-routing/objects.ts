// The plain objects the builders of both gateways emit. Istio objects carry a `spec`; Secrets carry
// `type` and `stringData`. Builders are pure: tests read these objects without Pulumi.
import type { TlsBundle } from "../common/types";
import { linkLabels } from "./names";
import type { ObjectSpec } from "../common/kube";
import { shortHash } from "../common/names";

/** Hex digits of the content hash a content-addressed Secret's name ends in. */
export const CONTENT_HASH_LENGTH = 10;

/**
 * The name of a content-addressed Secret: `<family>-<hash>`, the hash over public content only (the
 * certificates, never a key). A renewal or CA rotation changes the name, so the kubernetes provider creates
 * the new Secret, the gateway objects move to it, and only then is the old one deleted: no live
 * credential is ever deleted, with or without `enableSecretMutable` on the provider.
 */
export function contentAddressedName(family: string, publicContent: readonly string[]): string {
    return `${family}-${shortHash(publicContent.join("\n"), CONTENT_HASH_LENGTH)}`;
}

/** A gateway credential's Secret name: its family and a hash of the certificate and the CA it trusts. */
export function credentialSecretName(family: string, bundle: Pick<TlsBundle, "certPem" | "caPem">): string {
    return contentAddressedName(family, [bundle.certPem, bundle.caPem]);
}

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
    /** Content-addressed Secrets: a new content is a new Secret (see `contentAddressedName`). */
    immutable?: boolean;
    stringData?: Record<string, string>;
}

export function meta(linkName: string, name: string, namespace?: string): ObjectMeta {
    return namespace === undefined
        ? { name, labels: linkLabels(linkName) }
        : { name, namespace, labels: linkLabels(linkName) };
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
