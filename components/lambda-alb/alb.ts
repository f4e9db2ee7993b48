// An internal ALB in an EKS cluster's VPC with its own security group and an HTTPS listener, serving
// either the user's ACM certificate or one issued here for the ALB's own DNS name. Shared by LambdaAlb
// and LambdaHostsAlb; what the listener does by default is the caller's choice.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { HttpListenerMode } from "../common/types";
import { valueOr } from "../common/spec";
import { issueAlbCertificate } from "./certificate";
import { internalAlbFields } from "./spec";
import { AlbNetwork, explicitNetwork, lookUpClusterNetwork } from "./network";

export interface InternalAlbArgs {
    /** EKS cluster whose VPC hosts the ALB: its VPC, private subnets (tagged `kubernetes.io/role/internal-elb=1`) and cluster security group are looked up. Give this, or `vpcId` + `subnetIds`. */
    eksClusterName?: pulumi.Input<string>;
    /** VPC of the ALB, with explicit `subnetIds`. */
    vpcId?: pulumi.Input<string>;
    /** Two or more private subnets in different Availability Zones, instead of the look-up. */
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Security groups whose members may reach the ALB, in addition to the EKS cluster security group. */
    allowedSecurityGroupIds?: pulumi.Input<string>[];
    /** CIDR blocks that may reach the ALB (e.g. a peered network). Nothing else can: the ALB is internal. */
    allowedCidrs?: pulumi.Input<string>[];
    /** An ACM certificate for `domainName` to serve on 443. Default: a certificate for the ALB's own DNS name, issued by a private CA created here. */
    certificateArn?: pulumi.Input<string>;
    /** The domain name the mesh uses to reach the ALB (required with `certificateArn`; you point it at the ALB). */
    domainName?: pulumi.Input<string>;
    /** Validity of the self-issued ALB certificate in days. Default 365. */
    certificateValidityDays?: number;
    /** Renew the self-issued certificate this many days before it expires (on the next `pulumi up`). Default 30. */
    certificateRenewBeforeDays?: number;
    /** Port 80: "off" (default: the mesh only speaks TLS, so no plaintext path exists) or "redirect" (to HTTPS). */
    httpListener?: HttpListenerMode;
    /** Tags for every AWS resource. */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

export interface InternalAlb {
    alb: aws.lb.LoadBalancer;
    securityGroup: aws.ec2.SecurityGroup;
    https: aws.lb.Listener;
    /** The name the mesh connects to: the ALB's DNS name, or `domainName` with a user certificate. */
    hostname: pulumi.Output<string>;
    certificateArn: pulumi.Output<string>;
    caPem: pulumi.Output<string | undefined>;
    certificateExpiresAt: pulumi.Output<string | undefined>;
}

type ListenerAction = aws.types.input.lb.ListenerDefaultAction;

export function createInternalAlb(
    name: string,
    args: InternalAlbArgs,
    defaultAction: ListenerAction,
    parent: pulumi.Resource,
): InternalAlb {
    const opts = { parent };
    const tags = args.tags;
    const network: AlbNetwork =
        args.eksClusterName !== undefined
            ? lookUpClusterNetwork(args.eksClusterName, args.allowedSecurityGroupIds, parent)
            : explicitNetwork(args.vpcId!, args.subnetIds!, args.allowedSecurityGroupIds);
    const ports = args.httpListener === "redirect" ? [443, 80] : [443];
    const securityGroup = createSecurityGroup(name, network, args, ports, parent);

    const alb = new aws.lb.LoadBalancer(
        `${name}-alb`,
        {
            internal: true,
            loadBalancerType: "application",
            subnets: network.subnetIds,
            securityGroups: [securityGroup.id],
            dropInvalidHeaderFields: true,
            tags,
        },
        opts,
    );

    let hostname: pulumi.Output<string>;
    let certificateArn: pulumi.Output<string>;
    let caPem: pulumi.Output<string | undefined>;
    let certificateExpiresAt: pulumi.Output<string | undefined>;
    if (args.certificateArn !== undefined) {
        hostname = pulumi.output(args.domainName!);
        certificateArn = pulumi.output(args.certificateArn);
        caPem = pulumi.output(undefined);
        certificateExpiresAt = pulumi.output(undefined);
    } else {
        const issued = issueAlbCertificate(
            `${name}-alb-tls`,
            {
                hostname: alb.dnsName,
                validityDays: valueOr(internalAlbFields.certificateValidityDays, args.certificateValidityDays),
                renewBeforeDays: valueOr(internalAlbFields.certificateRenewBeforeDays, args.certificateRenewBeforeDays),
            },
            parent,
        );
        hostname = alb.dnsName;
        certificateArn = issued.certificateArn;
        caPem = issued.caPem;
        certificateExpiresAt = issued.expiresAt;
    }

    const https = new aws.lb.Listener(
        `${name}-https`,
        {
            loadBalancerArn: alb.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            certificateArn,
            defaultActions: [defaultAction],
            tags,
        },
        opts,
    );
    if (ports.includes(80)) {
        new aws.lb.Listener(
            `${name}-http`,
            {
                loadBalancerArn: alb.arn,
                port: 80,
                protocol: "HTTP",
                defaultActions: [
                    { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
                ],
                tags,
            },
            opts,
        );
    }
    return { alb, securityGroup, https, hostname, certificateArn, caPem, certificateExpiresAt };
}

function createSecurityGroup(
    name: string,
    network: AlbNetwork,
    args: InternalAlbArgs,
    ports: number[],
    parent: pulumi.Resource,
): aws.ec2.SecurityGroup {
    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-alb-sg`,
        {
            vpcId: network.vpcId,
            description: "crossmesh internal ALB: HTTPS from the EKS cluster only",
            // No egress rules: the ALB reaches a Lambda target through the Lambda service, not the VPC.
            tags: args.tags,
        },
        { parent },
    );
    const rule = (
        suffix: string,
        port: number,
        source: {
            referencedSecurityGroupId?: pulumi.Input<string>;
            cidrIpv4?: pulumi.Input<string>;
            cidrIpv6?: pulumi.Input<string>;
        },
    ) =>
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-alb-in-${port}-${suffix}`,
            {
                securityGroupId: securityGroup.id,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                description: `crossmesh: ${port === 443 ? "HTTPS" : "HTTP redirect"} to the internal ALB`,
                ...source,
            },
            { parent },
        );
    // Security groups come from a look-up (unknown at construction), so one rule per known slot:
    // the cluster SG is always first; extra groups and CIDRs are plain lists given by the user.
    const extraSgs = args.allowedSecurityGroupIds?.length ?? 0;
    const sgCount = (args.eksClusterName !== undefined ? 1 : 0) + extraSgs;
    const cidrs = args.allowedCidrs ?? [];
    for (const port of ports) {
        for (let i = 0; i < sgCount; i++) {
            rule(i === 0 && args.eksClusterName !== undefined ? "cluster" : `sg${i}`, port, {
                referencedSecurityGroupId: network.allowedSecurityGroupIds.apply((ids) => ids[i]),
            });
        }
        cidrs.forEach((cidr, i) => {
            const v6 = typeof cidr === "string" && cidr.includes(":");
            rule(`cidr${i}`, port, v6 ? { cidrIpv6: cidr } : { cidrIpv4: cidr });
        });
    }
    return securityGroup;
}
