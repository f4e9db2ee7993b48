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
    /** The Lambda function serving the host; absent for an existing upstream. */
    functionName?: string;
    /** Who in the GKE mesh may call the host. */
    allowedSources: LinkedSource[];
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
