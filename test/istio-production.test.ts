// IstioInstall for production clusters, under the provider simulator: high availability by default and the
// lab switch, installs from a chart mirror (HTTPS or OCI) and an image mirror, the extra-values escape
// hatch (merged over crossmesh's values; owned keys refused before anything registers), and mesh-wide
// STRICT mTLS in install and adopt mode. What Helm renders from these values is checked with the real helm
// and Istio's charts in test/real/helm-render.test.ts.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import { type Refusal, refusalTable } from "./support/refused";
import { kubeProvider } from "./support/providers";

const sim = startSimulation();
const TOKEN = "crossmesh:index:IstioInstall";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const PEER_AUTH = "kubernetes:security.istio.io/v1:PeerAuthentication";
const ECR = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub";

const providers: Record<string, pulumi.ProviderResource> = {};
async function opts(kind: "eks" | "gke"): Promise<pulumi.ComponentResourceOptions> {
    providers[kind] ??= await kubeProvider(kind, kind);
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

// Refused before anything registers, naming the user's path and the fix; an egress case runs on the GKE cluster.
const ingress = (over: Record<string, unknown>) => ({ gatewayRole: "ingress", ...over });
const ADOPTED_EGRESS = {
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
const REFUSED: Refusal<Record<string, unknown>>[] = [
    // An owned key in extra values: its key path and why.
    ...(
        [
            [
                { istiod: { meshConfig: { trustDomain: "other" } } },
                "istiod.meshConfig.trustDomain",
                /set by crossmesh: the link's SPIFFE ids .* set the trustDomain argument instead/,
            ],
            [{ istiod: { revision: "x" } }, "istiod.revision", /set by crossmesh/],
            [{ istiod: { revisionTags: [] } }, "istiod.revisionTags", /keeps the tag "default" itself/],
            [
                { istiod: { meshConfig: { defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: "false" } } } } },
                "istiod.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE",
                /DNS proxy/,
            ],
            [{ istiod: { global: { hub: "docker.io/istio" } } }, "istiod.global.hub", /imageRegistry argument/],
            [
                { istiod: { meshConfig: null } },
                "istiod.meshConfig",
                /would replace meshConfig\.trustDomain, which is set by crossmesh/,
            ],
            [
                { gateway: { service: { annotations: { a: "b" } } } },
                "gateway.service",
                /crossmesh owns its NLB Service/,
            ],
            [{ gateway: { labels: { app: "x" } } }, "gateway.labels.app", /selector label/],
            [{ gateway: { name: "x" } }, "gateway.name", /gatewayName argument/],
            [{ base: { defaultRevision: "x" } }, "base.defaultRevision", /validating webhook/],
            [{ cni: {} }, "cni", /not one of the charts crossmesh installs/],
            [{ gateway: { nodeSelector: { pool: pulumi.output("edge") } } }, "gateway.nodeSelector.pool", /plain data/],
        ] as const
    ).map(([values, at, fix]) => ({ name: `values.${at}`, args: ingress({ values }), path: `values.${at}`, fix })),
    {
        name: "values.gateway.service.type of the egress gateway",
        args: { gatewayRole: "egress", values: { gateway: { service: { type: "LoadBalancer" } } } },
        path: "values.gateway.service.type",
        fix: /must stay ClusterIP/,
    },
    { name: "values as an Output", args: ingress({ values: pulumi.output({}) }), path: "values", fix: /plain object/ },
    // Mirrors.
    ...(
        [
            [
                "http://charts.example.internal",
                /uses http; charts must come over https:\/\/ or from an oci:\/\/ registry/,
            ],
            ["https://user:secret@charts.example.internal", /carries credentials/],
            ["oci://registry.example.internal/istio/base", /ends in a chart name/],
            ["oci://registry.example.internal/istio:1.30.3", /has a tag or digest/],
            ["charts.example.internal", /is not a URL/],
        ] as const
    ).map(([chartRepository, fix]) => ({
        name: `chartRepository ${chartRepository}`,
        args: ingress({ chartRepository }),
        path: "chartRepository",
        fix,
    })),
    ...(
        [
            ["https://123456789012.dkr.ecr.eu-west-1.amazonaws.com", /has a scheme/],
            ["istio", /does not start with a registry host/],
            ["mirror.example.internal/Docker:1", /not a repository path component/],
        ] as const
    ).map(([imageRegistry, fix]) => ({
        name: `imageRegistry ${imageRegistry}`,
        args: ingress({ imageRegistry }),
        path: "imageRegistry",
        fix,
    })),
    {
        name: "a pull secret that is not a Secret name",
        args: ingress({ imagePullSecrets: ["Mirror Pull"] }),
        path: "imagePullSecrets[0]",
        fix: /not a Secret name/,
    },
    {
        name: "a pull secret listed twice",
        args: ingress({ imagePullSecrets: ["mirror-pull", "mirror-pull"] }),
        path: "imagePullSecrets[1]",
        fix: /listed twice/,
    },
    {
        name: "highAvailability not a boolean",
        args: ingress({ highAvailability: "yes" }),
        path: "highAvailability",
        fix: /true or false/,
    },
    // Install-only settings on an adopted mesh; meshRootNamespace only for adopted meshes with strictMtls.
    ...(
        [
            ["imageRegistry", ECR],
            ["chartRepository", "https://charts.example.internal"],
            ["values", {}],
            ["highAvailability", false],
            ["imagePullSecrets", ["p"]],
        ] as const
    ).map(([field, value]) => ({
        name: `${field} on an adopted mesh`,
        args: { ...ADOPTED_EGRESS, [field]: value },
        path: field,
        fix: /applies only when crossmesh installs Istio/,
    })),
    {
        name: "meshRootNamespace on an installed mesh",
        args: ingress({ strictMtls: true, meshRootNamespace: "mesh-root" }),
        path: "meshRootNamespace",
        fix: /for adopted meshes/,
    },
    {
        name: "meshRootNamespace without strictMtls",
        args: { ...ADOPTED_EGRESS, meshRootNamespace: "mesh-root" },
        path: "meshRootNamespace",
        fix: /only used with strictMtls: true/,
    },
    {
        name: "strictMtls not a boolean",
        args: { ...ADOPTED_EGRESS, strictMtls: "true" },
        path: "strictMtls",
        fix: /true or false/,
    },
];
refusalTable(sim.graph, REFUSED, async (args) => {
    const { IstioInstall } = await import("../components/istio-install");
    const o = await opts(args.gatewayRole === "egress" ? "gke" : "eks");
    return () => new IstioInstall("bad", args as never, o);
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

test("the component registers exactly what chartReleases(installSettings(…)) gives, the plan the real-helm render test renders", async () => {
    const { installSettings } = await import("../components/istio-install/settings");
    const { chartReleases } = await import("../components/istio-install/values");
    const args = {
        gatewayRole: "ingress",
        chartRepository: "oci://registry.example.internal/istio",
        imageRegistry: ECR,
        imagePullSecrets: ["mirror-pull"],
        values: { gateway: { nodeSelector: { pool: "edge" } } },
    };
    const { release } = await deploy("same-plan", args);
    for (const spec of chartReleases(installSettings("ingress", args))) {
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
