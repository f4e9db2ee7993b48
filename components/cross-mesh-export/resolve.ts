// The export's own decisions, resolved once from its args and defaults: its mesh and each consumer's identity.
import { spiffeId } from "../common/identity";
import { ROLE_DEFAULTS } from "../istio-install/charts";
import { defaultLinkName } from "../link-routing/names";
import type { MeshSettings } from "../cross-mesh-link/steps/meshes";
import { DEFAULT_EKS_TRUST_DOMAIN, DEFAULT_ISTIO_VERSION } from "../cross-mesh-link/defaults";
import type { CrossMeshExportArgs } from "./args";

export interface ResolvedConsumer {
    name: string;
    hosts: string[];
    trustDomain: string;
    gatewayNamespace: string;
    gatewayServiceAccount: string;
    spiffeId: string;
}

export interface ResolvedExport {
    /** Prefix of every Kubernetes object name of the export: the component name as a DNS label. */
    linkName: string;
    trustDomain: string;
    istioVersion: string;
    consumers: ResolvedConsumer[];
}

export function resolveExport(name: string, args: CrossMeshExportArgs): ResolvedExport {
    const egress = ROLE_DEFAULTS.egress;
    return {
        linkName: defaultLinkName(name),
        trustDomain: args.trustDomain ?? DEFAULT_EKS_TRUST_DOMAIN,
        istioVersion: args.istioVersion ?? DEFAULT_ISTIO_VERSION,
        consumers: args.consumers.map((c) => {
            const gatewayNamespace = c.gatewayNamespace ?? egress.gatewayNamespace;
            const gatewayServiceAccount = c.gatewayServiceAccount ?? egress.gatewayName;
            return {
                name: c.name,
                hosts: c.hosts,
                trustDomain: c.trustDomain,
                gatewayNamespace,
                gatewayServiceAccount,
                spiffeId: spiffeId(c.trustDomain, gatewayNamespace, gatewayServiceAccount),
            };
        }),
    };
}

/** The export's mesh as IstioInstall sees it: the ingress role; the load balancer admits every consumer's CIDRs. */
export function exportMesh(args: CrossMeshExportArgs, resolved: ResolvedExport): MeshSettings {
    const cidrs = args.consumers.map((c) => c.egressCidrs);
    // Open to all when any consumer gives no CIDRs (its calls must get through); else the union, in order.
    const ranges = cidrs.some((c) => c === undefined || c.length === 0)
        ? undefined
        : [...new Set(cidrs.flat() as string[])];
    return {
        gatewayRole: "ingress",
        trustDomain: resolved.trustDomain,
        ...(args.existingGateway ? { adopted: args.existingGateway } : {}),
        ...(args.exposure !== undefined ? { exposure: args.exposure } : {}),
        version: resolved.istioVersion,
        outboundTrafficPolicy: args.registryOnly ? "REGISTRY_ONLY" : "ALLOW_ANY",
        ...(ranges !== undefined && !args.existingGateway ? { loadBalancerSourceRanges: ranges } : {}),
        ...(args.tags !== undefined ? { loadBalancerTags: args.tags } : {}),
        ...(args.istio !== undefined ? { istio: args.istio } : {}),
        ...(args.istio?.values !== undefined ? { values: args.istio.values } : {}),
    };
}
