// LambdaAlb: a Lambda function behind an internal ALB in an EKS cluster's VPC, reachable over TLS only
// from the cluster (its security group) and from what the user adds. The AWS side of the link for one
// function; LambdaHostsAlb puts several behind one ALB.
import * as pulumi from "@pulumi/pulumi";
import { InternalAlbArgs, createInternalAlb } from "./alb";
import { LambdaFunctionArgs, createLambdaFunction, createLambdaTarget, invokedCreated } from "./function";
import { checkArgs } from "../common/spec";
import { lambdaAlbSpec } from "./spec";

export { LAMBDA_RUNTIMES, LOG_RETENTION_DAYS } from "./spec";
export {
    DEFAULT_HANDLER_DIR,
    ExistingFunctionArgs,
    LambdaFunctionArgs,
    LambdaPolicyStatement,
    LambdaVpcConfig,
} from "./function";
export { InternalAlbArgs } from "./alb";

export interface LambdaAlbArgs extends InternalAlbArgs, LambdaFunctionArgs {}

/**
 * A Lambda function behind an internal ALB in an EKS cluster's VPC, reachable over TLS only from the
 * cluster (its security group) and from what you add: the AWS side of a link for one function.
 */
export class LambdaAlb extends pulumi.ComponentResource {
    /** The host name the mesh must use to reach the ALB (and the name its certificate carries). */
    public readonly hostname: pulumi.Output<string>;
    /** PEM of the private CA that issued the ALB certificate; undefined with `certificateArn`. */
    public readonly caPem: pulumi.Output<string | undefined>;
    public readonly albArn: pulumi.Output<string>;
    public readonly albDnsName: pulumi.Output<string>;
    public readonly functionName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;
    /** The function's execution role: the one crossmesh created, or `roleArn`. */
    public readonly roleArn: pulumi.Output<string>;
    public readonly targetGroupArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly httpsListenerArn: pulumi.Output<string>;
    public readonly certificateArn: pulumi.Output<string>;
    /** Expiry (RFC 3339) of the self-issued ALB certificate; undefined with `certificateArn`. */
    public readonly certificateExpiresAt: pulumi.Output<string | undefined>;

    constructor(name: string, args: LambdaAlbArgs, opts?: pulumi.ComponentResourceOptions) {
        const a = checkArgs(lambdaAlbSpec, args);
        super("crossmesh:index:LambdaAlb", name, {}, opts);

        const { fn, roleArn } = createLambdaFunction(name, a, a.tags, this);
        const targetGroup = createLambdaTarget(name, invokedCreated(fn), a.tags, this);
        // The only function is the listener's default: every request on 443 reaches it.
        const alb = createInternalAlb(name, a, { type: "forward", targetGroupArn: targetGroup.arn }, this);

        this.hostname = alb.hostname;
        this.caPem = alb.caPem;
        this.certificateExpiresAt = alb.certificateExpiresAt;
        this.albArn = alb.alb.arn;
        this.albDnsName = alb.alb.dnsName;
        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.roleArn = roleArn;
        this.targetGroupArn = targetGroup.arn;
        this.securityGroupId = alb.securityGroup.id;
        this.httpsListenerArn = alb.https.arn;
        this.certificateArn = alb.certificateArn;
        this.registerOutputs({
            hostname: this.hostname,
            caPem: this.caPem,
            albArn: this.albArn,
            albDnsName: this.albDnsName,
            functionName: this.functionName,
            functionArn: this.functionArn,
            roleArn: this.roleArn,
            targetGroupArn: this.targetGroupArn,
            securityGroupId: this.securityGroupId,
            httpsListenerArn: this.httpsListenerArn,
            certificateArn: this.certificateArn,
            certificateExpiresAt: this.certificateExpiresAt,
        });
    }
}
