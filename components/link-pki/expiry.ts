// Warnings during `pulumi up`/`preview` when a certificate of the link is close to its end. A leaf is
// only renewed by an update that runs inside its renewal window; an unnoticed gap in the schedule (or a
// failing update) lets it expire and the link fails closed. The warning names the date and what to do.
import * as pulumi from "@pulumi/pulumi";

/**
 * Default warning window of what watches the link (`crossmesh status`, the monitoring's alert): a certificate
 * with this many days left or fewer is reported.
 */
export const DEFAULT_WARN_DAYS = 21;

/** Days before the renewal window opens from which an update already warns. */
export const EXPIRY_WARNING_MARGIN_DAYS = 7;
const DAY_MS = 86_400_000;

export interface CertificateEnd {
    /** What the certificate is, for the reader: "server leaf certificate", "client CA". */
    what: string;
    kind: "leaf" | "ca";
    /** RFC 3339 end of validity. */
    validityEndTime: string;
    /** The early-renewal window in days: from then on an update replaces the certificate. */
    renewBeforeDays: number;
}

function day(ms: number): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The warning for one certificate at `now`, or undefined when its end is further away than the
 * renewal window plus `marginDays`. Pure, so the thresholds are tested without a clock.
 */
export function expiryWarning(
    c: CertificateEnd,
    now: Date,
    marginDays = EXPIRY_WARNING_MARGIN_DAYS,
): string | undefined {
    const end = Date.parse(c.validityEndTime);
    const renewFrom = end - c.renewBeforeDays * DAY_MS;
    const left = (end - now.getTime()) / DAY_MS;
    if (left > c.renewBeforeDays + marginDays) return undefined;
    const ca =
        c.kind === "ca"
            ? ' Renewing a CA replaces the trust of both gateways at once: rotate it ahead of time with the other generation\'s CA in serverTrustsExtraCaPems/clientTrustsExtraCaPems (README, "Rotating certificates").'
            : "";
    if (left <= 0)
        return `crossmesh ${c.what} expired at ${c.validityEndTime}: the link rejects handshakes until \`pulumi up\` renews it — run it now.${ca}`;
    if (now.getTime() >= renewFrom) {
        return (
            `crossmesh ${c.what} expires at ${c.validityEndTime} (in ${left.toFixed(1)} days) and is inside its ${c.renewBeforeDays}-day renewal window: ` +
            `this update should replace it; if it did not (a preview, a failed update), run \`pulumi up\` before it expires.${ca}`
        );
    }
    return (
        `crossmesh ${c.what} expires at ${c.validityEndTime} (in ${left.toFixed(1)} days); the first \`pulumi up\` from ${day(renewFrom)} renews it. ` +
        `Make sure one runs by then, e.g. a scheduled \`pulumi up\` in CI.${ca}`
    );
}

/**
 * Logs `expiryWarning` for each certificate once its end of validity is known (an update; in a
 * preview, a certificate about to be replaced has no known end and is skipped), against the clock of
 * the machine running Pulumi.
 */
export function warnNearExpiry(
    resource: pulumi.Resource,
    certs: { what: string; kind: "leaf" | "ca"; end: pulumi.Output<string>; renewBeforeDays: pulumi.Output<number> }[],
): void {
    for (const c of certs) {
        pulumi.all([c.end, c.renewBeforeDays]).apply(([validityEndTime, renewBeforeDays]) => {
            const message = validityEndTime
                ? expiryWarning({ what: c.what, kind: c.kind, validityEndTime, renewBeforeDays }, new Date())
                : undefined;
            if (message) void pulumi.log.warn(message, resource);
        });
    }
}
