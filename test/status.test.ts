// `crossmesh status` over what a simulated `up` of the multi stack leaves behind: its state export
// (secrets as ciphertext) and both live clusters. Healthy, it passes every check with exit 0; each fault
// injected alone is named by the check it breaks, with the exit code an operator's CI reads. The probe
// runs its real script (sh + curl) against a stand-in egress gateway that obeys the live
// AuthorizationPolicy, so a policy edited by hand is caught by the refused caller.
import { before, after, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { StackRun, runStack } from "../tools/simulator/stack";
import { stackExport } from "../tools/simulator/state-export";
import * as tls from "../tools/simulator/tls";
import type { StackExport } from "../components/status/deployment";
import { checkDeployment, Check, StatusReport, linksIn } from "../components/status";
import { renderReport } from "../components/status/render";
import { MemoryCluster, liveClusters, meshKubelet } from "./support/live-clusters";

let run: StackRun;
let state: StackExport;
let trustDomain: string;
const closers: (() => void)[] = [];

before(async () => {
    run = await runStack({ stack: "multi" });
    state = stackExport(run.graph);
    trustDomain = /^spiffe:\/\/([^/]+)\//.exec(String(run.outputs.clientSpiffeId))![1];
});
after(() => closers.forEach((c) => c()));

/** Fresh clusters as `up` left them, with a kubelet that runs probe pods. */
async function clusters(): Promise<{ eks: MemoryCluster; gke: MemoryCluster }> {
    const c = liveClusters(run.graph);
    const k = await meshKubelet(c.gke, trustDomain);
    closers.push(k.close);
    c.gke.kubelet = k.kubelet;
    return c;
}

async function status(
    c: { eks: MemoryCluster; gke: MemoryCluster },
    opts: { warnDays?: number; probe?: boolean } = {},
): Promise<StatusReport> {
    return checkDeployment(state, {
        stack: "multi",
        eks: c.eks,
        gke: c.gke,
        probe: opts.probe === false ? false : { calls: 2, pollMs: 10, timeoutSeconds: 1 },
        ...(opts.warnDays !== undefined ? { warnDays: opts.warnDays } : {}),
    });
}

/** The live (content-addressed) link Secret's name in `namespace`. */
function linkSecret(cluster: MemoryCluster, namespace: string): string {
    const names = [...cluster.objects.keys()]
        .filter((k) => k.startsWith(`Secret/${namespace}/`))
        .map((k) => k.split("/")[2]!)
        .filter((n) => /^crossmesh-link-[0-9a-f]{10}$/.test(n));
    assert.equal(names.length, 1, names.join(", "));
    return names[0]!;
}
const failing = (r: StatusReport) => r.links.flatMap((l) => l.checks).filter((c) => c.state !== "ok");
const named = (c: Check) => `${c.side}/${c.check}${c.host ? ` ${c.host}` : ""}${c.object ? ` ${c.object}` : ""}`;

test("the state reader finds the link by its type, with both sides' applied objects and issued certificates, and never a secret's value", () => {
    const [link] = linksIn(state);
    assert.equal(link.name, "crossmesh");
    assert.deepEqual(link.hosts, ["orders.external", "invoices.external", "inventory.external"]);
    const kinds = (side: string) => [...new Set(link.objects.filter((o) => o.side === side).map((o) => o.kind))].sort();
    assert.deepEqual(
        kinds("eks"),
        [
            "AuthorizationPolicy",
            "DestinationRule",
            "Gateway",
            "PeerAuthentication",
            "Secret",
            "ServiceEntry",
            "Sidecar",
            "VirtualService",
        ].filter((k) => kinds("eks").includes(k)),
    );
    assert.ok(kinds("eks").includes("Secret") && kinds("gke").includes("Secret"));
    assert.ok(
        !link.objects.some((o) => o.kind === "Service"),
        "the adopted gateway's Service is a read, not an applied object",
    );
    assert.match(link.credentials.eks.certPem ?? "", /BEGIN CERTIFICATE/);
    assert.match(link.credentials.gke.peerCaPem ?? "", /BEGIN CERTIFICATE/);
    const plainKeys = state
        .deployment!.resources!.filter((r) => /PRIVATE KEY/.test(JSON.stringify(r)))
        .map((r) => r.urn);
    assert.deepEqual(plainKeys, [], "the export holds no private key in plain text");
});

test("healthy: every check passes on both sides and the probe, exit 0", async () => {
    const r = await status(await clusters());
    assert.deepEqual(failing(r).map(named), []);
    assert.equal(r.exitCode, 0);
    assert.equal(r.verdict, "healthy");
    const checks = r.links[0].checks.map((c) => `${c.side}/${c.check}`);
    for (const want of [
        "eks/gateway-pods",
        "eks/gateway-disruption-budget",
        "eks/link-secret",
        "eks/peer-trust",
        "eks/certificate-expiry",
        "eks/objects",
        "eks/load-balancer",
        "gke/gateway-pods",
        "gke/link-secret",
        "gke/service-entry",
        "probe/probe-allowed",
        "probe/probe-denied",
    ])
        assert.ok(checks.includes(want), `${want} was checked`);
    // Every host probed from an allowed caller with figures, and refused from a caller outside allowedSources.
    assert.deepEqual(r.links[0].probe.map((p) => p.host).sort(), [...r.links[0].hosts].sort());
    assert.ok(r.links[0].probe.every((p) => p.statuses.every((s) => s === 200) && p.p50Ms !== undefined));
    const denied = r.links[0].checks.filter((c) => c.check === "probe-denied");
    assert.equal(denied.length, 3);
    assert.ok(
        denied.some((c) => /403/.test(c.detail)),
        "a narrowed namespace is refused by the policy (403)",
    );
    assert.ok(
        denied.some((c) => /no answer \(curl exit 7\)/.test(c.detail)),
        "a namespace with no route gets none",
    );
    // The probe cleans up after itself.
    const c = await clusters();
    await status(c);
    assert.equal([...c.gke.objects.values()].filter((o) => o.metadata.labels?.["crossmesh.io/probe"]).length, 0);
    assert.equal([...c.gke.objects.values()].filter((o) => o.metadata.name.startsWith("crossmesh-probe")).length, 0);
});

/** Each fault alone: what it breaks, what status must name, and the exit code. */
const FAULTS: {
    fault: string;
    inject: (c: { eks: MemoryCluster; gke: MemoryCluster }) => Promise<void> | void;
    expect: RegExp[];
    exitCode: 1 | 2;
    warnDays?: number;
    /** Faults the cluster checks alone see skip the probe (its pods take seconds); the rest need it. */
    probe?: true;
}[] = [
    {
        fault: "the EKS link Secret deleted",
        inject: (c) => void c.eks.objects.delete(`Secret/istio-ingress/${linkSecret(c.eks, "istio-ingress")}`),
        expect: [/^eks\/link-secret Secret istio-ingress\/crossmesh-link-[0-9a-f]{10}$/],
        exitCode: 1,
    },
    {
        fault: "the GKE Secret's certificate swapped for another",
        inject: async (c) => {
            const key = tls.privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
            const other = await tls.selfSignedCert(
                {
                    privateKeyPem: key.privateKeyPem,
                    subject: { commonName: "impostor" },
                    validityPeriodHours: 24,
                    allowedUses: ["digital_signature"],
                },
                { now: () => new Date() },
            );
            c.gke.find("Secret", "istio-egress", linkSecret(c.gke, "istio-egress"))!.data["tls.crt"] = Buffer.from(
                other.certPem,
            ).toString("base64");
        },
        expect: [/^gke\/link-secret Secret istio-egress\/crossmesh-link-[0-9a-f]{10}$/],
        exitCode: 1,
    },
    {
        fault: "a VirtualService deleted",
        inject: (c) => void c.eks.objects.delete("VirtualService/istio-ingress/crossmesh-orders-external"),
        expect: [/^eks\/object VirtualService istio-ingress\/crossmesh-orders-external$/],
        exitCode: 1,
    },
    {
        fault: "the GKE AuthorizationPolicy edited by hand to admit anyone",
        inject: (c) => {
            const ap = c.gke.find("AuthorizationPolicy", "istio-egress", "crossmesh-import")!;
            ap.spec.rules[0].from[0].source.principals.push("*");
        },
        // Drift names the field; the refused caller now gets through, so the policy itself is caught.
        expect: [
            /^gke\/object AuthorizationPolicy istio-egress\/crossmesh-import$/,
            /^probe\/probe-denied orders\.external$/,
        ],
        exitCode: 1,
        probe: true,
    },
    {
        fault: "the EKS NLB hostname changed in its Service status",
        inject: (c) => {
            const svc = c.eks.find("Service", "istio-ingress", "istio-ingressgateway")!;
            svc.status.loadBalancer.ingress[0].hostname =
                "k8s-istioing-replaced-0000000000.elb.eu-west-1.amazonaws.com";
        },
        expect: [
            /^eks\/load-balancer Service istio-ingress\/istio-ingressgateway$/,
            /^gke\/service-entry orders\.external /,
            /^gke\/service-entry invoices\.external /,
            /^gke\/service-entry inventory\.external /,
        ],
        exitCode: 1,
    },
    {
        fault: "a leaf certificate inside the warning window",
        inject: () => undefined,
        // The leaves are valid for 90 days: a window wider than that puts both leaves (and only them) inside.
        warnDays: 100,
        expect: [/^eks\/certificate-expiry$/, /^gke\/certificate-expiry$/],
        exitCode: 1,
    },
    {
        fault: "every EKS gateway pod not Ready",
        inject: (c) => {
            for (const o of c.eks.objects.values())
                if (o.kind === "Pod" && o.metadata.namespace === "istio-ingress")
                    o.status.conditions[0].status = "False";
        },
        expect: [/^eks\/gateway-pods$/],
        exitCode: 1,
    },
    {
        fault: "the GKE cluster unreachable",
        inject: (c) => void (c.gke.unreachable = true),
        expect: [/^gke\/cluster$/, /^probe\/probe$/],
        exitCode: 2,
        probe: true,
    },
    {
        fault: "the probe pods never start (no node)",
        inject: (c) => void (c.gke.kubelet = async () => undefined),
        expect: [/^probe\/probe-allowed orders\.external$/, /^probe\/probe-denied orders\.external$/],
        exitCode: 2,
        probe: true,
    },
    {
        fault: "an allowed caller's service account missing on GKE (the API refuses its probe pod)",
        inject: (c) => void c.gke.objects.delete("ServiceAccount/shop/checkout"),
        expect: [/^probe\/probe-allowed orders\.external$/],
        exitCode: 2,
        probe: true,
    },
];

for (const f of FAULTS) {
    test(`fault: ${f.fault} → exit ${f.exitCode}, named`, async () => {
        const c = await clusters();
        await f.inject(c);
        const r = await status(c, {
            probe: f.probe ?? false,
            ...(f.warnDays !== undefined ? { warnDays: f.warnDays } : {}),
        });
        const bad = failing(r).map(named);
        for (const want of f.expect)
            assert.ok(
                bad.some((b) => want.test(b)),
                `expected a failing check matching ${want}; got:\n${bad.join("\n")}`,
            );
        assert.equal(r.exitCode, f.exitCode, bad.join("\n"));
        for (const c of failing(r)) assert.ok(c.fix, `${named(c)} says what to do`);
    });
}

test("drift names the object, the field that changed and who wrote it", async () => {
    const c = await clusters();
    const dr = c.eks.find("DestinationRule", "istio-ingress", "crossmesh-upstream-inventory-external")!;
    dr.spec.trafficPolicy = { tls: { mode: "DISABLE" } };
    dr.metadata.managedFields = [
        { manager: "pulumi-kubernetes-5d1a2f", operation: "Apply", time: "2026-12-01T04:17:00Z" },
        { manager: "kubectl-edit", operation: "Update", time: "2026-12-05T22:03:11Z" },
    ];
    const r = await status(c, { probe: false });
    const drift = failing(r).find((x) => x.check === "object")!;
    assert.equal(drift.object, "DestinationRule istio-ingress/crossmesh-upstream-inventory-external");
    assert.match(drift.field ?? "", /^spec\.trafficPolicy/);
    assert.match(drift.detail, /last written by kubectl-edit at 2026-12-05T22:03:11Z/);
    assert.match(
        drift.fix ?? "",
        /kubectl edit destinationrule\.v1\.networking\.istio\.io -n istio-ingress crossmesh-upstream-inventory-external/,
    );
});

test("a probe that did not run is never reported as passed", async () => {
    const c = await clusters();
    c.gke.kubelet = async () => undefined;
    const r = await status(c);
    const probe = r.links[0].checks.filter((x) => x.side === "probe");
    assert.ok(probe.length > 0 && probe.every((x) => x.state === "unknown"), probe.map((x) => x.state).join());
    assert.match(probe[0].detail, /did not run: pod .* Pending: not scheduled \(Unschedulable/);
    assert.equal(r.verdict, "unknown");
});

test("no link in the stack is a 'could not check' (exit 2), not a pass", async () => {
    const c = await clusters();
    const r = await checkDeployment({ deployment: { resources: [] } }, { stack: "empty", eks: c.eks, gke: c.gke });
    assert.equal(r.exitCode, 2);
    assert.match(r.errors[0], /holds no CrossMeshLink/);
});

test("the human report puts the verdict first and names every failing check with its fix", async () => {
    const c = await clusters();
    c.eks.objects.delete(`Secret/istio-ingress/${linkSecret(c.eks, "istio-ingress")}`);
    const text = renderReport(await status(c, { probe: false }));
    const lines = text.split("\n");
    assert.match(lines[0], /^FAILING — stack multi: 1 link\(s\), \d+ fail.*\(exit 1: degraded or failing\)$/);
    assert.ok(lines.some((l) => /✗ link-secret +Secret istio-ingress\/crossmesh-link-[0-9a-f]{10} is missing/.test(l)));
    assert.ok(lines.some((l) => /→ run `pulumi up --refresh` on the stack to re-create it/.test(l)));
    assert.ok(!text.includes("\u001b["), "no colour unless asked");
});

test("every report matches the documented --json schema (docs/status.schema.json)", async () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
        JSON.parse(fs.readFileSync(path.join(__dirname, "..", "docs", "status.schema.json"), "utf8")),
    );
    const healthy = await status(await clusters());
    const broken = await clusters();
    broken.eks.unreachable = true;
    broken.gke.find("AuthorizationPolicy", "istio-egress", "crossmesh-import")!.spec.action = "DENY";
    for (const r of [healthy, await status(broken), await status(await clusters(), { warnDays: 100, probe: false })])
        assert.ok(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors));
    // The schema is strict: a report with a field it does not document fails.
    assert.equal(validate({ ...healthy, extra: 1 }), false);
});

/** The installed command, run as a user runs it. */
async function cli(
    args: string[],
    env: NodeJS.ProcessEnv = process.env,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn(
        process.execPath,
        ["--import", "tsx", path.join(__dirname, "..", "components", "status", "cli.ts"), ...args],
        { env },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    return { status, stdout, stderr };
}

const CLI_REFUSALS: { args: string[]; says: RegExp }[] = [
    { args: ["status"], says: /--stack is required/ },
    { args: ["status", "--stack", "dev"], says: /give --eks-kubeconfig <file> or --eks-context <ctx>/ },
    {
        args: ["status", "--stack", "dev", "--eks-context", "a"],
        says: /give --gke-kubeconfig <file> or --gke-context <ctx>/,
    },
    {
        args: ["status", "--stack", "dev", "--eks-context", "a", "--gke-context", "b", "--warn-days", "soon"],
        says: /--warn-days takes a whole number of days, got "soon"/,
    },
    {
        args: ["status", "--stack", "dev", "--probe", "--no-probe", "--eks-context", "a", "--gke-context", "b"],
        says: /--probe or --no-probe, not both/,
    },
    { args: ["status", "--stak", "dev"], says: /Unknown option '--stak'/ },
    { args: ["stauts"], says: /unknown command "stauts"/ },
];

describe("usage errors answer with exit 2 and the usage", { concurrency: true }, () => {
    for (const r of CLI_REFUSALS)
        test(`crossmesh ${r.args.join(" ")}`, async () => {
            const run = await cli(r.args);
            assert.equal(run.status, 2, run.stderr);
            assert.match(run.stderr, r.says);
            assert.match(run.stderr, /Usage: crossmesh status --stack <name>/);
        });
});

test("without a Pulumi CLI the stack cannot be read: exit 2 and a JSON report that says why", async () => {
    const run = await cli(["status", "--stack", "dev", "--eks-context", "a", "--gke-context", "b", "--json"], {
        ...process.env,
        PATH: path.dirname(process.execPath),
    });
    assert.equal(run.status, 2, run.stderr);
    const report = JSON.parse(run.stdout) as StatusReport;
    assert.equal(report.verdict, "unknown");
    assert.match(report.errors[0], /no Pulumi CLI|could not read stack dev/);
});
