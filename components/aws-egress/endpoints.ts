// Where AWS APIs live: partitions, regions and the host names of the services AwsEgress knows.
// Pure data and functions; no Pulumi. The table follows the AWS SDKs' endpoint rules for the plain
// (non-FIPS, non-dual-stack) regional endpoints, which is what an SDK calls when only a region is set.
import type { AwsService } from "../common/types";

/** An AWS partition: regions in it share one DNS suffix. */
export interface AwsPartition {
    /** The partition ID as it appears in ARNs ("aws", "aws-cn", "aws-us-gov"). */
    id: string;
    /** DNS suffix of the service endpoints. */
    dnsSuffix: string;
}

export const PARTITIONS: Record<string, AwsPartition> = {
    aws: { id: "aws", dnsSuffix: "amazonaws.com" },
    "aws-cn": { id: "aws-cn", dnsSuffix: "amazonaws.com.cn" },
    "aws-us-gov": { id: "aws-us-gov", dnsSuffix: "amazonaws.com" },
};

/**
 * The shape of a region name in the commercial, China and GovCloud partitions: `<area>-<direction>-<n>`,
 * e.g. us-east-1, eu-west-3, ap-southeast-7, cn-north-1, us-gov-west-1. A shape check rather than a
 * closed list, so a region AWS opens next year is not refused.
 */
const REGION_SHAPE =
    /^(us-gov|af|ap|ca|cn|eu|il|me|mx|sa|us)-(central|north|south|east|west|northeast|northwest|southeast|southwest)-[1-9][0-9]?$/;

/** Partitions whose endpoints are not on amazonaws.com(.cn); AwsEgress does not model their host names. */
const UNSUPPORTED_PREFIXES = ["us-iso-", "us-isob-", "us-isof-", "eu-isoe-", "eusc-"];

/** The partition of a well-formed region, or a sentence saying what is wrong with it. */
export function partitionOf(region: string): AwsPartition | string {
    if (UNSUPPORTED_PREFIXES.some((p) => region.startsWith(p))) {
        return `"${region}" is in an isolated or sovereign partition whose endpoints are not on amazonaws.com; list its endpoints in extraHosts instead`;
    }
    if (!REGION_SHAPE.test(region)) {
        const gcpStyle = /^[a-z]+-[a-z]+[0-9]$/.test(region)
            ? ` (it looks like a Google Cloud region; AWS writes e.g. "us-east-1")`
            : "";
        return `"${region}" is not an AWS region name${gcpStyle}; use the lowercase form <area>-<direction>-<number>, e.g. "us-east-1", "eu-west-3", "cn-north-1" or "us-gov-west-1"`;
    }
    if (region.startsWith("us-gov-")) return PARTITIONS["aws-us-gov"];
    if (region.startsWith("cn-")) return PARTITIONS["aws-cn"];
    return PARTITIONS.aws;
}

/** One AWS service AwsEgress can allow by name. */
export interface AwsServiceDefinition {
    /** The endpoint host for a region of a partition. */
    host(region: string, partition: AwsPartition): string;
    /**
     * The service's `AWS_ENDPOINT_URL_<SERVICE>` variable (AWS SDKs' service-specific endpoint setting),
     * which the app sets to pin its SDK to exactly the allowed host (and, in originate mode, to port 443
     * over http).
     */
    sdkEndpointVariable: string;
    /** Partitions the endpoint exists in; all when absent. */
    partitions?: string[];
    /** What the entry is for, shown in docs and errors. */
    description: string;
}

const regional = (prefix: string) => (region: string, p: AwsPartition) => `${prefix}.${region}.${p.dnsSuffix}`;

/**
 * The services AwsEgress knows by name. Anything else goes in `extraHosts` with its full host name.
 * Names are the SDKs' endpoint prefixes, except `sts-global` (the legacy global STS endpoint) and
 * `ecr.api` (the ECR control API; image pulls are made by the kubelet, not by pods).
 */
export const AWS_SERVICES: Record<AwsService, AwsServiceDefinition> = {
    dynamodb: {
        host: regional("dynamodb"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_DYNAMODB",
        description: "Amazon DynamoDB",
    },
    sts: {
        host: regional("sts"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_STS",
        description: "AWS STS, regional endpoint (IRSA's AssumeRoleWithWebIdentity)",
    },
    "sts-global": {
        host: () => "sts.amazonaws.com",
        sdkEndpointVariable: "AWS_ENDPOINT_URL_STS",
        partitions: ["aws"],
        description:
            "AWS STS, legacy global endpoint (only for SDKs that still default to it; prefer the regional one)",
    },
    s3: {
        host: regional("s3"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_S3",
        description: "Amazon S3, regional endpoint with path-style bucket addressing",
    },
    sqs: { host: regional("sqs"), sdkEndpointVariable: "AWS_ENDPOINT_URL_SQS", description: "Amazon SQS" },
    sns: { host: regional("sns"), sdkEndpointVariable: "AWS_ENDPOINT_URL_SNS", description: "Amazon SNS" },
    kms: { host: regional("kms"), sdkEndpointVariable: "AWS_ENDPOINT_URL_KMS", description: "AWS KMS" },
    secretsmanager: {
        host: regional("secretsmanager"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_SECRETS_MANAGER",
        description: "AWS Secrets Manager",
    },
    ssm: {
        host: regional("ssm"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_SSM",
        description: "AWS Systems Manager (Parameter Store)",
    },
    logs: {
        host: regional("logs"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
        description: "Amazon CloudWatch Logs",
    },
    monitoring: {
        host: regional("monitoring"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_CLOUDWATCH",
        description: "Amazon CloudWatch metrics",
    },
    "ecr.api": {
        host: regional("api.ecr"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_ECR",
        description: "Amazon ECR control API",
    },
    lambda: {
        host: regional("lambda"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_LAMBDA",
        description: "AWS Lambda (Invoke)",
    },
    events: {
        host: regional("events"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_EVENTBRIDGE",
        description: "Amazon EventBridge",
    },
    kinesis: {
        host: regional("kinesis"),
        sdkEndpointVariable: "AWS_ENDPOINT_URL_KINESIS",
        description: "Amazon Kinesis Data Streams",
    },
    ec2: { host: regional("ec2"), sdkEndpointVariable: "AWS_ENDPOINT_URL_EC2", description: "Amazon EC2 API" },
};

/** The instance metadata service: link-local, plain HTTP on port 80 only, never TLS. */
export const IMDS = {
    address: "169.254.169.254",
    ipv6Address: "fd00:ec2::254",
    /**
     * The name the ServiceEntry registers. Istio refuses an IP address as a ServiceEntry host (an
     * all-numeric top-level label), so the IP goes in `addresses` and this well-known alias in `hosts`;
     * HTTP routes match both, so requests to http://169.254.169.254 are the ones allowed.
     */
    host: "instance-data.ec2.internal",
    port: 80,
    sdkEndpointVariable: "AWS_EC2_METADATA_SERVICE_ENDPOINT",
} as const;

/** Names and addresses that mean IMDS; refused in extraHosts (IMDS has its own switch, `imds`). */
export const IMDS_ALIASES: readonly string[] = [
    IMDS.address,
    IMDS.ipv6Address,
    `[${IMDS.ipv6Address}]`,
    IMDS.host,
    "instance-data",
];

/** One endpoint to allow: what the builders receive. */
export interface AwsEndpoint {
    /** Stable key: the service name, "imds", or the extra host itself. Names the Kubernetes objects. */
    key: string;
    /** Host name the ServiceEntry registers; also the SNI and the expected certificate name for TLS. */
    host: string;
    /** Port of the real endpoint (and, by the port trick, the port the app connects to). */
    port: number;
    /** "HTTPS" when the endpoint speaks TLS on `port`, "HTTP" when it speaks plain HTTP. */
    protocol: string;
    /** A fixed IP for endpoints DNS cannot name (IMDS); the ServiceEntry is then STATIC. */
    address?: string;
    /** The SDK's endpoint-override variable for this endpoint, when there is one. */
    sdkEndpointVariable?: string;
}

/** A checked extra host, with its defaults applied. */
export interface ExtraHost {
    host: string;
    port: number;
    protocol: string;
}

/** The endpoint table for a validated request: named services first, then extra hosts, then IMDS. */
export function resolveEndpoints(
    region: string | undefined,
    services: readonly AwsService[],
    extraHosts: readonly ExtraHost[],
    imds: boolean,
): AwsEndpoint[] {
    const endpoints: AwsEndpoint[] = [];
    if (services.length > 0) {
        const partition = partitionOf(region ?? "");
        if (typeof partition === "string") throw new Error(`resolveEndpoints: ${partition}`); // validated before
        for (const name of services) {
            const def = AWS_SERVICES[name];
            // Both STS endpoints share one SDK variable: with both allowed, the SDK is pinned to the regional one.
            const shadowed = name === "sts-global" && services.includes("sts");
            endpoints.push({
                key: name,
                host: def.host(region!, partition),
                port: 443,
                protocol: "HTTPS",
                sdkEndpointVariable: shadowed ? undefined : def.sdkEndpointVariable,
            });
        }
    }
    for (const extra of extraHosts)
        endpoints.push({ key: extra.host, host: extra.host, port: extra.port, protocol: extra.protocol });
    if (imds) {
        endpoints.push({
            key: "imds",
            host: IMDS.host,
            port: IMDS.port,
            protocol: "HTTP",
            address: IMDS.address,
            sdkEndpointVariable: IMDS.sdkEndpointVariable,
        });
    }
    return endpoints;
}
