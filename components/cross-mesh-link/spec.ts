// CrossMeshLink's spec: the link's own fields and rules, and its children's fields picked from their specs
// (`eksAwsEgress` is AwsEgress's, `pki` LinkPki's, ...), so every rule runs once, on the path the user
// wrote. The stack config's schema is derived from it (stacks/schema.ts).
import * as aws from "@pulumi/aws";
import type * as k8s from "@pulumi/kubernetes";
import { invalid, requireCidr, requireConcreteHostname, requireKubernetesName } from "../common/validation";
import { requireTrustDomain } from "../common/identity";
import {
    boolean,
    holds,
    integer,
    list,
    object,
    opaque,
    string,
    type Refinement,
    type SameShape,
    type SpecArgs,
} from "../common/spec";
import { awsEgressFields, extraHostsInMode, hostsOnce, servicesInRegion, somethingToAllow } from "../aws-egress/spec";
import { validateLambdaFunctionArgs } from "../lambda-alb/validate";
import { requireIstioVersion } from "../istio-install/validate";
import { requirePublishedIstioVersion } from "../istio-install/releases";
import { requireDistinctHostSlugs, requireHostHeaderLength } from "../lambda-hosts-alb/validate";
import type { CrossMeshLinkArgs, LinkLambdaArgs, LinkSettings, LinkServiceArgs } from "./args";
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
const eksAwsEgress = object({
    awsServices: awsEgressFields.awsServices,
    extraHosts: awsEgressFields.extraHosts,
    imds: awsEgressFields.imds,
    mode: awsEgressFields.mode,
    exportTo: awsEgressFields.exportTo,
});

const allowedSource = object({
    namespace: string()
        .input()
        .required('name the namespace of the callers, e.g. "shop".')
        .check(requireKubernetesName),
    serviceAccount: string().input().optional().check(requireKubernetesName),
});

const upstream = object({
    hostname: string()
        .input()
        .required('give the upstream\'s host name, e.g. "orders.internal.example.com".')
        .check(requireConcreteHostname),
    port: integer(1, 65535, "ports").input().default(443),
    caPem: string().input().optional(),
});

/** One exported host: what serves it (exactly one of `lambda` or `upstream`) and who may call it. */
const service = object(
    {
        host: string().required('give the host GKE apps call, e.g. "lambda.external".').check(requireConcreteHostname),
        lambda: opaque<LinkLambdaArgs>("Lambda settings")
            .optional()
            .check((path, l) => validateLambdaFunctionArgs(l, `${path}.`)),
        upstream: upstream.optional(),
        allowedSources: list(allowedSource, {
            emptyFix:
                'list who may call this host, e.g. [{ namespace: "shop", serviceAccount: "checkout" }]; nothing else can.',
            what: "sources",
        }).required(
            'list who may call this host, e.g. [{ namespace: "shop", serviceAccount: "checkout" }]; nothing else can.',
        ),
        expectBodyContains: string().optional(),
    },
    {
        refine: [
            { name: "exactly one target", check: (s, at) => requireServiceTarget(at(""), s) },
            {
                name: "a Lambda's host fits an ALB host-header rule",
                check: (s, at) => {
                    if (s.lambda)
                        requireHostHeaderLength(
                            at("host"),
                            s.host,
                            "the shared ALB routes it by a host-header rule, which",
                        );
                },
            },
        ],
    },
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
    istio: opaque<CrossMeshLinkArgs["istio"] & object>("Istio install settings").optional(),
    eksExistingGateway: opaque<CrossMeshLinkArgs["eksExistingGateway"] & object>("an adopted gateway").optional(),
    gkeExistingGateway: opaque<CrossMeshLinkArgs["gkeExistingGateway"] & object>("an adopted gateway").optional(),
    eksTrustDomain: string().optional().check(requireTrustDomain),
    gkeTrustDomain: string().optional().check(requireTrustDomain),
    consumerEgressCidrs: list(string().check(requireCidr), { what: "CIDR blocks" }).optional(),
    pki: opaque<CrossMeshLinkArgs["pki"] & object>("certificate settings").optional(),
    verify: boolean().default(false),
    strictMtls: boolean().default(false),
    gkeMeshRootNamespace: string().optional().check(requireKubernetesName),
    deployTestClient: boolean().default(false),
    registryOnly: boolean().default(false),
    eksAwsEgress: eksAwsEgress.optional(),
    podPlacement: opaque<CrossMeshLinkArgs["podPlacement"] & object>("pod placement").optional(),
    monitoring: opaque<CrossMeshLinkArgs["monitoring"] & object>("monitoring settings").optional(),
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

/** AwsEgress's own rules, on the link's paths (`region` is `awsRegion`). */
function awsEgressRules(linkName: string): Refinement<Link> {
    const rules = [servicesInRegion, somethingToAllow, extraHostsInMode, hostsOnce(`${linkName}-eks-aws-egress`)];
    return {
        name: "the AWS egress's own rules",
        check: (a, at) => {
            if (!a.eksAwsEgress) return;
            if (a.awsRegion === undefined)
                invalid(
                    at("awsRegion"),
                    'give the AWS region of the EKS cluster (e.g. "eu-west-1"): eksAwsEgress allows that region\'s API endpoints.',
                );
            const egress = { ...a.eksAwsEgress, region: a.awsRegion };
            const path = (f: string) => (f === "region" ? at("awsRegion") : at(`eksAwsEgress.${f}`));
            for (const rule of rules) rule.check(egress, path);
        },
    };
}

/** Each host once, and no two hosts whose names collapse to the same object names. */
const hostsOnceAcrossServices: Refinement<Link> = {
    name: "each host once",
    check: (a, at) => {
        const hosts = a.services.map((s) => s.host);
        const first = new Map<string, number>();
        hosts.forEach((h, i) => {
            const j = first.get(h);
            if (j !== undefined)
                invalid(
                    at(`services[${i}].host`),
                    `"${h}" is listed twice (also services[${j}].host); list each host once.`,
                );
            first.set(h, i);
        });
        // Object and resource names replace dots with hyphens: two hosts must not collapse to one name.
        requireDistinctHostSlugs(at("services"), hosts, "object names");
    },
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
export function requireServiceTarget(at: string, s: LinkServiceArgs): void {
    if (!kindOf(s))
        invalid(
            `${at.replace(/\.$/, "")}.${TARGET_FIELDS[0]}`,
            `give exactly one of ${TARGET_FIELDS.map((f) => `\`${f}\``).join(" or ")}: \`lambda\` (crossmesh creates a function behind an internal ALB) or \`upstream\` (an existing internal HTTPS endpoint).`,
        );
}

/** The link's spec for a link named `name` (object names take part in some rules). */
export function linkSpec(name: string, rules: readonly Refinement<Link>[] = []) {
    return object(linkFields, {
        renamed: RENAMED_FIELDS,
        refine: [
            distinctProviders,
            hostsOnceAcrossServices,
            awsEgressRules(name),
            trustDomains,
            adoptedMeansUnused,
            ...rules,
        ],
    });
}

/** The link's settings without its providers: what a stack's config describes. */
export function linkSettingsSpec(name: string, rules: readonly Refinement<Link>[] = []) {
    const { eksProvider: _e, gkeProvider: _g, ...settings } = linkFields;
    void _e;
    void _g;
    return object(settings, {
        renamed: RENAMED_FIELDS,
        refine: [hostsOnceAcrossServices, awsEgressRules(name), trustDomains, adoptedMeansUnused, ...rules],
    });
}

holds<SameShape<CrossMeshLinkArgs, SpecArgs<ReturnType<typeof linkSpec>>>>();
