// LinkPki's spec: every field, its type, default and checks, and the cross-field rules, declared once.
// The hosts, the client identity and the extra CAs may be Outputs: checked now when plain, once known
// otherwise (`later`, in index.ts), so a bad late value fails the deployment instead of issuing a bad
// certificate. CrossMeshLink picks the certificate settings (its `pki`) from here.
import { DEFAULT_GKE_TRUST_DOMAIN, ROLE_DEFAULTS } from "../istio-install/charts";
import { invalid, requireConcreteHostname } from "../common/validation";
import { KeyAlgorithm, RsaBits } from "../common/types";
import {
    holds,
    integer,
    list,
    object,
    oneOf,
    string,
    valueOr,
    type Refinement,
    type SameShape,
    type SpecArgs,
} from "../common/spec";
import { requireCaCertificatePem } from "./bundle";
import {
    DEFAULT_CA_RENEW_BEFORE_DAYS,
    DEFAULT_CA_VALIDITY_DAYS,
    DEFAULT_LEAF_RENEW_BEFORE_DAYS,
    DEFAULT_LEAF_VALIDITY_DAYS,
} from "./renewal";
import { requireEgressNamespace, requireEgressServiceAccount, requireTrustDomain } from "./spiffe";
import type { LinkPkiArgs } from "./args";

const extraCas = list(string().input().check(requireCaCertificatePem), { what: "PEM texts" }).input().optional();

/** LinkPki's fields (the link picks the certificate settings: key, validity windows, extra CAs). */
export const linkPkiFields = {
    exportedHosts: list(string().input().check(requireConcreteHostname), {
        emptyFix:
            'is empty; list every host the EKS gateway exports (e.g. ["lambda.external"]): each becomes a DNS SAN of the server certificate.',
        unique: (h) => h,
        what: "host names",
    })
        .input()
        .required('is required; list every host the EKS gateway exports (e.g. ["lambda.external"]).'),
    clientTrustDomain: string().input().default(DEFAULT_GKE_TRUST_DOMAIN).check(requireTrustDomain),
    clientNamespace: string().input().default(ROLE_DEFAULTS.egress.gatewayNamespace).check(requireEgressNamespace),
    clientServiceAccount: string().input().default(ROLE_DEFAULTS.egress.gatewayName).check(requireEgressServiceAccount),
    keyAlgorithm: oneOf(KeyAlgorithm, "key algorithm", {
        ECDSA: "P-256, the default",
        RSA: "with rsaBits 2048, 3072 or 4096",
    }).default(KeyAlgorithm.Ecdsa),
    rsaBits: oneOf(
        RsaBits,
        "RSA key size",
        {},
        (bits) => `${bits} is not supported; use 2048 (the default), 3072 or 4096.`,
    ).optional(),
    caValidityDays: integer(2, 36500, "days").default(DEFAULT_CA_VALIDITY_DAYS),
    caRenewBeforeDays: integer(0, 36500, "days").default(DEFAULT_CA_RENEW_BEFORE_DAYS),
    leafValidityDays: integer(2, 3650, "days").default(DEFAULT_LEAF_VALIDITY_DAYS),
    leafRenewBeforeDays: integer(1, 3650, "days").default(DEFAULT_LEAF_RENEW_BEFORE_DAYS),
    serverTrustsExtraCaPems: extraCas,
    clientTrustsExtraCaPems: extraCas,
};

type KeyFields = Pick<LinkPkiArgs, "keyAlgorithm" | "rsaBits">;
type DayFields = Pick<LinkPkiArgs, "caValidityDays" | "caRenewBeforeDays" | "leafValidityDays" | "leafRenewBeforeDays">;

/** An RSA key size goes with RSA keys only. */
export const rsaBitsWithRsa: Refinement<KeyFields> = {
    name: "an RSA key size with RSA keys",
    check: (a, at) => {
        if (a.rsaBits !== undefined && valueOr(linkPkiFields.keyAlgorithm, a.keyAlgorithm) !== KeyAlgorithm.Rsa)
            invalid(at("rsaBits"), `applies to RSA keys only; remove it, or set keyAlgorithm to "RSA".`);
    },
};

/** The validity windows (defaults filled in). */
export function validityDays(a: DayFields) {
    const f = linkPkiFields;
    return {
        caValidityDays: valueOr(f.caValidityDays, a.caValidityDays),
        caRenewBeforeDays: valueOr(f.caRenewBeforeDays, a.caRenewBeforeDays),
        leafValidityDays: valueOr(f.leafValidityDays, a.leafValidityDays),
        leafRenewBeforeDays: valueOr(f.leafRenewBeforeDays, a.leafRenewBeforeDays),
    };
}

/** Each renewal window fits inside its validity, and a leaf does not outlive its CA. */
export const validityWindowsFit: Refinement<DayFields> = {
    name: "renewal windows inside the validity",
    check: (a, at) => {
        const d = validityDays(a);
        // Blame the field the user set: a shortened validity under the default window names the validity.
        if (d.caRenewBeforeDays >= d.caValidityDays)
            invalid(
                at(a.caRenewBeforeDays === undefined ? "caValidityDays" : "caRenewBeforeDays"),
                `the CA validity (${d.caValidityDays} days) is not longer than its early-renewal window caRenewBeforeDays (${d.caRenewBeforeDays} days), so every \`pulumi up\` would replace the CA. Make the validity longer than the window, e.g. caValidityDays 3650 with caRenewBeforeDays 30.`,
            );
        if (d.leafRenewBeforeDays >= d.leafValidityDays)
            invalid(
                at(a.leafRenewBeforeDays === undefined ? "leafValidityDays" : "leafRenewBeforeDays"),
                `the leaf validity (${d.leafValidityDays} days) is not longer than its early-renewal window leafRenewBeforeDays (${d.leafRenewBeforeDays} days), so every \`pulumi up\` would replace the certificates. Make the validity longer than the window, e.g. leafValidityDays 90 with leafRenewBeforeDays 30.`,
            );
        if (d.leafValidityDays > d.caValidityDays - d.caRenewBeforeDays)
            invalid(
                at("leafValidityDays"),
                `${d.leafValidityDays} days outlives the CA (valid ${d.caValidityDays} days, renewed ${d.caRenewBeforeDays} days early); keep leaves shorter than the CA, e.g. 90 days.`,
            );
    },
};

export const linkPkiSpec = object(linkPkiFields, { refine: [rsaBitsWithRsa, validityWindowsFit] });

holds<SameShape<LinkPkiArgs, SpecArgs<typeof linkPkiSpec>>>();
