// The parts of the client certificate's SPIFFE ID, Pulumi-free. It names the GKE egress gateway the way
// Istio names workloads, `spiffe://<trust domain>/ns/<namespace>/sa/<service account>` (common/identity),
// so the EKS side can authorize it by the same kind of identity it would use for an in-mesh caller.
import { requireTrustDomain } from "../common/identity";
import { invalid } from "../common/validation";

export { requireTrustDomain };

const NAMESPACE = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const SERVICE_ACCOUNT = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/** The namespace of the GKE egress gateway pods (the `/ns/` of its SPIFFE ID). */
export function requireEgressNamespace(path: string, namespace: string): void {
    if (!NAMESPACE.test(namespace))
        invalid(
            path,
            `"${namespace}" is not a Kubernetes namespace name: use at most 63 lowercase letters, digits and inner hyphens (the namespace of the GKE egress gateway pods).`,
        );
}

/** The service account of the GKE egress gateway pods (the `/sa/` of its SPIFFE ID). */
export function requireEgressServiceAccount(path: string, serviceAccount: string): void {
    if (!SERVICE_ACCOUNT.test(serviceAccount))
        invalid(
            path,
            `"${serviceAccount}" is not a Kubernetes service account name: use lowercase letters, digits, inner hyphens and dots, 253 characters at most (the service account of the GKE egress gateway pods).`,
        );
}
