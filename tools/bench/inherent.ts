// The waits the architecture cannot avoid. An edge "dependent waits for dependency" is inherent when a
// rule below matches the two resources' kinds (see durations.ts `resourceKind`): the dependent needs a
// value that exists only once the dependency is created, or the cloud refuses the dependent before
// it. Every other recorded edge is a choice of the components. The longest path over inherent edges
// only is the lower bound of any `pulumi up` of this topology, whatever the components do.
import type { EdgeFilter } from "./critical-path";
import type { DeployNode } from "./graph";
import { LOAD_BALANCER_SERVICE } from "./durations";

export interface InherentRule {
    /** Kind of the waiting resource; a trailing `*` matches any kind with that prefix. */
    dependent: string;
    /** Kind of the resource waited for; same pattern syntax. */
    dependency: string;
    reason: string;
}

const ALB = "aws:lb/loadBalancer:LoadBalancer";
const FUNCTION = "aws:lambda/function:Function";
const ROLE = "aws:iam/role:Role";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const TARGET_GROUP = "aws:lb/targetGroup:TargetGroup";
const PERMISSION = "aws:lambda/permission:Permission";
const ACM_CERT = "aws:acm/certificate:Certificate";
const KEY = "tls:index/privateKey:PrivateKey";
const CA_CERT = "tls:index/selfSignedCert:SelfSignedCert";
const CSR = "tls:index/certRequest:CertRequest";
const LEAF_CERT = "tls:index/locallySignedCert:LocallySignedCert";
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SECRET = "kubernetes:core/v1:Secret";
const ISTIO_NETWORKING = "kubernetes:networking.istio.io/";
const ISTIO_SECURITY = "kubernetes:security.istio.io/";
const SERVICE_ENTRY = `${ISTIO_NETWORKING}v1:ServiceEntry`;
const DESTINATION_RULE = `${ISTIO_NETWORKING}v1:DestinationRule`;
const VIRTUAL_SERVICE = `${ISTIO_NETWORKING}v1:VirtualService`;

export const INHERENT_RULES: InherentRule[] = [
    // --- Lambda behind an internal ALB ------------------------------------------------------------
    {
        dependent: FUNCTION,
        dependency: ROLE,
        reason: "CreateFunction takes the execution role's ARN and fails until the role is assumable",
    },
    {
        dependent: FUNCTION,
        dependency: LOG_GROUP,
        reason: "loggingConfig names the group; it must exist with its retention before the first invocation writes logs",
    },
    {
        dependent: "aws:iam/rolePolicy:RolePolicy",
        dependency: ROLE,
        reason: "the inline policy is put on the role by name",
    },
    {
        dependent: "aws:iam/rolePolicy:RolePolicy",
        dependency: LOG_GROUP,
        reason: "the policy grants writes to the group's ARN only",
    },
    {
        dependent: "aws:vpc/securityGroup*",
        dependency: SECURITY_GROUP,
        reason: "a rule is added to an existing security group",
    },
    {
        dependent: ALB,
        dependency: SECURITY_GROUP,
        reason: "the ALB is created with its security group (the VPC default group would admit too much)",
    },
    {
        dependent: PERMISSION,
        dependency: FUNCTION,
        reason: "the permission is a statement in the function's resource policy",
    },
    {
        dependent: PERMISSION,
        dependency: TARGET_GROUP,
        reason: "sourceArn scopes the permission to the target group's ARN",
    },
    {
        dependent: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        dependency: TARGET_GROUP,
        reason: "registers a target in the target group",
    },
    {
        dependent: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        dependency: FUNCTION,
        reason: "the target is the function's ARN",
    },
    {
        dependent: "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        dependency: PERMISSION,
        reason: "ELB checks its invoke permission when a Lambda target is registered (AccessDenied otherwise)",
    },
    { dependent: "aws:lb/listener:Listener", dependency: ALB, reason: "a listener belongs to a load balancer" },
    {
        dependent: "aws:lb/listener:Listener",
        dependency: TARGET_GROUP,
        reason: "the default action forwards to the target group",
    },
    {
        dependent: "aws:lb/listener:Listener",
        dependency: ACM_CERT,
        reason: "an HTTPS listener is created with its certificate",
    },
    {
        dependent: "aws:lb/listenerRule:ListenerRule",
        dependency: "aws:lb/listener:Listener",
        reason: "a rule belongs to a listener",
    },
    {
        dependent: "aws:lb/listenerRule:ListenerRule",
        dependency: TARGET_GROUP,
        reason: "the rule forwards its host to the function's target group",
    },
    // --- Certificates -------------------------------------------------------------------------------
    { dependent: CA_CERT, dependency: KEY, reason: "a certificate is signed with its private key" },
    { dependent: CSR, dependency: KEY, reason: "a CSR is signed with the leaf's private key" },
    {
        dependent: CSR,
        dependency: ALB,
        reason: "the ALB certificate's only SAN is the ALB's DNS name, known once the ALB exists",
    },
    { dependent: LEAF_CERT, dependency: CSR, reason: "the CA signs the CSR" },
    { dependent: LEAF_CERT, dependency: KEY, reason: "the CA's private key signs the leaf" },
    { dependent: LEAF_CERT, dependency: CA_CERT, reason: "the leaf's issuer is the CA certificate" },
    { dependent: ACM_CERT, dependency: LEAF_CERT, reason: "ACM imports the certificate body" },
    { dependent: ACM_CERT, dependency: KEY, reason: "ACM imports the certificate's private key" },
    { dependent: ACM_CERT, dependency: CA_CERT, reason: "ACM imports the chain (the CA)" },
    { dependent: SECRET, dependency: LEAF_CERT, reason: "a gateway credential Secret holds the certificate" },
    { dependent: SECRET, dependency: KEY, reason: "a gateway credential Secret holds the private key" },
    { dependent: SECRET, dependency: CA_CERT, reason: "a credential Secret holds the CA the gateway trusts" },
    // --- Istio installs (Helm) ---------------------------------------------------------------------------
    {
        dependent: "helm:istiod",
        dependency: "helm:base",
        reason: "istiod needs the CRDs and cluster roles of the base chart",
    },
    {
        dependent: "helm:gateway",
        dependency: "helm:istiod",
        reason: "gateway pods are injected by istiod's webhook; without it they start without Envoy config",
    },
    { dependent: "helm:*", dependency: NAMESPACE, reason: "a release installs into its namespace" },
    { dependent: "kubernetes:*", dependency: NAMESPACE, reason: "a namespaced object needs its namespace" },
    {
        dependent: `${ISTIO_NETWORKING}*`,
        dependency: "helm:base",
        reason: "Istio objects need their CRDs (base chart)",
    },
    { dependent: `${ISTIO_SECURITY}*`, dependency: "helm:base", reason: "Istio objects need their CRDs (base chart)" },
    {
        dependent: "kubernetes:apps/v1:Deployment",
        dependency: "helm:istiod",
        reason: "the mesh client's pods get their sidecar from istiod's injector at creation",
    },
    // --- The link across clouds ------------------------------------------------------------------------
    {
        dependent: SERVICE_ENTRY,
        dependency: LOAD_BALANCER_SERVICE,
        reason: "the GKE ServiceEntry's endpoint is the EKS gateway NLB's hostname",
    },
    { dependent: SERVICE_ENTRY, dependency: ALB, reason: "the EKS ServiceEntry's host is the internal ALB's DNS name" },
    {
        dependent: DESTINATION_RULE,
        dependency: ALB,
        reason: "the EKS upstream DestinationRule's host (and SNI) is the ALB's DNS name",
    },
    {
        dependent: VIRTUAL_SERVICE,
        dependency: ALB,
        reason: "the EKS VirtualService routes the exported host to the ALB's DNS name",
    },
    {
        dependent: "kubernetes:batch/v1:Job",
        dependency: "*",
        reason: "the end-to-end check proves the whole path: it runs after everything it crosses exists",
    },
];

function matches(pattern: string, kind: string): boolean {
    return pattern.endsWith("*") ? kind.startsWith(pattern.slice(0, -1)) : kind === pattern;
}

/** The first rule that makes `dependent` ← `dependency` inherent, if any. */
export function inherentRuleFor(dependentKind: string, dependencyKind: string): InherentRule | undefined {
    return INHERENT_RULES.find((r) => matches(r.dependent, dependentKind) && matches(r.dependency, dependencyKind));
}

export const inherentOnly: EdgeFilter = (dependent: DeployNode, dependency: DeployNode) =>
    inherentRuleFor(dependent.kind, dependency.kind) !== undefined;
