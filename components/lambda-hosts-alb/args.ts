// lambda-hosts-alb: the component's args and output types (its public contract), apart from the component so its
// validator and builders can import them without importing the component.
import type { InternalAlbArgs } from "../lambda-alb/alb";
import type { LambdaFunctionArgs } from "../lambda-alb/function";

export interface LambdaHostArgs extends LambdaFunctionArgs {
    /** The Host header that reaches this function, e.g. "lambda.external": a concrete lowercase FQDN (it names resources, so plain). */
    host: string;
}

export interface LambdaHostsAlbArgs extends InternalAlbArgs {
    /** The functions, one per host; at most 100 (ELB's target groups per load balancer). */
    functions: LambdaHostArgs[];
}

/** One host's function as deployed. */
export interface LambdaHostFunction {
    host: string;
    functionName: string;
    functionArn: string;
    targetGroupArn: string;
    /** Priority of its listener rule (stable per host name; see priority.ts). */
    rulePriority: number;
}
