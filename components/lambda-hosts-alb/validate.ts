// Up-front checks of LambdaHostsAlbArgs, before anything is registered: the ALB settings as LambdaAlb
// checks them, each function's settings under `functions[i].`, and the hosts against ELB's limits.
import { invalid, requireConcreteHostname, requireUnique } from "../common/validation";
import { validateInternalAlbArgs, validateLambdaFunctionArgs } from "../lambda-alb/validate";
import type { LambdaHostsAlbArgs } from "./args";

/** ELB: at most 100 target groups per Application Load Balancer (not adjustable), one per function here. */
export const MAX_FUNCTIONS_PER_ALB = 100;
/** ELB: a host-header condition value is at most 128 characters. */
export const MAX_HOST_HEADER_LENGTH = 128;

/** Resource names of a host's function and target: dots become hyphens. */
export const hostSlug = (host: string) => host.replace(/\./g, "-");

/** A host the ALB can match in a host-header rule; `why` says which ALB, for the message. */
export function requireHostHeaderLength(propertyPath: string, host: string, why: string): void {
    if (host.length > MAX_HOST_HEADER_LENGTH) {
        invalid(
            propertyPath,
            `"${host}" has ${host.length} characters; ${why} takes at most ${MAX_HOST_HEADER_LENGTH}. Use a shorter name.`,
        );
    }
}

/**
 * Hosts whose slugs differ, so the names derived from them cannot collide; `listPath` is the list's
 * field ("functions", "services") and `names` what the slugs name, for the message.
 */
export function requireDistinctHostSlugs(listPath: string, hosts: readonly string[], names: string): void {
    const first = new Map<string, number>();
    hosts.forEach((host, i) => {
        const slug = hostSlug(host);
        const j = first.get(slug);
        if (j !== undefined) {
            invalid(
                `${listPath}[${i}].host`,
                `"${host}" and "${hosts[j]}" (${listPath}[${j}]) give the same ${names} ("${slug}", dots become hyphens); rename one of them.`,
            );
        }
        first.set(slug, i);
    });
}

export function validateLambdaHostsAlbArgs(args: LambdaHostsAlbArgs): void {
    validateInternalAlbArgs(args);
    if (!Array.isArray(args.functions) || args.functions.length === 0) {
        invalid(
            "functions",
            'list at least one function and the host that reaches it, e.g. [{ host: "lambda.external" }] (the hello-world handler).',
        );
    }
    if (args.functions.length > MAX_FUNCTIONS_PER_ALB) {
        invalid(
            "functions",
            `${args.functions.length} functions exceed what one ALB can route to (${MAX_FUNCTIONS_PER_ALB} target groups per load balancer, a limit AWS does not raise); split them over several LambdaHostsAlb components.`,
        );
    }
    args.functions.forEach((f, i) => {
        const at = `functions[${i}]`;
        requireConcreteHostname(`${at}.host`, f.host);
        requireHostHeaderLength(`${at}.host`, f.host, "an ALB host-header condition");
        validateLambdaFunctionArgs(f, `${at}.`);
    });
    const hosts = args.functions.map((f) => f.host);
    requireUnique("functions[].host", hosts);
    requireDistinctHostSlugs("functions", hosts, "resource names");
}
