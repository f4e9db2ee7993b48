// `crossmesh status` over what a simulated `up` of a consumer stack leaves behind (stacks/Pulumi.consumer-gke.yaml:
// one CrossMeshConsumer, gke-prod, its grant read from the export stack through a StackReference): its state
// export and its one live cluster, the only one a consumer stack needs. Healthy, every check of its side and the
// probe from its mesh pass (exit 0); each fault injected alone is named by the check it breaks. The probe runs its
// real script against a stand-in egress gateway that obeys the live AuthorizationPolicy (test/support).
import { before, after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { StackRun, runStack } from "../tools/simulator/stack";
import { stackExport } from "../tools/simulator/state-export";
import type { GraphRecorder } from "../tools/simulator";
import * as tls from "../tools/simulator/tls";
import type { StackExport } from "../components/status/deployment";
import { checkDeployment, Check, StatusReport, consumersIn } from "../components/status";
import { renderReport } from "../components/status/render";
import { MemoryCluster, liveClusters, meshKubelet } from "./support/live-clusters";

const NS = "istio-egress";
const GATEWAY = "k8s-istio-in-istio-in-ab45be13d1-169067a6de80acfb.elb.eu-west-1.amazonaws.com";
let run: StackRun;
let state: StackExport;
const closers: (() => void)[] = [];

before(async () => {
    run = await runStack({ stack: "consumer-gke" });
    state = stackExport(run.graph);
});
after(() => closers.forEach((c) => c()));

/**
 * The consumer's cluster as `up` left it, with a kubelet that runs probe pods. The support builds a link's two
 * clusters by provider name; the consumer stack's one provider ("consumer") is read as the importing one.
 */
async function cluster(): Promise<MemoryCluster> {
    const view = Object.create(run.graph, {
        byUrn: {
            value: (urn: string) => {
                const r = run.graph.byUrn(urn);
                return r && r.type === "pulumi:providers:kubernetes" && r.name === "consumer"
                    ? { ...r, name: "gke" }
                    : r;
            },
        },
    }) as GraphRecorder;
    const c = liveClusters(view).gke;
    assert.ok(c.objects.size > 0, "the consumer's objects are on its cluster");
    const k = await meshKubelet(c, "gke-prod.example.org");
    closers.push(k.close);
    c.kubelet = k.kubelet;
    return c;
}

async function status(c: MemoryCluster | undefined, opts: { probe?: boolean } = {}): Promise<StatusReport> {
    return checkDeployment(state, {
        stack: "consumer-gke",
        ...(c ? { consumer: c } : {}),
        probe: opts.probe === false ? false : { calls: 2, pollMs: 10, timeoutSeconds: 1 },
    });
}

/** The live (content-addressed) credential Secret's name. */
function credential(c: MemoryCluster): string {
    const names = [...c.objects.keys()]
        .filter((k) => k.startsWith(`Secret/${NS}/`))
        .map((k) => k.split("/")[2]!)
        .filter((n) => /^crossmesh-link-[0-9a-f]{10}$/.test(n));
    assert.equal(names.length, 1, names.join(", "));
    return names[0]!;
}
const failing = (r: StatusReport) => r.links.flatMap((l) => l.checks).filter((c) => c.state !== "ok");
const named = (c: Check) => `${c.side}/${c.check}${c.host ? ` ${c.host}` : ""}${c.object ? ` ${c.object}` : ""}`;

test("the state reader finds the consumer by its type: its objects on its one cluster, its granted identity and hosts", () => {
    const [c] = consumersIn(state);
    assert.equal(c.consumer, "gke-prod");
    assert.equal(c.remoteGatewayHostname, GATEWAY);
    assert.deepEqual(c.hosts, ["orders.external", "inventory.external"]);
    assert.equal(c.spiffeId, "spiffe://gke-prod.example.org/ns/istio-egress/sa/istio-egressgateway");
    assert.ok(c.clientCertExpiresAt && c.istioRevision);
    assert.ok(c.objects.length > 0 && c.objects.every((o) => o.side === "consumer"));
    assert.match(c.exportServerCaPem ?? "", /BEGIN CERTIFICATE/, "the export's server CA, from its StackReference");
});

test("healthy: every check of the consumer's side and the probe from its mesh pass, exit 0", async () => {
    const r = await status(await cluster());
    assert.deepEqual(failing(r).map(named), []);
    assert.equal(r.exitCode, 0);
    const [c] = r.links;
    assert.equal(c.role, "consumer");
    assert.equal(c.consumer, "gke-prod");
    assert.equal(c.remoteGatewayHostname, GATEWAY);
    const checks = c.checks.map((x) => `${x.side}/${x.check}`);
    for (const want of [
        "consumer/gateway-pods",
        "consumer/gateway-disruption-budget",
        "consumer/link-secret",
        "consumer/peer-trust",
        "consumer/certificate-expiry",
        "consumer/objects",
        "consumer/service-entry",
        "probe/probe-allowed",
        "probe/probe-denied",
    ])
        assert.ok(checks.includes(want), `${want} was checked`);
    assert.ok(!checks.some((x) => x.startsWith("eks/") || x.startsWith("gke/")), "only its own cluster");
    assert.match(
        c.checks.find((x) => x.check === "link-secret")!.detail,
        /holds the certificate of the export's grant to gke-prod \(spiffe:\/\/gke-prod\.example\.org\//,
    );
    assert.deepEqual(
        c.checks.filter((x) => x.check === "service-entry").map((x) => x.detail.split(",")[0]),
        [`orders.external → ${GATEWAY}`, `inventory.external → ${GATEWAY}`],
    );
    // Every host probed from an allowed caller of this mesh (with figures), and refused from one outside.
    assert.deepEqual(c.probe.map((p) => p.host).sort(), [...c.hosts].sort());
    assert.ok(c.probe.every((p) => p.statuses.every((s) => s === 200) && p.p50Ms !== undefined));
    assert.equal(c.checks.filter((x) => x.check === "probe-denied").length, 2);
    const text = renderReport(r);
    assert.match(text.split("\n")[0], /^HEALTHY — stack consumer-gke: 1 consumer\(s\), \d+ ok \(exit 0: healthy\)$/);
    assert.match(text, /\nconsumer crossmesh \(consumer gke-prod of the export at k8s-istio-in-\S+\) {2}HEALTHY/);
    assert.match(text, /\n Consumer mesh \(importing side\)\n/);
    assert.match(text, /\n Probe \(calls from the consumer mesh\)\n/);
});

const FAULTS: {
    fault: string;
    inject: (c: MemoryCluster) => Promise<void> | void;
    expect: RegExp[];
    /** What one failing check must say. */
    says?: RegExp;
    exitCode: 1 | 2;
}[] = [
    {
        fault: "its credential Secret deleted",
        inject: (c) => void c.objects.delete(`Secret/${NS}/${credential(c)}`),
        expect: [
            /^consumer\/link-secret Secret istio-egress\/crossmesh-link-[0-9a-f]{10}$/,
            /^consumer\/object Secret istio-egress\/crossmesh-link-[0-9a-f]{10}$/,
        ],
        exitCode: 1,
    },
    {
        fault: "its credential's certificate swapped for one of another identity",
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
            c.find("Secret", NS, credential(c))!.data["tls.crt"] = Buffer.from(other.certPem).toString("base64");
        },
        // Its identity is not the grant's; valid for a day, it is inside the warning window too.
        expect: [
            /^consumer\/link-secret Secret istio-egress\/crossmesh-link-[0-9a-f]{10}$/,
            /^consumer\/certificate-expiry$/,
        ],
        says: /holds a certificate for CN=impostor, not for spiffe:\/\/gke-prod\.example\.org\/ns\/istio-egress\/sa\/istio-egressgateway \(the identity of the export's grant to gke-prod\)/,
        exitCode: 1,
    },
    {
        fault: "a ServiceEntry pointed elsewhere by hand",
        inject: (c) => {
            c.find("ServiceEntry", NS, "crossmesh-orders-external")!.spec.endpoints[0].address =
                "elsewhere.example.org";
        },
        expect: [
            /^consumer\/service-entry orders\.external ServiceEntry istio-egress\/crossmesh-orders-external$/,
            /^consumer\/object ServiceEntry istio-egress\/crossmesh-orders-external$/,
        ],
        exitCode: 1,
    },
    {
        fault: "its cluster unreachable",
        inject: (c) => void (c.unreachable = true),
        expect: [/^consumer\/cluster$/, /^probe\/probe$/],
        exitCode: 2,
    },
];

for (const f of FAULTS) {
    test(`fault: ${f.fault} → exit ${f.exitCode}, named`, async () => {
        const c = await cluster();
        await f.inject(c);
        const r = await status(c, { probe: f.exitCode === 2 });
        const bad = failing(r).map(named);
        assert.equal(bad.length, f.expect.length, `expected exactly ${f.expect.join(", ")}; got:\n${bad.join("\n")}`);
        for (const want of f.expect)
            assert.ok(
                bad.some((b) => want.test(b)),
                `expected a failing check matching ${want}; got:\n${bad.join("\n")}`,
            );
        assert.equal(r.exitCode, f.exitCode, bad.join("\n"));
        for (const x of failing(r)) assert.ok(x.fix, `${named(x)} says what to do`);
        if (f.says)
            assert.ok(
                failing(r).some((x) => f.says!.test(x.detail)),
                failing(r)
                    .map((x) => x.detail)
                    .join("\n"),
            );
    });
}

test("the deleted credential in the human report: named, with its fix", async () => {
    const c = await cluster();
    c.objects.delete(`Secret/${NS}/${credential(c)}`);
    const lines = renderReport(await status(c, { probe: false })).split("\n");
    assert.match(lines[0], /^FAILING — stack consumer-gke: 1 consumer\(s\), 2 fail, \d+ ok \(exit 1/);
    assert.ok(lines.some((l) => /✗ link-secret +Secret istio-egress\/crossmesh-link-[0-9a-f]{10} is missing/.test(l)));
    assert.ok(lines.some((l) => /→ run `pulumi up --refresh` on the stack to re-create it/.test(l)));
});

test("no consumer cluster given: nothing of it checked and the probe not run (exit 2), never passed", async () => {
    const r = await status(undefined);
    assert.equal(r.exitCode, 2);
    assert.deepEqual(
        r.links[0].checks.map((c) => `${c.side}/${c.check} ${c.state}`),
        ["consumer/cluster unknown", "probe/probe unknown"],
    );
    assert.match(r.links[0].checks[0].fix ?? "", /--consumer-kubeconfig <file> or --consumer-context <ctx>/);
});

test("every consumer report matches the documented --json schema (docs/status.schema.json)", async () => {
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
        JSON.parse(fs.readFileSync(path.join(__dirname, "..", "docs", "status.schema.json"), "utf8")),
    );
    const broken = await cluster();
    broken.objects.delete(`Secret/${NS}/${credential(broken)}`);
    for (const r of [await status(await cluster()), await status(broken, { probe: false }), await status(undefined)])
        assert.ok(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors));
});
