// Pure builder of the EKS ingress gateway's Service: an NLB made by the AWS Load Balancer Controller,
// internet-facing or internal (GatewayExposure), sending TLS on 443 straight to the gateway pods (IP targets),
// health-checked on the Envoy readiness endpoint. Plain object in, plain object out; index.ts turns it into a
// resource.
import { GatewayExposure } from "../common/types";
import { tagsAnnotation } from "../common/tags";
import { gatewaySelectorLabels } from "./charts";

const AWS_LB = "service.beta.kubernetes.io/aws-load-balancer";

/**
 * Annotations read by the AWS Load Balancer Controller (not the legacy in-tree controller, which would
 * make a Classic ELB): `type: external` hands the Service to the controller, `ip` targets the pods
 * directly (no NodePort hop), and the health check asks the gateway's status port whether Envoy is
 * ready rather than whether port 443 accepts TCP. The scheme is the exposure's (SCHEMES).
 */
export const NLB_ANNOTATIONS: Record<string, string> = {
    [`${AWS_LB}-type`]: "external",
    [`${AWS_LB}-nlb-target-type`]: "ip",
    [`${AWS_LB}-scheme`]: "internet-facing",
    [`${AWS_LB}-healthcheck-protocol`]: "http",
    [`${AWS_LB}-healthcheck-port`]: "15021",
    [`${AWS_LB}-healthcheck-path`]: "/healthz/ready",
};

/**
 * The controller's `aws-load-balancer-scheme` per exposure. `internal` puts the NLB in the subnets tagged
 * `kubernetes.io/role/internal-elb=1` with private addresses only (its DNS name resolves publicly, to those
 * private addresses); its source ranges default to the VPC CIDR, so the link always sets them.
 */
export const SCHEMES: Record<GatewayExposure, string> = {
    internet: "internet-facing",
    internal: "internal",
};

/** The annotation that tags the NLB, its listeners and target groups (beside the controller's own tags). */
export const ADDITIONAL_TAGS_ANNOTATION = `${AWS_LB}-additional-resource-tags`;

/** The gateway's HTTPS port: the gateway chart maps Service port 443 to container port 443 (its `https` port). */
export const GATEWAY_HTTPS_PORT = 443;

export interface LoadBalancerServiceSettings {
    gatewayName: string;
    namespace: string;
    /** CIDRs allowed to connect; empty leaves an internet-facing NLB open to the internet (mTLS still applies). */
    loadBalancerSourceRanges: string[];
    /** Internet-facing (default) or internal. */
    exposure?: GatewayExposure;
    /** AWS tags for the NLB and what the controller makes with it. */
    tags?: Record<string, string>;
}

export interface LoadBalancerService {
    metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
    spec: {
        type: "LoadBalancer";
        selector: Record<string, string>;
        ports: { name: string; port: number; targetPort: number; protocol: string }[];
        loadBalancerSourceRanges?: string[];
    };
}

/**
 * The Service the gateway chart would have made (same name, labels and selector), as an NLB. Only 443 is
 * exposed: the link needs nothing else, and the status port stays private (the NLB health-checks the pod
 * IPs directly).
 */
export function loadBalancerService(s: LoadBalancerServiceSettings): LoadBalancerService {
    const selector = gatewaySelectorLabels(s.gatewayName);
    return {
        metadata: {
            name: s.gatewayName,
            namespace: s.namespace,
            labels: { ...selector },
            annotations: {
                ...NLB_ANNOTATIONS,
                [`${AWS_LB}-scheme`]: SCHEMES[s.exposure ?? GatewayExposure.Internet],
                ...(s.tags && Object.keys(s.tags).length > 0
                    ? { [ADDITIONAL_TAGS_ANNOTATION]: tagsAnnotation(s.tags) }
                    : {}),
            },
        },
        spec: {
            type: "LoadBalancer",
            selector,
            ports: [{ name: "https", port: GATEWAY_HTTPS_PORT, targetPort: GATEWAY_HTTPS_PORT, protocol: "TCP" }],
            ...(s.loadBalancerSourceRanges.length > 0
                ? { loadBalancerSourceRanges: [...s.loadBalancerSourceRanges] }
                : {}),
        },
    };
}

/** The DNS name of a LoadBalancer Service, from its status; a clear error when it has none. */
export function loadBalancerHostnameOf(
    service: string,
    status: { loadBalancer?: { ingress?: { hostname?: string; ip?: string }[] } } | undefined,
): string {
    const ingress = status?.loadBalancer?.ingress?.[0];
    if (!ingress?.hostname) {
        const got = ingress?.ip ? `an IP (${ingress.ip}) but no hostname` : "no load balancer address";
        throw new Error(
            `Service ${service} has ${got} in status.loadBalancer.ingress[0]; the link needs the NLB's DNS name. Is it a LoadBalancer Service on EKS handled by the AWS Load Balancer Controller?`,
        );
    }
    return ingress.hostname;
}
