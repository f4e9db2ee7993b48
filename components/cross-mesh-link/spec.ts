// CrossMeshLink's spec: the link's own fields and rules, and its children's fields picked from their specs
// (`eksAwsEgress` is AwsEgress's, `pki` LinkPki's, ...), so every rule runs once, on the path the user
// wrote. The stack config's schema is derived from it (stacks/schema.ts).
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import {
    invalid,
    throwProblems,
    requireCidr,
    requireConcreteHostname,
    requireKubernetesName,
    type Problem,
} from "../common/validation";
import { requireTrustDomain } from "../common/identity";
import { requireAwsTags } from "../common/tags";
import {
    boolean,
    holds,
    integer,
    list,
    object,
    opaque,
    problemsFrom,
    record,
    string,
    type Refinement,
    type SameShape,
    type SpecArgs,
} from "../common/spec";
import { awsEgressFields, extraHostsInMode, hostsOnce, servicesInRegion, somethingToAllow } from "../aws-egress/spec";
import {
    LAYER_VERSION_ARN,
    arnRegion,
    existingFunctionSpec,
    lambdaFunctionRules,
    lambdaFunctionSpec,
} from "../lambda-alb/spec";
import { linkPkiSpec, rsaBitsWithRsa, validityWindowsFit } from "../link-pki/spec";
import { linkMonitoringField } from "../link-monitoring/spec";
import { podPlacementSpec } from "../istio-install/client-pods";
import { allowedSourceFields } from "../import-gateway/spec";
import {
    existingGatewaySpec,
    extraValuesField,
    istioInstallFields,
    istioInstallRules,
    requireIstioVersion,
} from "../istio-install/spec";
import { type Side, istioFieldPath, istioInstallArgs } from "./steps/meshes";
import { resolveLink } from "./steps/resolve";
import { requirePublishedIstioVersion } from "../istio-install/releases";
import { requireDistinctHostSlugs } from "../common/names";
import { requireHostHeaderLength } from "../lambda-hosts-alb/spec";
import type { CrossMeshLinkArgs, LinkAwsEgressArgs, LinkSettings, ServedHostArgs } from "./args";
import { TARGET_FIELDS, kindOf } from "./targets";

/** Regions the AWS provider knows (its own enum), so a typo such as "eu-wset-1" is caught here. */
export const AWS_REGIONS: readonly string[] = Object.values(aws.Region);

export function requireAwsRegion(path: string, region: string): void {
    if (!AWS_REGIONS.includes(region)) {
        const near = AWS_REGIONS.filter((r) => r.split("-")[0] === region.split("-")[0]).slice(0, 6);
        invalid(
            path,
            `"${region}" is not an AWS region${near.length ? ` (e.g. ${near.join(", ")})` : ""}; use the region of the EKS cluster, e.g. "eu-west-1".`,
        );
    }
}

/** Fields renamed in 1.0 (see CHANGELOG): an untyped caller (JS, YAML, Python, a stack config) still using one is told the new name. */
export const RENAMED_FIELDS: Readonly<Record<string, string>> = {
    eksIstio: "eksExistingGateway",
    gkeIstio: "gkeExistingGateway",
};

const kubeProvider = (side: string) =>
    opaque<k8s.Provider>("a kubernetes.Provider").required(
        `pass the kubernetes.Provider of the ${side} cluster (crossmesh never uses an ambient kubeconfig).`,
    );

/** The link's AWS egress: AwsEgress's own fields (its region is the link's `awsRegion`). */
export const linkAwsEgress = object({
    awsServices: awsEgressFields.awsServices,
    extraHosts: awsEgressFields.extraHosts,
    imds: awsEgressFields.imds,
    mode: awsEgressFields.mode,
    exportTo: awsEgressFields.exportTo,
});

const allowedSource = object(allowedSourceFields);

/** The certificate settings of LinkPki the user gives (the hosts and the client identity are the link's). */
export const PKI_SETTINGS = [
    "keyAlgorithm",
    "rsaBits",
    "caValidityDays",
    "caRenewBeforeDays",
    "leafValidityDays",
    "leafRenewBeforeDays",
    "serverTrustsExtraCaPems",
    "clientTrustsExtraCaPems",
] as const;

/** The function settings a link's Lambda takes (LambdaFunction's own fields). */
const LAMBDA_SETTINGS = [
    "runtime",
    "codePath",
    "handler",
    "memorySize",
    "timeout",
    "environment",
    "logRetentionDays",
    "managedPolicyArns",
    "policyStatements",
    "roleArn",
    "vpcConfig",
    "layers",
    "architecture",
    "reservedConcurrency",
    "kmsKeyArn",
    "tracingMode",
] as const;

/** LinkPki's certificate settings, with its rules. */
export const linkPkiSettings = linkPkiSpec.pick(PKI_SETTINGS, [rsaBitsWithRsa, validityWindowsFit]);

/** How crossmesh installs Istio: IstioInstall's own fields (each composite adds its chart values). */
export const istioSettingsFields = {
    highAvailability: istioInstallFields.highAvailability,
    chartRepository: istioInstallFields.chartRepository,
    imageRegistry: istioInstallFields.imageRegistry,
    imagePullSecrets: istioInstallFields.imagePullSecrets,
    retainedVersions: istioInstallFields.retainedVersions,
};

const linkIstio = object({ ...istioSettingsFields, eksValues: extraValuesField(), gkeValues: extraValuesField() });

const upstream = object({
    hostname: string()
        .input()
        .required('give the upstream\'s host name, e.g. "orders.internal.example.com".')
        .check(requireConcreteHostname),
    port: integer(1, 65535, "ports").input().default(443),
    caPem: string().input().optional(),
});

/** What serves an exported host: exactly one target kind (a Lambda behind the shared ALB, or an upstream). */
export const servedHostFields = {
    host: string()
        .required('give the host importing apps call, e.g. "lambda.external".')
        .check(requireConcreteHostname),
    lambda: lambdaFunctionSpec.pick(LAMBDA_SETTINGS, lambdaFunctionRules).optional(),
    existingFunction: existingFunctionSpec.optional(),
    upstream: upstream.optional(),
};

/** The rules of one served host: exactly one target, and a Lambda's host fits the ALB's host-header rule. */
export const servedHostRules: Refinement<ServedHostArgs>[] = [
    { name: "exactly one target", check: (s, at) => requireServiceTarget(at(""), s) },
    {
        name: "a Lambda's host fits an ALB host-header rule",
        check: (s, at) => {
            if (s.lambda || s.existingFunction)
                requireHostHeaderLength(at("host"), s.host, "the shared ALB routes it by a host-header rule, which");
        },
    },
];

/** One exported host: what serves it and who may call it. */
const service = object(
    {
        ...servedHostFields,
        allowedSources: list(allowedSource, {
            emptyFix:
                'list who may call this host, e.g. [{ namespace: "shop", serviceAccount: "checkout" }]; nothing else can.',
            what: "sources",
        }).required(
            'list who may call this host, e.g. [{ namespace: "shop", serviceAccount: "checkout" }]; nothing else can.',
        ),
        expectBodyContains: string().optional(),
    },
    { refine: servedHostRules },
);

/** The fields the link reads; the groups its children own are theirs (picked). */
export const linkFields = {
    eksProvider: kubeProvider("EKS"),
    gkeProvider: kubeProvider("GKE"),
    eksClusterName: string()
        .input()
        .required('name the EKS cluster whose VPC hosts the internal ALBs, e.g. "eks-lab5".')
        .check((path, v) => {
            if (v === "") invalid(path, 'name the EKS cluster whose VPC hosts the internal ALBs, e.g. "eks-lab5".');
        }),
    awsRegion: string().optional().check(requireAwsRegion),
    services: list(service, {
        emptyFix:
            'list at least one exported service, e.g. [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }].',
        what: "services",
    }).required(
        'list at least one exported service, e.g. [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }].',
    ),
    istioVersion: string().optional().check(requireIstioVersion).check(requirePublishedIstioVersion),
    istio: linkIstio.optional(),
    eksExistingGateway: existingGatewaySpec("ingress").optional(),
    gkeExistingGateway: existingGatewaySpec("egress").optional(),
    eksTrustDomain: string().optional().check(requireTrustDomain),
    gkeTrustDomain: string().optional().check(requireTrustDomain),
    consumerEgressCidrs: list(string().check(requireCidr), { what: "CIDR blocks" }).optional(),
    eksGatewayExposure: istioInstallFields.exposure,
    tags: record(string()).optional().check(requireAwsTags),
    pki: linkPkiSettings.optional(),
    verify: boolean().default(false),
    strictMtls: boolean().default(false),
    gkeMeshRootNamespace: string().optional().check(requireKubernetesName),
    deployTestClient: boolean().default(false),
    registryOnly: boolean().default(false),
    eksAwsEgress: linkAwsEgress.optional(),
    podPlacement: podPlacementSpec.optional(),
    monitoring: linkMonitoringField.optional(),
};

type Link = LinkSettings & Partial<Pick<CrossMeshLinkArgs, "eksProvider" | "gkeProvider">>;

/** The two clusters are two: each side has its own provider. */
const distinctProviders: Refinement<Link> = {
    name: "two clusters, two providers",
    check: (a, at) => {
        if (a.eksProvider !== undefined && a.eksProvider === a.gkeProvider)
            invalid(
                at("gkeProvider"),
                "is the same provider as eksProvider; the link joins two separate clusters, give each its own provider.",
            );
    },
};

/** AwsEgress's own rules, on a composite's paths (`region` is `awsRegion`; the egress settings are `field`). */
export function awsEgressRules<F extends string>(
    egressName: string,
    field: F,
): Refinement<{ awsRegion?: string } & { [K in F]?: LinkAwsEgressArgs }> {
    const rules = [servicesInRegion, somethingToAllow, extraHostsInMode, hostsOnce(egressName)];
    return {
        name: "the AWS egress's own rules",
        check: (a, at) => {
            const settings = a[field];
            if (!settings) return;
            if (a.awsRegion === undefined)
                invalid(
                    at("awsRegion"),
                    `give the AWS region of the EKS cluster (e.g. "eu-west-1"): ${field} allows that region's API endpoints.`,
                );
            const egress = { ...settings, region: a.awsRegion };
            const path = (f: string) => (f === "region" ? at("awsRegion") : at(`${field}.${f}`));
            for (const rule of rules) rule.check(egress, path);
        },
    };
}

/** Each host once, and no two hosts whose names collapse to the same object names (dots become hyphens). */
export const hostsOnceAcrossServices: Refinement<{ services: readonly { host: string }[] }> = {
    name: "each host once, one name per host",
    check: (a, at) =>
        requireDistinctHostSlugs(
            at("services"),
            a.services.map((s) => s.host),
            "object names",
        ),
};

/** Each side's IstioInstall rules, on the link's paths (`values` is `istio.eksValues`, …), each run once. */
function istioRules(linkName: string): Refinement<Link> {
    const sides: Side[] = ["eks", "gke"];
    return {
        name: "each Istio install's own rules",
        check: (a, at) => {
            const resolved = resolveLink(linkName, a);
            throwProblems(
                sides.flatMap((side) => {
                    const install = istioInstallArgs(side, a, resolved);
                    return istioInstallRules.flatMap((rule) =>
                        problemsFrom(() => rule.check(install, (f) => at(istioFieldPath(side, f)))),
                    );
                }),
            );
        },
    };
}

/** Retained versions are releases Istio published (as `istioVersion` is). */
export const retainedPublished: Refinement<{ istio?: { retainedVersions?: string[] } }> = {
    name: "retained versions are published releases",
    check: (a, at) =>
        throwProblems(
            (a.istio?.retainedVersions ?? []).flatMap((v, i) =>
                problemsFrom(() => requirePublishedIstioVersion(at(`istio.retainedVersions[${i}]`), v)),
            ),
        ),
};

/** Rules between the trust domains: distinct, and never cluster.local for GKE. */
const trustDomains: Refinement<Link> = {
    name: "two meshes, two trust domains",
    check: (a, at) => {
        if (a.gkeTrustDomain === "cluster.local")
            invalid(
                at("gkeTrustDomain"),
                a.gkeExistingGateway
                    ? '"cluster.local" cannot name the GKE mesh across the link: Istio rewrites cluster.local principals to the local mesh\'s own trust domain, so the EKS gateway could not tell the GKE gateway apart. An adopted mesh must run a distinct trust domain: move it first (meshConfig.trustDomain, with trustDomainAliases: ["cluster.local"] while its workloads restart — Istio\'s trust-domain migration), then give that domain here, e.g. "gke.example.org".'
                    : '"cluster.local" cannot name the GKE mesh across the link: Istio rewrites cluster.local principals to the local mesh\'s own trust domain, so the EKS gateway could not tell the GKE gateway apart. Use a distinct domain, e.g. "gke.example.org" (crossmesh installs the GKE mesh with it).',
            );
        if (a.eksTrustDomain !== undefined && a.eksTrustDomain === a.gkeTrustDomain)
            invalid(
                at("gkeTrustDomain"),
                `equals eksTrustDomain ("${a.eksTrustDomain}"); the two meshes share no root of trust, give each its own trust domain.`,
            );
    },
};

/** Settings that mean nothing once crossmesh adopts instead of installing. */
const adoptedMeansUnused: Refinement<Link> = {
    name: "no settings for what crossmesh does not own",
    check: (a, at) => {
        if (a.eksExistingGateway && (a.consumerEgressCidrs ?? []).length > 0)
            invalid(
                at("consumerEgressCidrs"),
                "with an adopted EKS gateway (eksExistingGateway) crossmesh does not own its load balancer Service, so these ranges would be ignored; set loadBalancerSourceRanges on that Service yourself and remove consumerEgressCidrs.",
            );
        if (a.eksExistingGateway && a.gkeExistingGateway && a.registryOnly)
            invalid(
                at("registryOnly"),
                "both meshes are adopted, so crossmesh installs no Istio to configure; set outboundTrafficPolicy in your own installs and remove registryOnly.",
            );
        if (a.eksExistingGateway && a.gkeExistingGateway && a.istio !== undefined)
            invalid(
                at("istio"),
                "both meshes are adopted, so crossmesh installs no Istio these settings could apply to; remove istio.",
            );
    },
};

/** One exported service's target: exactly one of the kinds. */
export function requireServiceTarget(at: string, s: ServedHostArgs): void {
    if (!kindOf(s))
        invalid(
            `${at.replace(/\.$/, "")}.${TARGET_FIELDS[0]}`,
            `give exactly one of ${TARGET_FIELDS.map((f) => `\`${f}\``).join(", ")}: \`lambda\` (crossmesh creates a function behind an internal ALB), \`existingFunction\` (a function you already run, behind the same ALB) or \`upstream\` (an existing internal HTTPS endpoint).`,
        );
}

/**
 * What a Lambda-backed service names by ARN is in the link's region (`awsRegion`): an ALB invokes only functions
 * of its own region, and a function takes only layers and a KMS key of its own region.
 */
export const lambdaArnsInRegion: Refinement<{ awsRegion?: string; services: readonly ServedHostArgs[] }> = {
    name: "Lambda ARNs in the link's region",
    check: (a, at) => {
        const region = a.awsRegion;
        if (region === undefined) return;
        const problems: Problem[] = [];
        const inRegion = (path: string, arn: unknown, what: string, fix: string) => {
            if (typeof arn !== "string") return;
            const r = arnRegion(arn);
            if (r !== undefined && r !== region)
                problems.push({
                    propertyPath: path,
                    reason: `${what} is in ${r}, the link in ${region} (awsRegion): ${fix}`,
                });
        };
        a.services.forEach((s, i) => {
            const fn = s.existingFunction?.function;
            if (typeof fn === "string")
                inRegion(
                    at(`services[${i}].existingFunction.function`),
                    fn,
                    "the function",
                    `an ALB invokes only functions of its own region. Front it from a link in ${arnRegion(fn)}, or give a function of ${region}.`,
                );
            (s.lambda?.layers ?? []).forEach((l, j) => {
                if (typeof l === "string" && LAYER_VERSION_ARN.test(l))
                    inRegion(
                        at(`services[${i}].lambda.layers[${j}]`),
                        l,
                        "the layer",
                        `a function takes only layers of its own region; publish the layer in ${region} and give that version's ARN.`,
                    );
            });
            inRegion(
                at(`services[${i}].lambda.kmsKeyArn`),
                s.lambda?.kmsKeyArn,
                "the key",
                `Lambda encrypts with a key of its own region; give a key (or a multi-Region replica) in ${region}.`,
            );
        });
        throwProblems(problems);
    },
};

/** The link's own cross-field rules and those it runs for its children, on its paths. */
function linkRules(name: string): Refinement<Link>[] {
    return [
        hostsOnceAcrossServices,
        awsEgressRules(`${name}-eks-aws-egress`, "eksAwsEgress"),
        istioRules(name),
        retainedPublished,
        trustDomains,
        adoptedMeansUnused,
        lambdaArnsInRegion,
    ];
}

/** The link's spec for a link named `name` (object names take part in some rules). */
export function linkSpec(name: string) {
    return object(linkFields, { renamed: RENAMED_FIELDS, refine: [distinctProviders, ...linkRules(name)] });
}

/** The link's settings without its providers: what a stack's config describes. */
export function linkSettingsSpec(name: string) {
    const { eksProvider: _e, gkeProvider: _g, ...settings } = linkFields;
    void _e;
    void _g;
    return object(settings, { renamed: RENAMED_FIELDS, refine: linkRules(name) });
}

holds<SameShape<CrossMeshLinkArgs, SpecArgs<ReturnType<typeof linkSpec>>>>();
