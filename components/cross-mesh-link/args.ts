// The arguments of CrossMeshLink. Each settings group is the child component's own args type, narrowed
// with Pick/Omit (as CDK's `FunctionProps extends FunctionOptions`): a field documented, typed and
// validated once, in the component that uses it. Only what the link decides itself is written here.
import type { LinkMonitoringArgs } from "../link-monitoring/args";
import type * as k8s from "@pulumi/kubernetes";
import type { AwsEgressArgs } from "../aws-egress";
import type { AllowedSourceArgs } from "../import-gateway";
import type { ExistingGatewayArgs, IstioInstallArgs } from "../istio-install";
import type { ExtraChartValues } from "../istio-install/charts";
import type { PodPlacement } from "../istio-install/client-pods";
import type { ExistingFunctionArgs, LambdaFunctionArgs } from "../lambda-alb";
import type { LinkPkiArgs } from "../link-pki";
import type * as pulumi from "@pulumi/pulumi";
import type { GatewayExposure } from "../common/types";

/** A GKE workload that may call an exported host (ImportGateway's allowed source). */
export interface LinkSourceArgs extends AllowedSourceArgs {}

/** A Lambda function crossmesh creates for a host, behind the link's shared internal ALB. */
export interface LinkLambdaArgs extends Pick<
    LambdaFunctionArgs,
    | "runtime"
    | "codePath"
    | "handler"
    | "memorySize"
    | "timeout"
    | "environment"
    | "logRetentionDays"
    | "managedPolicyArns"
    | "policyStatements"
    | "roleArn"
    | "vpcConfig"
    | "layers"
    | "architecture"
    | "reservedConcurrency"
    | "kmsKeyArn"
    | "tracingMode"
> {}

/**
 * A Lambda function you already run, behind the link's shared internal ALB: crossmesh creates only its target group,
 * the invoke permission for the qualifier and the host's rule; it never modifies the function. The function must be in
 * the link's AWS account and region (an ALB invokes no other).
 */
export interface LinkExistingFunctionArgs extends ExistingFunctionArgs {}

/** An existing internal HTTPS service the EKS gateway forwards a host to. */
export interface LinkUpstreamArgs {
    /** Host name of the service, reachable from the EKS cluster; the EKS gateway checks it against its certificate. */
    hostname: pulumi.Input<string>;
    /** Its HTTPS port. Default 443. */
    port?: pulumi.Input<number>;
    /** PEM of the private CA that signed its certificate; omit when a public CA signed it. */
    caPem?: pulumi.Input<string>;
}

/** One exported host and what serves it: exactly one of `lambda`, `existingFunction` or `upstream`. */
export interface ServedHostArgs {
    /** The name importing apps call (`http://<host>/`), e.g. "lambda.external": a concrete lowercase FQDN. */
    host: string;
    /** Create a Lambda function behind the link's internal ALB for this host. */
    lambda?: LinkLambdaArgs;
    /** Or put a function you already run (by ARN or name, optionally an alias or version) behind the link's internal ALB. */
    existingFunction?: LinkExistingFunctionArgs;
    /** Or forward the host to an existing internal HTTPS service. */
    upstream?: LinkUpstreamArgs;
}

/** One exported host: what serves it (exactly one of `lambda`, `existingFunction` or `upstream`) and who may call it. */
export interface LinkServiceArgs extends ServedHostArgs {
    /** Who in the GKE mesh may call the host; nothing else can. */
    allowedSources: LinkSourceArgs[];
    /** Text the deploy-time check expects in the answer. Default: the greeting of the default Lambda; any 2xx otherwise. */
    expectBodyContains?: string;
}

/** A running Istio gateway to adopt instead of installing Istio on that cluster (IstioInstall's `existingGateway`). */
export interface AdoptedGatewayArgs extends ExistingGatewayArgs {}

/** The link's certificates (LinkPki's settings; the hosts and the client identity come from the link). */
export interface LinkPkiSettings extends Omit<
    LinkPkiArgs,
    "exportedHosts" | "clientTrustDomain" | "clientNamespace" | "clientServiceAccount"
> {}

/**
 * AWS APIs the EKS mesh's own workloads may call (AwsEgress's settings; the region is the link's `awsRegion`).
 * The objects live in istio-system; `exportTo` names the namespaces that see them (default `["*"]`: the whole mesh).
 */
export interface LinkAwsEgressArgs extends Pick<
    AwsEgressArgs,
    "awsServices" | "extraHosts" | "imds" | "mode" | "exportTo"
> {}

/** How crossmesh installs Istio on a side it does not adopt (IstioInstall's settings). */
export interface LinkIstioSettings extends Pick<
    IstioInstallArgs,
    "highAvailability" | "chartRepository" | "imageRegistry" | "imagePullSecrets" | "retainedVersions"
> {
    /** Extra Helm values for the EKS install (see IstioInstall `values`). */
    eksValues?: ExtraChartValues;
    /** Extra Helm values for the GKE install (see IstioInstall `values`). */
    gkeValues?: ExtraChartValues;
}

/** Where the pods crossmesh runs itself in GKE (the verification Job, the test client) are scheduled. */
export interface LinkPodPlacementArgs extends PodPlacement {}

export interface CrossMeshLinkArgs {
    /** Kubernetes provider of the EKS cluster (exporting side). */
    eksProvider: k8s.Provider;
    /** Kubernetes provider of the GKE cluster (importing side). */
    gkeProvider: k8s.Provider;
    /** The EKS cluster: its VPC hosts the internal ALBs of the Lambda-backed services. */
    eksClusterName: pulumi.Input<string>;
    /**
     * AWS region whose API endpoints `eksAwsEgress` allows: the EKS cluster's, e.g. "eu-west-1". Required with
     * `eksAwsEgress`; checked against the region of the AWS provider the link's Lambdas use.
     */
    awsRegion?: string;
    /** The exported services. */
    services: LinkServiceArgs[];
    /** Istio release both installs use. Default "1.30.3". */
    istioVersion?: string;
    /** Installation settings for the Istio crossmesh installs (HA, mirrors, extra chart values). */
    istio?: LinkIstioSettings;
    /** Adopt the existing EKS ingress gateway instead of installing Istio there. */
    eksExistingGateway?: AdoptedGatewayArgs;
    /** Adopt the existing GKE egress gateway instead of installing Istio there. */
    gkeExistingGateway?: AdoptedGatewayArgs;
    /** SPIFFE trust domain of the EKS mesh. Default "eks.crossmesh.local". */
    eksTrustDomain?: string;
    /** SPIFFE trust domain of the GKE mesh. Default "gke.crossmesh.local"; never "cluster.local". */
    gkeTrustDomain?: string;
    /**
     * The addresses the GKE cluster's calls come from: the only sources the EKS gateway's NLB admits. With the
     * default `eksGatewayExposure` "internet", its public egress CIDRs (Cloud NAT addresses); default: open to all
     * (mTLS still guards it). With "internal", its private CIDRs as they arrive over the VPN or Interconnect (the pod
     * and node ranges); required then.
     */
    consumerEgressCidrs?: string[];
    /**
     * How the EKS gateway's NLB is reached: "internet" (default, internet-facing) or "internal" (an internal NLB in
     * the cluster's private subnets, private addresses only: for clouds joined by an HA VPN or an Interconnect; needs
     * `consumerEgressCidrs`). Not with `eksExistingGateway` (its Service is yours).
     */
    eksGatewayExposure?: GatewayExposure;
    /**
     * AWS tags for every AWS resource the link creates (ALB, listeners, rules, target groups, security group,
     * functions, roles, log groups, certificates, and the gateway's NLB through the AWS Load Balancer Controller),
     * e.g. { team: "payments", "cost-center": "4711" }. Added to each resource's own tags (a resource's own key
     * wins); the AWS provider's `defaultTags` are merged by the provider as usual (for a key in both, the link's
     * value wins on its resources). AWS only: Kubernetes objects get no labels from them. At most 47.
     */
    tags?: Record<string, string>;
    /** Certificate settings of the link. */
    pki?: LinkPkiSettings;
    /** Run the end-to-end check Job in GKE during `pulumi up`. Default false. */
    verify?: boolean;
    /** Mesh-wide STRICT mTLS in the GKE mesh (owned by the GKE IstioInstall: one per cluster). Default false. */
    strictMtls?: boolean;
    /** With strictMtls and an adopted GKE mesh: its root namespace (meshConfig.rootNamespace). Default "istio-system". */
    gkeMeshRootNamespace?: string;
    /** Deploy the seed's `sleep` client in GKE. Default false. */
    deployTestClient?: boolean;
    /** Installed meshes allow only registered destinations (outboundTrafficPolicy REGISTRY_ONLY). Default false. */
    registryOnly?: boolean;
    /** AWS APIs the EKS mesh's own workloads may call. */
    eksAwsEgress?: LinkAwsEgressArgs;
    /** Node placement of the pods crossmesh runs in GKE (verification Job, test client). */
    podPlacement?: LinkPodPlacementArgs;
    /** Alert rules and a Grafana dashboard for the monitoring the clusters already run. Default: none. */
    monitoring?: LinkMonitoringArgs;
}

/** The link's settings without its two providers: what a stack's config describes. */
export type LinkSettings = Omit<CrossMeshLinkArgs, "eksProvider" | "gkeProvider">;
