// CrossMeshLink refuses, before anything is registered, what only the whole link can see is wrong.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { startSimulation } from "../tools/simulator";
import { expectRefused } from "./support/refused";
import { runFixture } from "./support/run-fixture";

const sim = startSimulation();

async function rejects(over: Record<string, unknown>, propertyPath: string, fix: RegExp) {
    const k8s = await import("@pulumi/kubernetes");
    const { CrossMeshLink } = await import("../components");
    const eksProvider = new k8s.Provider("eks-p", { context: "arn:aws:eks:eu-west-1:123456789012:cluster/eks-lab5" });
    const gkeProvider = new k8s.Provider("gke-p", { context: "gke_p_z_c" });
    await expectRefused(
        sim.graph,
        () =>
            new CrossMeshLink("link", {
                eksProvider,
                gkeProvider,
                eksClusterName: "eks-lab5",
                services: [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }],
                ...over,
            } as any),
        propertyPath,
        fix,
    );
}

const adopted = {
    namespace: "istio-ingress",
    selectorLabels: { istio: "ingressgateway" },
    serviceName: "gw",
    serviceAccount: "gw",
};

test("one provider for both clusters", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const p = new k8s.Provider("same", { context: "x" });
    await rejects({ eksProvider: p, gkeProvider: p }, "gkeProvider", /give each its own provider/);
});
test("a GKE trust domain of cluster.local", () =>
    rejects({ gkeTrustDomain: "cluster.local" }, "gkeTrustDomain", /Istio rewrites cluster\.local principals/));
test("an adopted GKE mesh on cluster.local: the refusal says the mesh must move to its own trust domain first, and how", () =>
    rejects(
        { gkeTrustDomain: "cluster.local", gkeExistingGateway: { ...adopted, namespace: "istio-egress" } },
        "gkeTrustDomain",
        /adopted mesh must run a distinct trust domain: move it first \(meshConfig\.trustDomain, with trustDomainAliases/,
    ));
test("the same trust domain on both sides", () =>
    rejects(
        { eksTrustDomain: "a.example.org", gkeTrustDomain: "a.example.org" },
        "gkeTrustDomain",
        /share no root of trust/,
    ));
test("source ranges for an adopted EKS gateway would be ignored", () =>
    rejects(
        { eksExistingGateway: adopted, consumerEgressCidrs: ["203.0.113.0/28"] },
        "consumerEgressCidrs",
        /set loadBalancerSourceRanges on that Service yourself/,
    ));
// 1.0 renames: an untyped caller (JS, YAML, Python) still using the 0.x name is told the new one.
for (const [old, renamed] of [
    ["eksIstio", "eksExistingGateway"],
    ["gkeIstio", "gkeExistingGateway"],
]) {
    test(`the 0.x field ${old} is refused, naming ${renamed}`, () =>
        rejects(
            { [old]: adopted },
            old,
            new RegExp(`renamed to ${renamed} in crossmesh 1\\.0.*its value stays the same`),
        ));
}
test("a retained Istio version is checked on the link's own path (istio.retainedVersions)", async () => {
    await rejects(
        { istioVersion: "1.30.3", istio: { retainedVersions: ["1.30.1"] } },
        "istio.retainedVersions[0]",
        /the one being installed/,
    );
    await rejects(
        { istioVersion: "1.30.3", istio: { retainedVersions: ["1.29.99"] } },
        "istio.retainedVersions[0]",
        /1\.29\.99/,
    );
});
test("registryOnly with both meshes adopted", () =>
    rejects(
        {
            eksExistingGateway: adopted,
            gkeExistingGateway: { ...adopted, namespace: "istio-egress" },
            registryOnly: true,
        },
        "registryOnly",
        /installs no Istio/,
    ));
test("a service with both a Lambda and an upstream", () =>
    rejects(
        {
            services: [
                {
                    host: "a.external",
                    lambda: {},
                    upstream: { hostname: "b.internal" },
                    allowedSources: [{ namespace: "x" }],
                },
            ],
        },
        "services[0].lambda",
        /exactly one of `lambda`/,
    ));
test("a duplicate exported host", () =>
    rejects(
        { services: [1, 2].map(() => ({ host: "a.external", lambda: {}, allowedSources: [{ namespace: "x" }] })) },
        "services[1].host",
        /listed twice/,
    ));
test("no services", () => rejects({ services: [] }, "services", /at least one exported service/));
test("an invalid caller namespace", () =>
    rejects(
        { services: [{ host: "a.external", lambda: {}, allowedSources: [{ namespace: "Shop_NS" }] }] },
        "services[0].allowedSources[0].namespace",
        /not a valid Kubernetes name/,
    ));
test("a bad Lambda setting names the service, not its place on the shared ALB", () =>
    rejects(
        {
            services: [
                { host: "a.external", lambda: {}, allowedSources: [{ namespace: "x" }] },
                { host: "b.external", lambda: { memorySize: 64 }, allowedSources: [{ namespace: "x" }] },
            ],
        },
        "services[1].lambda.memorySize",
        /from 128 to 10240/,
    ));
test("hosts that collapse to the same object names", () =>
    rejects(
        {
            services: ["a-b.external", "a.b-external"].map((host) => ({
                host,
                lambda: {},
                allowedSources: [{ namespace: "x" }],
            })),
        },
        "services[1].host",
        /give the same object names/,
    ));

// #12 item 3: a child's setting is refused before anything registers, under the path the user wrote.
test("eksAwsEgress.awsServices is reported under the link's own path", () =>
    rejects(
        { awsRegion: "eu-west-1", eksAwsEgress: { awsServices: ["nosuch"] } },
        "eksAwsEgress.awsServices[0]",
        /"nosuch" is not a service AwsEgress knows/,
    ));
test("istioVersion, not IstioInstall's version", () =>
    rejects({ istioVersion: "1.24.0" }, "istioVersion", /not supported: crossmesh needs 1\.25\.0 or newer/));
test("an unpublished istioVersion is refused before Helm would fail", () =>
    rejects({ istioVersion: "1.29.7" }, "istioVersion", /not a published release/));
test("pki.leafValidityDays, not LinkPki's leafValidityDays", () =>
    rejects({ pki: { leafValidityDays: 5000 } }, "pki.leafValidityDays", /from 2 to 3650/));
test("eksExistingGateway.namespace, not IstioInstall's existingGateway.namespace", () =>
    rejects(
        { eksExistingGateway: { ...adopted, namespace: "Istio_Ingress" } },
        "eksExistingGateway.namespace",
        /not a valid Kubernetes name/,
    ));
test("istio.chartRepository, not IstioInstall's chartRepository", () =>
    rejects({ istio: { chartRepository: "http://charts.example.org" } }, "istio.chartRepository", /HTTP|https/i));
test("a region the AWS provider does not know", () =>
    rejects({ awsRegion: "eu-wset-1" }, "awsRegion", /is not an AWS region/));
test("eksAwsEgress without awsRegion", () =>
    rejects({ eksAwsEgress: { awsServices: ["sts"] } }, "awsRegion", /give the AWS region/));

test("every problem at once, each under its path, and nothing registered", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const k8s = await import("@pulumi/kubernetes");
    const { CrossMeshLink } = await import("../components");
    const eksProvider = new k8s.Provider("eks-all", { context: "eks" });
    const gkeProvider = new k8s.Provider("gke-all", { context: "gke" });
    const { settle } = await import("../tools/simulator");
    await settle();
    const before = sim.graph.resources.length;
    let caught: unknown;
    try {
        new CrossMeshLink("all", {
            eksProvider,
            gkeProvider,
            eksClusterName: "eks-lab5",
            awsRegion: "eu-west-1",
            services: [
                { host: "a.external", lambda: { memorySize: 1 }, allowedSources: [{ namespace: "x" }] },
                { host: "b.external", upstream: { hostname: "B.internal" }, allowedSources: [] },
            ],
            istioVersion: "1.24.0",
            pki: { leafValidityDays: 1 },
            gkeTrustDomain: "cluster.local",
        });
    } catch (e) {
        caught = e;
    }
    assert.ok(pulumi.InputPropertiesError.isInstance(caught), String(caught));
    assert.deepEqual(caught.errors.map((e) => e.propertyPath).sort(), [
        "gkeTrustDomain",
        "istioVersion",
        "pki.leafValidityDays",
        "services[0].lambda.memorySize",
        "services[1].allowedSources",
        "services[1].upstream.hostname",
    ]);
    await settle();
    assert.equal(sim.graph.resources.length, before, "nothing registered");
});
test("gkeMeshRootNamespace with an installed GKE mesh is refused under its own name", () =>
    rejects({ strictMtls: true, gkeMeshRootNamespace: "mesh-root" }, "gkeMeshRootNamespace", /for adopted meshes/));
test("an owned chart value is refused under istio.eksValues", () =>
    rejects(
        { istio: { eksValues: { istiod: { meshConfig: { trustDomain: "x.example.org" } } } } },
        "istio.eksValues.istiod.meshConfig.trustDomain",
        /.+/,
    ));

test("a second link asking for STRICT mTLS on a mesh another link already owns it on: refused before it registers anything", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const { CrossMeshLink } = await import("../components");
    const eksProvider = new k8s.Provider("eks-shared", {
        context: "arn:aws:eks:eu-west-1:123456789012:cluster/eks-lab5",
    });
    const gkeProvider = new k8s.Provider("gke-shared", { context: "gke_p_z_c" });
    const link = (name: string, over: Record<string, unknown>) =>
        new CrossMeshLink(name, {
            eksProvider,
            gkeProvider,
            eksClusterName: "eks-lab5",
            eksExistingGateway: adopted,
            gkeExistingGateway: { ...adopted, namespace: "istio-egress" },
            gkeTrustDomain: "gke.example.internal",
            eksTrustDomain: "eks.example.internal",
            consumerEgressCidrs: undefined,
            services: [{ host: `${name}.external`, lambda: {}, allowedSources: [{ namespace: "sleep" }] }],
            ...over,
        } as any);
    link("payments", { strictMtls: true });
    link("orders", {}); // the same mesh without the setting: fine
    const reason = await expectRefused(
        sim.graph,
        () => link("billing", { strictMtls: true }),
        "strictMtls",
        /keep strictMtls on one link/,
    );
    assert.match(
        reason,
        /PeerAuthentication istio-system\/default, which IstioInstall "payments-gke-istio" already creates/,
    );
});

test("an awsRegion other than the AWS provider's fails the deployment, naming the provider's region", () => {
    // The simulated AWS provider is in eu-west-1, as its getRegion answers; each program runs in its own process.
    const run = (awsRegion: string) =>
        runFixture<{ errors: string[] }>(
            "run-link.ts",
            JSON.stringify({
                eksClusterName: "eks-lab5",
                awsRegion,
                eksAwsEgress: { awsServices: ["sts"] },
                consumerEgressCidrs: ["203.0.113.0/28"],
                services: [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }],
            }),
        ).errors;
    assert.deepEqual(run("eu-west-1"), [], "the provider's own region passes");
    const errors = run("us-east-1");
    assert.ok(
        errors.some((e) =>
            /"us-east-1" is not the region of the AWS provider the link uses \("eu-west-1"\).*Set awsRegion to "eu-west-1"/.test(
                e,
            ),
        ),
        errors.join("\n"),
    );
});
