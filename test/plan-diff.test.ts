// The credential-free PR review: two small offline plans (base and head) in, the exact comment body a
// reviewer reads out — per stack and cluster, objects added/removed/changed with the changed fields,
// the head's topology — and the same body whatever order the plans list their objects in.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { stringify } from "yaml";
import { MARKER, MAX_ROWS, commentFromPlanRoots } from "../tools/plan-diff/diff";

const ROOT = path.join(__dirname, "..");
const yamlDocs = (docs: unknown[]) => docs.map((d) => stringify(d)).join("---\n");

const ns = (name: string) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const gateway = (port: number) => ({
    apiVersion: "networking.istio.io/v1",
    kind: "Gateway",
    metadata: { name: "crossmesh-export", namespace: "istio-ingress" },
    spec: { servers: [{ port: { number: port }, tls: { mode: "MUTUAL" } }] },
});
const entry = (host: string) => ({
    apiVersion: "networking.istio.io/v1",
    kind: "ServiceEntry",
    metadata: { name: `crossmesh-${host.replace(/\./g, "-")}`, namespace: "istio-egress" },
    spec: { hosts: [host] },
});

interface PlanFiles {
    eks: unknown[];
    gke: unknown[];
    helm: Record<string, unknown[]>;
    aws: unknown[];
    topology?: string;
    /** simulated.yaml: the values only the simulator made up (plans written before it have none). */
    simulated?: { what: string; value: string; compare?: string }[];
}

function writePlan(dir: string, p: PlanFiles, reverse = false): void {
    const order = <T>(xs: T[]) => (reverse ? [...xs].reverse() : xs);
    fs.mkdirSync(dir, { recursive: true });
    // Like the real plan: objects the stack only reads come as a comment before the documents.
    fs.writeFileSync(
        path.join(dir, "eks.yaml"),
        "# read, not managed by this stack: v1 Service istio-ingress/istio-ingressgateway\n" + yamlDocs(order(p.eks)),
    );
    fs.writeFileSync(path.join(dir, "gke.yaml"), yamlDocs(order(p.gke)));
    fs.writeFileSync(
        path.join(dir, "helm-releases.yaml"),
        stringify(Object.fromEntries(Object.entries(p.helm).map(([c, r]) => [c, order(r)]))),
    );
    fs.writeFileSync(path.join(dir, "aws.yaml"), stringify(order(p.aws)));
    if (p.topology) fs.writeFileSync(path.join(dir, "topology.md"), p.topology);
    if (p.simulated) fs.writeFileSync(path.join(dir, "simulated.yaml"), stringify(order(p.simulated)));
}

const BASE: PlanFiles = {
    eks: [ns("istio-ingress"), gateway(443)],
    gke: [ns("istio-egress"), entry("lambda.external")],
    helm: { eks: [{ name: "istiod", namespace: "istio-system", chart: "istiod", version: "1.30.2" }], gke: [] },
    aws: [{ type: "aws:lambda/function:Function", name: "fn-a", inputs: { memorySize: 128 } }],
    topology: "```mermaid\nflowchart LR\n  a --> b\n```\n",
};
const HEAD: PlanFiles = {
    eks: [ns("istio-ingress"), gateway(8443)],
    gke: [ns("istio-egress"), entry("orders.external")],
    helm: { eks: [{ name: "istiod", namespace: "istio-system", chart: "istiod", version: "1.30.3" }], gke: [] },
    aws: [
        { type: "aws:lambda/function:Function", name: "fn-a", inputs: { memorySize: 128 } },
        { type: "aws:lb/loadBalancer:LoadBalancer", name: "alb", inputs: { internal: true } },
    ],
    topology: "```mermaid\nflowchart LR\n  a --> c\n```\n",
};

function roots(reverse = false): { base: string; head: string } {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-diff-"));
    const base = path.join(tmp, "base");
    const head = path.join(tmp, "head");
    writePlan(path.join(base, "dev"), BASE, reverse);
    writePlan(path.join(head, "dev"), HEAD, reverse);
    // A stack only the head has (added by the PR), with nothing in it but a namespace.
    writePlan(
        path.join(head, "new"),
        { eks: [ns("istio-ingress")], gke: [], helm: { eks: [], gke: [] }, aws: [] },
        reverse,
    );
    return { base, head };
}

const EXPECTED = `${MARKER}
## crossmesh offline plan: what this pull request changes

Objects per cluster from the stack programs run under the provider simulator (no cloud credentials), base \`b1\` → head \`h2\`. Values are redacted where secret; values only the simulator made up (IDs, ARNs, hostnames) are compared by what they stand for.

> [!NOTE]
> Live preview skipped: this pull request comes from a fork.

| stack | EKS | GKE | AWS | topology |
|---|---|---|---|---|
| \`dev\` | +0 −0 ~2 | +1 −1 ~0 | +1 −0 ~0 | changed |
| \`new\` (added) | +1 −0 ~0 | – | – | – |

\`+added −removed ~changed\` objects (Kubernetes objects and Helm releases per cluster; AWS and certificate resources).

### Stack \`dev\`

#### EKS: 0 added, 0 removed, 2 changed

| | object | changed fields |
|---|---|---|
| changed | \`Helm release istio-system/istiod (chart istiod)\` | \`version\` |
| changed | \`networking.istio.io/v1 Gateway istio-ingress/crossmesh-export\` | \`spec.servers[0]\` |

#### GKE: 1 added, 1 removed, 0 changed

| | object | changed fields |
|---|---|---|
| added | \`networking.istio.io/v1 ServiceEntry istio-egress/crossmesh-orders-external\` | |
| removed | \`networking.istio.io/v1 ServiceEntry istio-egress/crossmesh-lambda-external\` | |

#### AWS: 1 added, 0 removed, 0 changed

| | object | changed fields |
|---|---|---|
| added | \`aws:lb/loadBalancer:LoadBalancer alb\` | |

<details><summary>Topology of \`dev\` at head (changed)</summary>

\`\`\`mermaid
flowchart LR
  a --> c
\`\`\`

</details>

### Stack \`new\` (added by this pull request)

#### EKS: 1 added, 0 removed, 0 changed

| | object | changed fields |
|---|---|---|
| added | \`v1 Namespace istio-ingress\` | |
`;

const OPTIONS = { note: "Live preview skipped: this pull request comes from a fork.", baseRef: "b1", headRef: "h2" };

test("two plans become the expected comment: per stack and cluster, added/removed/changed objects and the head topology", () => {
    const { base, head } = roots();
    assert.equal(commentFromPlanRoots(base, head, OPTIONS), EXPECTED);
});

test("the comment is deterministic: the same for plans listing their objects in another order, and across runs", () => {
    const a = roots();
    const b = roots(true);
    const first = commentFromPlanRoots(a.base, a.head, OPTIONS);
    assert.equal(commentFromPlanRoots(b.base, b.head, OPTIONS), first);
    assert.equal(commentFromPlanRoots(a.base, a.head, OPTIONS), first);
});

test("identical plans say so, and the comment still carries the marker the workflow finds it by", () => {
    const { base } = roots();
    const body = commentFromPlanRoots(base, base);
    assert.ok(body.startsWith(MARKER + "\n"));
    assert.match(body, /\| `dev` \| – \| – \| – \| – \|/);
    assert.match(body, /### Stack `dev`\n\nNo object changes\./);
});

test("a large change is listed up to a bound, not beyond what a GitHub comment holds", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-diff-big-"));
    const many = Array.from({ length: 500 }, (_, i) => entry(`h${String(i).padStart(3, "0")}.external`));
    writePlan(path.join(tmp, "head", "dev"), { ...BASE, gke: many });
    writePlan(path.join(tmp, "base", "dev"), BASE);
    const body = commentFromPlanRoots(path.join(tmp, "base"), path.join(tmp, "head"));
    assert.ok(body.length < 65_536, `${body.length} characters`);
    assert.equal(body.match(/^\| added \| `networking.istio.io\/v1 ServiceEntry/gm)?.length, MAX_ROWS);
    // 500 entries added and the base's 2 removed: 502 rows, MAX_ROWS of them listed.
    assert.match(body, new RegExp(`\\| … \\| ${500 + 2 - MAX_ROWS} more`));
});

test("two single-stack plan folders compare as one stack; folders holding no plan are refused, not reported empty", () => {
    const { base, head } = roots();
    const body = commentFromPlanRoots(path.join(base, "dev"), path.join(head, "dev"), OPTIONS);
    assert.match(body, /### Stack `dev`/);
    assert.match(body, /#### EKS: 0 added, 0 removed, 2 changed/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-diff-empty-"));
    assert.throws(() => commentFromPlanRoots(empty, empty), /no plan in/);
});

test("the command line writes the same body to --out", () => {
    const { base, head } = roots();
    const out = path.join(path.dirname(base), "comment.md");
    const run = spawnSync(
        process.execPath,
        [
            "--import",
            "tsx",
            path.join(ROOT, "tools", "plan-diff", "main.ts"),
            "--base",
            base,
            "--head",
            head,
            "--note",
            OPTIONS.note,
            "--base-ref",
            "b1",
            "--head-ref",
            "h2",
            "--out",
            out,
        ],
        { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(fs.readFileSync(out, "utf8"), EXPECTED);
});

// A plan whose objects refer to simulated values: the ALB's DNS name, the VPC id, a certificate time.
function simulatedPlan(alb: string, vpc: string, expires: string, listed: "listed" | "unlisted", albWhat = "alb") {
    const plan: PlanFiles = {
        eks: [{ ...entry("upstream.external"), spec: { hosts: [alb] } }],
        gke: [],
        helm: { eks: [], gke: [] },
        aws: [{ type: "aws:ec2/securityGroup:SecurityGroup", name: "sg", inputs: { vpcId: vpc, expires } }],
        topology: '```mermaid\nflowchart LR\n  up1["internal ALB<br/>' + alb + '"]\n```\n',
    };
    if (listed === "listed")
        plan.simulated = [
            { what: `DNS name of LoadBalancer ${albWhat}`, value: alb },
            { what: "VPC id of EKS cluster eks", value: vpc },
            { what: "certificate time on the simulator's clock", value: expires, compare: "by value" },
        ];
    return plan;
}

test("simulated values are compared by what they stand for: another made-up value is no change", () => {
    const base = simulatedPlan("internal-alb-1.elb.amazonaws.com", "vpc-aaa", "2026-04-01T00:00:00Z", "listed");
    const cases: { name: string; base: PlanFiles; head: PlanFiles; changed: string[] }[] = [
        {
            name: "other simulated values for the same things",
            base,
            head: simulatedPlan("internal-alb-2.elb.amazonaws.com", "vpc-bbb", "2026-04-01T00:00:00Z", "listed"),
            changed: [],
        },
        {
            name: "a base written before plans listed their simulated values",
            base: simulatedPlan("internal-alb-1.elb.amazonaws.com", "vpc-aaa", "2026-04-01T00:00:00Z", "unlisted"),
            head: base,
            changed: [],
        },
        {
            name: "a reference to another load balancer",
            base,
            head: simulatedPlan(
                "internal-alb2-1.elb.amazonaws.com",
                "vpc-aaa",
                "2026-04-01T00:00:00Z",
                "listed",
                "alb2",
            ),
            changed: ["networking.istio.io/v1 ServiceEntry istio-egress/crossmesh-upstream-external"],
        },
        {
            name: "a time on the plan's clock, compared by value",
            base,
            head: simulatedPlan("internal-alb-1.elb.amazonaws.com", "vpc-aaa", "2026-03-02T00:00:00Z", "listed"),
            changed: ["aws:ec2/securityGroup:SecurityGroup sg"],
        },
    ];
    for (const c of cases) {
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-diff-sim-"));
        writePlan(path.join(tmp, "base", "dev"), c.base);
        writePlan(path.join(tmp, "head", "dev"), c.head);
        const body = commentFromPlanRoots(path.join(tmp, "base"), path.join(tmp, "head"));
        const rows = [...body.matchAll(/^\| \w+ \| `([^`]+)` \|/gm)].map((m) => m[1]);
        assert.deepEqual(rows, c.changed, c.name);
        assert.equal(
            /\| `dev` \|[^\n]*\| changed \|$/m.test(body),
            c.changed.length > 0 && c.name.includes("load balancer"),
            `${c.name}: topology`,
        );
    }
});
