// CrossMeshLink: the whole seed topology as one dependency graph across two clouds. A thin shell over
// named steps (steps/): validate everything, install the meshes, issue the link's certificates, create
// what serves each host (targets/: a Lambda behind a shared internal ALB, or an existing upstream),
// route both clusters, and optionally prove the path end to end during `pulumi up`.
//
// Dependencies follow data only: the AWS side, the certificates and both Istio installs start at once;
// the GKE routing waits for nothing from EKS but the gateway load balancer's hostname.
import * as pulumi from "@pulumi/pulumi";
import type { CrossMeshLinkArgs } from "./args";
import type { LinkAlb, LinkTopology, LinkedService } from "./outputs";
import { claimMeshWide, installMeshes } from "./steps/meshes";
import { issueLinkPki } from "./steps/pki";
import { routeLink } from "./steps/routing";
import { monitorLink } from "./steps/monitoring";
import { verifyLink } from "./steps/verification";
import { createTargets, deployedTarget, sharedAlbsOf } from "./targets";
import { awsRegionChecked, withTags } from "./steps/aws";
import { validateCrossMeshLinkArgs } from "./validate";

export * from "./args";
export * from "./outputs";
export { DEFAULT_LAMBDA_GREETING } from "./defaults";

export const CROSS_MESH_LINK_TOKEN = "crossmesh:index:CrossMeshLink";

/**
 * A private AWS service made callable from a separate Istio mesh: an EKS ingress gateway exports each
 * service (a Lambda behind an internal ALB, or an upstream you already run) over mutual TLS, and a GKE
 * egress gateway imports it, so workloads in the GKE mesh call `http://<host>/` in plaintext while only
 * the allowed sources may. Installs or adopts Istio on both clusters, issues the link's PKI, routes both
 * sides and, with `verify`, checks the link end to end during `pulumi up`.
 */
export class CrossMeshLink extends pulumi.ComponentResource {
    /** Hostname of the EKS ingress gateway's load balancer (the far end of the link). */
    public readonly eksGatewayHostname: pulumi.Output<string>;
    /** The exported hosts, in the order given. */
    public readonly exportedHosts: pulumi.Output<string[]>;
    /** Every exported host as deployed: its upstream, its function, its callers. */
    public readonly services: pulumi.Output<LinkedService[]>;
    /** CA of the EKS gateway's link certificate (public). */
    public readonly serverCaPem: pulumi.Output<string>;
    /** CA of the GKE gateway's link certificate (public). */
    public readonly clientCaPem: pulumi.Output<string>;
    /** End of validity (RFC 3339) of the EKS gateway's link certificate; renewed by any `pulumi up` inside the renewal window. */
    public readonly serverCertExpiresAt: pulumi.Output<string>;
    /** End of validity (RFC 3339) of the GKE gateway's link certificate. */
    public readonly clientCertExpiresAt: pulumi.Output<string>;
    /** End of validity (RFC 3339) of the server-side CA: rotate it deliberately before then (see LinkPki). */
    public readonly serverCaExpiresAt: pulumi.Output<string>;
    /** End of validity (RFC 3339) of the client-side CA. */
    public readonly clientCaExpiresAt: pulumi.Output<string>;
    /** The identity the EKS gateway admits: the GKE egress gateway's SPIFFE id. */
    public readonly clientSpiffeId: pulumi.Output<string>;
    /** Name of the verification Job, when `verify` is on. */
    public readonly verificationJob: pulumi.Output<string | undefined>;
    /** Data for diagrams: gateways, the load balancer, services and their callers. */
    public readonly topology: pulumi.Output<LinkTopology>;
    /** Istio revision of the EKS mesh (`istio.io/rev`); resolves once istiod is installed. */
    public readonly eksIstioRevision: pulumi.Output<string>;
    /** Istio revision of the GKE mesh: label the callers' namespaces with it (`istio.io/rev`) so their calls reach the link. */
    public readonly gkeIstioRevision: pulumi.Output<string>;
    /** Host names of the internal ALBs of the Lambda-backed services: one ALB per 100 functions. */
    public readonly lambdaAlbHostnames: pulumi.Output<string[]>;
    /** The internal ALBs of the Lambda-backed services (ARN, DNS name, HTTPS listener, security group), for alarms, WAF or rules of your own. */
    public readonly lambdaAlbs: pulumi.Output<LinkAlb[]>;

    constructor(name: string, args: CrossMeshLinkArgs, opts?: pulumi.ComponentResourceOptions) {
        const resolved = validateCrossMeshLinkArgs(name, args);
        claimMeshWide(name, args, resolved);
        // The link's tags reach every AWS resource created under it, whichever step or target creates it.
        super(CROSS_MESH_LINK_TOKEN, name, {}, withTags(opts, args.tags));

        const meshes = installMeshes(this, name, args, resolved);
        const pki = issueLinkPki(this, name, args, resolved);
        const targets = createTargets({ parent: this, name, eksClusterName: args.eksClusterName }, args.services);
        const routing = routeLink(this, name, args, resolved, meshes, pki, targets);
        monitorLink(this, name, args, resolved, meshes, pki, targets);
        if (args.consumerEgressCidrs === undefined && !args.eksExistingGateway) {
            // mTLS still guards the gateway, but its NLB then answers the whole internet on 443.
            pulumi.log.warn(
                "consumerEgressCidrs is not set: the EKS gateway's internet-facing NLB accepts connections from any address on port 443 (only clients with the link's certificate get through). Set it to the GKE cluster's egress (Cloud NAT) CIDRs.",
                this,
            );
        }

        const services: pulumi.Output<LinkedService[]> = pulumi.all(
            args.services.map((s, i) =>
                deployedTarget(targets[i]).apply(({ handles, ...deployed }): LinkedService => ({
                    host: s.host,
                    ...deployed,
                    allowedSources: s.allowedSources.map((a) => ({
                        namespace: a.namespace as string,
                        ...(a.serviceAccount ? { serviceAccount: a.serviceAccount as string } : {}),
                    })),
                    ...(handles ? { handles } : {}),
                })),
            ),
        );
        const shared = sharedAlbsOf(targets);

        this.eksGatewayHostname = meshes.eksGatewayHostname;
        this.exportedHosts = pulumi.output(args.services.map((s) => s.host));
        this.services = services;
        this.serverCaPem = pki.serverCaPem;
        this.clientCaPem = pki.clientCaPem;
        this.serverCertExpiresAt = pki.serverCertExpiresAt;
        this.clientCertExpiresAt = pki.clientCertExpiresAt;
        this.serverCaExpiresAt = pki.serverCaExpiresAt;
        this.clientCaExpiresAt = pki.clientCaExpiresAt;
        this.clientSpiffeId = pki.clientSpiffeId;
        this.eksIstioRevision = meshes.eks.revision;
        this.gkeIstioRevision = meshes.gke.revision;
        this.lambdaAlbs = shared.albs;
        this.lambdaAlbHostnames = pulumi
            .all([shared.hostnames, awsRegionChecked(this, args.awsRegion, args.services)])
            .apply(([hostnames]) => hostnames);
        this.verificationJob = resolved.verify
            ? verifyLink(
                  this,
                  name,
                  args,
                  resolved,
                  meshes,
                  targets,
                  // What the check must re-run for: the services, the far end, and the certificates (a renewal or
                  // a CA rotation changes them; an `up` that renews is verified end to end like any other change).
                  pulumi.all([
                      services,
                      meshes.eksGatewayHostname,
                      pki.serverCaExpiresAt,
                      pki.clientCaExpiresAt,
                      pki.serverCertExpiresAt,
                      pki.clientCertExpiresAt,
                  ]),
                  [routing.exported, routing.imported, meshes.eks, meshes.gke, ...targets.flatMap((t) => t.resources)],
              )
            : pulumi.output(undefined);
        this.topology = pulumi
            .all([this.eksGatewayHostname, meshes.eks.gateway, meshes.gke.gateway, services])
            .apply(([lb, eksGw, gkeGw, svc]): LinkTopology => ({
                eksGatewayHostname: lb,
                eksIngressGateway: `${eksGw.serviceName}.${eksGw.namespace}`,
                gkeEgressGateway: `${gkeGw.serviceName}.${gkeGw.namespace}`,
                // The diagram's services: the AWS handles are the `services` output's.
                services: svc.map(({ handles, ...shown }) => (void handles, shown)),
            }));
        this.registerOutputs({
            eksGatewayHostname: this.eksGatewayHostname,
            exportedHosts: this.exportedHosts,
            services: this.services,
            serverCaPem: this.serverCaPem,
            clientCaPem: this.clientCaPem,
            serverCertExpiresAt: this.serverCertExpiresAt,
            clientCertExpiresAt: this.clientCertExpiresAt,
            serverCaExpiresAt: this.serverCaExpiresAt,
            clientCaExpiresAt: this.clientCaExpiresAt,
            clientSpiffeId: this.clientSpiffeId,
            verificationJob: this.verificationJob,
            topology: this.topology,
            eksIstioRevision: this.eksIstioRevision,
            gkeIstioRevision: this.gkeIstioRevision,
            lambdaAlbHostnames: this.lambdaAlbHostnames,
            lambdaAlbs: this.lambdaAlbs,
        });
    }
}
