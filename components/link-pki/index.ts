// LinkPki: the self-signed certificate material of one gateway-to-gateway mTLS link. The server side
// (EKS ingress gateway) and the client side (GKE egress gateway) each get their own CA and a leaf;
// each side's bundle trusts only the other side's CA, so the link shares no root with either mesh.
import * as pulumi from "@pulumi/pulumi";
import { spiffeId } from "../common/identity";
import { checkArgs, later, valueOr } from "../common/spec";
import { RsaBits, type TlsBundle } from "../common/types";
import { assembleBundle } from "./bundle";
import { IssuedCa, IssuedLeaf, KeySpec, issueCa, issueLeaf } from "./issue";
import { hours } from "./renewal";
import { warnNearExpiry } from "./expiry";
import { linkPkiFields, linkPkiSpec, validityDays } from "./spec";
import type { LinkPkiArgs } from "./args";

export type { LinkPkiArgs } from "./args";

export { KeyAlgorithm, RsaBits } from "../common/types";

export const LINK_PKI_TOKEN = "crossmesh:index:LinkPki";

/** The tls resources one LinkPki issued: a CA and a leaf per side. */
export interface LinkPkiIssued {
    serverCa: IssuedCa;
    clientCa: IssuedCa;
    serverLeaf: IssuedLeaf;
    clientLeaf: IssuedLeaf;
}
const issuedBy = new WeakMap<LinkPki, LinkPkiIssued>();

/**
 * The self-signed certificates of one gateway-to-gateway mTLS link: the server side (EKS ingress gateway)
 * and the client side (GKE egress gateway) each get their own CA and a leaf, and each side's bundle trusts
 * only the other side's CA, so the link shares no root with either mesh.
 */
export class LinkPki extends pulumi.ComponentResource {
    /** EKS ingress gateway credential: server cert + key, `ca.crt` = client CA (+ extras). Secret. */
    readonly serverBundle: pulumi.Output<TlsBundle>;
    /** GKE egress gateway credential: client cert + key, `ca.crt` = server CA (+ extras). Secret. */
    readonly clientBundle: pulumi.Output<TlsBundle>;
    /** The server-side CA certificate (public): what GKE trusts; feed it to the next generation when rotating. */
    readonly serverCaPem: pulumi.Output<string>;
    /** The client-side CA certificate (public): what EKS trusts. */
    readonly clientCaPem: pulumi.Output<string>;
    readonly serverCaExpiresAt: pulumi.Output<string>;
    readonly clientCaExpiresAt: pulumi.Output<string>;
    /** RFC 3339 end of validity of the server leaf; renewed by `pulumi up` from leafRenewBeforeDays before. */
    readonly serverCertExpiresAt: pulumi.Output<string>;
    readonly clientCertExpiresAt: pulumi.Output<string>;
    /** The client certificate's URI SAN: what the EKS side may authorize (e.g. Gateway `subjectAltNames`). */
    readonly clientSpiffeId: pulumi.Output<string>;
    /** The DNS SANs of the server certificate: the SNI / `subjectAltNames` the GKE side must use. */
    readonly serverHosts: pulumi.Output<string[]>;
    /**
     * The tls resources behind the bundles, for advanced use in TypeScript (e.g. `signArgs` to model a
     * renewal). A method, not a field: the multi-language schema carries only plain outputs, and a field
     * of tls resource types would make every language's SDK depend on the tls SDK.
     */
    issued(): LinkPkiIssued {
        return issuedBy.get(this)!;
    }

    constructor(name: string, args: LinkPkiArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = checkArgs(linkPkiSpec, args);
        super(LINK_PKI_TOKEN, name, {}, opts);
        const child = { parent: this };
        const s = resolvedSettings(a);

        const serverCa = issueCa(name, "server", s.key, s.caHours, s.caEarly, child);
        const clientCa = issueCa(name, "client", s.key, s.caHours, s.caEarly, child);
        const leaf = { validityHours: s.leafHours, earlyRenewalHours: s.leafEarly };
        const serverLeaf = issueLeaf(
            name,
            "server",
            s.key,
            // key_encipherment matters for RSA key exchange (TLS 1.2); harmless for ECDSA.
            { ...leaf, dnsNames: s.hosts, allowedUses: ["digital_signature", "key_encipherment", "server_auth"] },
            serverCa,
            child,
        );
        const clientLeaf = issueLeaf(
            name,
            "client",
            s.key,
            { ...leaf, uris: s.spiffeId.apply((id) => [id]), allowedUses: ["digital_signature", "client_auth"] },
            clientCa,
            child,
        );

        // Cross-wiring: each side's ca.crt is the OTHER side's CA (plus rotation extras), never its own.
        issuedBy.set(this, { serverCa, clientCa, serverLeaf, clientLeaf });
        this.serverBundle = bundleOf(serverLeaf, clientCa, s.serverTrustsExtra);
        this.clientBundle = bundleOf(clientLeaf, serverCa, s.clientTrustsExtra);
        this.serverCaPem = serverCa.cert.certPem;
        this.clientCaPem = clientCa.cert.certPem;
        this.serverCaExpiresAt = serverCa.cert.validityEndTime;
        this.clientCaExpiresAt = clientCa.cert.validityEndTime;
        this.serverCertExpiresAt = serverLeaf.cert.validityEndTime;
        this.clientCertExpiresAt = clientLeaf.cert.validityEndTime;
        this.clientSpiffeId = s.spiffeId;
        this.serverHosts = s.hosts;
        // A warning in the update's output when a certificate nears its end (see expiry.ts).
        const leafWindow = pulumi.output(s.days.leafRenewBeforeDays);
        const caWindow = pulumi.output(s.days.caRenewBeforeDays);
        warnNearExpiry(this, [
            {
                what: "server leaf certificate",
                kind: "leaf",
                end: this.serverCertExpiresAt,
                renewBeforeDays: leafWindow,
            },
            {
                what: "client leaf certificate",
                kind: "leaf",
                end: this.clientCertExpiresAt,
                renewBeforeDays: leafWindow,
            },
            { what: "server CA", kind: "ca", end: this.serverCaExpiresAt, renewBeforeDays: caWindow },
            { what: "client CA", kind: "ca", end: this.clientCaExpiresAt, renewBeforeDays: caWindow },
        ]);

        this.registerOutputs({
            serverBundle: this.serverBundle,
            clientBundle: this.clientBundle,
            serverCaPem: this.serverCaPem,
            clientCaPem: this.clientCaPem,
            serverCaExpiresAt: this.serverCaExpiresAt,
            clientCaExpiresAt: this.clientCaExpiresAt,
            serverCertExpiresAt: this.serverCertExpiresAt,
            clientCertExpiresAt: this.clientCertExpiresAt,
            clientSpiffeId: this.clientSpiffeId,
            serverHosts: this.serverHosts,
        });
    }
}

/** How every key and certificate of a link or an export is issued: key algorithm and validity windows, defaulted. */
export function issuanceOf(a: LinkPkiSettingsOnly) {
    const rsa = valueOr(linkPkiFields.keyAlgorithm, a.keyAlgorithm) === "RSA";
    const key: KeySpec = rsa
        ? { algorithm: "RSA", ecdsaCurve: undefined, rsaBits: a.rsaBits ?? RsaBits.Bits2048 }
        : { algorithm: "ECDSA", ecdsaCurve: "P256", rsaBits: undefined };
    const days = validityDays(a);
    return {
        key,
        days,
        caHours: hours(days.caValidityDays),
        caEarly: hours(days.caRenewBeforeDays),
        leafHours: hours(days.leafValidityDays),
        leafEarly: hours(days.leafRenewBeforeDays),
    };
}

type LinkPkiSettingsOnly = Pick<
    LinkPkiArgs,
    "keyAlgorithm" | "rsaBits" | "caValidityDays" | "caRenewBeforeDays" | "leafValidityDays" | "leafRenewBeforeDays"
>;

/**
 * The settings with their defaults. Inputs that were Outputs are checked once known (`later`: a plain
 * value was checked up front and passes as it is); the rest are plain, checked by the spec already.
 */
function resolvedSettings(a: LinkPkiArgs) {
    const f = linkPkiFields;
    const identity = pulumi
        .all([
            later(f.clientTrustDomain, "clientTrustDomain", a.clientTrustDomain ?? f.clientTrustDomain.defaultValue!),
            later(f.clientNamespace, "clientNamespace", a.clientNamespace ?? f.clientNamespace.defaultValue!),
            later(
                f.clientServiceAccount,
                "clientServiceAccount",
                a.clientServiceAccount ?? f.clientServiceAccount.defaultValue!,
            ),
        ])
        .apply(([td, ns, sa]) => spiffeId(td, ns, sa));
    const extras = (field: "serverTrustsExtraCaPems" | "clientTrustsExtraCaPems") =>
        later(f[field], field, a[field] ?? []) as pulumi.Output<string[]>;
    return {
        hosts: later(f.exportedHosts, "exportedHosts", a.exportedHosts) as pulumi.Output<string[]>,
        ...issuanceOf(a),
        spiffeId: identity,
        serverTrustsExtra: extras("serverTrustsExtraCaPems"),
        clientTrustsExtra: extras("clientTrustsExtraCaPems"),
    };
}

/** A gateway's credential: its leaf and key, and the peer's CA (plus extras) as ca.crt; a secret. */
export function bundleOf(
    leaf: IssuedLeaf,
    peerCa: IssuedCa,
    extraCaPems: pulumi.Output<string[]>,
): pulumi.Output<TlsBundle> {
    return pulumi.secret(
        pulumi
            .all([leaf.cert.certPem, leaf.key.privateKeyPem, peerCa.cert.certPem, extraCaPems])
            .apply(([cert, key, ca, extras]) => assembleBundle(cert, key, ca, extras)),
    );
}
