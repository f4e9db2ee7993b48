// Pure builders for the three official Istio Helm charts (base, istiod, gateway): plain values objects
// from plain settings, so tests (and `pulumi preview`) see exactly what Helm receives. Value names are
// those of the charts in istio/istio `manifests/charts/{base,istio-control/istio-discovery,gateway}`.
import {
    GatewayRole as GatewayRoleEnum,
    OutboundTrafficPolicy as OutboundTrafficPolicyEnum,
    enumValues,
    type GatewayRole,
    type OutboundTrafficPolicy,
} from "../common/types";

/** The official chart repository; fixed, so a release can only come from Istio's own charts. */
export const ISTIO_HELM_REPO = "https://istio-release.storage.googleapis.com/charts";

/** Newest Istio release known to crossmesh; overridable with `version`. */
export const DEFAULT_ISTIO_VERSION = "1.30.3";

/** Oldest minor crossmesh installs: DNS proxying relies on address auto-allocation, on by default since 1.25. */
export const MIN_ISTIO_MINOR = 25;

/** The control plane's namespace: every chart defaults `global.istioNamespace` to it. */
export const ISTIO_SYSTEM_NAMESPACE = "istio-system";

/** Helm release names of the control plane (the gateway release is named after the gateway). */
export const BASE_RELEASE = "istio-base";
/**
 * istiod's release is named per revision ("istiod-1-30"), as Istio's canary upgrades name theirs: a new
 * revision is a new release, installed beside the running one, which is removed once everything moved.
 */
export function istiodReleaseName(revision: string): string {
    return `istiod-${revision}`;
}

/** @deprecated Use the `GatewayRole` enum (`Object.values(GatewayRole)`). */
export const GATEWAY_ROLES: GatewayRole[] = enumValues(GatewayRoleEnum);
/** @deprecated Use the `OutboundTrafficPolicy` enum. */
export const OUTBOUND_TRAFFIC_POLICIES: OutboundTrafficPolicy[] = enumValues(OutboundTrafficPolicyEnum);

/** Name and namespace of the gateway per role when the user does not override them. */
export const ROLE_DEFAULTS: Record<string, { gatewayName: string; gatewayNamespace: string }> = {
    ingress: { gatewayName: "istio-ingressgateway", gatewayNamespace: "istio-ingress" },
    egress: { gatewayName: "istio-egressgateway", gatewayNamespace: "istio-egress" },
};

/** The three charts crossmesh installs, by the name they have in the repository. */
export type IstioChart = "base" | "istiod" | "gateway";
export const ISTIO_CHARTS: readonly IstioChart[] = ["base", "istiod", "gateway"];

/**
 * Helm values: free-form data. Typed `any`, not `unknown`, because the component provider host maps `any`
 * to the schema's `pulumi.json#/Any` (what Python, Go and YAML users pass a dict/map to) and refuses `unknown`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HelmValues = Record<string, any>;

/** Extra values per chart, deep-merged over crossmesh's (see values.ts for the keys crossmesh owns). */
export interface ExtraChartValues {
    base?: HelmValues;
    istiod?: HelmValues;
    gateway?: HelmValues;
}

/** Everything the builders need, resolved and validated. */
export interface InstallSettings {
    /** "ingress" or "egress". */
    gatewayRole: string;
    version: string;
    revision: string;
    trustDomain: string;
    /** "ALLOW_ANY" or "REGISTRY_ONLY". */
    outboundTrafficPolicy: string;
    gatewayName: string;
    gatewayNamespace: string;
    /** CIDRs allowed to reach the ingress load balancer; empty means unrestricted. */
    loadBalancerSourceRanges: string[];
    /** Two or more gateways and istiods, PDBs and zone/node spread (production); false: one of each (lab). */
    highAvailability: boolean;
    /** Where the charts come from: an HTTPS Helm repository or an `oci://` prefix holding base, istiod and gateway. */
    chartRepository: string;
    /** A mirror of docker.io (e.g. an ECR pull-through cache): Istio's images come from `<imageRegistry>/istio`. */
    imageRegistry?: string;
    /** Names of image pull Secrets for the mirror, in every namespace where Istio runs pods. */
    imagePullSecrets: string[];
    /** The user's own chart values, merged over crossmesh's by `chartValues`. */
    extraValues: ExtraChartValues;
    /** Versions whose istiod stays installed beside this one's (a canary upgrade), in the order given. */
    retainedVersions: string[];
}

/**
 * How a Release names its chart. A Helm repository: the chart's name plus `repositoryOpts.repo`. An OCI
 * registry: the full `oci://…/<chart>` reference as the chart and no repositoryOpts (Helm resolves OCI
 * references itself; `repositoryOpts.repo` is only for index-based HTTP repositories).
 */
export function chartReference(
    chart: IstioChart,
    repository: string,
): { chart: string; repositoryOpts?: { repo: string } } {
    const repo = repository.replace(/\/+$/, "");
    return repo.startsWith("oci://") ? { chart: `${repo}/${chart}` } : { chart, repositoryOpts: { repo } };
}

/** "1.30.3" → "1-30": one revision per minor, so patch upgrades stay in place (same revision). */
export function revisionOf(version: string): string {
    const [major, minor] = version.split(".");
    return `${major}-${minor}`;
}

/**
 * Default trust domain of an installed mesh, by the gateway's role: "eks.crossmesh.local" for the
 * exporting (ingress) mesh, "gke.crossmesh.local" for the importing (egress) mesh. Never from the
 * component's name, so renaming the Pulumi resource (with `aliases`) leaves the mesh's SPIFFE identity
 * alone; CrossMeshLink's and LinkPki's defaults are the same two values, so standalone defaults agree.
 */
export const DEFAULT_TRUST_DOMAINS: Record<GatewayRole, string> = {
    ingress: "eks.crossmesh.local",
    egress: "gke.crossmesh.local",
};
export const DEFAULT_EKS_TRUST_DOMAIN = DEFAULT_TRUST_DOMAINS.ingress;
export const DEFAULT_GKE_TRUST_DOMAIN = DEFAULT_TRUST_DOMAINS.egress;

/** Minimum and maximum replicas of each gateway and of istiod with highAvailability (the HPA's bounds). */
export const HA_MIN_REPLICAS = 2;
export const HA_MAX_REPLICAS = 5;

/** What the gateway pods ask the scheduler for: the chart's own defaults, stated so they show in previews. */
export const GATEWAY_RESOURCE_REQUESTS = { cpu: "100m", memory: "128Mi" };

/**
 * Spread over zones first, then nodes. `ScheduleAnyway` makes it a preference: a one-zone cluster or a
 * single node still schedules every replica, while a multi-zone cluster loses at most one gateway per zone
 * outage. `matchLabelKeys: [pod-template-hash]` counts only the pods of the current ReplicaSet, so a rollout
 * does not skew against the old pods.
 */
export function spreadConstraints(podLabels: Record<string, string>): Record<string, unknown>[] {
    return ["topology.kubernetes.io/zone", "kubernetes.io/hostname"].map((topologyKey) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { ...podLabels } },
        matchLabelKeys: ["pod-template-hash"],
    }));
}

/** `global.imagePullSecrets` of the base and istiod charts: a list of Secret names. */
function globalImageValues(s: InstallSettings, withHub: boolean): Record<string, unknown> {
    const global: Record<string, unknown> = {};
    if (withHub && s.imageRegistry) global.hub = istioHub(s.imageRegistry);
    if (s.imagePullSecrets.length > 0) global.imagePullSecrets = [...s.imagePullSecrets];
    return Object.keys(global).length > 0 ? { global } : {};
}

/** Istio's images (pilot, proxyv2) under a mirror of docker.io: `docker.io/istio/pilot` → `<mirror>/istio/pilot`. */
export function istioHub(imageRegistry: string): string {
    return `${imageRegistry.replace(/\/+$/, "")}/istio`;
}

/**
 * base: the CRDs and cluster roles. `defaultRevision` points the chart's default validating webhook
 * (`istiod-default-validator`) at this revision's istiod, as Istio's Helm docs do for revisioned installs.
 */
export function baseValues(s: InstallSettings): Record<string, unknown> {
    return { defaultRevision: s.revision, ...globalImageValues(s, false) };
}

/**
 * istiod, revisioned. The revision tag "default" (namespaces labelled `istio-injection=enabled`) is not set
 * here but kept by crossmesh as its own object (revision-tag.ts), so two revisions' releases never both claim
 * it. DNS capture lets sidecars answer for ServiceEntry hosts (e.g. `lambda.external`), whose addresses
 * Istio ≥ 1.25 auto-allocates by default.
 * `global.hub` is also the hub of every injected proxy (sidecars and the gateways' `image: auto`), so
 * one setting moves every Istio image to the mirror. With highAvailability: an HPA from 2 replicas (the
 * chart then renders its PodDisruptionBudget, minAvailable 1) spread across zones and nodes.
 */
export function istiodValues(s: InstallSettings): Record<string, unknown> {
    return {
        revision: s.revision,
        meshConfig: {
            trustDomain: s.trustDomain,
            outboundTrafficPolicy: { mode: s.outboundTrafficPolicy },
            defaultConfig: {
                proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true" },
            },
        },
        ...(s.highAvailability
            ? {
                  autoscaleEnabled: true,
                  autoscaleMin: HA_MIN_REPLICAS,
                  autoscaleMax: HA_MAX_REPLICAS,
                  pdb: { minAvailable: 1 },
                  topologySpreadConstraints: spreadConstraints(istiodPodSelectorLabels(s.revision)),
              }
            : {}),
        ...globalImageValues(s, true),
    };
}

/** The istiod chart's pod selector for a revisioned install (its Deployment's and PDB's matchLabels). */
export function istiodPodSelectorLabels(revision: string): Record<string, string> {
    return { app: "istiod", "istio.io/rev": revision };
}

/**
 * gateway: the gateway Deployment, injected by this revision (`revision` sets the pods' `istio.io/rev`).
 * The ingress role gets no chart Service (`type: "None"`): crossmesh creates the NLB Service itself, so it
 * provisions in parallel with the Helm installs and its annotations show in `pulumi preview`.
 * With highAvailability: an HPA from 2 replicas, the chart's PodDisruptionBudget (rendered only when the
 * minimum is above 1; its selector is the chart's selector labels, i.e. exactly this gateway's pods) and
 * spread across zones and nodes. Without: the chart's HPA from 1 and no PDB (a drain may take the gateway down).
 */
export function gatewayValues(s: InstallSettings): Record<string, unknown> {
    return {
        revision: s.revision,
        service: { type: s.gatewayRole === "ingress" ? "None" : "ClusterIP" },
        resources: { requests: { ...GATEWAY_RESOURCE_REQUESTS } },
        ...(s.highAvailability
            ? {
                  autoscaling: { enabled: true, minReplicas: HA_MIN_REPLICAS, maxReplicas: HA_MAX_REPLICAS },
                  podDisruptionBudget: { minAvailable: 1 },
                  topologySpreadConstraints: spreadConstraints(gatewaySelectorLabels(s.gatewayName)),
              }
            : {}),
        ...(s.imagePullSecrets.length > 0 ? { imagePullSecrets: s.imagePullSecrets.map((name) => ({ name })) } : {}),
    };
}

/**
 * The gateway chart's own selector labels (`gateway.selectorLabels` in its _helpers.tpl): `app` is the
 * release name, `istio` the release name without its "istio-" prefix. The Deployment selects its pods
 * with exactly these, so the Service crossmesh creates and the link's Istio `selector`s use them too. They
 * do not name the revision: during a minor upgrade the gateway's pods roll from one revision to the next,
 * and the link's Gateway, policies and routes keep binding to old and new pods alike.
 */
export function gatewaySelectorLabels(gatewayName: string): Record<string, string> {
    return { app: gatewayName, istio: gatewayName.replace(/^istio-/, "") };
}
