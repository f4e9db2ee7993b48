// Step 3: the routing on both clusters. EKS: the ingress gateway terminates the link and forwards each
// host to its target. GKE: the egress gateway originates the link for the allowed callers. Only the GKE
// side waits for EKS, and only for the load balancer's hostname.
import type * as pulumi from "@pulumi/pulumi";
import { AwsEgress, AwsEgressArgs } from "../../aws-egress";
import { vouch } from "../../common/spec";
import { ExportGateway } from "../../export-gateway";
import { ImportGateway } from "../../import-gateway";
import { ISTIO_SYSTEM_NAMESPACE } from "../../istio-install/charts";
import { curlImage } from "../../istio-install/client-pods";
import type { LinkPki } from "../../link-pki";
import type { CrossMeshLinkArgs, LinkAwsEgressArgs, LinkSettings } from "../args";
import { type ExportTarget, exportedServiceArgs } from "../targets";
import type { Meshes } from "./meshes";
import type { ResolvedLink } from "./resolve";

/**
 * AwsEgress's args for the EKS mesh: in istio-system, seen by the namespaces of `exportTo` (all by default).
 * The link's spec checked them already (AwsEgress's own fields and rules, on the link's paths): vouched.
 */
export function eksAwsEgressArgs(args: LinkSettings): AwsEgressArgs | undefined {
    return args.eksAwsEgress ? awsEgressArgs(args.eksAwsEgress, args.awsRegion) : undefined;
}

/** AwsEgress's args for an exporting mesh's egress settings (the link's `eksAwsEgress`, an export's `awsEgress`). */
export function awsEgressArgs(settings: LinkAwsEgressArgs, region: string | undefined): AwsEgressArgs {
    return vouch({
        ...settings,
        namespace: ISTIO_SYSTEM_NAMESPACE,
        exportTo: settings.exportTo ?? ["*"],
        ...(region !== undefined ? { region } : {}),
    });
}

/** AwsEgress's field paths as the link's user wrote them. */
export function awsEgressFieldPath(childPath: string): string {
    return childPath === "region" ? "awsRegion" : `eksAwsEgress.${childPath}`;
}

export interface Routing {
    exported: ExportGateway;
    imported: ImportGateway;
}

export function routeLink(
    parent: pulumi.ComponentResource,
    name: string,
    args: CrossMeshLinkArgs,
    resolved: ResolvedLink,
    meshes: Meshes,
    pki: LinkPki,
    targets: ExportTarget[],
): Routing {
    const eks = { parent, provider: args.eksProvider };
    const gke = { parent, provider: args.gkeProvider };
    const exported = new ExportGateway(
        `${name}-export`,
        {
            gateway: meshes.eks.gateway,
            serverBundle: pki.serverBundle,
            services: targets.map(exportedServiceArgs),
            allowedClientPrincipals: [pki.clientSpiffeId],
            linkName: resolved.linkName,
        },
        eks,
    );

    // The verification Job's own identity must be admitted to every host it checks.
    const verifySource = { namespace: resolved.verifyNamespace, serviceAccount: resolved.verifyServiceAccount };
    const imported = new ImportGateway(
        `${name}-import`,
        {
            gateway: meshes.gke.gateway,
            clientBundle: pki.clientBundle,
            remoteGatewayHostname: meshes.eksGatewayHostname,
            services: args.services.map((s) => ({
                host: s.host,
                allowedSources: resolved.verify ? [...s.allowedSources, verifySource] : s.allowedSources,
            })),
            trustDomain: resolved.gkeTrustDomain,
            deployTestClient: args.deployTestClient === true,
            // crossmesh's pods pull from the same mirror and run on the same nodes as its other pods.
            testClientImage: curlImage({ imageRegistry: args.istio?.imageRegistry }),
            ...(args.podPlacement ? { testClientPlacement: args.podPlacement } : {}),
            // The stable tag, not the revision: the namespace keeps its label across Istio upgrades.
            istioRevision: meshes.gke.injectionRevision,
            linkName: resolved.linkName,
        },
        gke,
    );

    const awsEgress = eksAwsEgressArgs(args);
    if (awsEgress) new AwsEgress(`${name}-eks-aws-egress`, awsEgress, eks);
    return { exported, imported };
}
