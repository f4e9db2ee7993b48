// Bad LambdaAlb input fails with a pulumi.InputPropertyError that names the field and the fix, before
// any resource is registered (no half-built ALB to clean up).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSimulation } from "../tools/simulator";
import * as pulumi from "@pulumi/pulumi";
import { refusalTable } from "./support/refused";
import { runFixture } from "./support/run-fixture";

const sim = startSimulation();
const EKS = { eksClusterName: "eks-lab5" };
const SUBNETS = { vpcId: "vpc-1", subnetIds: ["subnet-1", "subnet-2"] };
const ACM_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";

// [what is wrong, the args that differ from a valid one, the field refused, the fix it says]
const CASES: [string, Record<string, unknown>, string, RegExp][] = [
    ["no cluster and no subnets", {}, "eksClusterName", /give the EKS cluster name .* or give vpcId and subnetIds/],
    ["one subnet", { ...SUBNETS, subnetIds: ["subnet-1"], allowedCidrs: ["10.0.0.0/16"] }, "subnetIds", /got 1/],
    ["explicit subnets and no allowed source", SUBNETS, "allowedSecurityGroupIds", /nothing would be allowed to/],
    ["certificateArn without a domain", { ...EKS, certificateArn: ACM_ARN }, "domainName", /also give the domain name/],
    ["a wildcard domain", { ...EKS, certificateArn: ACM_ARN, domainName: "*.example.com" }, "domainName", /wildcard/],
    ["an unknown runtime", { ...EKS, runtime: "python2.7" }, "runtime", /use one of .*python3\.12, python3\.13/],
    ["a code path that does not exist", { ...EKS, codePath: "./no/such" }, "codePath", /does not exist; give the path/],
    [
        "both code and codePath",
        { ...EKS, code: new pulumi.asset.AssetArchive({}), codePath: "." },
        "codePath",
        /not both/,
    ],
    ["memory above AWS's limit", { ...EKS, memorySize: 20480 }, "memorySize", /from 128 to 10240/],
    ["memory below AWS's limit", { ...EKS, memorySize: 64 }, "memorySize", /from 128 to 10240/],
    ["a timeout above AWS's limit", { ...EKS, timeout: 901 }, "timeout", /from 1 to 900/],
    ["a timeout of zero", { ...EKS, timeout: 0 }, "timeout", /from 1 to 900/],
    ["a log retention CloudWatch lacks", { ...EKS, logRetentionDays: 10 }, "logRetentionDays", /use one of 0, 1, 3/],
    ["an unknown HTTP listener mode", { ...EKS, httpListener: "forward" }, "httpListener", /"off" .* or "redirect"/],
    [
        "a CIDR with host bits",
        { ...EKS, allowedCidrs: ["10.1.2.3/16"] },
        "allowedCidrs[0]",
        /address "10\.1\.0\.0\/16"/,
    ],
    ["allowed CIDRs as an Output", { ...EKS, allowedCidrs: pulumi.output([]) }, "allowedCidrs", /one ingress rule per/],
    ["a validity within the renewal", { ...EKS, certificateValidityDays: 30 }, "certificateValidityDays", /not longer/],
];
refusalTable(
    sim.graph,
    CASES.map(([name, args, path, fix]) => ({ name, args, path, fix })),
    async (args) => {
        const { LambdaAlb } = await import("../components/lambda-alb");
        return () => new LambdaAlb("bad", args);
    },
);

interface ProgramRun {
    errors: string[];
    registered: string[];
}

test("a cluster VPC with fewer than two internal-ELB subnets fails the deployment, naming eksClusterName, before the ALB exists", () => {
    const run = runFixture<ProgramRun>("run-lambda-alb.ts", JSON.stringify({ eksClusterName: "eks-one-az" }));
    assert.ok(run.errors.length > 0, "the program fails");
    for (const e of run.errors)
        assert.match(
            e,
            /eksClusterName: the VPC of EKS cluster "eks-one-az" has 1 subnet\(s\) tagged kubernetes\.io\/role\/internal-elb=1/,
        );
    assert.ok(!run.registered.includes("aws:lb/loadBalancer:LoadBalancer"), "no ALB registered");
    assert.ok(
        run.registered.includes("aws:lambda/function:Function"),
        "independent parts still proceed, as in a real run",
    );
});

test("an EKS cluster that does not exist fails with the provider's own error", () => {
    const run = runFixture<ProgramRun>("run-lambda-alb.ts", JSON.stringify({ eksClusterName: "no-such-cluster" }));
    assert.ok(run.errors.length > 0);
    for (const e of run.errors) assert.match(e, /reading EKS Cluster \(no-such-cluster\): couldn't find resource/);
    assert.ok(!run.registered.includes("aws:lb/loadBalancer:LoadBalancer"));
});
