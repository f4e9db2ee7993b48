// Where the ALB goes: the EKS cluster's VPC and its private subnets, looked up from the cluster name
// (or given explicitly), and who may reach it.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { invalid } from "../common/validation";

export interface AlbNetwork {
    vpcId: pulumi.Output<string>;
    subnetIds: pulumi.Output<string[]>;
    /** Security groups whose members may call the ALB (the EKS cluster security group first). */
    allowedSecurityGroupIds: pulumi.Output<string[]>;
}

/** The tag the AWS Load Balancer Controller uses to find subnets for internal load balancers. */
export const INTERNAL_ELB_TAG = "kubernetes.io/role/internal-elb";

/**
 * Looks up the cluster's VPC, its cluster security group and the VPC's private subnets (tagged for
 * internal load balancers, as EKS requires for the AWS Load Balancer Controller). Fails, naming
 * `eksClusterName`, before the ALB is registered when fewer than two such subnets exist.
 */
export function lookUpClusterNetwork(
    clusterName: pulumi.Input<string>,
    extraSecurityGroupIds: pulumi.Input<pulumi.Input<string>[]> | undefined,
    parent: pulumi.Resource,
): AlbNetwork {
    const cluster = aws.eks.getClusterOutput({ name: clusterName }, { parent });
    const vpcId = cluster.vpcConfig.vpcId;
    const tagged = aws.ec2.getSubnetsOutput(
        {
            filters: [
                { name: "vpc-id", values: [vpcId] },
                { name: `tag:${INTERNAL_ELB_TAG}`, values: ["1"] },
            ],
        },
        { parent },
    );
    const subnetIds = pulumi.all([tagged.ids, clusterName]).apply(([ids, name]) => {
        if (ids.length < 2) {
            invalid(
                "eksClusterName",
                `eksClusterName: the VPC of EKS cluster "${name}" has ${ids.length} subnet(s) tagged ${INTERNAL_ELB_TAG}=1; an internal ALB needs two in different Availability Zones. Tag the cluster's private subnets, or pass vpcId and subnetIds explicitly.`,
            );
        }
        return [...ids].sort();
    });
    const allowedSecurityGroupIds = pulumi
        .all([cluster.vpcConfig.clusterSecurityGroupId, extraSecurityGroupIds ?? []])
        .apply(([clusterSg, extra]) => [clusterSg, ...extra]);
    return { vpcId, subnetIds, allowedSecurityGroupIds };
}

export function explicitNetwork(
    vpcId: pulumi.Input<string>,
    subnetIds: pulumi.Input<pulumi.Input<string>[]>,
    securityGroupIds: pulumi.Input<pulumi.Input<string>[]> | undefined,
): AlbNetwork {
    return {
        vpcId: pulumi.output(vpcId),
        subnetIds: pulumi.output(subnetIds),
        allowedSecurityGroupIds: pulumi.output(securityGroupIds ?? []),
    };
}
