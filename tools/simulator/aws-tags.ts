// Which AWS resource types take a `tags` map, read from @pulumi/aws's own type definitions (the resource's
// `<Name>Args` interface has `tags?: pulumi.Input<{ [key: string]: pulumi.Input<string> }>`), not from a hand list;
// and the tag checks AWS makes, with the product's own limits (components/common/tags.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import { AWS_TAG_LIMITS, awsTagProblems } from "../../components/common/tags";

const AWS_PACKAGE = path.dirname(require.resolve("@pulumi/aws/package.json"));

/** How a type's Args interface declares `tags`: a map, something else (a list), or not at all. */
export type TagsShape = "map" | "other" | "none";

const shapes = new Map<string, TagsShape>();

/** The `.d.ts` of a resource type token, "aws:lb/loadBalancer:LoadBalancer" → <@pulumi/aws>/lb/loadBalancer.d.ts. */
export function awsTypeDefinition(type: string): { file: string; name: string } {
    const m = /^aws:([^/]+)\/([^:]+):(\w+)$/.exec(type);
    if (!m) throw new Error(`simulator: "${type}" is not an AWS resource type token`);
    const [, module, file, name] = m;
    return { file: path.join(AWS_PACKAGE, module === "index" ? "" : module, `${file}.d.ts`), name };
}

/** How the real @pulumi/aws declares `tags` on the type's arguments. */
export function awsTagsShape(type: string): TagsShape {
    const known = shapes.get(type);
    if (known) return known;
    const { file, name } = awsTypeDefinition(type);
    if (!fs.existsSync(file)) throw new Error(`simulator: no type definitions for ${type} (${file})`);
    const text = fs.readFileSync(file, "utf8");
    const start = text.indexOf(`export interface ${name}Args {`);
    if (start < 0) throw new Error(`simulator: ${file} declares no ${name}Args`);
    const body = text.slice(start, text.indexOf("\n}", start));
    const decl = /\n {4}tags\?: ([^;]*;[^;]*;?)/.exec(body)?.[1];
    const shape: TagsShape =
        decl === undefined
            ? "none"
            : /^pulumi\.Input<\{\s*\[key: string\]: pulumi\.Input<string>;/.test(decl)
              ? "map"
              : "other";
    shapes.set(type, shape);
    return shape;
}

/** True when the type's arguments take a `tags` map (the resources every link tag must reach). */
export function awsTakesTags(type: string): boolean {
    return awsTagsShape(type) === "map";
}

/** What AWS (or the provider's schema) refuses about a resource's `tags`, or undefined. */
export function tagsRefusal(type: string, inputs: Record<string, unknown>): string | undefined {
    const tags = inputs.tags;
    if (tags === undefined || tags === null) return undefined;
    const shape = awsTagsShape(type);
    if (shape === "none") return `${type}: tags: the resource takes no tags (${awsTypeDefinition(type).name}Args)`;
    if (shape === "other" && (typeof tags !== "object" || !Array.isArray(tags)))
        return `${type}: tags: this resource's tags are not a map`;
    if (shape !== "map") return undefined;
    const entries = Object.entries(tags as Record<string, string>);
    if (entries.length > AWS_TAG_LIMITS.perResource)
        return `${type}: TooManyTagsException: ${entries.length} tags, at most ${AWS_TAG_LIMITS.perResource}`;
    const problems = entries.flatMap(([k, v]) => awsTagProblems("tags", k, String(v)));
    return problems.length
        ? `${type}: InvalidParameterValue: ${problems.map((p) => `${p.propertyPath}: ${p.reason}`).join("; ")}`
        : undefined;
}
