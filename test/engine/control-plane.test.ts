// crossmesh installing Istio for real, under a REAL Pulumi engine, on local clusters where pods are scheduled
// and become Ready: KWOK nodes in three zones and kube-scheduler (test/real/nodes-up.sh), Istio's charts from a
// local HTTPS Helm repository (chart-repo.sh), Istio's own injector and validator answering the webhooks from
// outside the cluster (istio-webhooks.sh: the external-control-plane topology; the gateway pods carry the real
// injector's spec), and an NLB stand-in that gives the ingress Service its hostname (load-balancers.sh).
//
// Steps, each with its expectation: install mode on both clusters to Ready (without high availability); a drain
// of every node in turn takes the single gateways and istiods to 0 Ready (the outage the HA defaults prevent);
// the HA defaults (2 replicas, PDBs, zone spread) then keep ≥ 1 Ready ingress gateway, egress gateway and istiod
// on each cluster through the same drains; `verify: true` makes `up` wait for the Job; a Job that fails fails
// `up` with the Job's own message; destroy leaves nothing.
//
//   node --import tsx --test test/engine/control-plane.test.ts        (part of npm run test:engine)
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import {
    BIN,
    EngineSession,
    ROOT,
    TOOLS,
    replaced,
    replacedObjects,
    typeOf,
    sh,
    skipReason,
    stepsOf,
    tool,
    ENGINE_BINARIES,
} from "./harness";

const SKIP = skipReason([...ENGINE_BINARIES, "kube-scheduler", "kwok", "helm", "istio-webhooks"]);
if (SKIP) console.log(`# control-plane test skipped: ${SKIP}`);
const opts = { skip: SKIP };

/** The pods whose readiness the drains watch, by their `app` label. */
const GROUPS = ["istio-ingressgateway", "istio-egressgateway", "istiod"];
const NODES = 3;
/** The minor upgrade: installed at FROM_VERSION, upgraded to TO_VERSION (test/real/build.sh charts exports both). */
const FROM_VERSION = "1.29.2";
const TO_VERSION = "1.30.3";

let s: EngineSession;
const EKS = () => s.kubeconfigs.eks;
const GKE = () => s.kubeconfigs.gke;

before(() => {
    if (SKIP) return;
    // Fresh clusters (the adopted-mesh test seeds gateways this test installs itself), and fresh processes
    // talking to them.
    for (const name of ["eks", "gke"]) tool("istio-webhooks.sh", ["down", name]);
    tool("load-balancers.sh", ["down", "eks"]);
    tool("clusters-down.sh");
    const kube = tool("clusters-up.sh");
    for (const name of ["eks", "gke"]) tool("nodes-up.sh", [name, String(NODES)]);
    tool("load-balancers.sh", ["up", "eks"]);
    const ca = tool("local-ca.sh");
    const repo = tool("chart-repo.sh", ["up"]);
    const eksHooks = tool("istio-webhooks.sh", ["up", "eks", "15017"]);
    const gkeHooks = tool("istio-webhooks.sh", ["up", "gke", "15018"]);
    s = new EngineSession(
        path.join(__dirname, "program"),
        { eks: kube.EKS_KUBECONFIG!, gke: kube.GKE_KUBECONFIG! },
        {
            CHART_REPOSITORY: repo.CHART_REPOSITORY,
            EKS_WEBHOOK_URL: eksHooks.WEBHOOK_URL,
            GKE_WEBHOOK_URL: gkeHooks.WEBHOOK_URL,
            LOCAL_CA: ca.LOCAL_CA,
            // The kubernetes provider's Helm client trusts the local repository as it trusts a public one.
            SSL_CERT_FILE: ca.LOCAL_CA_BUNDLE,
        },
    );
    s.watch();
    s.pulumi("stack", "init", "local");
    s.pulumi("config", "set", "istio", "install");
    s.pulumi("config", "set", "services", "2");
    s.pulumi("config", "set", "highAvailability", "false");
    s.pulumi("config", "set", "istioVersion", FROM_VERSION);
});

after(() => {
    if (SKIP || !s) return;
    s.finish("control-plane-report.json");
    for (const name of ["eks", "gke"]) tool("istio-webhooks.sh", ["down", name]);
    tool("load-balancers.sh", ["down", "eks"]);
    tool("chart-repo.sh", ["down"]);
    sh(path.join(TOOLS, "clusters-down.sh"), [], { cwd: ROOT, allowFail: true });
});

interface PodRow {
    name: string;
    app: string;
    ready: boolean;
    node: string;
    images: string[];
    injected: boolean;
}
function pods(kubeconfig: string, namespace: string): PodRow[] {
    const out = s.kubectl(kubeconfig, "-n", namespace, "get", "pods", "-o", "json").stdout;
    return (JSON.parse(out).items as any[]).map((p) => ({
        name: p.metadata.name,
        app: p.metadata.labels?.app,
        ready: (p.status.conditions ?? []).some((c: any) => c.type === "Ready" && c.status === "True"),
        node: p.spec.nodeName,
        images: p.spec.containers.map((c: any) => c.image),
        injected: Boolean(p.metadata.annotations?.["sidecar.istio.io/status"]),
    }));
}

/**
 * `crossmesh status` (no probe: nothing runs inside KWOK's pods) on the installed meshes: exit 0, and the gateway
 * checks found the chart's own Deployment, pods and PDB on each side.
 */
function statusHealthy(label: string) {
    const r = s.status(label, ["--no-probe"]);
    assert.equal(r.exitCode, 0, r.named.join("\n"));
    const checks = r.report.links[0].checks as { side: string; check: string; state: string; detail?: string }[];
    for (const side of ["eks", "gke"])
        for (const check of ["gateway-pods", "gateway-disruption-budget"])
            assert.ok(
                checks.some((c) => c.side === side && c.check === check && c.state === "ok"),
                `${side}/${check} ok`,
            );
    return {
        detail: checks
            .filter((c) => c.check === "gateway-pods")
            .map((c) => `${c.side}: ${c.detail}`)
            .join("; "),
    };
}

/**
 * Drains every node of both clusters in turn (evictions through the PDBs), uncordoning each after. Async, so
 * the pod watches are read while the drains run; resolves to the lowest Ready counts seen meanwhile.
 */
async function drainAll(): Promise<Record<string, number>> {
    const t0 = Date.now();
    for (const [cluster, kc] of Object.entries(s.kubeconfigs))
        for (let i = 1; i <= NODES; i++) {
            const node = `${cluster}-node-${i}`;
            const args = [
                "--kubeconfig",
                kc,
                "drain",
                node,
                "--ignore-daemonsets",
                "--delete-emptydir-data",
                "--timeout=180s",
            ];
            const code = await new Promise<number | null>((resolve) =>
                spawn(path.join(BIN, "kubectl"), args, { stdio: "ignore" }).on("close", resolve),
            );
            assert.equal(code, 0, `drain ${node}`);
            s.kubectl(kc, "uncordon", node);
        }
    await new Promise((r) => setTimeout(r, 2000)); // the last evictions' replacements become Ready
    return s.minReady(t0, GROUPS);
}

/** Every gateway and istiod pod Ready, `n` of each, the gateways injected by the real injector. */
/** `n` Ready pods of each gateway, injected with `version`'s proxy, spread over nodes; `istiods` istiod pods (a canary runs two revisions' worth). */
function assertInstalled(n: number, version = FROM_VERSION, istiods = n) {
    for (const [kc, ns, app] of [
        [EKS(), "istio-ingress", "istio-ingressgateway"],
        [GKE(), "istio-egress", "istio-egressgateway"],
        [EKS(), "istio-system", "istiod"],
        [GKE(), "istio-system", "istiod"],
    ] as const) {
        const want = app === "istiod" ? istiods : n;
        let ready: PodRow[] = [];
        for (let i = 0; i < 30; i++) {
            ready = pods(kc, ns).filter((p) => p.app === app && p.ready);
            if (ready.length === want) break;
            sh("sleep", ["1"], { cwd: ROOT });
        }
        assert.equal(ready.length, want, `${want} Ready ${app} pods`);
        if (app !== "istiod")
            for (const p of ready) {
                assert.ok(p.injected, `${p.name} went through Istio's injector`);
                assert.ok(
                    p.images.includes(`docker.io/istio/proxyv2:${version}`),
                    `${p.name} runs the injected ${version} proxy`,
                );
            }
        if (want > 1 && want === n)
            assert.equal(new Set(ready.map((p) => p.node)).size, n, `${app} pods spread over nodes`);
    }
}

test("install mode: up installs Istio on both clusters from the chart repository, awaited to Ready", opts, async () => {
    await s.step("up (install, highAvailability: false)", () => {
        s.pulumi("up", "--yes", "--skip-preview");
        assertInstalled(1);
        for (const kc of [EKS(), GKE()])
            assert.ok(
                s.leftovers(kc).some((o) => /secret\/payments-link-[0-9a-f]{10}$/.test(o)),
                "the link Secret exists",
            );
        const releases = s.kubectl(EKS(), "get", "secrets", "-A", "-l", "owner=helm", "-o", "name").stdout;
        return { detail: `Helm releases on EKS: ${releases.trim().split("\n").length} revisions` };
    });
});

test("Istio's own validator answers the webhook: an invalid VirtualService is refused", opts, async () => {
    await s.step("validation webhook refuses bad config", () => {
        const bad = {
            apiVersion: "networking.istio.io/v1",
            kind: "VirtualService",
            metadata: { name: "bad", namespace: "istio-ingress" },
            spec: { hosts: ["a.example.com"], http: [{ route: [{ destination: { host: "b.example.com/x" } }] }] },
        };
        const r = s.apply(EKS(), bad);
        assert.notEqual(r.status, 0, "refused");
        assert.match(r.stderr, /admission webhook "validation\.istio\.io" denied the request/);
    });
});

test("a drain without high availability takes the link down (0 Ready gateways for a moment)", opts, async () => {
    const r = await s.step("drain every node, highAvailability: false", async () => ({ minReady: await drainAll() }));
    assert.equal(r.minReady!["eks/istio-ingressgateway"], 0, "the single ingress gateway was evicted");
    assert.equal(r.minReady!["gke/istio-egressgateway"], 0, "the single egress gateway was evicted");
    assert.equal(r.minReady!["eks/istiod"], 0, "the single istiod was evicted");
});

test("the HA defaults: 2 replicas spread over nodes, PDBs; a second preview has nothing to do", opts, async () => {
    const ha = await s.step("up (highAvailability: true)", () => {
        s.pulumi("config", "set", "highAvailability", "true");
        const r = s.previewThenUp([]);
        assertInstalled(2);
        for (const [kc, ns] of [
            [EKS(), "istio-ingress"],
            [GKE(), "istio-egress"],
            [EKS(), "istio-system"],
            [GKE(), "istio-system"],
        ] as const) {
            const pdbs = JSON.parse(s.kubectl(kc, "-n", ns, "get", "pdb", "-o", "json").stdout).items as any[];
            assert.equal(pdbs.length, 1, `one PDB in ${ns}`);
            assert.equal(pdbs[0].spec.minAvailable, 1);
        }
        return r;
    });
    assert.deepEqual(
        [ha.replacedKubernetesObjects, ha.deletedLinkSecrets],
        [[], []],
        "the installs change, the link does not",
    );
    await s.step("preview --expect-no-changes (after install)", () => void s.pulumi("preview", "--expect-no-changes"));
    await s.step("crossmesh status over the installed meshes", () => statusHealthy("installed, HA"));
});

test("drains keep the link: ≥ 1 Ready ingress gateway, egress gateway and istiod at every moment", opts, async () => {
    const r = await s.step("drain every node, highAvailability: true", async () => ({ minReady: await drainAll() }));
    for (const group of ["eks/istio-ingressgateway", "gke/istio-egressgateway", "eks/istiod", "gke/istiod"])
        assert.ok((r.minReady![group] ?? 0) >= 1, `${group}: ${r.minReady![group]} Ready at the worst moment`);
});

const VERIFY_JOB = /crossmesh-verify-/;
function verifyJobs(): { name: string; succeeded: number; failed: number }[] {
    const out = s.kubectl(GKE(), "-n", "payments-verify", "get", "jobs", "-o", "json").stdout;
    return (JSON.parse(out).items as any[])
        .filter((j) => VERIFY_JOB.test(j.metadata.name))
        .map((j) => ({ name: j.metadata.name, succeeded: j.status.succeeded ?? 0, failed: j.status.failed ?? 0 }));
}
const FAILURE =
    "FAIL payments-1.external: wanted a 2xx answer; last answer: curl: (56) Recv failure: Connection reset by peer";

test("verify: true — up waits for the check Job, which has succeeded when up returns", opts, async () => {
    await s.step("up (verify: true)", () => {
        s.pulumi("config", "set", "verify", "true");
        const r = s.previewThenUp([]);
        const jobs = verifyJobs();
        assert.equal(jobs.length, 1);
        assert.equal(jobs[0]!.succeeded, 1, "the Job completed before up returned");
        return { ...r, detail: `Job ${jobs[0]!.name} succeeded` };
    });
});

test(
    "a check Job that fails fails up with the Job's own message; fixed, `up --replace` on the Job passes",
    opts,
    async () => {
        await s.step("up with a failing check Job", () => {
            // Job pods now fail as curl would on a broken link, with the log's tail as their termination message.
            tool("nodes-up.sh", ["gke", String(NODES)], {
                ...process.env,
                JOB_PODS: "fail",
                JOB_FAIL_MESSAGE: FAILURE,
            });
            s.pulumi("config", "set", "services", "3"); // a changed link: a new check Job
            const r = s.sh(
                path.join(s.env.PATH!.split(":")[0]!, "pulumi"),
                ["up", "--yes", "--skip-preview", "--non-interactive"],
                {
                    allowFail: true,
                },
            );
            assert.notEqual(r.status, 0, "up fails");
            const output = r.stdout + r.stderr;
            assert.match(output, /\[BackoffLimitExceeded\] Job has reached the specified backoff limit/);
            assert.ok(output.includes(`[Error] ${FAILURE}`), "the Job's pods' own message is in up's error");
            return { detail: "up failed with the check's FAIL line" };
        });
        await s.step("fixed: up --replace on the check Job", () => {
            tool("nodes-up.sh", ["gke", String(NODES)]);
            const [job] = s.urnsOf("kubernetes:batch/v1:Job", /-verify$/);
            s.pulumi("up", "--yes", "--skip-preview", "--replace", job!);
            assert.ok(verifyJobs().some((j) => j.succeeded === 1));
            s.pulumi("preview", "--expect-no-changes");
        });
    },
);

/** Helm releases deployed in istio-system on one cluster, by name. */
function deployedReleases(kc: string): string[] {
    const r = s.kubectl(
        kc,
        "-n",
        "istio-system",
        "get",
        "secrets",
        "-l",
        "owner=helm,status=deployed",
        "-o",
        "jsonpath={.items[*].metadata.labels.name}",
    );
    return r.stdout.split(" ").filter(Boolean).sort();
}
/** The labels of the namespaces crossmesh made, by name: what workloads' injection hangs on. */
function namespaceLabels(kc: string): string {
    return s.kubectl(
        kc,
        "get",
        "namespaces",
        "-l",
        "app.kubernetes.io/managed-by=crossmesh",
        "-o",
        'jsonpath={range .items[*]}{.metadata.name}={.metadata.labels}{"\\n"}{end}',
    ).stdout;
}

test(
    "a canary minor upgrade of Istio keeps the link: the retained revision beside the new one, the gateways and the tag move, nothing of the link replaced or deleted; the old revision goes in a later up",
    opts,
    async () => {
        let releasesReplaced: string[] = [];
        let releasesCreated: string[] = [];
        const labelsBefore = [namespaceLabels(EKS()), namespaceLabels(GKE())];
        const r = await s.step(
            `canary upgrade Istio ${FROM_VERSION} → ${TO_VERSION}, ${FROM_VERSION} retained`,
            async () => {
                const t0 = Date.now();
                s.pulumi("config", "set", "istioVersion", TO_VERSION);
                s.pulumi("config", "set", "retainedVersions", FROM_VERSION);
                const planned = stepsOf(s.pulumi("preview", "--json").stdout);
                const up = stepsOf(s.pulumi("up", "--yes", "--skip-preview", "--json").stdout);
                await new Promise((done) => setTimeout(done, 2000)); // the watches catch up
                // The check Job is replaced by design (after an upgrade the link's check runs again); Helm releases apart.
                const objects = replacedObjects([...planned, ...up]).filter((n) => !/-verify$/.test(n));
                const helm = (type: string) => type === "kubernetes:helm.sh/v3:Release";
                releasesReplaced = replaced([...planned, ...up], helm).sort();
                releasesCreated = [
                    ...new Set(
                        up.filter((x) => x.op === "create" && helm(typeOf(x.urn))).map((x) => x.urn.split("::").pop()!),
                    ),
                ].sort();
                return {
                    replacedKubernetesObjects: objects,
                    minReady: s.minReady(t0, GROUPS),
                    detail: `Helm releases created: ${releasesCreated.join(", ")}; replaced: ${releasesReplaced.join(", ") || "none"}; istiod revisions Ready at once: ${JSON.stringify(s.revisionsAtOnce(t0, "istiod"))}`,
                };
            },
        );
        assert.deepEqual(releasesReplaced, [], "no release replaced: the retained istiod stays as it runs");
        assert.deepEqual(releasesCreated, ["payments-eks-istio-istiod-1-30", "payments-gke-istio-istiod-1-30"]);
        assert.deepEqual(r.replacedKubernetesObjects, [], "no link object replaced");
        assert.deepEqual([r.deletedLinkSecrets, r.deletedLiveSecrets], [[], []], "no link Secret deleted");
        assert.deepEqual(
            [namespaceLabels(EKS()), namespaceLabels(GKE())],
            labelsBefore,
            "namespace labels unchanged (the stable tag)",
        );
        for (const group of ["eks/istio-ingressgateway", "gke/istio-egressgateway"])
            assert.ok(
                (r.minReady![group] ?? 0) >= 1,
                `${group}: ${r.minReady![group]} Ready at the worst moment of the upgrade`,
            );
        const atOnce = s.revisionsAtOnce(0, "istiod");
        for (const cluster of ["eks", "gke"])
            assert.deepEqual(atOnce[cluster], ["1-29", "1-30"], `${cluster}: both istiod revisions Ready side by side`);
        // The gateways moved: every gateway pod is the new revision's, injected with its proxy; both istiods run.
        assertInstalled(2, TO_VERSION, 4);
        for (const [kc, ns] of [
            [EKS(), "istio-ingress"],
            [GKE(), "istio-egress"],
        ] as const) {
            const revisions = s.kubectl(
                kc,
                "-n",
                ns,
                "get",
                "pods",
                "-o",
                "jsonpath={.items[*].metadata.labels.istio\\.io/rev}",
            );
            assert.deepEqual([...new Set(revisions.stdout.split(" "))], ["1-30"]);
            const tag = s.kubectl(
                kc,
                "get",
                "mutatingwebhookconfiguration",
                "istio-revision-tag-default",
                "-o",
                "jsonpath={.metadata.labels.istio\\.io/rev}",
            );
            assert.equal(tag.stdout, "1-30", "the default tag moved to the new revision");
            assert.deepEqual(
                deployedReleases(kc),
                ["istio-base", "istiod-1-29", "istiod-1-30"],
                "the canary: both istiods",
            );
        }
        await s.step(
            "preview --expect-no-changes (during the canary)",
            () => void s.pulumi("preview", "--expect-no-changes"),
        );
        await s.step("crossmesh status during the canary", () => statusHealthy("during the canary"));

        let deleted: string[] = [];
        const done = await s.step(`the old revision removed (retainedVersions emptied)`, () => {
            s.pulumi("config", "rm", "retainedVersions");
            const up = stepsOf(s.pulumi("up", "--yes", "--skip-preview", "--json").stdout);
            deleted = up
                .filter((x) => x.op === "delete")
                .map((x) => x.urn.split("::").pop()!)
                .sort();
            return { replacedKubernetesObjects: replacedObjects(up), detail: `deleted: ${deleted.join(", ")}` };
        });
        assert.deepEqual(
            deleted,
            ["payments-eks-istio-istiod-1-29", "payments-gke-istio-istiod-1-29"],
            "only the old istiods go",
        );
        assert.deepEqual([done.replacedKubernetesObjects, done.deletedLinkSecrets], [[], []]);
        for (const kc of [EKS(), GKE()]) {
            const left = s.kubectl(
                kc,
                "get",
                "deployments,mutatingwebhookconfigurations,validatingwebhookconfigurations",
                "-A",
                "-o",
                "name",
            );
            assert.doesNotMatch(left.stdout, /1-29/, "nothing of revision 1-29 left");
            assert.deepEqual(deployedReleases(kc), ["istio-base", "istiod-1-30"]);
        }
        assertInstalled(2, TO_VERSION);
        await s.step(
            "preview --expect-no-changes (after the upgrade)",
            () => void s.pulumi("preview", "--expect-no-changes"),
        );
        await s.step("crossmesh status after the upgrade", () => statusHealthy("after the upgrade"));
    },
);

test("destroy removes the link and the Istio installs from both clusters", opts, async () => {
    await s.step("destroy", () => {
        s.pulumi("destroy", "--yes", "--skip-preview");
        for (const kc of [EKS(), GKE()]) {
            assert.deepEqual(s.leftovers(kc), []);
            const releases = s.kubectl(kc, "get", "secrets", "-A", "-l", "owner=helm", "-o", "name").stdout.trim();
            assert.equal(releases, "", "no Helm release left");
            const left = s.kubectl(kc, "get", "pods,deployments,mutatingwebhookconfigurations", "-A", "-o", "name");
            assert.doesNotMatch(left.stdout, /istio/, "no Istio pod, Deployment or webhook left");
        }
    });
});
