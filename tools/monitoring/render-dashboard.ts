// A picture of the link dashboard for the docs: the panels as Grafana lays them out (its 24-column grid,
// gridPos units), with each panel's title and queries, rendered straight from `linkDashboard()` — the layout,
// not data (no Grafana runs here).
//   npx tsx tools/monitoring/render-dashboard.ts > docs/dashboard.svg
import { linkDashboard } from "../../components/link-monitoring/dashboard";

const COL = 56;
const ROW = 34;
const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

const d = linkDashboard({
    linkName: "payments",
    eks: { gatewayNamespace: "istio-ingress", upstreams: ["internal-payments-alb.eu-west-1.elb.amazonaws.com"] },
    gke: { gatewayNamespace: "istio-egress", hosts: ["lambda.external", "orders.external"] },
});
const height = Math.max(...d.panels.map((p) => p.gridPos.y + p.gridPos.h)) * ROW + 70;
const width = 24 * COL + 20;
const wrap = (text: string, chars: number) => text.match(new RegExp(`.{1,${chars}}`, "g")) ?? [];
const panels = d.panels.map((p) => {
    const x = 10 + p.gridPos.x * COL;
    const y = 60 + p.gridPos.y * ROW;
    const w = p.gridPos.w * COL - 8;
    const h = p.gridPos.h * ROW - 8;
    const chars = Math.floor((w - 20) / 6.1);
    const queries = p.targets.flatMap((t) => wrap(`${t.refId}: ${t.expr}`, chars)).slice(0, Math.floor((h - 72) / 13));
    const axis =
        p.type === "timeseries"
            ? `<polyline fill="none" stroke="#3d71d9" stroke-width="1.5" opacity="0.35" points="${x + 12},${y + h - 14} ${x + w - 12},${y + h - 14}"/>`
            : `<text x="${x + w / 2}" y="${y + h - 18}" font-size="22" text-anchor="middle" fill="#73bf69">days</text>`;
    return [
        `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="4" fill="#181b1f" stroke="#2c3235"/>`,
        `<text x="${x + 10}" y="${y + 20}" font-size="13" font-weight="600" fill="#d8d9da">${escape(p.title)}</text>`,
        `<text x="${x + 10}" y="${y + 35}" font-size="10" fill="#8e8e8e">${p.type} · data source ${escape(p.datasource.uid)} · unit ${p.fieldConfig.defaults.unit}</text>`,
        ...queries.map(
            (q, i) =>
                `<text x="${x + 10}" y="${y + 54 + i * 13}" font-size="10" font-family="monospace" fill="#9fa7b3">${escape(q)}</text>`,
        ),
        axis,
    ].join("\n");
});
process.stdout.write(
    [
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="Inter, Helvetica, Arial, sans-serif">`,
        `<rect width="100%" height="100%" fill="#111217"/>`,
        `<text x="12" y="26" font-size="18" font-weight="600" fill="#d8d9da">${escape(d.title)}</text>`,
        `<text x="12" y="46" font-size="11" fill="#8e8e8e">variables: ${d.templating.list.map((v) => `${v.label} ($${v.name})`).join(", ")} · refresh ${d.refresh} · layout rendered from linkDashboard() (no data)</text>`,
        ...panels,
        "</svg>",
        "",
    ].join("\n"),
);
