// The whole link, checked before anything registers: the link's own rules, and every child component's
// validator run on exactly the args the link will give it, its field paths renamed to what the user
// wrote (`istioVersion`, not IstioInstall's `version`). Independent checks all run, so one `pulumi up`
// reports every problem at once.
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { awsEgressSpec } from "../aws-egress/spec";
import { problemsOf } from "../common/spec";
import {
    collectProblems,
    invalid,
    known,
    reportProblems,
    throwProblems,
    requireCidr,
    requireConcreteHostname,
    requireKubernetesName,
    requireUnique,
} from "../common/validation";
import { requireIstioVersion, validateIstioInstallArgs } from "../istio-install/validate";
import { validatePlacement } from "../istio-install/client-pods";
import { requirePublishedIstioVersion } from "../istio-install/releases";
import { validateLambdaFunctionArgs } from "../lambda-alb/validate";
import { requireDistinctHostSlugs, requireHostHeaderLength } from "../lambda-hosts-alb/validate";
import { validateLinkPkiArgs } from "../link-pki/validate";
import { validateMonitoring } from "../link-monitoring/validate";
import { requireTrustDomain } from "../common/identity";
import type { CrossMeshLinkArgs, LinkServiceArgs, LinkSettings } from "./args";
import { Side, istioFieldPath, istioInstallArgs } from "./steps/meshes";
import { linkPkiArgs, pkiFieldPath } from "./steps/pki";
import { LinkPlan, planLink } from "./steps/plan";
import { awsEgressFieldPath, eksAwsEgressArgs } from "./steps/routing";
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

function refuseRenamedFields(args: LinkSettings): void {
    for (const [old, renamed] of Object.entries(RENAMED_FIELDS)) {
        if (old in args)
            invalid(
                old,
                `renamed to ${renamed} in crossmesh 1.0 (it adopts a running gateway instead of installing Istio on that side); rename the field, its value stays the same.`,
            );
    }
}

/** Validates everything and returns the link's resolved plan; throws every problem found at once. */
export function validateCrossMeshLinkArgs(name: string, args: CrossMeshLinkArgs): LinkPlan {
    if (!args || typeof args !== "object")
        invalid("args", "give the link's settings: eksProvider, gkeProvider, eksClusterName and services.");
    reportProblems([() => requireProviders(args), () => validateLinkSettings(name, args)]);
    return planLink(name, args);
}

/**
 * Every check of the link's settings (all but the providers, which the link checks itself): what a
 * stack program runs on its config before it creates any provider.
 */
export function validateLinkSettings(name: string, args: LinkSettings): void {
    const own = collectProblems([
        () => refuseRenamedFields(args),
        () => {
            if (args.eksClusterName === undefined || args.eksClusterName === "")
                invalid("eksClusterName", 'name the EKS cluster whose VPC hosts the internal ALBs, e.g. "eks-lab5".');
        },
        () => requireServices(args.services),
        () => {
            if (args.istioVersion !== undefined) {
                requireIstioVersion("istioVersion", args.istioVersion);
                requirePublishedIstioVersion("istioVersion", args.istioVersion);
            }
        },
        () =>
            (Array.isArray(args.istio?.retainedVersions) ? args.istio.retainedVersions : []).forEach((v, i) => {
                if (typeof v === "string") requirePublishedIstioVersion(`istio.retainedVersions[${i}]`, v);
            }),
        () => {
            if (args.awsRegion !== undefined) requireAwsRegion("awsRegion", args.awsRegion);
        },
        () => {
            if (args.eksAwsEgress && args.awsRegion === undefined)
                invalid(
                    "awsRegion",
                    'give the AWS region of the EKS cluster (e.g. "eu-west-1"): eksAwsEgress allows that region\'s API endpoints.',
                );
        },
        () => requireTrustDomains(args),
        () => args.consumerEgressCidrs?.forEach((c, i) => requireCidr(`consumerEgressCidrs[${i}]`, c)),
        () => {
            if (
                args.eksExistingGateway &&
                args.consumerEgressCidrs !== undefined &&
                args.consumerEgressCidrs.length > 0
            ) {
                invalid(
                    "consumerEgressCidrs",
                    "with an adopted EKS gateway (eksExistingGateway) crossmesh does not own its load balancer Service, so these ranges would be ignored; set loadBalancerSourceRanges on that Service yourself and remove consumerEgressCidrs.",
                );
            }
        },
        () => {
            if (args.eksExistingGateway && args.gkeExistingGateway && args.registryOnly) {
                invalid(
                    "registryOnly",
                    "both meshes are adopted, so crossmesh installs no Istio to configure; set outboundTrafficPolicy in your own installs and remove registryOnly.",
                );
            }
        },
        () => {
            if (args.eksExistingGateway && args.gkeExistingGateway && args.istio !== undefined) {
                invalid(
                    "istio",
                    "both meshes are adopted, so crossmesh installs no Istio these settings could apply to; remove istio.",
                );
            }
        },
        () => validatePlacement("podPlacement", args.podPlacement),
        () => validateMonitoring("monitoring", args.monitoring),
    ]);
    // A child reports a field the link already refused in its own words (e.g. a duplicate host is also
    // a duplicate certificate SAN): keep the link's message only.
    const rootOf = (path: string) => path.split(/[.[]/)[0];
    const refused = new Set(own.map((p) => rootOf(p.propertyPath)));
    const children = collectProblems([() => validateChildren(name, args)]).filter(
        (p) => !refused.has(rootOf(p.propertyPath)),
    );
    throwProblems([...own, ...children]);
}

function validateChildren(name: string, args: LinkSettings): void {
    const plan = planLink(name, args);
    // Each child checks its own args, on exactly what the link will pass it, with paths renamed to what
    // the user wrote. The children's provider checks are the link's own (eksProvider, gkeProvider).
    const sides: Side[] = ["eks", "gke"];
    reportProblems([
        ...sides.map(
            (side) => () =>
                reportProblems(
                    [() => validateIstioInstallArgs(istioInstallArgs(side, args, plan), CHECKED_BY_THE_LINK)],
                    (p) => istioFieldPath(side, p),
                ),
        ),
        () => reportProblems([() => validateLinkPkiArgs(linkPkiArgs(args, plan))], pkiFieldPath),
        () => {
            const awsEgress = eksAwsEgressArgs(args);
            if (awsEgress)
                reportProblems(
                    [() => throwProblems(problemsOf(awsEgressSpec(`${name}-eks-aws-egress`), awsEgress))],
                    awsEgressFieldPath,
                );
        },
    ]);
}

/**
 * Options for a child's validator when the link has checked the provider already: a stand-in the
 * children's provider check recognises as a kubernetes provider (the real one is eksProvider/gkeProvider).
 */
const CHECKED_BY_THE_LINK = {
    provider: { __pulumiResource: true, __pulumiCustomResource: true, getPackage: () => "kubernetes" },
} as unknown as pulumi.ComponentResourceOptions;

function requireProviders(args: CrossMeshLinkArgs): void {
    reportProblems([
        () => {
            if (!args.eksProvider)
                invalid(
                    "eksProvider",
                    "pass the kubernetes.Provider of the EKS cluster (crossmesh never uses an ambient kubeconfig).",
                );
        },
        () => {
            if (!args.gkeProvider)
                invalid(
                    "gkeProvider",
                    "pass the kubernetes.Provider of the GKE cluster (crossmesh never uses an ambient kubeconfig).",
                );
        },
        () => {
            if (args.eksProvider && args.eksProvider === args.gkeProvider) {
                invalid(
                    "gkeProvider",
                    "is the same provider as eksProvider; the link joins two separate clusters, give each its own provider.",
                );
            }
        },
    ]);
}

function requireServices(services: LinkServiceArgs[] | undefined): void {
    if (!Array.isArray(services) || services.length === 0) {
        invalid(
            "services",
            'list at least one exported service, e.g. [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }].',
        );
    }
    reportProblems([
        ...services.map((s, i) => () => requireService(`services[${i}]`, s)),
        () => {
            requireUnique(
                "services[].host",
                services.map((s) => s.host),
            );
            // Object and resource names replace dots with hyphens: two hosts must not collapse to one name.
            requireDistinctHostSlugs(
                "services",
                services.map((s) => s.host),
                "object names",
            );
        },
    ]);
}

function requireService(at: string, s: LinkServiceArgs): void {
    reportProblems([
        () => requireConcreteHostname(`${at}.host`, s.host),
        () => {
            if (!kindOf(s)) {
                invalid(
                    `${at}.${TARGET_FIELDS[0]}`,
                    `give exactly one of ${TARGET_FIELDS.map((f) => `\`${f}\``).join(" or ")}: \`lambda\` (crossmesh creates a function behind an internal ALB) or \`upstream\` (an existing internal HTTPS endpoint).`,
                );
            }
        },
        () => {
            if (s.upstream && known(s.upstream.hostname))
                requireConcreteHostname(`${at}.upstream.hostname`, s.upstream.hostname);
        },
        () => {
            if (s.lambda) {
                validateLambdaFunctionArgs(s.lambda, `${at}.lambda.`);
                requireHostHeaderLength(`${at}.host`, s.host, "the shared ALB routes it by a host-header rule, which");
            }
        },
        () => {
            if (!Array.isArray(s.allowedSources) || s.allowedSources.length === 0) {
                invalid(
                    `${at}.allowedSources`,
                    'list who may call this host, e.g. [{ namespace: "shop", serviceAccount: "checkout" }]; nothing else can.',
                );
            }
        },
        ...(Array.isArray(s.allowedSources) ? s.allowedSources : []).map((src, j) => () => {
            if (known(src.namespace)) requireKubernetesName(`${at}.allowedSources[${j}].namespace`, src.namespace);
            if (known(src.serviceAccount))
                requireKubernetesName(`${at}.allowedSources[${j}].serviceAccount`, src.serviceAccount);
        }),
    ]);
}

function requireTrustDomains(args: LinkSettings): void {
    reportProblems([
        () => {
            if (args.eksTrustDomain !== undefined) requireTrustDomain("eksTrustDomain", args.eksTrustDomain);
        },
        () => {
            if (args.gkeTrustDomain !== undefined) requireTrustDomain("gkeTrustDomain", args.gkeTrustDomain);
        },
        () => {
            if (args.gkeTrustDomain === "cluster.local") {
                invalid(
                    "gkeTrustDomain",
                    args.gkeExistingGateway
                        ? '"cluster.local" cannot name the GKE mesh across the link: Istio rewrites cluster.local principals to the local mesh\'s own trust domain, so the EKS gateway could not tell the GKE gateway apart. An adopted mesh must run a distinct trust domain: move it first (meshConfig.trustDomain, with trustDomainAliases: ["cluster.local"] while its workloads restart — Istio\'s trust-domain migration), then give that domain here, e.g. "gke.example.org".'
                        : '"cluster.local" cannot name the GKE mesh across the link: Istio rewrites cluster.local principals to the local mesh\'s own trust domain, so the EKS gateway could not tell the GKE gateway apart. Use a distinct domain, e.g. "gke.example.org" (crossmesh installs the GKE mesh with it).',
                );
            }
        },
        () => {
            if (args.eksTrustDomain !== undefined && args.eksTrustDomain === args.gkeTrustDomain) {
                invalid(
                    "gkeTrustDomain",
                    `equals eksTrustDomain ("${args.eksTrustDomain}"); the two meshes share no root of trust, give each its own trust domain.`,
                );
            }
        },
    ]);
}
