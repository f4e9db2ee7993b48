// LambdaAlb: a Lambda function behind an internal ALB in an EKS cluster's VPC, reachable over TLS only
// from the cluster (its security group) and from what the user adds. The AWS side of the link.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { issueAlbCertificate } from "./certificate";
import { AlbNetwork, explicitNetwork, lookUpClusterNetwork } from "./network";
import { validateLambdaAlbArgs } from "./validate";

export { LAMBDA_RUNTIMES, LOG_RETENTION_DAYS } from "./validate";

/** The seed's hello-world handler, deployed when the user brings no code. */
export const DEFAULT_HANDLER_DIR = path.join(__dirname, "handler");

export interface LambdaAlbArgs {
    /** EKS cluster whose VPC hosts the ALB: its VPC, private subnets (tagged `kubernetes.io/role/internal-elb=1`) and cluster security group are looked up. Give this, or `vpcId` + `subnetIds`. */
    eksClusterName?: pulumi.Input<string>;
    /** VPC of the ALB, with explicit `subnetIds`. */
    vpcId?: pulumi.Input<string>;
    /** Two or more private subnets in different Availability Zones, instead of the look-up. */
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Security groups whose members may reach the ALB, in addition to the EKS cluster security group. */
    allowedSecurityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** CIDR blocks that may reach the ALB (e.g. a peered network). Nothing else can: the ALB is internal. */
    allowedCidrs?: pulumi.Input<pulumi.Input<string>[]>;

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

    /** An ACM certificate for `domainName` to serve on 443. Default: a certificate for the ALB's own DNS name, issued by a private CA created here. */
    certificateArn?: pulumi.Input<string>;
    /** The domain name the mesh uses to reach the ALB (required with `certificateArn`; you point it at the ALB). */
    domainName?: pulumi.Input<string>;
    /** Validity of the self-issued ALB certificate in days. Default 365. */
    certificateValidityDays?: pulumi.Input<number>;
    /** Renew the self-issued certificate this many days before it expires (on the next `pulumi up`). Default 30. */
    certificateRenewBeforeDays?: pulumi.Input<number>;
    /** Port 80: "off" (default: the mesh only speaks TLS, so no plaintext path exists) or "redirect" (to HTTPS). */
    httpListener?: pulumi.Input<string>;
    /** Tags for every AWS resource. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export class LambdaAlb extends pulumi.ComponentResource {
    /** The host name the mesh must use to reach the ALB (and the name its certificate carries). */
    public readonly hostname: pulumi.Output<string>;
    /** PEM of the private CA that issued the ALB certificate; undefined with `certificateArn`. */
    public readonly caPem: pulumi.Output<string | undefined>;
    public readonly albArn: pulumi.Output<string>;
    public readonly albDnsName: pulumi.Output<string>;
    public readonly functionName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;
    public readonly targetGroupArn: pulumi.Output<string>;
    public readonly securityGroupId: pulumi.Output<string>;
    public readonly httpsListenerArn: pulumi.Output<string>;
    public readonly certificateArn: pulumi.Output<string>;
    /** Expiry (RFC 3339) of the self-issued ALB certificate; undefined with `certificateArn`. */
    public readonly certificateExpiresAt: pulumi.Output<string | undefined>;

    constructor(name: string, args: LambdaAlbArgs, opts?: pulumi.ComponentResourceOptions) {
        validateLambdaAlbArgs(args);
        super("crossmesh:index:LambdaAlb", name, {}, opts);
        const parent = { parent: this };
        const tags = args.tags;

        const network: AlbNetwork = args.eksClusterName !== undefined
            ? lookUpClusterNetwork(args.eksClusterName, args.allowedSecurityGroupIds, this)
            : explicitNetwork(args.vpcId!, args.subnetIds!, args.allowedSecurityGroupIds);

        const fn = this.createFunction(name, args);
        const { securityGroup, ports } = this.createSecurityGroup(name, network, args);

        const alb = new aws.lb.LoadBalancer(`${name}-alb`, {
            internal: true,
            loadBalancerType: "application",
            subnets: network.subnetIds,
            securityGroups: [securityGroup.id],
            dropInvalidHeaderFields: true,
            tags,
        }, parent);

        const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
            targetType: "lambda",
            // Health checks would invoke (and bill) the function every few seconds; the ALB marks a
            // Lambda target healthy without them.
            healthCheck: { enabled: false },
            tags,
        }, parent);
        const permission = new aws.lambda.Permission(`${name}-allow-alb`, {
            action: "lambda:InvokeFunction",
            function: fn.name,
            principal: "elasticloadbalancing.amazonaws.com",
            sourceArn: targetGroup.arn,
        }, parent);
        // ELB checks its invoke permission when the function is registered: no data links the two, so
        // the order is explicit (the race other tools hit).
        new aws.lb.TargetGroupAttachment(`${name}-target`, {
            targetGroupArn: targetGroup.arn,
            targetId: fn.arn,
        }, { parent: this, dependsOn: [permission] });

        let hostname: pulumi.Output<string>;
        let certificateArn: pulumi.Output<string>;
        if (args.certificateArn !== undefined) {
            hostname = pulumi.output(args.domainName!);
            certificateArn = pulumi.output(args.certificateArn);
            this.caPem = pulumi.output(undefined);
            this.certificateExpiresAt = pulumi.output(undefined);
        } else {
            const issued = issueAlbCertificate(`${name}-alb-tls`, {
                hostname: alb.dnsName,
                validityDays: (args.certificateValidityDays as number | undefined) ?? 365,
                renewBeforeDays: (args.certificateRenewBeforeDays as number | undefined) ?? 30,
            }, this);
            hostname = alb.dnsName;
            certificateArn = issued.certificateArn;
            this.caPem = issued.caPem;
            this.certificateExpiresAt = issued.expiresAt;
        }

        const https = new aws.lb.Listener(`${name}-https`, {
            loadBalancerArn: alb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            certificateArn,
            defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            tags,
        }, parent);
        if (ports.includes(80)) {
            new aws.lb.Listener(`${name}-http`, {
                loadBalancerArn: alb.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
                tags,
            }, parent);
        }

        this.hostname = hostname;
        this.albArn = alb.arn;
        this.albDnsName = alb.dnsName;
        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.targetGroupArn = targetGroup.arn;
        this.securityGroupId = securityGroup.id;
        this.httpsListenerArn = https.arn;
        this.certificateArn = certificateArn;
        this.registerOutputs({
            hostname: this.hostname, caPem: this.caPem, albArn: this.albArn, albDnsName: this.albDnsName,
            functionName: this.functionName, functionArn: this.functionArn, targetGroupArn: this.targetGroupArn,
            securityGroupId: this.securityGroupId, httpsListenerArn: this.httpsListenerArn,
            certificateArn: this.certificateArn, certificateExpiresAt: this.certificateExpiresAt,
        });
    }

    private createFunction(name: string, args: LambdaAlbArgs): aws.lambda.Function {
        const parent = { parent: this };
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, {
            retentionInDays: args.logRetentionDays ?? 14,
            tags: args.tags,
        }, parent);
        const role = new aws.iam.Role(`${name}-role`, {
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags: args.tags,
        }, parent);
        // Basic execution rights only, and only on this function's own log group (the managed
        // AWSLambdaBasicExecutionRole policy would allow writing to every log group).
        new aws.iam.RolePolicy(`${name}-logs`, {
            role: role.id,
            policy: logGroup.arn.apply((arn) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${arn}:*` }],
            })),
        }, parent);
        const code = args.code ?? (args.codePath !== undefined
            ? pulumi.output(args.codePath).apply((p) => new pulumi.asset.FileArchive(path.resolve(p)))
            : new pulumi.asset.FileArchive(DEFAULT_HANDLER_DIR));
        return new aws.lambda.Function(`${name}-fn`, {
            role: role.arn,
            runtime: args.runtime ?? "python3.13",
            handler: args.handler ?? "index.lambda_handler",
            code,
            memorySize: args.memorySize ?? 128,
            timeout: args.timeout ?? 10,
            environment: args.environment ? { variables: args.environment } : undefined,
            // The log group exists (with its retention) before the first invocation could create one.
            loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
            tags: args.tags,
        }, parent);
    }

    private createSecurityGroup(name: string, network: AlbNetwork, args: LambdaAlbArgs) {
        const ports = args.httpListener === "redirect" ? [443, 80] : [443];
        const securityGroup = new aws.ec2.SecurityGroup(`${name}-alb-sg`, {
            vpcId: network.vpcId,
            description: "crossmesh internal ALB: HTTPS from the EKS cluster only",
            // No egress rules: the ALB reaches a Lambda target through the Lambda service, not the VPC.
            tags: args.tags,
        }, { parent: this });
        const rule = (suffix: string, port: number, source: { referencedSecurityGroupId?: pulumi.Input<string>; cidrIpv4?: pulumi.Input<string>; cidrIpv6?: pulumi.Input<string> }) =>
            new aws.vpc.SecurityGroupIngressRule(`${name}-alb-in-${port}-${suffix}`, {
                securityGroupId: securityGroup.id,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                description: `crossmesh: ${port === 443 ? "HTTPS" : "HTTP redirect"} to the internal ALB`,
                ...source,
            }, { parent: this });
        // Security groups come from a look-up (unknown at construction), so one rule per known slot:
        // the cluster SG is always first; extra groups and CIDRs are plain lists given by the user.
        const extraSgs = (args.allowedSecurityGroupIds as pulumi.Input<string>[] | undefined)?.length ?? 0;
        const sgCount = (args.eksClusterName !== undefined ? 1 : 0) + extraSgs;
        const cidrs = (args.allowedCidrs as pulumi.Input<string>[] | undefined) ?? [];
        for (const port of ports) {
            for (let i = 0; i < sgCount; i++) {
                rule(i === 0 && args.eksClusterName !== undefined ? "cluster" : `sg${i}`, port, { referencedSecurityGroupId: network.allowedSecurityGroupIds.apply((ids) => ids[i]) });
            }
            cidrs.forEach((cidr, i) => {
                const v6 = typeof cidr === "string" && cidr.includes(":");
                rule(`cidr${i}`, port, v6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr });
            });
        }
        return { securityGroup, ports };
    }
}
