// The entry `pulumi package add` runs: the Node.js language host starts this package as a source
// component plugin with `node_modules/@pulumi/pulumi/cmd/run-plugin <dir>`, which `require`s the directory,
// i.e. package.json "main" (dist/plugin.js). Programs never load this file: `import "crossmesh"` resolves
// through "exports" to dist/index.js. It serves exactly the public API, with two corrections to the schema
// the host infers, both found by generating and building the other languages' SDKs:
//
// 1. @pulumi/pulumi's schema inference (provider/experimental/analyzer, through 3.276 at least) refers to an
//    input typed as a provider class — CrossMeshLink's `eksProvider`/`gkeProvider: k8s.Provider` — as
//    `/kubernetes/v4.34.2/schema.json#/resources/kubernetes`, a resource that does not exist, so SDK
//    generation fails ("resource type kubernetes not found in package kubernetes"). The Pulumi schema names
//    a package's provider `#/provider`. (At Construct time the host already does the right thing: a provider
//    reference from another language arrives as a live `k8s.Provider`.)
// 2. Go's generator (3.248) emits only the plain struct of an object type reached through plain inputs alone
//    (LambdaHostsAlb's `functions`), yet its component args refer to the input struct: the SDK does not
//    compile. `language.go.generateExtraInputTypes` makes it emit both.
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental/provider";

export * from "./index";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A provider reference as the host writes it: `#/resources/<package>` (a provider's type token has no
 * module part, so no ":"). References to real resources (`#/resources/<pkg>:<module>:<Type>`) are left
 * alone, so the correction does nothing once the host gets it right.
 */
const PROVIDER_AS_RESOURCE = /^(\/[^/]+\/v[^/]+\/schema\.json#)\/resources\/([A-Za-z0-9_-]+)$/;

function fixReferences(node: Json): Json {
    if (Array.isArray(node)) return node.map(fixReferences);
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [
            k,
            k === "$ref" && typeof v === "string" ? v.replace(PROVIDER_AS_RESOURCE, "$1/provider") : fixReferences(v),
        ]),
    );
}

/** The inferred schema (JSON text) with the two corrections above. */
export function correctSchema(schemaText: string): string {
    const schema = fixReferences(JSON.parse(schemaText) as Json) as { language?: Record<string, Record<string, Json>> };
    schema.language = { ...schema.language, go: { ...schema.language?.["go"], generateExtraInputTypes: true } };
    return JSON.stringify(schema);
}

const inferSchema = ComponentProvider.prototype.getSchema;
ComponentProvider.prototype.getSchema = async function getSchema(this: ComponentProvider): Promise<string> {
    const schema = correctSchema(await inferSchema.call(this));
    // The host answers later calls from its cache: keep the corrected text there.
    (this as unknown as { cachedSchema?: string }).cachedSchema = schema;
    return schema;
};
