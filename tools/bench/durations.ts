// How long `pulumi up` spends on each kind of resource, from the moment the engine starts creating it
// until the provider reports it done (the provider's own wait included: ALB "active", Helm `--wait`,
// Deployment rollout, Job completion). Figures are seconds for a create in a healthy account/cluster.
// Every entry names its source; `estimate: true` marks figures that are commonly reported or measured
// by hand rather than documented. They weigh the dependency graph; the *shape* of the graph (ratio of
// critical path to inherent bound) matters more than any single figure.
import { unsecret } from "../simulator/recorder";

/** A resource as the benchmark sees it: its Pulumi type and the inputs that change its duration. */
export interface ResourceLike {
    type: string;
    rawInputs?: Record<string, unknown>;
}

export interface Duration {
    seconds: number;
    source: string;
    /** True when no document states the figure (commonly reported or hand-measured). */
    estimate: boolean;
}

export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
export const SERVICE = "kubernetes:core/v1:Service";
/** Kind of a Service of type LoadBalancer: on EKS an NLB made by the AWS Load Balancer Controller. */
export const LOAD_BALANCER_SERVICE = `${SERVICE}(LoadBalancer)`;
/** Fallback kind for any other Kubernetes object without await logic (Istio CRs, ConfigMaps, …). */
export const PLAIN_KUBE_OBJECT = "kubernetes:*";

const PULUMI_K8S_AWAIT =
    "Pulumi Kubernetes provider await logic (www.pulumi.com/registry/packages/kubernetes/ … 'Resource readiness'; default timeout 10 min)";

export const DURATIONS: Record<string, Duration> = {
    // --- AWS: load balancing -------------------------------------------------------------------
    "aws:lb/loadBalancer:LoadBalancer": {
        seconds: 180,
        estimate: true,
        source: "ALB create + wait for state 'active' (the provider waits; Terraform/Pulumi aws_lb create timeout 10 min). Commonly reported 2–3 min; issue #7 uses ≈ 2–3 min.",
    },
    "aws:lb/targetGroup:TargetGroup": {
        seconds: 2,
        estimate: true,
        source: "CreateTargetGroup is synchronous; one API call plus attribute updates.",
    },
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": {
        seconds: 2,
        estimate: true,
        source: "RegisterTargets is synchronous; the provider does not wait for a Lambda target to be healthy (health checks are off).",
    },
    "aws:lb/listener:Listener": {
        seconds: 3,
        estimate: true,
        source: "CreateListener is synchronous (certificate already issued).",
    },
    "aws:lb/listenerRule:ListenerRule": {
        seconds: 2,
        estimate: true,
        source: "CreateRule is synchronous; one API call (plus tags).",
    },
    "aws:acm/certificate:Certificate": {
        seconds: 3,
        estimate: true,
        source: "ImportCertificate: an imported certificate is ISSUED immediately, no DNS/email validation (ACM docs, 'Importing certificates').",
    },
    // --- AWS: Lambda and IAM -------------------------------------------------------------------
    "aws:lambda/function:Function": {
        seconds: 10,
        estimate: true,
        source: "CreateFunction + wait for State=Active (AWS docs 'Lambda function states': non-VPC functions leave Pending within seconds); the provider retries while a fresh IAM role propagates (commonly 5–10 s).",
    },
    "aws:lambda/permission:Permission": {
        seconds: 1,
        estimate: true,
        source: "AddPermission is synchronous (resource policy statement).",
    },
    "aws:iam/role:Role": {
        seconds: 3,
        estimate: true,
        source: "CreateRole is synchronous; the provider re-reads until the role is visible (IAM is eventually consistent).",
    },
    "aws:iam/rolePolicy:RolePolicy": { seconds: 2, estimate: true, source: "PutRolePolicy is synchronous." },
    "aws:cloudwatch/logGroup:LogGroup": {
        seconds: 1,
        estimate: true,
        source: "CreateLogGroup + PutRetentionPolicy, synchronous.",
    },
    // --- AWS: network --------------------------------------------------------------------------
    "aws:ec2/securityGroup:SecurityGroup": {
        seconds: 3,
        estimate: true,
        source: "CreateSecurityGroup + revoke of the default egress rule; the provider waits until DescribeSecurityGroups sees it.",
    },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
        seconds: 1,
        estimate: true,
        source: "AuthorizeSecurityGroupIngress is synchronous.",
    },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
        seconds: 1,
        estimate: true,
        source: "AuthorizeSecurityGroupEgress is synchronous.",
    },
    // --- Certificates (computed locally by the tls provider, no network) --------------------------
    "tls:index/privateKey:PrivateKey": {
        seconds: 0.1,
        estimate: true,
        source: "Local key generation: ECDSA P-256 (the default) takes milliseconds; RSA-4096 would take ≈ 1 s. Plugin RPC overhead dominates.",
    },
    "tls:index/selfSignedCert:SelfSignedCert": { seconds: 0.1, estimate: true, source: "Local signing, no network." },
    "tls:index/certRequest:CertRequest": { seconds: 0.1, estimate: true, source: "Local CSR, no network." },
    "tls:index/locallySignedCert:LocallySignedCert": {
        seconds: 0.1,
        estimate: true,
        source: "Local signing, no network.",
    },
    "random:index/randomId:RandomId": { seconds: 0, estimate: false, source: "Local, no network." },
    "random:index/randomString:RandomString": { seconds: 0, estimate: false, source: "Local, no network." },
    "random:index/randomPassword:RandomPassword": { seconds: 0, estimate: false, source: "Local, no network." },
    // --- Istio via Helm (kubernetes:helm.sh/v3:Release waits for the release's resources: `helm --wait`) ---
    "helm:base": {
        seconds: 15,
        estimate: true,
        source: "Istio base chart: CRDs, cluster roles and the default validator webhook; no pods to wait for. Hand-measured ≈ 10–20 s (chart download + apply).",
    },
    "helm:istiod": {
        seconds: 60,
        estimate: true,
        source: "istiod Deployment ready (image pull, webhook patching, readiness). Issue #7: 'Helm istiod ≈ 1 min'; Istio install docs wait for istiod before gateways.",
    },
    "helm:gateway": {
        seconds: 45,
        estimate: true,
        source: "gateway chart: Deployment rollout of proxyv2 pods injected by istiod, until ready (image pull + Envoy readiness). Hand-measured ≈ 30–60 s.",
    },
    // --- Kubernetes objects ------------------------------------------------------------------------
    [LOAD_BALANCER_SERVICE]: {
        seconds: 150,
        estimate: true,
        source: `EKS: the AWS Load Balancer Controller makes an NLB; Pulumi waits for status.loadBalancer.ingress and ready endpoints (${PULUMI_K8S_AWAIT}); the link is usable once the NLB is 'active' and its DNS name resolves. Issue #7: 'NLB ≈ 2–3 min'.`,
    },
    [SERVICE]: {
        seconds: 2,
        estimate: true,
        source: `ClusterIP Service: Pulumi waits for endpoints when the Service selects pods (${PULUMI_K8S_AWAIT}).`,
    },
    "kubernetes:core/v1:Namespace": {
        seconds: 1,
        estimate: true,
        source: "Namespace create; Pulumi waits for phase Active, which is immediate.",
    },
    "kubernetes:apps/v1:Deployment": {
        seconds: 30,
        estimate: true,
        source: `Deployment rollout until available (${PULUMI_K8S_AWAIT}); the seed's sleep client with a sidecar: image pull + injection ≈ 20–40 s.`,
    },
    "kubernetes:batch/v1:Job": {
        seconds: 30,
        estimate: true,
        source: `Job until Complete (${PULUMI_K8S_AWAIT}): pod scheduling, sidecar start, one curl per host. Hand-estimated.`,
    },
    [PLAIN_KUBE_OBJECT]: {
        seconds: 1,
        estimate: true,
        source: "Objects without await logic (Secret, ServiceAccount, ConfigMap, Istio CRs): done when the API server accepts them; one round trip ≈ 0.2–1 s.",
    },
};

/** Provider resources (`pulumi:providers:*`) are configuration: the engine creates them instantly. */
const ZERO: Duration = { seconds: 0, estimate: false, source: "Provider configuration: no cloud call." };

/**
 * The key a resource's duration is looked up by: the Pulumi type, except Helm releases (by chart:
 * base, istiod and gateway differ by a minute) and Services (a LoadBalancer provisions a cloud LB).
 */
export function resourceKind(r: ResourceLike): string {
    // Inputs as recorded keep secret markers; the chart name and Service type are plain underneath.
    const plain = unsecret;
    if (r.type === HELM_RELEASE) {
        const chart = plain(r.rawInputs?.chart);
        return `helm:${typeof chart === "string" ? chart : "?"}`;
    }
    if (r.type === SERVICE) {
        const spec = plain(r.rawInputs?.spec) as { type?: unknown } | undefined;
        return plain(spec?.type) === "LoadBalancer" ? LOAD_BALANCER_SERVICE : SERVICE;
    }
    return r.type;
}

/**
 * The duration of one resource kind. Unknown cloud types are an error, so a new resource type cannot
 * silently weigh nothing: add it to DURATIONS with its source.
 */
export function durationOf(kind: string): Duration {
    if (kind.startsWith("pulumi:providers:")) return ZERO;
    const exact = DURATIONS[kind];
    if (exact) return exact;
    if (kind.startsWith("kubernetes:")) return DURATIONS[PLAIN_KUBE_OBJECT];
    throw new Error(
        `bench: no provisioning duration for "${kind}"; add it to tools/bench/durations.ts with its source`,
    );
}
