// The internal contract between an exported host and what serves it. Each kind of service (a Lambda
// behind the shared ALB, an existing function behind the same ALB, an existing upstream) is one adapter file
// implementing `TargetKind`, the way CDK's `lambda-target.ts` implements `IApplicationLoadBalancerTarget`: the
// link never asks which kind a service is beyond `kindOf()`.
import type * as pulumi from "@pulumi/pulumi";
import type {
    ExistingFunctionHostArgs,
    LambdaHostArgs,
    LambdaHostFunction,
    LambdaHostsAlb,
} from "../../lambda-hosts-alb";
import type { ServedHostArgs } from "../args";
import type { LinkAlb, LinkedServiceHandles } from "../outputs";

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
    /** The Lambda function serving the host (created by crossmesh or fronted by it). */
    functionName?: pulumi.Output<string>;
    /** Text the deploy-time check expects when the service gives none. */
    defaultExpectBody?: string;
    /** What the end-to-end check must wait for besides the routing. */
    resources: pulumi.Resource[];
    /** The AWS resources behind the host, for alarms, WAF or rules of the user's own (ALB-backed hosts). */
    handles?: pulumi.Output<LinkedServiceHandles>;
    /** The shared ALB the host is behind. */
    alb?: pulumi.Output<LinkAlb>;
}

/** A function behind the link's shared internal ALB: one crossmesh creates, or one it fronts. */
export type AlbFunction = { created: LambdaHostArgs } | { existing: ExistingFunctionHostArgs };

/** One host's place on the shared ALB. */
export interface SharedAlbHost {
    alb: LambdaHostsAlb;
    /** The ALB's upstream name on the EKS gateway ("lambdas", "lambdas-2", …). */
    upstreamName: string;
    /** The host's function as deployed (its target group, rule priority, ARNs). */
    fn: pulumi.Output<LambdaHostFunction>;
}

export interface TargetContext {
    /** The link component: parent of every resource a target creates. */
    parent: pulumi.ComponentResource;
    /** The link's name: prefix of the targets' resource names. */
    name: string;
    eksClusterName: pulumi.Input<string>;
    /** The shared ALB's side of a host whose kind has `albFunction` (created before any kind's `create`). */
    albHost(host: string): SharedAlbHost;
}

/** One kind of exported service. */
export interface TargetKind {
    /** The field of ServedHostArgs that selects this kind. */
    readonly field: "lambda" | "existingFunction" | "upstream";
    /** For a kind served behind the link's shared internal ALB: the function the ALB routes the host to. */
    albFunction?(service: ServedHostArgs): AlbFunction;
    /** Creates the targets of every service of this kind, in the order given. */
    create(ctx: TargetContext, services: ServedHostArgs[]): ExportTarget[];
}
