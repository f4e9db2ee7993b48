// The export's certificates: one server CA and leaf (the gateway's, a DNS SAN per exported host), and per consumer
// its own client CA and leaf (its SPIFFE id as URI SAN), each consumer's under a component of its own. The server
// trusts every consumer's CA; a consumer trusts the server CA only. Adding, renewing or removing one consumer's
// certificates touches that consumer's resources and the server's trust bundle, nothing of another consumer.
import * as pulumi from "@pulumi/pulumi";
import { later } from "../common/spec";
import type { TlsBundle } from "../common/types";
import { bundleOf, issuanceOf } from "../link-pki";
import { assembleBundle } from "../link-pki/bundle";
import { warnNearExpiry } from "../link-pki/expiry";
import { issueCa, issueLeaf } from "../link-pki/issue";
import { linkPkiFields } from "../link-pki/spec";
import type { LinkPkiSettings } from "../cross-mesh-link/args";
import type { ResolvedConsumer } from "./resolve";

export const EXPORT_CONSUMER_TOKEN = "crossmesh:index:ExportConsumer";

/** One consumer's certificates. */
export interface ConsumerPki {
    /** Its gateway credential: client certificate and key, the server CA (+ extras) as ca.crt. Secret. */
    clientBundle: pulumi.Output<TlsBundle>;
    clientCaPem: pulumi.Output<string>;
    clientCertExpiresAt: pulumi.Output<string>;
    clientCaExpiresAt: pulumi.Output<string>;
}

export interface ExportPki {
    /** The gateway's credential: server certificate and key, every consumer's CA (+ extras) as ca.crt. Secret. */
    serverBundle: pulumi.Output<TlsBundle>;
    serverCaPem: pulumi.Output<string>;
    serverCaExpiresAt: pulumi.Output<string>;
    serverCertExpiresAt: pulumi.Output<string>;
    /** In the order of the consumers. */
    consumers: ConsumerPki[];
}

export function issueExportPki(
    parent: pulumi.ComponentResource,
    name: string,
    hosts: string[],
    consumers: ResolvedConsumer[],
    settings: LinkPkiSettings = {},
): ExportPki {
    const s = issuanceOf(settings);
    const leaf = { validityHours: s.leafHours, earlyRenewalHours: s.leafEarly };
    const extras = (field: "serverTrustsExtraCaPems" | "clientTrustsExtraCaPems") =>
        later(linkPkiFields[field], `pki.${field}`, settings[field] ?? []) as pulumi.Output<string[]>;
    const child = { parent };
    const serverCa = issueCa(name, "server", s.key, s.caHours, s.caEarly, child);
    const serverLeaf = issueLeaf(
        name,
        "server",
        s.key,
        // key_encipherment matters for RSA key exchange (TLS 1.2); harmless for ECDSA.
        { ...leaf, dnsNames: hosts, allowedUses: ["digital_signature", "key_encipherment", "server_auth"] },
        serverCa,
        child,
    );
    const clientTrustsExtra = extras("clientTrustsExtraCaPems");
    const issued = consumers.map((c) => {
        const own = { parent: new pulumi.ComponentResource(EXPORT_CONSUMER_TOKEN, `${name}-${c.name}`, {}, child) };
        const ca = issueCa(`${name}-${c.name}`, "client", s.key, s.caHours, s.caEarly, own);
        const cert = issueLeaf(
            `${name}-${c.name}`,
            "client",
            s.key,
            { ...leaf, uris: [c.spiffeId], allowedUses: ["digital_signature", "client_auth"] },
            ca,
            own,
        );
        return { ca, cert, own: own.parent };
    });
    const serverTrustsExtra = extras("serverTrustsExtraCaPems");
    // ca.crt of the gateway: every consumer's CA (in the order of the consumers), then the rotation extras.
    const serverBundle = pulumi.secret(
        pulumi
            .all([
                serverLeaf.cert.certPem,
                serverLeaf.key.privateKeyPem,
                pulumi.all(issued.map((i) => i.ca.cert.certPem)),
                serverTrustsExtra,
            ])
            .apply(([cert, key, cas, more]) => assembleBundle(cert, key, cas.join(""), more)),
    );
    const leafWindow = pulumi.output(s.days.leafRenewBeforeDays);
    const caWindow = pulumi.output(s.days.caRenewBeforeDays);
    warnNearExpiry(parent, [
        {
            what: "server leaf certificate",
            kind: "leaf",
            end: serverLeaf.cert.validityEndTime,
            renewBeforeDays: leafWindow,
        },
        { what: "server CA", kind: "ca", end: serverCa.cert.validityEndTime, renewBeforeDays: caWindow },
    ]);
    return {
        serverBundle,
        serverCaPem: serverCa.cert.certPem,
        serverCaExpiresAt: serverCa.cert.validityEndTime,
        serverCertExpiresAt: serverLeaf.cert.validityEndTime,
        consumers: issued.map(({ ca, cert, own }, i) => {
            warnNearExpiry(own, [
                {
                    what: `client leaf certificate of consumer "${consumers[i].name}"`,
                    kind: "leaf",
                    end: cert.cert.validityEndTime,
                    renewBeforeDays: leafWindow,
                },
                {
                    what: `client CA of consumer "${consumers[i].name}"`,
                    kind: "ca",
                    end: ca.cert.validityEndTime,
                    renewBeforeDays: caWindow,
                },
            ]);
            return {
                clientBundle: bundleOf(cert, serverCa, clientTrustsExtra),
                clientCaPem: ca.cert.certPem,
                clientCertExpiresAt: cert.cert.validityEndTime,
                clientCaExpiresAt: ca.cert.validityEndTime,
            };
        }),
    };
}
