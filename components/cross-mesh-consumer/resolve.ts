// The consumer's mesh as IstioInstall sees it: the egress role, in this mesh's trust domain.
import type { MeshSettings } from "../cross-mesh-link/steps/meshes";
import { DEFAULT_ISTIO_VERSION } from "../cross-mesh-link/defaults";
import type { CrossMeshConsumerArgs } from "./args";

export function consumerMesh(a: CrossMeshConsumerArgs): MeshSettings {
    return {
        gatewayRole: "egress",
        trustDomain: a.trustDomain,
        ...(a.existingGateway ? { adopted: a.existingGateway } : {}),
        ...(a.strictMtls ? { strictMtls: true } : {}),
        ...(a.meshRootNamespace !== undefined ? { meshRootNamespace: a.meshRootNamespace } : {}),
        version: a.istioVersion ?? DEFAULT_ISTIO_VERSION,
        outboundTrafficPolicy: a.registryOnly ? "REGISTRY_ONLY" : "ALLOW_ANY",
        ...(a.istio !== undefined ? { istio: a.istio } : {}),
        ...(a.istio?.values !== undefined ? { values: a.istio.values } : {}),
    };
}
