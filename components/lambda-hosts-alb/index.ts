// LambdaHostsAlb: several Lambda functions behind ONE internal ALB in an EKS cluster's VPC, each
// reached by its own Host header. A link exporting many functions needs this rather than one
// LambdaAlb each: an AWS account has 50 ALBs per Region by default, each ALB costs by the hour, and
// every ALB adds its own certificate to rotate. The EKS gateway forwards the exported host unchanged
// as the Host header, so a host-header rule per function is all the routing the ALB needs.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { createInternalAlb } from "../lambda-alb/alb";
import {
    createLambdaFunction,
    createLambdaTarget,
    invokedCreated,
    reportedPath,
    resolveExistingFunction,
} from "../lambda-alb/function";
import { rulePriorities } from "./priority";
import { checkArgs } from "../common/spec";
import { slug } from "../common/names";
import { lambdaHostsAlbSpec } from "./spec";
import type { LambdaHostsAlbArgs, LambdaHostFunction } from "./args";

export type { ExistingFunctionHostArgs, LambdaHostArgs, LambdaHostsAlbArgs, LambdaHostFunction } from "./args";

export { MAX_FUNCTIONS_PER_ALB } from "./spec";

/** What the ALB answers for a Host no function claims: nothing reaches a function by accident. */
export const UNMATCHED_HOST_RESPONSE = {
    statusCode: "404",
    contentType: "text/plain",
    messageBody: "crossmesh: no function for this host\n",
};

/**
 * Several Lambda functions behind one internal ALB in an EKS cluster's VPC, each reached by its own Host
 * header (at most 100): one ALB to pay for and one certificate to rotate instead of one per function. Functions
 * it creates, and functions you already run (by ARN or name, an alias or version), which it never modifies.
 */
export class LambdaHostsAlb extends pulumi.ComponentResource {
    /** The host name the mesh must use to reach the ALB (and the name its certificate carries). */
    public readonly hostname: pulumi.Output<string>;
    /** PEM of the private CA that issued the ALB certificate; undefined with `certificateArn`. */
    public readonly caPem: pulumi.Output<string | undefined>;
    public readonly albArn: pulumi.Output<string>;
    public readonly albDnsName: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly httpsListenerArn: pulumi.Output<string>;
    public readonly certificateArn: pulumi.Output<string>;
    /** Expiry (RFC 3339) of the self-issued ALB certificate; undefined with `certificateArn`. */
    public readonly certificateExpiresAt: pulumi.Output<string | undefined>;
    /** Every function, in the order given: `functions`, then `existingFunctions`. */
    public readonly functions: pulumi.Output<LambdaHostFunction[]>;
    /** Function name per host, for wiring one host's function into something else. */
    public readonly functionNames: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: LambdaHostsAlbArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = checkArgs(lambdaHostsAlbSpec, args);
        super("crossmesh:index:LambdaHostsAlb", name, {}, opts);
        const alb = createInternalAlb(
            name,
            a,
            { type: "fixed-response", fixedResponse: UNMATCHED_HOST_RESPONSE },
            this,
        );
        const created = a.functions ?? [];
        const existing = a.existingFunctions ?? [];
        const priorities = rulePriorities([...created, ...existing].map((f) => f.host));

        this.functionNames = {};
        // Names follow the host, not the position: reordering the list changes nothing in AWS.
        const prefixOf = (host: string) => `${name}-${slug(host)}`;
        const rule = (host: string, targetGroup: aws.lb.TargetGroup) =>
            new aws.lb.ListenerRule(
                `${prefixOf(host)}-rule`,
                {
                    listenerArn: alb.https.arn,
                    priority: priorities.get(host)!,
                    conditions: [{ hostHeader: { values: [host] } }],
                    actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
                    tags: a.tags,
                },
                { parent: this },
            );
        const functions = created.map((f, i) => {
            const { fn, roleArn } = createLambdaFunction(
                prefixOf(f.host),
                f,
                a.tags,
                this,
                reportedPath(f, `functions[${i}].`),
            );
            const targetGroup = createLambdaTarget(prefixOf(f.host), invokedCreated(fn), a.tags, this);
            rule(f.host, targetGroup);
            this.functionNames[f.host] = fn.name;
            return pulumi
                .all([fn.name, fn.arn, roleArn, targetGroup.arn])
                .apply(([functionName, functionArn, role, targetGroupArn]): LambdaHostFunction => ({
                    host: f.host,
                    functionName,
                    functionArn,
                    roleArn: role,
                    existing: false,
                    targetGroupArn,
                    rulePriority: priorities.get(f.host)!,
                }));
        });
        // A function someone else runs: only its target group, the permission for its qualifier and the rule.
        const fronted = existing.map((f, i) => {
            const resolved = resolveExistingFunction(f, this, reportedPath(f, `existingFunctions[${i}].`));
            const targetGroup = createLambdaTarget(
                prefixOf(f.host),
                {
                    function: resolved.functionArn,
                    // Undefined (no qualifier) leaves the input out.
                    qualifier: resolved.apply((r) => r.qualifier) as pulumi.Output<string>,
                    targetId: resolved.targetArn,
                },
                a.tags,
                this,
            );
            rule(f.host, targetGroup);
            this.functionNames[f.host] = resolved.functionName;
            return pulumi.all([resolved, targetGroup.arn]).apply(([r, targetGroupArn]): LambdaHostFunction => ({
                host: f.host,
                functionName: r.functionName,
                functionArn: r.functionArn,
                ...(r.qualifier !== undefined ? { qualifier: r.qualifier } : {}),
                existing: true,
                targetGroupArn,
                rulePriority: priorities.get(f.host)!,
            }));
        });

        this.hostname = alb.hostname;
        this.caPem = alb.caPem;
        this.certificateExpiresAt = alb.certificateExpiresAt;
        this.albArn = alb.alb.arn;
        this.albDnsName = alb.alb.dnsName;
        this.securityGroupId = alb.securityGroup.id;
        this.httpsListenerArn = alb.https.arn;
        this.certificateArn = alb.certificateArn;
        this.functions = pulumi.all([...functions, ...fronted]);
        this.registerOutputs({
            hostname: this.hostname,
            caPem: this.caPem,
            albArn: this.albArn,
            albDnsName: this.albDnsName,
            securityGroupId: this.securityGroupId,
            httpsListenerArn: this.httpsListenerArn,
            certificateArn: this.certificateArn,
            certificateExpiresAt: this.certificateExpiresAt,
            functions: this.functions,
        });
    }
}
