// Every shipped stack, loaded exactly as `pulumi preview --stack <s>` loads it: @pulumi/pulumi's own
// `cmd/run` entry, started with the working directory, environment and arguments that the Node.js
// language host (pulumi/pulumi sdk/nodejs/cmd/pulumi-language-nodejs, `constructArguments` and
// `execRuntime`) passes for this Pulumi.yaml: `--pwd` = the folder of `main`, the entry point relative to
// it, `PULUMI_NODEJS_TYPESCRIPT=true` from `runtime.options.typescript`, and the stack's config as
// `PULUMI_CONFIG` JSON. ts-node type-checks the program with the tsconfig.json it finds in that working
// directory, as the CLI does. Only the resource monitor differs: the simulator answers instead of the
// engine (test/support/cli-preload.cjs). `npm test` and `npm run plan` load the program with tsx, which
// never type-checks, so only this test sees what a user's first `pulumi up` sees. The type-check runs once, for
// TYPE_CHECKED: every stack runs the same files under the same tsconfig.json (config is read at run time, never
// compiled in), so it has the same result for each; the other stacks load with the language host's
// `PULUMI_NODEJS_TRANSPILE_ONLY=true` (each still compiled by ts-node, without a program of all declarations).
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { parse } from "yaml";
import { REPO_ROOT, listStacks, readStackConfigFile } from "../tools/simulator/stack";

interface Loaded {
    code: number | null;
    output: string;
    registered: { type: string; name: string; custom: boolean }[];
    sdk: string;
}

/** What the language host derives from Pulumi.yaml: program directory, entry point, TypeScript on. */
function programInfo(): { programDirectory: string; entryPoint: string; typescript: boolean; project: string } {
    const project = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8"));
    const main = path.join(REPO_ROOT, project.main ?? ".");
    const isFile = fs.existsSync(main) && fs.statSync(main).isFile();
    return {
        programDirectory: isFile ? path.dirname(main) : main,
        entryPoint: isFile ? path.basename(main) : ".",
        typescript: project.runtime?.options?.typescript !== false,
        project: project.name,
    };
}

/** The stack whose load type-checks the program (see above). */
const TYPE_CHECKED = "dev";

async function loadLikeTheCli(stack: string): Promise<Loaded> {
    const info = programInfo();
    const file = readStackConfigFile(stack);
    const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-cli-")), "record.json");
    // The language host resolves cmd/run from the program directory, as Node resolves a package.
    const runPath = path.dirname(require.resolve("@pulumi/pulumi/cmd/run", { paths: [info.programDirectory] }));
    const args = [
        "-r",
        path.join(__dirname, "support", "cli-preload.cjs"),
        runPath,
        "--monitor",
        "mock",
        "--project",
        info.project,
        "--root-directory",
        REPO_ROOT,
        "--stack",
        stack,
        "--pwd",
        info.programDirectory,
        "--dry-run",
        "--parallel",
        "16",
        info.entryPoint,
    ];
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PULUMI_CONFIG: JSON.stringify(file.config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(file.secretKeys),
        CROSSMESH_CLI_RECORD: record,
    };
    if (info.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (stack !== TYPE_CHECKED) env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    else delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
    // Nothing of this test runner's own loader (tsx) may leak into the program's process.
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const recorded = fs.existsSync(record) ? JSON.parse(fs.readFileSync(record, "utf8")) : { registered: [], sdk: "" };
    return { code, output, ...recorded };
}

const countOf = (loaded: Loaded, type: string) => loaded.registered.filter((r) => r.type === type).length;

// Both stacks load in parallel: each is a separate process, as separate `pulumi preview` runs are.
const stacks = listStacks();
const runs = new Map(stacks.map((s) => [s, loadLikeTheCli(s)]));

test("the shipped stacks: two links (dev, multi), an export and one of its consumers", () => {
    assert.deepEqual(stacks, ["consumer-gke", "dev", "export", "multi"]);
});

/** What each role's program registers: its component, its clusters' providers, the gateway sides it owns. */
const ROLE_REGISTERS: Record<string, Record<string, number>> = {
    link: {
        "crossmesh:index:CrossMeshLink": 1,
        "pulumi:providers:kubernetes": 2,
        "crossmesh:index:ExportGateway": 1,
        "crossmesh:index:ImportGateway": 1,
    },
    export: {
        "crossmesh:index:CrossMeshExport": 1,
        "pulumi:providers:kubernetes": 1,
        "crossmesh:index:ExportGateway": 1,
        "crossmesh:index:ImportGateway": 0,
    },
    consumer: {
        "crossmesh:index:CrossMeshConsumer": 1,
        "pulumi:providers:kubernetes": 1,
        "pulumi:pulumi:StackReference": 1,
        "crossmesh:index:ExportGateway": 0,
        "crossmesh:index:ImportGateway": 1,
    },
};

for (const stack of stacks) {
    const role = readStackConfigFile(stack).config["crossmesh:role"] ?? "link";
    const how = stack === TYPE_CHECKED ? "type-checks and compiles" : "compiles";
    test(`stack ${stack}: ${how} under the CLI's loader and registers its ${role}`, async () => {
        const loaded = await runs.get(stack)!;
        assert.doesNotMatch(loaded.output, /TSError|Unable to compile TypeScript/, loaded.output);
        assert.doesNotMatch(loaded.output, /^error:/m, loaded.output);
        assert.equal(loaded.code, 0, loaded.output);
        // Exactly one copy of the SDK: the one the program and cmd/run share.
        assert.equal(loaded.sdk, require.resolve("@pulumi/pulumi", { paths: [REPO_ROOT] }));
        assert.equal(countOf(loaded, "pulumi:pulumi:Stack"), 1);
        for (const [type, count] of Object.entries(ROLE_REGISTERS[role]))
            assert.equal(countOf(loaded, type), count, type);
    });
}

test("stack dev: installs Istio on both clusters and creates the seed's Lambda, test client and check", async () => {
    const loaded = await runs.get("dev")!;
    assert.equal(loaded.code, 0, loaded.output);
    assert.equal(countOf(loaded, "kubernetes:helm.sh/v3:Release"), 6, "base, istiod and a gateway per cluster");
    assert.equal(countOf(loaded, "aws:lambda/function:Function"), 1);
    assert.equal(countOf(loaded, "aws:lb/loadBalancer:LoadBalancer"), 1);
    assert.equal(countOf(loaded, "kubernetes:batch/v1:Job"), 1, "the verification Job");
    assert.equal(countOf(loaded, "kubernetes:apps/v1:Deployment"), 1, "the test client");
});

test("stack multi: adopts both meshes (no Helm release) and creates two Lambdas behind one ALB", async () => {
    const loaded = await runs.get("multi")!;
    assert.equal(loaded.code, 0, loaded.output);
    assert.equal(countOf(loaded, "kubernetes:helm.sh/v3:Release"), 0);
    assert.equal(countOf(loaded, "aws:lambda/function:Function"), 2);
    assert.equal(countOf(loaded, "aws:lb/loadBalancer:LoadBalancer"), 1);
});
