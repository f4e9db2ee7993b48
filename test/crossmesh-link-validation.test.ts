// CrossMeshLink refuses, before anything is registered, what only the whole link can see is wrong.
import { test } from "node:test";
import { startSimulation } from "../tools/simulator";
import { expectRefused } from "./support/refused";

const sim = startSimulation();

async function rejects(over: Record<string, unknown>, propertyPath: string, fix: RegExp) {
    const k8s = await import("@pulumi/kubernetes");
    const { CrossMeshLink } = await import("../components");
    const eksProvider = new k8s.Provider("eks-p", { context: "arn:aws:eks:eu-west-1:123456789012:cluster/eks-lab5" });
    const gkeProvider = new k8s.Provider("gke-p", { context: "gke_p_z_c" });
    await expectRefused(sim.graph, () => new CrossMeshLink("link", {
        eksProvider, gkeProvider, eksClusterName: "eks-lab5",
        services: [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }],
        ...over,
    } as any), propertyPath, fix);
}

const adopted = { namespace: "istio-ingress", selectorLabels: { istio: "ingressgateway" }, serviceName: "gw", serviceAccount: "gw" };

test("one provider for both clusters", async () => {
    const k8s = await import("@pulumi/kubernetes");
    const p = new k8s.Provider("same", { context: "x" });
    await rejects({ eksProvider: p, gkeProvider: p }, "gkeProvider", /give each its own provider/);
});
test("a GKE trust domain of cluster.local", () => rejects({ gkeTrustDomain: "cluster.local" }, "gkeTrustDomain", /Istio rewrites cluster\.local principals/));
test("the same trust domain on both sides", () => rejects({ eksTrustDomain: "a.example.org", gkeTrustDomain: "a.example.org" }, "gkeTrustDomain", /share no root of trust/));
test("source ranges for an adopted EKS gateway would be ignored", () => rejects({ eksIstio: adopted, consumerEgressCidrs: ["203.0.113.0/28"] }, "consumerEgressCidrs", /set loadBalancerSourceRanges on that Service yourself/));
test("registryOnly with both meshes adopted", () => rejects({ eksIstio: adopted, gkeIstio: { ...adopted, namespace: "istio-egress" }, registryOnly: true }, "registryOnly", /installs no Istio/));
test("a service with both a Lambda and an upstream", () => rejects({ services: [{ host: "a.external", lambda: {}, upstream: { hostname: "b.internal" }, allowedSources: [{ namespace: "x" }] }] }, "services[0].lambda", /exactly one of `lambda`/));
test("a duplicate exported host", () => rejects({ services: [1, 2].map(() => ({ host: "a.external", lambda: {}, allowedSources: [{ namespace: "x" }] })) }, "services[].host[1]", /listed twice/));
test("no services", () => rejects({ services: [] }, "services", /at least one exported service/));
test("an invalid caller namespace", () => rejects({ services: [{ host: "a.external", lambda: {}, allowedSources: [{ namespace: "Shop_NS" }] }] }, "services[0].allowedSources[0].namespace", /not a valid Kubernetes name/));
test("a bad Lambda setting names the service, not its place on the shared ALB", () =>
    rejects({ services: [{ host: "a.external", lambda: {}, allowedSources: [{ namespace: "x" }] }, { host: "b.external", lambda: { memorySize: 64 }, allowedSources: [{ namespace: "x" }] }] }, "services[1].lambda.memorySize", /from 128 to 10240/));
test("hosts that collapse to the same object names", () =>
    rejects({ services: ["a-b.external", "a.b-external"].map((host) => ({ host, lambda: {}, allowedSources: [{ namespace: "x" }] })) }, "services[1].host", /give the same object names/));
