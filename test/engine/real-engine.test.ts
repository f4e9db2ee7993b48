// crossmesh under a REAL Pulumi engine (CLI, Node.js language host, kubernetes and tls providers built
// or linked by test/real/build.sh) against two local control planes (test/real/clusters-up.sh) standing for EKS
// and GKE, with adopted meshes. What the mocks cannot show: the provider's own create/update/replace
// decisions with unknown values in a real preview, server-side apply, secrets in the state file.
//
// Steps, each with its expectation: up; a second preview has nothing to do; refresh, then no drift;
// certificate renewal (`up --replace` on both leaf certificates), CA rotation, adding a service, changing
// who may call and removing a service replace no Kubernetes object and never delete a link Secret (a `kubectl get secrets -w` runs on both
// clusters throughout); a second link on the same clusters goes up cleanly; no private key in plain
// text in the state; destroy leaves nothing.
//
//   node --import tsx --test --test-reporter=spec test/engine/real-engine.test.ts     (npm run test:engine)
// Skipped, with the reason, when the binaries are missing. Not part of `npm test`: it needs ~5 minutes
// and binaries CI cannot build. A summary of every step lands in $REAL_HOME/work/engine-report.json.
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");
const TOOLS = path.join(ROOT, "test", "real");
const REAL_HOME = process.env.REAL_HOME ?? path.join(os.homedir(), ".cache", "crossmesh-real-validators");
const BIN = path.join(REAL_HOME, "bin");
const NEEDED = [
    "pulumi",
    "pulumi-language-nodejs",
    "pulumi-resource-kubernetes",
    "pulumi-resource-tls",
    "kubectl",
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
];

function skipReason(): string | undefined {
    if (!fs.existsSync(TOOLS)) return `no ${TOOLS} (the real-engine tools)`;
    const missing = NEEDED.filter((b) => !fs.existsSync(path.join(BIN, b)));
    if (missing.length)
        return `missing in ${BIN}: ${missing.join(", ")} (build them with test/real/build.sh; see its header)`;
    return undefined;
}
const SKIP = skipReason();
if (SKIP) console.log(`# real-engine test skipped: ${SKIP}`);

/** One row of the closing table. */
interface StepResult {
    step: string;
    ok: boolean;
    seconds: number;
    /** Kubernetes objects the engine planned or performed a replacement of. */
    replacedKubernetesObjects?: string[];
    /** DELETED watch events on link Secrets while the step ran. */
    deletedLinkSecrets?: string[];
    detail?: string;
}
const results: StepResult[] = [];

let work = "";
let env: NodeJS.ProcessEnv = {};
let startedClusters = false;
const watchers: { cluster: string; proc: ChildProcess; events: { at: number; line: string }[] }[] = [];

function sh(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; allowFail?: boolean } = {}) {
    const r = spawnSync(cmd, args, {
        cwd: opts.cwd ?? work,
        env: opts.env ?? env,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0 && !opts.allowFail) {
        throw new Error(
            `${path.basename(cmd)} ${args.join(" ")} exited ${r.status}:\n${(r.stdout ?? "").slice(-4000)}\n${(r.stderr ?? "").slice(-4000)}`,
        );
    }
    return r;
}
const pulumi = (...args: string[]) => sh(path.join(BIN, "pulumi"), [...args, "--non-interactive"]);
const kubectl = (kubeconfig: string, ...args: string[]) =>
    sh(path.join(BIN, "kubectl"), ["--kubeconfig", kubeconfig, ...args], { allowFail: true });

/**
 * The steps of a `--json` preview (one document with `steps`) or update (one engine event per line; each
 * step is a `resourcePreEvent` with its operation and URN).
 */
function stepsOf(stdout: string): { op: string; urn: string }[] {
    const text = stdout.trim();
    if (!text.startsWith("{")) return [];
    if (!text.includes("\n{")) return (JSON.parse(text) as { steps?: { op: string; urn: string }[] }).steps ?? [];
    return text
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { resourcePreEvent?: { metadata: { op: string; urn: string } } })
        .flatMap((e) =>
            e.resourcePreEvent ? [{ op: e.resourcePreEvent.metadata.op, urn: e.resourcePreEvent.metadata.urn }] : [],
        );
}
const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced"]);
/** Kubernetes objects (not the provider) the steps replace. */
function replacedObjects(steps: { op: string; urn: string }[]): string[] {
    const urns = steps
        .filter((s) => REPLACE_OPS.has(s.op) && /::kubernetes:/.test(s.urn) && !/::pulumi:providers:/.test(s.urn))
        .map((s) => s.urn.split("::").pop()!);
    return [...new Set(urns)];
}

/** Runs one step, timing it and collecting DELETED events on link Secrets seen meanwhile. */
async function step(name: string, body: () => Partial<StepResult> | void): Promise<StepResult> {
    const t0 = Date.now();
    let ok = false;
    let extra: Partial<StepResult> = {};
    let error: unknown;
    try {
        extra = body() ?? {};
        ok = true;
    } catch (e) {
        error = e;
    }
    await new Promise((r) => setTimeout(r, 1500)); // let the watches print what the step did
    const deleted = watchers.flatMap((w) =>
        w.events
            .filter((e) => e.at >= t0 && /^DELETED\s/.test(e.line) && /-link\s/.test(e.line))
            .map((e) => `${w.cluster}: ${e.line.trim()}`),
    );
    const result: StepResult = {
        step: name,
        ok,
        seconds: Math.round((Date.now() - t0) / 100) / 10,
        ...extra,
        deletedLinkSecrets: deleted,
    };
    if (error) result.detail = String(error instanceof Error ? error.message : error).slice(0, 2000);
    results.push(result);
    console.log(
        `# ${ok ? "ok  " : "FAIL"} ${name} (${result.seconds}s)${result.replacedKubernetesObjects ? ` replaced k8s objects: ${result.replacedKubernetesObjects.length}` : ""} deleted link Secrets: ${deleted.length}`,
    );
    if (error) throw error;
    return result;
}

/** A preview of `args` as JSON, then the update itself; both must replace no Kubernetes object. */
function previewThenUp(args: string[]): Partial<StepResult> {
    const planned = replacedObjects(stepsOf(pulumi("preview", "--json", ...args).stdout));
    const up = pulumi("up", "--yes", "--skip-preview", "--json", ...args);
    const performed = replacedObjects(stepsOf(up.stdout));
    return { replacedKubernetesObjects: [...new Set([...planned, ...performed])] };
}

function urnsOf(type: string, name: RegExp): string[] {
    const state = JSON.parse(pulumi("stack", "export").stdout) as {
        deployment: { resources?: { urn: string; type: string }[] };
    };
    return (state.deployment.resources ?? [])
        .filter((r) => r.type === type && name.test(r.urn.split("::").pop()!))
        .map((r) => r.urn);
}

const CROSSMESH_KINDS =
    "secrets,serviceaccounts,namespaces,gateways.networking.istio.io,virtualservices.networking.istio.io,destinationrules.networking.istio.io,serviceentries.networking.istio.io,authorizationpolicies.security.istio.io,peerauthentications.security.istio.io,sidecars.networking.istio.io";

function leftovers(kubeconfig: string): string[] {
    const r = kubectl(
        kubeconfig,
        "get",
        CROSSMESH_KINDS,
        "-A",
        "-l",
        "app.kubernetes.io/managed-by=crossmesh",
        "-o",
        "name",
    );
    return r.stdout.split("\n").filter(Boolean);
}

before(() => {
    if (SKIP) return;
    const kcmPid = path.join(REAL_HOME, "run-eks", "kcm.pid");
    const alive =
        fs.existsSync(kcmPid) && spawnSync("kill", ["-0", fs.readFileSync(kcmPid, "utf8").trim()]).status === 0;
    startedClusters = !alive;
    const up = sh(path.join(TOOLS, "clusters-up.sh"), [], { cwd: ROOT, env: process.env });
    const kube = Object.fromEntries(
        up.stdout
            .trim()
            .split("\n")
            .slice(-2)
            .map((l) => l.split("=", 2) as [string, string]),
    );
    // Two Ready-looking gateway pods and a PDB per gateway: what `crossmesh status` reads of a gateway.
    const seedEnv = { ...process.env, GATEWAY_PODS: "2" };
    sh(path.join(TOOLS, "seed-adopted.sh"), [kube.EKS_KUBECONFIG, "ingress"], { cwd: ROOT, env: seedEnv });
    sh(path.join(TOOLS, "seed-adopted.sh"), [kube.GKE_KUBECONFIG, "egress"], { cwd: ROOT, env: seedEnv });

    // The program as a user's project: its own Pulumi.yaml and strict tsconfig, crossmesh's sources and
    // node_modules beside it (symlinks), a fresh local state.
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-engine-"));
    const program = path.join(scratch, "test", "engine", "program");
    fs.mkdirSync(program, { recursive: true });
    for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"])
        fs.copyFileSync(path.join(__dirname, "program", f), path.join(program, f));
    for (const link of ["components", "node_modules"]) fs.symlinkSync(path.join(ROOT, link), path.join(scratch, link));
    fs.mkdirSync(path.join(scratch, "state"));
    work = program;
    env = {
        ...process.env,
        PATH: `${BIN}:${process.env.PATH}`,
        PULUMI_HOME: path.join(REAL_HOME, "pulumi-home"),
        PULUMI_CONFIG_PASSPHRASE: "local",
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_BACKEND_URL: `file://${path.join(scratch, "state")}`,
        EKS_KUBECONFIG: kube.EKS_KUBECONFIG,
        GKE_KUBECONFIG: kube.GKE_KUBECONFIG,
    };
    // Objects a crashed earlier run left behind would make the first `up` fail with "already exists".
    for (const kc of [kube.EKS_KUBECONFIG, kube.GKE_KUBECONFIG]) {
        const stale = leftovers(kc);
        if (stale.length)
            kubectl(kc, "delete", CROSSMESH_KINDS, "-A", "-l", "app.kubernetes.io/managed-by=crossmesh", "--wait=true");
    }
    for (const [cluster, kc] of [
        ["eks", kube.EKS_KUBECONFIG],
        ["gke", kube.GKE_KUBECONFIG],
    ] as const) {
        const proc = spawn(
            path.join(BIN, "kubectl"),
            ["--kubeconfig", kc, "get", "secrets", "-A", "-w", "--output-watch-events", "--no-headers"],
            { stdio: ["ignore", "pipe", "ignore"] },
        );
        const w = { cluster, proc, events: [] as { at: number; line: string }[] };
        let buf = "";
        proc.stdout!.on("data", (d: Buffer) => {
            buf += d.toString();
            const lines = buf.split("\n");
            buf = lines.pop()!;
            for (const line of lines) w.events.push({ at: Date.now(), line });
        });
        watchers.push(w);
    }
    pulumi("stack", "init", "local");
    pulumi("config", "set", "services", "2");
});

after(() => {
    if (SKIP) return;
    for (const w of watchers) w.proc.kill();
    if (work && !results.some((r) => r.step === "destroy")) {
        try {
            pulumi("destroy", "--yes", "--skip-preview");
        } catch (e) {
            console.log(`# cleanup destroy failed: ${String(e).slice(0, 500)}`);
        }
    }
    const report = path.join(REAL_HOME, "work", "engine-report.json");
    fs.mkdirSync(path.dirname(report), { recursive: true });
    fs.writeFileSync(report, JSON.stringify({ steps: results, status: statusRows }, null, 2));
    console.log(`# step results: ${report}`);
    for (const r of results) {
        console.log(
            `#   ${r.ok ? "✓" : "✗"} ${r.step.padEnd(38)} ${String(r.seconds).padStart(6)} s` +
                `${r.replacedKubernetesObjects ? `  replaced k8s objects: ${r.replacedKubernetesObjects.length}` : ""}  deleted link Secrets: ${r.deletedLinkSecrets?.length ?? 0}`,
        );
    }
    for (const r of statusRows)
        console.log(`#   status | ${r.fault.padEnd(52)} | exit ${r.exitCode} | ${r.named.join("; ") || "all ok"}`);
    if (startedClusters) sh(path.join(TOOLS, "clusters-down.sh"), [], { cwd: ROOT, env: process.env, allowFail: true });
});

const opts = { skip: SKIP };

test("up: the link goes up against both clusters", opts, async () => {
    const r = await step("up", () => {
        const out = pulumi("up", "--yes", "--skip-preview", "--json").stdout;
        return {
            replacedKubernetesObjects: replacedObjects(stepsOf(out)),
            detail: `${stepsOf(out).filter((s) => s.op === "create").length} resources created`,
        };
    });
    assert.ok(
        leftovers(env.EKS_KUBECONFIG!).some((o) => /secret\/payments-link$/.test(o)),
        "the EKS link Secret exists",
    );
    assert.ok(
        leftovers(env.GKE_KUBECONFIG!).some((o) => /secret\/payments-link$/.test(o)),
        "the GKE link Secret exists",
    );
    assert.deepEqual(r.deletedLinkSecrets, []);
});

test("a second preview has nothing to do", opts, async () => {
    await step("preview --expect-no-changes", () => void pulumi("preview", "--expect-no-changes"));
});

test("refresh finds no drift, and the preview after it is clean", opts, async () => {
    await step("refresh, then preview --expect-no-changes", () => {
        pulumi("refresh", "--yes", "--skip-preview");
        pulumi("preview", "--expect-no-changes");
    });
});

/** One row of the status table: the fault, the exit code, the checks status named. */
interface StatusRow {
    fault: string;
    exitCode: number | null;
    named: string[];
}
const statusRows: StatusRow[] = [];

/**
 * `crossmesh status` as a user runs it from the project directory: the real Pulumi CLI reads the state
 * (no passphrase given: it decrypts nothing), kubectl reads both clusters.
 */
function status(fault: string, extra: string[] = [], gkeKubeconfig = env.GKE_KUBECONFIG!): StatusRow & { report: any } {
    const { PULUMI_CONFIG_PASSPHRASE: _passphrase, ...noPassphrase } = env;
    void _passphrase;
    const r = spawnSync(
        process.execPath,
        [
            "--import",
            "tsx",
            path.join(ROOT, "components", "status", "cli.ts"),
            "status",
            "--stack",
            "local",
            "--cwd",
            work,
            "--eks-kubeconfig",
            env.EKS_KUBECONFIG!,
            "--gke-kubeconfig",
            gkeKubeconfig,
            "--json",
            ...extra,
        ],
        { cwd: ROOT, env: { ...noPassphrase, KUBECTL: path.join(BIN, "kubectl") }, encoding: "utf8" },
    );
    const report = JSON.parse(r.stdout || "{}");
    const named = (report.links ?? [])
        .flatMap((l: any) => l.checks)
        .filter((c: any) => c.state !== "ok")
        .map(
            (c: any) =>
                `${c.side}/${c.check}${c.host ? ` ${c.host}` : ""}${c.object ? ` ${c.object}` : ""}${c.field ? ` (${c.field})` : ""}`,
        );
    const row = { fault, exitCode: r.status, named: [...named, ...(report.errors ?? [])] };
    statusRows.push(row);
    console.log(`# status [${fault}] exit ${r.status}: ${row.named.join("; ") || "all checks ok"}`);
    if (r.stderr.trim()) console.log(`# status stderr: ${r.stderr.trim().slice(0, 500)}`);
    return { ...row, report };
}

/** Injects one fault, runs status, undoes the fault (with the fix status names), and checks status is clean again. */
async function fault(
    name: string,
    inject: () => void,
    undo: () => void,
    expect: { exitCode: number; named: RegExp[] },
    extra: string[] = [],
) {
    await step(`status: ${name}`, () => {
        inject();
        const r = status(name, extra);
        assert.equal(r.exitCode, expect.exitCode, r.named.join("\n"));
        for (const n of expect.named)
            assert.ok(
                r.named.some((x) => n.test(x)),
                `${n} among:\n${r.named.join("\n")}`,
            );
        undo();
        const again = status(`${name}, undone`, ["--no-probe"]);
        assert.equal(again.exitCode, 0, again.named.join("\n"));
    });
}
const upRefresh = () => void pulumi("up", "--yes", "--skip-preview", "--refresh");
/** A hand edit of the GKE AuthorizationPolicy (admit anyone), and its undoing, with kubectl. */
const apPrincipals = (op: "add" | "remove") =>
    void kubectl(
        env.GKE_KUBECONFIG!,
        "-n",
        "istio-egress",
        "patch",
        "authorizationpolicy",
        "payments-import",
        "--type=json",
        "-p",
        JSON.stringify([
            op === "add"
                ? { op: "add", path: "/spec/rules/0/from/0/source/principals/-", value: "*" }
                : { op: "remove", path: "/spec/rules/0/from/0/source/principals/1" },
        ]),
    );
const EKS = () => env.EKS_KUBECONFIG!;
const GKE = () => env.GKE_KUBECONFIG!;

test("crossmesh status: after up, every check green (exit 0)", opts, async () => {
    await step("status: healthy", () => {
        const r = status("none (after up)", ["--no-probe"]);
        assert.equal(r.exitCode, 0, r.named.join("\n"));
        const checks = r.report.links[0].checks.map((c: any) => `${c.side}/${c.check}`);
        for (const want of [
            "eks/gateway-pods",
            "eks/gateway-disruption-budget",
            "eks/link-secret",
            "gke/link-secret",
            "eks/objects",
            "gke/objects",
            "eks/load-balancer",
            "gke/service-entry",
        ])
            assert.ok(checks.includes(want), `${want} checked`);
        return { detail: `${checks.length} checks ok` };
    });
});

test("crossmesh status: each fault alone is named (exit 1), undone by the fix it names", opts, async () => {
    await fault(
        "link Secret deleted on EKS",
        () => void kubectl(EKS(), "-n", "istio-ingress", "delete", "secret", "payments-link"),
        upRefresh,
        { exitCode: 1, named: [/^eks\/link-secret Secret istio-ingress\/payments-link$/] },
        ["--no-probe"],
    );
    await fault(
        "GKE Secret's certificate swapped for another",
        () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-swap-"));
            sh("openssl", [
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=impostor",
                "-keyout",
                path.join(dir, "k.pem"),
                "-out",
                path.join(dir, "c.pem"),
            ]);
            const crt = Buffer.from(fs.readFileSync(path.join(dir, "c.pem"))).toString("base64");
            kubectl(
                GKE(),
                "-n",
                "istio-egress",
                "patch",
                "secret",
                "payments-link",
                "--type=merge",
                "-p",
                JSON.stringify({ data: { "tls.crt": crt } }),
            );
        },
        upRefresh,
        { exitCode: 1, named: [/^gke\/link-secret Secret istio-egress\/payments-link$/] },
        ["--no-probe"],
    );
    await fault(
        "a VirtualService deleted",
        () => void kubectl(EKS(), "-n", "istio-ingress", "delete", "virtualservice", "payments-payments-1-external"),
        upRefresh,
        { exitCode: 1, named: [/^eks\/object VirtualService istio-ingress\/payments-payments-1-external$/] },
        ["--no-probe"],
    );
    await fault(
        "an AuthorizationPolicy edited by hand",
        () => apPrincipals("add"),
        // Seen here: `pulumi up --refresh` does not take back a field kubectl wrote under server-side apply,
        // so the fix status names is to undo the edit.
        () => apPrincipals("remove"),
        {
            exitCode: 1,
            named: [
                /^gke\/object AuthorizationPolicy istio-egress\/payments-import \(spec\.rules\[0\]\.from\[0\]\.source\.principals\)$/,
            ],
        },
        ["--no-probe"],
    );
    const lb = (hostname: string) =>
        void kubectl(
            EKS(),
            "-n",
            "istio-ingress",
            "patch",
            "service",
            "istio-ingressgateway",
            "--subresource=status",
            "--type=merge",
            "-p",
            JSON.stringify({ status: { loadBalancer: { ingress: [{ hostname }] } } }),
        );
    await fault(
        "the EKS NLB hostname changed in its Service status",
        () => lb("k8s-istioing-replaced-0000000000-0000000000000000.elb.eu-west-1.amazonaws.com"),
        () => lb("k8s-istioing-istioing-0123456789-0123456789abcdef.elb.eu-west-1.amazonaws.com"),
        { exitCode: 1, named: [/^eks\/load-balancer /, /^gke\/service-entry payments-1\.external /] },
        ["--no-probe"],
    );
    await fault(
        "a leaf certificate inside the warning window (--warn-days 400)",
        () => undefined,
        () => undefined,
        { exitCode: 1, named: [/^eks\/certificate-expiry$/, /^gke\/certificate-expiry$/] },
        ["--no-probe", "--warn-days", "400"],
    );
});

test(
    "crossmesh status: one cluster unreachable → exit 2; the probe on clusters without a kubelet → not run, exit 2",
    opts,
    async () => {
        await step("status: GKE cluster unreachable", () => {
            const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-bad-")), "kubeconfig");
            fs.writeFileSync(
                bad,
                fs
                    .readFileSync(GKE(), "utf8")
                    .replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:1"),
            );
            const r = status("GKE cluster unreachable", ["--no-probe"], bad);
            assert.equal(r.exitCode, 2, r.named.join("\n"));
            assert.ok(r.named.some((n) => /^gke\/cluster$/.test(n)));
        });
        await step("status: probe as an allowed caller whose service account does not exist", () => {
            const r = status("probe, allowed caller shop/checkout has no service account", ["--probe-timeout", "15"]);
            assert.equal(r.exitCode, 2, r.named.join("\n"));
            const allowed = r.report.links[0].checks.find((c: any) => c.check === "probe-allowed");
            assert.match(allowed.detail, /serviceaccount "checkout" not found/);
        });
        await step("status: probe on clusters where pods never start", () => {
            kubectl(GKE(), "-n", "shop", "create", "serviceaccount", "checkout");
            const r = status("probe (no kubelet: pods stay Pending)", ["--probe-timeout", "15"]);
            assert.equal(r.exitCode, 2, r.named.join("\n"));
            const probe = r.report.links[0].checks.filter((c: any) => c.side === "probe");
            assert.ok(probe.length > 0 && probe.every((c: any) => c.state === "unknown"), "never reported as passed");
            assert.match(probe[0].detail, /did not run: pod .* Pending/);
            // The probe leaves nothing behind (its namespace takes the namespace controller a moment).
            let left = "";
            for (let i = 0; i < 30; i++) {
                left = kubectl(GKE(), "get", "pods,namespaces,serviceaccounts", "-A", "-o", "name").stdout;
                if (!/crossmesh-probe/.test(left)) break;
                spawnSync("sleep", ["1"]);
            }
            assert.doesNotMatch(left, /crossmesh-probe/);
        });
    },
);

test(
    "certificate renewal (up --replace on both leaf certificates): 0 Kubernetes objects replaced, no link Secret deleted",
    opts,
    async () => {
        const r = await step("renewal (replace both leaf certificates)", () => {
            const leaves = urnsOf("tls:index/locallySignedCert:LocallySignedCert", /-(server|client)-cert$/);
            assert.equal(leaves.length, 2, "one leaf certificate per side");
            return previewThenUp(leaves.flatMap((u) => ["--replace", u]));
        });
        assert.deepEqual([r.replacedKubernetesObjects, r.deletedLinkSecrets], [[], []]);
    },
);

test(
    "CA rotation (new CA keys and certificates on both sides): 0 Kubernetes objects replaced, no link Secret deleted",
    opts,
    async () => {
        const r = await step("CA rotation (replace both CAs)", () => {
            const cas = [
                ...urnsOf("tls:index/privateKey:PrivateKey", /-(server|client)-ca-key$/),
                ...urnsOf("tls:index/selfSignedCert:SelfSignedCert", /-(server|client)-ca$/),
            ];
            assert.equal(cas.length, 4, "a key and a certificate per CA");
            return previewThenUp(cas.flatMap((u) => ["--replace", u]));
        });
        assert.deepEqual([r.replacedKubernetesObjects, r.deletedLinkSecrets], [[], []]);
    },
);

test("adding a service: 0 Kubernetes objects replaced, no link Secret deleted", opts, async () => {
    const r = await step("add a service", () => {
        pulumi("config", "set", "services", "3");
        return previewThenUp([]);
    });
    assert.deepEqual([r.replacedKubernetesObjects, r.deletedLinkSecrets], [[], []]);
    assert.ok(
        leftovers(env.EKS_KUBECONFIG!).some((o) => /virtualservice.*payments-payments-3-external$/.test(o)),
        "the new route exists",
    );
});

test("changing who may call: 0 Kubernetes objects replaced, no link Secret deleted", opts, async () => {
    const r = await step("change allowed sources", () => {
        pulumi("config", "set", "callers", "billing");
        return previewThenUp([]);
    });
    assert.deepEqual([r.replacedKubernetesObjects, r.deletedLinkSecrets], [[], []]);
});

test("removing a service: its objects go, the rest stay in place, no link Secret deleted", opts, async () => {
    const r = await step("remove a service", () => {
        pulumi("config", "set", "services", "2");
        return previewThenUp([]);
    });
    assert.deepEqual([r.replacedKubernetesObjects, r.deletedLinkSecrets], [[], []]);
    const eks = leftovers(env.EKS_KUBECONFIG!);
    assert.ok(!eks.some((o) => /payments-payments-3-external$/.test(o)), "the removed host's route is gone");
    assert.ok(
        eks.some((o) => /virtualservice.*payments-payments-2-external$/.test(o)),
        "the others stay",
    );
});

test("a second link on the same clusters goes up beside the first", opts, async () => {
    const r = await step("second link on the same clusters", () => {
        pulumi("config", "set", "links", "payments,orders");
        return previewThenUp([]);
    });
    assert.deepEqual([r.replacedKubernetesObjects, r.deletedLinkSecrets], [[], []]);
    assert.ok(
        leftovers(env.EKS_KUBECONFIG!).some((o) => /secret\/orders-link$/.test(o)),
        "the second link has its own Secret",
    );
    await step("preview --expect-no-changes (after all changes)", () => void pulumi("preview", "--expect-no-changes"));
});

test("no private key in plain text in the state", opts, async () => {
    await step("state: no plain private key", () => {
        const state = pulumi("stack", "export").stdout;
        const plain = state.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----/g) ?? [];
        assert.equal(plain.length, 0, "private keys appear only encrypted");
        return { detail: `${state.length} bytes of state checked` };
    });
});

test("destroy leaves nothing on either cluster", opts, async () => {
    await step("destroy", () => {
        pulumi("destroy", "--yes", "--skip-preview");
        const left = [...leftovers(env.EKS_KUBECONFIG!), ...leftovers(env.GKE_KUBECONFIG!)];
        assert.deepEqual(left, []);
        const state = JSON.parse(pulumi("stack", "export").stdout) as { deployment: { resources?: unknown[] } };
        assert.deepEqual(state.deployment.resources ?? [], []);
    });
});
