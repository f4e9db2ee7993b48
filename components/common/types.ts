import * as pulumi from "@pulumi/pulumi";

/**
 * Where an Istio gateway runs, as the routing objects need to know it. `IstioInstall` produces one
 * (as Outputs); an adopted, pre-existing Istio is described by the user with plain values.
 */
export interface GatewayRefInput {
    /** Namespace of the gateway pods: `credentialName` secrets and gateway-scoped objects live here. */
    namespace: pulumi.Input<string>;
    /** Pod labels of the gateway; every Gateway `selector` and policy `selector` uses exactly these. */
    selectorLabels: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Name of the gateway's Kubernetes Service (the mesh→gateway hop targets `<name>.<ns>.svc.cluster.local`). */
    serviceName: pulumi.Input<string>;
    /** Service account of the gateway pods: its SPIFFE identity is `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. */
    serviceAccount: pulumi.Input<string>;
}

/** The same, resolved: what builders receive. */
export interface GatewayRef {
    namespace: string;
    selectorLabels: Record<string, string>;
    serviceName: string;
    serviceAccount: string;
}

/**
 * A gateway's TLS credential. The gateways store it in a Secret under the key names Istio's SDS reads
 * (`tls.crt`, `tls.key`, `ca.crt`); the fields are plain identifiers so every language's SDK can carry them.
 */
export interface TlsBundle {
    /** The leaf certificate (PEM): the Secret's `tls.crt`. */
    certPem: string;
    /** Its private key (PEM): the Secret's `tls.key`. */
    privateKeyPem: string;
    /** The CA certificates the gateway trusts for its peer (PEM, concatenated): the Secret's `ca.crt`. */
    caPem: string;
}

// Modes as named string enums: a `const` object of the values and a type of the same name. Plain
// string-literal unions type-check the same in TypeScript, but Pulumi's component provider host (which
// serves crossmesh to Python, Go, .NET, Java and YAML) turns only this named form into a schema enum;
// an anonymous union such as `"a" | "b"` makes it refuse the whole component.

/** Which gateway an IstioInstall deploys. */
export const GatewayRole = {
    /** EKS side: an ingress gateway in "istio-ingress" behind an internet-facing NLB. */
    Ingress: "ingress",
    /** GKE side: an egress gateway in "istio-egress" (ClusterIP). */
    Egress: "egress",
} as const;
export type GatewayRole = (typeof GatewayRole)[keyof typeof GatewayRole];

/** How the EKS ingress gateway's load balancer is reached (IstioInstall's `exposure`, the link's `eksGatewayExposure`). */
export const GatewayExposure = {
    /** An internet-facing NLB in the cluster's public subnets, narrowed by source ranges (the default). */
    Internet: "internet",
    /**
     * An internal NLB in the cluster's private subnets, with private addresses only: for clouds joined by a VPN or
     * an Interconnect. Needs source ranges (the importing cluster's private CIDRs): an internal NLB admits only its
     * VPC otherwise.
     */
    Internal: "internal",
} as const;
export type GatewayExposure = (typeof GatewayExposure)[keyof typeof GatewayExposure];

/** meshConfig.outboundTrafficPolicy.mode of an installed mesh. */
export const OutboundTrafficPolicy = {
    /** Workloads may call any destination (Istio's default). */
    AllowAny: "ALLOW_ANY",
    /** Only registered destinations (e.g. ServiceEntries) are reachable. */
    RegistryOnly: "REGISTRY_ONLY",
} as const;
export type OutboundTrafficPolicy = (typeof OutboundTrafficPolicy)[keyof typeof OutboundTrafficPolicy];

/** How AwsEgress lets workloads reach AWS endpoints. */
export const AwsEgressMode = {
    /** The app speaks HTTPS to port 443; the sidecar passes TLS through by SNI. */
    Passthrough: "passthrough",
    /** The app speaks plain HTTP to port 443; the sidecar originates TLS and verifies the certificate. */
    Originate: "originate",
} as const;
export type AwsEgressMode = (typeof AwsEgressMode)[keyof typeof AwsEgressMode];

/** The AWS services AwsEgress knows by name (its `awsServices`); anything else goes in `extraHosts`. */
export const AwsService = {
    Dynamodb: "dynamodb",
    Sts: "sts",
    /** The legacy global STS endpoint (only for SDKs that still default to it). */
    StsGlobal: "sts-global",
    /** S3, regional endpoint, path-style bucket addressing only. */
    S3: "s3",
    Sqs: "sqs",
    Sns: "sns",
    Kms: "kms",
    SecretsManager: "secretsmanager",
    Ssm: "ssm",
    Logs: "logs",
    /** CloudWatch metrics. */
    Monitoring: "monitoring",
    /** The ECR control API (image pulls are the kubelet's, not the pods'). */
    EcrApi: "ecr.api",
    Lambda: "lambda",
    Events: "events",
    Kinesis: "kinesis",
    Ec2: "ec2",
} as const;
export type AwsService = (typeof AwsService)[keyof typeof AwsService];

/** What an egress endpoint speaks on its port. */
export const EndpointProtocol = {
    /** TLS (the default). */
    Https: "HTTPS",
    /** Plain HTTP. */
    Http: "HTTP",
} as const;
export type EndpointProtocol = (typeof EndpointProtocol)[keyof typeof EndpointProtocol];

/** Key algorithm of a link's certificates. */
export const KeyAlgorithm = {
    /** ECDSA P-256 (the default). */
    Ecdsa: "ECDSA",
    /** RSA, with `rsaBits`. */
    Rsa: "RSA",
} as const;
export type KeyAlgorithm = (typeof KeyAlgorithm)[keyof typeof KeyAlgorithm];

/** RSA key sizes a link accepts. */
export const RsaBits = {
    /** 2048 bits (the default for RSA). */
    Bits2048: 2048,
    Bits3072: 3072,
    Bits4096: 4096,
} as const;
export type RsaBits = (typeof RsaBits)[keyof typeof RsaBits];

/** What an internal ALB does on port 80. */
export const HttpListenerMode = {
    /** No listener on port 80: the mesh only speaks TLS, so no plaintext path exists (the default). */
    Off: "off",
    /** Redirect to HTTPS. */
    Redirect: "redirect",
} as const;
export type HttpListenerMode = (typeof HttpListenerMode)[keyof typeof HttpListenerMode];

/** The instruction set of a Lambda function crossmesh creates. */
export const LambdaArchitecture = {
    /** x86-64 (AWS's default). */
    X86_64: "x86_64",
    /** AWS Graviton (arm64): cheaper per GB-second; the code and its layers must be built for it. */
    Arm64: "arm64",
} as const;
export type LambdaArchitecture = (typeof LambdaArchitecture)[keyof typeof LambdaArchitecture];

/** X-Ray tracing of a Lambda function crossmesh creates. */
export const TracingMode = {
    /** Sample and trace invocations (the role crossmesh creates gets X-Ray write access). */
    Active: "Active",
    /** Trace only requests that arrive with a sampled trace header (AWS's default). */
    PassThrough: "PassThrough",
} as const;
export type TracingMode = (typeof TracingMode)[keyof typeof TracingMode];

/** Whether an IAM policy statement allows or denies. */
export const PolicyEffect = {
    Allow: "Allow",
    Deny: "Deny",
} as const;
export type PolicyEffect = (typeof PolicyEffect)[keyof typeof PolicyEffect];

/** How a Kubernetes toleration matches a taint. */
export const TolerationOperator = {
    /** Any value of the taint's key. */
    Exists: "Exists",
    /** The taint's value equals `value` (the default). */
    Equal: "Equal",
} as const;
export type TolerationOperator = (typeof TolerationOperator)[keyof typeof TolerationOperator];

/** The taint effect a Kubernetes toleration matches. */
export const TolerationEffect = {
    NoSchedule: "NoSchedule",
    PreferNoSchedule: "PreferNoSchedule",
    NoExecute: "NoExecute",
} as const;
export type TolerationEffect = (typeof TolerationEffect)[keyof typeof TolerationEffect];

/** How a link's alert rules are delivered to the Prometheus you run. */
export const AlertRulesFormat = {
    /** A `monitoring.coreos.com/v1` PrometheusRule, for the Prometheus Operator (kube-prometheus-stack). */
    PrometheusRule: "PrometheusRule",
    /** A ConfigMap holding a plain Prometheus rules file, for a Prometheus that loads rule files. */
    ConfigMap: "ConfigMap",
} as const;
export type AlertRulesFormat = (typeof AlertRulesFormat)[keyof typeof AlertRulesFormat];

/** One end of a link: the exporting EKS cluster or the importing GKE cluster. */
export const LinkEnd = {
    /** The exporting cluster (the EKS ingress gateway). */
    Eks: "eks",
    /** The importing cluster (the GKE egress gateway). */
    Gke: "gke",
} as const;
export type LinkEnd = (typeof LinkEnd)[keyof typeof LinkEnd];

/** Every value of an enum object: the one list a check of that enum reads (the enum is type and check). */
export function enumValues<E extends Record<string, string | number>>(e: E): E[keyof E][] {
    return Object.values(e) as E[keyof E][];
}

/** True when `value` is one of the enum's values. */
export function isEnumValue<E extends Record<string, string | number>>(e: E, value: unknown): value is E[keyof E] {
    return (Object.values(e) as unknown[]).includes(value);
}
