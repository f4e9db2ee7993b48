import type { AlertRulesFormat, LinkEnd } from "../common/types";
// The same warning window as `crossmesh status --warn-days`: an alert and the command agree on "near its end".
import { DEFAULT_WARN_DAYS } from "../link-pki/expiry";

/** Signals for the monitoring a team already runs: alert rules per cluster and a Grafana dashboard. Opt-in. */
export interface LinkMonitoringArgs {
    /** Alert rules on both clusters, for a failing host and a certificate near its end. Default: none. */
    alerts?: AlertRulesFormat;
    /** A Grafana dashboard ConfigMap (label `grafana_dashboard: "1"`, for Grafana's dashboard sidecar). Default false. */
    dashboard?: boolean;
    /** The cluster whose Grafana gets the dashboard ("gke" or "eks"). Default "gke". */
    dashboardCluster?: LinkEnd;
    /** Namespace of the rules and dashboard on each cluster (must exist). Default: each gateway's namespace. */
    namespace?: string;
    /** Extra labels on the rules and dashboard, e.g. `{ release: "kube-prometheus-stack" }` for the operator's ruleSelector. */
    labels?: Record<string, string>;
    /** Days left at which the certificate alert fires. Default 21. */
    certificateWarnDays?: number;
    /** Share of 5xx answers (0–1, exclusive) over 10 minutes at which a host's alert fires. Default 0.05. */
    errorRatio?: number;
}

export const MONITORING_DEFAULTS: { certificateWarnDays: number; errorRatio: number; dashboardCluster: LinkEnd } = {
    certificateWarnDays: DEFAULT_WARN_DAYS,
    errorRatio: 0.05,
    dashboardCluster: "gke",
};
