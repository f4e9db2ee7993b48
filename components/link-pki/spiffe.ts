// SPIFFE identities, Pulumi-free. The client certificate names the GKE egress gateway the way Istio
// names workloads, `spiffe://<trust domain>/ns/<namespace>/sa/<service account>`, so the EKS side can
// authorize it by the same kind of identity it would use for an in-mesh caller.
import { requireTrustDomain, spiffeId } from "../common/identity";
import { invalid } from "../common/validation";

export { requireTrustDomain };

const NAMESPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SERVICE_ACCOUNT = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** The egress gateway's SPIFFE ID; validates every part (they may arrive late, as Outputs). */
export function buildSpiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
    requireTrustDomain("clientTrustDomain", trustDomain);
    if (!NAMESPACE.test(namespace)) {
        invalid(
            "clientNamespace",
            `"${namespace}" is not a Kubernetes namespace name: use at most 63 lowercase letters, digits and inner hyphens (the namespace of the GKE egress gateway pods).`,
        );
    }
    if (!SERVICE_ACCOUNT.test(serviceAccount)) {
        invalid(
            "clientServiceAccount",
            `"${serviceAccount}" is not a Kubernetes service account name: use lowercase letters, digits, inner hyphens and dots, 253 characters at most (the service account of the GKE egress gateway pods).`,
        );
    }
    return spiffeId(trustDomain, namespace, serviceAccount);
}
