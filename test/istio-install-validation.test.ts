// Bad IstioInstall input fails with a pulumi.InputPropertyError naming the field and the fix, before the
// component or any child is registered (no half-installed mesh).
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { startSimulation } from "../tools/simulator";
import { expectRefused } from "./support/refused";

const sim = startSimulation();
const EKS_KUBECONFIG = "apiVersion: v1\nclusters:\n- name: arn:aws:eks:eu-west-1:123456789012:cluster/eks-lab5\n";

let eksProvider: pulumi.ProviderResource | undefined;
async function eks(): Promise<pulumi.ComponentResourceOptions> {
    const k8s = await import("@pulumi/kubernetes");
    eksProvider ??= new k8s.Provider("eks", { kubeconfig: EKS_KUBECONFIG });
    return { provider: eksProvider };
}

const ADOPTED = {
    namespace: "istio-ingress",
    selectorLabels: { istio: "ingressgateway" },
    serviceName: "istio-ingressgateway",
    serviceAccount: "istio-ingressgateway",
};

async function rejects(
    args: Record<string, unknown>,
    propertyPath: string,
    fix: RegExp,
    opts?: pulumi.ComponentResourceOptions,
) {
    const { IstioInstall } = await import("../components/istio-install");
    const options = opts ?? (await eks());
    await expectRefused(sim.graph, () => new IstioInstall("bad", args as never, options), propertyPath, fix);
}

test("a version that is not MAJOR.MINOR.PATCH", async () => {
    await rejects(
        { gatewayRole: "ingress", version: "1.30" },
        "version",
        /"1\.30" is not an Istio release version; write MAJOR\.MINOR\.PATCH .* e\.g\. "1\.30\.3"/,
    );
    await rejects({ gatewayRole: "ingress", version: "v1.30.3" }, "version", /not an Istio release version/);
    await rejects({ gatewayRole: "ingress", version: "1.30.3-beta.1" }, "version", /not an Istio release version/);
});
test("a version older than 1.25", () =>
    rejects({ gatewayRole: "egress", version: "1.24.6" }, "version", /needs 1\.25\.0 or newer/));
test("an adopted Istio without selector labels", () =>
    rejects(
        {
            gatewayRole: "ingress",
            adoptExisting: true,
            trustDomain: "corp.example",
            existingGateway: { ...ADOPTED, selectorLabels: undefined },
        },
        "existingGateway.selectorLabels",
        /give the adopted gateway pods' labels/,
    ));
test("an adopted Istio with empty selector labels", () =>
    rejects(
        {
            gatewayRole: "ingress",
            adoptExisting: true,
            trustDomain: "corp.example",
            existingGateway: { ...ADOPTED, selectorLabels: {} },
        },
        "existingGateway.selectorLabels",
        /empty selector would bind Gateways and policies to every proxy/,
    ));
test("an invalid CIDR in loadBalancerSourceRanges", () =>
    rejects(
        { gatewayRole: "ingress", loadBalancerSourceRanges: ["203.0.113.0/24", "203.0.113.300/32"] },
        "loadBalancerSourceRanges[1]",
        /is not a CIDR block/,
    ));
test("a CIDR with host bits set", () =>
    rejects(
        { gatewayRole: "ingress", loadBalancerSourceRanges: ["203.0.113.7/24"] },
        "loadBalancerSourceRanges[0]",
        /use the network address "203\.0\.113\.0\/24"/,
    ));
test("no kubernetes provider", () =>
    rejects({ gatewayRole: "ingress" }, "opts.provider", /needs the kubernetes provider of its cluster/, {}));
test("a provider of another package", async () => {
    const aws = await import("@pulumi/aws");
    const provider = new aws.Provider("aws-not-k8s", { region: "eu-west-1" });
    await rejects({ gatewayRole: "ingress" }, "opts.provider", /got a "aws" provider/, { provider });
});
test("an unknown gateway role", () =>
    rejects(
        { gatewayRole: "gateway" },
        "gatewayRole",
        /"gateway" is not a gateway role; use "ingress" .* or "egress"/,
    ));
test("no gateway role", () => rejects({}, "gatewayRole", /give the gateway's role/));
test("a gateway role that is an Output", () =>
    rejects({ gatewayRole: pulumi.output("ingress") }, "gatewayRole", /pass a plain string/));
test("an unknown outbound traffic policy", async () => {
    await rejects(
        { gatewayRole: "egress", outboundTrafficPolicy: "DENY" },
        "outboundTrafficPolicy",
        /"DENY" is not an outbound traffic policy; use "ALLOW_ANY" .* or "REGISTRY_ONLY"/,
    );
    await rejects(
        { gatewayRole: "egress", outboundTrafficPolicy: "registry_only" },
        "outboundTrafficPolicy",
        /not an outbound traffic policy/,
    );
});
test("source ranges for the egress role", () =>
    rejects(
        { gatewayRole: "egress", loadBalancerSourceRanges: ["10.0.0.0/8"] },
        "loadBalancerSourceRanges",
        /only the ingress role has a load balancer/,
    ));
test("the gateway in istio-system", () =>
    rejects(
        { gatewayRole: "ingress", gatewayNamespace: "istio-system" },
        "gatewayNamespace",
        /gets its own namespace/,
    ));
test("a gateway name Helm cannot use", () =>
    rejects({ gatewayRole: "ingress", gatewayName: "a".repeat(54) }, "gatewayName", /Helm limits to 53/));
test('revision "default"', () =>
    rejects({ gatewayRole: "ingress", revision: "default" }, "revision", /revision tag .* not a revision name/));
test("a malformed trust domain", () =>
    rejects({ gatewayRole: "ingress", trustDomain: "eks mesh" }, "trustDomain", /not a valid SPIFFE trust domain/));
test("an adopted Istio without its trust domain", () =>
    rejects(
        { gatewayRole: "ingress", adoptExisting: true, existingGateway: ADOPTED },
        "trustDomain",
        /give the adopted mesh's trust domain/,
    ));
test("install settings with an adopted Istio", () =>
    rejects(
        {
            gatewayRole: "ingress",
            adoptExisting: true,
            trustDomain: "corp.example",
            existingGateway: ADOPTED,
            outboundTrafficPolicy: "REGISTRY_ONLY",
        },
        "outboundTrafficPolicy",
        /applies only when crossmesh installs Istio/,
    ));
test("existingGateway without adoptExisting", () =>
    rejects(
        { gatewayRole: "ingress", existingGateway: ADOPTED },
        "existingGateway",
        /only used with adoptExisting: true/,
    ));
test("adoptExisting without existingGateway", () =>
    rejects(
        { gatewayRole: "egress", adoptExisting: true, trustDomain: "corp.example" },
        "existingGateway",
        /describe the running gateway/,
    ));

// retainedVersions: a canary keeps other revisions' istiods; each entry must be a real, other revision.
for (const [what, over, path, fix] of [
    [
        "the version being installed",
        { retainedVersions: ["1.30.1"] },
        "retainedVersions[0]",
        /revision 1-30, the one being installed/,
    ],
    [
        "two versions of one revision",
        { retainedVersions: ["1.29.1", "1.29.2"] },
        "retainedVersions[1]",
        /like retainedVersions\[0\]; keep one version per revision/,
    ],
    ["not a version", { retainedVersions: ["1.29"] }, "retainedVersions[0]", /not an Istio release version/],
    ["not a list", { retainedVersions: "1.29.2" }, "retainedVersions", /plain list of versions/],
] as const) {
    test(`retainedVersions: ${what} is refused`, () =>
        rejects({ gatewayRole: "egress", version: "1.30.3", ...over }, path, fix));
}
test("retainedVersions on an adopted mesh is refused (crossmesh installs no istiod there)", () =>
    rejects(
        {
            gatewayRole: "egress",
            adoptExisting: true,
            trustDomain: "gke.example",
            existingGateway: {
                namespace: "istio-egress",
                selectorLabels: { istio: "egressgateway" },
                serviceName: "gw",
                serviceAccount: "gw",
            },
            retainedVersions: ["1.29.2"],
        },
        "retainedVersions",
        /applies only when crossmesh installs Istio/,
    ));
