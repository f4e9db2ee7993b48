// crossmesh from Python, for real: a Python program declares a CrossMeshConsumer through the SDK that
// `pulumi package gen-sdk --language python` generates from the schema crossmesh serves, and the real Pulumi CLI
// runs it with the Python language host against the local "gke" cluster. Its grant comes from another stack, a
// TypeScript CrossMeshExport on the local "eks" cluster, through `pulumi.StackReference(...).require_output("grants")`:
// the grant crosses languages and stacks as a secret.
//
// Steps, each with its expectation:
//   gen-sdk      the crossmesh SDK generates from a checkout (the CLI installs the source plugin: npm install, its
//                `prepare` build, then GetSchema), and the kubernetes SDK from the kubernetes schema; both pip-install
//                into a virtualenv, and CrossMeshConsumer takes grant, services, trust_domain, existing_gateway
//   exporter up  the TypeScript export goes up on "eks" and publishes grants["gke"] (a secret output)
//   consumer up  the Python program goes up on "gke": the imported hosts' ServiceEntries, the link Secret (client
//                certificate of the grant's SPIFFE identity), the egress Gateway and the AuthorizationPolicy exist;
//                the outputs name the grant's consumer, hosts and identity
//   preview      a second preview of the Python program has nothing to do
//   state        no private key in plain text in either stack
//   destroy      both stacks destroyed (consumer first); nothing of theirs left on either cluster, empty states
//
//   node --import tsx --test --test-reporter=spec test/engine/python-consumer.test.ts     (npm run test:engine)
// Skipped, with the reason, when a binary, the Pulumi Python SDK, the kubernetes schema or one of Debian's Python
// packages is missing: test/real/build.sh, then test/engine/python/setup.sh (test/engine/README.md). Generated SDKs,
// the virtualenv, the checkout and both stacks' state live in a temporary directory of each run.
// PYTHON_CONSUMER_PLUGIN=<dir> uses that checkout (with its node_modules) as the plugin instead of a fresh one.
// PYTHON_CONSUMER_CLUSTERS="[other …] EXPORTER CONSUMER" runs on extra clusters of clusters-up.sh instead of "eks"
// and "gke" (the last two names; give first the extra names another run started, as their ports follow the order),
// e.g. beside a run of consumers.test.ts: "aks onprem pyeks pygke". Clusters named there are left running.
// A summary of every step lands in $REAL_HOME/work/python-consumer-report.json.
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { checkout } from "../fixtures/consumer/checkout";
import {
    BIN,
    CROSSMESH_KINDS,
    ENGINE_BINARIES,
    REAL_HOME,
    ROOT,
    TOOLS,
    clustersRunning,
    sh,
    skipReason,
    stepsOf,
    tool,
} from "./harness";

const PY = path.join(__dirname, "python");
const PULUMI_VERSION = "3.248.0";
const PYTHON_HOME = path.join(REAL_HOME, "python");
const PYTHON_SDK = path.join(PYTHON_HOME, `pulumi-sdk-${PULUMI_VERSION}`);
const KUBERNETES_SCHEMA = path.join(PYTHON_HOME, "kubernetes-schema.json");
/** Debian's Python: its packages (python3-grpcio, …) are where the SDK finds its dependencies. */
const PYTHON = "/usr/bin/python3";
/** What the Pulumi Python SDK and the generated SDKs import, as Debian's packages provide them. */
const PYTHON_MODULES = ["grpc", "google.protobuf", "dill", "semver", "yaml", "packaging", "pip", "venv", "wheel"];
/** The exporter's stack, as a StackReference names it on a file backend. */
const EXPORTER_STACK = "organization/crossmesh-python-exporter/local";

function pythonSkipReason(): string | undefined {
    const missing = skipReason([...ENGINE_BINARIES, "pulumi-language-python", "pulumi-language-python-exec"]);
    if (missing) return `${missing}; then test/engine/python/setup.sh`;
    if (!fs.existsSync(path.join(PYTHON_SDK, "pulumi", "_version.py")))
        return `no Pulumi Python SDK at ${PYTHON_SDK} (test/engine/python/setup.sh)`;
    if (!fs.existsSync(KUBERNETES_SCHEMA))
        return `no kubernetes schema at ${KUBERNETES_SCHEMA} (test/engine/python/setup.sh)`;
    if (!fs.existsSync(PYTHON)) return `no ${PYTHON} (Debian's python3; test/engine/python/setup.sh installs it)`;
    const probe = spawnSync(PYTHON, ["-c", `import ${PYTHON_MODULES.join(", ")}`], { encoding: "utf8" });
    if (probe.status !== 0)
        return `${PYTHON} lacks a module (${probe.stderr.trim().split("\n").pop()}): test/engine/python/setup.sh installs Debian's`;
    return undefined;
}
const SKIP = pythonSkipReason();
if (SKIP) console.log(`# python-consumer test skipped: ${SKIP}`);
const opts = { skip: SKIP };

/** One row of the closing table. */
interface Step {
    step: string;
    ok: boolean;
    seconds: number;
    detail?: string;
}
const steps: Step[] = [];
async function step(name: string, body: () => string | void | Promise<string | void>) {
    const t0 = Date.now();
    let detail: string | void;
    let error: unknown;
    try {
        detail = await body();
    } catch (e) {
        error = e;
        detail = String(e instanceof Error ? e.message : e).slice(0, 2000);
    }
    const row: Step = { step: name, ok: !error, seconds: Math.round((Date.now() - t0) / 100) / 10 };
    if (detail) row.detail = detail;
    steps.push(row);
    console.log(`# ${row.ok ? "ok  " : "FAIL"} ${name} (${row.seconds}s)${row.ok && detail ? `: ${detail}` : ""}`);
    if (error) throw error;
}

let scratch: string;
let env: NodeJS.ProcessEnv;
let eks: string;
let gke: string;
let startedClusters = false;
/** The crossmesh checkout the CLI starts as a source component plugin. */
let plugin: string;
/** Whether this run made that checkout (a copy of node_modules: removed at the end). */
let madeCheckout = false;
const exporterDir = () => path.join(scratch, "test", "engine", "python", "exporter");
const consumerDir = () => path.join(scratch, "consumer");
const venv = () => path.join(scratch, "venv");
/** Whether the gen-sdk test got as far as an installed SDK: the Python steps need it. */
let generated = false;
const stacks: Record<"exporter" | "consumer", { up: boolean; destroyed: boolean }> = {
    exporter: { up: false, destroyed: false },
    consumer: { up: false, destroyed: false },
};

function pulumi(cwd: string, ...args: string[]) {
    return sh(path.join(BIN, "pulumi"), [...args, "--non-interactive"], { cwd, env });
}
function kubectl(kubeconfig: string, ...args: string[]) {
    return sh(path.join(BIN, "kubectl"), ["--kubeconfig", kubeconfig, ...args], { cwd: scratch, env, allowFail: true });
}
/** The objects a link made on a cluster (crossmesh's label, the link's label), as kind/name. */
function linkObjects(kubeconfig: string, link: string): string[] {
    return kubectl(
        kubeconfig,
        "get",
        CROSSMESH_KINDS,
        "-A",
        "-l",
        `app.kubernetes.io/managed-by=crossmesh,crossmesh.io/link=${link}`,
        "-o",
        "name",
    )
        .stdout.split("\n")
        .filter(Boolean);
}

/** A version of a package in node_modules: the plugins register under the versions its SDKs ask for. */
function npmVersion(pkg: string): string {
    return (
        JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")) as { version: string }
    ).version;
}

/**
 * The plugins the CLI installs before it starts crossmesh as a source plugin (its package.json dependencies), from
 * the built binaries; it cannot download them. There is no AWS provider here: `aws` is a stand-in that says so if
 * ever started (crossmesh's schema refers to no AWS type, and the consumer creates no AWS resource).
 */
function registerPlugins() {
    const standIn = path.join(PYTHON_HOME, "pulumi-resource-aws-stand-in");
    fs.writeFileSync(
        standIn,
        '#!/bin/sh\necho "pulumi-resource-aws stand-in (test/engine/python-consumer.test.ts): no AWS provider here" >&2\nexit 1\n',
        { mode: 0o755 },
    );
    const plugins: [string, string, string][] = [
        ["kubernetes", npmVersion("@pulumi/kubernetes"), path.join(BIN, "pulumi-resource-kubernetes")],
        ["tls", npmVersion("@pulumi/tls"), path.join(BIN, "pulumi-resource-tls")],
        ["aws", npmVersion("@pulumi/aws"), standIn],
    ];
    for (const [name, version, file] of plugins) {
        if (fs.existsSync(path.join(env.PULUMI_HOME!, "plugins", `resource-${name}-v${version}`))) continue;
        pulumi(scratch, "plugin", "install", "resource", name, version, "--file", file);
    }
    return plugins.map(([name, version]) => `${name} ${version}`).join(", ");
}

/** The clusters of PYTHON_CONSUMER_CLUSTERS (see the header), if given. */
const CLUSTERS = (process.env.PYTHON_CONSUMER_CLUSTERS ?? "").split(/[\s,]+/).filter(Boolean);

before(() => {
    if (SKIP) return;
    const [exporterCluster, consumerCluster] = CLUSTERS.length >= 2 ? CLUSTERS.slice(-2) : ["eks", "gke"];
    startedClusters = !clustersRunning(consumerCluster) && CLUSTERS.length === 0;
    const kube = tool(
        "clusters-up.sh",
        CLUSTERS.filter((n) => n !== "eks" && n !== "gke"),
    );
    eks = kube[`${exporterCluster!.toUpperCase()}_KUBECONFIG`]!;
    gke = kube[`${consumerCluster!.toUpperCase()}_KUBECONFIG`]!;
    console.log(`# exporter on ${exporterCluster} (${eks}), consumer on ${consumerCluster} (${gke})`);
    tool("seed-adopted.sh", [eks, "ingress"]);
    tool("seed-adopted.sh", [gke, "egress"]);

    // The scratch mirrors the repository's layout, so the exporter's import of ../../../../components resolves.
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-python-"));
    fs.mkdirSync(exporterDir(), { recursive: true });
    for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"])
        fs.copyFileSync(path.join(PY, "exporter", f), path.join(exporterDir(), f));
    for (const link of ["components", "node_modules"]) fs.symlinkSync(path.join(ROOT, link), path.join(scratch, link));
    fs.mkdirSync(path.join(scratch, "state"));
    const { TRACEPARENT: _traceparent, ...inherited } = process.env; // the SDK's tracing is a stand-in here
    void _traceparent;
    env = {
        ...inherited,
        PATH: `${BIN}:${process.env.PATH}`,
        PULUMI_HOME: path.join(REAL_HOME, "pulumi-home-python"),
        PULUMI_CONFIG_PASSPHRASE: "local",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_BACKEND_URL: `file://${path.join(scratch, "state")}`,
        // compat/ is imported from the repository: no __pycache__ written there.
        PYTHONDONTWRITEBYTECODE: "1",
        EKS_KUBECONFIG: eks,
        GKE_KUBECONFIG: gke,
    };
    console.log(`# scratch ${scratch}; plugins registered in ${env.PULUMI_HOME}: ${registerPlugins()}`);

    // Objects a crashed earlier run left behind would make the first `up` fail with "already exists".
    for (const [kc, link] of [
        [eks, "payroll"],
        [gke, "gke"],
    ] as const)
        if (linkObjects(kc, link).length)
            kubectl(
                kc,
                "delete",
                CROSSMESH_KINDS,
                "-A",
                "-l",
                `app.kubernetes.io/managed-by=crossmesh,crossmesh.io/link=${link}`,
                "--wait=true",
            );
});

after(() => {
    if (SKIP || !scratch) return;
    for (const [name, dir] of [
        ["consumer", consumerDir()],
        ["exporter", exporterDir()],
    ] as const) {
        if (!stacks[name].up || stacks[name].destroyed) continue;
        try {
            pulumi(dir, "destroy", "--yes", "--skip-preview");
        } catch (e) {
            console.log(`# cleanup: destroy of the ${name} stack failed: ${String(e).slice(0, 500)}`);
        }
    }
    if (madeCheckout) fs.rmSync(plugin, { recursive: true, force: true });
    const out = path.join(REAL_HOME, "work", "python-consumer-report.json");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ steps }, null, 2));
    console.log(`# step results: ${out}`);
    for (const r of steps)
        console.log(
            `#   ${r.ok ? "✓" : "✗"} ${r.step.padEnd(40)} ${String(r.seconds).padStart(6)} s  ${r.detail ?? ""}`,
        );
    if (startedClusters) sh(path.join(TOOLS, "clusters-down.sh"), [], { cwd: ROOT, allowFail: true });
});

test("gen-sdk: the Python SDKs generate from the served schemas and install", opts, async () => {
    await step("checkout", () => {
        if (process.env.PYTHON_CONSUMER_PLUGIN) {
            plugin = path.resolve(process.env.PYTHON_CONSUMER_PLUGIN);
            return `given: ${plugin}`;
        }
        plugin = checkout("crossmesh-python-plugin");
        madeCheckout = true;
        // npm cannot install into a symlinked node_modules (it replaces the link with a fresh install from the
        // registry, minutes): a copy of the repository's, which `npm install` then finds up to date.
        fs.unlinkSync(path.join(plugin, "node_modules"));
        fs.cpSync(path.join(ROOT, "node_modules"), path.join(plugin, "node_modules"), {
            recursive: true,
            verbatimSymlinks: true,
        });
        return plugin;
    });
    const sdks = path.join(scratch, "sdks");
    await step("gen-sdk crossmesh --language python", () => {
        // From outside any Pulumi project (the checkout's root holds two project files, which the CLI refuses).
        const r = pulumi(
            scratch,
            "package",
            "gen-sdk",
            plugin,
            "--language",
            "python",
            "--out",
            path.join(sdks, "crossmesh"),
        );
        assert.match(r.stdout + r.stderr, /SDK has been written/);
        return path.join(sdks, "crossmesh", "python");
    });
    await step("gen-sdk kubernetes --language python", () => {
        pulumi(
            scratch,
            "package",
            "gen-sdk",
            KUBERNETES_SCHEMA,
            "--language",
            "python",
            "--out",
            path.join(sdks, "kubernetes"),
        );
        return path.join(sdks, "kubernetes", "python");
    });
    const python = path.join(venv(), "bin", "python");
    await step("virtualenv", () => {
        sh(PYTHON, ["-m", "venv", "--system-site-packages", venv()], { cwd: scratch, env });
        const site = sh(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], {
            cwd: scratch,
            env,
        }).stdout.trim();
        // The Pulumi SDK of the CLI's version, and the stand-ins for what Debian lacks (compat/), on sys.path.
        fs.writeFileSync(
            path.join(site, "crossmesh_python_consumer.pth"),
            [path.join(PY, "compat"), PYTHON_SDK, "import pulumi_debian_compat", ""].join("\n"),
        );
        for (const sdk of ["kubernetes", "crossmesh"])
            sh(
                python,
                [
                    "-m",
                    "pip",
                    "install",
                    "--no-deps",
                    "--no-build-isolation",
                    "--no-index",
                    "--quiet",
                    path.join(sdks, sdk, "python"),
                ],
                {
                    cwd: scratch,
                    env,
                },
            );
        const versions = sh(
            python,
            [
                "-c",
                "import grpc, google.protobuf, dill, semver, yaml, pulumi, pulumi_kubernetes, pulumi_crossmesh as c; " +
                    "print(f'pulumi {pulumi._version._VERSION}, grpcio {grpc.__version__}, protobuf {google.protobuf.__version__}, " +
                    "dill {dill.__version__}, semver {semver.__version__}, pyyaml {yaml.__version__}, " +
                    "pulumi_crossmesh {c._utilities.get_version()}, pulumi_kubernetes {pulumi_kubernetes._utilities.get_version()}')",
            ],
            { cwd: scratch, env },
        ).stdout.trim();
        return versions;
    });
    await step("the generated CrossMeshConsumer", () => {
        const r = sh(
            python,
            [
                "-c",
                "import inspect, json, pulumi_crossmesh as c\n" +
                    "print(json.dumps({'consumer': list(inspect.signature(c.CrossMeshConsumerArgs.__init__).parameters)[1:], " +
                    "'export': list(inspect.signature(c.CrossMeshExportArgs.__init__).parameters)[1:], " +
                    "'grant': list(inspect.signature(c.ConsumerGrantArgs.__init__).parameters)[1:]}))",
            ],
            { cwd: scratch, env },
        );
        const names = JSON.parse(r.stdout) as Record<string, string[]>;
        for (const p of ["grant", "services", "trust_domain", "existing_gateway"])
            assert.ok(names.consumer!.includes(p), p);
        for (const p of ["gateway_hostname", "gateway_port", "client_bundle", "spiffe_id"])
            assert.ok(names.grant!.includes(p), p);
        generated = true;
        return `CrossMeshConsumerArgs(${names.consumer!.join(", ")}); ConsumerGrantArgs(${names.grant!.join(", ")})`;
    });
});

test('exporter up: the TypeScript export on eks publishes grants["gke"] as a secret', opts, async () => {
    await step("exporter: up", () => {
        pulumi(exporterDir(), "stack", "init", "local");
        stacks.exporter.up = true;
        const up = pulumi(exporterDir(), "up", "--yes", "--skip-preview", "--json").stdout;
        const created = stepsOf(up).filter((s) => s.op === "create").length;
        const outputs = JSON.parse(pulumi(exporterDir(), "stack", "output", "--json").stdout) as Record<
            string,
            unknown
        >;
        assert.equal(outputs.grants, "[secret]", "grants is a secret output");
        return `${created} resources created; gateway ${String(outputs.gatewayHostname)}`;
    });
});

test("consumer up: the Python program declares CrossMeshConsumer on gke", opts, async () => {
    await step("consumer: up", () => {
        assert.ok(generated, "no generated SDK to run the Python program with (see the gen-sdk test)");
        fs.mkdirSync(consumerDir(), { recursive: true });
        fs.copyFileSync(path.join(PY, "consumer", "__main__.py"), path.join(consumerDir(), "__main__.py"));
        const project = parseYaml(fs.readFileSync(path.join(PY, "consumer", "Pulumi.yaml"), "utf8")) as {
            runtime: { options: Record<string, string> };
            packages?: Record<string, string>;
        };
        project.runtime.options.virtualenv = venv();
        // What `pulumi package add <checkout>` writes: the plugin the engine starts for crossmesh's resources.
        project.packages = { crossmesh: plugin };
        fs.writeFileSync(path.join(consumerDir(), "Pulumi.yaml"), stringifyYaml(project));
        pulumi(consumerDir(), "stack", "init", "local");
        stacks.consumer.up = true;
        pulumi(consumerDir(), "config", "set", "exporterStack", EXPORTER_STACK);
        const up = pulumi(consumerDir(), "up", "--yes", "--skip-preview", "--json").stdout;
        const created = stepsOf(up).filter((s) => s.op === "create");
        assert.ok(
            created.some((s) => s.urn.endsWith("crossmesh:index:CrossMeshConsumer::gke")),
            "the component itself is created by the engine",
        );
        return `${created.length} resources created`;
    });
    await step("consumer: objects on gke", () => {
        const objects = linkObjects(gke, "gke");
        const has = (kind: RegExp, what: string) =>
            assert.ok(
                objects.some((o) => kind.test(o)),
                `${what} on gke (found: ${objects.join(", ")})`,
            );
        for (const host of ["payroll-1-external", "payroll-2-external"])
            has(new RegExp(`^serviceentry\\.networking\\.istio\\.io/.*${host}`), `the ServiceEntry of ${host}`);
        has(/^gateway\.networking\.istio\.io\//, "the egress Gateway");
        has(/^authorizationpolicy\.security\.istio\.io\//, "the AuthorizationPolicy");
        has(/^secret\/gke-link-[0-9a-f]{10}$/, "the link Secret");
        // The Secret holds the grant's client certificate: the identity the export issued to "gke".
        const secret = objects.find((o) => /^secret\/gke-link-/.test(o))!.split("/")[1]!;
        const crt = kubectl(
            gke,
            "-n",
            "istio-egress",
            "get",
            "secret",
            secret,
            "-o",
            "jsonpath={.data.tls\\.crt}",
        ).stdout;
        const cert = new crypto.X509Certificate(Buffer.from(crt, "base64"));
        assert.match(
            cert.subjectAltName ?? "",
            /URI:spiffe:\/\/gke\.payroll\.example\.org\/ns\/istio-egress\/sa\/istio-egressgateway/,
        );
        return `${objects.length} objects: ${objects.join(", ")}`;
    });
    await step("consumer: outputs", () => {
        const out = JSON.parse(pulumi(consumerDir(), "stack", "output", "--json").stdout) as Record<string, unknown>;
        assert.equal(out.consumer, "gke");
        assert.deepEqual(out.importedHosts, ["payroll-1.external", "payroll-2.external"]);
        assert.equal(out.spiffeId, "spiffe://gke.payroll.example.org/ns/istio-egress/sa/istio-egressgateway");
        assert.match(String(out.remoteGatewayHostname), /\.elb\.eu-west-1\.amazonaws\.com$/);
        assert.match(String(out.clientCertExpiresAt), /^\d{4}-\d\d-\d\dT/);
        return `consumer ${String(out.consumer)}, ${String(out.spiffeId)}, revision ${String(out.istioRevision)}`;
    });
});

test("a second preview of the Python program has nothing to do", opts, async () => {
    await step("consumer: preview --expect-no-changes", () => {
        assert.ok(stacks.consumer.up, "the consumer's stack did not go up");
        pulumi(consumerDir(), "preview", "--expect-no-changes");
    });
});

test("no private key in plain text in either stack's state", opts, async () => {
    await step("state", () => {
        const sizes: string[] = [];
        assert.ok(stacks.exporter.up && stacks.consumer.up, "both stacks went up");
        for (const dir of [exporterDir(), consumerDir()]) {
            const state = pulumi(dir, "stack", "export").stdout;
            const plain = state.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----/g) ?? [];
            assert.equal(plain.length, 0, `private keys appear only encrypted (${path.basename(dir)})`);
            sizes.push(`${path.basename(dir)} ${state.length} bytes`);
        }
        return sizes.join(", ");
    });
});

test("destroy: consumer, then exporter; nothing of theirs left", opts, async () => {
    await step("destroy", () => {
        for (const [name, dir] of [
            ["consumer", consumerDir()],
            ["exporter", exporterDir()],
        ] as const) {
            if (!stacks[name].up) continue;
            pulumi(dir, "destroy", "--yes", "--skip-preview");
            stacks[name].destroyed = true;
            const state = JSON.parse(pulumi(dir, "stack", "export").stdout) as {
                deployment: { resources?: unknown[] };
            };
            assert.deepEqual(state.deployment.resources ?? [], [], `${name}: empty state`);
        }
        assert.deepEqual(linkObjects(gke, "gke"), [], "nothing of the consumer left on gke");
        assert.deepEqual(linkObjects(eks, "payroll"), [], "nothing of the export left on eks");
    });
});
