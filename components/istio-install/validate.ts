// Up-front checks of IstioInstallArgs, run before the component registers anything. Every check of a
// single value is a `require…` function, used here on what is plain at construction and again (by
// `resolveInstallSettings` in index.ts) on values that were Outputs, once they resolve: a late failure
// then fails the deployment instead of the constructor, the documented limit for Output inputs.
import * as pulumi from "@pulumi/pulumi";
import { requireKubernetesProvider } from "../common/kube";
export { requireTrustDomain } from "../common/identity";
import { requireTrustDomain } from "../common/identity";
import { invalid, known, knownArray, requireCidr, requireKubernetesName } from "../common/validation";
import { DEFAULT_ISTIO_VERSION, ISTIO_HELM_REPO, ISTIO_SYSTEM_NAMESPACE, MIN_ISTIO_MINOR, revisionOf } from "./charts";
import { requireImageRegistry, requireSecretNames } from "./client-pods";
import type { IstioInstallArgs } from "./args";
import { GatewayRole, OutboundTrafficPolicy, isEnumValue } from "../common/types";
import { validateExtraValues } from "./values";

/** What decides which resources exist; all must be plain values. */
export interface InstallPlan {
    adopt: boolean;
    gatewayRole: GatewayRole;
    strictMtls: boolean;
    /** Install only: the revision installed as current, and the revisions kept beside it (retainedVersions). */
    revision: string;
    retainedRevisions: string[];
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

/** The mesh root namespace of an adopted mesh (meshConfig.rootNamespace; Istio's default is istiod's namespace). */
export function requireMeshRootNamespace(path: string, namespace: string): void {
    requireKubernetesName(path, namespace);
}

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

export function requireOutboundTrafficPolicy(path: string, mode: string): void {
    if (!isEnumValue(OutboundTrafficPolicy, mode)) {
        invalid(
            path,
            `"${mode}" is not an outbound traffic policy; use "ALLOW_ANY" (default: sidecars pass unknown destinations through) or "REGISTRY_ONLY" (only hosts in the service registry, e.g. ServiceEntries, are reachable).`,
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

export function validateIstioInstallArgs(
    args: IstioInstallArgs,
    opts: pulumi.ComponentResourceOptions | undefined,
): InstallPlan {
    requireKubernetesProvider("IstioInstall", opts);

    const role = args.gatewayRole;
    if (role === undefined)
        invalid(
            "gatewayRole",
            `give the gateway's role: "ingress" (EKS: receives the link behind an NLB) or "egress" (GKE: originates the link, ClusterIP).`,
        );
    if (!known(role))
        invalid(
            "gatewayRole",
            "pass a plain string: the role decides which resources exist, so it must be known when the program runs.",
        );
    if (!isEnumValue(GatewayRole, role)) {
        invalid(
            "gatewayRole",
            `"${role}" is not a gateway role; use "ingress" (EKS: ingress gateway with an NLB) or "egress" (GKE: egress gateway, ClusterIP).`,
        );
    }
    if (args.adoptExisting !== undefined && !known(args.adoptExisting)) {
        invalid("adoptExisting", "pass a plain boolean: adopting or installing decides which resources exist.");
    }
    const adopt = args.adoptExisting === true;

    for (const field of ["version", "revision"] as const)
        if (args[field] !== undefined && typeof args[field] !== "string")
            invalid(field, "pass a plain string: the revision names the istiod release and its resource.");
    if (args.version !== undefined) requireIstioVersion("version", args.version);
    if (args.revision !== undefined) requireRevision("revision", args.revision);
    const revision = args.revision ?? revisionOf(args.version ?? DEFAULT_ISTIO_VERSION);
    if (known(args.trustDomain)) requireTrustDomain("trustDomain", args.trustDomain);
    if (known(args.outboundTrafficPolicy))
        requireOutboundTrafficPolicy("outboundTrafficPolicy", args.outboundTrafficPolicy);
    knownArray<string>(args.loadBalancerSourceRanges)?.forEach((cidr, i) => {
        if (known(cidr)) requireCidr(`loadBalancerSourceRanges[${i}]`, cidr);
    });
    if (role === "egress" && args.loadBalancerSourceRanges !== undefined) {
        invalid(
            "loadBalancerSourceRanges",
            "only the ingress role has a load balancer; the egress gateway's Service is ClusterIP. Remove loadBalancerSourceRanges.",
        );
    }

    if (args.strictMtls !== undefined && typeof args.strictMtls !== "boolean") {
        invalid("strictMtls", "pass a plain boolean: it decides whether the mesh-wide PeerAuthentication exists.");
    }
    if (args.meshRootNamespace !== undefined) {
        if (typeof args.meshRootNamespace !== "string")
            invalid(
                "meshRootNamespace",
                "pass a plain string: it names where the mesh-wide PeerAuthentication is created.",
            );
        requireMeshRootNamespace("meshRootNamespace", args.meshRootNamespace);
        if (args.strictMtls !== true)
            invalid(
                "meshRootNamespace",
                "is only used with strictMtls: true (it is where the mesh-wide PeerAuthentication goes); remove it or set strictMtls.",
            );
    }

    if (adopt) validateAdoption(args, role);
    else validateInstall(args, role);
    const retainedRevisions = adopt ? [] : requireRetainedVersions("retainedVersions", args.retainedVersions, revision);
    return { adopt, gatewayRole: role, strictMtls: args.strictMtls === true, revision, retainedRevisions };
}

/**
 * Versions whose istiod stays installed beside the current one (a canary upgrade): plain, valid, each of its own
 * revision and none the current one's. Returns their revisions, in order.
 */
export function requireRetainedVersions(path: string, versions: unknown, current: string): string[] {
    if (versions === undefined) return [];
    if (!Array.isArray(versions))
        invalid(path, 'pass a plain list of versions, e.g. ["1.29.2"] (the version installed before this one).');
    const seen = new Map<string, number>();
    return versions.map((v: unknown, i: number) => {
        if (typeof v !== "string") invalid(`${path}[${i}]`, 'pass a plain version string, e.g. "1.29.2".');
        requireIstioVersion(`${path}[${i}]`, v);
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
        return rev;
    });
}

function validateInstall(args: IstioInstallArgs, role: string): void {
    if (args.existingGateway !== undefined) {
        invalid(
            "existingGateway",
            "is only used with adoptExisting: true; set adoptExisting to adopt that gateway, or remove existingGateway to install Istio.",
        );
    }
    if (args.meshRootNamespace !== undefined && args.meshRootNamespace !== ISTIO_SYSTEM_NAMESPACE) {
        invalid(
            "meshRootNamespace",
            `crossmesh installs istiod in "${ISTIO_SYSTEM_NAMESPACE}", which is then the mesh root namespace; meshRootNamespace is for adopted meshes. Remove it.`,
        );
    }
    if (args.highAvailability !== undefined && typeof args.highAvailability !== "boolean") {
        invalid(
            "highAvailability",
            "pass a plain boolean: it decides whether PodDisruptionBudgets exist (true, the default: 2+ gateways and istiods; false: one of each, for a lab cluster).",
        );
    }
    if (args.chartRepository !== undefined) {
        if (typeof args.chartRepository !== "string")
            invalid("chartRepository", `pass a plain string, ${CHART_EXAMPLES}.`);
        requireChartRepository("chartRepository", args.chartRepository);
    }
    if (args.imageRegistry !== undefined) {
        if (typeof args.imageRegistry !== "string")
            invalid(
                "imageRegistry",
                'pass a plain string, e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub".',
            );
        requireImageRegistry("imageRegistry", args.imageRegistry);
    }
    if (args.imagePullSecrets !== undefined) {
        if (!Array.isArray(args.imagePullSecrets))
            invalid("imagePullSecrets", 'pass a plain list of Secret names, e.g. ["mirror-pull"].');
        requireSecretNames("imagePullSecrets", args.imagePullSecrets);
    }
    validateExtraValues("values", args.values, role);
    if (known(args.gatewayName)) requireGatewayName("gatewayName", args.gatewayName);
    if (known(args.gatewayNamespace)) requireGatewayNamespace("gatewayNamespace", args.gatewayNamespace);
}

function validateAdoption(args: IstioInstallArgs, role: string): void {
    // Settings of an install would be silently ignored for an adopted mesh: refuse them instead.
    const installOnly = [
        "outboundTrafficPolicy",
        "gatewayName",
        "gatewayNamespace",
        "loadBalancerSourceRanges",
        "highAvailability",
        "chartRepository",
        "imageRegistry",
        "imagePullSecrets",
        "values",
        "retainedVersions",
    ] as const;
    for (const field of installOnly) {
        if (args[field] !== undefined) {
            invalid(
                field,
                `applies only when crossmesh installs Istio; an adopted mesh keeps its own settings. Remove ${field}${field.startsWith("gateway") ? " and describe the adopted gateway in existingGateway" : ", or set it on your existing installation"}.`,
            );
        }
    }
    const gw = args.existingGateway;
    if (gw === undefined) {
        invalid(
            "existingGateway",
            "with adoptExisting, describe the running gateway: { namespace, selectorLabels, serviceName, serviceAccount } (kubectl get deploy,svc,sa -n <namespace> --show-labels).",
        );
    }
    for (const field of ["namespace", "serviceName", "serviceAccount"] as const) {
        if (gw[field] === undefined)
            invalid(`existingGateway.${field}`, `missing; give the adopted gateway's ${field}.`);
        const v = gw[field];
        if (known(v)) requireKubernetesName(`existingGateway.${field}`, v);
    }
    if (gw.selectorLabels === undefined || (known(gw.selectorLabels) && Object.keys(gw.selectorLabels).length === 0)) {
        invalid(
            "existingGateway.selectorLabels",
            'give the adopted gateway pods\' labels, e.g. { app: "istio-ingressgateway", istio: "ingressgateway" } (kubectl get pods -n <namespace> --show-labels); an empty selector would bind Gateways and policies to every proxy.',
        );
    }
    if (known(gw.loadBalancerServiceName))
        requireKubernetesName("existingGateway.loadBalancerServiceName", gw.loadBalancerServiceName);
    if (role === "egress" && gw.loadBalancerServiceName !== undefined) {
        invalid(
            "existingGateway.loadBalancerServiceName",
            "only an ingress gateway's load balancer is read; remove it for the egress role.",
        );
    }
    if (args.trustDomain === undefined) {
        invalid(
            "trustDomain",
            "give the adopted mesh's trust domain (meshConfig.trustDomain; Istio's default is \"cluster.local\"): the link's principals and SPIFFE ids are built from it.",
        );
    }
}
