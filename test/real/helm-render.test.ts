// Each Helm release IstioInstall registers, rendered by the REAL helm with Istio's OWN charts (both built
// by `test/real/build.sh helm charts` into ~/.cache/crossmesh-real-validators), from values
// made by the very builders the component uses (installSettings → chartReleases). Asserts what a node drain
// or a zone outage needs (2+ gateways and istiods, PDBs that select exactly their pods, zone and node
// spread) and, with mirror settings, that no rendered image and no chart source lies outside the mirror.
// The same checks run on the Helm releases of every shipped stack's plan (the stack program under the
// simulator, as `npm run plan` records them), and on the dev stack with mirror settings, where the plan's
// manifests (the verify Job, the test client) must not name an image outside the mirror either.
// Skipped, with the reason printed, when the real tools are not built.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { parseAllDocuments } from "yaml";
import { DEFAULT_ISTIO_VERSION } from "../../components/istio-install/charts";
import { ReleaseSpec, chartReleases } from "../../components/istio-install/values";
import { PlainInstallArgs, installSettings } from "../../components/istio-install/settings";
import type { GatewayRole } from "../../components/common/types";
import { CURL_IMAGE, curlImage } from "../../components/istio-install/client-pods";
import { revisionTagWebhook } from "../../components/istio-install/revision-tag";

/** One release as the plan records it (tools/plan/extract.ts): chart, repository, version, values. */
interface PlannedRelease {
    name: string;
    namespace: string;
    chart: string;
    version: string;
    repository?: string;
    values: Record<string, unknown>;
}
interface StackPlan {
    [cluster: string]: { helmReleases: PlannedRelease[]; manifests: Obj[] };
}

// Child mode: this file started again with HELM_RENDER_STACK set runs that stack's program under the
// simulator (one simulation per process) and prints its cluster plans.
if (process.env.HELM_RENDER_STACK) {
    const { stack, overrides } = JSON.parse(process.env.HELM_RENDER_STACK);
    (async () => {
        const { runStack } = await import("../../tools/simulator/stack");
        const { clusterPlans } = await import("../../tools/plan/extract");
        const run = await runStack({ stack, overrides });
        process.stdout.write(`\n@@PLAN@@${JSON.stringify(clusterPlans(run.graph))}`);
        process.exit(0);
    })().catch((e) => {
        process.stderr.write(String(e?.stack ?? e));
        process.exit(1);
    });
}

function stackPlan(stack: string, overrides?: Record<string, unknown>): StackPlan {
    const child = spawnSync(process.execPath, ["--import", "tsx", __filename], {
        cwd: path.join(__dirname, "..", ".."),
        encoding: "utf8",
        maxBuffer: 64 << 20,
        env: { ...process.env, HELM_RENDER_STACK: JSON.stringify({ stack, overrides }) },
    });
    const at = child.stdout?.lastIndexOf("@@PLAN@@") ?? -1;
    assert.ok(child.status === 0 && at >= 0, `the ${stack} stack's plan failed: ${child.stderr}`);
    return JSON.parse(child.stdout.slice(at + "@@PLAN@@".length)) as StackPlan;
}

/** A planned release as a ReleaseSpec: an oci:// chart is rendered from the local chart of the same name. */
function asSpec(r: PlannedRelease): ReleaseSpec {
    const chart = r.chart.startsWith("oci://") ? r.chart.slice(r.chart.lastIndexOf("/") + 1) : r.chart;
    assert.ok(["base", "istiod", "gateway"].includes(chart), `an Istio chart: ${r.chart}`);
    return {
        chart: chart as ReleaseSpec["chart"],
        name: r.name,
        namespace: r.namespace,
        version: r.version,
        values: r.values,
        source: { chart: r.chart, ...(r.repository ? { repositoryOpts: { repo: r.repository } } : {}) },
    };
}

const REAL_HOME = process.env.REAL_HOME ?? path.join(os.homedir(), ".cache", "crossmesh-real-validators");
const HELM = path.join(REAL_HOME, "bin", "helm");
const CHARTS = path.join(REAL_HOME, "work", "charts", DEFAULT_ISTIO_VERSION);
/** Istio's charts of one version (`test/real/build.sh charts` exports 1.30.3 and 1.29.2). */
const chartsOf = (version: string) => path.join(REAL_HOME, "work", "charts", version);
const PREVIOUS_VERSION = "1.29.2";

function missing(): string | undefined {
    if (!fs.existsSync(HELM)) return `no real helm at ${HELM} (build it: test/real/build.sh helm charts)`;
    for (const c of ["base", "istiod", "gateway"]) {
        if (!fs.existsSync(path.join(CHARTS, c, "Chart.yaml")))
            return `no Istio ${DEFAULT_ISTIO_VERSION} chart ${c} under ${CHARTS} (test/real/build.sh charts exports them)`;
    }
    return undefined;
}
const skip = process.env.HELM_RENDER_STACK ? "child process" : missing();
if (skip && !process.env.HELM_RENDER_STACK) console.log(`# helm-render: skipped: ${skip}`);

type Obj = {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string> };
    [k: string]: any;
};

/** `helm template` of one release with Istio's chart of the same name; the chart's values.schema.json applies. */
function render(r: ReleaseSpec): Obj[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-helm-"));
    const valuesFile = path.join(dir, "values.json");
    fs.writeFileSync(valuesFile, JSON.stringify(r.values));
    const run = spawnSync(
        HELM,
        ["template", r.name, path.join(chartsOf(r.version), r.chart), "--namespace", r.namespace, "-f", valuesFile],
        { encoding: "utf8", maxBuffer: 64 << 20 },
    );
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(run.status, 0, `helm template ${r.chart} failed: ${run.stderr}`);
    return parseAllDocuments(run.stdout)
        .map((d) => d.toJS() as Obj)
        .filter((o) => o && typeof o === "object" && o.kind);
}

function plan(role: GatewayRole, args: PlainInstallArgs = {}): Record<string, { spec: ReleaseSpec; objects: Obj[] }> {
    return Object.fromEntries(
        chartReleases(installSettings(role, args)).map((spec) => [spec.chart, { spec, objects: render(spec) }]),
    );
}

const one = (objects: Obj[], kind: string, what: string): Obj => {
    const found = objects.filter((o) => o.kind === kind);
    assert.equal(
        found.length,
        1,
        `${what}: exactly one ${kind}, found ${found.map((o) => o.metadata.name).join(", ") || "none"}`,
    );
    return found[0];
};
const subset = (small: Record<string, string>, big: Record<string, string>) =>
    Object.entries(small).every(([k, v]) => big[k] === v);

/** A workload that survives a node drain or a zone outage: HPA ≥ 2, a PDB over exactly its pods, spread. */
function assertHighlyAvailable(objects: Obj[], what: string): void {
    const deployment = one(objects, "Deployment", what);
    const hpa = one(objects, "HorizontalPodAutoscaler", what);
    const pdb = one(objects, "PodDisruptionBudget", what);
    assert.equal(hpa.spec.scaleTargetRef.name, deployment.metadata.name, `${what}: the HPA scales the Deployment`);
    assert.ok(hpa.spec.minReplicas >= 2, `${what}: HPA minReplicas ${hpa.spec.minReplicas} ≥ 2`);
    assert.ok(hpa.spec.maxReplicas >= hpa.spec.minReplicas, `${what}: HPA max ≥ min`);
    const podLabels = deployment.spec.template.metadata.labels;
    assert.ok(subset(pdb.spec.selector.matchLabels, podLabels), `${what}: the PDB selects the pods`);
    assert.deepEqual(
        pdb.spec.selector.matchLabels,
        deployment.spec.selector.matchLabels,
        `${what}: the PDB selects exactly the Deployment's pods`,
    );
    assert.ok(pdb.spec.minAvailable >= 1 || pdb.spec.maxUnavailable !== undefined, `${what}: the PDB keeps a pod up`);
    const spread = deployment.spec.template.spec.topologySpreadConstraints ?? [];
    for (const key of ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]) {
        const c = spread.find((x: any) => x.topologyKey === key);
        assert.ok(c, `${what}: spread across ${key}`);
        assert.equal(c.whenUnsatisfiable, "ScheduleAnyway", `${what}: a one-zone cluster still schedules`);
        assert.ok(subset(c.labelSelector.matchLabels, podLabels), `${what}: the ${key} spread counts these pods`);
    }
}

/** Every container image in every pod template of the rendered objects. */
function images(objects: Obj[]): string[] {
    return objects.flatMap((o) => {
        const pod = o.spec?.template?.spec;
        return pod ? [...(pod.initContainers ?? []), ...pod.containers].map((c: any) => String(c.image)) : [];
    });
}

const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub";
const OCI = "oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/istio-charts";

for (const [side, role] of [
    ["eks", "ingress"],
    ["gke", "egress"],
] as const) {
    test(
        `${side} (${role}), defaults: each gateway and istiod has min replicas ≥ 2, a PDB over exactly its pods, zone and node spread`,
        { skip },
        () => {
            const p = plan(role);
            assertHighlyAvailable(p.gateway.objects, `${side} gateway`);
            assertHighlyAvailable(p.istiod.objects, `${side} istiod`);
            const gw = one(p.gateway.objects, "Deployment", "gateway").spec.template.spec.containers[0];
            assert.deepEqual(gw.resources.requests, { cpu: "100m", memory: "128Mi" });
            assert.equal(
                p.gateway.objects.some((o) => o.kind === "Service"),
                role === "egress",
                "the ingress chart Service is off (crossmesh owns the NLB)",
            );
        },
    );
}

test(
    "highAvailability: false renders the lab shape the assertions above must refuse (1 replica, no PDB)",
    { skip },
    () => {
        const p = plan("ingress", { highAvailability: false });
        for (const chart of ["gateway", "istiod"]) {
            assert.equal(
                p[chart].objects.some((o) => o.kind === "PodDisruptionBudget"),
                false,
                `${chart}: no PDB`,
            );
            assert.throws(() => assertHighlyAvailable(p[chart].objects, chart), /PodDisruptionBudget|minReplicas/);
        }
    },
);

for (const [side, role] of [
    ["eks", "ingress"],
    ["gke", "egress"],
] as const) {
    test(
        `${side} (${role}) with mirrors: no rendered image and no chart source outside the mirror; pull secrets reach the pods`,
        { skip },
        () => {
            const p = plan(role, { chartRepository: OCI, imageRegistry: ECR, imagePullSecrets: ["mirror-pull"] });
            for (const { spec, objects } of Object.values(p)) {
                assert.ok(
                    spec.source.chart.startsWith(`${OCI}/`),
                    `${spec.chart}: chart ${spec.source.chart} from the mirror`,
                );
                assert.equal(spec.source.repositoryOpts, undefined, `${spec.chart}: no other repository`);
                for (const image of images(objects)) {
                    // The gateway's `image: auto` is filled in by istiod's injector, from its global.hub (checked below).
                    if (image === "auto") continue;
                    assert.ok(image.startsWith(`${ECR}/`), `${spec.chart}: image ${image} outside the mirror`);
                }
                const text = JSON.stringify(objects);
                for (const registry of ["docker.io", "gcr.io", "registry.istio.io", "quay.io", "ghcr.io"]) {
                    assert.equal(
                        text.includes(registry),
                        false,
                        `${spec.chart}: the rendered objects name ${registry}`,
                    );
                }
            }
            assert.deepEqual(images(p.istiod.objects), [`${ECR}/istio/pilot:${DEFAULT_ISTIO_VERSION}`]);
            // The injector's values: the hub of every injected proxy (sidecars and the gateways' `image: auto`).
            const injector = p.istiod.objects.find(
                (o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("istio-sidecar-injector"),
            );
            assert.ok(injector, "the injector ConfigMap");
            const injected = JSON.parse(injector.data.values);
            assert.equal(injected.global.hub, `${ECR}/istio`);
            assert.deepEqual(
                injected.global.imagePullSecrets,
                ["mirror-pull"],
                "injected pods (gateways, sidecars) get the pull secret",
            );
            const gatewayPod = one(p.gateway.objects, "Deployment", "gateway").spec.template.spec;
            assert.deepEqual(gatewayPod.imagePullSecrets, [{ name: "mirror-pull" }]);
            const istiodSa = p.istiod.objects.find(
                (o) => o.kind === "ServiceAccount" && o.metadata.name.startsWith("istiod"),
            );
            assert.deepEqual(
                istiodSa?.imagePullSecrets,
                [{ name: "mirror-pull" }],
                "istiod pulls through its service account",
            );
            // crossmesh's own pods follow the same mirror.
            assert.ok(curlImage({ imageRegistry: ECR }).startsWith(`${ECR}/`));
            assert.ok(!curlImage({ imageRegistry: ECR }).startsWith(CURL_IMAGE));
        },
    );
}

test("extra values reach the rendered objects and crossmesh's own settings survive them", { skip }, () => {
    const p = plan("ingress", {
        values: {
            gateway: {
                nodeSelector: { pool: "edge" },
                priorityClassName: "system-cluster-critical",
                autoscaling: { maxReplicas: 8 },
            },
            istiod: { nodeSelector: { pool: "system" } },
        },
    });
    const gw = one(p.gateway.objects, "Deployment", "gateway");
    assert.deepEqual(gw.spec.template.spec.nodeSelector, { pool: "edge" });
    assert.equal(gw.spec.template.spec.priorityClassName, "system-cluster-critical");
    assert.equal(one(p.gateway.objects, "HorizontalPodAutoscaler", "gateway").spec.maxReplicas, 8);
    assertHighlyAvailable(p.gateway.objects, "gateway with extra values");
    assert.equal(gw.spec.template.metadata.labels["istio.io/rev"], "1-30");
    assert.deepEqual(one(p.istiod.objects, "Deployment", "istiod").spec.template.spec.nodeSelector, { pool: "system" });
});

const STACKS = fs
    .readdirSync(path.join(__dirname, "..", "..", "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((x): x is string => Boolean(x))
    .sort();

for (const stack of STACKS) {
    test(
        `stack ${stack}: every Helm release of its plan renders with Istio's charts; each gateway and istiod is highly available`,
        { skip },
        () => {
            const plan = stackPlan(stack);
            for (const [cluster, p] of Object.entries(plan)) {
                const releases = p.helmReleases.map(asSpec);
                if (releases.length === 0) continue; // an adopted mesh: crossmesh installs nothing there
                const byChart = Object.fromEntries(releases.map((r) => [r.chart, render(r)]));
                assert.deepEqual(
                    Object.keys(byChart).sort(),
                    ["base", "gateway", "istiod"],
                    `${stack}/${cluster}: the three charts`,
                );
                assertHighlyAvailable(byChart.gateway, `${stack}/${cluster} gateway`);
                assertHighlyAvailable(byChart.istiod, `${stack}/${cluster} istiod`);
            }
        },
    );
}

test(
    "dev stack with mirror settings: its plan's chart sources and every image (charts and crossmesh's own pods) are in the mirror",
    { skip },
    () => {
        const plan = stackPlan("dev", { istio: { chartRepository: OCI, imageRegistry: ECR } });
        let releases = 0;
        for (const [cluster, p] of Object.entries(plan)) {
            for (const r of p.helmReleases) {
                releases++;
                assert.ok(
                    r.chart.startsWith(`${OCI}/`) && r.repository === undefined,
                    `${cluster}: ${r.chart} from ${r.repository ?? "its oci:// reference"}`,
                );
                for (const image of images(render(asSpec(r)))) {
                    if (image !== "auto")
                        assert.ok(
                            image.startsWith(`${ECR}/`),
                            `${cluster} ${r.chart}: image ${image} outside the mirror`,
                        );
                }
            }
            for (const o of p.manifests) {
                for (const image of images([o]))
                    assert.ok(
                        image.startsWith(`${ECR}/`),
                        `${cluster}: ${o.kind} ${o.metadata.namespace}/${o.metadata.name} (crossmesh's own pod) runs ${image}, outside the mirror`,
                    );
            }
        }
        assert.equal(releases, 6, "both sides installed from the mirror");
        assert.ok(
            images(plan.gke.manifests).length >= 1,
            "the dev stack runs crossmesh's own pods in GKE (verify Job, test client)",
        );
    },
);

test(
    "the revision tag crossmesh keeps is the one Istio's own chart renders for revisionTags [default], webhook for webhook",
    { skip },
    () => {
        for (const istiodRemote of [
            {},
            { injectionURL: "https://istiod.example:15017/inject", injectionCABundle: "Q0E=" },
        ]) {
            const spec = chartReleases(installSettings("ingress", { values: { istiod: { istiodRemote } } })).find(
                (r) => r.chart === "istiod",
            )!;
            // The chart's own tag: the same release values with the tag asked of the chart.
            const chartTag = render({ ...spec, values: { ...spec.values, revisionTags: ["default"] } }).find(
                (o) => o.kind === "MutatingWebhookConfiguration" && o.metadata.name === "istio-revision-tag-default",
            );
            assert.ok(chartTag, "the chart renders the tag when asked");
            assert.equal(
                render(spec).some((o) => o.metadata.name === "istio-revision-tag-default"),
                false,
                "crossmesh's release renders no tag of its own",
            );
            const ours = revisionTagWebhook("1-30", spec.values);
            assert.deepEqual(ours.webhooks, chartTag.webhooks, JSON.stringify(istiodRemote));
            assert.equal(ours.metadata.name, chartTag.metadata.name);
            assert.equal(ours.metadata.labels["istio.io/tag"], chartTag.metadata.labels?.["istio.io/tag"]);
        }
    },
);

const canarySkip =
    skip ??
    (fs.existsSync(path.join(chartsOf(PREVIOUS_VERSION), "istiod", "Chart.yaml"))
        ? undefined
        : `no ${PREVIOUS_VERSION} charts`);

test(
    `a canary upgrade (${PREVIOUS_VERSION} retained while ${DEFAULT_ISTIO_VERSION} installs): both istiods render clean with their own charts, side by side without a clash; the gateway runs the new revision`,
    { skip: canarySkip },
    () => {
        const specs = chartReleases(installSettings("egress", { retainedVersions: [PREVIOUS_VERSION] }));
        assert.deepEqual(
            specs.map((r) => `${r.chart} ${r.name} ${r.version}`),
            [
                `base istio-base ${DEFAULT_ISTIO_VERSION}`,
                `istiod istiod-1-30 ${DEFAULT_ISTIO_VERSION}`,
                `istiod istiod-1-29 ${PREVIOUS_VERSION}`,
                `gateway istio-egressgateway ${DEFAULT_ISTIO_VERSION}`,
            ],
        );
        const rendered = specs.map((r) => ({ r, objects: render(r) }));
        const [current, retained] = rendered.filter((x) => x.r.chart === "istiod");
        for (const { r, objects } of [current, retained]) {
            const deployment = one(objects, "Deployment", "istiod");
            assert.equal(deployment.metadata.labels?.["istio.io/rev"], r.name.replace("istiod-", ""), r.name);
            assert.match(deployment.spec.template.spec.containers[0].image, new RegExp(`pilot:${r.version}$`));
        }
        // Two revisions installed at once must not fight over any cluster-scoped or istio-system object.
        const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
        const clash = current.objects.map(key).filter((k) => retained.objects.map(key).includes(k));
        assert.deepEqual(clash, [], "no object rendered by both revisions");
        assert.equal(
            [current, retained].some(({ objects }) =>
                objects.some((o) => o.metadata.name === "istio-revision-tag-default"),
            ),
            false,
            "neither release renders the tag: crossmesh keeps it, on the new revision",
        );
        const gateway = rendered.find((x) => x.r.chart === "gateway")!;
        assert.equal(
            one(gateway.objects, "Deployment", "gateway").spec.template.metadata.labels["istio.io/rev"],
            "1-30",
        );
    },
);

test(
    `the dev stack's plan across a canary (${PREVIOUS_VERSION} → ${DEFAULT_ISTIO_VERSION}, ${PREVIOUS_VERSION} retained): no namespace label or selector changes, the running istiod exactly as it was, both revisions render clean`,
    { skip: canarySkip },
    () => {
        const before = stackPlan("dev", { istioVersion: PREVIOUS_VERSION });
        const canary = stackPlan("dev", {
            istioVersion: DEFAULT_ISTIO_VERSION,
            istio: { retainedVersions: [PREVIOUS_VERSION] },
        });
        // Credential Secrets by family: each plan is a fresh simulation, so it issues its own certificates.
        const ofObject = (o: Obj) =>
            `${o.kind} ${o.metadata.namespace ?? ""}/${o.kind === "Secret" ? o.metadata.name.replace(/-[0-9a-f]{10}$/, "") : o.metadata.name}`;
        for (const cluster of ["eks", "gke"]) {
            // What workloads and policies bind by: namespace labels and every selector of the link's objects.
            const binding = (p: StackPlan) =>
                Object.fromEntries(
                    p[cluster].manifests
                        .filter((o) => o.kind !== "Job" && o.kind !== "MutatingWebhookConfiguration")
                        .map((o) => [
                            ofObject(o),
                            {
                                labels: o.kind === "Namespace" ? o.metadata.labels : undefined,
                                selector: o.spec?.selector,
                                workloadSelector: o.spec?.workloadSelector,
                            },
                        ]),
                );
            assert.deepEqual(
                binding(canary),
                binding(before),
                `${cluster}: nothing a workload or policy binds by moves`,
            );
            const istiods = (p: StackPlan) => p[cluster].helmReleases.filter((r) => r.chart.endsWith("istiod"));
            assert.deepEqual(
                istiods(canary)
                    .map((r) => `${r.name} ${r.version}`)
                    .sort(),
                [`istiod-1-29 ${PREVIOUS_VERSION}`, `istiod-1-30 ${DEFAULT_ISTIO_VERSION}`],
                `${cluster}: both revisions during the canary`,
            );
            const [running] = istiods(before);
            assert.deepEqual(
                istiods(canary).find((r) => r.name === running.name),
                running,
                `${cluster}: the running istiod's release is exactly as it was`,
            );
            for (const r of istiods(canary)) assert.ok(render(asSpec(r)).length > 0, `${cluster}: ${r.name} renders`);
        }
    },
);
