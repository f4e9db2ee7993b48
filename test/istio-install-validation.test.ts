// Bad IstioInstall input fails with a pulumi.InputPropertyError naming the field and the fix, before the
// component or any child is registered (no half-installed mesh).
import * as pulumi from "@pulumi/pulumi";
import { startSimulation } from "../tools/simulator";
import { type Refusal, refusalTable } from "./support/refused";
import { kubeProvider } from "./support/providers";

const sim = startSimulation();

const ADOPTED = {
    namespace: "istio-ingress",
    selectorLabels: { istio: "ingressgateway" },
    serviceName: "istio-ingressgateway",
    serviceAccount: "istio-ingressgateway",
};
const adopt = (over: Record<string, unknown>) => ({
    gatewayRole: "ingress",
    adoptExisting: true,
    trustDomain: "corp.example",
    existingGateway: ADOPTED,
    ...over,
});

/** The args, and the options when they are not the EKS provider (`opts`: a function, so providers are made in the test). */
type Case = Record<string, unknown> & { opts?: () => Promise<pulumi.ComponentResourceOptions> };

const CASES: Refusal<Case>[] = [
    {
        name: "a version that is not MAJOR.MINOR.PATCH",
        args: { gatewayRole: "ingress", version: "1.30" },
        path: "version",
        fix: /"1\.30" is not an Istio release version; write MAJOR\.MINOR\.PATCH .* e\.g\. "1\.30\.3"/,
    },
    ...["v1.30.3", "1.30.3-beta.1"].map((version) => ({
        name: `version ${version}`,
        args: { gatewayRole: "ingress", version },
        path: "version",
        fix: /not an Istio release version/,
    })),
    {
        name: "a version older than 1.25",
        args: { gatewayRole: "egress", version: "1.24.6" },
        path: "version",
        fix: /needs 1\.25\.0 or newer/,
    },
    {
        name: "an adopted Istio without selector labels",
        args: adopt({ existingGateway: { ...ADOPTED, selectorLabels: undefined } }),
        path: "existingGateway.selectorLabels",
        fix: /give the adopted gateway pods' labels/,
    },
    {
        name: "an adopted Istio with empty selector labels",
        args: adopt({ existingGateway: { ...ADOPTED, selectorLabels: {} } }),
        path: "existingGateway.selectorLabels",
        fix: /empty selector would bind Gateways and policies to every proxy/,
    },
    {
        name: "an invalid CIDR in loadBalancerSourceRanges",
        args: { gatewayRole: "ingress", loadBalancerSourceRanges: ["203.0.113.0/24", "203.0.113.300/32"] },
        path: "loadBalancerSourceRanges[1]",
        fix: /is not a CIDR block/,
    },
    {
        name: "no kubernetes provider",
        args: { gatewayRole: "ingress", opts: async () => ({}) },
        path: "opts.provider",
        fix: /needs the kubernetes provider of its cluster/,
    },
    {
        name: "a provider of another package",
        args: {
            gatewayRole: "ingress",
            opts: async () => {
                const aws = await import("@pulumi/aws");
                return { provider: new aws.Provider("aws-not-k8s", { region: "eu-west-1" }) };
            },
        },
        path: "opts.provider",
        fix: /got a "aws" provider/,
    },
    {
        name: "an unknown gateway role",
        args: { gatewayRole: "gateway" },
        path: "gatewayRole",
        fix: /"gateway" is not a gateway role: use "ingress" .* or "egress"/,
    },
    { name: "no gateway role", args: {}, path: "gatewayRole", fix: /give the gateway's role/ },
    {
        name: "a gateway role that is an Output",
        args: { gatewayRole: pulumi.output("ingress") },
        path: "gatewayRole",
        fix: /plain value, not an Output: the role decides which resources exist/,
    },
    {
        name: "an unknown outbound traffic policy",
        args: { gatewayRole: "egress", outboundTrafficPolicy: "DENY" },
        path: "outboundTrafficPolicy",
        fix: /"DENY" is not an outbound traffic policy; use "ALLOW_ANY" .* or "REGISTRY_ONLY"/,
    },
    {
        name: "an outbound traffic policy in lower case",
        args: { gatewayRole: "egress", outboundTrafficPolicy: "registry_only" },
        path: "outboundTrafficPolicy",
        fix: /not an outbound traffic policy/,
    },
    {
        name: "source ranges for the egress role",
        args: { gatewayRole: "egress", loadBalancerSourceRanges: ["10.0.0.0/8"] },
        path: "loadBalancerSourceRanges",
        fix: /only the ingress role has a load balancer/,
    },
    {
        name: "the gateway in istio-system",
        args: { gatewayRole: "ingress", gatewayNamespace: "istio-system" },
        path: "gatewayNamespace",
        fix: /gets its own namespace/,
    },
    {
        name: "a gateway name Helm cannot use",
        args: { gatewayRole: "ingress", gatewayName: "a".repeat(54) },
        path: "gatewayName",
        fix: /Helm limits to 53/,
    },
    {
        name: 'revision "default"',
        args: { gatewayRole: "ingress", revision: "default" },
        path: "revision",
        fix: /revision tag .* not a revision name/,
    },
    {
        name: "a malformed trust domain",
        args: { gatewayRole: "ingress", trustDomain: "eks mesh" },
        path: "trustDomain",
        fix: /not a valid SPIFFE trust domain/,
    },
    {
        name: "an adopted Istio without its trust domain",
        args: adopt({ trustDomain: undefined }),
        path: "trustDomain",
        fix: /give the adopted mesh's trust domain/,
    },
    {
        name: "install settings with an adopted Istio",
        args: adopt({ outboundTrafficPolicy: "REGISTRY_ONLY" }),
        path: "outboundTrafficPolicy",
        fix: /applies only when crossmesh installs Istio/,
    },
    {
        name: "existingGateway without adoptExisting",
        args: { gatewayRole: "ingress", existingGateway: ADOPTED },
        path: "existingGateway",
        fix: /only used with adoptExisting: true/,
    },
    {
        name: "adoptExisting without existingGateway",
        args: adopt({ gatewayRole: "egress", existingGateway: undefined }),
        path: "existingGateway",
        fix: /describe the running gateway/,
    },
    // retainedVersions: a canary keeps other revisions' istiods; each entry must be a real, other revision.
    ...(
        [
            ["the version being installed", ["1.30.1"], "[0]", /revision 1-30, the one being installed/],
            [
                "two versions of one revision",
                ["1.29.1", "1.29.2"],
                "[1]",
                /like retainedVersions\[0\]; keep one version per revision/,
            ],
            ["not a version", ["1.29"], "[0]", /not an Istio release version/],
            ["not a list", "1.29.2", "", /give a list of versions/],
        ] as const
    ).map(([what, retainedVersions, at, fix]) => ({
        name: `retainedVersions: ${what}`,
        args: { gatewayRole: "egress", version: "1.30.3", retainedVersions },
        path: `retainedVersions${at}`,
        fix,
    })),
    {
        name: "retainedVersions on an adopted mesh (crossmesh installs no istiod there)",
        args: adopt({ retainedVersions: ["1.29.2"] }),
        path: "retainedVersions",
        fix: /applies only when crossmesh installs Istio/,
    },
];

let eks: pulumi.ProviderResource | undefined;
refusalTable(sim.graph, CASES, async ({ opts, ...args }) => {
    const { IstioInstall } = await import("../components/istio-install");
    const options = opts ? await opts() : { provider: (eks ??= await kubeProvider("eks", "eks")) };
    return () => new IstioInstall("bad", args as never, options);
});
