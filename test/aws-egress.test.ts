// AwsEgress under the provider simulator: one CustomResource per Istio object, created with the given
// kubernetes provider, in the given namespace, exported to exactly the given namespaces.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import { validateIstioObject } from "./support/istio-schema";

const sim = startSimulation();
const SE = "kubernetes:networking.istio.io/v1:ServiceEntry";
const DR = "kubernetes:networking.istio.io/v1:DestinationRule";
const COMPONENT = "crossmesh:index:AwsEgress";

async function cluster(name: string, kubeconfig: string) {
    const k8s = await import("@pulumi/kubernetes");
    const provider = new k8s.Provider(name, { kubeconfig });
    const [urn, id] = await Promise.all([valueOf(provider.urn), valueOf(provider.id)]);
    return { provider, ref: `${urn}::${id}` };
}

async function deploy(
    name: string,
    args: import("../components/aws-egress").AwsEgressArgs,
    opts: pulumi.ComponentResourceOptions,
) {
    const { AwsEgress } = await import("../components/aws-egress");
    const component = new AwsEgress(name, args, opts);
    await valueOf(component.hosts);
    await settle();
    const urn = sim.graph.one(COMPONENT, name).urn;
    const children = sim.graph.children(urn);
    return { component, urn, children, of: (type: string) => children.filter((r) => r.type === type) };
}

const object = (r: RecordedResource) =>
    unsecret(r.rawInputs) as { apiVersion: string; kind: string; metadata: any; spec: any };

test("passthrough on EKS: one ServiceEntry per endpoint, with the given provider, namespace and exportTo", async () => {
    const eks = await cluster(
        "eks",
        "apiVersion: v1\nclusters:\n- name: arn:aws:eks:us-east-1:123456789012:cluster/eks-lab5\n",
    );
    const { children, of, component } = await deploy(
        "eks-aws",
        {
            namespace: "apps",
            region: "us-east-1",
            awsServices: ["dynamodb", "sts"],
            exportTo: ["apps", "batch"],
        },
        { provider: eks.provider },
    );
    assert.equal(children.length, 2, "exactly two children");
    assert.equal(of(DR).length, 0, "passthrough needs no DestinationRule");
    const entries = of(SE).map(object);
    assert.deepEqual(
        entries.map((o) => o.spec.hosts),
        [["dynamodb.us-east-1.amazonaws.com"], ["sts.us-east-1.amazonaws.com"]],
    );
    for (const r of of(SE)) {
        assert.equal(r.custom, true);
        assert.equal(r.provider, eks.ref, `${r.name} uses the EKS provider`);
        const o = object(r);
        assert.equal(validateIstioObject(o), "networking.istio.io/ServiceEntry");
        assert.equal(o.metadata.namespace, "apps");
        assert.deepEqual(o.spec.exportTo, ["apps", "batch"]);
        assert.deepEqual(o.spec.ports, [{ number: 443, name: "tls-443", protocol: "TLS" }]);
        assert.equal(
            r.state?.metadata && (r.state.metadata as any).namespace,
            "apps",
            "the API server stored it in apps",
        );
    }
    assert.deepEqual(
        of(SE).map((r) => r.name),
        ["eks-aws-service-entry-apps-eks-aws-dynamodb", "eks-aws-service-entry-apps-eks-aws-sts"],
    );
    assert.deepEqual(await valueOf(component.serviceEntryNames), ["eks-aws-dynamodb", "eks-aws-sts"]);
    assert.deepEqual(await valueOf(component.destinationRuleNames), []);
    assert.deepEqual(await valueOf(component.appEndpoints), {
        dynamodb: "https://dynamodb.us-east-1.amazonaws.com",
        sts: "https://sts.us-east-1.amazonaws.com",
    });
});

test("originate on GKE calling eu-west-1: ServiceEntry + DestinationRule per AWS endpoint, IMDS plain, outputs registered", async () => {
    const gke = await cluster("gke", "apiVersion: v1\nclusters:\n- name: gke_proj_europe-west1_gke-lab5\n");
    const { children, of, component, urn } = await deploy(
        "gke-aws",
        {
            namespace: "payments",
            region: "eu-west-1",
            awsServices: ["dynamodb", "sts"],
            imds: true,
            mode: "originate",
            exportTo: ["payments"],
        },
        { provider: gke.provider },
    );
    assert.equal(children.length, 5, "3 ServiceEntries + 2 DestinationRules");
    assert.ok(children.every((r) => r.provider === gke.ref && object(r).metadata.namespace === "payments"));
    assert.ok(children.every((r) => JSON.stringify(object(r).spec.exportTo) === JSON.stringify(["payments"])));
    children.forEach((r) => validateIstioObject(object(r)));
    const rules = of(DR).map(object);
    assert.deepEqual(
        rules.map((o) => [
            o.spec.host,
            o.spec.trafficPolicy.portLevelSettings[0].port.number,
            o.spec.trafficPolicy.portLevelSettings[0].tls,
        ]),
        [
            [
                "dynamodb.eu-west-1.amazonaws.com",
                443,
                {
                    mode: "SIMPLE",
                    sni: "dynamodb.eu-west-1.amazonaws.com",
                    subjectAltNames: ["dynamodb.eu-west-1.amazonaws.com"],
                    insecureSkipVerify: false,
                },
            ],
            [
                "sts.eu-west-1.amazonaws.com",
                443,
                {
                    mode: "SIMPLE",
                    sni: "sts.eu-west-1.amazonaws.com",
                    subjectAltNames: ["sts.eu-west-1.amazonaws.com"],
                    insecureSkipVerify: false,
                },
            ],
        ],
    );
    const imds = of(SE)
        .map(object)
        .find((o) => o.spec.addresses);
    assert.deepEqual(imds?.spec.ports, [{ number: 80, name: "http-80", protocol: "HTTP" }]);
    assert.equal(imds?.spec.resolution, "STATIC");
    assert.deepEqual(await valueOf(component.sdkEnvironment), {
        AWS_ENDPOINT_URL_DYNAMODB: "http://dynamodb.eu-west-1.amazonaws.com:443",
        AWS_ENDPOINT_URL_STS: "http://sts.eu-west-1.amazonaws.com:443",
        AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://169.254.169.254",
    });
    const outputs = sim.graph.byUrn(urn)?.rawOutputs as Record<string, unknown>;
    assert.equal(outputs.mode, "originate");
    assert.deepEqual(outputs.hosts, [
        "dynamodb.eu-west-1.amazonaws.com",
        "sts.eu-west-1.amazonaws.com",
        "instance-data.ec2.internal",
    ]);
});

test("China region: endpoints under amazonaws.com.cn, provider given through opts.providers", async () => {
    const eks = await cluster(
        "eks-cn",
        "apiVersion: v1\nclusters:\n- name: arn:aws-cn:eks:cn-north-1:123456789012:cluster/eks-cn\n",
    );
    const { of } = await deploy(
        "cn-aws",
        {
            namespace: "apps",
            region: "cn-north-1",
            awsServices: ["dynamodb", "sts", "s3"],
            mode: "originate",
        },
        { providers: { kubernetes: eks.provider } },
    );
    assert.deepEqual(
        of(SE).map((r) => object(r).spec.hosts[0]),
        ["dynamodb.cn-north-1.amazonaws.com.cn", "sts.cn-north-1.amazonaws.com.cn", "s3.cn-north-1.amazonaws.com.cn"],
    );
    assert.deepEqual(
        of(DR).map((r) => object(r).spec.trafficPolicy.portLevelSettings[0].tls.sni),
        ["dynamodb.cn-north-1.amazonaws.com.cn", "sts.cn-north-1.amazonaws.com.cn", "s3.cn-north-1.amazonaws.com.cn"],
    );
    assert.ok(
        [...of(SE), ...of(DR)].every((r) => r.provider === eks.ref),
        "children inherit the kubernetes provider from opts.providers",
    );
    assert.ok(
        [...of(SE), ...of(DR)].every((r) => JSON.stringify(object(r).spec.exportTo) === '["."]'),
        "default exportTo is the objects' own namespace only",
    );
});

test("exportTo may come from another resource: the objects wait for it and carry its value", async () => {
    const eks = await cluster(
        "eks-ns",
        "apiVersion: v1\nclusters:\n- name: arn:aws:eks:us-east-1:123456789012:cluster/eks-lab5\n",
    );
    const k8s = await import("@pulumi/kubernetes");
    const ns = new k8s.core.v1.Namespace("team", { metadata: { name: "team-a" } }, { provider: eks.provider });
    const { of } = await deploy(
        "dep-aws",
        { namespace: "apps", region: "us-east-1", awsServices: ["sqs"], exportTo: [ns.metadata.name, "apps"] },
        { provider: eks.provider },
    );
    const [entry] = of(SE);
    assert.deepEqual(object(entry).spec.exportTo, ["team-a", "apps"]);
    const nsRecord = sim.graph.one("kubernetes:core/v1:Namespace", "team");
    assert.ok(sim.graph.waitsFor(entry, nsRecord), "the ServiceEntry waits for the namespace it exports to");
});

test("the link's eksAwsEgress.exportTo, set in a stack config, scopes the EKS mesh's AWS endpoints to those namespaces", async () => {
    // A field picked from AwsEgress's spec into the link's: the stack config takes it with no schema of its own.
    const { runStack } = await import("../tools/simulator/stack");
    const { providerName } = await import("../tools/plan/extract");
    const run = await runStack({
        stack: "dev",
        overrides: { eksAwsEgress: { awsServices: ["sts"], imds: true, exportTo: ["orders", "batch"] } },
    });
    const entries = run.graph
        .ofType(SE)
        .filter((r) => providerName(run.graph, r) === "eks")
        .map(
            (r) =>
                unsecret(r.rawInputs) as {
                    metadata: { namespace: string };
                    spec: { hosts: string[]; exportTo: string[] };
                },
        )
        .filter((o) => o.metadata.namespace === "istio-system");
    assert.deepEqual(
        entries.map((o) => [o.spec.hosts, o.spec.exportTo]),
        [
            [["sts.eu-west-1.amazonaws.com"], ["orders", "batch"]],
            [["instance-data.ec2.internal"], ["orders", "batch"]],
        ],
    );
});
