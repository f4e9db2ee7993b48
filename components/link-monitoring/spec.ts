// The link's monitoring settings (CrossMeshLink's `monitoring`), declared once: their types, defaults and
// checks, and the one rule across them (something is turned on).
import { AlertRulesFormat, LinkEnd } from "../common/types";
import { invalid, requireKubernetesName } from "../common/validation";
import {
    boolean,
    holds,
    integer,
    object,
    oneOf,
    opaque,
    record,
    string,
    type SameShape,
    type SpecArgs,
} from "../common/spec";
import { MONITORING_DEFAULTS, type LinkMonitoringArgs } from "./args";

const LABEL_KEY =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** The monitoring fields (the link embeds them as `monitoring`). */
export const linkMonitoringFields = {
    alerts: oneOf(AlertRulesFormat, "rules format", {
        PrometheusRule: "for the Prometheus Operator",
        ConfigMap: "a rules file, for a Prometheus that loads rule files",
    }).optional(),
    dashboard: boolean().default(false),
    dashboardCluster: oneOf(LinkEnd, "cluster of the link", {
        gke: "the importing cluster, the default",
        eks: "the exporting cluster",
    }).default(MONITORING_DEFAULTS.dashboardCluster),
    namespace: string().optional().check(requireKubernetesName),
    labels: record(
        string().check((path, v) => {
            if (!LABEL_VALUE.test(v))
                invalid(path, `"${v}" is not a Kubernetes label value (63 characters, alphanumeric at both ends).`);
        }),
    )
        .optional()
        .check((path, labels) => {
            for (const k of Object.keys(labels))
                if (!LABEL_KEY.test(k)) invalid(path, `"${k}" is not a Kubernetes label key.`);
        }),
    certificateWarnDays: integer(1, 3650, "days").default(MONITORING_DEFAULTS.certificateWarnDays),
    errorRatio: opaque<number>("a share of requests")
        .default(MONITORING_DEFAULTS.errorRatio)
        .check((path, r) => {
            if (typeof r !== "number" || !(r > 0 && r < 1))
                invalid(path, `${r} is not a share of requests: use a number between 0 and 1, e.g. 0.05 for 5%.`);
        }),
};

/** Monitoring turns something on: alert rules, a dashboard or both (a Field check: it names the object's own path). */
export function requireSomethingOn(path: string, m: LinkMonitoringArgs): void {
    if (m.alerts === undefined && !m.dashboard)
        invalid(
            path,
            'turns nothing on: set alerts ("PrometheusRule" or "ConfigMap") and/or dashboard: true, or remove it.',
        );
}

/** The monitoring settings as one field: its fields and the rule across them. */
export const linkMonitoringSpec = object(linkMonitoringFields, { what: "monitoring settings" });
export const linkMonitoringField = linkMonitoringSpec.check(requireSomethingOn);

holds<SameShape<LinkMonitoringArgs, SpecArgs<typeof linkMonitoringSpec>>>();
