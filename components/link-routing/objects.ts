// The plain objects the builders of both gateways emit. Istio objects carry a `spec`; Secrets carry
// `type` and `stringData`. Builders are pure: tests read these objects without Pulumi.
import type * as pulumi from "@pulumi/pulumi";
import type { TlsBundle } from "../common/types";
import { linkLabels } from "./names";
import { shortHash } from "../common/names";
import {
    ISTIO_API_VERSION,
    type IstioKind,
    type IstioObject,
    type IstioSpecs,
    type Metadata,
} from "../common/istio-types";
import { type BuiltObject, type ObjectIdentity, type DeferredObject, deferred } from "../common/deferred";

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

/** An object as the tests and the tracer read it: any object of a link, fields by path (see `BuiltObject`). */
export type LinkObject = BuiltObject;

/** A link's Secret as built: content-addressed Secrets are immutable. */
export type SecretObject = {
    apiVersion: "v1";
    kind: "Secret";
    metadata: Metadata;
    type: "kubernetes.io/tls" | "Opaque";
    immutable?: true;
    stringData: Record<string, string>;
};

/** A credential as Istio's SDS reads it from a `credentialName` Secret. */
export function credentialData(bundle: TlsBundle): Record<"tls.crt" | "tls.key" | "ca.crt", string> {
    return { "tls.crt": bundle.certPem, "tls.key": bundle.privateKeyPem, "ca.crt": bundle.caPem };
}

/** The identities of one gateway side: every object in `namespace`, labelled with the link. */
export function linkIdentities<N>(linkName: string, namespace: N) {
    return (apiVersion: string, kind: string, name: string, type?: string): ObjectIdentity<N> => ({
        apiVersion,
        kind,
        metadata: { name, namespace, labels: linkLabels(linkName) },
        ...(type ? { type } : {}),
    });
}

/** An Istio object of `kind` in an object list: its spec, typed by the kind, built from what `read` picks. */
export function deferredIstio<S, N, K extends IstioKind, R>(
    identityOf: ReturnType<typeof linkIdentities<N>>,
    kind: K,
    name: string,
    read: (sources: S) => R,
    spec: (read: pulumi.Unwrap<R>) => IstioSpecs[K],
): DeferredObject<S, N, IstioObject<K>> {
    return deferred(identityOf(ISTIO_API_VERSION[kind], kind, name), read, (r) => ({ spec: spec(r) }));
}

/**
 * A gateway's credential Secret: kubernetes.io/tls with ca.crt beside the pair (what Istio reads for
 * MUTUAL), content-addressed by `credentialSecret`; later objects read the created Secret's name.
 */
export function deferredCredentialSecret<
    S extends { bundle: pulumi.Input<TlsBundle>; credentialSecret: pulumi.Input<string> },
    N,
>(identityOf: ReturnType<typeof linkIdentities<N>>, credentialName: string): DeferredObject<S, N, SecretObject> {
    return deferred(
        identityOf("v1", "Secret", credentialName, "kubernetes.io/tls"),
        (s: S) => s.bundle,
        (bundle) => ({ stringData: credentialData(bundle as TlsBundle) }),
        { get: (s) => s.credentialSecret, bind: (s, credentialSecret) => ({ ...s, credentialSecret }) },
    );
}
