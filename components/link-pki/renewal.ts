// Validity windows, Pulumi-free. Args are in days (as elsewhere in crossmesh); @pulumi/tls wants hours.

/** Defaults: long-lived CAs, short-lived leaves renewed a month ahead by any `pulumi up` in the window. */
export const DEFAULT_CA_VALIDITY_DAYS = 3650;
/** Small on purpose: an automatic CA renewal swaps trust on both sides at once; rotate CAs deliberately (see README). */
export const DEFAULT_CA_RENEW_BEFORE_DAYS = 30;
export const DEFAULT_LEAF_VALIDITY_DAYS = 90;
export const DEFAULT_LEAF_RENEW_BEFORE_DAYS = 30;

export function hours(days: number): number {
    return days * 24;
}

/**
 * The provider's `ready_for_renewal`: true once `now` is inside the early-renewal window before the
 * end of validity. A `pulumi up` (refresh) then replaces the certificate — and only the certificate.
 */
export function isDueForRenewal(validityEndTime: string, earlyRenewalHours: number, now: Date): boolean {
    return now.getTime() >= Date.parse(validityEndTime) - earlyRenewalHours * 3600_000;
}
