// Bad LambdaAlb input fails with a pulumi.InputPropertyError that names the field and the fix, before
// any resource is registered (no half-built ALB to clean up).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { startSimulation } from "../tools/simulator";
import { expectRefused } from "./support/refused";
import { runFixture } from "./support/run-fixture";

const sim = startSimulation();

async function rejects(args: Record<string, unknown>, propertyPath: string, fix: RegExp) {
    const { LambdaAlb } = await import("../components/lambda-alb");
    await expectRefused(sim.graph, () => new LambdaAlb("bad", args), propertyPath, fix);
}

test("no cluster and no subnets", () =>
    rejects({}, "eksClusterName", /give the EKS cluster name .* or give vpcId and subnetIds/));
test("fewer than two subnets", () =>
    rejects(
        { vpcId: "vpc-1", subnetIds: ["subnet-1"], allowedCidrs: ["10.0.0.0/16"] },
        "subnetIds",
        /at least two subnets in two Availability Zones; got 1/,
    ));
test("certificateArn without a domain name", () =>
    rejects(
        { eksClusterName: "eks-lab5", certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" },
        "domainName",
        /also give the domain name/,
    ));
test("an unknown runtime", () =>
    rejects(
        { eksClusterName: "eks-lab5", runtime: "python2.7" },
        "runtime",
        /use one of .*python3\.10, python3\.11, python3\.12, python3\.13/,
    ));
test("a code path that does not exist", () =>
    rejects(
        { eksClusterName: "eks-lab5", codePath: "./no/such/dir" },
        "codePath",
        /does not exist; give the path of a directory or a \.zip/,
    ));
test("memory above AWS's limit", () =>
    rejects({ eksClusterName: "eks-lab5", memorySize: 20480 }, "memorySize", /from 128 to 10240/));
test("memory below AWS's limit", () =>
    rejects({ eksClusterName: "eks-lab5", memorySize: 64 }, "memorySize", /from 128 to 10240/));
test("a timeout above AWS's limit", () =>
    rejects({ eksClusterName: "eks-lab5", timeout: 901 }, "timeout", /from 1 to 900/));
test("a timeout of zero", () => rejects({ eksClusterName: "eks-lab5", timeout: 0 }, "timeout", /from 1 to 900/));
test("a log retention CloudWatch does not offer", () =>
    rejects({ eksClusterName: "eks-lab5", logRetentionDays: 10 }, "logRetentionDays", /use one of 0, 1, 3/));
test("an unknown HTTP listener mode", () =>
    rejects({ eksClusterName: "eks-lab5", httpListener: "forward" }, "httpListener", /"off" .* or "redirect"/));
test("an allowed CIDR with host bits", () =>
    rejects(
        { eksClusterName: "eks-lab5", allowedCidrs: ["10.1.2.3/16"] },
        "allowedCidrs[0]",
        /use the network address "10\.1\.0\.0\/16"/,
    ));
test("explicit subnets with no allowed source", () =>
    rejects(
        { vpcId: "vpc-1", subnetIds: ["subnet-1", "subnet-2"] },
        "allowedSecurityGroupIds",
        /nothing would be allowed to reach the ALB/,
    ));
test("a wildcard domain name", () =>
    rejects(
        {
            eksClusterName: "eks-lab5",
            certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
            domainName: "*.example.com",
        },
        "domainName",
        /wildcard/,
    ));

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
