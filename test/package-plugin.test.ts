// crossmesh as other languages meet it: `pulumi package add <git URL>` clones the repository, installs
// it (its `prepare` builds dist/), and the Node.js language host starts it as a source component plugin —
// `node <dir>/node_modules/@pulumi/pulumi/cmd/run-plugin <dir>` (pulumi-language-nodejs RunPlugin) —
// whose component provider host infers the schema from the TypeScript classes. This test does the same
// on a fresh checkout, calls GetSchema over gRPC, and holds the schema to the package's own declarations
// (dist/index.d.ts, what TypeScript users get): every component, input, output, required list, doc
// comment and mode enum. Secrets: the host's schema cannot mark a property secret (its analyzer emits
// no `secret`), so the test checks what other languages do receive: Construct's state, secret-wrapped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import * as ts from "typescript";
import type { ComponentProvider } from "@pulumi/pulumi/provider/experimental/provider";
import { parse as parseYaml } from "yaml";
import { SECRET_SIG, settle, startSimulation, valueOf } from "../tools/simulator";
import { explain, packed } from "./fixtures/consumer/checkout";

const sim = startSimulation();

/** The public components: the package's contract with every language. */
const COMPONENTS = [
    "AwsEgress",
    "CrossMeshConsumer",
    "CrossMeshExport",
    "CrossMeshLink",
    "ExportGateway",
    "ImportGateway",
    "IstioInstall",
    "LambdaAlb",
    "LambdaHostsAlb",
    "LinkPki",
];

interface SchemaProperty {
    type?: string;
    $ref?: string;
    description?: string;
    items?: SchemaProperty;
    secret?: boolean;
}
interface SchemaResource {
    isComponent?: boolean;
    description?: string;
    inputProperties?: Record<string, SchemaProperty>;
    requiredInputs?: string[];
    properties?: Record<string, SchemaProperty>;
    required?: string[];
}
interface Schema {
    name: string;
    version: string;
    resources: Record<string, SchemaResource>;
    types: Record<
        string,
        { type: string; enum?: { value: string | number }[]; properties?: Record<string, SchemaProperty> }
    >;
}

// @pulumi/pulumi's own gRPC stack: the client speaks exactly what the engine speaks to the plugin.
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = sdkRequire("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
const providerRpc = sdkRequire("./proto/provider_grpc_pb.js") as {
    ResourceProviderClient: new (addr: string, creds: unknown) => GrpcProviderClient;
};
const providerProto = sdkRequire("./proto/provider_pb.js") as {
    GetSchemaRequest: new () => { setVersion(v: number): void };
};
interface GrpcProviderClient {
    getSchema(req: unknown, cb: (err: Error | null, resp: { getSchema(): string }) => void): void;
    close(): void;
}

/** Starts the plugin as the language host does and asks for its schema. */
async function servedSchema(dir: string): Promise<{ schema: Schema; ms: number }> {
    const started = Date.now();
    const child = spawn(
        process.execPath,
        [path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run-plugin"), dir],
        {
            cwd: dir,
            env: { ...process.env, PULUMI_NODEJS_TYPESCRIPT: "true" },
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
    });
    try {
        // The plugin handshake: the port is the first line on stdout.
        const port = await new Promise<string>((resolve, reject) => {
            child.stdout.on("data", (d: Buffer) => {
                stdout += d.toString();
                const m = /^(\d+)\s*$/m.exec(stdout);
                if (m) resolve(m[1]!);
            });
            child.on("exit", (code) => reject(new Error(`plugin exited ${code} before it listened\n${stderr}`)));
        });
        const client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const req = new providerProto.GetSchemaRequest();
        req.setVersion(0);
        const text = await new Promise<string>((resolve, reject) =>
            client.getSchema(req, (err, resp) =>
                err ? reject(new Error(`GetSchema: ${err.message}\n${stderr}`)) : resolve(resp.getSchema()),
            ),
        );
        client.close();
        return { schema: JSON.parse(text) as Schema, ms: Date.now() - started };
    } finally {
        child.kill();
    }
}

interface DeclaredProperty {
    optional: boolean;
    doc: string;
    literals?: (string | number)[];
}
interface DeclaredComponent {
    doc: string;
    inputs: Map<string, DeclaredProperty>;
    outputs: Map<string, DeclaredProperty>;
}

/** The components as TypeScript users see them: classes exported by dist/index.d.ts. */
function declaredComponents(dir: string): Map<string, DeclaredComponent> {
    const entry = path.join(dir, "dist", "index.d.ts");
    const program = ts.createProgram([entry], {
        strict: true,
        skipLibCheck: true,
        noEmit: true,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        types: [],
    });
    const checker = program.getTypeChecker();
    const doc = (s: ts.Symbol) => ts.displayPartsToString(s.getDocumentationComment(checker)).trim();
    const isComponentClass = (t: ts.Type): boolean =>
        (t.getBaseTypes?.() ?? []).some((b) => b.getSymbol()?.getName() === "ComponentResource" || isComponentClass(b));
    // A mode: every plain (non-Promise, non-Output) alternative of the type is a literal.
    const literalsOf = (t: ts.Type): (string | number)[] | undefined => {
        const alternatives = (t.isUnion() ? t.types : [t]).filter(
            (u) => !(u.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Object)),
        );
        if (alternatives.length < 2 || !alternatives.every((u) => u.isStringLiteral() || u.isNumberLiteral()))
            return undefined;
        return alternatives.map((u) => (u as ts.LiteralType).value as string | number).sort();
    };
    const result = new Map<string, DeclaredComponent>();
    const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
        const sym = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
        if (!(sym.flags & ts.SymbolFlags.Class) || !isComponentClass(checker.getDeclaredTypeOfSymbol(sym))) continue;
        const decl = sym.declarations!.find(ts.isClassDeclaration)!;
        const ctor = decl.members.find(ts.isConstructorDeclaration)!;
        const argsType = checker.getTypeFromTypeNode(ctor.parameters.find((p) => p.name.getText() === "args")!.type!);
        const inputs = new Map<string, DeclaredProperty>();
        for (const p of checker.getPropertiesOfType(argsType)) {
            const literals = literalsOf(checker.getTypeOfSymbol(p));
            inputs.set(p.getName(), {
                optional: (p.flags & ts.SymbolFlags.Optional) !== 0,
                doc: doc(p),
                ...(literals ? { literals } : {}),
            });
        }
        const outputs = new Map<string, DeclaredProperty>();
        for (const m of decl.members) {
            // Private members are not the API (a .d.ts writes private methods as untyped properties).
            if (
                !ts.isPropertyDeclaration(m) ||
                ts.getCombinedModifierFlags(m) &
                    (ts.ModifierFlags.Static | ts.ModifierFlags.Private | ts.ModifierFlags.Protected)
            )
                continue;
            const s = checker.getSymbolAtLocation(m.name)!;
            // Output<T | undefined> is an optional output.
            const inner =
                m.type && ts.isTypeReferenceNode(m.type) && m.type.typeName.getText().endsWith("Output")
                    ? m.type.typeArguments?.[0]
                    : undefined;
            const innerType = inner ? checker.getTypeFromTypeNode(inner) : undefined;
            const mayBeUndefined =
                innerType !== undefined &&
                innerType.isUnion() &&
                innerType.types.some((u) => (u.flags & ts.TypeFlags.Undefined) !== 0);
            outputs.set(s.getName(), { optional: m.questionToken !== undefined || mayBeUndefined, doc: doc(s) });
        }
        result.set(sym.getName(), { doc: doc(sym), inputs, outputs });
    }
    return result;
}

const words = (s: string | undefined) => (s ?? "").replace(/\s+/g, " ").trim();
const sorted = <T>(xs: Iterable<T>) => [...xs].sort();

test(
    "started as a source component plugin, crossmesh serves the schema of every public component",
    { timeout: 600_000 },
    async (t) => {
        const plugin = parseYaml(fs.readFileSync(path.join(__dirname, "..", "PulumiPlugin.yaml"), "utf8")) as {
            runtime: string | { name: string };
        };
        assert.equal(
            typeof plugin.runtime === "string" ? plugin.runtime : plugin.runtime.name,
            "nodejs",
            "PulumiPlugin.yaml names the Node.js runtime",
        );

        // What `pulumi package add <git URL>` does first: clone, then install, whose `prepare` builds dist/.
        // The checkout is the one test/package-consumer.test.ts packs: `npm pack` runs the same `prepare`
        // (`npm run build`), so one build serves both tests.
        const { source: dir, pack: built, reused } = await packed();
        assert.equal(built.code, 0, explain("npm pack (its prepare: npm run build)", built));
        const { schema, ms } = await servedSchema(dir);
        t.diagnostic(
            `pack and build ${built.ms} ms${reused ? " (earlier, same sources)" : ""}; plugin start + GetSchema ${ms} ms`,
        );
        const declared = declaredComponents(dir);
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
            name: string;
            version: string;
        };

        await t.test("package name, version and one component token per exported component class", () => {
            assert.equal(schema.name, pkg.name);
            assert.equal(schema.version, pkg.version);
            assert.deepEqual(sorted(declared.keys()), COMPONENTS, "the entry exports exactly the public components");
            assert.deepEqual(
                sorted(Object.keys(schema.resources)),
                COMPONENTS.map((c) => `crossmesh:index:${c}`),
            );
            for (const c of COMPONENTS) assert.equal(schema.resources[`crossmesh:index:${c}`]!.isComponent, true, c);
        });

        for (const name of COMPONENTS) {
            await t.test(
                `${name}: inputs, outputs, required lists, descriptions and mode enums match its declarations`,
                () => {
                    const res = schema.resources[`crossmesh:index:${name}`]!;
                    const d = declared.get(name)!;
                    assert.ok(d.doc !== "", `${name} has a doc comment (its schema description)`);
                    assert.equal(words(res.description), words(d.doc), `${name} description`);

                    assert.deepEqual(
                        sorted(Object.keys(res.inputProperties ?? {})),
                        sorted(d.inputs.keys()),
                        `${name} inputs`,
                    );
                    assert.deepEqual(
                        sorted(res.requiredInputs ?? []),
                        sorted([...d.inputs].filter(([, p]) => !p.optional).map(([k]) => k)),
                        `${name} required inputs`,
                    );
                    assert.deepEqual(
                        sorted(Object.keys(res.properties ?? {})),
                        sorted(d.outputs.keys()),
                        `${name} outputs`,
                    );
                    assert.deepEqual(
                        sorted(res.required ?? []),
                        sorted([...d.outputs].filter(([, p]) => !p.optional).map(([k]) => k)),
                        `${name} required outputs`,
                    );

                    for (const [kind, props, decls] of [
                        ["input", res.inputProperties ?? {}, d.inputs],
                        ["output", res.properties ?? {}, d.outputs],
                    ] as const) {
                        for (const [prop, p] of decls) {
                            if (p.doc !== "")
                                assert.equal(
                                    words(props[prop]!.description),
                                    words(p.doc),
                                    `${name} ${kind} ${prop}: description`,
                                );
                            if (p.literals) {
                                const ref = props[prop]!.$ref ?? "";
                                const enumType = schema.types[ref.replace("#/types/", "")];
                                assert.ok(
                                    enumType?.enum,
                                    `${name} ${kind} ${prop} (one of ${p.literals.join(", ")}) is a schema enum, not ${JSON.stringify(props[prop])}`,
                                );
                                assert.deepEqual(
                                    sorted(enumType.enum.map((e) => e.value)),
                                    p.literals,
                                    `${name} ${kind} ${prop}: enum values`,
                                );
                            }
                        }
                    }
                },
            );
        }

        await t.test(
            "what users rely on across languages: the link's required inputs, IstioInstall's roles, LinkPki's bundles",
            () => {
                const link = schema.resources["crossmesh:index:CrossMeshLink"]!;
                for (const required of ["services", "eksClusterName"])
                    assert.ok(link.requiredInputs?.includes(required), `CrossMeshLink requires ${required}`);
                const role = schema.resources["crossmesh:index:IstioInstall"]!.inputProperties!["gatewayRole"]!;
                assert.deepEqual(sorted(schema.types[role.$ref!.replace("#/types/", "")]!.enum!.map((e) => e.value)), [
                    "egress",
                    "ingress",
                ]);
                const pki = schema.resources["crossmesh:index:LinkPki"]!.properties!;
                for (const bundle of ["serverBundle", "clientBundle"]) {
                    const type = schema.types[pki[bundle]!.$ref!.replace("#/types/", "")]!;
                    assert.deepEqual(
                        sorted(Object.keys(type.properties ?? {})),
                        ["caPem", "certPem", "privateKeyPem"],
                        `${bundle}: certificate, key and trusted CAs, as identifiers every language can name`,
                    );
                }
            },
        );

        await t.test(
            "the schema other languages generate SDKs from: provider inputs refer to the kubernetes provider, and Go emits every input type",
            () => {
                // The host infers `#/resources/kubernetes` for a provider class, which SDK generation refuses
                // ("resource type kubernetes not found in package kubernetes"); components/plugin.ts corrects it.
                const version = (sdkRequire("@pulumi/kubernetes/package.json") as { version: string }).version;
                const link = schema.resources["crossmesh:index:CrossMeshLink"]!.inputProperties!;
                for (const p of ["eksProvider", "gkeProvider"])
                    assert.equal(link[p]!.$ref, `/kubernetes/v${version}/schema.json#/provider`, p);
                // Go's generator emits the input struct of a type reached only through plain inputs (LambdaHostsAlb's
                // functions) only with this option; without it the generated Go SDK does not compile.
                assert.equal(
                    (schema as unknown as { language?: { go?: { generateExtraInputTypes?: boolean } } }).language?.go
                        ?.generateExtraInputTypes,
                    true,
                    "language.go.generateExtraInputTypes",
                );
                const refs = JSON.stringify(schema).match(/schema\.json#\/resources\/[^"]*/g) ?? [];
                assert.deepEqual(
                    refs.filter((r) => !r.includes(":")),
                    [],
                    "every resource reference names a resource type",
                );
            },
        );

        // The host object the plugin serves (every public component), for the Construct tests below: one for
        // both, so the schema analysis it makes before its first Construct (a program of the whole checkout)
        // is made once.
        let served: Promise<ComponentProvider> | undefined;
        const componentHost = () =>
            (served ??= (async () => {
                const { ComponentProvider } = await import("@pulumi/pulumi/provider/experimental/provider");
                const entry = await import("../components");
                return new ComponentProvider({
                    name: "crossmesh",
                    dirname: dir,
                    components: COMPONENTS.map((c) => (entry as unknown as Record<string, never>)[c]),
                });
            })());

        await t.test(
            "Construct through the host with the providers as the engine sends them (resource references): the link's objects land on the caller's two clusters",
            async () => {
                const k8s = await import("@pulumi/kubernetes");
                const aws = await import("@pulumi/aws");
                const rpc = await import("@pulumi/pulumi/runtime/rpc");
                // The provider server's own input decoding (not in its typings), exactly as Construct runs it.
                const { deserializeInputs } = sdkRequire("./provider/server.js") as {
                    deserializeInputs(inputs: unknown, deps: unknown): Promise<Record<string, unknown>>;
                };
                const { Struct } = sdkRequire("google-protobuf/google/protobuf/struct_pb") as {
                    Struct: { fromJavaScript(v: unknown): unknown };
                };
                // What a Python program registers, then passes to crossmesh.CrossMeshLink(...).
                const eks = new k8s.Provider("py-eks", {
                    kubeconfig:
                        "apiVersion: v1\nclusters:\n- name: arn:aws:eks:eu-west-1:123456789012:cluster/eks-lab5\n",
                });
                const gke = new k8s.Provider("py-gke", {
                    kubeconfig: "apiVersion: v1\nclusters:\n- name: gke_project_europe-west1_gke-lab\n",
                });
                const awsProvider = new aws.Provider("py-aws", { region: "eu-west-1" });
                const [eksUrn, gkeUrn] = await Promise.all([valueOf(eks.urn), valueOf(gke.urn)]);
                const wire = await rpc.serializeProperties("construct inputs", {
                    eksProvider: eks,
                    gkeProvider: gke,
                    eksClusterName: "eks-lab5",
                    awsRegion: "eu-west-1",
                    consumerEgressCidrs: ["203.0.113.0/28"],
                    services: [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }],
                });
                // Each provider input depends on that provider alone, as the engine records it.
                const dependsOn = (urn: string) => ({ getUrnsList: () => [urn] });
                const inputs = await deserializeInputs(
                    Struct.fromJavaScript(wire) as never,
                    new Map([
                        ["eksProvider", dependsOn(eksUrn)],
                        ["gkeProvider", dependsOn(gkeUrn)],
                    ]) as never,
                );
                const before = sim.graph.resources.length;
                const host = await componentHost();
                await host.construct("py-link", "crossmesh:index:CrossMeshLink", inputs, {
                    providers: { aws: awsProvider },
                } as never);
                await settle();
                const objects = sim.graph.resources
                    .slice(before)
                    .filter((r) => r.type.startsWith("kubernetes:") && r.urn.includes("::py-link"));
                const clusterOf = (r: (typeof objects)[number]) => r.provider.split("::").slice(0, -1).join("::");
                assert.ok(objects.length > 10, `the link registered its Kubernetes objects (${objects.length})`);
                const exported = objects.filter((r) => r.name.startsWith("py-link-export-"));
                const imported = objects.filter((r) => r.name.startsWith("py-link-import-"));
                assert.ok(exported.length > 0 && imported.length > 0, "both gateways' objects");
                assert.deepEqual(
                    [...new Set(exported.map(clusterOf))],
                    [eksUrn],
                    "EKS objects on the caller's eks provider",
                );
                assert.deepEqual(
                    [...new Set(imported.map(clusterOf))],
                    [gkeUrn],
                    "GKE objects on the caller's gke provider",
                );
                const awsUrn = await valueOf(awsProvider.urn);
                const cloud = sim.graph.resources
                    .slice(before)
                    .filter((r) => r.type.startsWith("aws:") && r.urn.includes("::py-link"));
                assert.ok(cloud.length > 0, "the link's AWS resources");
                assert.deepEqual(
                    [...new Set(cloud.map(clusterOf))],
                    [awsUrn],
                    "AWS resources on the caller's aws provider",
                );
            },
        );

        await t.test(
            "Construct through the host returns LinkPki's credentials secret and its CAs in clear",
            async () => {
                // The host object the plugin serves, constructing the component it names; its state is then
                // serialized the way the plugin's Construct handler answers the engine.
                const { serializeResourceProperties } = await import("@pulumi/pulumi/runtime/rpc");
                const host = await componentHost();
                const result = await host.construct(
                    "link",
                    "crossmesh:index:LinkPki",
                    { exportedHosts: ["lambda.external"] },
                    {},
                );
                const [state] = await serializeResourceProperties(
                    "construct(LinkPki)",
                    result.state as Record<string, unknown>,
                );
                await settle();
                const isSecretValue = (v: unknown) =>
                    typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG] !== undefined;
                for (const secret of ["serverBundle", "clientBundle"])
                    assert.ok(isSecretValue(state[secret]), `${secret} is secret in Construct's state`);
                for (const clear of ["serverCaPem", "clientCaPem", "clientSpiffeId"]) {
                    assert.ok(
                        !isSecretValue(state[clear]) && typeof state[clear] === "string",
                        `${clear} is a plain string`,
                    );
                }
            },
        );
    },
);
