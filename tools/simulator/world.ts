// The simulated clouds: one AWS account with EKS clusters in their VPCs, and the Kubernetes clusters
// (EKS and GKE) that kubeconfigs point at. Tests may build their own world to model edge cases.
import * as crypto from "node:crypto";

export interface Clock {
    now(): Date;
}

export interface SimSubnet {
    vpcId: string;
    cidrBlock: string;
    availabilityZone: string;
    tags: Record<string, string>;
}

export interface SimEksCluster {
    name: string;
    vpcId: string;
    /** All subnets given to the cluster: the private ones and the public ones. */
    subnetIds: string[];
    clusterSecurityGroupId: string;
    version: string;
}

/** A Lambda function someone else deployed in the account (the link may front it, never change it). */
export interface SimLambdaFunction {
    /** Its aliases (name → the version it points at) and published versions. */
    aliases: Record<string, string>;
    versions: string[];
}

export interface SimWorld {
    accountId: string;
    region: string;
    eksClusters: Record<string, SimEksCluster>;
    subnets: Record<string, SimSubnet>;
    /** Functions that exist before the program runs, by name (in `region`). */
    lambdaFunctions?: Record<string, SimLambdaFunction>;
    clock: Clock;
}

/** A short, stable hex digest: simulated IDs derive from names so plans are reproducible. */
export function digest(text: string, length: number): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * A VPC placement for a function in a cluster's VPC: `count` of its private (internal-ELB) subnets and its
 * cluster security group, as a team would give `vpcConfig`.
 */
export function privateVpcConfig(world: SimWorld, clusterName: string, count = 2) {
    const cluster = world.eksClusters[clusterName];
    const subnetIds = cluster.subnetIds
        .filter((id) => world.subnets[id].tags["kubernetes.io/role/internal-elb"] === "1")
        .slice(0, count);
    return { subnetIds, securityGroupIds: [cluster.clusterSecurityGroupId] };
}

function subnets(
    vpcId: string,
    prefix: string,
    zones: string[],
    role: "internal-elb" | "elb",
    clusterName: string,
): Record<string, SimSubnet> {
    const out: Record<string, SimSubnet> = {};
    zones.forEach((az, i) => {
        const id = `subnet-${digest(`${vpcId}/${role}/${az}`, 17)}`;
        out[id] = {
            vpcId,
            cidrBlock: `${prefix}.${(role === "elb" ? 100 : 0) + i * 16}.0/20`,
            availabilityZone: az,
            tags: {
                [`kubernetes.io/role/${role}`]: "1",
                [`kubernetes.io/cluster/${clusterName}`]: "shared",
                Name: `${clusterName}-${role === "elb" ? "public" : "private"}-${az}`,
            },
        };
    });
    return out;
}

function eksCluster(
    name: string,
    vpcCidrPrefix: string,
    privateZones: string[],
    publicZones: string[],
    region: string,
) {
    const vpcId = `vpc-${digest(`vpc/${name}`, 17)}`;
    const priv = subnets(
        vpcId,
        vpcCidrPrefix,
        privateZones.map((z) => `${region}${z}`),
        "internal-elb",
        name,
    );
    const pub = subnets(
        vpcId,
        vpcCidrPrefix,
        publicZones.map((z) => `${region}${z}`),
        "elb",
        name,
    );
    const cluster: SimEksCluster = {
        name,
        vpcId,
        subnetIds: [...Object.keys(priv), ...Object.keys(pub)],
        clusterSecurityGroupId: `sg-${digest(`eks-cluster-sg/${name}`, 17)}`,
        version: "1.33",
    };
    return { cluster, subnets: { ...priv, ...pub } };
}

/**
 * The default world: `eks-lab5` (the seed's cluster: three private and three public subnets),
 * `eks-one-az` (a cluster whose VPC has a single private subnet, too few for an ALB), and two functions
 * another team deployed: `orders-api` (versions 1–3, aliases `live` → 3 and `canary` → 2) and `legacy-report`.
 */
export function defaultWorld(clock: Clock = { now: () => new Date() }): SimWorld {
    const region = "eu-west-1";
    const lab5 = eksCluster("eks-lab5", "10.0", ["a", "b", "c"], ["a", "b", "c"], region);
    const oneAz = eksCluster("eks-one-az", "10.1", ["a"], ["a", "b"], region);
    return {
        accountId: "123456789012",
        region,
        eksClusters: { [lab5.cluster.name]: lab5.cluster, [oneAz.cluster.name]: oneAz.cluster },
        subnets: { ...lab5.subnets, ...oneAz.subnets },
        lambdaFunctions: {
            "orders-api": { aliases: { live: "3", canary: "2" }, versions: ["1", "2", "3"] },
            "legacy-report": { aliases: {}, versions: [] },
        },
        clock,
    };
}
