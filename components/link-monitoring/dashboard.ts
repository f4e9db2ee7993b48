// A Grafana dashboard for one link: requests, errors and p50/p99 latency per host at both gateways, and
// the days left on each certificate. Two Prometheus data-source variables (one per cluster), so a Grafana
// that sees both clusters shows the whole link; one that sees one cluster picks it for both. Pure.
import type { LinkEnd } from "../common/types";
import { QUERIES, gatewaySelector } from "./rules";

export interface DashboardInput {
    linkName: string;
    eks: { gatewayNamespace: string; upstreams: string[] };
    gke: { gatewayNamespace: string; hosts: string[] };
}

/** A Grafana panel, as much of its model as crossmesh writes. */
export interface Panel {
    id: number;
    type: "timeseries" | "stat";
    title: string;
    gridPos: { h: number; w: number; x: number; y: number };
    datasource: { type: "prometheus"; uid: string };
    targets: { refId: string; expr: string; legendFormat: string; datasource: { type: "prometheus"; uid: string } }[];
    fieldConfig: {
        defaults: { unit: string; thresholds?: { mode: "absolute"; steps: { color: string; value: number | null }[] } };
        overrides: [];
    };
    options?: Record<string, unknown>;
}

export interface Dashboard {
    uid: string;
    title: string;
    tags: string[];
    schemaVersion: number;
    version: number;
    editable: boolean;
    time: { from: string; to: string };
    refresh: string;
    templating: { list: DatasourceVariable[] };
    panels: Panel[];
}

/** A dashboard variable that picks a Prometheus data source. */
export interface DatasourceVariable {
    name: string;
    label: string;
    type: "datasource";
    query: string;
    hide: number;
    refresh: number;
    regex: string;
}

/** Grafana's dashboard schema version these panels are written for (Grafana 11/12 load and migrate it). */
export const GRAFANA_SCHEMA_VERSION = 39;

export function linkDashboard(d: DashboardInput): Dashboard {
    let id = 0;
    const ds = (side: LinkEnd) => ({ type: "prometheus" as const, uid: `\${${side}}` });
    const panel = (
        side: LinkEnd,
        title: string,
        queries: { expr: string; legend: string }[],
        unit: string,
        pos: { x: number; y: number },
    ): Panel => ({
        id: ++id,
        type: "timeseries",
        title,
        gridPos: { h: 8, w: 8, x: pos.x, y: pos.y },
        datasource: ds(side),
        targets: queries.map((q, i) => ({
            refId: String.fromCharCode(65 + i),
            expr: q.expr,
            legendFormat: q.legend,
            datasource: ds(side),
        })),
        fieldConfig: { defaults: { unit }, overrides: [] },
    });
    const row = (side: LinkEnd, sel: string, y: number, where: string) => [
        panel(
            side,
            `${where}: requests/s`,
            [{ expr: QUERIES.requestRate(sel), legend: "{{destination_service}}" }],
            "reqps",
            { x: 0, y },
        ),
        panel(
            side,
            `${where}: 5xx ratio`,
            [{ expr: QUERIES.errorRatio(sel), legend: "{{destination_service}}" }],
            "percentunit",
            { x: 8, y },
        ),
        panel(
            side,
            `${where}: latency p50 / p99`,
            [
                { expr: QUERIES.latencyQuantile(0.99, sel), legend: "p99 {{destination_service}}" },
                { expr: QUERIES.latencyQuantile(0.5, sel), legend: "p50 {{destination_service}}" },
            ],
            "ms",
            { x: 16, y },
        ),
    ];
    const panels = [
        ...row(
            "gke",
            gatewaySelector({ gatewayNamespace: d.gke.gatewayNamespace, destinations: d.gke.hosts }),
            0,
            "GKE egress gateway, per host",
        ),
        ...row(
            "eks",
            gatewaySelector({ gatewayNamespace: d.eks.gatewayNamespace, destinations: d.eks.upstreams }),
            8,
            "EKS ingress gateway, per upstream",
        ),
    ];
    for (const side of ["gke", "eks"] as const)
        panels.push({
            id: ++id,
            type: "stat",
            title: `${side.toUpperCase()} gateway: certificate days left`,
            gridPos: { h: 5, w: 12, x: side === "gke" ? 0 : 12, y: 16 },
            datasource: ds(side),
            targets: [
                {
                    refId: "A",
                    expr: QUERIES.certificateDaysLeft(d.linkName, side),
                    legendFormat: "{{certificate}}",
                    datasource: ds(side),
                },
            ],
            fieldConfig: {
                defaults: {
                    unit: "d",
                    thresholds: {
                        mode: "absolute",
                        steps: [
                            { color: "red", value: null },
                            { color: "orange", value: 7 },
                            { color: "green", value: 21 },
                        ],
                    },
                },
                overrides: [],
            },
            options: { reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false }, colorMode: "background" },
        });
    const datasourceVar = (name: LinkEnd, label: string): DatasourceVariable => ({
        name,
        label,
        type: "datasource",
        query: "prometheus",
        hide: 0,
        refresh: 1,
        regex: "",
    });
    return {
        uid: `crossmesh-${d.linkName}`.slice(0, 40),
        title: `crossmesh link ${d.linkName}`,
        tags: ["crossmesh", "istio"],
        schemaVersion: GRAFANA_SCHEMA_VERSION,
        version: 1,
        editable: false,
        time: { from: "now-6h", to: "now" },
        refresh: "1m",
        templating: { list: [datasourceVar("gke", "GKE Prometheus"), datasourceVar("eks", "EKS Prometheus")] },
        panels,
    };
}
