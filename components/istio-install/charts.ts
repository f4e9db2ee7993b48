// Pure builders for the three official Istio Helm charts (base, istiod, gateway): plain values objects
// from plain settings, so tests (and `pulumi preview`) see exactly what Helm receives. Value names are
// those of the charts in istio/istio `manifests/charts/{base,istio-control/istio-discovery,gateway}`.

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
export const ISTIOD_RELEASE = "istiod";

export const GATEWAY_ROLES = ["ingress", "egress"];
export const OUTBOUND_TRAFFIC_POLICIES = ["ALLOW_ANY", "REGISTRY_ONLY"];

/** Name and namespace of the gateway per role when the user does not override them. */
export const ROLE_DEFAULTS: Record<string, { gatewayName: string; gatewayNamespace: string }> = {
    ingress: { gatewayName: "istio-ingressgateway", gatewayNamespace: "istio-ingress" },
    egress: { gatewayName: "istio-egressgateway", gatewayNamespace: "istio-egress" },
};

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
}

/** "1.30.3" → "1-30": one revision per minor, so patch upgrades stay in place (same revision). */
export function revisionOf(version: string): string {
    const [major, minor] = version.split(".");
    return `${major}-${minor}`;
}

/** Default trust domain: distinct per IstioInstall in a stack, e.g. "eks.crossmesh.local" for "eks". */
export function defaultTrustDomain(componentName: string): string {
    const label = componentName.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
    return `${label || "mesh"}.crossmesh.local`;
}

/**
 * base: the CRDs and cluster roles. `defaultRevision` points the chart's default validating webhook
 * (`istiod-default-validator`) at this revision's istiod, as Istio's Helm docs do for revisioned installs.
 */
export function baseValues(s: InstallSettings): Record<string, unknown> {
    return { defaultRevision: s.revision };
}

/**
 * istiod, revisioned. `revisionTags: ["default"]` makes this revision the one that injects namespaces
 * labelled `istio-injection=enabled` (what `istioctl tag set default` does); without it only
 * `istio.io/rev=<revision>` would select it. DNS capture lets sidecars answer for ServiceEntry hosts
 * (e.g. `lambda.external`), whose addresses Istio ≥ 1.25 auto-allocates by default.
 */
export function istiodValues(s: InstallSettings): Record<string, unknown> {
    return {
        revision: s.revision,
        revisionTags: ["default"],
        meshConfig: {
            trustDomain: s.trustDomain,
            outboundTrafficPolicy: { mode: s.outboundTrafficPolicy },
            defaultConfig: {
                proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true" },
            },
        },
    };
}

/**
 * gateway: the gateway Deployment, injected by this revision (`revision` sets the pods' `istio.io/rev`).
 * The ingress role gets no chart Service (`type: "None"`): crossmesh creates the NLB Service itself, so it
 * provisions in parallel with the Helm installs and its annotations show in `pulumi preview`.
 */
export function gatewayValues(s: InstallSettings): Record<string, unknown> {
    return {
        revision: s.revision,
        service: { type: s.gatewayRole === "ingress" ? "None" : "ClusterIP" },
    };
}

/**
 * The gateway chart's own selector labels (`gateway.selectorLabels` in its _helpers.tpl): `app` is the
 * release name, `istio` the release name without its "istio-" prefix. The Deployment selects its pods
 * with exactly these, so the Service crossmesh creates uses them too.
 */
export function gatewayServiceSelector(gatewayName: string): Record<string, string> {
    return { app: gatewayName, istio: gatewayName.replace(/^istio-/, "") };
}

/**
 * The gateway pods' labels for Istio `selector`s: the chart's selector labels plus the `istio.io/rev`
 * label it sets from `revision` (`gateway.sidecarInjectionLabels`), so policies bind only to the
 * gateway pods of this revision.
 */
export function gatewayPodSelectorLabels(s: Pick<InstallSettings, "gatewayName" | "revision">): Record<string, string> {
    return { ...gatewayServiceSelector(s.gatewayName), "istio.io/rev": s.revision };
}
