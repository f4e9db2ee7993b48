// Up-front checks of LambdaHostsAlbArgs, before anything is registered: the ALB settings as LambdaAlb
// checks them, each function's settings under `functions[i].`, and the hosts against ELB's limits.
import { invalid, requireConcreteHostname, requireUnique } from "../common/validation";
import { validateInternalAlbArgs, validateLambdaFunctionArgs } from "../lambda-alb/validate";
import type { LambdaHostsAlbArgs } from "./index";

/** ELB: at most 100 target groups per Application Load Balancer (not adjustable), one per function here. */
export const MAX_FUNCTIONS_PER_ALB = 100;
/** ELB: a host-header condition value is at most 128 characters. */
export const MAX_HOST_HEADER_LENGTH = 128;

/** Resource names of a host's function and target: dots become hyphens. */
export const hostSlug = (host: string) => host.replace(/\./g, "-");

export function validateLambdaHostsAlbArgs(args: LambdaHostsAlbArgs): void {
    validateInternalAlbArgs(args);
    if (!Array.isArray(args.functions) || args.functions.length === 0) {
        invalid("functions", "list at least one function and the host that reaches it, e.g. [{ host: \"lambda.external\" }] (the hello-world handler).");
    }
    if (args.functions.length > MAX_FUNCTIONS_PER_ALB) {
        invalid("functions", `${args.functions.length} functions exceed what one ALB can route to (${MAX_FUNCTIONS_PER_ALB} target groups per load balancer, a limit AWS does not raise); split them over several LambdaHostsAlb components.`);
    }
    const slugs = new Map<string, number>();
    args.functions.forEach((f, i) => {
        const at = `functions[${i}]`;
        requireConcreteHostname(`${at}.host`, f.host);
        if (f.host.length > MAX_HOST_HEADER_LENGTH) {
            invalid(`${at}.host`, `"${f.host}" has ${f.host.length} characters; an ALB host-header condition takes at most ${MAX_HOST_HEADER_LENGTH}. Use a shorter name.`);
        }
        validateLambdaFunctionArgs(f, `${at}.`);
    });
    requireUnique("functions[].host", args.functions.map((f) => f.host));
    args.functions.forEach((f, i) => {
        const first = slugs.get(hostSlug(f.host));
        if (first !== undefined) {
            invalid(`functions[${i}].host`, `"${f.host}" and "${args.functions[first].host}" (functions[${first}]) give the same resource names ("${hostSlug(f.host)}-…", dots become hyphens); rename one of them.`);
        }
        slugs.set(hostSlug(f.host), i);
    });
}
