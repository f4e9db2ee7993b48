// LambdaHostsAlb's spec: the internal ALB's fields as LambdaAlb declares them, and a list of functions,
// each LambdaAlb's function fields plus the host that reaches it, within ELB's limits.
import { invalid, requireConcreteHostname } from "../common/validation";
import { requireDistinctHostSlugs } from "../common/names";
import { holds, list, object, string, type Refinement, type SameShape, type SpecArgs } from "../common/spec";
import { internalAlbFields, internalAlbRules, lambdaFunctionFields, oneCodeSource } from "../lambda-alb/spec";
import type { LambdaHostArgs, LambdaHostsAlbArgs } from "./args";

/** ELB: at most 100 target groups per Application Load Balancer (not adjustable), one per function here. */
export const MAX_FUNCTIONS_PER_ALB = 100;
/** ELB: a host-header condition value is at most 128 characters. */
export const MAX_HOST_HEADER_LENGTH = 128;

/** A host the ALB can match in a host-header rule; `why` says which ALB, for the message. */
export function requireHostHeaderLength(propertyPath: string, host: string, why: string): void {
    if (host.length > MAX_HOST_HEADER_LENGTH) {
        invalid(
            propertyPath,
            `"${host}" has ${host.length} characters; ${why} takes at most ${MAX_HOST_HEADER_LENGTH}. Use a shorter name.`,
        );
    }
}

const NO_FUNCTIONS =
    'list at least one function and the host that reaches it, e.g. [{ host: "lambda.external" }] (the hello-world handler).';

/** One host's function: LambdaAlb's function fields and the host. */
export const lambdaHostFields = {
    host: string()
        .required('give the Host header that reaches this function, e.g. "lambda.external".')
        .check(requireConcreteHostname)
        .check((path, host) => requireHostHeaderLength(path, host, "an ALB host-header condition")),
    ...lambdaFunctionFields,
};

export const lambdaHostSpec = object(lambdaHostFields, {
    refine: [oneCodeSource],
    what: "{ host, and the function's settings }",
});

holds<SameShape<LambdaHostArgs, SpecArgs<typeof lambdaHostSpec>>>();

/** LambdaHostsAlb's fields: the ALB's and the functions. */
export const lambdaHostsAlbFields = {
    ...internalAlbFields,
    functions: list(lambdaHostSpec, { emptyFix: NO_FUNCTIONS, what: "functions" })
        .required(NO_FUNCTIONS)
        .check((path, functions) => {
            if (functions.length > MAX_FUNCTIONS_PER_ALB)
                invalid(
                    path,
                    `${functions.length} functions exceed what one ALB can route to (${MAX_FUNCTIONS_PER_ALB} target groups per load balancer, a limit AWS does not raise); split them over several LambdaHostsAlb components.`,
                );
        }),
};

/** Each host once, and no two hosts whose resource names (dots become hyphens) would be the same. */
export const hostsNameDistinctResources: Refinement<Pick<LambdaHostsAlbArgs, "functions">> = {
    name: "hosts name distinct resources",
    check: (a, at) =>
        requireDistinctHostSlugs(
            at("functions"),
            a.functions.map((f) => f.host),
            "resource names",
        ),
};

export const lambdaHostsAlbSpec = object(lambdaHostsAlbFields, {
    refine: [...internalAlbRules, hostsNameDistinctResources],
});

holds<SameShape<LambdaHostsAlbArgs, SpecArgs<typeof lambdaHostsAlbSpec>>>();
