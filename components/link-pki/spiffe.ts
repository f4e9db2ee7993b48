// SPIFFE identities, Pulumi-free. The client certificate names the GKE egress gateway the way Istio
// names workloads, `spiffe://<trust domain>/ns/<namespace>/sa/<service account>`, so the EKS side can
// authorize it by the same kind of identity it would use for an in-mesh caller.
import { invalid } from "../common/validation";

/** SPIFFE ID spec §2.1: lowercase letters, digits, dots, dashes and underscores; 255 characters at most. */
const TRUST_DOMAIN = /^[a-z0-9._-]{1,255}$/;
const NAMESPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SERVICE_ACCOUNT = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** Checks a SPIFFE trust domain such as "cluster.local" (Istio's default); names the field and the fix. */
export function requireTrustDomain(propertyPath: string, trustDomain: string): void {
    if (trustDomain.startsWith("spiffe://")) {
        invalid(propertyPath, `"${trustDomain}" is a SPIFFE ID, not a trust domain; give only the domain part, e.g. "${trustDomain.slice(9).split("/")[0] || "cluster.local"}".`);
    }
    if (trustDomain !== trustDomain.toLowerCase()) {
        invalid(propertyPath, `"${trustDomain}" has upper-case letters; SPIFFE trust domains are lowercase: use "${trustDomain.toLowerCase()}".`);
    }
    if (!TRUST_DOMAIN.test(trustDomain) || /^[._-]|[._-]$/.test(trustDomain)) {
        invalid(propertyPath, `"${trustDomain}" is not a valid SPIFFE trust domain: use 1-255 lowercase letters, digits, dots, dashes and underscores, without scheme, port or path — the mesh's trust domain, "cluster.local" unless Istio's meshConfig.trustDomain says otherwise.`);
    }
}

/** The egress gateway's SPIFFE ID; validates every part (they may arrive late, as Outputs). */
export function buildSpiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
    requireTrustDomain("clientTrustDomain", trustDomain);
    if (!NAMESPACE.test(namespace)) {
        invalid("clientNamespace", `"${namespace}" is not a Kubernetes namespace name: use at most 63 lowercase letters, digits and inner hyphens (the namespace of the GKE egress gateway pods).`);
    }
    if (!SERVICE_ACCOUNT.test(serviceAccount)) {
        invalid("clientServiceAccount", `"${serviceAccount}" is not a Kubernetes service account name: use lowercase letters, digits, inner hyphens and dots, 253 characters at most (the service account of the GKE egress gateway pods).`);
    }
    return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}
