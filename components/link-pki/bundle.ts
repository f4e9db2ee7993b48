// Assembly of a gateway credential, Pulumi-free: own certificate and key, and as `ca.crt` the OTHER
// side's CA plus any extra CAs trusted during a rotation — never the side's own CA, so a gateway
// accepts only peers issued by the other side.
import * as crypto from "node:crypto";
import type { TlsBundle } from "../common/types";
import { invalid } from "../common/validation";

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

/** The PEM blocks of a text, each normalized to end with exactly one newline. */
export function pemBlocks(text: string): { label: string; pem: string }[] {
    return [...text.matchAll(PEM_BLOCK)].map((m) => ({ label: m[1], pem: m[0].replace(/\r\n/g, "\n") + "\n" }));
}

/** Checks a list of extra trusted CA PEMs (see `requireCaCertificatePem`); returns all certificates. */
export function requireCaCertificates(propertyPath: string, pems: readonly string[]): string[] {
    return pems.flatMap((text, i) => requireCaCertificatePem(`${propertyPath}[${i}]`, text));
}

/**
 * Checks one extra trusted CA entry: one or more CA certificates and nothing else (a private key
 * pasted here would end up in a trust bundle). Returns the certificates one by one.
 */
export function requireCaCertificatePem(path: string, text: string): string[] {
    const blocks = pemBlocks(text);
    if (blocks.length === 0)
        invalid(
            path,
            "is not PEM: give the CA certificate as PEM text (-----BEGIN CERTIFICATE----- …), e.g. the previous `pulumi stack output clientCaPem`.",
        );
    return blocks.map((b) => {
        if (b.label !== "CERTIFICATE")
            invalid(
                path,
                `holds a "${b.label}" block; give only CA certificates (never a key) — e.g. the previous serverCaPem/clientCaPem output.`,
            );
        let cert: crypto.X509Certificate;
        try {
            cert = new crypto.X509Certificate(b.pem);
        } catch {
            return invalid(
                path,
                "holds a certificate block that does not parse; paste the whole PEM certificate, headers included.",
            );
        }
        if (!cert.ca)
            invalid(
                path,
                `"${cert.subject.replace(/\n/g, ", ")}" is not a CA certificate; give the CA that issued the peer's certificate (serverCaPem/clientCaPem), not a leaf.`,
            );
        return b.pem;
    });
}

/** `ca.crt`: the peer CA first, then the extra CAs; duplicates dropped so a re-added CA is harmless. */
export function trustBundle(peerCaPem: string, extraCaPems: readonly string[]): string {
    const certs = [
        ...pemBlocks(peerCaPem).map((b) => b.pem),
        ...extraCaPems.flatMap((p) => pemBlocks(p).map((b) => b.pem)),
    ];
    return [...new Set(certs)].join("");
}

/** A gateway credential in the key names Istio's SDS reads from a `credentialName` secret. */
export function assembleBundle(
    certPem: string,
    privateKeyPem: string,
    peerCaPem: string,
    extraCaPems: readonly string[],
): TlsBundle {
    return { certPem, privateKeyPem, caPem: trustBundle(peerCaPem, extraCaPems) };
}
