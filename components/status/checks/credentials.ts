// The link Secret on each side: the certificate the stack issued, trust in the peer's CA, days left.
import * as crypto from "node:crypto";
import { pemBlocks } from "../../link-pki/bundle";
import type { Check } from "../report";
import { CheckState } from "../report";
import type { LinkEnd } from "../../common/types";
import { AppliedObject, DeployedLink, objectLabel } from "../deployment";
import type { LiveObject } from "../cluster";
import { CheckOptions, DAY_MS, check, keyOf } from "./common";

interface CertFacts {
    fingerprint: string;
    notAfter: Date;
    subject: string;
}

/** The certificates of a PEM bundle, the same blocks LinkPki writes (`pemBlocks`); unparsable ones are left out. */
function certsIn(pem: string | undefined): CertFacts[] {
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
                    },
                ];
            } catch {
                return [];
            }
        });
}

const decode = (b64: unknown) => (typeof b64 === "string" ? Buffer.from(b64, "base64").toString("utf8") : undefined);

/** Days left as an expiry check: expired fails, inside the warning window warns. */
function expiryCheck(side: LinkEnd, what: string, notAfter: Date, opts: CheckOptions, renew: string): Check {
    const days = Math.floor((notAfter.getTime() - opts.now.getTime()) / DAY_MS);
    const state = days < 0 ? CheckState.Fail : days <= opts.warnDays ? CheckState.Warn : CheckState.Ok;
    return check(side, {
        check: "certificate-expiry",
        state,
        detail: `${what} ${days < 0 ? `expired ${-days} day(s) ago` : `expires in ${days} day(s)`} (${notAfter.toISOString()})`,
        ...(state === CheckState.Ok ? {} : { fix: renew }),
    });
}

/** The link Secret: present, holding the certificate the stack issued, trusting the peer's CA, not near its end. */
export function secretChecks(
    side: LinkEnd,
    link: DeployedLink,
    objects: AppliedObject[],
    live: Map<string, LiveObject>,
    opts: CheckOptions,
): Check[] {
    const secret = objects.find((o) => o.kind === "Secret" && o.fields.type === "kubernetes.io/tls");
    if (!secret) return [];
    const label = objectLabel(secret);
    const got = live.get(keyOf(secret));
    const upRenew =
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
    const issued = link.credentials[side];
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
    const same = issuedLeaf ? liveLeaf.fingerprint === issuedLeaf.fingerprint : undefined;
    checks.push(
        check(side, {
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
        }),
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
                    ? `ca.crt trusts the ${side === "eks" ? "GKE" : "EKS"} side's link CA`
                    : `ca.crt does not hold the ${side === "eks" ? "GKE" : "EKS"} side's link CA: the handshake with the peer fails`,
                ...(trusts ? {} : { fix: "`pulumi up --refresh` on the stack restores the trust bundle" }),
            }),
        );
    }
    checks.push(expiryCheck(side, "leaf certificate", liveLeaf.notAfter, opts, upRenew));
    if (issued.caExpiresAt)
        checks.push(
            expiryCheck(
                side,
                "link CA",
                new Date(issued.caExpiresAt),
                opts,
                "rotate the CA (pulumi up inside caRenewBeforeDays, or replace it; see docs/operating.md)",
            ),
        );
    return checks;
}
