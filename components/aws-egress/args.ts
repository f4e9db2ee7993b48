// aws-egress: the component's args and output types (its public contract), apart from the component so its
// validator and builders can import them without importing the component. Everything that decides which
// objects exist is a plain value (the types say so; the validator still refuses an Output from untyped
// callers); only `exportTo` may be an Output.
import type * as pulumi from "@pulumi/pulumi";
import type { AwsEgressMode, AwsService, EndpointProtocol } from "../common/types";

/** An endpoint not in the service table, by its full host name. */
export interface AwsEgressExtraHostArgs {
    /** Fully qualified, concrete host name, e.g. "textract.us-east-1.amazonaws.com". No wildcards, no IPs. */
    host: string;
    /** The endpoint's port. Default 443. */
    port?: number;
    /** What the endpoint speaks on `port`: "HTTPS" (default; TLS) or "HTTP" (plain). HTTPS on 80 and HTTP on 443 are refused. */
    protocol?: EndpointProtocol;
}

export interface AwsEgressArgs {
    /** Namespace the ServiceEntries and DestinationRules are created in. Required. */
    namespace: string;
    /** AWS region the services are called in, e.g. "us-east-1", "eu-west-3", "cn-north-1", "us-gov-west-1". Required with `awsServices`. */
    region?: string;
    /**
     * AWS services by name, resolved to their regional endpoint in `region`: dynamodb, sts, sts-global,
     * s3 (path-style only), sqs, sns, kms, secretsmanager, ssm, logs, monitoring, ecr.api, lambda, events,
     * kinesis, ec2 (see `AWS_SERVICES`). Anything else goes in `extraHosts`.
     */
    awsServices?: AwsService[];
    /** Further endpoints by host name (S3 bucket hosts, other services, non-AWS hosts the app needs). */
    extraHosts?: AwsEgressExtraHostArgs[];
    /** Allow the instance metadata service (http://169.254.169.254, plain HTTP on port 80; never TLS-originated). Default false. */
    imds?: boolean;
    /**
     * "passthrough" (default): the app speaks HTTPS to port 443 and the sidecar passes TLS through by SNI.
     * "originate": the app speaks plain HTTP to port 443 (http://<host>:443) and the sidecar originates
     * TLS with SNI and certificate verification. IMDS and extra hosts with protocol "HTTP" stay plain HTTP.
     */
    mode?: AwsEgressMode;
    /**
     * Namespaces whose workloads see these objects: "." (default: only `namespace`), names, or "*" for the
     * whole mesh. May be an Output (its entries are then checked when known).
     */
    exportTo?: pulumi.Input<pulumi.Input<string>[]>;
}
