// The internal contract between an exported host and what serves it. Each kind of service (a Lambda
// behind the shared ALB, an existing upstream) is one adapter file implementing `TargetKind`, the way
// CDK's `lambda-target.ts` implements `IApplicationLoadBalancerTarget`: the link never asks which kind
// a service is beyond `kindOf()`.
import type * as pulumi from "@pulumi/pulumi";
import type { LinkServiceArgs } from "../args";

/** What the EKS ingress gateway needs to forward one exported host. */
export interface ExportTarget {
    host: string;
    /** DNS name the gateway connects to (and checks the certificate against). */
    upstreamHost: pulumi.Input<string>;
    upstreamPort: pulumi.Input<number>;
    /** PEM of a private CA of the upstream's certificate; undefined for a publicly trusted one. */
    upstreamCaPem?: pulumi.Input<string | undefined>;
    /** Hosts with the same name share one ServiceEntry/DestinationRule/CA Secret (one ALB, many hosts). */
    upstreamName?: string;
    /** The function serving the host, when crossmesh created one. */
    functionName?: pulumi.Output<string>;
    /** Text the deploy-time check expects when the service gives none. */
    defaultExpectBody?: string;
    /** What the end-to-end check must wait for besides the routing. */
    resources: pulumi.Resource[];
}

export interface TargetContext {
    /** The link component: parent of every resource a target creates. */
    parent: pulumi.ComponentResource;
    /** The link's name: prefix of the targets' resource names. */
    name: string;
    eksClusterName: pulumi.Input<string>;
}

/** One kind of exported service. */
export interface TargetKind {
    /** The field of LinkServiceArgs that selects this kind. */
    readonly field: "lambda" | "upstream";
    /** Creates the targets of every service of this kind, in the order given. */
    create(ctx: TargetContext, services: LinkServiceArgs[]): ExportTarget[];
}
