// The entry `pulumi package add` runs: the Node.js language host starts this package as a source
// component plugin with `node_modules/@pulumi/pulumi/cmd/run-plugin <dir>`, which `require`s the directory,
// i.e. package.json "main" (dist/plugin.js). Programs never load this file: `import "crossmesh"` resolves
// through "exports" to dist/index.js. It serves exactly the public API, with one correction to the schema
// the host infers.
//
// Why: @pulumi/pulumi's schema inference (provider/experimental/analyzer, through 3.276 at least) refers
// to an input typed as a provider class — CrossMeshLink's `eksProvider`/`gkeProvider: k8s.Provider` — as
// `/kubernetes/v4.34.2/schema.json#/resources/kubernetes`, a resource that does not exist, so SDK generation
// for Python, Go, C#, Java and YAML fails ("resource type kubernetes not found in package kubernetes"). The
// Pulumi schema names a package's provider `#/provider`. At Construct time the host already does the right
// thing: a provider reference from another language arrives as a live `k8s.Provider`.
import { ComponentProvider } from "@pulumi/pulumi/provider/experimental/provider";

export * from "./index";

/**
 * Rewrites references to a package's provider, which the host emits as `#/resources/<package>` (a
 * provider's type token has no module part), into `#/provider`. References to real resources
 * (`#/resources/<package>:<module>:<Type>`, URL-encoded or not) carry a ":" and are left alone, so the
 * rewrite does nothing once the host gets it right.
 */
export function fixProviderReferences(schema: string): string {
    return schema.replace(
        /("\$ref":\s*"\/[^"/]+\/v[^"/]+\/schema\.json#)\/resources\/([A-Za-z0-9_-]+)"/g,
        '$1/provider"',
    );
}

const inferSchema = ComponentProvider.prototype.getSchema;
ComponentProvider.prototype.getSchema = async function getSchema(this: ComponentProvider): Promise<string> {
    const schema = fixProviderReferences(await inferSchema.call(this));
    // The host answers later calls from its cache: keep the corrected text there.
    (this as unknown as { cachedSchema?: string }).cachedSchema = schema;
    return schema;
};
