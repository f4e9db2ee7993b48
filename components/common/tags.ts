// AWS tags, one place: the rules AWS puts on a tag (the simulator checks the same), and how the link's tags reach
// every AWS resource it creates — a transformation on the link that adds them to each AWS resource whose
// arguments take `tags` (the resource class itself says so), so a resource added later (a new target kind, a
// new leaf) is tagged without being told. The AWS provider's `defaultTags` are the provider's: they are never
// copied in, and the provider merges them itself.
import * as pulumi from "@pulumi/pulumi";
import { invalid, throwProblems, type Problem } from "./validation";

/**
 * AWS's limits on user tags ("Tagging AWS resources", tag restrictions): at most 50 per resource, keys of 1–128
 * and values of 0–256 Unicode characters of letters, digits, spaces and `_ . : / = + - @`; the `aws:` prefix is
 * AWS's own.
 */
export const AWS_TAG_LIMITS = {
    perResource: 50,
    keyLength: 128,
    valueLength: 256,
    characters: /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
    reservedPrefix: "aws:",
} as const;

/**
 * Tags the AWS Load Balancer Controller puts on the NLB it makes for a Service (`elbv2.k8s.aws/cluster`,
 * `service.k8s.aws/stack`, `service.k8s.aws/resource`): they count against the 50.
 */
export const CONTROLLER_TAGS = 3;

/** How many tags a link may give: AWS's 50, less the controller's own on the gateway's NLB. */
export const MAX_LINK_TAGS = AWS_TAG_LIMITS.perResource - CONTROLLER_TAGS;

/** The problems of one tag against AWS's rules (the simulator reports the same). */
export function awsTagProblems(path: string, key: string, value: string): Problem[] {
    const at = `${path}["${key}"]`;
    const problems: Problem[] = [];
    const length = (s: string) => [...s].length;
    if (length(key) < 1 || length(key) > AWS_TAG_LIMITS.keyLength)
        problems.push({ propertyPath: at, reason: `a tag key has 1 to ${AWS_TAG_LIMITS.keyLength} characters.` });
    if (key.toLowerCase().startsWith(AWS_TAG_LIMITS.reservedPrefix))
        problems.push({
            propertyPath: at,
            reason: `keys starting with "${AWS_TAG_LIMITS.reservedPrefix}" are AWS's own; use another key, e.g. "team".`,
        });
    if (!AWS_TAG_LIMITS.characters.test(key))
        problems.push({
            propertyPath: at,
            reason: "a tag key may hold letters, digits, spaces and _ . : / = + - @ only (AWS's tag rules).",
        });
    if (length(value) > AWS_TAG_LIMITS.valueLength)
        problems.push({
            propertyPath: at,
            reason: `is ${length(value)} characters; a tag value has at most ${AWS_TAG_LIMITS.valueLength}.`,
        });
    if (!AWS_TAG_LIMITS.characters.test(value))
        problems.push({
            propertyPath: at,
            reason: "a tag value may hold letters, digits, spaces and _ . : / = + - @ only (AWS's tag rules).",
        });
    return problems;
}

/**
 * The link's tags: AWS's rules for each, at most MAX_LINK_TAGS, and keys the load balancer annotation can carry
 * (its `k1=v1,k2=v2` form splits a key at `=` and trims spaces).
 */
export function requireAwsTags(path: string, tags: Record<string, string>): void {
    const entries = Object.entries(tags);
    if (entries.length > MAX_LINK_TAGS)
        invalid(
            path,
            `${entries.length} tags; AWS allows ${AWS_TAG_LIMITS.perResource} per resource and the AWS Load Balancer Controller puts ${CONTROLLER_TAGS} of its own on the gateway's NLB, so give at most ${MAX_LINK_TAGS} (the provider's defaultTags count too).`,
        );
    throwProblems(
        entries.flatMap(([key, value]) => [
            ...awsTagProblems(path, key, value),
            ...(key.includes("=") || key.trim() !== key || value.trim() !== value
                ? [
                      {
                          propertyPath: `${path}["${key}"]`,
                          reason: 'the gateway\'s NLB gets the tags through the annotation aws-load-balancer-additional-resource-tags (k1=v1,k2=v2), which cannot carry a key with "=" or a key or value with leading or trailing spaces; rename the key or trim it.',
                      },
                  ]
                : []),
        ]),
    );
}

/** The tags as the AWS Load Balancer Controller's `aws-load-balancer-additional-resource-tags` annotation value. */
export function tagsAnnotation(tags: Record<string, string>): string {
    return Object.entries(tags)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
}

/** True when an AWS resource's arguments take a `tags` map: its class passes a `tags` input (set or not). */
export function takesTags(type: string, props: Record<string, unknown>): boolean {
    return type.startsWith("aws:") && Object.prototype.hasOwnProperty.call(props, "tags");
}

/**
 * A transformation adding `tags` to every AWS resource created under the component it is given to. A resource's
 * own tags win over the link's (a `Name` crossmesh sets stays); read resources (`get`) are left alone. The
 * provider's defaultTags are not touched: the provider merges them into `tagsAll` (its rule: a resource tag of the
 * same key wins).
 */
export function tagAwsResources(tags: Record<string, string>): pulumi.ResourceTransformation {
    return ({ type, props, opts }) => {
        if (Object.keys(tags).length === 0 || !takesTags(type, props) || opts.id !== undefined) return undefined;
        const own = props.tags as pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
        const plain = (v: unknown): v is Record<string, string> =>
            typeof v === "object" &&
            v !== null &&
            !pulumi.Output.isInstance(v) &&
            !(v instanceof Promise) &&
            Object.values(v).every((x) => typeof x === "string");
        const merged =
            own === undefined
                ? { ...tags }
                : plain(own)
                  ? { ...tags, ...own }
                  : pulumi.output(own).apply((o) => ({ ...tags, ...(o as Record<string, string>) }));
        return { props: { ...props, tags: merged }, opts };
    };
}
