// The programs in examples/ are what users copy, so they must stay true to the package:
// - the TypeScript examples type-check (each with its own tsconfig.json) against the package's sources, with
//   `import "crossmesh"` mapped to components/index.ts: a renamed or misspelt field fails here;
// - each TypeScript example runs under the provider simulator (tools/simulator), as the language host runs a
//   program, with stack config as its README says: it registers a link that does what its comments promise;
// - the Python example compiles, and every keyword argument and dict key it passes to crossmesh names an
//   input of the package. Python names are the schema's names as Pulumi's Python code generator writes them
//   (pyName below); the schema's names are the TypeScript declarations' (test/package-plugin.test.ts holds
//   the served schema to them), so they are read here from components/ with the TypeScript checker, which
//   takes a second, where serving the schema takes twenty.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { sharedCompilerHost } from "./support/typescript";

const ROOT = path.join(__dirname, "..");
const EXAMPLES = path.join(ROOT, "examples");
/** Where `import "crossmesh"` leads in these checks: the sources the installed package's dist/ is built from. */
const CROSSMESH_ENTRY = path.join(ROOT, "components", "index.ts");
const TS_EXAMPLES = ["typescript-minimal", "adopt-existing-mesh"];
const PYTHON_PROGRAM = path.join(EXAMPLES, "python", "__main__.py");

// ---------------------------------------------------------------------------------------------------------
// The simulated runs start first, in their own processes, while this one type-checks.

/** Stack config of an example's run, as `pulumi config set` would hold it (the kubeconfigs secret). */
const KUBECONFIGS = {
    eksKubeconfig: "apiVersion: v1\nclusters:\n- name: arn:aws:eks:eu-west-1:123456789012:cluster/eks-lab5\n",
    gkeKubeconfig: "apiVersion: v1\nclusters:\n- name: gke_my-project_europe-west1_gke-shop\n",
};
const RUN_CONFIG: Record<string, Record<string, unknown>> = {
    "typescript-minimal": {
        ...KUBECONFIGS,
        eksClusterName: "eks-lab5",
        awsRegion: "eu-west-1",
        consumerEgressCidrs: ["203.0.113.0/28", "198.51.100.7/32"],
    },
    "adopt-existing-mesh": { ...KUBECONFIGS, eksClusterName: "eks-lab5" },
};

interface ExampleRun {
    error?: string;
    errors: string[];
    warnings: string[];
    outputs: Record<string, any>;
    resources: { type: string; name: string; provider: string }[];
    providers: { type: string; name: string; kubeconfigSecret: boolean; inputs: Record<string, any> }[];
    objects: { type: string; name: string; inputs: Record<string, any> }[];
}

function runExample(example: string): Promise<ExampleRun> {
    const spec = JSON.stringify({ config: RUN_CONFIG[example], secretKeys: Object.keys(KUBECONFIGS) });
    const child = spawn(
        process.execPath,
        ["--import", "tsx", path.join(__dirname, "fixtures", "run-example.ts"), example, spec],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) =>
        child.on("close", () => {
            try {
                resolve(JSON.parse(stdout) as ExampleRun);
            } catch {
                reject(new Error(`examples/${example} printed no result: ${stderr || stdout}`));
            }
        }),
    );
}

const runs = new Map(TS_EXAMPLES.map((e) => [e, runExample(e)] as const));
// Awaited by the tests below; a failure before then must not be reported as unhandled.
for (const run of runs.values()) run.catch(() => undefined);

// ---------------------------------------------------------------------------------------------------------
// Type-checking, with one cache of parsed files for every program (the @pulumi/* declarations are large):
// test/support/typescript.ts.

/** An example's program under its own tsconfig.json, with "crossmesh" mapped to the package's sources. */
const programs = new Map<string, { program: ts.Program; files: string[] }>();
function exampleProgram(example: string): { program: ts.Program; files: string[] } {
    if (!programs.has(example)) programs.set(example, createExampleProgram(example));
    return programs.get(example)!;
}
function createExampleProgram(example: string): { program: ts.Program; files: string[] } {
    const dir = path.join(EXAMPLES, example);
    const configFile = path.join(dir, "tsconfig.json");
    const read = ts.readConfigFile(configFile, ts.sys.readFile);
    assert.equal(read.error, undefined, `${example}/tsconfig.json parses`);
    const config = ts.parseJsonConfigFileContent(read.config, ts.sys, dir, undefined, configFile);
    assert.deepEqual(config.errors, [], `${example}/tsconfig.json is valid`);
    const options: ts.CompilerOptions = {
        ...config.options,
        noEmit: true,
        baseUrl: dir,
        paths: { crossmesh: [CROSSMESH_ENTRY] },
    };
    const program = ts.createProgram({ rootNames: config.fileNames, options, host: sharedCompilerHost(options) });
    return { program, files: config.fileNames };
}

function diagnosticsOf(program: ts.Program, files: string[]): string {
    const diagnostics = [
        ...program.getOptionsDiagnostics(),
        ...program.getGlobalDiagnostics(),
        ...files.flatMap((f) => {
            const sf = program.getSourceFile(f)!;
            return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
        }),
    ];
    return ts.formatDiagnostics(diagnostics, {
        getCanonicalFileName: (f) => f,
        getCurrentDirectory: () => ROOT,
        getNewLine: () => "\n",
    });
}

for (const example of TS_EXAMPLES) {
    test(`examples/${example} type-checks against the package's own sources`, () => {
        const { program, files } = exampleProgram(example);
        assert.ok(
            files.some((f) => path.basename(f) === "index.ts"),
            `${example}'s tsconfig.json compiles its index.ts`,
        );
        assert.equal(diagnosticsOf(program, files), "");
        // Not vacuous: "crossmesh" resolved to the sources, and the program uses the link.
        assert.ok(program.getSourceFile(CROSSMESH_ENTRY), `"crossmesh" resolves to components/index.ts`);
        const text = fs.readFileSync(path.join(EXAMPLES, example, "index.ts"), "utf8");
        assert.match(text, /new CrossMeshLink\(/);
        assert.doesNotMatch(text, /LINK_PROVIDER_SETTINGS|eksIstio\b|gkeIstio\b/, "no deprecated or renamed API");
    });
}

test("the examples install this release of crossmesh, from the package's repository", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        version: string;
        repository: { url: string };
    };
    const repo = /github\.com\/([^/]+\/[^/.]+)/.exec(pkg.repository.url)![1]!;
    for (const example of TS_EXAMPLES) {
        const dir = path.join(EXAMPLES, example);
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
        };
        assert.equal(manifest.dependencies["crossmesh"], `github:${repo}#v${pkg.version}`, example);
        // Every package the program imports is a dependency of its own.
        const imported = [
            ...fs.readFileSync(path.join(dir, "index.ts"), "utf8").matchAll(/^import .* from "([^".][^"]*)";$/gm),
        ].map((m) => m[1]!);
        for (const name of imported) assert.ok(manifest.dependencies[name], `${example}: ${name} is a dependency`);
        assert.ok(fs.existsSync(path.join(dir, "Pulumi.yaml")), `${example} is a Pulumi project`);
    }
    const readme = fs.readFileSync(path.join(EXAMPLES, "README.md"), "utf8");
    const add = `pulumi package add https://github.com/${repo}@v${pkg.version}`;
    assert.ok(readme.includes(add), `examples/README.md: ${add}`);
});

// ---------------------------------------------------------------------------------------------------------
// The simulated runs.

test("examples/typescript-minimal runs: one Lambda behind the link, callable by shop/checkout only", async () => {
    const run = await runs.get("typescript-minimal")!;
    assert.equal(run.error, undefined, run.error);
    assert.deepEqual(run.errors, []);
    assert.deepEqual(run.warnings, [], "consumerEgressCidrs is set: no warning about an NLB open to all");

    // Two Kubernetes providers from secret config, and the AWS provider in the configured region.
    const k8s = run.providers.filter((p) => p.type === "pulumi:providers:kubernetes");
    assert.deepEqual(
        k8s.map((p) => [p.name, p.kubeconfigSecret, p.inputs.kubeconfig]),
        [
            ["eks", true, KUBECONFIGS.eksKubeconfig],
            ["gke", true, KUBECONFIGS.gkeKubeconfig],
        ],
    );
    assert.deepEqual(
        run.providers.filter((p) => p.type === "pulumi:providers:aws").map((p) => p.inputs.region),
        ["eu-west-1"],
    );
    const awsResources = run.resources.filter((r) => r.type.startsWith("aws:"));
    assert.ok(awsResources.length > 0);
    assert.deepEqual([...new Set(awsResources.map((r) => r.provider))], ["aws"], "AWS resources use its provider");
    assert.equal(run.resources.filter((r) => r.type === "aws:lambda/function:Function").length, 1);
    for (const side of ["eks", "gke"])
        assert.ok(
            run.resources.some((r) => r.provider === side && r.type === "kubernetes:helm.sh/v3:Release"),
            `Istio installed on ${side}`,
        );

    // The NLB admits the configured CIDRs only.
    const lb = run.objects.find(
        (o) => o.type === "kubernetes:core/v1:Service" && o.inputs.spec?.type === "LoadBalancer",
    );
    assert.deepEqual(lb?.inputs.spec.loadBalancerSourceRanges, RUN_CONFIG["typescript-minimal"]!.consumerEgressCidrs);

    // The stack outputs the example exports.
    const out = run.outputs;
    assert.match(out.eksGatewayHostname, /\.elb\.eu-west-1\.amazonaws\.com$/);
    assert.equal(out.services.length, 1);
    assert.equal(out.services[0].host, "lambda.external");
    assert.deepEqual(out.services[0].allowedSources, [{ namespace: "shop", serviceAccount: "checkout" }]);
    assert.ok(out.services[0].functionName, "a Lambda serves the host");
    assert.match(out.services[0].upstreamHost, /^internal-.*\.elb\.amazonaws\.com$/, "behind an internal ALB");
    assert.match(out.gkeIstioRevision, /^1-\d+$/);
    assert.ok(!Number.isNaN(Date.parse(out.serverCertExpiresAt)) && !Number.isNaN(Date.parse(out.clientCertExpiresAt)));
    assert.equal(out.clientSpiffeId, "spiffe://gke.crossmesh.local/ns/istio-egress/sa/istio-egressgateway");
    assert.ok(out.verificationJob, "verify: the check Job runs in GKE");
});

test("examples/adopt-existing-mesh runs: nothing installed, the upstream exported, the given trust domains", async () => {
    const run = await runs.get("adopt-existing-mesh")!;
    assert.equal(run.error, undefined, run.error);
    assert.deepEqual(run.errors, []);
    assert.deepEqual(run.warnings, []);
    assert.deepEqual(
        run.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release"),
        [],
        "both meshes adopted: no Istio installed",
    );
    assert.deepEqual(
        run.resources.filter((r) => r.type.startsWith("aws:")),
        [],
        "an upstream needs nothing in AWS",
    );
    const out = run.outputs;
    assert.deepEqual(out.services, [
        {
            host: "inventory.external",
            upstreamHost: "inventory.internal.example.org",
            allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }],
        },
    ]);
    // The adopted gateways and the explicit trust domains make the identities.
    assert.equal(out.clientSpiffeId, "spiffe://gke.example.org/ns/istio-egress/sa/istio-egressgateway");
    const allow = run.objects.find(
        (o) =>
            o.type === "kubernetes:security.istio.io/v1:AuthorizationPolicy" &&
            o.inputs.metadata?.namespace === "istio-ingress",
    );
    assert.deepEqual(allow?.inputs.spec.rules[0].from[0].source.principals, [
        "gke.example.org/ns/istio-egress/sa/istio-egressgateway",
    ]);
    assert.deepEqual(allow?.inputs.spec.selector.matchLabels, { app: "istio-ingressgateway", istio: "ingressgateway" });
    const callers = run.objects.find(
        (o) =>
            o.type === "kubernetes:security.istio.io/v1:AuthorizationPolicy" &&
            o.inputs.metadata?.namespace === "istio-egress",
    );
    assert.ok(callers?.inputs.spec.rules[0].from[0].source.principals.includes("gke.example.org/ns/shop/sa/checkout"));
    assert.match(
        out.eksGatewayHostname,
        /\.elb\.eu-west-1\.amazonaws\.com$/,
        "read from the adopted gateway's Service",
    );
    const trustDomains = fs.readFileSync(path.join(EXAMPLES, "adopt-existing-mesh", "index.ts"), "utf8");
    assert.doesNotMatch(trustDomains, /TrustDomain: "cluster\.local"/);
});

// ---------------------------------------------------------------------------------------------------------
// The Python example.

/**
 * A schema name as Pulumi's Python code generator writes it (pkg/codegen/python `PyName`, 3.248): camelCase
 * to snake_case, an acronym kept whole (with digits or a plural "s" following it), a keyword suffixed "_".
 */
function pyName(name: string): string {
    const isUpper = (c: string) => c !== c.toLowerCase() && c === c.toUpperCase();
    const isDigit = (c: string) => c >= "0" && c <= "9";
    let state: "first" | "upper" | "acronym" | "lowerOrNumber" = "first";
    const result: string[] = [];
    let current = "";
    for (let c of name) {
        if (!/[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u.test(c)) c = "_";
        if (state === "first") {
            if (!/[\p{L}\p{Nl}_]/u.test(c)) current += "_";
            state = isUpper(c) ? "upper" : "lowerOrNumber";
            current += c.toLowerCase();
        } else if (state === "upper") {
            state = isUpper(c) ? "acronym" : "lowerOrNumber";
            current += c.toLowerCase();
        } else if (state === "acronym") {
            if (isUpper(c)) current += c.toLowerCase();
            else if (isDigit(c) || c === "s") {
                state = "lowerOrNumber";
                current += c;
            } else {
                result.push(current.slice(0, -1));
                current = current.slice(-1) + c;
                state = "lowerOrNumber";
            }
        } else if (isUpper(c)) {
            result.push(current);
            current = c.toLowerCase();
            state = "upper";
        } else current += c;
    }
    if (current) result.push(current);
    const snake = result.join("_");
    return PYTHON_KEYWORDS.has(snake) ? `${snake}_` : snake;
}
const PYTHON_KEYWORDS = new Set(
    "False None True and as assert async await break class continue def del elif else except exec finally for from global if import in is lambda nonlocal not or pass print raise return try while with yield".split(
        " ",
    ),
);

test("pyName writes names as Pulumi's Python SDKs do", () => {
    for (const [schema, python] of [
        ["eksClusterName", "eks_cluster_name"],
        ["lambda", "lambda_"],
        ["caPem", "ca_pem"],
        ["consumerEgressCidrs", "consumer_egress_cidrs"],
        ["clientSpiffeId", "client_spiffe_id"],
        ["imds", "imds"],
        ["SHA256Hash", "sha256_hash"],
        ["getPublicIPs", "get_public_ips"],
        ["enableHTTPServer", "enable_http_server"],
    ])
        assert.equal(pyName(schema!), python, schema);
});

/** What the Python program passes to crossmesh, read with Python's own parser (ast). */
interface PyValue {
    kind: "dict" | "list" | "call" | "other";
    keys?: Record<string, PyValue>;
    items?: PyValue[];
    name?: string;
    line?: number;
}
interface PyUses {
    imported: boolean;
    calls: { name: string; line: number; kwargs: Record<string, PyValue>; spread: boolean }[];
    attributes: { of: string; attr: string; line: number }[];
    moduleNames: { name: string; line: number }[];
}
const READ_PYTHON = String.raw`
import ast, json, sys


def read(path):
    tree = ast.parse(open(path).read(), path)
    modules, direct = set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.asname or a.name for a in node.names if a.name == "pulumi_crossmesh")
        elif isinstance(node, ast.ImportFrom) and node.module == "pulumi_crossmesh":
            direct.update({a.asname or a.name: a.name for a in node.names})

    def crossmesh_name(func):
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in modules:
            return func.attr
        if isinstance(func, ast.Name) and func.id in direct:
            return direct[func.id]
        return None

    def value(node):
        if isinstance(node, ast.Dict):
            if not all(isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
                return {"kind": "other"}  # a ** spread or computed keys: not checked
            keys = {k.value: value(v) for k, v in zip(node.keys, node.values)}
            return {"kind": "dict", "line": node.lineno, "keys": keys}
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
            if node.args or any(kw.arg is None for kw in node.keywords):
                return {"kind": "other"}
            return {"kind": "dict", "line": node.lineno, "keys": {kw.arg: value(kw.value) for kw in node.keywords}}
        if isinstance(node, (ast.List, ast.Tuple)):
            return {"kind": "list", "items": [value(e) for e in node.elts]}
        if isinstance(node, ast.Call) and crossmesh_name(node.func):
            return {"kind": "call", "name": crossmesh_name(node.func)}  # checked as a call of its own
        return {"kind": "other"}

    calls, targets, attributes, module_names = [], {}, [], []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and crossmesh_name(node.func):
            calls.append({
                "name": crossmesh_name(node.func),
                "line": node.lineno,
                "kwargs": {kw.arg: value(kw.value) for kw in node.keywords if kw.arg is not None},
                "spread": any(kw.arg is None for kw in node.keywords),
            })
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and crossmesh_name(node.value.func):
            targets.update({t.id: crossmesh_name(node.value.func) for t in node.targets if isinstance(t, ast.Name)})
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in targets:
                attributes.append({"of": targets[node.value.id], "attr": node.attr, "line": node.lineno})
            elif node.value.id in modules:
                module_names.append({"name": node.attr, "line": node.lineno})
    module_names += [{"name": name, "line": 0} for name in direct.values()]
    return {"imported": bool(modules or direct), "calls": calls, "attributes": attributes, "moduleNames": module_names}


print(json.dumps([read(path) for path in sys.argv[1:]]))
`;

/** Reads Python programs (one interpreter for all: starting one is the slow part). */
function readPython(...files: string[]): PyUses[] {
    const run = spawnSync("python3", ["-c", READ_PYTHON, ...files], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    return JSON.parse(run.stdout) as PyUses[];
}

/**
 * The package's public API as the checker sees it: exported components and input types, by name. Read through
 * the minimal example's program, which holds components/ already (its "crossmesh").
 */
let api: { checker: ts.TypeChecker; exports: Map<string, ts.Symbol> } | undefined;
function publicApi(): { checker: ts.TypeChecker; exports: Map<string, ts.Symbol> } {
    if (api) return api;
    const { program } = exampleProgram("typescript-minimal");
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(CROSSMESH_ENTRY)!)!;
    const exports = new Map<string, ts.Symbol>();
    for (const s of checker.getExportsOfModule(module))
        exports.set(s.name, s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
    return (api = { checker, exports });
}

interface Field {
    name: string;
    optional: boolean;
    type: ts.Type;
}
type Shape =
    | { kind: "object"; name: string; fields: Map<string, Field> }
    | { kind: "array"; element: ts.Type }
    | { kind: "map" }
    | { kind: "opaque" };

/** What a Python value for this TypeScript type may be: an object with named fields, a list, a free map, anything. */
function shapeOf(checker: ts.TypeChecker, type: ts.Type): Shape {
    // pulumi.Input<T> is T | Promise<T> | OutputInstance<T>: the plain T is what Python writes.
    const wrapper = (t: ts.Type): boolean =>
        ["Promise", "OutputInstance", "Output"].includes(t.getSymbol()?.getName() ?? "") ||
        (t.isIntersection() && t.types.some(wrapper));
    const parts = (type.isUnion() ? type.types : [type]).filter(
        (t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)) && !wrapper(t),
    );
    const array = parts.find((t) => checker.isArrayType(t));
    if (array) return { kind: "array", element: checker.getTypeArguments(array as ts.TypeReference)[0]! };
    const objects = parts.filter((t) => t.flags & ts.TypeFlags.Object);
    if (objects.length !== 1) return { kind: "opaque" };
    const props = checker.getPropertiesOfType(objects[0]!);
    if (props.length === 0)
        return checker.getIndexInfosOfType(objects[0]!).length ? { kind: "map" } : { kind: "opaque" };
    return { kind: "object", name: checker.typeToString(objects[0]!), fields: fieldsOf(checker, objects[0]!) };
}

function fieldsOf(checker: ts.TypeChecker, type: ts.Type): Map<string, Field> {
    return new Map(
        checker
            .getPropertiesOfType(type)
            .map((p) => [
                pyName(p.name),
                { name: p.name, optional: (p.flags & ts.SymbolFlags.Optional) !== 0, type: checker.getTypeOfSymbol(p) },
            ]),
    );
}

/** Every Python name the program uses that the package does not have, with where. */
function unknownPythonNames(uses: PyUses): string[] {
    const { checker, exports } = publicApi();
    const problems: string[] = [];
    const inputTypeOf = (pyClass: string): ts.Type | undefined => {
        // Input types are generated as <Name>Args (classes) and <Name>ArgsDict (TypedDicts).
        const name = pyClass.replace(/Dict$/, "").replace(/Args$/, "");
        const s = exports.get(name);
        return s && s.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)
            ? checker.getDeclaredTypeOfSymbol(s)
            : undefined;
    };
    const componentOf = (name: string) => {
        const s = exports.get(name);
        const decl = s?.declarations?.find(ts.isClassDeclaration);
        const ctor = decl?.members.find(ts.isConstructorDeclaration);
        const args = ctor?.parameters.find((p) => p.name.getText() === "args");
        return s && args?.type
            ? { args: checker.getTypeFromTypeNode(args.type), instance: checker.getDeclaredTypeOfSymbol(s) }
            : undefined;
    };

    const checkFields = (at: string, fields: Map<string, Field>, given: Record<string, PyValue>, line: number) => {
        for (const [key, v] of Object.entries(given)) {
            const field = fields.get(key);
            if (!field) {
                problems.push(
                    `line ${line}: ${at}${key}: no such input (the inputs: ${[...fields.keys()].sort().join(", ")})`,
                );
                continue;
            }
            checkValue(`${at}${key}`, field.type, v, line);
        }
        for (const [key, field] of fields)
            if (!field.optional && !(key in given))
                problems.push(`line ${line}: ${at}${key} is required (${field.name}) and not given`);
    };
    const checkValue = (at: string, type: ts.Type, v: PyValue, line: number) => {
        const shape = shapeOf(checker, type);
        if (v.kind === "list" && shape.kind === "array")
            v.items!.forEach((item, i) => checkValue(`${at}[${i}]`, shape.element, item, line));
        else if (v.kind === "dict" && shape.kind === "object") checkFields(`${at}.`, shape.fields, v.keys!, v.line!);
        else if (v.kind === "list" || (v.kind === "dict" && shape.kind !== "map" && shape.kind !== "opaque"))
            problems.push(`line ${line}: ${at}: a ${v.kind} where the package takes ${checker.typeToString(type)}`);
    };

    for (const call of uses.calls) {
        const component = componentOf(call.name);
        const inputType = component ? component.args : inputTypeOf(call.name);
        if (!inputType) {
            problems.push(`line ${call.line}: crossmesh.${call.name} is neither a component nor an input type`);
            continue;
        }
        const fields = fieldsOf(checker, inputType);
        const given = { ...call.kwargs };
        if (component) delete given["opts"]; // every resource's ResourceOptions
        if (!call.spread) checkFields(`${call.name}(`, fields, given, call.line);
    }
    for (const a of uses.attributes) {
        const component = componentOf(a.of);
        const outputs = component ? checker.getPropertiesOfType(component.instance).map((p) => pyName(p.name)) : [];
        if (!outputs.includes(a.attr))
            problems.push(
                `line ${a.line}: ${a.of}.${a.attr}: no such output (the outputs: ${outputs.sort().join(", ")})`,
            );
    }
    for (const m of uses.moduleNames)
        if (!componentOf(m.name) && !inputTypeOf(m.name) && !exports.has(m.name))
            problems.push(`line ${m.line}: crossmesh.${m.name}: the package has no such name`);
    return problems;
}

test("examples/python compiles", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-pycache-"));
    try {
        const run = spawnSync("python3", ["-m", "py_compile", PYTHON_PROGRAM], {
            encoding: "utf8",
            env: { ...process.env, PYTHONPYCACHEPREFIX: cache },
        });
        assert.equal(run.status, 0, run.stderr);
    } finally {
        fs.rmSync(cache, { recursive: true, force: true });
    }
});

test("examples/python passes crossmesh only inputs the package has, by their Python names", () => {
    const [uses] = readPython(PYTHON_PROGRAM);
    // Not vacuous: the program imports the generated SDK and builds the link with nested inputs.
    assert.ok(uses.imported, "imports pulumi_crossmesh");
    const link = uses.calls.find((c) => c.name === "CrossMeshLink");
    assert.ok(link, "constructs crossmesh.CrossMeshLink");
    assert.equal(link.kwargs["services"]?.kind, "list", "services given as a list literal");
    assert.ok(uses.attributes.length > 0, "reads the link's outputs");
    assert.deepEqual(unknownPythonNames(uses), []);
});

test("the Python check refuses a misspelt, a TypeScript-cased or a missing name", () => {
    // Each edit of the example, and what the check must say about it.
    const edits: [from: string, to: string, refused: RegExp][] = [
        ['"allowed_sources"', '"allowed_source"', /services\[0\]\.allowed_source: no such input/],
        ['"service_account"', '"serviceAccount"', /allowed_sources\[0\]\.serviceAccount: no such input/],
        ['"lambda_"', '"lambda"', /services\[0\]\.lambda: no such input/],
        ["consumer_egress_cidrs=", "consumer_egress_cidr=", /CrossMeshLink\(consumer_egress_cidr: no such input/],
        ["eks_cluster_name=", "# eks_cluster_name=", /CrossMeshLink\(eks_cluster_name is required/],
        ["link.eks_gateway_hostname", "link.eks_gateway_host", /CrossMeshLink\.eks_gateway_host: no such output/],
    ];
    const src = fs.readFileSync(PYTHON_PROGRAM, "utf8");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-py-"));
    try {
        const files = edits.map(([from, to], i) => {
            assert.ok(src.includes(from), `the example contains ${from}`);
            const file = path.join(dir, `edit${i}.py`);
            fs.writeFileSync(file, src.replace(from, to));
            return file;
        });
        readPython(...files).forEach((uses, i) => {
            const [from, to, refused] = edits[i]!;
            assert.match(unknownPythonNames(uses).join("\n"), refused, `${from} → ${to}`);
        });
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
