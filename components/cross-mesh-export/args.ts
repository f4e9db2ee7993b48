// The arguments of CrossMeshExport: the exporting side of a link shared by several consumer meshes. The settings
// groups are CrossMeshLink's (themselves the children's own types), so a field is documented once.
import type { GatewayExposure } from "../common/types";
import type { AdoptedGatewayArgs, LinkAwsEgressArgs, LinkPkiSettings, ServedHostArgs } from "../cross-mesh-link/args";
import type { IstioInstallArgs } from "../istio-install";
import type { ExtraChartValues } from "../istio-install/charts";
import type * as pulumi from "@pulumi/pulumi";

/** One exported host and what serves it (exactly one of `lambda`, `existingFunction` or `upstream`). */
export interface ExportServiceArgs extends ServedHostArgs {}

/**
 * One consumer mesh: any Kubernetes cluster running Istio (GKE, AKS, EKS in another account, on-premises). It gets
 * a client CA and certificate of its own, is admitted for its hosts only, and builds its side (CrossMeshConsumer)
 * from its grant (the export's `grants[name]`).
 */
export interface ExportConsumerArgs {
    /** A DNS label unique in the export, e.g. "gke-prod": names its certificates, its policy and its grant. */
    name: string;
    /** The exported hosts it may call (a subset of `services[].host`); the others are refused to it. */
    hosts: string[];
    /**
     * SPIFFE trust domain of the consumer's mesh (its meshConfig.trustDomain), e.g. "gke-prod.example.org": its client
     * certificate's identity. Each consumer its own, and never the export's or "cluster.local".
     */
    trustDomain: string;
    /** Namespace of its egress gateway. Default "istio-egress" (where CrossMeshConsumer installs it). */
    gatewayNamespace?: string;
    /** Service account of its egress gateway. Default "istio-egressgateway". */
    gatewayServiceAccount?: string;
    /**
     * The addresses its calls come from (its NAT or, with `exposure` "internal", its private ranges): added to the
     * sources the gateway's load balancer admits. A consumer without them leaves the load balancer open to all
     * (mTLS still guards it); required with `exposure` "internal".
     */
    egressCidrs?: string[];
}

/** How crossmesh installs Istio on the exporting cluster (IstioInstall's settings). */
export interface ExportIstioSettings extends Pick<
    IstioInstallArgs,
    "highAvailability" | "chartRepository" | "imageRegistry" | "imagePullSecrets" | "retainedVersions"
> {
    /** Extra Helm values for the install (see IstioInstall `values`). */
    values?: ExtraChartValues;
}

export interface CrossMeshExportArgs {
    /** The EKS cluster: its VPC hosts the internal ALBs of the Lambda-backed services. */
    clusterName: pulumi.Input<string>;
    /** AWS region of the cluster, e.g. "eu-west-1": checked against the AWS provider; required with `awsEgress`. */
    awsRegion?: string;
    /** The exported services. */
    services: ExportServiceArgs[];
    /** The consumer meshes and the hosts each may call. At least one; remove one to revoke it. */
    consumers: ExportConsumerArgs[];
    /** Istio release of the install. Default "1.30.3". */
    istioVersion?: string;
    /** Installation settings of the Istio crossmesh installs (HA, mirrors, extra chart values). */
    istio?: ExportIstioSettings;
    /** Adopt the cluster's running ingress gateway instead of installing Istio. */
    existingGateway?: AdoptedGatewayArgs;
    /** SPIFFE trust domain of the exporting mesh. Default "eks.crossmesh.local". */
    trustDomain?: string;
    /** "internet" (default) or "internal" (private addresses only; every consumer needs `egressCidrs`). */
    exposure?: GatewayExposure;
    /** AWS tags for every AWS resource the export creates (as CrossMeshLink's `tags`). */
    tags?: Record<string, string>;
    /** Certificate settings: the server's and every consumer's (LinkPki's settings). */
    pki?: LinkPkiSettings;
    /** The installed mesh allows only registered destinations (outboundTrafficPolicy REGISTRY_ONLY). Default false. */
    registryOnly?: boolean;
    /** AWS APIs the exporting mesh's own workloads may call (AwsEgress's settings; its region is `awsRegion`). */
    awsEgress?: LinkAwsEgressArgs;
}
