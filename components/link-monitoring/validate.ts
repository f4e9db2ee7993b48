// The monitoring settings, checked before anything registers.
import { AlertRulesFormat } from "../common/types";
import { invalid, requireIntegerInRange, requireKubernetesName } from "../common/validation";
import type { LinkMonitoringArgs } from "./args";

const LABEL_KEY =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

export function validateMonitoring(path: string, m: LinkMonitoringArgs | undefined): void {
    if (m === undefined) return;
    const formats = Object.values(AlertRulesFormat) as string[];
    if (m.alerts !== undefined && !formats.includes(m.alerts))
        invalid(
            `${path}.alerts`,
            `"${m.alerts}" is not a rules format: use ${formats.map((f) => `"${f}"`).join(" or ")}.`,
        );
    if (m.dashboardCluster !== undefined && !["gke", "eks"].includes(m.dashboardCluster))
        invalid(
            `${path}.dashboardCluster`,
            `"${m.dashboardCluster}" is not a cluster of the link: use "gke" or "eks".`,
        );
    if (m.namespace !== undefined) requireKubernetesName(`${path}.namespace`, m.namespace);
    for (const [k, v] of Object.entries(m.labels ?? {})) {
        if (!LABEL_KEY.test(k)) invalid(`${path}.labels`, `"${k}" is not a Kubernetes label key.`);
        if (!LABEL_VALUE.test(v))
            invalid(
                `${path}.labels.${k}`,
                `"${v}" is not a Kubernetes label value (63 characters, alphanumeric at both ends).`,
            );
    }
    if (m.certificateWarnDays !== undefined)
        requireIntegerInRange(`${path}.certificateWarnDays`, m.certificateWarnDays, 1, 3650, "days");
    if (m.errorRatio !== undefined && !(m.errorRatio > 0 && m.errorRatio < 1))
        invalid(
            `${path}.errorRatio`,
            `${m.errorRatio} is not a share of requests: use a number between 0 and 1, e.g. 0.05 for 5%.`,
        );
    if (m.alerts === undefined && !m.dashboard)
        invalid(
            path,
            'turns nothing on: set alerts ("PrometheusRule" or "ConfigMap") and/or dashboard: true, or remove it.',
        );
}
