// CrossMeshConsumer: one consumer mesh's side of an export, built from the grant the export published for it —
// Istio's egress gateway on this cluster (installed or adopted) and ImportGateway: apps here call
// `http://<host>/` in plaintext and the egress gateway originates the export's mTLS with this consumer's own
// certificate. It needs this cluster's kubernetes provider only: never the exporter's credentials.
import * as pulumi from "@pulumi/pulumi";
import { kubernetesProviderOf, requireKubernetesProvider } from "../common/kube";
import { checkArgs, vouch } from "../common/spec";
import type { TlsBundle } from "../common/types";
import type { LinkedSource } from "../cross-mesh-link/outputs";
import { meshInstallArgs } from "../cross-mesh-link/steps/meshes";
import type { ConsumerGrant } from "../cross-mesh-export/outputs";
import { ImportGateway } from "../import-gateway";
import { IstioInstall } from "../istio-install";
import { curlImage } from "../istio-install/client-pods";
import { defaultLinkName } from "../link-routing/names";
import type { CrossMeshConsumerArgs } from "./args";
import { consumerMesh } from "./resolve";
import { consumerSpec, requireGrantFits } from "./spec";

export * from "./args";

export const CROSS_MESH_CONSUMER_TOKEN = "crossmesh:index:CrossMeshConsumer";

/** One imported host as deployed. */
export interface ConsumedService {
    host: string;
    /** Who in this mesh may call the host. */
    allowedSources: LinkedSource[];
}

/**
 * One consumer mesh of a CrossMeshExport (any Kubernetes cluster with Istio): installs or adopts the egress gateway
 * and imports the granted hosts, each callable by the allowed sources only. Give it this cluster's kubernetes
 * provider (opts.provider) and the export's grant for it.
 */
export class CrossMeshConsumer extends pulumi.ComponentResource {
    /** The consumer's name in the export (from the grant). */
    public readonly consumer: pulumi.Output<string>;
    /** The export's gateway load balancer this mesh connects to. */
    public readonly remoteGatewayHostname: pulumi.Output<string>;
    /** The imported hosts, in the order given. */
    public readonly importedHosts: pulumi.Output<string[]>;
    /** Every imported host and its callers. */
    public readonly services: pulumi.Output<ConsumedService[]>;
    /** The identity this mesh's client certificate carries. */
    public readonly spiffeId: pulumi.Output<string>;
    /** End of validity (RFC 3339) of this consumer's client certificate (the exporter's `up` renews it). */
    public readonly clientCertExpiresAt: pulumi.Output<string>;
    /** Istio revision of this mesh: label the callers' namespaces with it (`istio.io/rev`). */
    public readonly istioRevision: pulumi.Output<string>;

    constructor(name: string, args: CrossMeshConsumerArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider("CrossMeshConsumer", opts);
        const a = checkArgs(consumerSpec, args);
        super(CROSS_MESH_CONSUMER_TOKEN, name, {}, opts);
        // The cluster's objects go through its provider, named on each child (as the leaf components require).
        const kube = { parent: this, provider: kubernetesProviderOf(opts) };

        const mesh = new IstioInstall(`${name}-istio`, vouch(meshInstallArgs(consumerMesh(a))), kube);
        // The grant, checked against this mesh once known: nothing is routed on a grant that does not fit.
        const grant: pulumi.Output<ConsumerGrant> = pulumi
            .all([pulumi.output(a.grant), mesh.gateway.namespace, mesh.gateway.serviceAccount])
            .apply(([g, namespace, serviceAccount]) => {
                requireGrantFits(g as ConsumerGrant, a, { namespace, serviceAccount });
                return g as ConsumerGrant;
            });
        new ImportGateway(
            `${name}-import`,
            {
                gateway: mesh.gateway,
                clientBundle: pulumi.secret(grant.apply((g) => g.clientBundle as TlsBundle)),
                remoteGatewayHostname: pulumi.unsecret(grant.apply((g) => g.gatewayHostname)),
                remotePort: pulumi.unsecret(grant.apply((g) => g.gatewayPort)),
                services: a.services,
                trustDomain: a.trustDomain,
                deployTestClient: a.deployTestClient === true,
                testClientImage: curlImage({ imageRegistry: a.istio?.imageRegistry }),
                ...(a.podPlacement ? { testClientPlacement: a.podPlacement } : {}),
                // The stable tag, not the revision: the namespace keeps its label across Istio upgrades.
                istioRevision: mesh.injectionRevision,
                linkName: defaultLinkName(name),
            },
            kube,
        );

        // Public facts of the grant, out of its secret.
        this.consumer = pulumi.unsecret(grant.apply((g) => g.consumer));
        this.remoteGatewayHostname = pulumi.unsecret(grant.apply((g) => g.gatewayHostname));
        this.spiffeId = pulumi.unsecret(grant.apply((g) => g.spiffeId));
        this.clientCertExpiresAt = pulumi.unsecret(grant.apply((g) => g.clientCertExpiresAt));
        this.importedHosts = pulumi.output(a.services.map((s) => s.host));
        this.services = pulumi.all(
            a.services.map((s) =>
                pulumi
                    .all(s.allowedSources.map((src) => pulumi.all([src.namespace, src.serviceAccount])))
                    .apply((sources): ConsumedService => ({
                        host: s.host,
                        allowedSources: sources.map(([namespace, serviceAccount]) => ({
                            namespace,
                            ...(serviceAccount ? { serviceAccount } : {}),
                        })),
                    })),
            ),
        );
        this.istioRevision = mesh.revision;
        this.registerOutputs({
            consumer: this.consumer,
            remoteGatewayHostname: this.remoteGatewayHostname,
            importedHosts: this.importedHosts,
            services: this.services,
            spiffeId: this.spiffeId,
            clientCertExpiresAt: this.clientCertExpiresAt,
            istioRevision: this.istioRevision,
        });
    }
}
