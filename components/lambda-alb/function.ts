// A Lambda function with basic, log-group-scoped execution rights (plus what the user grants it), and the
// ALB target group that invokes it — or only the target group for a function someone else runs. Shared by
// LambdaAlb (one function, the listener's default) and LambdaHostsAlb (one per host).
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { type Field, later } from "../common/spec";
import type { LambdaArchitecture, PolicyEffect, TracingMode } from "../common/types";
import { invalid } from "../common/validation";
import {
    type FunctionRef,
    existingFunctionFields,
    lambdaFunctionFields,
    layerVersionArnField,
    managedPolicyArnField,
    parseFunctionRef,
} from "./spec";

/** The seed's hello-world handler, deployed when the user brings no code. */
export const DEFAULT_HANDLER_DIR = path.join(__dirname, "handler");

export interface LambdaFunctionArgs {
    /** The function's code as an Archive. Default: the hello-world handler (Python). */
    code?: pulumi.Input<pulumi.asset.Archive>;
    /** The function's code as a path to a directory or a .zip file, instead of `code`. */
    codePath?: pulumi.Input<string>;
    /** Entry point. Default `index.lambda_handler`. */
    handler?: pulumi.Input<string>;
    /** Lambda runtime. Default `python3.13`. */
    runtime?: pulumi.Input<string>;
    /** Memory in MB, 128–10240. Default 128. */
    memorySize?: pulumi.Input<number>;
    /** Timeout in seconds, 1–900. Default 10. */
    timeout?: pulumi.Input<number>;
    /** Environment variables of the function. */
    environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Days to keep the function's logs (a CloudWatch Logs retention value). Default 14. */
    logRetentionDays?: pulumi.Input<number>;
    /** Managed policies attached to the role crossmesh creates, e.g. "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess". */
    managedPolicyArns?: pulumi.Input<string>[];
    /** Statements of an inline policy on the role crossmesh creates: what the function may do besides writing its own logs. */
    policyStatements?: LambdaPolicyStatement[];
    /**
     * An existing execution role instead of the one crossmesh creates (crossmesh never modifies it): it must allow writing
     * to the function's log group, and with `vpcConfig` managing network interfaces (AWSLambdaVPCAccessExecutionRole).
     */
    roleArn?: pulumi.Input<string>;
    /** Run the function in a VPC (its subnets and security groups); the role crossmesh creates gets AWSLambdaVPCAccessExecutionRole. */
    vpcConfig?: LambdaVpcConfig;
    /** Layer version ARNs (at most 5), in the function's region. */
    layers?: pulumi.Input<string>[];
    /** Instruction set: "x86_64" (default) or "arm64". */
    architecture?: LambdaArchitecture;
    /** Concurrent executions reserved for the function (and its ceiling). Default: the account's unreserved pool. */
    reservedConcurrency?: pulumi.Input<number>;
    /** KMS key that encrypts the environment variables (with `environment`). Default: Lambda's own key. */
    kmsKeyArn?: pulumi.Input<string>;
    /** X-Ray tracing: "Active" (the role crossmesh creates gets X-Ray write access) or "PassThrough". Default: Lambda's (PassThrough). */
    tracingMode?: TracingMode;
}

/** One statement of the inline policy on the role crossmesh creates. */
export interface LambdaPolicyStatement {
    /** "Allow" (default) or "Deny". */
    effect?: PolicyEffect;
    /** IAM actions, e.g. ["dynamodb:GetItem", "dynamodb:Query"]. */
    actions: string[];
    /** Resource ARNs the actions apply to (Outputs such as `table.arn` work). */
    resources: pulumi.Input<string>[];
}

/** The VPC a function runs in: its network interfaces go in these subnets, with these security groups. */
export interface LambdaVpcConfig {
    /** Private subnets (at most 16), ideally in two or more Availability Zones. */
    subnetIds: pulumi.Input<string>[];
    /** Security groups of the function's network interfaces (at most 5): their egress is what it may reach. */
    securityGroupIds: pulumi.Input<string>[];
}

/** A function crossmesh does not create: an ALB invokes it (or one alias or version of it), nothing else changes. */
export interface ExistingFunctionArgs {
    /** Its ARN (arn:aws:lambda:<region>:<account>:function:<name>, optionally ending in :<alias or version>) or its name in the ALB's account and region. */
    function: pulumi.Input<string>;
    /** The alias or published version the ALB invokes (e.g. "live"); never $LATEST. Default: the function itself ($LATEST). */
    qualifier?: pulumi.Input<string>;
}

/** A created function and its execution role. */
export interface CreatedFunction {
    fn: aws.lambda.Function;
    /** The role's ARN: the one crossmesh created, or `roleArn`. */
    roleArn: pulumi.Output<string>;
}

type Tags = pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;

// Where a composite's user wrote a function's settings (e.g. "services[2].lambda."), for failures found only once
// values are known: the deployment then names the user's own field, not the child component's.
const reportedPaths = new WeakMap<object, string>();

/** Marks `args` as written by the user at `path` (a prefix ending in "."); returns them. */
export function reportAt<T extends object>(args: T, path: string): T {
    reportedPaths.set(args, path);
    return args;
}

/** The prefix failures about `args` are reported under: where the user wrote them, or `fallback`. */
export function reportedPath(args: object, fallback: string): string {
    return reportedPaths.get(args) ?? fallback;
}

/**
 * The function of `args` (checked by its spec up front; a value that was an Output is checked once known,
 * failing the deployment: `at` prefixes its field path, e.g. "functions[2].").
 */
export function createLambdaFunction(
    name: string,
    args: LambdaFunctionArgs,
    tags: Tags,
    parent: pulumi.Resource,
    at = "",
): CreatedFunction {
    const opts = { parent };
    const f = lambdaFunctionFields;
    const known = <T>(field: Field<T, boolean, true>, key: keyof LambdaFunctionArgs) =>
        later(field, `${at}${key}`, (args[key] as pulumi.Input<T> | undefined) ?? field.defaultValue!);
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        {
            retentionInDays: known(f.logRetentionDays, "logRetentionDays"),
            tags,
        },
        opts,
    );
    const role = args.roleArn === undefined ? createRole(name, args, logGroup, tags, parent, at) : undefined;
    const code =
        args.code ??
        (args.codePath !== undefined
            ? known(f.codePath, "codePath").apply((p) => new pulumi.asset.FileArchive(path.resolve(p)))
            : new pulumi.asset.FileArchive(DEFAULT_HANDLER_DIR));
    const roleArn = role ? role.role.arn : known(f.roleArn, "roleArn");
    const fn = new aws.lambda.Function(
        `${name}-fn`,
        {
            role: roleArn,
            runtime: known(f.runtime, "runtime"),
            handler: args.handler ?? f.handler.defaultValue,
            code,
            memorySize: known(f.memorySize, "memorySize"),
            timeout: known(f.timeout, "timeout"),
            environment: args.environment ? { variables: args.environment } : undefined,
            // The log group exists (with its retention) before the first invocation could create one.
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            ...(args.architecture !== undefined ? { architectures: [args.architecture] } : {}),
            ...(args.layers !== undefined
                ? { layers: args.layers.map((l, i) => later(layerVersionArnField, `${at}layers[${i}]`, l)) }
                : {}),
            ...(args.vpcConfig !== undefined
                ? {
                      vpcConfig: {
                          subnetIds: args.vpcConfig.subnetIds,
                          securityGroupIds: args.vpcConfig.securityGroupIds,
                      },
                  }
                : {}),
            ...(args.reservedConcurrency !== undefined
                ? { reservedConcurrentExecutions: known(f.reservedConcurrency, "reservedConcurrency") }
                : {}),
            ...(args.kmsKeyArn !== undefined ? { kmsKeyArn: known(f.kmsKeyArn, "kmsKeyArn") } : {}),
            ...(args.tracingMode !== undefined ? { tracingConfig: { mode: args.tracingMode } } : {}),
            tags,
        },
        // Lambda checks that the role may manage network interfaces when it creates a function in a VPC.
        { parent, dependsOn: role?.neededBeforeCreate ?? [] },
    );
    return { fn, roleArn };
}

/** Managed policies crossmesh attaches itself, for what the function's settings need. */
export const VPC_ACCESS_POLICY_ARN = aws.iam.ManagedPolicy.AWSLambdaVPCAccessExecutionRole;
export const XRAY_WRITE_POLICY_ARN = aws.iam.ManagedPolicy.AWSXRayDaemonWriteAccess;

/**
 * The execution role crossmesh creates: writing to the function's own log group only (the managed
 * AWSLambdaBasicExecutionRole would allow every log group), plus what the settings need and what the user grants.
 */
function createRole(
    name: string,
    args: LambdaFunctionArgs,
    logGroup: aws.cloudwatch.LogGroup,
    tags: Tags,
    parent: pulumi.Resource,
    at: string,
): { role: aws.iam.Role; neededBeforeCreate: pulumi.Resource[] } {
    const opts = { parent };
    const role = new aws.iam.Role(
        `${name}-role`,
        {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
                ],
            }),
            tags,
        },
        opts,
    );
    new aws.iam.RolePolicy(
        `${name}-logs`,
        {
            role: role.id,
            policy: logGroup.arn.apply((arn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                            Resource: `${arn}:*`,
                        },
                    ],
                }),
            ),
        },
        opts,
    );
    if (args.policyStatements !== undefined && args.policyStatements.length > 0) {
        const statements = args.policyStatements;
        new aws.iam.RolePolicy(
            `${name}-grants`,
            {
                role: role.id,
                policy: pulumi.output(statements.map((st) => st.resources)).apply((resources) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: statements.map((st, i) => ({
                            Effect: st.effect ?? "Allow",
                            Action: st.actions,
                            Resource: resources[i],
                        })),
                    }),
                ),
            },
            opts,
        );
    }
    // One attachment per policy, named by its place among the user's (settings' policies by what they are for).
    const attach = (suffix: string, policyArn: pulumi.Input<string>) =>
        new aws.iam.RolePolicyAttachment(`${name}-${suffix}`, { role: role.name, policyArn }, opts);
    const neededBeforeCreate = args.vpcConfig !== undefined ? [attach("vpc-access", VPC_ACCESS_POLICY_ARN)] : [];
    if (args.tracingMode === "Active") attach("xray", XRAY_WRITE_POLICY_ARN);
    (args.managedPolicyArns ?? []).forEach((arn, i) =>
        attach(`policy-${i}`, later(managedPolicyArnField, `${at}managedPolicyArns[${i}]`, arn)),
    );
    return { role, neededBeforeCreate };
}

/** What ELB invokes: the function (name or ARN) its permission is on, that permission's qualifier, the registered ARN. */
export interface InvokedFunction {
    function: pulumi.Input<string>;
    qualifier?: pulumi.Input<string>;
    targetId: pulumi.Input<string>;
}

/** A function crossmesh created, as ELB invokes it: the function itself. */
export const invokedCreated = (fn: aws.lambda.Function): InvokedFunction => ({ function: fn.name, targetId: fn.arn });

/** A `lambda` target group with the function registered in it, after ELB may invoke it (that qualifier only). */
export function createLambdaTarget(
    name: string,
    invoked: InvokedFunction,
    tags: Tags,
    parent: pulumi.Resource,
): aws.lb.TargetGroup {
    const targetGroup = new aws.lb.TargetGroup(
        `${name}-tg`,
        {
            targetType: "lambda",
            // Health checks would invoke (and bill) the function every few seconds; the ALB marks a
            // Lambda target healthy without them.
            healthCheck: { enabled: false },
            tags,
        },
        { parent },
    );
    const permission = new aws.lambda.Permission(
        `${name}-allow-alb`,
        {
            action: "lambda:InvokeFunction",
            function: invoked.function,
            ...(invoked.qualifier !== undefined ? { qualifier: invoked.qualifier } : {}),
            principal: "elasticloadbalancing.amazonaws.com",
            sourceArn: targetGroup.arn,
        },
        { parent },
    );
    // ELB checks its invoke permission when the function is registered: no data links the two, so
    // the order is explicit (the race other tools hit).
    new aws.lb.TargetGroupAttachment(
        `${name}-target`,
        {
            targetGroupArn: targetGroup.arn,
            targetId: invoked.targetId,
        },
        { parent, dependsOn: [permission] },
    );
    return targetGroup;
}

/** An existing function as the ALB invokes it, once the ALB's account and region are known. */
export interface ResolvedExistingFunction {
    functionName: string;
    /** The unqualified function ARN (what the permission is on). */
    functionArn: string;
    qualifier?: string;
    /** What the target group registers: the alias or version ARN with a qualifier, the function ARN without. */
    targetArn: string;
}

/**
 * An existing function, checked against the account and region the ALB is created in (an ALB invokes only
 * functions of its own account and region; a deployment with another fails here, naming the field, before the
 * permission is registered). `at` prefixes the field paths (e.g. "existingFunctions[1].").
 */
export function resolveExistingFunction(
    args: ExistingFunctionArgs,
    parent: pulumi.Resource,
    at = "",
): pulumi.Output<ResolvedExistingFunction> {
    const f = existingFunctionFields;
    const opts = { parent };
    const where = pulumi.all([
        aws.getRegionOutput({}, opts).region,
        aws.getCallerIdentityOutput({}, opts).accountId,
        aws.getPartitionOutput({}, opts).partition,
    ]);
    return pulumi
        .all([
            later(f.function, `${at}function`, args.function),
            args.qualifier === undefined ? undefined : later(f.qualifier, `${at}qualifier`, args.qualifier),
            where,
        ])
        .apply(([fn, qualifier, [region, account, partition]]): ResolvedExistingFunction => {
            const ref: FunctionRef = parseFunctionRef(`${at}function`, fn);
            if (ref.arn && ref.arn.region !== region)
                invalid(
                    `${at}function`,
                    `the function is in ${ref.arn.region}, the ALB in ${region}: an ALB invokes only functions of its own region. Front the function from a link in ${ref.arn.region}, or give a function of ${region}.`,
                );
            if (ref.arn && ref.arn.account !== account)
                invalid(
                    `${at}function`,
                    `the function is in account ${ref.arn.account}, the ALB in ${account}: an ALB invokes only functions of its own account. Deploy the link with a provider of account ${ref.arn.account}.`,
                );
            const q = qualifier ?? ref.arn?.qualifier;
            if (qualifier !== undefined && ref.arn?.qualifier !== undefined && qualifier !== ref.arn.qualifier)
                invalid(
                    `${at}qualifier`,
                    `"${qualifier}" differs from the qualifier in the function's ARN (":${ref.arn.qualifier}"); give it once, in the ARN or here.`,
                );
            const functionArn = `arn:${ref.arn?.partition ?? partition}:lambda:${region}:${account}:function:${ref.name}`;
            return {
                functionName: ref.name,
                functionArn,
                ...(q !== undefined ? { qualifier: q } : {}),
                targetArn: q !== undefined ? `${functionArn}:${q}` : functionArn,
            };
        });
}
