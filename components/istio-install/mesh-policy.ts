// Mesh-wide policy IstioInstall owns. STRICT mTLS has exactly one owner in crossmesh (this component, in
// install and adopt mode alike), so two components can never fight over the same PeerAuthentication.
import type * as pulumi from "@pulumi/pulumi";
import { claimObjects } from "../common/claims";
import { ISTIO_SECURITY_V1, MANAGED_BY_CROSSMESH, type KubeObject } from "../common/kube";
import { ISTIO_SYSTEM_NAMESPACE } from "./charts";
import type { IstioInstallArgs } from "./args";

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

/**
 * Claims, on the IstioInstall's cluster and before anything registers, the mesh-wide objects it would
 * create: a second component of the same program asking for STRICT mTLS on that mesh is refused here,
 * instead of `pulumi up` failing halfway with "already exists". CrossMeshLink claims for its GKE
 * IstioInstall (`owner` is then that child's name) before it registers itself.
 */
export function claimMeshWideObjects(
    owner: string,
    args: Pick<IstioInstallArgs, "strictMtls" | "meshRootNamespace">,
    opts: pulumi.ComponentResourceOptions | undefined,
): void {
    if (args.strictMtls !== true) return;
    const { kind, metadata } = strictMtlsPolicy(args.meshRootNamespace ?? ISTIO_SYSTEM_NAMESPACE);
    claimObjects(owner, opts, [
        {
            kind,
            metadata,
            field: "strictMtls",
            fix: "a mesh has one mesh-wide PeerAuthentication, and STRICT mTLS then covers every workload of it: keep strictMtls on one link (or IstioInstall) of this cluster and remove it from the others.",
        },
    ]);
}
