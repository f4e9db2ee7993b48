// Workload identities, one implementation for every component: SPIFFE trust domains, SPIFFE IDs as Istio
// names workloads (`spiffe://<trust domain>/ns/<namespace>/sa/<service account>`), and the principal form
// AuthorizationPolicies use.
import { invalid } from "./validation";

/** SPIFFE ID spec §2.1: lowercase letters, digits, dots, dashes and underscores; 255 characters at most. */
const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;

/** Checks a SPIFFE trust domain such as "gke.example.org"; names the field and the fix. */
export function requireTrustDomain(propertyPath: string, trustDomain: string): void {
    if (trustDomain.startsWith("spiffe://")) {
        invalid(
            propertyPath,
            `"${trustDomain}" is a SPIFFE ID, not a trust domain; give only the domain part, e.g. "${trustDomain.slice(9).split("/")[0] || "cluster.local"}".`,
        );
    }
    const lower = trustDomain.toLowerCase();
    if (!TRUST_DOMAIN.test(lower) || /^[._-]|[._-]$/.test(lower)) {
        invalid(
            propertyPath,
            `"${trustDomain}" is not a valid SPIFFE trust domain: use 1-255 lowercase letters, digits, dots, dashes and underscores, without scheme, port or path — the mesh's meshConfig.trustDomain, distinct per mesh, e.g. "gke.example.org".`,
        );
    }
    if (trustDomain !== lower) {
        invalid(
            propertyPath,
            `"${trustDomain}" has upper-case letters; SPIFFE trust domains are lowercase: use "${lower}".`,
        );
    }
}

/** `spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>`: an Istio workload identity as a URI SAN. */
export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
    return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/**
 * The AuthorizationPolicy `principals` form of a SPIFFE id: without `spiffe://`. Istio adds the prefix back
 * and matches it exactly against the peer certificate's URI SAN.
 */
export function principalOf(spiffeUri: string): string {
    return spiffeUri.replace(/^spiffe:\/\//, "");
}
