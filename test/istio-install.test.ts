// IstioInstall under the provider simulator: the Helm releases it asks for (charts, pinned version,
// values), the order the engine must respect, the NLB Service on EKS and its hostname, and adoption.
// What a mock cannot prove: that the charts render and the pods start; the simulated Helm repository
// only knows which chart versions exist, and the simulated AWS Load Balancer Controller only which
// annotations make an NLB.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import { kubeProvider } from "./support/providers";

const sim = startSimulation();
const TOKEN = "crossmesh:index:IstioInstall";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SERVICE = "kubernetes:core/v1:Service";
const TAG = "kubernetes:admissionregistration.k8s.io/v1:MutatingWebhookConfiguration";
const REPO = "https://istio-release.storage.googleapis.com/charts";
const NLB_HOSTNAME = /^k8s-[a-z0-9-]{1,8}-[a-z0-9-]{1,8}-[0-9a-f]{10}-[0-9a-f]{16}\.elb\.eu-west-1\.amazonaws\.com$/;

let providerCount = 0;
async function cluster(kind: "eks" | "gke") {
    const provider = await kubeProvider(`${kind}-${++providerCount}`, kind);
    const [urn, id] = await Promise.all([valueOf(provider.urn), valueOf(provider.id)]);
    return { provider, ref: `${urn}::${id}` };
}

async function deploy(
    name: string,
    args: import("../components/istio-install").IstioInstallArgs,
    opts: pulumi.ComponentResourceOptions,
) {
    const { IstioInstall } = await import("../components/istio-install");
    const component = new IstioInstall(name, args, opts);
    await Promise.all([
        valueOf(component.gateway.namespace),
        valueOf(component.loadBalancerHostname),
        valueOf(component.revision),
    ]);
    await settle();
    const urn = sim.graph.one(TOKEN, name).urn;
    const children = sim.graph.children(urn);
    const child = (type: string, suffix: string) => sim.graph.one(type, `${name}-${suffix}`);
    return { component, urn, children, child, of: (type: string) => children.filter((r) => r.type === type) };
}

const inputs = (r: RecordedResource) => unsecret(r.rawInputs) as Record<string, any>;

/** Zone then node spread of the pods with these labels, as a preference (a one-zone cluster still schedules). */
const spread = (matchLabels: Record<string, string>) =>
    ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels },
        matchLabelKeys: ["pod-template-hash"],
    }));

test("EKS ingress: base, istiod and gateway from the official repo, pinned to 1.30.3, revision 1-30, in their namespaces", async () => {
    const eks = await cluster("eks");
    const { children, child, of } = await deploy(
        "eks-mesh",
        { gatewayRole: "ingress", trustDomain: "eks.example.internal" },
        { provider: eks.provider },
    );
    assert.deepEqual(
        children.map((r) => r.type).sort(),
        [RELEASE, RELEASE, RELEASE, NAMESPACE, NAMESPACE, SERVICE, TAG].sort(),
        "exactly three releases, two namespaces, the NLB Service and the revision tag",
    );
    assert.deepEqual(
        of(NAMESPACE)
            .map((r) => inputs(r).metadata.name)
            .sort(),
        ["istio-ingress", "istio-system"],
    );

    const expected = [
        { suffix: "base", chart: "base", release: "istio-base", namespace: "istio-system" },
        { suffix: "istiod-1-30", chart: "istiod", release: "istiod-1-30", namespace: "istio-system" },
        { suffix: "gateway", chart: "gateway", release: "istio-ingressgateway", namespace: "istio-ingress" },
    ];
    for (const e of expected) {
        const r = inputs(child(RELEASE, e.suffix));
        assert.equal(r.chart, e.chart);
        assert.equal(r.version, "1.30.3", `${e.chart} is pinned`);
        assert.deepEqual(r.repositoryOpts, { repo: REPO });
        assert.equal(r.name, e.release, "a fixed release name, not an auto-name");
        assert.equal(r.namespace, e.namespace);
    }

    assert.deepEqual(inputs(child(RELEASE, "base")).values, { defaultRevision: "1-30" });
    assert.deepEqual(inputs(child(RELEASE, "istiod-1-30")).values, {
        revision: "1-30",
        meshConfig: {
            trustDomain: "eks.example.internal",
            outboundTrafficPolicy: { mode: "ALLOW_ANY" },
            defaultConfig: { proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true" } },
        },
        // High availability by default: 2+ istiods, the chart's PDB, spread over zones and nodes.
        autoscaleEnabled: true,
        autoscaleMin: 2,
        autoscaleMax: 5,
        pdb: { minAvailable: 1 },
        topologySpreadConstraints: spread({ app: "istiod", "istio.io/rev": "1-30" }),
    });
    assert.deepEqual(
        inputs(child(RELEASE, "gateway")).values,
        {
            revision: "1-30",
            service: { type: "None" },
            resources: { requests: { cpu: "100m", memory: "128Mi" } },
            autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
            podDisruptionBudget: { minAvailable: 1 },
            topologySpreadConstraints: spread({ app: "istio-ingressgateway", istio: "ingressgateway" }),
        },
        "the chart makes no Service (crossmesh owns the NLB); 2+ gateways with a PDB and spread",
    );
});

test("EKS graph: istiod waits for base, the gateway for istiod; the NLB Service waits only for its namespace; every child uses the given provider", async () => {
    const eks = await cluster("eks");
    const { children, child } = await deploy("eks-graph", { gatewayRole: "ingress" }, { provider: eks.provider });
    const base = child(RELEASE, "base");
    const istiod = child(RELEASE, "istiod-1-30");
    const gateway = child(RELEASE, "gateway");
    const service = child(SERVICE, "load-balancer");
    const gatewayNamespace = child(NAMESPACE, "gateway-namespace");
    const systemNamespace = child(NAMESPACE, "istio-system");

    assert.ok(sim.graph.waitsFor(istiod, base), "istiod after base (CRDs)");
    assert.ok(sim.graph.waitsFor(gateway, istiod), "gateway after istiod (injector)");
    assert.ok(sim.graph.waitsFor(base, systemNamespace));
    assert.ok(sim.graph.waitsFor(gateway, gatewayNamespace));
    assert.equal(sim.graph.waitsFor(base, istiod), false);
    assert.equal(sim.graph.waitsFor(istiod, gateway), false);

    assert.ok(sim.graph.waitsFor(service, gatewayNamespace), "the Service needs its namespace");
    for (const r of [base, istiod, gateway, systemNamespace]) {
        assert.equal(sim.graph.waitsFor(service, r), false, `the NLB Service does not wait for ${r.name}`);
    }

    const custom = children.filter((r) => r.custom);
    assert.equal(custom.length, 7);
    const tag = child(TAG, "revision-tag");
    assert.ok(sim.graph.waitsFor(tag, istiod), "the tag moves to the revision once its istiod is installed");
    for (const r of custom) assert.equal(r.provider, eks.ref, `${r.name} uses the EKS provider`);
});

test("EKS NLB: AWS Load Balancer Controller annotations, 443 to the gateway pods, source ranges; its hostname is the output", async () => {
    const eks = await cluster("eks");
    const { component, child } = await deploy(
        "eks-nlb",
        {
            gatewayRole: "ingress",
            trustDomain: "eks.example.internal",
            loadBalancerSourceRanges: ["203.0.113.0/24", "198.51.100.7/32"],
        },
        { provider: eks.provider },
    );
    const service = child(SERVICE, "load-balancer");
    const svc = inputs(service);
    assert.equal(svc.metadata.name, "istio-ingressgateway");
    assert.equal(svc.metadata.namespace, "istio-ingress");
    assert.deepEqual(svc.metadata.annotations, {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "http",
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": "15021",
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": "/healthz/ready",
    });
    assert.equal(svc.spec.type, "LoadBalancer");
    assert.deepEqual(
        svc.spec.selector,
        { app: "istio-ingressgateway", istio: "ingressgateway" },
        "the gateway chart's Deployment selector",
    );
    assert.deepEqual(
        svc.spec.ports,
        [{ name: "https", port: 443, targetPort: 443, protocol: "TCP" }],
        "only 443 is exposed",
    );
    assert.deepEqual(svc.spec.loadBalancerSourceRanges, ["203.0.113.0/24", "198.51.100.7/32"]);

    const hostname = await valueOf(component.loadBalancerHostname);
    assert.match(hostname ?? "", NLB_HOSTNAME, "an internet-facing NLB name, not a Classic ELB or internal one");
    const status = (service.state as any).status;
    assert.equal(hostname, status.loadBalancer.ingress[0].hostname, "straight from the Service status");

    assert.deepEqual(await valueOf(component.gateway.selectorLabels), {
        app: "istio-ingressgateway",
        istio: "ingressgateway",
    });
    assert.equal(await valueOf(component.gateway.namespace), "istio-ingress");
    assert.equal(await valueOf(component.gateway.serviceName), "istio-ingressgateway");
    assert.equal(await valueOf(component.gateway.serviceAccount), "istio-ingressgateway");
    assert.equal(await valueOf(component.revision), "1-30");
    assert.equal(await valueOf(component.trustDomain), "eks.example.internal");
    assert.equal(await valueOf(component.version), "1.30.3");

    const outputs = unsecret(sim.graph.one(TOKEN, "eks-nlb").rawOutputs) as Record<string, any>;
    assert.equal(outputs.loadBalancerHostname, hostname, "registered as a component output");
    assert.equal(outputs.gateway.serviceName, "istio-ingressgateway");
});

test("objects placed in the gateway namespace wait for istiod (CRDs, validating webhook) but not for the gateway pods", async () => {
    const eks = await cluster("eks");
    const { IstioInstall } = await import("../components/istio-install");
    const k8s = await import("@pulumi/kubernetes");
    const mesh = new IstioInstall("eks-consumer", { gatewayRole: "ingress" }, { provider: eks.provider });
    new k8s.core.v1.Secret(
        "consumer-secret",
        { metadata: { name: "link", namespace: mesh.gateway.namespace }, stringData: { a: "b" } },
        { provider: eks.provider },
    );
    const onHostname = new k8s.core.v1.ConfigMap(
        "consumer-of-hostname",
        { metadata: { namespace: "default" }, data: { host: mesh.loadBalancerHostname.apply((h) => h ?? "") } },
        { provider: eks.provider },
    );
    await valueOf(onHostname.metadata);
    await settle();
    const secret = sim.graph.one("kubernetes:core/v1:Secret", "consumer-secret");
    const configMap = sim.graph.one("kubernetes:core/v1:ConfigMap", "consumer-of-hostname");
    assert.ok(sim.graph.waitsFor(secret, sim.graph.one(RELEASE, "eks-consumer-istiod-1-30")));
    assert.ok(
        sim.graph.waitsFor(secret, sim.graph.one(RELEASE, "eks-consumer-base")),
        "the CRDs come with base, before istiod",
    );
    assert.equal(
        sim.graph.waitsFor(secret, sim.graph.one(RELEASE, "eks-consumer-gateway")),
        false,
        "the gateway release can still be rolling out",
    );
    assert.ok(
        sim.graph.waitsFor(configMap, sim.graph.one(SERVICE, "eks-consumer-load-balancer")),
        "a reader of the hostname waits for the Service",
    );
    assert.equal(
        sim.graph.waitsFor(configMap, sim.graph.one(RELEASE, "eks-consumer-istiod-1-30")),
        false,
        "…and not for the install",
    );
    assert.equal(sim.graph.waitsFor(configMap, sim.graph.one(RELEASE, "eks-consumer-gateway")), false);
});

test("GKE egress: ClusterIP gateway in istio-egress, REGISTRY_ONLY when asked, no load balancer, the egress role's default trust domain", async () => {
    const gke = await cluster("gke");
    const { component, children, child, of } = await deploy(
        "gke",
        { gatewayRole: "egress", outboundTrafficPolicy: "REGISTRY_ONLY" },
        { provider: gke.provider },
    );
    assert.equal(of(SERVICE).length, 0, "no Service of crossmesh's own: the chart's ClusterIP one serves");
    assert.equal(of(RELEASE).length, 3);
    const gateway = inputs(child(RELEASE, "gateway"));
    assert.equal(gateway.name, "istio-egressgateway");
    assert.equal(gateway.namespace, "istio-egress");
    assert.deepEqual(gateway.values, {
        revision: "1-30",
        service: { type: "ClusterIP" },
        resources: { requests: { cpu: "100m", memory: "128Mi" } },
        autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 },
        podDisruptionBudget: { minAvailable: 1 },
        topologySpreadConstraints: spread({ app: "istio-egressgateway", istio: "egressgateway" }),
    });
    const istiod = inputs(child(RELEASE, "istiod-1-30")).values;
    assert.equal(istiod.meshConfig.outboundTrafficPolicy.mode, "REGISTRY_ONLY");
    assert.equal(istiod.meshConfig.trustDomain, "gke.crossmesh.local");
    assert.equal(istiod.meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE, "true");
    for (const r of children) assert.equal(r.provider, gke.ref);

    assert.equal(await valueOf(component.loadBalancerHostname), undefined);
    assert.deepEqual(await valueOf(component.gateway.selectorLabels), {
        app: "istio-egressgateway",
        istio: "egressgateway",
    });
    assert.equal(await valueOf(component.gateway.serviceName), "istio-egressgateway");
    assert.equal(await valueOf(component.gateway.namespace), "istio-egress");
    assert.equal(await valueOf(component.trustDomain), "gke.crossmesh.local");
});

test("renaming an IstioInstall (with aliases) changes no trust domain: the mesh's SPIFFE identity is not its Pulumi name", async () => {
    const gke = await cluster("gke");
    const renamed = await deploy(
        "consumer-mesh",
        { gatewayRole: "egress" },
        { provider: gke.provider, aliases: [{ name: "gke" }] },
    );
    const istiod = inputs(renamed.child(RELEASE, "istiod-1-30")).values;
    assert.equal(istiod.meshConfig.trustDomain, "gke.crossmesh.local", "the same as under its old name");
    assert.equal(await valueOf(renamed.component.trustDomain), "gke.crossmesh.local");
});

test("version, revision and gateway names are overridable; the revision follows the version unless given", async () => {
    const gke = await cluster("gke");
    const older = await deploy(
        "gke-129",
        { gatewayRole: "egress", version: "1.29.2", gatewayName: "mesh-egress", gatewayNamespace: "edge" },
        { provider: gke.provider },
    );
    for (const r of older.of(RELEASE)) assert.equal(inputs(r).version, "1.29.2");
    assert.equal(inputs(older.child(RELEASE, "istiod-1-29")).values.revision, "1-29");
    const gw = inputs(older.child(RELEASE, "gateway"));
    assert.equal(gw.name, "mesh-egress");
    assert.equal(gw.namespace, "edge");
    assert.deepEqual(
        await valueOf(older.component.gateway.selectorLabels),
        { app: "mesh-egress", istio: "mesh-egress" },
        "no istio- prefix to strip; no revision (an upgrade's new pods still match)",
    );

    const pinned = await deploy(
        "gke-canary",
        { gatewayRole: "egress", revision: "canary" },
        { provider: gke.provider },
    );
    assert.equal(inputs(pinned.child(RELEASE, "istiod-canary")).values.revision, "canary");
    assert.equal(inputs(pinned.child(RELEASE, "istiod-canary")).name, "istiod-canary", "one release per revision");
    assert.equal(inputs(pinned.child(RELEASE, "gateway")).values.revision, "canary");
    assert.equal(inputs(pinned.child(RELEASE, "base")).values.defaultRevision, "canary");
    assert.equal(await valueOf(pinned.component.revision), "canary");
});

test("a canary upgrade: the retained version's istiod beside the new one; the gateway and the tag on the new revision; namespaces keep the stable tag", async () => {
    const gke = await cluster("gke");
    const canary = await deploy(
        "gke-upgrade",
        { gatewayRole: "egress", version: "1.30.3", retainedVersions: ["1.29.2"] },
        { provider: gke.provider },
    );
    const istiods = canary.of(RELEASE).filter((r) => inputs(r).chart === "istiod");
    assert.deepEqual(
        istiods.map((r) => [r.name, inputs(r).name, inputs(r).version, inputs(r).values.revision]).sort(),
        [
            ["gke-upgrade-istiod-1-29", "istiod-1-29", "1.29.2", "1-29"],
            ["gke-upgrade-istiod-1-30", "istiod-1-30", "1.30.3", "1-30"],
        ],
        "one release per revision, the retained one at its own chart version",
    );
    assert.equal(inputs(canary.child(RELEASE, "gateway")).values.revision, "1-30", "the gateways move");
    assert.equal(inputs(canary.child(RELEASE, "base")).version, "1.30.3", "the CRDs are the new version's");
    const tag = inputs(canary.of(TAG)[0]);
    assert.equal(tag.metadata.labels["istio.io/rev"], "1-30", "the tag moves to the new revision");
    assert.equal(await valueOf(canary.component.revision), "1-30");
    assert.equal(await valueOf(canary.component.injectionRevision), "default", "what namespaces use: the tag");
    // The retained istiod waits for base (CRDs) only; the gateway waits for the new one.
    const [retained] = istiods.filter((r) => r.name.endsWith("1-29"));
    assert.ok(sim.graph.waitsFor(retained, canary.child(RELEASE, "base")));
    assert.equal(sim.graph.waitsFor(canary.child(RELEASE, "gateway"), retained), false);
});

test("adopt on EKS: nothing installed, the given gateway passed on, the LB hostname read from its Service", async () => {
    const eks = await cluster("eks");
    const { component, children } = await deploy(
        "eks-adopted",
        {
            gatewayRole: "ingress",
            adoptExisting: true,
            trustDomain: "corp.example",
            existingGateway: {
                namespace: "gateways",
                selectorLabels: { istio: "edge", team: "platform" },
                serviceName: "edge-gw",
                serviceAccount: "edge-gw-sa",
                loadBalancerServiceName: "edge-gw-nlb",
            },
        },
        { provider: eks.provider },
    );
    assert.deepEqual(
        children.map((r) => r.type),
        [SERVICE],
        "one read of the existing Service, nothing created",
    );
    assert.equal(children[0].id, "gateways/edge-gw-nlb");
    assert.equal(children[0].provider, eks.ref);
    assert.equal(sim.graph.ofType(RELEASE).filter((r) => r.name.startsWith("eks-adopted")).length, 0);
    assert.deepEqual(await valueOf(component.gateway.selectorLabels), { istio: "edge", team: "platform" });
    assert.equal(await valueOf(component.gateway.namespace), "gateways");
    assert.equal(await valueOf(component.gateway.serviceName), "edge-gw");
    assert.equal(await valueOf(component.gateway.serviceAccount), "edge-gw-sa");
    assert.match((await valueOf(component.loadBalancerHostname)) ?? "", NLB_HOSTNAME);
    assert.equal(await valueOf(component.trustDomain), "corp.example");
    assert.equal(
        await valueOf(component.revision),
        "default",
        "the label value that selects a non-revisioned or default-tagged control plane",
    );
    assert.equal(await valueOf(component.version), undefined);
});

test("adopt on GKE: no resource at all, the given labels and revision passed on", async () => {
    const gke = await cluster("gke");
    const before = sim.graph.resources.length;
    const { component, children } = await deploy(
        "gke-adopted",
        {
            gatewayRole: "egress",
            adoptExisting: true,
            trustDomain: "cluster.local",
            revision: "1-28",
            existingGateway: {
                namespace: "istio-egress",
                selectorLabels: { istio: "egressgateway" },
                serviceName: "istio-egressgateway",
                serviceAccount: "istio-egressgateway-service-account",
            },
        },
        { provider: gke.provider },
    );
    assert.equal(children.length, 0);
    assert.equal(sim.graph.resources.length, before + 1, "only the component itself");
    assert.deepEqual(await valueOf(component.gateway.selectorLabels), { istio: "egressgateway" });
    assert.equal(await valueOf(component.revision), "1-28");
    assert.equal(await valueOf(component.loadBalancerHostname), undefined);
});

test("an Output argument holds back only what is built from it: the namespaces and the NLB Service do not wait for it, the chart values do", async () => {
    const eks = await cluster("eks");
    const k8s = await import("@pulumi/kubernetes");
    const source = new k8s.core.v1.ConfigMap(
        "trust-domain-source",
        { metadata: { namespace: "default" }, data: { trustDomain: "eks.example.internal" } },
        { provider: eks.provider },
    );
    const { component, child } = await deploy(
        "eks-late",
        { gatewayRole: "ingress", trustDomain: source.data.apply((d) => d.trustDomain) },
        { provider: eks.provider },
    );
    const from = sim.graph.one("kubernetes:core/v1:ConfigMap", "trust-domain-source");
    const istiod = child(RELEASE, "istiod-1-30");
    assert.ok(sim.graph.waitsFor(istiod, from), "istiod's meshConfig.trustDomain is built from it");
    assert.equal(inputs(istiod).values.meshConfig.trustDomain, "eks.example.internal");
    for (const [type, suffix] of [
        [NAMESPACE, "gateway-namespace"],
        [NAMESPACE, "istio-system"],
        [SERVICE, "load-balancer"],
    ])
        assert.equal(sim.graph.waitsFor(child(type, suffix), from), false, `${suffix} does not wait for it`);
    assert.equal(await valueOf(component.trustDomain), "eks.example.internal");
});
