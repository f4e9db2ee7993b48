// lambda-hosts-alb: the component's args and output types (its public contract), apart from the component so its
// validator and builders can import them without importing the component.
import type { InternalAlbArgs } from "../lambda-alb/alb";
import type { ExistingFunctionArgs, LambdaFunctionArgs } from "../lambda-alb/function";

export interface LambdaHostArgs extends LambdaFunctionArgs {
    /** The Host header that reaches this function, e.g. "lambda.external": a concrete lowercase FQDN (it names resources, so plain). */
    host: string;
}

/** A function someone else runs, behind the ALB for one host: crossmesh creates its target group, invoke permission and rule only. */
export interface ExistingFunctionHostArgs extends ExistingFunctionArgs {
    /** The Host header that reaches this function, e.g. "orders.external": a concrete lowercase FQDN (it names resources, so plain). */
    host: string;
}

export interface LambdaHostsAlbArgs extends InternalAlbArgs {
    /** The functions crossmesh creates, one per host. With `existingFunctions`, at most 100 in all (ELB's target groups per load balancer). */
    functions?: LambdaHostArgs[];
    /** Functions you already run (by ARN or name, optionally an alias or version), one per host; crossmesh never modifies them. */
    existingFunctions?: ExistingFunctionHostArgs[];
}

/** One host's function as deployed. */
export interface LambdaHostFunction {
    host: string;
    functionName: string;
    /** The function's ARN (unqualified). */
    functionArn: string;
    /** The alias or version the ALB invokes; absent when it invokes the function itself. */
    qualifier?: string;
    /** The execution role of a function crossmesh created; absent for an existing function. */
    roleArn?: string;
    /** True for a function crossmesh fronts but did not create (`existingFunctions`). */
    existing: boolean;
    targetGroupArn: string;
    /** Priority of its listener rule (stable per host name; see priority.ts). */
    rulePriority: number;
}
