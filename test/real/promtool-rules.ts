// Writes a link's alert rules (the product's own builders) and a promtool unit test of them into a folder,
// for test/real/check-rules.sh: `promtool check rules` (Prometheus's own parser and checks) and
// `promtool test rules` (Prometheus's engine evaluating the rules over made-up series: the error alert
// fires for the failing host only, the certificate alert inside the window only).
//   npx tsx test/real/promtool-rules.ts <dir>
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { sideRuleGroups } from "../../components/link-monitoring/rules";

const dir = process.argv[2];
if (!dir) throw new Error("usage: npx tsx test/real/promtool-rules.ts <dir>");
fs.mkdirSync(dir, { recursive: true });

// promtool's clock starts at 0 (1970): a leaf ending on day 20 is inside a 21-day window from the start.
const day = (n: number) => new Date(n * 86_400_000).toISOString();
/** One side's rules with the limits the unit test below assumes (21 days, 5%). */
const rulesOf = (side: "eks" | "gke", gatewayNamespace: string, destinations: string[], leafDays: number) =>
    sideRuleGroups({
        linkName: "payments",
        side,
        gatewayNamespace,
        destinations,
        certificates: [
            { certificate: "leaf", expiresAt: day(leafDays) },
            { certificate: "ca", expiresAt: day(3650) },
        ],
        certificateWarnDays: 21,
        errorRatio: 0.05,
    });
const groups = rulesOf("gke", "istio-egress", ["lambda.external", "orders.external"], 20);
fs.writeFileSync(path.join(dir, "gke.rules.yaml"), stringify({ groups }));
fs.writeFileSync(
    path.join(dir, "eks.rules.yaml"),
    stringify({
        groups: rulesOf(
            "eks",
            "istio-ingress",
            ["internal-alb-1.eu-west-1.elb.amazonaws.com", "orders.internal.example.com"],
            60,
        ),
    }),
);

const rule = (name: string) => groups.flatMap((g) => g.rules).find((r) => r.alert === name)!;
const series = (host: string, code: number) =>
    `istio_requests_total{reporter="source", source_workload_namespace="istio-egress", destination_service="${host}", response_code="${code}"}`;
const errors = rule("CrossMeshLinkHostErrors");
const certs = rule("CrossMeshLinkCertificateExpiring");
const annotations = (a: Record<string, string> | undefined, values: Record<string, string>) =>
    Object.fromEntries(
        Object.entries(a ?? {}).map(([k, v]) => [
            k,
            Object.entries(values).reduce((t, [from, to]) => t.split(from).join(to), v),
        ]),
    );
const test = {
    rule_files: ["gke.rules.yaml"],
    evaluation_interval: "1m",
    tests: [
        {
            interval: "1m",
            input_series: [
                // lambda.external: 10% of answers are 503 — over the 5% threshold; orders.external: all 200.
                { series: series("lambda.external", 200), values: "0+90x40" },
                { series: series("lambda.external", 503), values: "0+10x40" },
                { series: series("orders.external", 200), values: "0+100x40" },
            ],
            alert_rule_test: [
                { eval_time: "5m", alertname: errors.alert, exp_alerts: [] }, // pending: `for: 10m`
                {
                    eval_time: "20m",
                    alertname: errors.alert,
                    exp_alerts: [
                        {
                            exp_labels: { ...errors.labels, destination_service: "lambda.external" },
                            exp_annotations: annotations(errors.annotations, {
                                "{{ $value | humanizePercentage }}": "10%",
                                "{{ $labels.destination_service }}": "lambda.external",
                            }),
                        },
                    ],
                },
                {
                    eval_time: "1m",
                    alertname: certs.alert,
                    exp_alerts: [
                        {
                            exp_labels: {
                                ...certs.labels,
                                crossmesh_link: "payments",
                                crossmesh_side: "gke",
                                certificate: "leaf",
                            },
                            exp_annotations: annotations(certs.annotations, {
                                "{{ $labels.certificate }}": "leaf",
                                "{{ $value | humanize }}": "20",
                            }),
                        },
                    ],
                },
            ],
        },
    ],
};
fs.writeFileSync(path.join(dir, "gke.rules.test.yaml"), stringify(test));
console.log(`wrote ${dir}/{eks,gke}.rules.yaml and gke.rules.test.yaml`);
