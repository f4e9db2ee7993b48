// CrossMeshExport: the exporting side of a link, shared by several consumer meshes. A thin shell over the same
// parts as CrossMeshLink — IstioInstall (ingress), the targets (Lambdas behind a shared internal ALB, upstreams),
// ExportGateway — plus the export's certificates (a client CA and certificate per consumer) and, per consumer, the
// grant its own stack builds its side from (CrossMeshConsumer). It never needs a consumer's cluster credentials.
import * as pulumi from "@pulumi/pulumi";
import { kubernetesProviderOf, requireKubernetesProvider } from "../common/kube";
import { checkArgs, vouch } from "../common/spec";
import { invalid } from "../common/validation";
import { AwsEgress } from "../aws-egress";
import { ExportGateway } from "../export-gateway";
import { IstioInstall } from "../istio-install";
import type { LinkAlb } from "../cross-mesh-link/outputs";
import { awsRegionChecked, withTags } from "../cross-mesh-link/steps/aws";
import { meshInstallArgs } from "../cross-mesh-link/steps/meshes";
import { createTargets, deployedTarget, exportedServiceArgs, sharedAlbsOf } from "../cross-mesh-link/targets";
import { awsEgressArgs } from "../cross-mesh-link/steps/routing";
import type { CrossMeshExportArgs } from "./args";
import type { ConsumerGrant, ExportTopology, ExportedConsumer, ExportedService } from "./outputs";
import { issueExportPki } from "./pki";
import { exportMesh, resolveExport } from "./resolve";
import { exportSpec } from "./spec";

export * from "./args";
export * from "./outputs";

export const CROSS_MESH_EXPORT_TOKEN = "crossmesh:index:CrossMeshExport";

/** Port of the export gateway's link listener. */
const LINK_PORT = 443;

/**
 * The exporting side of a link with several consumer meshes: the EKS ingress gateway exports each service (a
 * Lambda behind an internal ALB, or an upstream you already run) over mutual TLS, and admits each consumer — its
 * own client CA and certificate, its own SPIFFE identity — for its own hosts only. Each consumer's side is a
 * CrossMeshConsumer built from `grants[<consumer>]`, in the same program or in the consumer team's own stack
 * (through a StackReference). Give it the EKS cluster's kubernetes provider and an AWS provider (opts.providers).
 */
export class CrossMeshExport extends pulumi.ComponentResource {
    /** Hostname of the ingress gateway's load balancer: the far end every consumer connects to. */
    public readonly gatewayHostname: pulumi.Output<string>;
    /** The exported hosts, in the order given. */
    public readonly exportedHosts: pulumi.Output<string[]>;
    /** Every exported host as deployed: its upstream, its function, the consumers granted it. */
    public readonly services: pulumi.Output<ExportedService[]>;
    /** Every consumer: its hosts, identity and client CA (public), in the order given. */
    public readonly consumers: pulumi.Output<ExportedConsumer[]>;
    /**
     * What each consumer's stack needs, by consumer name (secret: each holds that consumer's private key). Publish
     * one per stack output (`grants[name]`) so each consumer team reads its own.
     */
    public readonly grants: pulumi.Output<Record<string, ConsumerGrant>>;
    /** CA of the gateway's server certificate (public): what every consumer trusts. */
    public readonly serverCaPem: pulumi.Output<string>;
    /** End of validity (RFC 3339) of the server certificate; renewed by any `pulumi up` inside the renewal window. */
    public readonly serverCertExpiresAt: pulumi.Output<string>;
    /** End of validity (RFC 3339) of the server CA: rotate it deliberately before then. */
    public readonly serverCaExpiresAt: pulumi.Output<string>;
    /** Istio revision of the exporting mesh (`istio.io/rev`). */
    public readonly istioRevision: pulumi.Output<string>;
    /** Host names of the internal ALBs of the Lambda-backed services. */
    public readonly lambdaAlbHostnames: pulumi.Output<string[]>;
    /** The internal ALBs of the Lambda-backed services. */
    public readonly lambdaAlbs: pulumi.Output<LinkAlb[]>;
    /** Data for diagrams: the gateway, the load balancer, services and consumers. */
    public readonly topology: pulumi.Output<ExportTopology>;

    constructor(name: string, args: CrossMeshExportArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider("CrossMeshExport", opts);
        if (!args || typeof args !== "object")
            invalid("args", "give the export's settings: clusterName, services and consumers.");
        checkArgs(exportSpec(name), args);
        const resolved = resolveExport(name, args);
        // The export's tags reach every AWS resource created under it.
        super(CROSS_MESH_EXPORT_TOKEN, name, {}, withTags(opts, args.tags));
        // The cluster's objects go through its provider, named on each child (as the leaf components require).
        const kube = { parent: this, provider: kubernetesProviderOf(opts) };

        const mesh = new IstioInstall(`${name}-istio`, vouch(meshInstallArgs(exportMesh(args, resolved))), kube);
        const hosts = args.services.map((s) => s.host);
        const pki = issueExportPki(this, name, hosts, resolved.consumers, args.pki);
        const targets = createTargets({ parent: this, name, eksClusterName: args.clusterName }, args.services);
        new ExportGateway(
            `${name}-export`,
            {
                gateway: mesh.gateway,
                serverBundle: pki.serverBundle,
                services: targets.map(exportedServiceArgs),
                consumers: resolved.consumers.map((c) => ({ name: c.name, principal: c.spiffeId, hosts: c.hosts })),
                linkName: resolved.linkName,
            },
            kube,
        );
        // The export's spec checked these with AwsEgress's own fields and rules, on its paths: vouched.
        if (args.awsEgress) new AwsEgress(`${name}-aws-egress`, awsEgressArgs(args.awsEgress, args.awsRegion), kube);
        const open = args.consumers.filter((c) => (c.egressCidrs ?? []).length === 0).map((c) => c.name);
        if (open.length > 0 && !args.existingGateway)
            pulumi.log.warn(
                `consumers ${open.map((n) => `"${n}"`).join(", ")} give no egressCidrs: the gateway's internet-facing NLB accepts connections from any address on port 443 (only clients with a consumer's certificate get through). Give every consumer its egress CIDRs.`,
                this,
            );

        this.gatewayHostname = mesh.loadBalancerHostname.apply((h) => h as string);
        this.exportedHosts = pulumi.output(hosts);
        this.services = pulumi.all(
            args.services.map((s, i) =>
                deployedTarget(targets[i]).apply(({ handles, ...deployed }): ExportedService => ({
                    host: s.host,
                    ...deployed,
                    consumers: resolved.consumers.filter((c) => c.hosts.includes(s.host)).map((c) => c.name),
                    ...(handles ? { handles } : {}),
                })),
            ),
        );
        this.consumers = pulumi.all(
            resolved.consumers.map((c, i) =>
                pulumi
                    .all([
                        pki.consumers[i].clientCaPem,
                        pki.consumers[i].clientCertExpiresAt,
                        pki.consumers[i].clientCaExpiresAt,
                    ])
                    .apply(([clientCaPem, clientCertExpiresAt, clientCaExpiresAt]): ExportedConsumer => ({
                        name: c.name,
                        hosts: c.hosts,
                        spiffeId: c.spiffeId,
                        clientCaPem,
                        clientCertExpiresAt,
                        clientCaExpiresAt,
                    })),
            ),
        );
        this.grants = pulumi.secret(
            pulumi.all(
                Object.fromEntries(
                    resolved.consumers.map((c, i) => [
                        c.name,
                        pulumi
                            .all([
                                this.gatewayHostname,
                                pki.consumers[i].clientBundle,
                                pki.consumers[i].clientCertExpiresAt,
                            ])
                            .apply(([gatewayHostname, clientBundle, clientCertExpiresAt]): ConsumerGrant => ({
                                consumer: c.name,
                                gatewayHostname,
                                gatewayPort: LINK_PORT,
                                hosts: c.hosts,
                                spiffeId: c.spiffeId,
                                trustDomain: c.trustDomain,
                                gatewayNamespace: c.gatewayNamespace,
                                gatewayServiceAccount: c.gatewayServiceAccount,
                                clientBundle,
                                clientCertExpiresAt,
                            })),
                    ]),
                ),
            ),
        );
        this.serverCaPem = pki.serverCaPem;
        this.serverCertExpiresAt = pki.serverCertExpiresAt;
        this.serverCaExpiresAt = pki.serverCaExpiresAt;
        this.istioRevision = mesh.revision;
        const shared = sharedAlbsOf(targets);
        this.lambdaAlbs = shared.albs;
        this.lambdaAlbHostnames = pulumi
            .all([shared.hostnames, awsRegionChecked(this, args.awsRegion, args.services)])
            .apply(([names]) => names);
        this.topology = pulumi
            .all([this.gatewayHostname, mesh.gateway, this.services])
            .apply(([lb, gw, services]): ExportTopology => ({
                gatewayHostname: lb,
                ingressGateway: `${gw.serviceName}.${gw.namespace}`,
                services: services.map(({ handles, ...shown }) => (void handles, shown)),
                consumers: resolved.consumers.map((c) => ({ name: c.name, hosts: c.hosts, spiffeId: c.spiffeId })),
            }));
        this.registerOutputs({
            gatewayHostname: this.gatewayHostname,
            exportedHosts: this.exportedHosts,
            services: this.services,
            consumers: this.consumers,
            grants: this.grants,
            serverCaPem: this.serverCaPem,
            serverCertExpiresAt: this.serverCertExpiresAt,
            serverCaExpiresAt: this.serverCaExpiresAt,
            istioRevision: this.istioRevision,
            lambdaAlbHostnames: this.lambdaAlbHostnames,
            lambdaAlbs: this.lambdaAlbs,
            topology: this.topology,
        });
    }

    /** The grant of one consumer (secret), e.g. for a CrossMeshConsumer in the same program. */
    grantFor(consumer: string): pulumi.Output<ConsumerGrant> {
        return this.grants.apply((g) => {
            if (!(consumer in g))
                invalid(
                    "consumer",
                    `"${consumer}" is not a consumer of this export (${Object.keys(g).join(", ")}); add it to consumers first.`,
                );
            return g[consumer];
        });
    }
}
