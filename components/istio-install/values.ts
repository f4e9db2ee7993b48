// The extra-values escape hatch: the user's own values per chart, deep-merged over crossmesh's, minus the
// keys crossmesh owns. An owned key is one the link's correctness rests on (the revision every selector
// names, the trust domain every principal is built from, the Service the NLB or the egress route targets)
// or one that has its own argument (imageRegistry, imagePullSecrets): overriding it through `values` would
// silently break the link or fight the argument, so it is refused up front, naming the key path.
import { invalid } from "../common/validation";
import {
    BASE_RELEASE,
    istiodReleaseName,
    ISTIO_CHARTS,
    ISTIO_SYSTEM_NAMESPACE,
    type ExtraChartValues,
    InstallSettings,
    IstioChart,
    baseValues,
    chartReference,
    gatewayValues,
    istiodValues,
    revisionOf,
} from "./charts";

/** A key path inside one chart's values that crossmesh sets itself, and why. */
export interface OwnedValue {
    path: string;
    why: string;
}

const NAMESPACE_WHY = `crossmesh installs the control plane in "${ISTIO_SYSTEM_NAMESPACE}", where its CRDs, webhooks and the link's objects expect it.`;
const PULL_SECRETS_WHY = "it comes from the imagePullSecrets argument, which sets it on every chart at once.";

/** The keys crossmesh owns in each chart's values, for a gateway role. */
export function ownedValues(gatewayRole: string): Record<IstioChart, OwnedValue[]> {
    return {
        base: [
            {
                path: "defaultRevision",
                why: "it points Istio's default validating webhook at the revision crossmesh installs; set the revision argument instead.",
            },
            { path: "global.istioNamespace", why: NAMESPACE_WHY },
            { path: "global.imagePullSecrets", why: PULL_SECRETS_WHY },
        ],
        istiod: [
            {
                path: "revision",
                why: "every gateway, sidecar and selector crossmesh makes names this revision; set the revision argument instead.",
            },
            {
                path: "revisionTags",
                why: 'crossmesh keeps the tag "default" itself (namespaces labelled istio-injection=enabled get its sidecars) and moves it to the next revision during an upgrade; a tag inside the release would be claimed by two revisions at once.',
            },
            {
                path: "meshConfig.trustDomain",
                why: "the link's SPIFFE ids and authorization principals are built from it; set the trustDomain argument instead.",
            },
            { path: "meshConfig.outboundTrafficPolicy", why: "set the outboundTrafficPolicy argument instead." },
            {
                path: "meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE",
                why: "sidecars resolve the imported hosts (ServiceEntries) through Istio's DNS proxy; turning it off breaks http://<host>/ for every app.",
            },
            { path: "global.istioNamespace", why: NAMESPACE_WHY },
            {
                path: "global.hub",
                why: "it comes from the imageRegistry argument (a mirror of docker.io), which also moves crossmesh's own pods to the mirror.",
            },
            { path: "global.imagePullSecrets", why: PULL_SECRETS_WHY },
        ],
        gateway: [
            {
                path: "revision",
                why: "the gateway must be injected by the revision crossmesh installs; set the revision argument instead.",
            },
            {
                path: "name",
                why: "the gateway's name is also its Deployment, Service account and pod labels, which crossmesh's Service, Gateway and policies select; set the gatewayName argument instead.",
            },
            {
                path: "labels.app",
                why: "it is a selector label of the gateway pods, which crossmesh's Service, Gateway and policies select.",
            },
            {
                path: "labels.istio",
                why: "it is a selector label of the gateway pods, which crossmesh's Service, Gateway and policies select.",
            },
            {
                path: "serviceAccount.name",
                why: "the link's authorization policies name the gateway's service account (the gateway's name).",
            },
            {
                path: "serviceAccount.create",
                why: "the link's authorization policies name the service account the chart creates.",
            },
            { path: "imagePullSecrets", why: PULL_SECRETS_WHY },
            gatewayRole === "ingress"
                ? {
                      path: "service",
                      why: "the ingress gateway has no chart Service: crossmesh owns its NLB Service (see loadBalancerSourceRanges); change that Service with Pulumi's transforms resource option.",
                  }
                : {
                      path: "service.type",
                      why: "the egress gateway's Service must stay ClusterIP: the mesh's sidecars reach it inside the cluster.",
                  },
        ],
    };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Helm's merge of a values file over defaults: objects merge key by key, anything else (scalars, lists,
 * null) replaces. Neither input is changed.
 */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) {
        if (v === undefined) continue; // an unset optional, as Pulumi treats it: not a value
        out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
    }
    return out;
}

/**
 * Extra values as Helm can take them: an object of the three charts' values, each plain data (no Outputs,
 * functions or class instances). `path` is the user's, e.g. "values" for IstioInstall's own argument.
 */
export function requireChartValues(path: string, values: ExtraChartValues): void {
    if (!isPlainObject(values))
        invalid(
            path,
            `pass a plain object { base?, istiod?, gateway? } of chart values: which keys are set decides what Helm renders, and crossmesh checks them before anything is created.`,
        );
    for (const [chart, chartValues] of Object.entries(values)) {
        const chartPath = `${path}.${chart}`;
        if (!(ISTIO_CHARTS as readonly string[]).includes(chart))
            invalid(chartPath, `"${chart}" is not one of the charts crossmesh installs; use base, istiod or gateway.`);
        if (chartValues === undefined) continue;
        if (!isPlainObject(chartValues))
            invalid(chartPath, "pass an object of chart values, as in a values.yaml file.");
        requirePlainData(chartPath, chartValues);
    }
}

/**
 * Refuses extra values (already plain chart values) that touch a key crossmesh owns for the gateway role:
 * setting it, or setting one of its parents to something that is not an object (which would replace it).
 */
export function requireUnownedValues(path: string, values: ExtraChartValues, gatewayRole: string): void {
    const owned = ownedValues(gatewayRole);
    for (const chart of ISTIO_CHARTS) {
        const chartValues = values[chart];
        if (chartValues === undefined) continue;
        for (const o of owned[chart]) {
            const touched = touches(chartValues, o.path.split("."));
            if (touched !== undefined)
                invalid(
                    `${path}.${chart}.${touched}`,
                    `${touched === o.path ? "is" : `would replace ${o.path}, which is`} set by crossmesh: ${o.why}`,
                );
        }
    }
}

/** The user path where `values` sets `owned` or replaces one of its parents with a non-object; undefined if untouched. */
function touches(values: Record<string, unknown>, owned: string[]): string | undefined {
    let node: unknown = values;
    for (let i = 0; i < owned.length; i++) {
        if (!isPlainObject(node) || node[owned[i]] === undefined) return undefined;
        node = node[owned[i]];
        if (i === owned.length - 1 || !isPlainObject(node)) return owned.slice(0, i + 1).join(".");
    }
    return undefined;
}

/** Values go to Helm as YAML: only JSON data, no Outputs, functions or class instances. */
function requirePlainData(path: string, v: unknown): void {
    if (v === undefined || v === null || typeof v === "string" || typeof v === "boolean") return;
    if (typeof v === "number") {
        if (!Number.isFinite(v)) invalid(path, `${v} is not a number Helm can read; use a finite number.`);
        return;
    }
    if (Array.isArray(v)) return v.forEach((x, i) => requirePlainData(`${path}[${i}]`, x));
    if (isPlainObject(v)) return Object.entries(v).forEach(([k, x]) => requirePlainData(`${path}.${k}`, x));
    invalid(
        path,
        "is not plain data (string, number, boolean, null, list or object); chart values must be plain, not Outputs or Promises.",
    );
}

/** Each chart's final values: crossmesh's builders, then the user's extra values merged over them. */
export function chartValues(s: InstallSettings): Record<IstioChart, Record<string, unknown>> {
    return {
        base: deepMerge(baseValues(s), s.extraValues.base ?? {}),
        istiod: deepMerge(istiodValues(s), s.extraValues.istiod ?? {}),
        gateway: deepMerge(gatewayValues(s), s.extraValues.gateway ?? {}),
    };
}

/** One Helm release as IstioInstall registers it (and as the render test feeds it to the real helm). */
export interface ReleaseSpec {
    chart: IstioChart;
    /** Helm release name. */
    name: string;
    namespace: string;
    version: string;
    /** `chart` and `repositoryOpts` of the Release: a chart name plus repository, or a full oci:// reference. */
    source: { chart: string; repositoryOpts?: { repo: string } };
    values: Record<string, unknown>;
}

/**
 * The releases, in install order: base (CRDs), istiod (webhooks, injector), each retained version's istiod (a
 * canary upgrade keeps the previous revision's control plane beside the new one), gateway (injected pods).
 */
export function chartReleases(s: InstallSettings): ReleaseSpec[] {
    const values = chartValues(s);
    const release = (chart: IstioChart, name: string, namespace: string): ReleaseSpec => ({
        chart,
        name,
        namespace,
        version: s.version,
        source: chartReference(chart, s.chartRepository),
        values: values[chart],
    });
    // A retained istiod as that version installs it: its own chart version and revision, the same settings.
    const retained = s.retainedVersions.map((version): ReleaseSpec => {
        const revision = revisionOf(version);
        return {
            ...release("istiod", istiodReleaseName(revision), ISTIO_SYSTEM_NAMESPACE),
            version,
            values: chartValues({ ...s, version, revision }).istiod,
        };
    });
    return [
        release("base", BASE_RELEASE, ISTIO_SYSTEM_NAMESPACE),
        release("istiod", istiodReleaseName(s.revision), ISTIO_SYSTEM_NAMESPACE),
        ...retained,
        release("gateway", s.gatewayName, s.gatewayNamespace),
    ];
}
