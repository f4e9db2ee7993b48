// The link's signals: alert rules and a Grafana dashboard. Every expression is parsed with Prometheus's
// own PromQL grammar (@prometheus-io/lezer-promql, the parser of Prometheus's UI) and may use only Istio's
// standard metrics and labels or the series its own rules record, so a typo in a metric or a label fails
// here; the dashboard is held to Grafana's published dashboard type at compile time. Then a link with
// monitoring on, under the simulator: what lands on which cluster. (`promtool check rules` runs on the
// same rules in test/real/check-rules.sh.)
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { parser } from "@prometheus-io/lezer-promql";
import { Dashboard as GrafanaDashboard, ThresholdsMode } from "@grafana/schema";
import { METRICS, RuleGroup, sideRuleGroups } from "../components/link-monitoring/rules";
import { linkDashboard } from "../components/link-monitoring/dashboard";
import { linkMonitoringField } from "../components/link-monitoring/spec";
import { problemsOf } from "../components/common/spec";
import { StackRun, runStack } from "../tools/simulator/stack";
import { unsecret } from "../tools/simulator";
import { providerName } from "../tools/plan/extract";

/** Istio's standard metric labels (istio.io docs, "Istio Standard Metrics") and Prometheus's own `le`. */
const ISTIO_LABELS = new Set([
    "reporter",
    "source_workload",
    "source_workload_namespace",
    "source_principal",
    "destination_service",
    "destination_service_name",
    "destination_service_namespace",
    "destination_workload",
    "response_code",
    "response_flags",
    "request_protocol",
    "connection_security_policy",
    "le",
]);
const OWN_LABELS = new Set(["crossmesh_link", "crossmesh_side", "certificate"]);
const KNOWN_METRICS = new Set<string>(Object.values(METRICS));

/** Problems of one PromQL expression: syntax errors, unknown metrics, labels no such series has. */
export function promqlProblems(expr: string): string[] {
    const problems: string[] = [];
    const tree = parser.parse(expr);
    tree.iterate({
        enter: (n) => {
            const text = expr.slice(n.from, n.to);
            if (n.type.isError) problems.push(`syntax error at ${n.from}: "${expr.slice(n.from, n.from + 20)}"`);
            if (n.name === "Identifier" && n.node.parent?.name === "VectorSelector" && !KNOWN_METRICS.has(text))
                problems.push(`unknown metric ${text}`);
            if (n.name === "LabelName") {
                const own = expr.includes(METRICS.certificateExpiry) && OWN_LABELS.has(text);
                if (!ISTIO_LABELS.has(text) && !own) problems.push(`unknown label ${text}`);
            }
        },
    });
    return problems;
}

const SIDE = {
    linkName: "payments",
    side: "gke" as const,
    gatewayNamespace: "istio-egress",
    destinations: ["lambda.external", "orders.external"],
    certificates: [
        { certificate: "leaf" as const, expiresAt: "2027-03-01T00:00:00Z" },
        { certificate: "ca" as const, expiresAt: "2036-03-01T00:00:00Z" },
    ],
    certificateWarnDays: 21,
    errorRatio: 0.05,
};
const exprs = (groups: RuleGroup[]) => groups.flatMap((g) => g.rules.map((r) => r.expr));

test("every rule expression parses and uses only Istio's standard metrics and labels or the series it records", () => {
    for (const side of ["eks", "gke"] as const) {
        const groups = sideRuleGroups({ ...SIDE, side });
        for (const e of exprs(groups)) assert.deepEqual(promqlProblems(e), [], e);
        const recorded = new Set(groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
        for (const g of groups)
            for (const r of g.rules.filter((x) => x.alert && x.expr.includes("crossmesh_")))
                assert.ok(recorded.has(METRICS.certificateExpiry), `${r.alert} reads a series these rules record`);
    }
});

test("the checker itself catches a wrong metric, a wrong label and broken syntax", () => {
    const good = sideRuleGroups(SIDE)[1].rules[0].expr;
    assert.deepEqual(promqlProblems(good), []);
    assert.match(
        promqlProblems(good.replace("istio_requests_total", "istio_request_total")).join(),
        /unknown metric istio_request_total/,
    );
    assert.match(
        promqlProblems(good.replace("destination_service=~", "destination_host=~")).join(),
        /unknown label destination_host/,
    );
    assert.match(promqlProblems(good.replace("[5m]))", "[5m]")).join(), /syntax error/);
});

test("the certificate rule records the issued ends and alerts inside the warning window", () => {
    const [certs] = sideRuleGroups(SIDE);
    const records = certs.rules.filter((r) => r.record);
    assert.deepEqual(
        records.map((r) => [r.labels?.certificate, r.expr]),
        [
            ["leaf", `vector(${Date.parse("2027-03-01T00:00:00Z") / 1000})`],
            ["ca", `vector(${Date.parse("2036-03-01T00:00:00Z") / 1000})`],
        ],
    );
    const alert = certs.rules.find((r) => r.alert === "CrossMeshLinkCertificateExpiring")!;
    assert.match(alert.expr, /- time\(\)\) \/ 86400 < 21$/);
});

test("per-host errors on the GKE side select exactly the link's hosts at its egress gateway", () => {
    const rule = sideRuleGroups(SIDE)[1].rules[0];
    assert.equal(rule.alert, "CrossMeshLinkHostErrors");
    assert.match(
        rule.expr,
        /source_workload_namespace="istio-egress", destination_service=~"lambda\\\\\.external\|orders\\\\\.external"/,
    );
    assert.match(rule.expr, /> 0\.05$/);
    assert.equal(rule.for, "10m");
});

test("the dashboard: every panel's queries parse with known metrics, both gateways and the certificates are shown", () => {
    const d = linkDashboard({
        linkName: "payments",
        eks: { gatewayNamespace: "istio-ingress", upstreams: ["internal-alb.eu-west-1.elb.amazonaws.com"] },
        gke: { gatewayNamespace: "istio-egress", hosts: ["lambda.external"] },
    });
    // Grafana's own published dashboard type (compile time): a field Grafana does not know fails the build.
    // (Thresholds' mode is a TypeScript enum there, which no plain string literal satisfies: held to its values below.)
    const asGrafana: GrafanaDashboard = {
        ...d,
        panels: d.panels.map(({ fieldConfig, ...p }) => ({
            ...p,
            fieldConfig: { defaults: { unit: fieldConfig.defaults.unit }, overrides: [] },
        })),
    };
    for (const p of d.panels)
        if (p.fieldConfig.defaults.thresholds)
            assert.ok((Object.values(ThresholdsMode) as string[]).includes(p.fieldConfig.defaults.thresholds.mode));
    assert.equal(asGrafana.title, "crossmesh link payments");
    for (const p of d.panels)
        for (const t of p.targets) assert.deepEqual(promqlProblems(t.expr), [], `${p.title}: ${t.expr}`);
    const titles = d.panels.map((p) => p.title).join("\n");
    for (const want of [
        /GKE egress gateway, per host: requests\/s/,
        /5xx ratio/,
        /latency p50 \/ p99/,
        /EKS ingress gateway/,
        /GKE gateway: certificate days left/,
        /EKS gateway: certificate days left/,
    ])
        assert.match(titles, want);
    const vars = new Set(d.templating.list.map((v) => `\${${String(v.name)}}`));
    assert.ok(
        d.panels.every((p) => vars.has(p.datasource.uid)),
        "every panel reads a data source the dashboard declares",
    );
    // Panels do not overlap on Grafana's 24-column grid.
    const cells = new Set<string>();
    for (const p of d.panels)
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
            for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
                assert.ok(x < 24 && !cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`);
                cells.add(`${x},${y}`);
            }
});

const REFUSALS: { monitoring: Record<string, unknown>; path: string; says: RegExp }[] = [
    { monitoring: {}, path: "monitoring", says: /turns nothing on/ },
    {
        monitoring: { alerts: "prometheus" },
        path: "monitoring.alerts",
        says: /use "PrometheusRule" \(.*\) or "ConfigMap"/,
    },
    { monitoring: { dashboard: true, labels: { "-bad": "x" } }, path: "monitoring.labels", says: /label key/ },
    { monitoring: { alert: "ConfigMap" }, path: "monitoring.alert", says: /not a setting of monitoring/ },
    { monitoring: { dashboard: true, errorRatio: 5 }, path: "monitoring.errorRatio", says: /between 0 and 1/ },
    {
        monitoring: { dashboard: true, dashboardCluster: "aks" },
        path: "monitoring.dashboardCluster",
        says: /not a cluster of the link: use "eks" \(.*\) or "gke"/,
    },
    {
        monitoring: { dashboard: true, certificateWarnDays: 0 },
        path: "monitoring.certificateWarnDays",
        says: /whole number of days/,
    },
    {
        monitoring: { dashboard: true, labels: { release: "-bad" } },
        path: "monitoring.labels.release",
        says: /label value/,
    },
];
for (const r of REFUSALS)
    test(`monitoring ${JSON.stringify(r.monitoring)} is refused at ${r.path}`, () => {
        const [problem, ...more] = problemsOf(linkMonitoringField, r.monitoring, "monitoring");
        assert.deepEqual(more, []);
        assert.equal(problem.propertyPath, r.path);
        assert.match(problem.reason, r.says);
    });

let run: StackRun;
before(async () => {
    run = await runStack({
        stack: "multi",
        overrides: {
            monitoring: { alerts: "PrometheusRule", dashboard: true, labels: { release: "kube-prometheus-stack" } },
        },
    });
});

test("a link with monitoring: a PrometheusRule on each cluster beside its gateway, the dashboard for the GKE Grafana", () => {
    const rules = run.graph.ofType("kubernetes:monitoring.coreos.com/v1:PrometheusRule");
    assert.deepEqual(rules.map((r) => providerName(run.graph, r)).sort(), ["eks", "gke"]);
    for (const r of rules) {
        const o = unsecret(r.rawInputs) as any;
        const side = providerName(run.graph, r);
        assert.equal(o.metadata.name, "crossmesh-alerts");
        assert.equal(o.metadata.namespace, side === "eks" ? "istio-ingress" : "istio-egress");
        assert.equal(o.metadata.labels.release, "kube-prometheus-stack");
        for (const e of exprs(o.spec.groups)) assert.deepEqual(promqlProblems(e), [], e);
        // The recorded leaf end is the certificate the stack issued for that side.
        const leaf = o.spec.groups[0].rules.find((x: any) => x.labels?.certificate === "leaf");
        const issued = side === "eks" ? run.outputs.certificatesExpireAt : run.outputs.certificatesExpireAt;
        const end = (issued as any)[side === "eks" ? "server" : "client"];
        assert.equal(leaf.expr, `vector(${Date.parse(end) / 1000})`);
    }
    const dashboards = run.graph
        .ofType("kubernetes:core/v1:ConfigMap")
        .filter((r) => (unsecret(r.rawInputs) as any).metadata.labels?.grafana_dashboard === "1");
    assert.deepEqual(
        dashboards.map((r) => providerName(run.graph, r)),
        ["gke"],
    );
    const json = JSON.parse(Object.values((unsecret(dashboards[0].rawInputs) as any).data)[0] as string);
    assert.match(JSON.stringify(json.panels), /orders\\\\\\\\.external/);
});
