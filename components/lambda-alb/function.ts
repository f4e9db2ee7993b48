// A Lambda function with basic, log-group-scoped execution rights, and the ALB target group that
// invokes it. Shared by LambdaAlb (one function, the listener's default) and LambdaHostsAlb (one per host).
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { type Field, later } from "../common/spec";
import { lambdaFunctionFields } from "./spec";

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
}

type Tags = pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;

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
): aws.lambda.Function {
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
    // Basic execution rights only, and only on this function's own log group (the managed
    // AWSLambdaBasicExecutionRole policy would allow writing to every log group).
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
    const code =
        args.code ??
        (args.codePath !== undefined
            ? known(f.codePath, "codePath").apply((p) => new pulumi.asset.FileArchive(path.resolve(p)))
            : new pulumi.asset.FileArchive(DEFAULT_HANDLER_DIR));
    return new aws.lambda.Function(
        `${name}-fn`,
        {
            role: role.arn,
            runtime: known(f.runtime, "runtime"),
            handler: args.handler ?? f.handler.defaultValue,
            code,
            memorySize: known(f.memorySize, "memorySize"),
            timeout: known(f.timeout, "timeout"),
            environment: args.environment ? { variables: args.environment } : undefined,
            // The log group exists (with its retention) before the first invocation could create one.
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            tags,
        },
        opts,
    );
}

/** A `lambda` target group with `fn` registered in it, after ELB may invoke it. */
export function createLambdaTarget(
    name: string,
    fn: aws.lambda.Function,
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
            function: fn.name,
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
            targetId: fn.arn,
        },
        { parent, dependsOn: [permission] },
    );
    return targetGroup;
}
