// IstioInstall for production clusters, under the provider simulator: high availability by default and the
// lab switch, installs from a chart mirror (HTTPS or OCI) and an image mirror, the extra-values escape
// hatch (merged over crossmesh's values; owned keys refused before anything registers), and mesh-wide
// STRICT mTLS in install and adopt mode. What Helm renders from these values is checked with the real helm
// and Istio's charts in helm-render.test.ts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import { expectRefused } from "./support/refused";

const sim = startSimulation();
const TOKEN = "crossmesh:index:IstioInstall";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const PEER_AUTH = "kubernetes:security.istio.io/v1:PeerAuthentication";
const EKS_KUBECONFIG = "apiVersion: v1\nclusters:\n- name: arn:aws:eks:eu-west-1:123456789012:cluster/eks-lab5\n";
const GKE_KUBECONFIG = "apiVersion: v1\nclusters:\n- name: gke_crossmesh_europe-west1_mesh-lab\n";
const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub";

const providers: Record<string, pulumi.ProviderResource> = {};
async function opts(kind: "eks" | "gke"): Promise<pulumi.ComponentResourceOptions> {
    const k8s = await import("@pulumi/kubernetes");
    providers[kind] ??= new k8s.Provider(kind, { kubeconfig: kind === "eks" ? EKS_KUBECONFIG : GKE_KUBECONFIG });
    return { provider: providers[kind] };
}

const inputs = (r: RecordedResource) => unsecret(r.rawInputs) as Record<string, any>;

async function deploy(name: string, args: Record<string, unknown>, kind: "eks" | "gke" = "eks") {
    const { IstioInstall } = await import("../components/istio-install");
    const component = new IstioInstall(name, args as never, await opts(kind));
    await Promise.all([valueOf(component.gateway.namespace), valueOf(component.revision)]);
    await settle();
    const children = sim.graph.children(sim.graph.one(TOKEN, name).urn);
    // istiod's resource is named by its revision (1-30 at the default version).
    const release = (chart: string) =>
        inputs(sim.graph.one(RELEASE, `${name}-${chart}${chart === "istiod" ? "-1-30" : ""}`));
    return { component, children, release, of: (type: string) => children.filter((r) => r.type === type) };
}

async function rejects(args: Record<string, unknown>, propertyPath: string, fix: RegExp, kind: "eks" | "gke" = "eks") {
    const { IstioInstall } = await import("../components/istio-install");
    const o = await opts(kind);
    return expectRefused(sim.graph, () => new IstioInstall("bad", args as never, o), propertyPath, fix);
}

test("high availability by default: 2..5 gateways and istiods, both with a PDB (minAvailable 1) and zone/node spread", async () => {
    const { release } = await deploy("ha", { gatewayRole: "egress" }, "gke");
    const gw = release("gateway").values;
    assert.deepEqual(gw.autoscaling, { enabled: true, minReplicas: 2, maxReplicas: 5 });
    assert.deepEqual(gw.podDisruptionBudget, { minAvailable: 1 });
    assert.deepEqual(
        gw.topologySpreadConstraints.map((c: any) => [c.topologyKey, c.whenUnsatisfiable, c.labelSelector.matchLabels]),
        [
            ["topology.kubernetes.io/zone", "ScheduleAnyway", { app: "istio-egressgateway", istio: "egressgateway" }],
            ["kubernetes.io/hostname", "ScheduleAnyway", { app: "istio-egressgateway", istio: "egressgateway" }],
        ],
        "zones first, then nodes, over exactly the gateway's pods, as a preference",
    );
    assert.deepEqual(gw.resources, { requests: { cpu: "100m", memory: "128Mi" } });
    const istiod = release("istiod").values;
    assert.equal(istiod.autoscaleMin, 2);
    assert.equal(istiod.autoscaleMax, 5);
    assert.deepEqual(istiod.pdb, { minAvailable: 1 });
    assert.deepEqual(istiod.topologySpreadConstraints[0].labelSelector.matchLabels, {
        app: "istiod",
        "istio.io/rev": "1-30",
    });
});

test("highAvailability: false scales down for a lab: the charts' single gateway and istiod, no PDB values, no spread", async () => {
    const { release } = await deploy("lab", { gatewayRole: "ingress", highAvailability: false });
    const gw = release("gateway").values;
    assert.deepEqual(Object.keys(gw).sort(), ["resources", "revision", "service"]);
    const istiod = release("istiod").values;
    for (const key of ["autoscaleMin", "autoscaleMax", "pdb", "topologySpreadConstraints"])
        assert.equal(key in istiod, false, `${key} is left to the chart`);
});

test("an HTTPS chart mirror: every release names the mirror as its repository, nothing else", async () => {
    const mirror = "https://charts.example.internal/istio";
    const { of } = await deploy("https-mirror", { gatewayRole: "egress", chartRepository: mirror }, "gke");
    const releases = of(RELEASE).map(inputs);
    assert.equal(releases.length, 3);
    for (const r of releases) {
        assert.deepEqual(r.repositoryOpts, { repo: mirror });
        assert.ok(["base", "istiod", "gateway"].includes(r.chart), r.chart);
        assert.equal(r.version, "1.30.3");
    }
});

test("an OCI chart mirror: chart is the full oci:// reference and the Release has no repositoryOpts", async () => {
    const oci = "oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/istio-charts/";
    const { release } = await deploy("oci-mirror", { gatewayRole: "ingress", chartRepository: oci });
    for (const chart of ["base", "istiod", "gateway"]) {
        const r = release(chart);
        assert.equal(
            r.chart,
            `oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/istio-charts/${chart}`,
            "no doubled slash",
        );
        assert.equal(r.repositoryOpts, undefined, "Helm resolves OCI references itself");
        assert.equal(r.version, "1.30.3");
    }
});

test("an image mirror: global.hub is <mirror>/istio for istiod and every injected proxy; pull secrets on all three charts", async () => {
    const { release } = await deploy("img-mirror", {
        gatewayRole: "ingress",
        imageRegistry: ECR,
        imagePullSecrets: ["mirror-pull"],
    });
    assert.equal(release("istiod").values.global.hub, `${ECR}/istio`);
    assert.deepEqual(release("istiod").values.global.imagePullSecrets, ["mirror-pull"]);
    assert.deepEqual(
        release("base").values.global,
        { imagePullSecrets: ["mirror-pull"] },
        "base runs no image: only its service accounts get the secret",
    );
    assert.deepEqual(
        release("gateway").values.imagePullSecrets,
        [{ name: "mirror-pull" }],
        "the gateway chart takes objects, not names",
    );
    const { curlImage, CURL_IMAGE } = await import("../components/istio-install");
    assert.equal(
        curlImage({ imageRegistry: ECR }),
        `${ECR}/${CURL_IMAGE}`,
        "crossmesh's own pods follow the same mirror",
    );
});

test("extra values are deep-merged over crossmesh's: objects merge, lists replace, crossmesh's keys stay", async () => {
    const { release } = await deploy("extra", {
        gatewayRole: "ingress",
        values: {
            gateway: {
                nodeSelector: { pool: "edge" },
                autoscaling: { maxReplicas: 10 },
                podAnnotations: { "example.com/team": "payments" },
            },
            istiod: {
                meshConfig: { accessLogFile: "/dev/stdout" },
                global: { priorityClassName: "system-cluster-critical" },
            },
            base: { base: { enableIstioConfigCRDs: true } },
        },
    });
    const gw = release("gateway").values;
    assert.deepEqual(gw.nodeSelector, { pool: "edge" });
    assert.deepEqual(gw.autoscaling, { enabled: true, minReplicas: 2, maxReplicas: 10 }, "merged key by key");
    assert.equal(gw.revision, "1-30");
    assert.deepEqual(gw.service, { type: "None" });
    const istiod = release("istiod").values;
    assert.equal(istiod.meshConfig.accessLogFile, "/dev/stdout");
    assert.equal(istiod.meshConfig.trustDomain, "eks.crossmesh.local", "crossmesh's meshConfig kept beside the user's");
    assert.equal(istiod.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE, "true");
    assert.equal(istiod.global.priorityClassName, "system-cluster-critical");
    assert.deepEqual(release("base").values, { defaultRevision: "1-30", base: { enableIstioConfigCRDs: true } });

    const { deepMerge } = await import("../components/istio-install/values");
    assert.deepEqual(
        deepMerge({ a: [1, 2], b: { c: 1, d: 2 } }, { a: [3], b: { d: null } }),
        { a: [3], b: { c: 1, d: null } },
        "a list replaces; null is passed on (Helm deletes the key)",
    );
});

test("an owned key in extra values is refused, naming the key path and why; nothing registers", async () => {
    await rejects(
        { gatewayRole: "ingress", values: { istiod: { meshConfig: { trustDomain: "other" } } } },
        "values.istiod.meshConfig.trustDomain",
        /set by crossmesh: the link's SPIFFE ids .* set the trustDomain argument instead/,
    );
    await rejects(
        { gatewayRole: "ingress", values: { istiod: { revision: "x" } } },
        "values.istiod.revision",
        /set by crossmesh/,
    );
    await rejects(
        { gatewayRole: "ingress", values: { istiod: { revisionTags: [] } } },
        "values.istiod.revisionTags",
        /keeps the tag "default" itself/,
    );
    await rejects(
        {
            gatewayRole: "ingress",
            values: {
                istiod: { meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: "false" } } } },
            },
        },
        "values.istiod.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE",
        /DNS proxy/,
    );
    await rejects(
        { gatewayRole: "ingress", values: { istiod: { global: { hub: "docker.io/istio" } } } },
        "values.istiod.global.hub",
        /imageRegistry argument/,
    );
    await rejects(
        { gatewayRole: "ingress", values: { istiod: { meshConfig: null } } },
        "values.istiod.meshConfig",
        /would replace meshConfig\.trustDomain, which is set by crossmesh/,
    );
    await rejects(
        { gatewayRole: "ingress", values: { gateway: { service: { annotations: { a: "b" } } } } },
        "values.gateway.service",
        /crossmesh owns its NLB Service/,
    );
    await rejects(
        { gatewayRole: "egress", values: { gateway: { service: { type: "LoadBalancer" } } } },
        "values.gateway.service.type",
        /must stay ClusterIP/,
        "gke",
    );
    await rejects(
        { gatewayRole: "ingress", values: { gateway: { labels: { app: "x" } } } },
        "values.gateway.labels.app",
        /selector label/,
    );
    await rejects(
        { gatewayRole: "ingress", values: { gateway: { name: "x" } } },
        "values.gateway.name",
        /gatewayName argument/,
    );
    await rejects(
        { gatewayRole: "ingress", values: { base: { defaultRevision: "x" } } },
        "values.base.defaultRevision",
        /validating webhook/,
    );
    await rejects(
        { gatewayRole: "ingress", values: { cni: {} } },
        "values.cni",
        /not one of the charts crossmesh installs/,
    );
    await rejects(
        { gatewayRole: "ingress", values: { gateway: { nodeSelector: { pool: pulumi.output("edge") } } } },
        "values.gateway.nodeSelector.pool",
        /plain data/,
    );
    await rejects({ gatewayRole: "ingress", values: pulumi.output({}) }, "values", /plain object/);
});

test("the egress gateway's own Service stays configurable: annotations pass, only its type is owned", async () => {
    const { release } = await deploy(
        "egress-annot",
        { gatewayRole: "egress", values: { gateway: { service: { annotations: { "cloud.google.com/neg": "{}" } } } } },
        "gke",
    );
    assert.deepEqual(release("gateway").values.service, {
        type: "ClusterIP",
        annotations: { "cloud.google.com/neg": "{}" },
    });
});

test("mirror settings are validated up front, with the user's path and the fix", async () => {
    await rejects(
        { gatewayRole: "ingress", chartRepository: "http://charts.example.internal" },
        "chartRepository",
        /uses http; charts must come over https:\/\/ or from an oci:\/\/ registry/,
    );
    await rejects(
        { gatewayRole: "ingress", chartRepository: "https://user:secret@charts.example.internal" },
        "chartRepository",
        /carries credentials/,
    );
    await rejects(
        { gatewayRole: "ingress", chartRepository: "oci://registry.example.internal/istio/base" },
        "chartRepository",
        /ends in a chart name/,
    );
    await rejects(
        { gatewayRole: "ingress", chartRepository: "oci://registry.example.internal/istio:1.30.3" },
        "chartRepository",
        /has a tag or digest/,
    );
    await rejects(
        { gatewayRole: "ingress", chartRepository: "charts.example.internal" },
        "chartRepository",
        /is not a URL/,
    );
    await rejects(
        { gatewayRole: "ingress", imageRegistry: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com" },
        "imageRegistry",
        /has a scheme/,
    );
    await rejects(
        { gatewayRole: "ingress", imageRegistry: "istio" },
        "imageRegistry",
        /does not start with a registry host/,
    );
    await rejects(
        { gatewayRole: "ingress", imageRegistry: "mirror.example.internal/Docker:1" },
        "imageRegistry",
        /not a repository path component/,
    );
    await rejects(
        { gatewayRole: "ingress", imagePullSecrets: ["Mirror Pull"] },
        "imagePullSecrets[0]",
        /not a Secret name/,
    );
    await rejects({ gatewayRole: "ingress", highAvailability: "yes" }, "highAvailability", /plain boolean/);
});

test("install-only settings are refused for an adopted mesh; meshRootNamespace only for adopted meshes with strictMtls", async () => {
    const adopted = {
        gatewayRole: "egress",
        adoptExisting: true,
        trustDomain: "corp.example",
        existingGateway: {
            namespace: "istio-egress",
            selectorLabels: { istio: "egressgateway" },
            serviceName: "istio-egressgateway",
            serviceAccount: "istio-egressgateway",
        },
    };
    for (const [field, value] of [
        ["imageRegistry", ECR],
        ["chartRepository", "https://charts.example.internal"],
        ["values", {}],
        ["highAvailability", false],
        ["imagePullSecrets", ["p"]],
    ] as const) {
        await rejects({ ...adopted, [field]: value }, field, /applies only when crossmesh installs Istio/, "gke");
    }
    await rejects(
        { gatewayRole: "ingress", strictMtls: true, meshRootNamespace: "mesh-root" },
        "meshRootNamespace",
        /for adopted meshes/,
    );
    await rejects(
        { ...adopted, meshRootNamespace: "mesh-root" },
        "meshRootNamespace",
        /only used with strictMtls: true/,
        "gke",
    );
    await rejects({ ...adopted, strictMtls: "true" }, "strictMtls", /plain boolean/, "gke");
});

test("strictMtls on an install: one PeerAuthentication default in istio-system, STRICT, after istiod (CRDs, webhook)", async () => {
    const { of } = await deploy("strict", { gatewayRole: "egress", strictMtls: true }, "gke");
    const policies = of(PEER_AUTH);
    assert.equal(policies.length, 1);
    const p = inputs(policies[0]);
    assert.deepEqual(
        [p.metadata.name, p.metadata.namespace, p.spec],
        ["default", "istio-system", { mtls: { mode: "STRICT" } }],
    );
    assert.ok(sim.graph.waitsFor(policies[0], sim.graph.one(RELEASE, "strict-istiod-1-30")));

    const off = await deploy("not-strict", { gatewayRole: "egress" }, "gke");
    assert.equal(off.of(PEER_AUTH).length, 0, "off by default");
});

test("strictMtls on an adopted mesh: the policy goes to the given mesh root namespace, and is the only thing created", async () => {
    const { children } = await deploy(
        "adopted-strict",
        {
            gatewayRole: "egress",
            adoptExisting: true,
            trustDomain: "corp.example",
            strictMtls: true,
            meshRootNamespace: "mesh-root",
            existingGateway: {
                namespace: "istio-egress",
                selectorLabels: { istio: "egressgateway" },
                serviceName: "istio-egressgateway",
                serviceAccount: "istio-egressgateway",
            },
        },
        "gke",
    );
    assert.deepEqual(
        children.map((r) => r.type),
        [PEER_AUTH],
    );
    const p = inputs(children[0]);
    assert.deepEqual([p.metadata.name, p.metadata.namespace, p.spec.mtls.mode], ["default", "mesh-root", "STRICT"]);
});

test("the component registers exactly what releasePlan(installSettings(…)) gives, the plan the real-helm render test renders", async () => {
    const { installSettings } = await import("../components/istio-install/settings");
    const { releasePlan } = await import("../components/istio-install/values");
    const args = {
        gatewayRole: "ingress",
        chartRepository: "oci://registry.example.internal/istio",
        imageRegistry: ECR,
        imagePullSecrets: ["mirror-pull"],
        values: { gateway: { nodeSelector: { pool: "edge" } } },
    };
    const { release } = await deploy("same-plan", args);
    for (const spec of releasePlan(installSettings("ingress", args))) {
        const r = release(spec.chart);
        assert.deepEqual(
            {
                name: r.name,
                namespace: r.namespace,
                chart: r.chart,
                version: r.version,
                repositoryOpts: r.repositoryOpts,
                values: r.values,
            },
            {
                name: spec.name,
                namespace: spec.namespace,
                chart: spec.source.chart,
                version: spec.version,
                repositoryOpts: spec.source.repositoryOpts,
                values: spec.values,
            },
            spec.chart,
        );
    }
});
