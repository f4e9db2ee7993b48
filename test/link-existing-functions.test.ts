// Fitting a real estate (issue 25): one link whose services mix a function crossmesh creates, made real (managed and
// inline policies, a VPC, arm64, layers, reserved concurrency, a KMS key, tracing), a function another team already
// runs (by ARN, through its alias), and an upstream. The plan creates no function for the existing one, one invoke
// permission scoped to its alias, one target group and one rule per ALB-backed host on the one shared ALB; the outputs
// carry the handles (ALB, listener, security group, target groups, rule priorities, function and role ARNs).
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { RecordedResource, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import { refusalTable } from "./support/refused";
import { kubeProvider } from "./support/providers";
import { privateVpcConfig } from "../tools/simulator/world";
import { runFixture } from "./support/run-fixture";

const sim = startSimulation();

const ORDERS_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders-api";
const LAYER = "arn:aws:lambda:eu-west-1:123456789012:layer:pandas:7";
const KMS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const DYNAMODB_READ = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess";
const VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
const XRAY = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";

/** Two private subnets of the simulated EKS VPC and its cluster security group: where the created function runs. */
const vpcConfig = () => privateVpcConfig(sim.world, "eks-lab5");

const mixedServices = () => [
    {
        host: "reports.external",
        lambda: {
            architecture: "arm64" as const,
            layers: [LAYER],
            vpcConfig: vpcConfig(),
            managedPolicyArns: [DYNAMODB_READ],
            policyStatements: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports/*"] }],
            reservedConcurrency: 5,
            environment: { TABLE: "reports" },
            kmsKeyArn: KMS_KEY,
            tracingMode: "Active" as const,
        },
        allowedSources: [{ namespace: "finance" }],
    },
    {
        host: "orders.external",
        existingFunction: { function: ORDERS_ARN, qualifier: "live" },
        allowedSources: [{ namespace: "shop" }],
    },
    {
        host: "inventory.external",
        upstream: { hostname: "inventory.internal.example.org" },
        allowedSources: [{ namespace: "warehouse" }],
    },
];

async function mixedLink() {
    const { CrossMeshLink } = await import("../components");
    const link = new CrossMeshLink("estate", {
        eksProvider: await kubeProvider("eks-estate", "eks"),
        gkeProvider: await kubeProvider("gke-estate", "gke"),
        eksClusterName: "eks-lab5",
        awsRegion: "eu-west-1",
        services: mixedServices(),
        consumerEgressCidrs: ["203.0.113.0/28"],
    });
    const services = await valueOf(link.services);
    const lambdaAlbs = await valueOf(link.lambdaAlbs);
    await settle();
    const of = (type: string) => sim.graph.ofType(type).filter((r) => r.urn.includes("estate"));
    return { link, services, lambdaAlbs, of };
}

let built: ReturnType<typeof mixedLink> | undefined;
const estate = () => (built ??= mixedLink());
const input = (r: RecordedResource, key: string) => (unsecret(r.rawInputs) as Record<string, any>)[key];

test("the existing function gets no function, one permission scoped to its alias, and shares the ALB with the created one", async () => {
    const { of } = await estate();
    const functions = of("aws:lambda/function:Function");
    assert.deepEqual(
        functions.map((f) => f.name),
        ["estate-lambdas-reports-external-fn"],
        "only the created function is a Function",
    );
    assert.equal(of("aws:lb/loadBalancer:LoadBalancer").length, 1, "one shared ALB for both Lambda-backed hosts");
    const groups = of("aws:lb/targetGroup:TargetGroup");
    const rules = of("aws:lb/listenerRule:ListenerRule");
    assert.equal(groups.length, 2, "one target group per ALB-backed host (the upstream has none)");
    assert.deepEqual(rules.map((r) => input(r, "conditions")[0].hostHeader.values).sort(), [
        ["orders.external"],
        ["reports.external"],
    ]);
    const permissions = of("aws:lambda/permission:Permission");
    const forOrders = permissions.filter((p) => String(input(p, "function")).includes("orders-api"));
    assert.equal(forOrders.length, 1, "one permission for the existing function");
    const [p] = forOrders;
    assert.equal(input(p, "qualifier"), "live", "scoped to the alias the ALB invokes");
    assert.equal(input(p, "function"), ORDERS_ARN);
    assert.equal(input(p, "principal"), "elasticloadbalancing.amazonaws.com");
    const ordersGroup = groups.find((g) => g.name.includes("orders-external"))!;
    assert.equal(input(p, "sourceArn"), ordersGroup.state?.arn, "and to its target group");
    const attachment = of("aws:lb/targetGroupAttachment:TargetGroupAttachment").find(
        (a) => input(a, "targetGroupArn") === ordersGroup.state?.arn,
    )!;
    assert.equal(input(attachment, "targetId"), `${ORDERS_ARN}:live`, "the alias is what the ALB invokes");
    assert.ok(sim.graph.waitsFor(attachment, p), "registered after ELB may invoke the alias");
    // Nothing else names the function: crossmesh never modifies it.
    const touching = sim.graph.resources.filter(
        (r) => r.custom && JSON.stringify(unsecret(r.rawInputs)).includes("orders-api"),
    );
    assert.deepEqual([...new Set(touching.map((r) => r.type))].sort(), [
        "aws:lambda/permission:Permission",
        "aws:lb/targetGroupAttachment:TargetGroupAttachment",
    ]);
});

test("the created function is made real: arm64, layers, VPC, concurrency, KMS, tracing, and its role's policies", async () => {
    const { of } = await estate();
    const [fn] = of("aws:lambda/function:Function");
    assert.deepEqual(input(fn, "architectures"), ["arm64"]);
    assert.deepEqual(input(fn, "layers"), [LAYER]);
    assert.deepEqual(input(fn, "vpcConfig"), vpcConfig());
    assert.equal(input(fn, "reservedConcurrentExecutions"), 5);
    assert.equal(input(fn, "kmsKeyArn"), KMS_KEY);
    assert.deepEqual(input(fn, "tracingConfig"), { mode: "Active" });
    const [role] = of("aws:iam/role:Role");
    assert.equal(input(fn, "role"), role.state?.arn);
    const attachments = of("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.deepEqual(attachments.map((a) => input(a, "policyArn")).sort(), [DYNAMODB_READ, XRAY, VPC_ACCESS].sort());
    for (const a of attachments) assert.equal(input(a, "role"), role.state?.name);
    const vpcAccess = attachments.find((a) => input(a, "policyArn") === VPC_ACCESS)!;
    assert.ok(sim.graph.waitsFor(fn, vpcAccess), "the role may manage ENIs before Lambda creates the function");
    const grants = of("aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith("-grants"))!;
    assert.deepEqual(JSON.parse(input(grants, "policy")).Statement, [
        { Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::reports/*"] },
    ]);
    const logs = of("aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith("-logs"))!;
    assert.ok(logs, "and still writes only to its own log group");
});

test("the outputs carry every handle: the ALB, its HTTPS listener and security group, each host's target group, rule priority, function and role", async () => {
    const { services, lambdaAlbs, of } = await estate();
    const [lb] = of("aws:lb/loadBalancer:LoadBalancer");
    const [https] = of("aws:lb/listener:Listener").filter((l) => input(l, "port") === 443);
    const [sg] = of("aws:ec2/securityGroup:SecurityGroup");
    assert.deepEqual(lambdaAlbs, [
        {
            name: "lambdas",
            albArn: lb.state?.arn,
            dnsName: lb.state?.dnsName,
            hostname: lb.state?.dnsName,
            httpsListenerArn: https.state?.arn,
            securityGroupId: sg.id,
        },
    ]);
    const groupOf = (host: string) => of("aws:lb/targetGroup:TargetGroup").find((g) => g.name.includes(host))!;
    const ruleOf = (host: string) =>
        of("aws:lb/listenerRule:ListenerRule").find((r) => input(r, "conditions")[0].hostHeader.values[0] === host)!;
    const [fn] = of("aws:lambda/function:Function");
    const [role] = of("aws:iam/role:Role");
    const byHost = Object.fromEntries(services.map((s) => [s.host, s]));
    assert.deepEqual(byHost["reports.external"].handles, {
        albArn: lb.state?.arn,
        functionArn: fn.state?.arn,
        roleArn: role.state?.arn,
        targetGroupArn: groupOf("reports-external").state?.arn,
        rulePriority: input(ruleOf("reports.external"), "priority"),
    });
    assert.deepEqual(byHost["orders.external"].handles, {
        albArn: lb.state?.arn,
        functionArn: ORDERS_ARN,
        qualifier: "live",
        targetGroupArn: groupOf("orders-external").state?.arn,
        rulePriority: input(ruleOf("orders.external"), "priority"),
    });
    assert.equal(byHost["orders.external"].functionName, "orders-api");
    assert.equal(byHost["inventory.external"].handles, undefined, "an upstream has no AWS handles");
    // The diagram's topology stays as it was: the handles are the services output's only.
    const { link } = await estate();
    const topology = await valueOf(link.topology);
    assert.ok(topology.services.every((s) => !("handles" in s)));
});

test("a function named without an ARN is invoked in the provider's account and region; one in another account fails the deployment, naming the user's field", async () => {
    const { LambdaHostsAlb } = await import("../components/lambda-hosts-alb");
    const byName = new LambdaHostsAlb("byname", {
        eksClusterName: "eks-lab5",
        existingFunctions: [{ host: "report.external", function: "legacy-report" }],
    });
    const [f] = await valueOf(byName.functions);
    assert.equal(f.functionArn, "arn:aws:lambda:eu-west-1:123456789012:function:legacy-report");
    assert.equal(f.existing, true);
    assert.equal(f.qualifier, undefined);
    const run = runFixture<{ errors: string[] }>(
        "run-link.ts",
        JSON.stringify({
            eksClusterName: "eks-lab5",
            services: [
                {
                    host: "orders.external",
                    existingFunction: { function: "arn:aws:lambda:eu-west-1:999999999999:function:orders-api" },
                    allowedSources: [{ namespace: "shop" }],
                },
            ],
        }),
    );
    assert.ok(run.errors.length > 0, "the deployment fails");
    assert.ok(
        run.errors.some((e) =>
            /services\[0\]\.existingFunction\.function: the function is in account 999999999999, the ALB in 123456789012: an ALB invokes only functions of its own account/.test(
                e,
            ),
        ),
        run.errors.join("\n"),
    );
});

// Refused up front, naming the field: what an ALB cannot invoke, and settings a function cannot take.
const svc = (over: Record<string, unknown>) => [
    { host: "orders.external", allowedSources: [{ namespace: "shop" }], ...over },
];
refusalTable(
    sim.graph,
    [
        {
            name: "an existing function in another region than awsRegion",
            args: { services: svc({ existingFunction: { function: ORDERS_ARN.replace("eu-west-1", "us-east-1") } }) },
            path: "services[0].existingFunction.function",
            fix: /the function is in us-east-1, the link in eu-west-1 \(awsRegion\): an ALB invokes only functions of its own region/,
        },
        {
            name: "a layer ARN where a function ARN belongs",
            args: { services: svc({ existingFunction: { function: LAYER } }) },
            path: "services[0].existingFunction.function",
            fix: /is not a Lambda function ARN; give arn:aws:lambda:<region>:<account>:function:<name>/,
        },
        {
            name: "a function name with a space",
            args: { services: svc({ existingFunction: { function: "orders api" } }) },
            path: "services[0].existingFunction.function",
            fix: /is not a Lambda function name/,
        },
        {
            name: "the qualifier $LATEST",
            args: { services: svc({ existingFunction: { function: ORDERS_ARN, qualifier: "$LATEST" } }) },
            path: "services[0].existingFunction.qualifier",
            fix: /cannot be allowed to invoke \$LATEST.*leave the qualifier out/,
        },
        {
            name: "an ARN qualified with $LATEST",
            args: { services: svc({ existingFunction: { function: `${ORDERS_ARN}:$LATEST` } }) },
            path: "services[0].existingFunction.function",
            fix: /is qualified with \$LATEST/,
        },
        {
            name: "a qualifier that differs from the ARN's",
            args: { services: svc({ existingFunction: { function: `${ORDERS_ARN}:live`, qualifier: "canary" } }) },
            path: "services[0].existingFunction.qualifier",
            fix: /differs from the qualifier in the function's ARN \(":live"\)/,
        },
        {
            name: "both a created and an existing function",
            args: { services: svc({ lambda: {}, existingFunction: { function: ORDERS_ARN } }) },
            path: "services[0].lambda",
            fix: /give exactly one of `lambda`, `existingFunction`, `upstream`/,
        },
        {
            name: "policies for a role crossmesh does not own",
            args: {
                services: svc({
                    lambda: {
                        roleArn: "arn:aws:iam::123456789012:role/orders-fn",
                        managedPolicyArns: [DYNAMODB_READ],
                    },
                }),
            },
            path: "services[0].lambda.managedPolicyArns",
            fix: /roleArn names your own role, which crossmesh never modifies/,
        },
        {
            name: "a KMS key without an environment",
            args: { services: svc({ lambda: { kmsKeyArn: KMS_KEY } }) },
            path: "services[0].lambda.kmsKeyArn",
            fix: /encrypts the function's environment variables, and there are none/,
        },
        {
            name: "a layer of another region",
            args: { services: svc({ lambda: { layers: [LAYER.replace("eu-west-1", "eu-central-1")] } }) },
            path: "services[0].lambda.layers[0]",
            fix: /the layer is in eu-central-1, the link in eu-west-1.*publish the layer in eu-west-1/,
        },
        {
            name: "six layers",
            args: {
                services: svc({ lambda: { layers: Array.from({ length: 6 }, (_, i) => `${LAYER.slice(0, -1)}${i}`) } }),
            },
            path: "services[0].lambda.layers",
            fix: /6 layers; a Lambda function takes at most 5/,
        },
        {
            name: "an architecture Lambda lacks",
            args: { services: svc({ lambda: { architecture: "arm" } }) },
            path: "services[0].lambda.architecture",
            fix: /"arm" is not a Lambda architecture: use "x86_64" \(the default\) or "arm64"/,
        },
        {
            name: "a VPC without security groups",
            args: { services: svc({ lambda: { vpcConfig: { subnetIds: ["subnet-1"] } } }) },
            path: "services[0].lambda.vpcConfig.securityGroupIds",
            fix: /list the security groups of the function's network interfaces/,
        },
        {
            name: "a reserved concurrency of zero",
            args: { services: svc({ lambda: { reservedConcurrency: 0 } }) },
            path: "services[0].lambda.reservedConcurrency",
            fix: /0 is out of range.*0 would stop every invocation/,
        },
    ],
    async (over) => {
        const { CrossMeshLink } = await import("../components");
        const eksProvider = await kubeProvider("eks-refused", "eks");
        const gkeProvider = await kubeProvider("gke-refused", "gke");
        return () =>
            new CrossMeshLink("refused", {
                eksProvider,
                gkeProvider,
                eksClusterName: "eks-lab5",
                awsRegion: "eu-west-1",
                ...over,
            } as never);
    },
);

// LambdaHostsAlb on its own: existing functions beside created ones, one host each, something behind the ALB.
refusalTable(
    sim.graph,
    [
        {
            name: "LambdaHostsAlb with no function at all",
            args: { functions: [], existingFunctions: [] },
            path: "functions",
            fix: /list at least one function.*or an existing function in existingFunctions/,
        },
        {
            name: "LambdaHostsAlb with one host for a created and an existing function",
            args: {
                functions: [{ host: "orders.external" }],
                existingFunctions: [{ host: "orders.external", function: "orders-api" }],
            },
            path: "existingFunctions[0].host",
            fix: /"orders\.external" and "orders\.external" \(functions\[0\]\) give the same resource names/,
        },
        {
            name: "LambdaHostsAlb with 101 functions in its two lists",
            args: {
                functions: Array.from({ length: 60 }, (_, i) => ({ host: `c${i}.external` })),
                existingFunctions: Array.from({ length: 41 }, (_, i) => ({
                    host: `e${i}.external`,
                    function: "orders-api",
                })),
            },
            path: "functions",
            fix: /101 functions exceed what one ALB can route to/,
        },
    ],
    async (args) => {
        const { LambdaHostsAlb } = await import("../components/lambda-hosts-alb");
        return () => new LambdaHostsAlb("hosts-refused", { eksClusterName: "eks-lab5", ...args });
    },
);
