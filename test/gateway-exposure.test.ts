// The EKS gateway's exposure (GatewayExposure): "internet" (the default, an internet-facing NLB) or "internal" (an
// internal NLB in the cluster's private subnets, for clouds joined by an HA VPN or an Interconnect), through the AWS
// Load Balancer Controller's documented annotations; an internal NLB always names its sources (the controller's
// default for the internal scheme is the VPC CIDR, which would drop every call from the other cloud). The link's
// `tags` reach the NLB through the controller's tags annotation. The diagram says which exposure is in use.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { settle, startSimulation, unsecret } from "../tools/simulator";
import { gatewayExposure } from "../tools/plan/diagram";
import { loadBalancerService } from "../components/istio-install/load-balancer";
import { GatewayExposure } from "../components/common/types";
import { linkSettings, readStackConfig } from "../stacks/config";
import { type Refusal, expectRefused, refusalTable } from "./support/refused";
import { kubeProvider } from "./support/providers";

const sim = startSimulation();

const SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme";
const TAGS_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags";
const GKE_PRIVATE = ["10.8.0.0/14", "10.10.0.0/20"];

test("the Service's annotations: internet-facing by default, internal on request, the tags as the controller reads them", () => {
    const base = { gatewayName: "istio-ingressgateway", namespace: "istio-ingress", loadBalancerSourceRanges: [] };
    const internet = loadBalancerService(base);
    assert.equal(internet.metadata.annotations[SCHEME], "internet-facing");
    assert.equal(internet.metadata.annotations[TAGS_ANNOTATION], undefined);
    const internal = loadBalancerService({
        ...base,
        loadBalancerSourceRanges: GKE_PRIVATE,
        exposure: GatewayExposure.Internal,
        tags: { team: "payments", "cost-center": "4711" },
    });
    assert.equal(internal.metadata.annotations[SCHEME], "internal");
    assert.equal(internal.metadata.annotations[TAGS_ANNOTATION], "cost-center=4711,team=payments");
    // Still the controller's NLB with IP targets: only the scheme differs.
    for (const key of Object.keys(internet.metadata.annotations).filter((k) => k !== SCHEME))
        assert.equal(internal.metadata.annotations[key], internet.metadata.annotations[key], key);
    assert.deepEqual(internal.spec.loadBalancerSourceRanges, GKE_PRIVATE);
    // What the plan's diagram says about each.
    assert.equal(gatewayExposure(internet, "istio-ingress/gw").label, "NLB, internet-facing, open to 0.0.0.0/0");
    assert.equal(
        gatewayExposure(internal, "istio-ingress/gw").label,
        "NLB, internal, source ranges 10.8.0.0/14, 10.10.0.0/20",
    );
});

const ADOPTED = {
    namespace: "istio-ingress",
    selectorLabels: { istio: "ingressgateway" },
    serviceName: "istio-ingressgateway",
    serviceAccount: "istio-ingressgateway",
};

const INSTALL_CASES: Refusal<Record<string, unknown>>[] = [
    {
        name: "IstioInstall: an internal NLB without source ranges",
        args: { gatewayRole: "ingress", exposure: "internal" },
        path: "loadBalancerSourceRanges",
        fix: /an internal NLB admits only its own VPC unless given source ranges; list the importing cluster's private CIDRs/,
    },
    {
        name: "IstioInstall: an internal NLB with an empty list of source ranges",
        args: { gatewayRole: "ingress", exposure: "internal", loadBalancerSourceRanges: [] },
        path: "loadBalancerSourceRanges",
        fix: /admits only its own VPC/,
    },
    {
        name: "IstioInstall: an exposure that is not one",
        args: { gatewayRole: "ingress", exposure: "private" },
        path: "exposure",
        fix: /"private" is not a gateway exposure: use "internet".*or "internal"/,
    },
    {
        name: "IstioInstall: an exposure for the egress role",
        args: { gatewayRole: "egress", exposure: "internal" },
        path: "exposure",
        fix: /only the ingress role has a load balancer/,
    },
    {
        name: "IstioInstall: load balancer tags for the egress role",
        args: { gatewayRole: "egress", loadBalancerTags: { team: "payments" } },
        path: "loadBalancerTags",
        fix: /only the ingress role has a load balancer/,
    },
    {
        name: "IstioInstall: an exposure for an adopted gateway",
        args: {
            gatewayRole: "ingress",
            adoptExisting: true,
            trustDomain: "corp.example",
            existingGateway: ADOPTED,
            exposure: "internal",
        },
        path: "exposure",
        fix: /applies only when crossmesh installs Istio/,
    },
    {
        name: "IstioInstall: a tag key AWS keeps for itself",
        args: { gatewayRole: "ingress", loadBalancerTags: { "aws:owner": "x" } },
        path: 'loadBalancerTags["aws:owner"]',
        fix: /AWS's own/,
    },
];

let eks: pulumi.ProviderResource | undefined;
refusalTable(sim.graph, INSTALL_CASES, async (args) => {
    const { IstioInstall } = await import("../components/istio-install");
    eks ??= await kubeProvider("eks-exposure", "eks");
    return () => new IstioInstall("bad", args as never, { provider: eks });
});

async function link(name: string, over: Record<string, unknown>) {
    const { CrossMeshLink } = await import("../components");
    return new CrossMeshLink(name, {
        eksProvider: await kubeProvider(`eks-${name}`, "eks"),
        gkeProvider: await kubeProvider(`gke-${name}`, "gke"),
        eksClusterName: "eks-lab5",
        services: [
            {
                host: "inventory.external",
                upstream: { hostname: "inventory.internal.example.org" },
                allowedSources: [{ namespace: "shop" }],
            },
        ],
        ...over,
    } as never);
}

const LINK_CASES: Refusal<Record<string, unknown>>[] = [
    {
        name: "link: internal exposure without consumerEgressCidrs, named on the link's field",
        args: { eksGatewayExposure: "internal" },
        path: "consumerEgressCidrs",
        fix: /an internal NLB admits only its own VPC/,
    },
    {
        name: "link: an exposure for an adopted EKS gateway",
        args: { eksGatewayExposure: "internal", eksExistingGateway: ADOPTED, eksTrustDomain: "corp.example" },
        path: "eksGatewayExposure",
        fix: /applies only when crossmesh installs Istio/,
    },
    {
        name: "link: a tag key AWS keeps for itself",
        args: { tags: { "aws:cloudformation:stack-name": "x" } },
        path: 'tags["aws:cloudformation:stack-name"]',
        fix: /keys starting with "aws:" are AWS's own/,
    },
    {
        name: "link: a tag value with a character AWS refuses",
        args: { tags: { team: "payments, billing" } },
        path: 'tags["team"]',
        fix: /letters, digits, spaces and _ \. : \/ = \+ - @ only/,
    },
    {
        name: "link: a tag key the NLB annotation cannot carry",
        args: { tags: { "a=b": "c" } },
        path: 'tags["a=b"]',
        fix: /cannot carry a key with "="/,
    },
    {
        name: "link: more tags than AWS leaves room for",
        args: { tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, "v"])) },
        path: "tags",
        fix: /48 tags; AWS allows 50 per resource .* at most 47/,
    },
];
let counter = 0;
for (const c of LINK_CASES)
    test(`refused: ${c.name}`, async () => {
        const { CrossMeshLink } = await import("../components");
        const id = `bad${counter++}`;
        const eksProvider = await kubeProvider(`eks-${id}`, "eks");
        const gkeProvider = await kubeProvider(`gke-${id}`, "gke");
        await expectRefused(
            sim.graph,
            () =>
                new CrossMeshLink(id, {
                    eksProvider,
                    gkeProvider,
                    eksClusterName: "eks-lab5",
                    services: [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }],
                    ...c.args,
                } as never),
            c.path,
            c.fix,
        );
    });

test("a link with eksGatewayExposure internal: an internal NLB admitting the GKE cluster's private ranges, no internet warning", async () => {
    const seen: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void seen.push(args.join(" "));
    try {
        await link("private", { eksGatewayExposure: "internal", consumerEgressCidrs: GKE_PRIVATE });
        await settle();
    } finally {
        console.warn = original;
    }
    const service = sim.graph.resources.find(
        (r) => r.type === "kubernetes:core/v1:Service" && r.name === "private-eks-istio-load-balancer",
    );
    assert.ok(service, "the EKS gateway's Service");
    const manifest = unsecret(service.rawInputs) as any;
    assert.equal(manifest.metadata.annotations[SCHEME], "internal");
    assert.equal(manifest.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "external");
    assert.deepEqual(manifest.spec.loadBalancerSourceRanges, GKE_PRIVATE);
    assert.equal(gatewayExposure(manifest, "x").label, "NLB, internal, source ranges 10.8.0.0/14, 10.10.0.0/20");
    assert.ok(!seen.some((w) => /internet-facing NLB/.test(w)), seen.join("\n"));
});

test("the stack config takes eksGatewayExposure and tags as keys (derived from the link's spec), with the link's checks", () => {
    const raw = {
        "crossmesh:awsRegion": "eu-west-1",
        "crossmesh:eksClusterName": "eks-lab5",
        "crossmesh:gkeContext": "gke_p_z_c",
        "crossmesh:eksGatewayExposure": "internal",
        "crossmesh:consumerEgressCidrs": JSON.stringify(GKE_PRIVATE),
        "crossmesh:tags": JSON.stringify({ team: "payments" }),
    };
    const settings = linkSettings(readStackConfig(raw, () => false));
    assert.equal(settings.eksGatewayExposure, "internal");
    assert.deepEqual(settings.tags, { team: "payments" });
    const { ["crossmesh:consumerEgressCidrs"]: _dropped, ...withoutRanges } = raw;
    void _dropped;
    assert.throws(
        () => readStackConfig(withoutRanges, () => false),
        (e: unknown) =>
            pulumi.InputPropertyError.isInstance(e) &&
            e.propertyPath === "crossmesh:consumerEgressCidrs" &&
            /admits only its own VPC/.test(e.reason),
    );
});
