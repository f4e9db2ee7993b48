// Alert rules for one link, per cluster, in Prometheus's rule-file format (a PrometheusRule's spec is the
// same `groups`). Pure: plain values in, plain rules out.
//
// Requests: Istio's standard metrics as the gateways report them (`reporter="source"`: a gateway is the
// client of what it routes to). On the GKE egress gateway the destination is the exported host itself
// (its ServiceEntry), so errors are per host; on the EKS ingress gateway it is the upstream (the ALB or
// the given upstream), which Lambda-backed hosts share.
//
// Certificates: Envoy's `envoy_server_days_until_first_cert_expiring` is no use at an Istio gateway — it
// counts the mesh's own workload certificate, which lives 24 hours, so it reads 0 all the time
// (cert-manager/istio-csr#131). The link's certificates' ends are known to the stack, so each `pulumi up`
// writes them as a recording rule (`crossmesh_link_certificate_expiry_timestamp_seconds`), and the alert
// compares that with the clock. `crossmesh status` checks the live Secrets themselves.

import type { LinkEnd } from "../common/types";

/** Istio's standard metrics and crossmesh's recorded series: the only names the rules and panels use. */
export const METRICS = {
    requests: "istio_requests_total",
    durationBuckets: "istio_request_duration_milliseconds_bucket",
    certificateExpiry: "crossmesh_link_certificate_expiry_timestamp_seconds",
} as const;

/** One side of a link as its rules see it. */
export interface SideRulesInput {
    linkName: string;
    side: LinkEnd;
    /** The gateway's namespace: the `source_workload_namespace` of its metrics. */
    gatewayNamespace: string;
    /** What the gateway's requests go to: the exported hosts (GKE) or the upstream hosts (EKS). */
    destinations: string[];
    /** The side's certificates and their ends (RFC 3339): the leaf and its CA. */
    certificates: { certificate: "leaf" | "ca"; expiresAt: string }[];
    /** Days left at which the certificate alert fires. */
    certificateWarnDays: number;
    /** Share of 5xx answers (0–1) at which the error alert fires. */
    errorRatio: number;
}

export interface AlertRule {
    alert?: string;
    record?: string;
    expr: string;
    for?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

export interface RuleGroup {
    name: string;
    interval?: string;
    rules: AlertRule[];
}

/** A PromQL string literal's body (regex-escaped for `=~`). */
const regexOf = (values: readonly string[]) =>
    [...new Set(values)].map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&")).join("|");

/** The label matchers of the gateway's requests to the link's destinations. */
export function gatewaySelector(s: Pick<SideRulesInput, "gatewayNamespace" | "destinations">): string {
    return `reporter="source", source_workload_namespace="${s.gatewayNamespace}", destination_service=~"${regexOf(s.destinations)}"`;
}

/** The link's PromQL, one definition each: the alert rules and the dashboard panels read the same series. */
export const QUERIES = {
    requestRate: (sel: string) => `sum by (destination_service) (rate(${METRICS.requests}{${sel}}[5m]))`,
    errorRatio: (sel: string) =>
        `sum by (destination_service) (rate(${METRICS.requests}{${sel}, response_code=~"5.."}[5m])) / ${QUERIES.requestRate(sel)}`,
    latencyQuantile: (q: number, sel: string) =>
        `histogram_quantile(${q}, sum by (le, destination_service) (rate(${METRICS.durationBuckets}{${sel}}[5m])))`,
    certificateDaysLeft: (linkName: string, side: LinkEnd) =>
        `(${METRICS.certificateExpiry}{crossmesh_link="${linkName}", crossmesh_side="${side}"} - time()) / 86400`,
};

const SIDE_NAME: Record<LinkEnd, string> = { eks: "EKS ingress", gke: "GKE egress" };

export function sideRuleGroups(s: SideRulesInput): RuleGroup[] {
    const sel = gatewaySelector(s);
    const link = { crossmesh_link: s.linkName, crossmesh_side: s.side };
    return [
        {
            name: `crossmesh-${s.linkName}-${s.side}-certificates`,
            interval: "5m",
            rules: [
                ...s.certificates.map((c): AlertRule => ({
                    // Written by `pulumi up` from the certificate it issued; refreshed by every renewal.
                    record: METRICS.certificateExpiry,
                    expr: `vector(${Math.floor(Date.parse(c.expiresAt) / 1000)})`,
                    labels: { ...link, certificate: c.certificate },
                })),
                {
                    alert: "CrossMeshLinkCertificateExpiring",
                    expr: `${QUERIES.certificateDaysLeft(s.linkName, s.side)} < ${s.certificateWarnDays}`,
                    labels: { severity: "warning" },
                    annotations: {
                        summary: `crossmesh link ${s.linkName}: the ${SIDE_NAME[s.side]} gateway's {{ $labels.certificate }} certificate expires in {{ $value | humanize }} days`,
                        description:
                            "A leaf is renewed by any `pulumi up` inside its renewal window: check that the scheduled up workflow runs and passes; rotate a CA deliberately (docs/operating.md). `crossmesh status` shows the live certificates.",
                    },
                },
            ],
        },
        {
            name: `crossmesh-${s.linkName}-${s.side}-requests`,
            rules: [
                {
                    alert: s.side === "gke" ? "CrossMeshLinkHostErrors" : "CrossMeshLinkUpstreamErrors",
                    expr: `${QUERIES.errorRatio(sel)} > ${s.errorRatio}`,
                    for: "10m",
                    labels: { severity: "critical", ...link },
                    annotations: {
                        summary: `crossmesh link ${s.linkName}: {{ $value | humanizePercentage }} of requests to {{ $labels.destination_service }} fail at the ${SIDE_NAME[s.side]} gateway`,
                        description:
                            "Run `crossmesh status --stack <stack>` (both sides, with the probe) to find the broken hop; the gateway's access log names the response flags.",
                    },
                },
            ],
        },
    ];
}
