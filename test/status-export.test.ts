// `crossmesh status` over what a simulated `up` of the export stack leaves behind (stacks/Pulumi.export.yaml: one
// CrossMeshExport, consumers gke-prod and aks-warehouse): its state export (secrets as ciphertext) and the live EKS
// cluster, the only one an export stack needs. Healthy, every check of the EKS side and of each consumer passes
// (exit 0) and the probe is reported as not run, with why; each fault injected alone is named by the check it
// breaks, and a fault of one consumer names that consumer and leaves the other's checks green.
import { before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { StackRun, runStack } from "../tools/simulator/stack";
import { stackExport } from "../tools/simulator/state-export";
import type { StackExport } from "../components/status/deployment";
import { checkDeployment, Check, StatusReport, exportsIn, linksIn } from "../components/status";
import { renderReport } from "../components/status/render";
import { MemoryCluster, liveClusters } from "./support/live-clusters";

const NS = "istio-ingress";
const GKE = "gke-prod";
const AKS = "aks-warehouse";
let run: StackRun;
let state: StackExport;

before(async () => {
    run = await runStack({ stack: "export" });
    state = stackExport(run.graph);
});

/** A fresh EKS cluster as `up` left it. */
const eks = (): MemoryCluster => liveClusters(run.graph).eks;

async function status(cluster: MemoryCluster | undefined, opts: { warnDays?: number } = {}): Promise<StatusReport> {
    return checkDeployment(state, {
        stack: "export",
        ...(cluster ? { eks: cluster } : {}),
        // Asked for, as the CLI asks by default: an export still runs none.
        probe: { calls: 2, pollMs: 10, timeoutSeconds: 1 },
        ...(opts.warnDays !== undefined ? { warnDays: opts.warnDays } : {}),
    });
}

/** The live (content-addressed) credential Secret's name. */
function credential(cluster: MemoryCluster): string {
    const names = [...cluster.objects.keys()]
        .filter((k) => k.startsWith(`Secret/${NS}/`))
        .map((k) => k.split("/")[2]!)
        .filter((n) => /^crossmesh-link-[0-9a-f]{10}$/.test(n));
    assert.equal(names.length, 1, names.join(", "));
    return names[0]!;
}
const checksOf = (r: StatusReport) => r.links.flatMap((l) => l.checks);
const failing = (r: StatusReport) => checksOf(r).filter((c) => c.state !== "ok");
const named = (c: Check) =>
    `${c.side}/${c.check}${c.consumer ? ` consumer=${c.consumer}` : ""}${c.object ? ` ${c.object}` : ""}`;
const ofConsumer = (r: StatusReport, name: string) => checksOf(r).filter((c) => c.consumer === name);

test("the state reader finds the export by its type: its EKS objects, its server certificate and each consumer", () => {
    assert.deepEqual(linksIn(state), [], "an export is no link");
    const [exp] = exportsIn(state);
    assert.equal(exp.name, "crossmesh");
    assert.deepEqual(exp.hosts, ["orders.external", "inventory.external"]);
    assert.ok(exp.objects.length > 0 && exp.objects.every((o) => o.side === "eks"));
    assert.match(exp.serverCertPem ?? "", /BEGIN CERTIFICATE/);
    assert.deepEqual(
        exp.consumers.map((c) => [c.name, c.hosts, c.policyName]),
        [
            [GKE, ["orders.external", "inventory.external"], "crossmesh-consumer-gke-prod"],
            [AKS, ["inventory.external"], "crossmesh-consumer-aks-warehouse"],
        ],
    );
    for (const c of exp.consumers) {
        assert.match(c.spiffeId ?? "", new RegExp(`^spiffe://${c.name}\\.example\\.org/ns/istio-egress/sa/`));
        assert.match(c.clientCaPem ?? "", /BEGIN CERTIFICATE/);
        assert.ok(c.clientCertExpiresAt && c.clientCaExpiresAt);
    }
});

test("healthy, two consumers: the EKS side and every consumer's checks pass, exit 0; the probe is not run, and says why", async () => {
    const r = await status(eks());
    assert.deepEqual(failing(r).map(named), []);
    assert.equal(r.exitCode, 0);
    assert.equal(r.verdict, "healthy");
    const [exp] = r.links;
    assert.equal(exp.role, "export");
    const checks = exp.checks.map((c) => `${c.side}/${c.check}`);
    for (const want of [
        "eks/gateway-pods",
        "eks/gateway-disruption-budget",
        "eks/link-secret",
        "eks/certificate-expiry",
        "eks/objects",
        "eks/load-balancer",
    ])
        assert.ok(checks.includes(want), `${want} was checked`);
    // Every consumer listed by name, each with its own checks, all green.
    assert.deepEqual(
        exp.consumers?.map((c) => [c.name, c.verdict]),
        [
            [GKE, "healthy"],
            [AKS, "healthy"],
        ],
    );
    for (const name of [GKE, AKS])
        assert.deepEqual(
            ofConsumer(r, name).map((c) => `${c.check} ${c.state}`),
            [
                "consumer-policy ok",
                "consumer-trust ok",
                "consumer-identity ok",
                "certificate-expiry ok",
                "certificate-expiry ok",
            ],
            name,
        );
    assert.match(
        ofConsumer(r, AKS)[0].detail,
        /crossmesh-consumer-aks-warehouse admits only spiffe:\/\/aks-warehouse\.example\.org\/ns\/istio-egress\/sa\/istio-egressgateway for inventory\.external$/,
    );
    // No probe ran, and none is reported as passed: it is listed as not run, with the reason.
    assert.deepEqual(exp.probe, []);
    assert.equal(exp.checks.filter((c) => c.side === "probe").length, 0);
    assert.deepEqual(
        exp.notRun?.map((n) => `${n.side}/${n.check}`),
        ["probe/probe"],
    );
    assert.match(
        exp.notRun![0].reason,
        /callers are in its consumers' meshes.*--role consumer.*gke-prod, aks-warehouse/,
    );
    // The human report lists every consumer by name with its checks, and the probe as not run.
    const text = renderReport(r);
    assert.match(
        text.split("\n")[0],
        /^HEALTHY — stack export: 1 export\(s\) with 2 consumer\(s\), \d+ ok \(exit 0: healthy\)$/,
    );
    assert.match(
        text,
        /\n consumer gke-prod {2}HEALTHY {2}spiffe:\/\/gke-prod\.example\.org\/\S+ {2}hosts: orders\.external, inventory\.external\n/,
    );
    assert.match(
        text,
        /\n consumer aks-warehouse {2}HEALTHY {2}spiffe:\/\/aks-warehouse\.example\.org\/\S+ {2}hosts: inventory\.external\n/,
    );
    assert.match(text, /\n Probe\n {2}– probe +not run: an export's callers/);
});

/** Each fault alone: what it breaks, the checks status must name (and only them failing), the exit code. */
const FAULTS: {
    fault: string;
    inject: (c: MemoryCluster) => void;
    /** Every check that is not ok, exactly. */
    expect: RegExp[];
    /** The consumers whose verdict stays healthy. */
    green: string[];
    exitCode: 1 | 2;
    warnDays?: number;
}[] = [
    {
        fault: "consumer gke-prod's AuthorizationPolicy deleted by hand",
        inject: (c) => void c.objects.delete(`AuthorizationPolicy/${NS}/crossmesh-consumer-gke-prod`),
        expect: [
            /^eks\/consumer-policy consumer=gke-prod AuthorizationPolicy istio-ingress\/crossmesh-consumer-gke-prod$/,
            /^eks\/object AuthorizationPolicy istio-ingress\/crossmesh-consumer-gke-prod$/,
        ],
        green: [AKS],
        exitCode: 1,
    },
    {
        fault: "consumer aks-warehouse's client CA missing from the credential's ca.crt",
        inject: (c) => {
            const secret = c.find("Secret", NS, credential(c))!;
            const aksCa = state.deployment!.resources!.find((r) =>
                r.urn.endsWith("::crossmesh-aks-warehouse-client-ca"),
            )!.outputs!.certPem as string;
            const bundle = Buffer.from(secret.data["ca.crt"], "base64").toString();
            assert.ok(bundle.includes(aksCa), "the live bundle held it");
            secret.data["ca.crt"] = Buffer.from(bundle.replace(aksCa, "")).toString("base64");
        },
        expect: [/^eks\/consumer-trust consumer=aks-warehouse Secret istio-ingress\/crossmesh-link-[0-9a-f]{10}$/],
        green: [GKE],
        exitCode: 1,
    },
    {
        fault: "consumer aks-warehouse's policy widened by hand to every exported host",
        inject: (c) => {
            const ap = c.find("AuthorizationPolicy", NS, "crossmesh-consumer-aks-warehouse")!;
            ap.spec.rules[0].to[0].operation.hosts.push("orders.external", "orders.external:*");
        },
        expect: [
            /^eks\/consumer-policy consumer=aks-warehouse AuthorizationPolicy istio-ingress\/crossmesh-consumer-aks-warehouse$/,
            /^eks\/object AuthorizationPolicy istio-ingress\/crossmesh-consumer-aks-warehouse$/,
        ],
        green: [GKE],
        exitCode: 1,
    },
    {
        fault: "consumer gke-prod's identity dropped from the Gateway's subjectAltNames",
        inject: (c) => {
            const gw = c.find("Gateway", NS, "crossmesh-export")!;
            const tls = gw.spec.servers[0].tls;
            tls.subjectAltNames = tls.subjectAltNames.filter((s: string) => !s.includes("gke-prod"));
        },
        expect: [
            /^eks\/consumer-identity consumer=gke-prod Gateway istio-ingress\/crossmesh-export$/,
            /^eks\/object Gateway istio-ingress\/crossmesh-export$/,
        ],
        green: [AKS],
        exitCode: 1,
    },
    {
        fault: "the certificates inside the warning window",
        inject: () => undefined,
        // The leaves are valid for 90 days, the CAs for 10 years: the server's and each consumer's leaf only.
        warnDays: 100,
        expect: [
            /^eks\/certificate-expiry$/,
            /^eks\/certificate-expiry consumer=gke-prod$/,
            /^eks\/certificate-expiry consumer=aks-warehouse$/,
        ],
        green: [],
        exitCode: 1,
    },
    {
        fault: "the EKS cluster unreachable",
        inject: (c) => void (c.unreachable = true),
        expect: [/^eks\/cluster$/],
        green: [],
        exitCode: 2,
    },
];

for (const f of FAULTS) {
    test(`fault: ${f.fault} → exit ${f.exitCode}, named`, async () => {
        const c = eks();
        f.inject(c);
        const r = await status(c, f.warnDays !== undefined ? { warnDays: f.warnDays } : {});
        const bad = failing(r).map(named);
        assert.equal(bad.length, f.expect.length, `expected exactly ${f.expect.join(", ")}; got:\n${bad.join("\n")}`);
        for (const want of f.expect)
            assert.ok(
                bad.some((b) => want.test(b)),
                `expected a failing check matching ${want}; got:\n${bad.join("\n")}`,
            );
        assert.equal(r.exitCode, f.exitCode, bad.join("\n"));
        for (const x of failing(r)) assert.ok(x.fix, `${named(x)} says what to do`);
        const verdicts = Object.fromEntries((r.links[0].consumers ?? []).map((x) => [x.name, x.verdict]));
        for (const name of [GKE, AKS])
            if (f.green.includes(name)) {
                assert.equal(verdicts[name], "healthy", `consumer ${name} stays green`);
                assert.ok(ofConsumer(r, name).length >= 4 && ofConsumer(r, name).every((x) => x.state === "ok"));
            } else if (f.exitCode === 1 && bad.some((b) => b.includes(`consumer=${name}`)))
                assert.notEqual(verdicts[name], "healthy", `consumer ${name} is not green`);
    });
}

test("a deleted policy names its consumer in the human report, with the fix; the other consumer stays green there too", async () => {
    const c = eks();
    c.objects.delete(`AuthorizationPolicy/${NS}/crossmesh-consumer-gke-prod`);
    const lines = renderReport(await status(c)).split("\n");
    assert.match(lines[0], /^FAILING — stack export: 1 export\(s\) with 2 consumer\(s\), 2 fail, \d+ ok \(exit 1/);
    const gke = lines.findIndex((l) => /^ consumer gke-prod {2}FAILING/.test(l));
    const aks = lines.findIndex((l) => /^ consumer aks-warehouse {2}HEALTHY/.test(l));
    assert.ok(gke > 0 && aks > gke, lines.join("\n"));
    assert.match(
        lines[gke + 1],
        /✗ consumer-policy +AuthorizationPolicy istio-ingress\/crossmesh-consumer-gke-prod is missing: the gateway refuses every call of consumer gke-prod/,
    );
    assert.match(lines[gke + 2], /→ run `pulumi up --refresh` on the export stack to re-create it/);
    assert.ok(
        lines.slice(aks + 1, aks + 6).every((l) => l.startsWith("  ✓ ")),
        lines.slice(aks).join("\n"),
    );
});

test("no EKS cluster given: the export is not checked (exit 2), never passed", async () => {
    const r = await status(undefined);
    assert.equal(r.exitCode, 2);
    assert.deepEqual(
        checksOf(r).map((c) => `${c.side}/${c.check} ${c.state}`),
        ["eks/cluster unknown"],
    );
    assert.match(checksOf(r)[0].fix ?? "", /--eks-kubeconfig <file> or --eks-context <ctx>/);
    assert.deepEqual(
        r.links[0].consumers?.map((c) => c.verdict),
        ["unknown", "unknown"],
    );
});

test("every export report matches the documented --json schema (docs/status.schema.json)", async () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
        JSON.parse(fs.readFileSync(path.join(__dirname, "..", "docs", "status.schema.json"), "utf8")),
    );
    const broken = eks();
    broken.objects.delete(`AuthorizationPolicy/${NS}/crossmesh-consumer-gke-prod`);
    for (const r of [await status(eks()), await status(broken), await status(undefined)])
        assert.ok(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors));
});

/** The installed command, run as a user runs it. */
async function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [
        "--import",
        "tsx",
        path.join(__dirname, "..", "components", "status", "cli.ts"),
        ...args,
    ]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { status, stdout, stderr };
}

const ROLE_REFUSALS: { args: string[]; says: RegExp }[] = [
    { args: ["--role", "export"], says: /give --eks-kubeconfig <file> or --eks-context <ctx>/ },
    {
        args: ["--role", "export", "--eks-context", "a", "--gke-context", "b"],
        says: /--gke-context is for --role link: --role export checks the EKS cluster only/,
    },
    {
        args: ["--role", "export", "--eks-context", "a", "--probe-timeout", "30"],
        says: /--probe-timeout: an export stack has no probe/,
    },
    { args: ["--role", "consumer"], says: /give --consumer-kubeconfig <file> or --consumer-context <ctx>/ },
    {
        args: ["--role", "consumer", "--consumer-context", "c", "--eks-context", "a"],
        says: /--eks-context is for --role link or export: --role consumer checks the consumer mesh's cluster only/,
    },
    {
        args: ["--consumer-context", "c"],
        says: /--consumer-context is for --role consumer: --role link checks the EKS cluster and the GKE cluster only/,
    },
    { args: ["--role", "exporter", "--eks-context", "a"], says: /--role is link, export or consumer, got "exporter"/ },
];

describe(
    "each role takes its own clusters' flags: usage errors answer with exit 2 and the usage",
    { concurrency: true },
    () => {
        for (const r of ROLE_REFUSALS)
            test(`crossmesh status --stack export ${r.args.join(" ")}`, async () => {
                const run = await cli(["status", "--stack", "export", ...r.args]);
                assert.equal(run.status, 2, run.stderr);
                assert.match(run.stderr, r.says);
                assert.match(run.stderr, /Usage: crossmesh status --stack <name> \[--role link\|export\|consumer\]/);
            });
        test("--help documents the roles and the clusters each needs", async () => {
            const run = await cli(["status", "--help"]);
            assert.equal(run.status, 0);
            assert.match(run.stdout, /--role export {5}each CrossMeshExport against its EKS cluster/);
            assert.match(run.stdout, /Give --eks-… only\./);
            assert.match(run.stdout, /--role consumer {3}each CrossMeshConsumer against its own cluster/);
            assert.match(run.stdout, /--consumer-kubeconfig <file> +\| --consumer-context <ctx>/);
        });
    },
);
