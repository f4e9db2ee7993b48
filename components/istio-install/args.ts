// IstioInstall's public contract: its args and the gateway reference it outputs.
import type * as pulumi from "@pulumi/pulumi";
import type { GatewayExposure, GatewayRefInput, GatewayRole, OutboundTrafficPolicy } from "../common/types";
import type { ExtraChartValues } from "./charts";

/** A running gateway to adopt, as the routing components need it. */
export interface ExistingGatewayArgs extends GatewayRefInput {
    /** Ingress role: name of the gateway's LoadBalancer Service, when it is not `serviceName`. Its hostname is read from the cluster. */
    loadBalancerServiceName?: pulumi.Input<string>;
}

export interface IstioInstallArgs {
    /**
     * "ingress" (EKS side: ingress gateway in "istio-ingress" behind an internet-facing NLB) or "egress"
     * (GKE side: egress gateway in "istio-egress", ClusterIP). Required; a plain value (it decides which
     * resources exist).
     */
    gatewayRole: GatewayRole;
    /** Istio release, MAJOR.MINOR.PATCH, 1.25.0 or newer. Default "1.30.3". Pins all three charts. A plain string. */
    version?: string;
    /**
     * Istio revision (istiod's `revision`, the gateway pods' `istio.io/rev`). Default from the version: "1.30.3" →
     * "1-30". With adoptExisting: the adopted revision's label value, default "default". A plain string (it names
     * the istiod release). Workloads do not use it: they use the stable tag (`injectionRevision`).
     */
    revision?: string;
    /**
     * A canary upgrade: versions whose istiod stays installed beside `version`'s, e.g. ["1.29.2"] while moving to
     * 1.30.3. The gateways and the revision tag move to the new revision; workloads injected by a retained one keep
     * their control plane until they restart. Remove the entry in a later `pulumi up` to uninstall that istiod.
     * A retained istiod is left as it runs (its values are not updated). Install only; plain strings.
     */
    retainedVersions?: string[];
    /**
     * SPIFFE trust domain of this mesh (meshConfig.trustDomain); distinct per mesh. Default by role, never
     * from the component's name: "eks.crossmesh.local" (ingress), "gke.crossmesh.local" (egress).
     * Required with adoptExisting.
     */
    trustDomain?: pulumi.Input<string>;
    /** meshConfig.outboundTrafficPolicy.mode: "ALLOW_ANY" (default) or "REGISTRY_ONLY" (only registered hosts, e.g. ServiceEntries, are reachable). */
    outboundTrafficPolicy?: pulumi.Input<OutboundTrafficPolicy>;
    /** Gateway Helm release name (also its Deployment, Service and service account). Default "istio-ingressgateway" / "istio-egressgateway". */
    gatewayName?: pulumi.Input<string>;
    /** Namespace of the gateway. Default "istio-ingress" / "istio-egress". */
    gatewayNamespace?: pulumi.Input<string>;
    /** Ingress role: CIDRs allowed to reach the NLB (the importing cluster's egress IPs, e.g. its Cloud NAT addresses). Default: unrestricted. */
    loadBalancerSourceRanges?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Ingress role: how the gateway's NLB is reached. "internet" (default): internet-facing, narrowed by
     * loadBalancerSourceRanges. "internal": an internal NLB in the cluster's private subnets (those tagged
     * `kubernetes.io/role/internal-elb=1`), private addresses only, for clouds joined by a VPN or an Interconnect;
     * loadBalancerSourceRanges is then required (the importing cluster's private CIDRs). A plain value; install only.
     */
    exposure?: GatewayExposure;
    /**
     * Ingress role: AWS tags for the NLB, its listeners and target groups (the AWS Load Balancer Controller's
     * `aws-load-balancer-additional-resource-tags` annotation), e.g. { team: "payments" }. A plain map; install only.
     */
    loadBalancerTags?: Record<string, string>;
    /** Adopt a running Istio instead of installing one: nothing is created, `existingGateway` is passed on. Default false; a plain boolean. */
    adoptExisting?: boolean;
    /** With adoptExisting: the running gateway. */
    existingGateway?: ExistingGatewayArgs;
    /**
     * Production sizing, on by default: the gateway and istiod each scale from 2 to 5 replicas (HPA), with a
     * PodDisruptionBudget (minAvailable 1) and spread across zones and nodes (ScheduleAnyway, so a one-zone
     * or one-node cluster still schedules), so a node drain or a zone outage does not cut the link. false:
     * one gateway and one istiod, no PDB, for a lab cluster. A plain boolean; install only.
     */
    highAvailability?: boolean;
    /**
     * Where the charts base, istiod and gateway come from: an HTTPS Helm repository (e.g. a mirror of
     * https://istio-release.storage.googleapis.com/charts) or an `oci://` prefix the three charts are pushed
     * under (e.g. "oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/istio-charts"). Default: Istio's
     * official repository. The chart version stays `version`. A plain string; install only.
     */
    chartRepository?: string;
    /**
     * A mirror of docker.io for air-gapped or egress-less clusters, without scheme or tag, e.g.
     * "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub" (ECR pull-through cache) or
     * "europe-docker.pkg.dev/my-project/dockerhub" (Artifact Registry remote repository). Istio's images
     * (istiod, the gateways and every injected sidecar) are pulled from `<imageRegistry>/istio` (global.hub);
     * pass the same value to the link so its own curl pods use `<imageRegistry>/curlimages/curl`. Default:
     * docker.io. A plain string; install only.
     */
    imageRegistry?: string;
    /**
     * Names of `kubernetes.io/dockerconfigjson` Secrets for the mirror, added to istiod, the gateway and
     * every injected pod (global.imagePullSecrets). The Secrets must exist in each namespace that pulls.
     * Not needed when nodes authenticate to the mirror themselves (ECR on EKS, Artifact Registry on GKE).
     * A plain list; install only.
     */
    imagePullSecrets?: string[];
    /**
     * Extra Helm values per chart, deep-merged over crossmesh's (objects merge, lists and scalars
     * replace), e.g. { gateway: { nodeSelector: { pool: "edge" }, priorityClassName: "system-cluster-critical" } }.
     * Keys crossmesh owns (the revision, meshConfig.trustDomain, the ingress Service, global.hub, …) are
     * refused with the reason; for anything charts do not expose, use Pulumi's `transforms` resource option.
     * Plain data; install only.
     */
    values?: ExtraChartValues;
    /**
     * Mesh-wide STRICT mTLS: a PeerAuthentication "default" in the mesh root namespace, so every sidecar
     * of this mesh refuses plaintext. Works with an installed or an adopted mesh. Default false; a plain boolean.
     */
    strictMtls?: boolean;
    /**
     * With strictMtls on an adopted mesh: its root namespace (meshConfig.rootNamespace; Istio's default is
     * istiod's namespace). Default "istio-system", which is also where crossmesh installs istiod. A plain string.
     */
    meshRootNamespace?: string;
}

/** The gateway reference IstioInstall outputs; assignable to `GatewayRefInput`. */
export interface GatewayRefOutput {
    namespace: pulumi.Output<string>;
    selectorLabels: pulumi.Output<Record<string, string>>;
    serviceName: pulumi.Output<string>;
    serviceAccount: pulumi.Output<string>;
}
