// The link Secret on each side: the certificate the stack issued (or, on a consumer mesh, the one its grant
// gave it), trust in the peer's CA, days left.
import * as crypto from "node:crypto";
import { pemBlocks } from "../../link-pki/bundle";
import type { Check } from "../report";
import { CheckState } from "../report";
import { AppliedObject, ClusterSide, objectLabel } from "../deployment";
import type { LiveObject } from "../cluster";
import { CheckOptions, DAY_MS, check, keyOf } from "./common";

export interface CertFacts {
    fingerprint: string;
    notAfter: Date;
    subject: string;
    /** `URI:spiffe://…, DNS:…` as the certificate carries them. */
    subjectAltName: string;
}

/** The certificates of a PEM bundle, the same blocks LinkPki writes (`pemBlocks`); unparsable ones are left out. */
export function certsIn(pem: string | undefined): CertFacts[] {
    return pemBlocks(pem ?? "")
        .filter((b) => b.label === "CERTIFICATE")
        .flatMap((b) => {
            try {
                const c = new crypto.X509Certificate(b.pem);
                return [
                    {
                        fingerprint: c.fingerprint256,
                        notAfter: new Date(c.validTo),
                        subject: c.subject.replace(/\n/g, ", "),
                        subjectAltName: c.subjectAltName ?? "",
                    },
                ];
            } catch {
                return [];
            }
        });
}

export const decode = (b64: unknown) =>
    typeof b64 === "string" ? Buffer.from(b64, "base64").toString("utf8") : undefined;

/** Days left as an expiry check: expired fails, inside the warning window warns. */
export function expiryCheck(side: ClusterSide, what: string, notAfter: Date, opts: CheckOptions, renew: string): Check {
    const days = Math.floor((notAfter.getTime() - opts.now.getTime()) / DAY_MS);
    const state = days < 0 ? CheckState.Fail : days <= opts.warnDays ? CheckState.Warn : CheckState.Ok;
    return check(side, {
        check: "certificate-expiry",
        state,
        detail: `${what} ${days < 0 ? `expired ${-days} day(s) ago` : `expires in ${days} day(s)`} (${notAfter.toISOString()})`,
        ...(state === CheckState.Ok ? {} : { fix: renew }),
    });
}

/** A leaf granted by someone else: its identity, its end when recorded, and what gave it ("the export's grant"). */
export interface Granted {
    spiffeId: string;
    expiresAt?: string;
    from: string;
}

/** What one side's link Secret must hold, and how the report names it. */
export interface SideCredential {
    /** The leaf the stack issued (public): the live one must be it (SHA-256). */
    certPem?: string;
    /**
     * A leaf the stack did not issue (a consumer's comes from its grant): the identity (URI SAN) and the end it must
     * carry, compared when there is no `certPem`.
     */
    granted?: Granted;
    /** The CA the Secret's ca.crt must hold (the peer's), and its name in the report ("GKE side's link CA"). */
    peerCaPem?: string;
    peerName: string;
    /** The end of this side's own CA, and its name in the report ("link CA"). */
    caExpiresAt?: string;
    caName: string;
    /** What renews this side's leaf and CA, when not this stack's own `up` (a consumer's: the export's, then its own). */
    renew?: { leaf: string; ca: string };
}

/** Same second: state outputs carry RFC 3339 seconds, a certificate's validTo seconds too. */
const sameSecond = (a: Date, b: string) => Math.floor(a.getTime() / 1000) === Math.floor(new Date(b).getTime() / 1000);

/** The link Secret: present, holding the certificate the stack issued, trusting the peer's CA, not near its end. */
export function secretChecks(
    side: ClusterSide,
    issued: SideCredential,
    objects: AppliedObject[],
    live: Map<string, LiveObject>,
    opts: CheckOptions,
): Check[] {
    const secret = objects.find((o) => o.kind === "Secret" && o.fields.type === "kubernetes.io/tls");
    if (!secret) return [];
    const label = objectLabel(secret);
    const got = live.get(keyOf(secret));
    const upRenew =
        issued.renew?.leaf ??
        "run `pulumi up` on the stack: it renews a leaf inside its renewal window (see docs/operating.md#certificates-renewal-and-expiry)";
    if (!got)
        return [
            check(side, {
                check: "link-secret",
                state: CheckState.Fail,
                object: label,
                detail: `${label} is missing: the gateway has no link credential, every call over the link fails`,
                fix: "run `pulumi up --refresh` on the stack to re-create it (a plain `pulumi up` does not see that it is gone)",
            }),
        ];
    const liveLeaf = certsIn(decode(got.data?.["tls.crt"]))[0];
    const issuedLeaf = certsIn(issued.certPem)[0];
    const checks: Check[] = [];
    if (!liveLeaf) {
        checks.push(
            check(side, {
                check: "link-secret",
                state: CheckState.Fail,
                object: label,
                detail: `${label} holds no readable certificate in tls.crt`,
                fix: "run `pulumi up --refresh` on the stack to restore it",
            }),
        );
        return checks;
    }
    checks.push(
        !issuedLeaf && issued.granted
            ? grantedLeafCheck(side, label, liveLeaf, issued.granted)
            : issuedLeafCheck(side, label, liveLeaf, issuedLeaf),
    );
    const peer = certsIn(issued.peerCaPem)[0];
    const trusted = certsIn(decode(got.data?.["ca.crt"]));
    if (peer) {
        const trusts = trusted.some((c) => c.fingerprint === peer.fingerprint);
        checks.push(
            check(side, {
                check: "peer-trust",
                state: trusts ? CheckState.Ok : CheckState.Fail,
                object: label,
                detail: trusts
                    ? `ca.crt trusts the ${issued.peerName}`
                    : `ca.crt does not hold the ${issued.peerName}: the handshake with the peer fails`,
                ...(trusts ? {} : { fix: "`pulumi up --refresh` on the stack restores the trust bundle" }),
            }),
        );
    }
    checks.push(expiryCheck(side, "leaf certificate", liveLeaf.notAfter, opts, upRenew));
    if (issued.caExpiresAt)
        checks.push(
            expiryCheck(
                side,
                issued.caName,
                new Date(issued.caExpiresAt),
                opts,
                issued.renew?.ca ??
                    "rotate the CA (pulumi up inside caRenewBeforeDays, or replace it; see docs/operating.md)",
            ),
        );
    return checks;
}

/** The leaf the stack issued: the live one must be it. */
function issuedLeafCheck(
    side: ClusterSide,
    label: string,
    liveLeaf: CertFacts,
    issuedLeaf: CertFacts | undefined,
): Check {
    const same = issuedLeaf ? liveLeaf.fingerprint === issuedLeaf.fingerprint : undefined;
    return check(side, {
        check: "link-secret",
        state: same === undefined ? CheckState.Unknown : same ? CheckState.Ok : CheckState.Fail,
        object: label,
        detail:
            same === undefined
                ? `${label} present; the stack's state holds no issued certificate to compare it with`
                : same
                  ? `${label} holds the certificate the stack issued (SHA-256 ${liveLeaf.fingerprint.slice(0, 23)}…)`
                  : `${label} holds a certificate the stack did not issue (${liveLeaf.subject}; SHA-256 ${liveLeaf.fingerprint.slice(0, 23)}…, issued ${issuedLeaf!.fingerprint.slice(0, 23)}…)`,
        ...(same === false
            ? {
                  fix: "someone replaced the link credential by hand: `pulumi up --refresh` on the stack puts the issued one back",
              }
            : {}),
    });
}

/** A leaf the stack did not issue: it must carry the granted identity and end (a consumer's, from its grant). */
function grantedLeafCheck(side: ClusterSide, label: string, leaf: CertFacts, granted: Granted): Check {
    const sans = leaf.subjectAltName.split(/,\s*/);
    const identity = sans.includes(`URI:${granted.spiffeId}`);
    const end = granted.expiresAt === undefined ? undefined : sameSecond(leaf.notAfter, granted.expiresAt);
    const ok = identity && end !== false;
    const carried = sans.filter((s) => s.startsWith("URI:")).map((s) => s.slice(4));
    return check(side, {
        check: "link-secret",
        state: ok ? (end === undefined ? CheckState.Unknown : CheckState.Ok) : CheckState.Fail,
        object: label,
        detail: !identity
            ? `${label} holds a certificate for ${carried.join(", ") || leaf.subject}, not for ${granted.spiffeId} (the identity of ${granted.from}): the peer refuses it`
            : end === false
              ? `${label} holds a certificate ending ${leaf.notAfter.toISOString()}, not the one of ${granted.from} (ending ${granted.expiresAt})`
              : end === undefined
                ? `${label} holds a certificate for ${granted.spiffeId}; the stack recorded no end of it to compare with`
                : `${label} holds the certificate of ${granted.from} (${granted.spiffeId}, SHA-256 ${leaf.fingerprint.slice(0, 23)}…)`,
        ...(ok && end !== undefined
            ? {}
            : {
                  fix:
                      end === undefined && identity
                          ? "run `pulumi up` on the stack once with this crossmesh version"
                          : "someone replaced the credential by hand: `pulumi up --refresh` on the stack puts the granted one back",
              }),
    });
}
