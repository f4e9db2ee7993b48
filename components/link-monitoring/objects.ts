// The Kubernetes objects that carry a link's signals to the monitoring already running on a cluster. Pure.
import { AlertRulesFormat } from "../common/types";
import type { KubeObject } from "../common/kube";
import { linkLabels, objectName } from "../link-routing/names";
import type { Dashboard } from "./dashboard";
import type { RuleGroup } from "./rules";

/** The label Grafana's dashboard sidecar (kube-prometheus-stack's default) looks for. */
export const GRAFANA_DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

export interface MonitoringIdentity {
    linkName: string;
    namespace: string;
    labels?: Record<string, string>;
}

const meta = (id: MonitoringIdentity, suffix: string, extra: Record<string, string> = {}) => ({
    name: objectName(id.linkName, suffix),
    namespace: id.namespace,
    labels: { ...(id.labels ?? {}), ...extra, ...linkLabels(id.linkName) },
});

/** The rules as the Prometheus Operator takes them, or as a plain rules file in a ConfigMap. */
export function rulesObject(
    id: MonitoringIdentity,
    format: AlertRulesFormat,
    groups: RuleGroup[],
): KubeObject & Record<string, unknown> {
    if (format === AlertRulesFormat.PrometheusRule)
        return {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "PrometheusRule",
            metadata: meta(id, "alerts"),
            spec: { groups },
        };
    // JSON is YAML: Prometheus reads the file as its rule format.
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: meta(id, "alerts"),
        data: { [`${objectName(id.linkName, "crossmesh")}.rules.yaml`]: JSON.stringify({ groups }, null, 2) },
    };
}

export function dashboardObject(id: MonitoringIdentity, dashboard: Dashboard): KubeObject & Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: meta(id, "dashboard", GRAFANA_DASHBOARD_LABEL),
        data: { [`crossmesh-${id.linkName}.json`]: JSON.stringify(dashboard, null, 2) },
    };
}
