// Which changed fields make a provider replace a resource instead of updating it in place: what `pulumi preview`
// reports as "replace". Kept to the kinds and types crossmesh's plans hold; a type not listed here is updated.
//
// Kubernetes: pulumi-kubernetes' forceNew list (provider/pkg/provider/diff.go). The identity
// (apiVersion, kind, namespace, name) is the plan's key, so a renamed object is a delete and a create. A named
// object that is replaced is deleted before its replacement is created (same name): it is absent in between.
// Secrets and ConfigMaps: their data forces a replacement unless the provider has enableSecretMutable /
// enableConfigMapMutable (the plan's providers.yaml) and the object is not `immutable`.
//
// AWS: the fields the AWS provider marks ForceNew (terraform-provider-aws schemas) for the types crossmesh creates.
// TLS: every input of the tls provider's resources forces a new key or certificate, except earlyRenewalHours.
import { isDeepStrictEqual } from "node:util";

/** The kubernetes provider settings that decide whether data changes replace (providers.yaml of a plan). */
export interface KubernetesSettings {
    enableSecretMutable?: boolean;
    enableConfigMapMutable?: boolean;
}

/** What a plan entry is: a Kubernetes object, a Helm release or a cloud (AWS/TLS) resource of a type token. */
export type PlanEntry =
    | { source: "kubernetes"; value: Record<string, any> }
    | { source: "helm"; value: Record<string, any> }
    | { source: "cloud"; type: string; value: Record<string, any> };

const SELECTOR = ["spec.selector"];
const JOB = ["spec.completions", "spec.parallelism", "spec.selector", "spec.template"];
const STATEFUL_SET = [
    "spec.podManagementPolicy",
    "spec.revisionHistoryLimit",
    "spec.selector",
    "spec.serviceName",
    "spec.volumeClaimTemplates",
];

/** pulumi-kubernetes' forceNew fields by "<group>/<version> <Kind>" (core group: "v1 <Kind>"). */
const KUBERNETES: Record<string, string[]> = {
    "v1 Secret": ["type"],
    "v1 Service": ["spec.clusterIP"],
    "v1 PersistentVolumeClaim": ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
    "apps/v1 Deployment": SELECTOR,
    "apps/v1 DaemonSet": SELECTOR,
    "apps/v1 StatefulSet": STATEFUL_SET,
    "batch/v1 Job": JOB,
    // Only in policy/v1beta1: a policy/v1 PodDisruptionBudget updates in place.
    "policy/v1beta1 PodDisruptionBudget": ["spec"],
    "rbac.authorization.k8s.io/v1 RoleBinding": ["roleRef"],
    "rbac.authorization.k8s.io/v1 ClusterRoleBinding": ["roleRef"],
    "storage.k8s.io/v1 StorageClass": ["parameters", "provisioner"],
};

/** ForceNew input fields of the AWS types crossmesh creates (Pulumi's camelCase names). */
const AWS: Record<string, string[]> = {
    "aws:lb/loadBalancer:LoadBalancer": ["name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"],
    "aws:lb/targetGroup:TargetGroup": [
        "name",
        "namePrefix",
        "port",
        "protocol",
        "protocolVersion",
        "targetType",
        "vpcId",
        "ipAddressType",
    ],
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": ["targetGroupArn", "targetId", "port", "availabilityZone"],
    "aws:lb/listener:Listener": ["loadBalancerArn"],
    "aws:lb/listenerRule:ListenerRule": ["listenerArn"],
    "aws:lambda/function:Function": ["name", "packageType"],
    // A Lambda permission cannot be edited: every field is ForceNew.
    "aws:lambda/permission:Permission": [
        "action",
        "function",
        "principal",
        "sourceArn",
        "sourceAccount",
        "statementId",
        "statementIdPrefix",
        "qualifier",
        "eventSourceToken",
        "principalOrgId",
        "functionUrlAuthType",
    ],
    "aws:iam/role:Role": ["name", "namePrefix", "path"],
    "aws:iam/rolePolicy:RolePolicy": ["name", "namePrefix", "role"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
    "aws:cloudwatch/logGroup:LogGroup": ["name", "namePrefix", "logGroupClass"],
    "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "description", "vpcId"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
    // An imported certificate's body and key are re-imported in place.
    "aws:acm/certificate:Certificate": [
        "domainName",
        "subjectAlternativeNames",
        "keyAlgorithm",
        "certificateAuthorityArn",
    ],
};

/** The replace-forcing fields of one entry, as dotted paths. */
export function replacementFields(entry: PlanEntry, settings: KubernetesSettings = {}): string[] {
    if (entry.source === "helm") return []; // a release's name and namespace are its identity
    if (entry.source === "cloud") {
        if (entry.type.startsWith("tls:")) return ["*"];
        return AWS[entry.type] ?? [];
    }
    const o = entry.value;
    const fields = [...(KUBERNETES[`${o.apiVersion} ${o.kind}`] ?? [])];
    const core = !String(o.apiVersion).includes("/");
    if (core && o.kind === "Secret" && (!settings.enableSecretMutable || o.immutable === true))
        fields.push("stringData", "data");
    if (core && o.kind === "ConfigMap" && (!settings.enableConfigMapMutable || o.immutable === true))
        fields.push("data", "binaryData");
    return fields;
}

const get = (value: unknown, path: string): unknown =>
    path.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as any)[k] : undefined), value);

/** The replace-forcing fields whose values differ between two versions of one entry. */
export function replacedBecause(base: PlanEntry, head: PlanEntry, settings: KubernetesSettings = {}): string[] {
    const fields = replacementFields(head, settings);
    if (fields.includes("*")) {
        // tls: every input but earlyRenewalHours
        const keys = new Set([...Object.keys(base.value), ...Object.keys(head.value)]);
        return [...keys]
            .filter((k) => k !== "earlyRenewalHours" && !isDeepStrictEqual(base.value[k], head.value[k]))
            .sort();
    }
    return fields.filter((f) => !isDeepStrictEqual(get(base.value, f), get(head.value, f)));
}

/** The replace-forcing field a changed path (`spec.hosts[0]`) falls under, if any. */
export function forcingField(entry: PlanEntry, path: string, settings: KubernetesSettings = {}): string | undefined {
    const dotted = path.replace(/\[\d+\]/g, "");
    const fields = replacementFields(entry, settings);
    if (fields.includes("*")) {
        const top = dotted.split(".")[0]!;
        return top === "earlyRenewalHours" ? undefined : top;
    }
    return fields.find((f) => dotted === f || dotted.startsWith(`${f}.`));
}
