// Up-front checks of LinkPkiArgs: everything plain at construction is checked here, before the
// component registers anything. Values that are still Outputs are checked by the same functions
// inside `apply` (see index.ts), so a bad late value fails the deployment instead of issuing a bad cert.
import {
    invalid,
    known,
    knownArray,
    requireConcreteHostname,
    requireHostList,
    requireUnique,
    requireIntegerInRange,
} from "../common/validation";
import { requireCaCertificatePem } from "./bundle";
import {
    DEFAULT_CA_RENEW_BEFORE_DAYS,
    DEFAULT_CA_VALIDITY_DAYS,
    DEFAULT_LEAF_RENEW_BEFORE_DAYS,
    DEFAULT_LEAF_VALIDITY_DAYS,
} from "./renewal";
import { requireTrustDomain } from "./spiffe";
import type { LinkPkiArgs } from "./args";
import { KeyAlgorithm, RsaBits, isEnumValue } from "../common/types";

/** Checks the exported hosts: at least one, each a concrete lowercase FQDN, no duplicates. */
export function requireExportedHosts(hosts: readonly string[]): void {
    requireHostList(
        "exportedHosts",
        hosts,
        (i) => `exportedHosts[${i}]`,
        'is empty; list every host the EKS gateway exports (e.g. ["lambda.external"]): each becomes a DNS SAN of the server certificate.',
    );
}

/** Checks the key settings; returns the tls.PrivateKey inputs they stand for. */
export function keySettings(
    algorithm: string | undefined,
    rsaBits: number | undefined,
): { algorithm: string; ecdsaCurve?: string; rsaBits?: number } {
    const alg = algorithm ?? "ECDSA";
    if (!isEnumValue(KeyAlgorithm, alg)) {
        invalid(
            "keyAlgorithm",
            `"${alg}" is not supported; use "ECDSA" (P-256, the default) or "RSA" (with rsaBits 2048, 3072 or 4096).`,
        );
    }
    if (alg === "ECDSA") {
        if (rsaBits !== undefined)
            invalid("rsaBits", `applies to RSA keys only; remove it, or set keyAlgorithm to "RSA".`);
        return { algorithm: "ECDSA", ecdsaCurve: "P256" };
    }
    const bits = rsaBits ?? 2048;
    if (!isEnumValue(RsaBits, bits))
        invalid("rsaBits", `${bits} is not supported; use 2048 (the default), 3072 or 4096.`);
    return { algorithm: "RSA", rsaBits: bits };
}

export interface ValidityDays {
    caValidityDays: number;
    caRenewBeforeDays: number;
    leafValidityDays: number;
    leafRenewBeforeDays: number;
}

/** Checks the validity windows (with defaults filled in): each renewal window fits inside its validity. */
export function validitySettings(v: Partial<ValidityDays>): ValidityDays {
    const out: ValidityDays = {
        caValidityDays: v.caValidityDays ?? DEFAULT_CA_VALIDITY_DAYS,
        caRenewBeforeDays: v.caRenewBeforeDays ?? DEFAULT_CA_RENEW_BEFORE_DAYS,
        leafValidityDays: v.leafValidityDays ?? DEFAULT_LEAF_VALIDITY_DAYS,
        leafRenewBeforeDays: v.leafRenewBeforeDays ?? DEFAULT_LEAF_RENEW_BEFORE_DAYS,
    };
    requireIntegerInRange("caValidityDays", out.caValidityDays, 2, 36500, "days");
    requireIntegerInRange("caRenewBeforeDays", out.caRenewBeforeDays, 0, 36500, "days");
    requireIntegerInRange("leafValidityDays", out.leafValidityDays, 2, 3650, "days");
    requireIntegerInRange("leafRenewBeforeDays", out.leafRenewBeforeDays, 1, 3650, "days");
    // Blame the field the user set: a shortened validity under the default window names the validity.
    if (out.caRenewBeforeDays >= out.caValidityDays) {
        invalid(
            v.caRenewBeforeDays === undefined ? "caValidityDays" : "caRenewBeforeDays",
            `the CA validity (${out.caValidityDays} days) is not longer than its early-renewal window caRenewBeforeDays (${out.caRenewBeforeDays} days), so every \`pulumi up\` would replace the CA. Make the validity longer than the window, e.g. caValidityDays 3650 with caRenewBeforeDays 30.`,
        );
    }
    if (out.leafRenewBeforeDays >= out.leafValidityDays) {
        invalid(
            v.leafRenewBeforeDays === undefined ? "leafValidityDays" : "leafRenewBeforeDays",
            `the leaf validity (${out.leafValidityDays} days) is not longer than its early-renewal window leafRenewBeforeDays (${out.leafRenewBeforeDays} days), so every \`pulumi up\` would replace the certificates. Make the validity longer than the window, e.g. leafValidityDays 90 with leafRenewBeforeDays 30.`,
        );
    }
    if (out.leafValidityDays > out.caValidityDays - out.caRenewBeforeDays) {
        invalid(
            "leafValidityDays",
            `${out.leafValidityDays} days outlives the CA (valid ${out.caValidityDays} days, renewed ${out.caRenewBeforeDays} days early); keep leaves shorter than the CA, e.g. 90 days.`,
        );
    }
    return out;
}

/** Every check that can run on the values known at construction; throws InputPropertyError. */
export function validateLinkPkiArgs(args: LinkPkiArgs): void {
    if (!args || args.exportedHosts === undefined) {
        invalid("exportedHosts", 'is required; list every host the EKS gateway exports (e.g. ["lambda.external"]).');
    }
    const hosts = knownArray<string>(args.exportedHosts);
    if (hosts) {
        if (hosts.length === 0) requireExportedHosts([]);
        hosts.forEach((h, i) => {
            if (known(h)) requireConcreteHostname(`exportedHosts[${i}]`, h);
        });
        if (hosts.every((h) => known(h))) requireUnique("exportedHosts", hosts as string[]);
    }
    if (known(args.clientTrustDomain)) requireTrustDomain("clientTrustDomain", args.clientTrustDomain);
    if (known(args.keyAlgorithm) && (args.rsaBits === undefined || known(args.rsaBits))) {
        keySettings(args.keyAlgorithm, args.rsaBits as number | undefined);
    } else if (args.keyAlgorithm === undefined && known(args.rsaBits)) {
        keySettings(undefined, args.rsaBits);
    }
    const days = [args.caValidityDays, args.caRenewBeforeDays, args.leafValidityDays, args.leafRenewBeforeDays];
    if (days.every((d) => d === undefined || known(d))) {
        validitySettings({
            caValidityDays: args.caValidityDays as number | undefined,
            caRenewBeforeDays: args.caRenewBeforeDays as number | undefined,
            leafValidityDays: args.leafValidityDays as number | undefined,
            leafRenewBeforeDays: args.leafRenewBeforeDays as number | undefined,
        });
    }
    for (const field of ["serverTrustsExtraCaPems", "clientTrustsExtraCaPems"] as const) {
        knownArray<string>(args[field])?.forEach((pem, i) => {
            if (known(pem)) requireCaCertificatePem(`${field}[${i}]`, pem);
        });
    }
}
