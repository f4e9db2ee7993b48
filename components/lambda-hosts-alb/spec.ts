// LambdaHostsAlb's spec: the internal ALB's fields as LambdaAlb declares them, and a list of functions,
// each LambdaAlb's function fields plus the host that reaches it, within ELB's limits.
import { invalid, requireConcreteHostname } from "../common/validation";
import { requireDistinctHostSlugs, slug } from "../common/names";
import { holds, list, object, string, type Refinement, type SameShape, type SpecArgs } from "../common/spec";
import {
    existingFunctionFields,
    internalAlbFields,
    internalAlbRules,
    lambdaFunctionFields,
    lambdaFunctionRules,
    oneQualifier,
} from "../lambda-alb/spec";
import type { ExistingFunctionHostArgs, LambdaHostArgs, LambdaHostsAlbArgs } from "./args";

/** ELB: at most 100 target groups per Application Load Balancer (not adjustable), one per function here. */
export const MAX_FUNCTIONS_PER_ALB = 100;
/** ELB: at most 100 rules per Application Load Balancer (default rules aside), one per function here. */
export const MAX_RULES_PER_ALB = 100;
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
    'list at least one function and the host that reaches it, e.g. [{ host: "lambda.external" }] (the hello-world handler), or an existing function in existingFunctions.';

const hostField = string()
    .required('give the Host header that reaches this function, e.g. "lambda.external".')
    .check(requireConcreteHostname)
    .check((path, host) => requireHostHeaderLength(path, host, "an ALB host-header condition"));

/** One host's function: LambdaAlb's function fields and the host. */
export const lambdaHostFields = { host: hostField, ...lambdaFunctionFields };

export const lambdaHostSpec = object(lambdaHostFields, {
    refine: lambdaFunctionRules,
    what: "{ host, and the function's settings }",
});

holds<SameShape<LambdaHostArgs, SpecArgs<typeof lambdaHostSpec>>>();

/** One host's existing function: the function, its qualifier, and the host. */
export const existingFunctionHostSpec = object(
    { host: hostField, ...existingFunctionFields },
    { refine: [oneQualifier], what: "{ host, function, qualifier? }" },
);

holds<SameShape<ExistingFunctionHostArgs, SpecArgs<typeof existingFunctionHostSpec>>>();

/** LambdaHostsAlb's fields: the ALB's and the functions. */
export const lambdaHostsAlbFields = {
    ...internalAlbFields,
    functions: list(lambdaHostSpec, { what: "functions" }).optional(),
    existingFunctions: list(existingFunctionHostSpec, { what: "existing functions" }).optional(),
};

/** Something behind the ALB, and no more than it can route to. */
export const functionsFitOneAlb: Refinement<Pick<LambdaHostsAlbArgs, "functions" | "existingFunctions">> = {
    name: "one to 100 functions",
    check: (a, at) => {
        const n = (a.functions?.length ?? 0) + (a.existingFunctions?.length ?? 0);
        if (n === 0) invalid(at("functions"), NO_FUNCTIONS);
        if (n > MAX_FUNCTIONS_PER_ALB)
            invalid(
                at(a.functions?.length ? "functions" : "existingFunctions"),
                `${n} functions exceed what one ALB can route to (${MAX_FUNCTIONS_PER_ALB} target groups per load balancer, a limit AWS does not raise); split them over several LambdaHostsAlb components.`,
            );
    },
};

/** Each host once, and no two hosts whose resource names (dots become hyphens) would be the same. */
export const hostsNameDistinctResources: Refinement<Pick<LambdaHostsAlbArgs, "functions" | "existingFunctions">> = {
    name: "hosts name distinct resources",
    check: (a, at) => {
        const created = (a.functions ?? []).map((f) => f.host);
        requireDistinctHostSlugs(at("functions"), created, "resource names");
        requireDistinctHostSlugs(
            at("existingFunctions"),
            (a.existingFunctions ?? []).map((f) => f.host),
            "resource names",
        );
        (a.existingFunctions ?? []).forEach((f, i) => {
            const j = created.findIndex((h) => slug(h) === slug(f.host));
            if (j >= 0)
                invalid(
                    `${at("existingFunctions")}[${i}].host`,
                    `"${f.host}" and "${created[j]}" (${at("functions")}[${j}]) give the same resource names ("${slug(f.host)}"); one host reaches one function: rename one of them.`,
                );
        });
    },
};

export const lambdaHostsAlbSpec = object(lambdaHostsAlbFields, {
    refine: [...internalAlbRules, functionsFitOneAlb, hostsNameDistinctResources],
});

holds<SameShape<LambdaHostsAlbArgs, SpecArgs<typeof lambdaHostsAlbSpec>>>();
