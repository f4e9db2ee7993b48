// Step 1: Istio on both clusters (installed, or adopted as it runs), independent of each other and of
// AWS. The args of each IstioInstall are built here only, for the install and for the link's validation.
import { vouch } from "../../common/spec";
import type { GatewayExposure, LinkEnd } from "../../common/types";
import type { ExtraChartValues } from "../../istio-install/charts";
import * as pulumi from "@pulumi/pulumi";
import { IstioInstall, IstioInstallArgs } from "../../istio-install";
import { claimMeshWideObjects } from "../../istio-install/mesh-policy";
import type { AdoptedGatewayArgs, CrossMeshLinkArgs, LinkSettings } from "../args";
import type { ResolvedLink } from "./resolve";

/** One end of the link (the same as the public `LinkEnd`). */
export type Side = LinkEnd;

/** One mesh as a composite describes it to IstioInstall: the link per side, an export or a consumer once. */
export interface MeshSettings {
    gatewayRole: "ingress" | "egress";
    trustDomain: string;
    /** A running gateway to adopt: then only the settings an adopted install takes apply. */
    adopted?: AdoptedGatewayArgs;
    strictMtls?: boolean;
    meshRootNamespace?: string;
    exposure?: GatewayExposure;
    version: string;
    outboundTrafficPolicy: "ALLOW_ANY" | "REGISTRY_ONLY";
    loadBalancerSourceRanges?: string[];
    loadBalancerTags?: Record<string, string>;
    istio?: Pick<
        IstioInstallArgs,
        "highAvailability" | "chartRepository" | "imageRegistry" | "imagePullSecrets" | "retainedVersions"
    >;
    values?: ExtraChartValues;
}

/** IstioInstall's args for one mesh; an adopted install keeps its own mesh settings. Unset settings stay unset. */
export function meshInstallArgs(m: MeshSettings): IstioInstallArgs {
    const common: IstioInstallArgs = {
        gatewayRole: m.gatewayRole,
        trustDomain: m.trustDomain,
        ...(m.strictMtls ? { strictMtls: true } : {}),
        // Passed as given, so IstioInstall refuses it where it does not apply (an installed mesh).
        ...(m.meshRootNamespace !== undefined ? { meshRootNamespace: m.meshRootNamespace } : {}),
        // Passed as given, so IstioInstall refuses it for an adopted gateway (whose Service is the user's).
        ...(m.exposure !== undefined ? { exposure: m.exposure } : {}),
    };
    if (m.adopted) return { ...common, adoptExisting: true, existingGateway: m.adopted };
    const istio = m.istio ?? {};
    return {
        ...common,
        version: m.version,
        outboundTrafficPolicy: m.outboundTrafficPolicy,
        ...(m.loadBalancerSourceRanges !== undefined ? { loadBalancerSourceRanges: m.loadBalancerSourceRanges } : {}),
        ...(m.loadBalancerTags !== undefined && Object.keys(m.loadBalancerTags).length > 0
            ? { loadBalancerTags: m.loadBalancerTags }
            : {}),
        ...(istio.highAvailability !== undefined ? { highAvailability: istio.highAvailability } : {}),
        ...(istio.chartRepository !== undefined ? { chartRepository: istio.chartRepository } : {}),
        ...(istio.imageRegistry !== undefined ? { imageRegistry: istio.imageRegistry } : {}),
        ...(istio.imagePullSecrets !== undefined ? { imagePullSecrets: istio.imagePullSecrets } : {}),
        ...(istio.retainedVersions !== undefined ? { retainedVersions: istio.retainedVersions } : {}),
        ...(m.values !== undefined ? { values: m.values } : {}),
    };
}

/** IstioInstall's args for one side of the link. */
export function istioInstallArgs(side: Side, args: LinkSettings, resolved: ResolvedLink): IstioInstallArgs {
    const eks = side === "eks";
    return meshInstallArgs({
        gatewayRole: eks ? "ingress" : "egress",
        trustDomain: eks ? resolved.eksTrustDomain : resolved.gkeTrustDomain,
        ...((eks ? args.eksExistingGateway : args.gkeExistingGateway) !== undefined
            ? { adopted: eks ? args.eksExistingGateway! : args.gkeExistingGateway! }
            : {}),
        // Mesh-wide STRICT mTLS is a setting of the GKE mesh, owned by its one IstioInstall.
        ...(!eks && args.strictMtls ? { strictMtls: true } : {}),
        ...(!eks && args.gkeMeshRootNamespace !== undefined ? { meshRootNamespace: args.gkeMeshRootNamespace } : {}),
        ...(eks && args.eksGatewayExposure !== undefined ? { exposure: args.eksGatewayExposure } : {}),
        version: resolved.istioVersion,
        outboundTrafficPolicy: resolved.outboundTrafficPolicy,
        ...(eks && args.consumerEgressCidrs !== undefined
            ? { loadBalancerSourceRanges: args.consumerEgressCidrs }
            : {}),
        // The link's AWS tags reach the NLB the controller makes (its annotation), beside the link's own resources.
        ...(eks && args.tags !== undefined ? { loadBalancerTags: args.tags } : {}),
        ...(args.istio !== undefined ? { istio: args.istio } : {}),
        ...((eks ? args.istio?.eksValues : args.istio?.gkeValues) !== undefined
            ? { values: eks ? args.istio!.eksValues! : args.istio!.gkeValues! }
            : {}),
    });
}

/** The child-path → link-path renames for one side's IstioInstall, so errors name what the user wrote. */
export function istioFieldPath(side: Side, childPath: string): string {
    const adopted = side === "eks" ? "eksExistingGateway" : "gkeExistingGateway";
    const renames: [RegExp, string][] = [
        [/^existingGateway/, adopted],
        [/^version/, "istioVersion"],
        [/^trustDomain/, `${side}TrustDomain`],
        [/^loadBalancerSourceRanges/, "consumerEgressCidrs"],
        [/^exposure/, "eksGatewayExposure"],
        [/^loadBalancerTags/, "tags"],
        [/^outboundTrafficPolicy/, "registryOnly"],
        [/^meshRootNamespace/, "gkeMeshRootNamespace"],
        [/^values/, `istio.${side}Values`],
        [/^(highAvailability|chartRepository|imageRegistry|imagePullSecrets|retainedVersions)/, "istio.$1"],
    ];
    for (const [from, to] of renames) if (from.test(childPath)) return childPath.replace(from, to);
    return childPath;
}

/** The name of a side's IstioInstall child. */
export function meshName(link: string, side: Side): string {
    return `${link}-${side}-istio`;
}

/**
 * Claims the GKE mesh's mesh-wide objects for the link's GKE IstioInstall, before the link registers
 * anything: two links asking for STRICT mTLS on one mesh are refused up front.
 */
export function claimMeshWide(name: string, args: CrossMeshLinkArgs, resolved: ResolvedLink): void {
    claimMeshWideObjects(`IstioInstall "${meshName(name, "gke")}"`, istioInstallArgs("gke", args, resolved), {
        provider: args.gkeProvider,
    });
}

export interface Meshes {
    eks: IstioInstall;
    gke: IstioInstall;
    /** The far end of the link: the EKS ingress gateway's load balancer. */
    eksGatewayHostname: pulumi.Output<string>;
}

export function installMeshes(
    parent: pulumi.ComponentResource,
    name: string,
    args: CrossMeshLinkArgs,
    resolved: ResolvedLink,
): Meshes {
    const eks = new IstioInstall(meshName(name, "eks"), vouch(istioInstallArgs("eks", args, resolved)), {
        parent,
        provider: args.eksProvider,
    });
    const gke = new IstioInstall(meshName(name, "gke"), vouch(istioInstallArgs("gke", args, resolved)), {
        parent,
        provider: args.gkeProvider,
    });
    // The ingress role always has a load balancer.
    return { eks, gke, eksGatewayHostname: eks.loadBalancerHostname.apply((h) => h as string) };
}
