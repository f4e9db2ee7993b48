// IstioInstall's spec: every field, its type, default and checks, and the cross-field rules, declared once.
// What decides which resources exist or names them is plain (the role, install or adopt, the version and
// revision, the mirrors, the chart values); the mesh's names and policy may be Outputs (checked when known,
// by `later`). CrossMeshLink picks its `istio` settings from `istioInstallFields` and adopted gateways from
// `existingGatewayFields`; the pod placement is `podPlacementFields` (client-pods.ts).
import { invalid, requireCidr, requireKubernetesName, throwProblems, type Problem } from "../common/validation";
import { requireTrustDomain } from "../common/identity";
import { GatewayExposure, GatewayRole, OutboundTrafficPolicy } from "../common/types";
import { requireAwsTags } from "../common/tags";
import {
    boolean,
    holds,
    list,
    object,
    oneOf,
    opaque,
    problemsFrom,
    record,
    string,
    valueOr,
    type Refinement,
    type SameShape,
    type SpecArgs,
} from "../common/spec";
import {
    DEFAULT_ISTIO_VERSION,
    ISTIO_HELM_REPO,
    ISTIO_SYSTEM_NAMESPACE,
    MIN_ISTIO_MINOR,
    revisionOf,
    type ExtraChartValues,
} from "./charts";
import { requireImageRegistry, requireSecretName } from "./client-pods";
import { requireChartValues, requireUnownedValues } from "./values";
import type { ExistingGatewayArgs, IstioInstallArgs } from "./args";

// ---- single-value rules ----------------------------------------------------------------------------------

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

export function requireIstioVersion(path: string, version: string): void {
    const m = VERSION.exec(version);
    if (!m) {
        invalid(
            path,
            `"${version}" is not an Istio release version; write MAJOR.MINOR.PATCH without a "v" or suffix, e.g. "1.30.3" (a chart version in ${ISTIO_HELM_REPO}).`,
        );
    }
    if (Number(m[1]) !== 1 || Number(m[2]) < MIN_ISTIO_MINOR) {
        invalid(
            path,
            `Istio ${version} is not supported: crossmesh needs 1.${MIN_ISTIO_MINOR}.0 or newer (DNS proxying relies on address auto-allocation, on by default since 1.25). Use e.g. "1.30.3".`,
        );
    }
}

export function requireRevision(path: string, revision: string): void {
    requireKubernetesName(path, revision);
    if (revision === "default") {
        invalid(
            path,
            `"default" is Istio's revision tag for the default injector, not a revision name; use a name such as "1-30".`,
        );
    }
}

/** A Helm release name is a Kubernetes name of at most 53 characters. */
export function requireGatewayName(path: string, name: string): void {
    requireKubernetesName(path, name);
    if (name.length > 53)
        invalid(
            path,
            `"${name}" is ${name.length} characters; the gateway name is also its Helm release name, which Helm limits to 53.`,
        );
}

export function requireGatewayNamespace(path: string, namespace: string): void {
    requireKubernetesName(path, namespace);
    if (namespace === ISTIO_SYSTEM_NAMESPACE) {
        invalid(
            path,
            `the gateway gets its own namespace (Istio's recommendation: its credential secrets then stay apart from the control plane); use e.g. "istio-ingress" or "istio-egress".`,
        );
    }
}

const CHART_EXAMPLES = `e.g. "https://charts.example.internal/istio" (a Helm repository serving base, istiod and gateway) or "oci://123456789012.dkr.ecr.eu-west-1.amazonaws.com/istio-charts" (an OCI registry holding <prefix>/base, <prefix>/istiod and <prefix>/gateway)`;

/**
 * Where the three charts come from: an HTTPS Helm repository (its index.yaml lists base, istiod and
 * gateway) or an `oci://` prefix under which they are pushed. Plain HTTP is refused (charts are code
 * run with cluster-admin rights), and so are credentials in the URL (they would be stored in the state).
 */
export function requireChartRepository(path: string, repository: string): void {
    let url: URL;
    try {
        url = new URL(repository);
    } catch {
        return invalid(path, `"${repository}" is not a URL; ${CHART_EXAMPLES}.`);
    }
    if (url.protocol !== "https:" && url.protocol !== "oci:") {
        invalid(
            path,
            `"${repository}" uses ${url.protocol.replace(/:$/, "")}; charts must come over https:// or from an oci:// registry (they are installed with cluster-admin rights), ${CHART_EXAMPLES}.`,
        );
    }
    if (!url.host) invalid(path, `"${repository}" names no host; ${CHART_EXAMPLES}.`);
    if (url.username || url.password)
        invalid(
            path,
            `"${repository}" carries credentials, which would be stored in the Pulumi state in clear; log Helm in to the registry instead (helm registry login, or the cloud's credential helper).`,
        );
    if (url.search || url.hash)
        invalid(path, `"${repository}" has a query or fragment; give the repository's base URL, ${CHART_EXAMPLES}.`);
    if (url.protocol === "oci:") {
        const last = url.pathname.split("/").pop() ?? "";
        if (/[:@]/.test(last))
            invalid(
                path,
                `"${repository}" has a tag or digest; give the prefix the charts live under (crossmesh appends /base, /istiod, /gateway and pins the version itself).`,
            );
        if (["base", "istiod", "gateway"].includes(last))
            invalid(
                path,
                `"${repository}" ends in a chart name; give the prefix the charts live under (crossmesh appends /base, /istiod and /gateway).`,
            );
    }
}

/**
 * Versions whose istiod stays installed beside the current revision's (a canary upgrade): each of its own
 * revision and none the current one's. `path` is the list's (the link's is istio.retainedVersions).
 */
export function requireRetainedRevisions(path: string, versions: readonly string[], current: string): void {
    const seen = new Map<string, number>();
    versions.forEach((v, i) => {
        const rev = revisionOf(v);
        if (rev === current)
            invalid(
                `${path}[${i}]`,
                `"${v}" is revision ${rev}, the one being installed: a retained version is the one running before (another minor); remove it.`,
            );
        if (seen.has(rev))
            invalid(
                `${path}[${i}]`,
                `"${v}" is revision ${rev}, like ${path}[${seen.get(rev)}]; keep one version per revision.`,
            );
        seen.set(rev, i);
    });
}

// ---- fields -----------------------------------------------------------------------------------------------

const gatewayPart = (field: string) => string().input().required(`missing; give the adopted gateway's ${field}.`);
const SELECTOR_FIX =
    'give the adopted gateway pods\' labels, e.g. { app: "istio-ingressgateway", istio: "ingressgateway" } (kubectl get pods -n <namespace> --show-labels); an empty selector would bind Gateways and policies to every proxy.';

/** A running gateway to adopt (IstioInstall's `existingGateway`, the link's `eksExistingGateway`/`gkeExistingGateway`). */
export const existingGatewayFields = {
    namespace: gatewayPart("namespace").check(requireKubernetesName),
    selectorLabels: record(string().input())
        .input()
        .required(SELECTOR_FIX)
        .check((path, labels) => {
            if (Object.keys(labels).length === 0) invalid(path, SELECTOR_FIX);
        }),
    serviceName: gatewayPart("serviceName").check(requireKubernetesName),
    serviceAccount: gatewayPart("serviceAccount").check(requireKubernetesName),
    loadBalancerServiceName: string().input().optional().check(requireKubernetesName),
};

/** An egress gateway has no load balancer to read. */
export const egressReadsNoLoadBalancer: Refinement<Pick<ExistingGatewayArgs, "loadBalancerServiceName">> = {
    name: "an egress gateway has no load balancer",
    check: (gw, at) => {
        if (gw.loadBalancerServiceName !== undefined)
            invalid(
                at("loadBalancerServiceName"),
                "only an ingress gateway's load balancer is read; remove it for the egress role.",
            );
    },
};

/** An adopted gateway of a known role (the link's eksExistingGateway is "ingress", gkeExistingGateway "egress"). */
export function existingGatewaySpec(role?: GatewayRole) {
    return object(existingGatewayFields, {
        what: "{ namespace, selectorLabels, serviceName, serviceAccount, loadBalancerServiceName? }",
        refine: role === "egress" ? [egressReadsNoLoadBalancer] : [],
    });
}

const NAMES_RELEASE = "it names the istiod release and its resource";

/**
 * The chart values of an install (`values`, the link's istio.eksValues/gkeValues): plain data over the three
 * charts. With `role`, the keys crossmesh owns for that role are refused too (IstioInstall checks them by its
 * `gatewayRole`, in `ownedValuesUntouched`).
 */
export function extraValuesField(role?: GatewayRole) {
    const field = opaque<ExtraChartValues>("chart values")
        .optional()
        .plain(
            "which keys of the plain object { base?, istiod?, gateway? } are set decides what Helm renders, and crossmesh checks them before anything is created",
        )
        .check(requireChartValues);
    return role === undefined ? field : field.check((path, values) => requireUnownedValues(path, values, role));
}

/** IstioInstall's fields, for CrossMeshLink to pick (its `istio` group: highAvailability, the mirrors, retainedVersions). */
export const istioInstallFields = {
    gatewayRole: oneOf(GatewayRole, "gateway role", {
        ingress: "EKS: ingress gateway with an NLB",
        egress: "GKE: egress gateway, ClusterIP",
    })
        .required(
            `give the gateway's role: "ingress" (EKS: receives the link behind an NLB) or "egress" (GKE: originates the link, ClusterIP).`,
        )
        .plain("the role decides which resources exist, so it must be known when the program runs"),
    version: string().default(DEFAULT_ISTIO_VERSION).plain(NAMES_RELEASE).check(requireIstioVersion),
    revision: string().optional().plain(NAMES_RELEASE).check(requireRevision),
    retainedVersions: list(string().plain(NAMES_RELEASE).check(requireIstioVersion), {
        what: 'versions, e.g. ["1.29.2"] (the version installed before this one)',
    })
        .optional()
        .plain("each version names an istiod release and its resource"),
    trustDomain: string().input().optional().check(requireTrustDomain),
    outboundTrafficPolicy: oneOf(
        OutboundTrafficPolicy,
        "outbound traffic policy",
        {},
        (mode) =>
            `"${mode}" is not an outbound traffic policy; use "ALLOW_ANY" (default: sidecars pass unknown destinations through) or "REGISTRY_ONLY" (only hosts in the service registry, e.g. ServiceEntries, are reachable).`,
    )
        .input()
        .default(OutboundTrafficPolicy.AllowAny),
    gatewayName: string().input().optional().check(requireGatewayName),
    gatewayNamespace: string().input().optional().check(requireGatewayNamespace),
    loadBalancerSourceRanges: list(string().input().check(requireCidr), {
        what: 'CIDR blocks, e.g. ["203.0.113.0/24"]',
    })
        .input()
        .optional(),
    exposure: oneOf(GatewayExposure, "gateway exposure", {
        internet: "an internet-facing NLB, narrowed by loadBalancerSourceRanges",
        internal: "an internal NLB in the cluster's private subnets, for clouds joined by a VPN or an Interconnect",
    })
        .default(GatewayExposure.Internet)
        .plain(
            "it decides the NLB's scheme (annotations crossmesh shows in the preview), which a live NLB cannot change",
        ),
    loadBalancerTags: record(string())
        .optional()
        .plain("the tags are written into the Service's annotations, part of what the preview shows")
        .check(requireAwsTags),
    adoptExisting: boolean().default(false).plain("adopting or installing decides which resources exist"),
    existingGateway: existingGatewaySpec().optional(),
    highAvailability: boolean()
        .default(true)
        .plain(
            "it decides whether PodDisruptionBudgets exist (true, the default: 2+ gateways and istiods; false: one of each, for a lab cluster)",
        ),
    chartRepository: string().default(ISTIO_HELM_REPO).check(requireChartRepository),
    imageRegistry: string().optional().check(requireImageRegistry),
    imagePullSecrets: list(string().check(requireSecretName), {
        unique: (name) => name,
        what: 'Secret names, e.g. ["mirror-pull"]',
    }).optional(),
    values: extraValuesField(),
    strictMtls: boolean().default(false).plain("it decides whether the mesh-wide PeerAuthentication exists"),
    meshRootNamespace: string()
        .default(ISTIO_SYSTEM_NAMESPACE)
        .plain("it names where the mesh-wide PeerAuthentication is created")
        .check(requireKubernetesName),
};

// ---- cross-field rules ------------------------------------------------------------------------------------

type Args = IstioInstallArgs;

/** The revision an install makes current: `revision`, or the version's ("1.30.3" → "1-30"). */
export function installRevision(a: Pick<Args, "version" | "revision">): string {
    return a.revision ?? revisionOf(valueOr(istioInstallFields.version, a.version));
}

/** Only the ingress role has a load balancer (an adopted mesh is told by `installOnlySettings`). */
export const sourceRangesNeedIngress: Refinement<
    Pick<Args, "gatewayRole" | "adoptExisting" | "loadBalancerSourceRanges">
> = {
    name: "source ranges need the ingress role",
    check: (a, at) => {
        if (a.gatewayRole === "egress" && !a.adoptExisting && a.loadBalancerSourceRanges !== undefined)
            invalid(
                at("loadBalancerSourceRanges"),
                "only the ingress role has a load balancer; the egress gateway's Service is ClusterIP. Remove loadBalancerSourceRanges.",
            );
    },
};

/** The load balancer's settings are the ingress role's (an adopted mesh is told by `installOnlySettings`). */
export const loadBalancerNeedsIngress: Refinement<
    Pick<Args, "gatewayRole" | "adoptExisting" | "exposure" | "loadBalancerTags">
> = {
    name: "load balancer settings need the ingress role",
    check: (a, at) => {
        if (a.gatewayRole !== "egress" || a.adoptExisting) return;
        throwProblems(
            (["exposure", "loadBalancerTags"] as const)
                .filter((f) => a[f] !== undefined)
                .map((f): Problem => ({
                    propertyPath: at(f),
                    reason: `only the ingress role has a load balancer; the egress gateway's Service is ClusterIP. Remove ${f}.`,
                })),
        );
    },
};

/**
 * An internal NLB admits only its own VPC unless told otherwise (the AWS Load Balancer Controller's default source
 * range for the internal scheme is the VPC CIDR), so the other cloud's private ranges must be given.
 */
export const internalNeedsSourceRanges: Refinement<
    Pick<Args, "gatewayRole" | "adoptExisting" | "exposure" | "loadBalancerSourceRanges">
> = {
    name: "an internal load balancer names who may connect",
    check: (a, at) => {
        if (a.gatewayRole !== "ingress" || a.adoptExisting || a.exposure !== GatewayExposure.Internal) return;
        const ranges = a.loadBalancerSourceRanges;
        if (ranges === undefined || (Array.isArray(ranges) && ranges.length === 0))
            invalid(
                at("loadBalancerSourceRanges"),
                'an internal NLB admits only its own VPC unless given source ranges; list the importing cluster\'s private CIDRs as they arrive over the VPN or Interconnect (its pod and node ranges, e.g. ["10.8.0.0/14", "10.10.0.0/20"]).',
            );
    },
};

/** meshRootNamespace goes with strictMtls, and names another namespace than istio-system only for an adopted mesh. */
export const meshRootNamespaceUse: Refinement<Pick<Args, "meshRootNamespace" | "strictMtls" | "adoptExisting">> = {
    name: "the mesh root namespace is for STRICT mTLS on an adopted mesh",
    check: (a, at) => {
        if (a.meshRootNamespace === undefined) return;
        if (a.strictMtls !== true)
            invalid(
                at("meshRootNamespace"),
                "is only used with strictMtls: true (it is where the mesh-wide PeerAuthentication goes); remove it or set strictMtls.",
            );
        if (!a.adoptExisting && a.meshRootNamespace !== ISTIO_SYSTEM_NAMESPACE)
            invalid(
                at("meshRootNamespace"),
                `crossmesh installs istiod in "${ISTIO_SYSTEM_NAMESPACE}", which is then the mesh root namespace; meshRootNamespace is for adopted meshes. Remove it.`,
            );
    },
};

/** Settings of an install would be silently ignored for an adopted mesh: they are refused instead. */
export const INSTALL_ONLY = [
    "outboundTrafficPolicy",
    "gatewayName",
    "gatewayNamespace",
    "loadBalancerSourceRanges",
    "exposure",
    "loadBalancerTags",
    "highAvailability",
    "chartRepository",
    "imageRegistry",
    "imagePullSecrets",
    "values",
    "retainedVersions",
] as const;

export const installOnlySettings: Refinement<Pick<Args, "adoptExisting" | (typeof INSTALL_ONLY)[number]>> = {
    name: "install settings only when installing",
    check: (a, at) => {
        if (!a.adoptExisting) return;
        throwProblems(
            INSTALL_ONLY.filter((field) => a[field] !== undefined).map((field): Problem => ({
                propertyPath: at(field),
                reason: `applies only when crossmesh installs Istio; an adopted mesh keeps its own settings. Remove ${field}${field.startsWith("gateway") ? " and describe the adopted gateway in existingGateway" : ", or set it on your existing installation"}.`,
            })),
        );
    },
};

/** An adopted mesh is described (its gateway, its trust domain); an installed one has no existingGateway. */
export const adoptionDescribed: Refinement<
    Pick<Args, "adoptExisting" | "existingGateway" | "trustDomain" | "gatewayRole">
> = {
    name: "an adopted mesh is described, an installed one is not",
    check: (a, at) => {
        if (!a.adoptExisting) {
            if (a.existingGateway !== undefined)
                invalid(
                    at("existingGateway"),
                    "is only used with adoptExisting: true; set adoptExisting to adopt that gateway, or remove existingGateway to install Istio.",
                );
            return;
        }
        const problems: Problem[] = [];
        if (a.existingGateway === undefined)
            problems.push({
                propertyPath: at("existingGateway"),
                reason: "with adoptExisting, describe the running gateway: { namespace, selectorLabels, serviceName, serviceAccount } (kubectl get deploy,svc,sa -n <namespace> --show-labels).",
            });
        else if (a.gatewayRole === "egress")
            problems.push(
                ...problemsFrom(() =>
                    egressReadsNoLoadBalancer.check(a.existingGateway!, (f) => at(`existingGateway.${f}`)),
                ),
            );
        if (a.trustDomain === undefined)
            problems.push({
                propertyPath: at("trustDomain"),
                reason: "give the adopted mesh's trust domain (meshConfig.trustDomain; Istio's default is \"cluster.local\"): the link's principals and SPIFFE ids are built from it.",
            });
        throwProblems(problems);
    },
};

/** Each retained version is another revision than the one installed, one version per revision. */
export const retainedVersionsBeside: Refinement<
    Pick<Args, "adoptExisting" | "version" | "revision" | "retainedVersions">
> = {
    name: "retained versions are other revisions",
    check: (a, at) => {
        if (!a.adoptExisting)
            requireRetainedRevisions(at("retainedVersions"), a.retainedVersions ?? [], installRevision(a));
    },
};

/** Chart values leave alone the keys crossmesh owns for the role (see values.ts). */
export const ownedValuesUntouched: Refinement<Pick<Args, "adoptExisting" | "gatewayRole" | "values">> = {
    name: "chart values leave crossmesh's keys alone",
    check: (a, at) => {
        if (!a.adoptExisting && a.values !== undefined) requireUnownedValues(at("values"), a.values, a.gatewayRole);
    },
};

/** IstioInstall's cross-field rules (CrossMeshLink runs them per side, on its own paths). */
export const istioInstallRules = [
    sourceRangesNeedIngress,
    loadBalancerNeedsIngress,
    internalNeedsSourceRanges,
    meshRootNamespaceUse,
    installOnlySettings,
    adoptionDescribed,
    retainedVersionsBeside,
    ownedValuesUntouched,
] as const;

export const istioInstallSpec = object(istioInstallFields, { refine: istioInstallRules });

holds<SameShape<IstioInstallArgs, SpecArgs<typeof istioInstallSpec>>>();

/** What decides which resources exist, from checked args: all plain. */
export interface ResolvedInstall {
    adopt: boolean;
    gatewayRole: GatewayRole;
    strictMtls: boolean;
    /** Install only: the version and revision installed as current, and the revisions kept beside it (retainedVersions). */
    version: string;
    revision: string;
    retainedRevisions: string[];
}

export function resolveInstall(a: Args): ResolvedInstall {
    const adopt = valueOr(istioInstallFields.adoptExisting, a.adoptExisting);
    return {
        adopt,
        gatewayRole: a.gatewayRole,
        strictMtls: valueOr(istioInstallFields.strictMtls, a.strictMtls),
        version: valueOr(istioInstallFields.version, a.version),
        revision: installRevision(a),
        retainedRevisions: adopt ? [] : (a.retainedVersions ?? []).map(revisionOf),
    };
}
