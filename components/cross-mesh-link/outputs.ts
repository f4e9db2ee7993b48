// The shapes of CrossMeshLink's outputs: named interfaces of plain values, so every language's SDK
// (through Pulumi's component provider host) gets the same typed outputs.

/** A GKE workload admitted to an exported host. */
export interface LinkedSource {
    /** Namespace of the GKE workloads that may call the host. */
    namespace: string;
    /** The one service account admitted; absent when the whole namespace is. */
    serviceAccount?: string;
}

/** One exported host as deployed. */
export interface LinkedService {
    /** The name GKE apps call (`http://<host>/`). */
    host: string;
    /** Where the EKS gateway sends the host's requests (the ALB's name or the given upstream). */
    upstreamHost: string;
    /** The Lambda function serving the host (created or fronted by the link); absent for an existing upstream. */
    functionName?: string;
    /** Who in the GKE mesh may call the host. */
    allowedSources: LinkedSource[];
    /** The AWS resources behind a Lambda-backed host, for alarms, WAF or listener rules of your own; absent for an upstream. */
    handles?: LinkedServiceHandles;
}

/** The AWS resources behind one Lambda-backed host (on the link's shared internal ALB). */
export interface LinkedServiceHandles {
    /** ARN of the internal ALB the host is behind (see the link's `lambdaAlbs`). */
    albArn: string;
    /** The function's ARN (unqualified). */
    functionArn: string;
    /** The alias or version the ALB invokes (`existingFunction.qualifier`); absent when it invokes the function itself. */
    qualifier?: string;
    /** The execution role of a function the link created; absent for an existing function. */
    roleArn?: string;
    /** The host's target group. */
    targetGroupArn: string;
    /** Priority of the host's rule on the HTTPS listener (stable per host; leave it free for rules of your own). */
    rulePriority: number;
}

/** One of the link's shared internal ALBs (one per 100 Lambda-backed hosts). */
export interface LinkAlb {
    /** Its upstream name on the EKS gateway: "lambdas", then "lambdas-2", … */
    name: string;
    albArn: string;
    /** The ALB's DNS name (internal-….elb.amazonaws.com). */
    dnsName: string;
    /** The name the EKS gateway connects to: the DNS name, or the domain of a certificate of yours. */
    hostname: string;
    /** The HTTPS listener (443) that holds the hosts' rules. */
    httpsListenerArn: string;
    /** The ALB's security group (HTTPS from the EKS cluster only). */
    securityGroupId: string;
}

/** The shape of the link for diagrams and reviews (see tools/plan). */
export interface LinkTopology {
    eksGatewayHostname: string;
    /** `<service>.<namespace>` of the EKS ingress gateway. */
    eksIngressGateway: string;
    /** `<service>.<namespace>` of the GKE egress gateway. */
    gkeEgressGateway: string;
    services: LinkedService[];
}
