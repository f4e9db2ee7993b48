// The link's `tags` reach every AWS resource it creates that takes tags — "takes tags" read from @pulumi/aws's own
// type definitions (the simulator's registry, tools/simulator/aws-tags.ts), not from a list kept here — and the
// gateway's NLB through the AWS Load Balancer Controller's annotation. The AWS provider's defaultTags stay the
// provider's (never copied in); Kubernetes objects get no labels from the tags.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { settle, startSimulation, unsecret } from "../tools/simulator";
import { awsTagsShape, awsTakesTags, tagsRefusal } from "../tools/simulator/aws-tags";
import { tagAwsResources } from "../components/common/tags";
import { kubeProvider } from "./support/providers";
import { privateVpcConfig } from "../tools/simulator/world";

const sim = startSimulation();

const TAGS = { team: "payments", "cost-center": "4711", "data class": "internal: pii/none" };
const DEFAULT_TAGS = { owner: "platform-team" };

/** Two private subnets of the simulated EKS VPC and its cluster security group: where the created function runs. */
const vpcConfig = () => privateVpcConfig(sim.world, "eks-lab5");

/** Builds one link whose services mix created Lambdas, an existing function and an upstream, with an AWS provider that has defaultTags. */
async function taggedLink() {
    const aws = await import("@pulumi/aws");
    const { CrossMeshLink } = await import("../components");
    new CrossMeshLink(
        "tagged",
        {
            eksProvider: await kubeProvider("eks-tagged", "eks"),
            gkeProvider: await kubeProvider("gke-tagged", "gke"),
            eksClusterName: "eks-lab5",
            awsRegion: "eu-west-1",
            services: [
                // A created function made real (its policies, VPC access, arm64, a layer), a function another team
                // runs (by ARN, through its alias: crossmesh adds only a target group, a permission and a rule), an
                // upstream (no AWS resource), and a plain created one.
                {
                    host: "reports.external",
                    lambda: {
                        architecture: "arm64" as const,
                        layers: ["arn:aws:lambda:eu-west-1:123456789012:layer:pandas:7"],
                        vpcConfig: vpcConfig(),
                        managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"],
                        policyStatements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports/*"] }],
                        tracingMode: "Active" as const,
                    },
                    allowedSources: [{ namespace: "finance" }],
                },
                {
                    host: "orders.external",
                    existingFunction: {
                        function: "arn:aws:lambda:eu-west-1:123456789012:function:orders-api",
                        qualifier: "live",
                    },
                    allowedSources: [{ namespace: "shop" }],
                },
                { host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] },
                {
                    host: "inventory.external",
                    upstream: { hostname: "inventory.internal.example.org" },
                    allowedSources: [{ namespace: "warehouse" }],
                },
            ],
            consumerEgressCidrs: ["203.0.113.0/28"],
            tags: TAGS,
        },
        { providers: [new aws.Provider("aws-tagged", { region: "eu-west-1", defaultTags: { tags: DEFAULT_TAGS } })] },
    );
    await settle();
    return sim.graph.resources.filter((r) => r.custom && r.urn.includes("tagged"));
}

let resources: Awaited<ReturnType<typeof taggedLink>> | undefined;
const linkResources = async () => (resources ??= await taggedLink());

test("every AWS resource of the link whose type takes tags carries the link's tags, and only those it was given", async () => {
    const aws = (await linkResources()).filter((r) => r.type.startsWith("aws:"));
    const taggable = aws.filter((r) => awsTakesTags(r.type));
    const untagged = taggable.filter((r) => {
        const tags = (unsecret(r.rawInputs) as { tags?: Record<string, string> }).tags ?? {};
        return Object.entries(TAGS).some(([k, v]) => tags[k] !== v);
    });
    assert.deepEqual(
        untagged.map((r) => `${r.type} ${r.name}`),
        [],
        "AWS resources that take tags but lack the link's",
    );
    // The plan has the resources the issue names, each tagged (the check above is not vacuous).
    const types = new Set(taggable.map((r) => r.type));
    for (const t of [
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/targetGroup:TargetGroup",
        "aws:lb/listener:Listener",
        "aws:lb/listenerRule:ListenerRule",
        "aws:ec2/securityGroup:SecurityGroup",
        "aws:lambda/function:Function",
        "aws:iam/role:Role",
        "aws:cloudwatch/logGroup:LogGroup",
        "aws:acm/certificate:Certificate",
    ])
        assert.ok(types.has(t), `no ${t} in the link's plan (tagged: ${[...types].join(", ")})`);
    // Types that take no tags carry none (the provider would refuse the property).
    for (const r of aws.filter((r) => !awsTakesTags(r.type)))
        assert.equal((unsecret(r.rawInputs) as { tags?: unknown }).tags, undefined, `${r.type} ${r.name}`);
    assert.ok(
        aws.some((r) => !awsTakesTags(r.type)),
        "the plan also holds AWS resources without tags",
    );
});

test("the provider's defaultTags are never copied into a resource's tags (the provider merges them)", async () => {
    for (const r of (await linkResources()).filter((r) => r.type.startsWith("aws:"))) {
        const tags = (unsecret(r.rawInputs) as { tags?: Record<string, string> }).tags ?? {};
        assert.equal(tags.owner, undefined, `${r.type} ${r.name} copies the provider's defaultTags`);
    }
});

test("the gateway's NLB gets the tags through the AWS Load Balancer Controller's annotation; no Kubernetes label comes from them", async () => {
    const kube = (await linkResources()).filter((r) => r.type.startsWith("kubernetes:"));
    const service = kube.find(
        (r) => r.type === "kubernetes:core/v1:Service" && r.name === "tagged-eks-istio-load-balancer",
    );
    assert.ok(service, "the EKS gateway's Service");
    const annotations = (unsecret(service.rawInputs) as any).metadata.annotations as Record<string, string>;
    assert.equal(
        annotations["service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags"],
        "cost-center=4711,data class=internal: pii/none,team=payments",
    );
    for (const r of kube) {
        const labels: Record<string, string> = (unsecret(r.rawInputs) as any).metadata?.labels ?? {};
        for (const key of Object.keys(TAGS)) assert.equal(labels[key], undefined, `${r.type} ${r.name} label ${key}`);
    }
});

test("the registry reads the real type definitions: a map, a list (autoscaling groups), or no tags at all", () => {
    assert.equal(awsTagsShape("aws:lb/loadBalancer:LoadBalancer"), "map");
    assert.equal(awsTagsShape("aws:iam/role:Role"), "map");
    assert.equal(awsTagsShape("aws:autoscaling/group:Group"), "other");
    assert.equal(awsTagsShape("aws:lambda/permission:Permission"), "none");
    assert.equal(awsTagsShape("aws:lb/targetGroupAttachment:TargetGroupAttachment"), "none");
    // The simulator refuses what AWS or the provider would.
    assert.match(tagsRefusal("aws:lambda/permission:Permission", { tags: { a: "b" } }) ?? "", /takes no tags/);
    assert.match(tagsRefusal("aws:iam/role:Role", { tags: { "aws:x": "b" } }) ?? "", /AWS's own/);
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    assert.match(tagsRefusal("aws:iam/role:Role", { tags: many }) ?? "", /TooManyTags/);
    assert.equal(tagsRefusal("aws:iam/role:Role", { tags: TAGS }), undefined);
});

test("a resource's own tags win over the link's; read resources and untaggable types are left alone", () => {
    const transform = tagAwsResources({ team: "payments", Name: "link" });
    const args = (type: string, props: Record<string, unknown>, opts = {}) =>
        ({ type, name: "r", props, opts, resource: undefined as never }) as Parameters<typeof transform>[0];
    assert.deepEqual(transform(args("aws:iam/role:Role", { tags: { Name: "own" } }))?.props.tags, {
        team: "payments",
        Name: "own",
    });
    assert.deepEqual(transform(args("aws:iam/role:Role", { tags: undefined }))?.props.tags, {
        team: "payments",
        Name: "link",
    });
    assert.equal(transform(args("aws:lambda/permission:Permission", { action: "x" })), undefined);
    assert.equal(transform(args("aws:iam/role:Role", { tags: undefined }, { id: "role-1" })), undefined);
    assert.equal(transform(args("kubernetes:core/v1:Service", { tags: undefined })), undefined);
});
