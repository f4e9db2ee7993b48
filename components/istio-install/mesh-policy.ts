// Mesh-wide policy IstioInstall owns. STRICT mTLS has exactly one owner in crossmesh (this component, in
// install and adopt mode alike), so two components can never fight over the same PeerAuthentication.
import { ISTIO_SECURITY_V1, MANAGED_BY_CROSSMESH, type KubeObject } from "../common/kube";

/**
 * A PeerAuthentication named "default" in the mesh root namespace applies to every workload of the mesh
 * (Istio's mesh-wide policy); STRICT makes every sidecar refuse plaintext.
 */
export function strictMtlsPolicy(rootNamespace: string): KubeObject & { spec: { mtls: { mode: "STRICT" } } } {
    return {
        apiVersion: ISTIO_SECURITY_V1,
        kind: "PeerAuthentication",
        metadata: {
            name: "default",
            namespace: rootNamespace,
            labels: { ...MANAGED_BY_CROSSMESH },
        },
        spec: { mtls: { mode: "STRICT" } },
    };
}
