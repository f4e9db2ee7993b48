// AwsEgress refuses what would make broken or over-wide egress, before registering anything: each case
// names the field, says the fix, and leaves the resource graph exactly as it was.
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { settle, startSimulation } from "../tools/simulator";
import { expectRefused } from "./support/refused";

const sim = startSimulation();

async function setup() {
    const k8s = await import("@pulumi/kubernetes");
    const { AwsEgress } = await import("../components/aws-egress");
    const provider = new k8s.Provider("eks", {
        kubeconfig: "apiVersion: v1\nclusters:\n- name: arn:aws:eks:us-east-1:123456789012:cluster/eks-lab5\n",
    });
    await settle();
    return { AwsEgress, provider };
}
const ready = setup();

type Args = import("../components/aws-egress").AwsEgressArgs;

/** Constructs with `args`, expects an InputPropertyError on `path` whose reason matches `fix`, and no registration. */
async function refused(args: Partial<Args>, path: string, fix: RegExp, opts?: pulumi.ComponentResourceOptions) {
    const { AwsEgress, provider } = await ready;
    return expectRefused(
        sim.graph,
        () =>
            new AwsEgress("egress", { namespace: "apps", region: "us-east-1", ...args } as Args, opts ?? { provider }),
        path,
        fix,
    );
}

test("a wildcard HTTPS host is refused, naming concrete endpoints as the fix", async () => {
    await refused(
        { extraHosts: [{ host: "*.amazonaws.com" }] },
        "extraHosts[0].host",
        /wildcard.*Name each endpoint concretely, e\.g\. "dynamodb\.us-east-1\.amazonaws\.com"/s,
    );
});

test("a wildcard S3 bucket host is refused with the path-style fix", async () => {
    await refused(
        { awsServices: ["dynamodb"], extraHosts: [{ host: "*.s3.us-east-1.amazonaws.com" }] },
        "extraHosts[0].host",
        /path-style addressing/,
    );
});

test("an unknown service name is refused, pointing at extraHosts with its likely FQDN", async () => {
    await refused(
        // @ts-expect-error: the type refuses it too; untyped callers (JS, YAML, Python) meet the run-time check
        { awsServices: ["dynamodb", "textract"] },
        "awsServices[1]",
        /not a service AwsEgress knows.*extraHosts, e\.g\. \{ host: "textract\.<region>\.amazonaws\.com" \}/s,
    );
});

test("invalid regions are refused with the expected shape", async () => {
    await refused(
        { region: "us-east1", awsServices: ["sts"] },
        "region",
        /Google Cloud region.*e\.g\. "us-east-1", "eu-west-3", "cn-north-1" or "us-gov-west-1"/s,
    );
    await refused({ region: "US-EAST-1", awsServices: ["sts"] }, "region", /lowercase form/);
    await refused(
        { region: "us-iso-east-1", awsServices: ["sts"] },
        "region",
        /isolated or sovereign partition.*extraHosts/s,
    );
});

test("a service missing from the region's partition is refused (global STS in China)", async () => {
    await refused(
        { region: "cn-north-1", awsServices: ["sts-global"] },
        "awsServices[0]",
        /does not exist in the aws-cn partition.*use "sts"/s,
    );
});

test("HTTPS on port 80 is a port/protocol mismatch", async () => {
    await refused(
        { extraHosts: [{ host: "textract.us-east-1.amazonaws.com", port: 80, protocol: "HTTPS" }] },
        "extraHosts[0].port",
        /HTTPS on port 80 does not match.*Use port 443/s,
    );
});

test("HTTP on port 443 in passthrough is a port/protocol mismatch", async () => {
    await refused(
        { extraHosts: [{ host: "textract.us-east-1.amazonaws.com", port: 443, protocol: "HTTP" }] },
        "extraHosts[0].protocol",
        /port 443 speaks TLS\. Write "HTTPS".*mode "originate"/s,
    );
});

test("HTTP on port 443 in originate mode is refused too, explaining that the component makes the app side HTTP", async () => {
    await refused(
        { mode: "originate", extraHosts: [{ host: "textract.us-east-1.amazonaws.com", port: 443, protocol: "HTTP" }] },
        "extraHosts[0].protocol",
        /Write "HTTPS"; in originate mode AwsEgress itself lets the app send plain HTTP to port 443/,
    );
});

test("originate mode for IMDS over TLS is refused: IMDS has no TLS endpoint; imds: true is the fix", async () => {
    await refused(
        { mode: "originate", extraHosts: [{ host: "169.254.169.254", port: 443, protocol: "HTTPS" }] },
        "extraHosts[0].host",
        /no TLS endpoint.*TLS-originated.*set imds: true/s,
    );
    await refused(
        { mode: "originate", extraHosts: [{ host: "instance-data.ec2.internal" }] },
        "extraHosts[0].host",
        /no TLS endpoint.*set imds: true/s,
    );
});

test("a host listed twice is refused: twice in services, and a service's endpoint again in extraHosts", async () => {
    await refused({ awsServices: ["sqs", "sqs"] }, "awsServices[1]", /listed twice.*list each value once/s);
    await refused(
        { awsServices: ["dynamodb"], extraHosts: [{ host: "dynamodb.us-east-1.amazonaws.com" }] },
        "extraHosts[0].host",
        /already allowed by awsServices\[0\]; list each host once/,
    );
});

test("an unknown mode is refused, listing the two modes", async () => {
    // @ts-expect-error: the type refuses it too; untyped callers (JS, YAML, Python) meet the run-time check
    await refused({ mode: "Originate", awsServices: ["dynamodb"] }, "mode", /"passthrough".*"originate"/s);
});

test("an IP address as an extra host is refused (Istio hosts are DNS names)", async () => {
    await refused({ extraHosts: [{ host: "52.94.0.10" }] }, "extraHosts[0].host", /IP address.*host name/s);
});

test("a missing kubernetes provider is refused instead of using ~/.kube/config", async () => {
    await refused(
        { awsServices: ["dynamodb"] },
        "opts.provider",
        /needs the kubernetes provider of its cluster in opts\.provider/,
        {},
    );
});

test("values that decide which objects exist must be plain, not Outputs", async () => {
    // @ts-expect-error: the type refuses it too; untyped callers (JS, YAML, Python) meet the run-time check
    await refused({ awsServices: pulumi.output(["dynamodb"]) }, "awsServices", /plain value, not an Output/);
});

test("an empty exportTo is refused (it would mean every namespace)", async () => {
    await refused({ awsServices: ["dynamodb"], exportTo: [] }, "exportTo", /default to every namespace/);
});
