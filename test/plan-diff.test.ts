// The credential-free PR review: two small offline plans (base and head) in, the exact comment body a
// reviewer reads out — per stack and cluster, each object's action (create, update, replace, delete, as
// `pulumi preview` would say) with the changed fields and what forces a replacement, the head's topology —
// and the same body whatever order the plans list their objects in; the same change view as text.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { stringify } from "yaml";
import {
    Change,
    MARKER,
    MAX_ROWS,
    commentFromPlanRoots,
    diffCluster,
    diffPlanRoots,
    renderText,
} from "../tools/plan-diff/diff";
import { KubernetesSettings, PlanEntry } from "../tools/plan-diff/replacement";

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
const secret = (type: string, name = "crossmesh-link") => ({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace: "istio-ingress" },
    type,
    stringData: { "tls.crt": "[secret]", "tls.key": "[secret]" },
});
const job = (image: string) => ({
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "crossmesh-verify", namespace: "crossmesh-verify" },
    spec: { template: { spec: { containers: [{ name: "verify", image }] } } },
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
    eks: [ns("istio-ingress"), gateway(443), secret("kubernetes.io/tls")],
    gke: [ns("istio-egress"), entry("lambda.external"), job("curl:8.10")],
    helm: { eks: [{ name: "istiod", namespace: "istio-system", chart: "istiod", version: "1.30.2" }], gke: [] },
    aws: [
        { type: "aws:lambda/function:Function", name: "fn-a", inputs: { memorySize: 128 } },
        { type: "aws:lb/loadBalancer:LoadBalancer", name: "alb", inputs: { internal: false } },
    ],
    topology: "```mermaid\nflowchart LR\n  a --> b\n```\n",
};
const HEAD: PlanFiles = {
    eks: [ns("istio-ingress"), gateway(8443), secret("Opaque")],
    gke: [ns("istio-egress"), entry("orders.external"), job("curl:8.11")],
    helm: { eks: [{ name: "istiod", namespace: "istio-system", chart: "istiod", version: "1.30.3" }], gke: [] },
    aws: [
        { type: "aws:lambda/function:Function", name: "fn-a", inputs: { memorySize: 256 } },
        { type: "aws:lb/loadBalancer:LoadBalancer", name: "alb", inputs: { internal: true } },
        { type: "aws:lb/listener:Listener", name: "https", inputs: { port: 443 } },
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
| \`dev\` | ~2 +-1 | +1 +-1 -1 | +1 ~1 +-1 | changed |
| \`new\` (added) | +1 | – | – | – |

Objects to \`+\` create, \`~\` update, \`+-\` replace, \`-\` delete, as \`pulumi preview\` would say (Kubernetes objects and Helm releases per cluster; AWS and certificate resources).

### Stack \`dev\`

#### EKS: 2 to update, 1 to replace

| action | object | changed fields |
|---|---|---|
| replace | \`v1 Secret istio-ingress/crossmesh-link\` | **\`type\` forces replacement (deleted, then re-created)**; \`type\` |
| update | \`Helm release istio-system/istiod\` | \`version\` |
| update | \`networking.istio.io/v1 Gateway istio-ingress/crossmesh-export\` | \`spec.servers[0]\` |

#### GKE: 1 to create, 1 to replace, 1 to delete

| action | object | changed fields |
|---|---|---|
| delete | \`networking.istio.io/v1 ServiceEntry istio-egress/crossmesh-lambda-external\` | |
| replace | \`batch/v1 Job crossmesh-verify/crossmesh-verify\` | **\`spec.template\` forces replacement (deleted, then re-created)**; \`spec.template.spec\` |
| create | \`networking.istio.io/v1 ServiceEntry istio-egress/crossmesh-orders-external\` | |

#### AWS: 1 to create, 1 to update, 1 to replace

| action | object | changed fields |
|---|---|---|
| replace | \`aws:lb/loadBalancer:LoadBalancer alb\` | **\`internal\` forces replacement**; \`internal\` |
| update | \`aws:lambda/function:Function fn-a\` | \`memorySize\` |
| create | \`aws:lb/listener:Listener https\` | |

<details><summary>Topology of \`dev\` at head (changed)</summary>

\`\`\`mermaid
flowchart LR
  a --> c
\`\`\`

</details>

### Stack \`new\` (added by this pull request)

#### EKS: 1 to create

| action | object | changed fields |
|---|---|---|
| create | \`v1 Namespace istio-ingress\` | |
`;

const OPTIONS = { note: "Live preview skipped: this pull request comes from a fork.", baseRef: "b1", headRef: "h2" };

test("two plans become the expected comment: per stack and cluster, each object's action and why, and the head topology", () => {
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
    // 500 entries to create and the base's 3 objects to delete: 503 rows, MAX_ROWS of them listed, deletes first.
    assert.equal(body.match(/^\| delete \| /gm)?.length, 3);
    assert.equal(body.match(/^\| create \| `networking.istio.io\/v1 ServiceEntry/gm)?.length, MAX_ROWS - 3);
    assert.match(body, new RegExp(`\\| … \\| ${500 + 3 - MAX_ROWS} more`));
});

test("two single-stack plan folders compare as one stack; folders holding no plan are refused, not reported empty", () => {
    const { base, head } = roots();
    const body = commentFromPlanRoots(path.join(base, "dev"), path.join(head, "dev"), OPTIONS);
    assert.match(body, /### Stack `dev`/);
    assert.match(body, /#### EKS: 2 to update, 1 to replace/);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-diff-empty-"));
    assert.throws(() => commentFromPlanRoots(empty, empty), /no plan in/);
});

test("the command line writes the same body to --out, and the change view with --text", () => {
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
    const text = spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(ROOT, "tools", "plan-diff", "main.ts"), "--base", base, "--head", head, "--text"],
        { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(text.status, 0, text.stderr);
    assert.equal(text.stdout, renderText(diffPlanRoots(base, head)));
    assert.match(
        text.stdout,
        /^ {4}\+- replace aws:lb\/loadBalancer:LoadBalancer alb\n {15}internal forces replacement$/m,
    );
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

const k8s = (value: Record<string, any>): PlanEntry => ({ source: "kubernetes", value });
const cloud = (type: string, value: Record<string, any>): PlanEntry => ({ source: "cloud", type, value });
const keyOf = (o: Record<string, any>) =>
    `${o.apiVersion} ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
const withData = (o: Record<string, any>, data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
    ...o,
    ...extra,
    stringData: data,
});
const deployment = (selector: Record<string, string>, replicas: number) => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "sleep", namespace: "sleep" },
    spec: { selector: { matchLabels: selector }, replicas },
});
const service = (spec: Record<string, unknown>) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "istio-ingressgateway", namespace: "istio-ingress" },
    spec,
});
const pdb = (apiVersion: string, minAvailable: number) => ({
    apiVersion,
    kind: "PodDisruptionBudget",
    metadata: { name: "istiod", namespace: "istio-system" },
    spec: { minAvailable },
});
const configMap = (data: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "dashboard", namespace: "monitoring" },
    data,
});
const MUTABLE: KubernetesSettings = { enableSecretMutable: true };
const ALB = "aws:lb/loadBalancer:LoadBalancer";
const FN = "aws:lambda/function:Function";
const CERT = "tls:index/locallySignedCert:LocallySignedCert";

// One object before and after, the provider settings, and what `pulumi preview` would do to it.
const ACTION_CASES: {
    name: string;
    base: PlanEntry;
    head: PlanEntry;
    settings?: KubernetesSettings;
    expect: Pick<Change, "action" | "replacedBecause"> & { deletedFirst?: boolean };
}[] = [
    {
        name: "Secret data, enableSecretMutable: in place",
        base: k8s(withData(secret("Opaque"), { a: "[secret]" })),
        head: k8s(withData(secret("Opaque"), { a: "[secret]", b: "[secret]" })),
        settings: MUTABLE,
        expect: { action: "update", replacedBecause: [] },
    },
    {
        name: "Secret data, provider default: replaced",
        base: k8s(withData(secret("Opaque"), { a: "[secret]" })),
        head: k8s(withData(secret("Opaque"), { a: "[secret]", b: "[secret]" })),
        expect: { action: "replace", replacedBecause: ["stringData"], deletedFirst: true },
    },
    {
        name: "immutable Secret data, even with enableSecretMutable: replaced",
        base: k8s(withData(secret("Opaque"), { a: "[secret]" }, { immutable: true })),
        head: k8s(withData(secret("Opaque"), { b: "[secret]" }, { immutable: true })),
        settings: MUTABLE,
        expect: { action: "replace", replacedBecause: ["stringData"], deletedFirst: true },
    },
    {
        name: "Secret type, with enableSecretMutable: replaced",
        base: k8s(secret("kubernetes.io/tls")),
        head: k8s(secret("Opaque")),
        settings: MUTABLE,
        expect: { action: "replace", replacedBecause: ["type"], deletedFirst: true },
    },
    {
        name: "Secret labels: in place",
        base: k8s(secret("Opaque")),
        head: k8s({ ...secret("Opaque"), metadata: { ...secret("Opaque").metadata, labels: { a: "b" } } }),
        expect: { action: "update", replacedBecause: [] },
    },
    {
        name: "ConfigMap data, provider default: replaced",
        base: k8s(configMap({ a: "1" })),
        head: k8s(configMap({ a: "2" })),
        expect: { action: "replace", replacedBecause: ["data"], deletedFirst: true },
    },
    {
        name: "Service clusterIP: replaced",
        base: k8s(service({ type: "ClusterIP", clusterIP: "10.96.0.10" })),
        head: k8s(service({ type: "ClusterIP", clusterIP: "10.96.0.11" })),
        expect: { action: "replace", replacedBecause: ["spec.clusterIP"], deletedFirst: true },
    },
    {
        name: "Service type and source ranges: in place (not in the provider's list)",
        base: k8s(service({ type: "LoadBalancer" })),
        head: k8s(service({ type: "ClusterIP", loadBalancerSourceRanges: ["203.0.113.0/28"] })),
        expect: { action: "update", replacedBecause: [] },
    },
    {
        name: "Deployment selector: replaced",
        base: k8s(deployment({ app: "sleep" }, 1)),
        head: k8s(deployment({ app: "sleep", v: "2" }, 1)),
        expect: { action: "replace", replacedBecause: ["spec.selector"], deletedFirst: true },
    },
    {
        name: "Deployment replicas: in place",
        base: k8s(deployment({ app: "sleep" }, 1)),
        head: k8s(deployment({ app: "sleep" }, 2)),
        expect: { action: "update", replacedBecause: [] },
    },
    {
        name: "Job template: replaced",
        base: k8s(job("curl:8.10")),
        head: k8s(job("curl:8.11")),
        expect: { action: "replace", replacedBecause: ["spec.template"], deletedFirst: true },
    },
    {
        name: "policy/v1beta1 PodDisruptionBudget spec: replaced",
        base: k8s(pdb("policy/v1beta1", 1)),
        head: k8s(pdb("policy/v1beta1", 2)),
        expect: { action: "replace", replacedBecause: ["spec"], deletedFirst: true },
    },
    {
        name: "policy/v1 PodDisruptionBudget spec: in place",
        base: k8s(pdb("policy/v1", 1)),
        head: k8s(pdb("policy/v1", 2)),
        expect: { action: "update", replacedBecause: [] },
    },
    {
        name: "Helm release version: in place",
        base: { source: "helm", value: { name: "istiod", namespace: "istio-system", version: "1.30.2" } },
        head: { source: "helm", value: { name: "istiod", namespace: "istio-system", version: "1.30.3" } },
        expect: { action: "update", replacedBecause: [] },
    },
    {
        name: "ALB internal: replaced, and not deleted first",
        base: cloud(ALB, { internal: true, securityGroups: ["sg-1"] }),
        head: cloud(ALB, { internal: false, securityGroups: ["sg-1"] }),
        expect: { action: "replace", replacedBecause: ["internal"], deletedFirst: false },
    },
    {
        name: "ALB security groups: in place",
        base: cloud(ALB, { internal: true, securityGroups: ["sg-1"] }),
        head: cloud(ALB, { internal: true, securityGroups: ["sg-2"] }),
        expect: { action: "update", replacedBecause: [] },
    },
    {
        name: "Lambda name: replaced",
        base: cloud(FN, { name: "a", memorySize: 128 }),
        head: cloud(FN, { name: "b", memorySize: 128 }),
        expect: { action: "replace", replacedBecause: ["name"], deletedFirst: false },
    },
    {
        name: "Lambda memory: in place",
        base: cloud(FN, { name: "a", memorySize: 128 }),
        head: cloud(FN, { name: "a", memorySize: 256 }),
        expect: { action: "update", replacedBecause: [] },
    },
    {
        name: "certificate validity: reissued",
        base: cloud(CERT, { validityPeriodHours: 2160, earlyRenewalHours: 720 }),
        head: cloud(CERT, { validityPeriodHours: 1440, earlyRenewalHours: 720 }),
        expect: { action: "replace", replacedBecause: ["validityPeriodHours"], deletedFirst: false },
    },
    {
        name: "certificate early renewal: in place",
        base: cloud(CERT, { validityPeriodHours: 2160, earlyRenewalHours: 720 }),
        head: cloud(CERT, { validityPeriodHours: 2160, earlyRenewalHours: 480 }),
        expect: { action: "update", replacedBecause: [] },
    },
];

test("each change gets the action pulumi preview would show: replace only when a field the provider cannot update changed", () => {
    for (const c of ACTION_CASES) {
        const key = c.base.source === "kubernetes" ? keyOf(c.base.value) : "entry";
        const [change, ...rest] = diffCluster(new Map([[key, c.base]]), new Map([[key, c.head]]), c.settings).changes;
        assert.equal(rest.length, 0, c.name);
        assert.equal(change!.action, c.expect.action, c.name);
        assert.deepEqual(change!.replacedBecause, c.expect.replacedBecause, c.name);
        if (c.expect.deletedFirst !== undefined) assert.equal(change!.deletedFirst, c.expect.deletedFirst, c.name);
    }
});

test("a new identity is a delete and a create: a Secret named by its content hash, a renamed Job", () => {
    const before = secret("Opaque", "crossmesh-link-5d41402a");
    const after = secret("Opaque", "crossmesh-link-7d793037");
    const changes = diffCluster(
        new Map([[keyOf(before), k8s(before)]]),
        new Map([[keyOf(after), k8s(after)]]),
        MUTABLE,
    ).changes;
    assert.deepEqual(
        changes.map((c) => [c.action, c.key]),
        [
            ["delete", "v1 Secret istio-ingress/crossmesh-link-5d41402a"],
            ["create", "v1 Secret istio-ingress/crossmesh-link-7d793037"],
        ],
    );
});

test("a plan's providers.yaml decides whether Secret data is updated in place; the text view says what the comment says", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-diff-providers-"));
    const plan = (data: Record<string, string>): PlanFiles => ({
        ...BASE,
        eks: [withData(secret("Opaque"), data)],
    });
    writePlan(path.join(tmp, "base"), plan({ a: "[secret]" }));
    writePlan(path.join(tmp, "head"), plan({ a: "[secret]", b: "[secret]" }));
    const text = () => renderText(diffPlanRoots(path.join(tmp, "base"), path.join(tmp, "head")));
    assert.match(
        text(),
        /\+- replace v1 Secret istio-ingress\/crossmesh-link\n +stringData forces replacement \(deleted, then re-created\)/,
    );
    fs.writeFileSync(path.join(tmp, "head", "providers.yaml"), stringify({ eks: { enableSecretMutable: true } }));
    assert.match(text(), /~ {2}update {2}v1 Secret istio-ingress\/crossmesh-link\n +changed: stringData\.b\n/);
    assert.match(text(), /Changes: 1 to update/);
});

test("what holds a replaced resource's identifiers follows it: updated, or replaced where its provider cannot update them", () => {
    const nlb = "k8s-istio-in-1.elb.amazonaws.com";
    const albArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/alb-1/1";
    const listenerArn = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/alb-1/1/2";
    const plan = (clusterIP: string): PlanFiles => ({
        eks: [service({ type: "LoadBalancer", clusterIP })],
        gke: [
            { ...entry("lambda.external"), spec: { hosts: ["lambda.external"], endpoints: [{ address: nlb }] } },
            { ...job("curl:8.11"), spec: { template: { spec: { containers: [{ name: "v", args: [nlb] }] } } } },
        ],
        helm: { eks: [], gke: [] },
        aws: [
            { type: ALB, name: "alb", inputs: { internal: clusterIP === "10.96.0.10" } },
            { type: "aws:lb/listener:Listener", name: "https", inputs: { loadBalancerArn: albArn } },
            { type: "aws:lb/listenerRule:ListenerRule", name: "rule", inputs: { listenerArn, priority: 1 } },
        ],
        simulated: [
            { what: "load balancer hostname of Service istio-ingress/istio-ingressgateway", value: nlb },
            { what: "ARN of LoadBalancer alb", value: albArn },
            { what: "ARN of Listener https", value: listenerArn },
        ],
    });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-diff-follow-"));
    writePlan(path.join(tmp, "base"), plan("10.96.0.10"));
    writePlan(path.join(tmp, "head"), plan("10.96.0.11"));
    const [diff] = diffPlanRoots(path.join(tmp, "base"), path.join(tmp, "head"));
    const view = (c: "EKS" | "GKE" | "AWS") =>
        diff!.clusters[c].changes.map((x) => [x.action, x.key, x.replacedBecause.join(), x.follows.join()]);
    assert.deepEqual(view("EKS"), [["replace", "v1 Service istio-ingress/istio-ingressgateway", "spec.clusterIP", ""]]);
    assert.deepEqual(view("GKE"), [
        // The hostname is in the Job's template (which forces a new Job), and in the ServiceEntry's endpoints.
        [
            "replace",
            "batch/v1 Job crossmesh-verify/crossmesh-verify",
            "spec.template",
            "Service istio-ingress/istio-ingressgateway",
        ],
        [
            "update",
            "networking.istio.io/v1 ServiceEntry istio-egress/crossmesh-lambda-external",
            "",
            "Service istio-ingress/istio-ingressgateway",
        ],
    ]);
    // A chain: the ALB's new ARN replaces the listener, whose new ARN replaces the rule.
    assert.deepEqual(view("AWS"), [
        ["replace", "aws:lb/listener:Listener https", "loadBalancerArn", "LoadBalancer alb"],
        ["replace", "aws:lb/listenerRule:ListenerRule rule", "listenerArn", "Listener https"],
        ["replace", "aws:lb/loadBalancer:LoadBalancer alb", "internal", ""],
    ]);
    assert.ok(diff!.clusters.GKE.changes[0]!.deletedFirst, "the Job is deleted before its replacement");
});
