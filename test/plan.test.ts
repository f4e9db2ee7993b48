// The offline plan: built from the real stack program with no credentials, byte-identical across
// runs, readable (the objects a reviewer expects are there) and free of secrets.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { parseAllDocuments, parse, stringify } from "yaml";

const ROOT = path.join(__dirname, "..");
function plan(stack: string, out: string, ...args: string[]): string {
    const run = spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(ROOT, "tools", "plan", "main.ts"), "--stack", stack, "--out", out, ...args],
        { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    // One clock: the certificates the plan just issued are not reported expired or near expiry.
    assert.doesNotMatch(run.stdout + run.stderr, /certificate (expired|expires)/);
    return run.stdout;
}
const files = (dir: string) => fs.readdirSync(dir).sort();
const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), "utf8");

let a: string;
let b: string;
before(() => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-"));
    a = path.join(tmp, "a");
    b = path.join(tmp, "b");
    plan("dev", a);
    plan("dev", b);
});

test("the plan for the same config is byte-identical across runs", () => {
    assert.deepEqual(files(a), [
        "aws.yaml",
        "eks.yaml",
        "gke.yaml",
        "helm-releases.yaml",
        "outputs.yaml",
        "providers.yaml",
        "simulated.yaml",
        "topology.md",
    ]);
    for (const f of files(a)) assert.equal(read(a, f), read(b, f), `${f} differs between runs`);
});

test("every plan file says, first, that it is simulated", () => {
    for (const f of files(a)) assert.match(read(a, f).split("\n")[0]!, /Simulated by crossmesh's offline plan/, f);
});

test("the plan holds both clusters' objects, the Helm releases and the AWS side", () => {
    const kinds = (f: string) =>
        parseAllDocuments(read(a, f))
            .map((d) => (d.toJSON() as any).kind)
            .sort();
    assert.deepEqual(
        [...new Set(kinds("eks.yaml"))],
        [
            "AuthorizationPolicy",
            "DestinationRule",
            "Gateway",
            "MutatingWebhookConfiguration",
            "Namespace",
            "Secret",
            "Service",
            "ServiceEntry",
            "VirtualService",
        ],
    );
    assert.ok(kinds("gke.yaml").includes("Job"), "the verification Job");
    const gateway = parseAllDocuments(read(a, "eks.yaml"))
        .map((d) => d.toJSON() as any)
        .find((o) => o.kind === "Gateway");
    assert.equal(gateway.spec.servers[0].tls.mode, "MUTUAL");
    const helm = parse(read(a, "helm-releases.yaml"));
    for (const cluster of ["eks", "gke"])
        assert.deepEqual(helm[cluster].map((r: any) => r.chart).sort(), ["base", "gateway", "istiod"]);
    const awsTypes = parse(read(a, "aws.yaml")).map((r: any) => r.type);
    assert.ok(
        awsTypes.includes("aws:lb/loadBalancer:LoadBalancer") && awsTypes.includes("aws:lambda/function:Function"),
    );
    assert.match(
        read(a, "topology.md"),
        /^<!--[^\n]*-->\n```mermaid\nflowchart LR[\s\S]*\[simulated: load balancer hostname of Service istio-ingress\/istio-ingressgateway\]/,
    );
});

// Values only the simulator made up, where the dev plan shows them, and what each is marked as.
const SIMULATED_CASES: { file: string; line: RegExp; what: string }[] = [
    { file: "aws.yaml", line: /^ {4}vpcId: vpc-/, what: "VPC id of EKS cluster eks-lab5" },
    { file: "aws.yaml", line: /^ {6}- subnet-/, what: "subnet id of EKS cluster eks-lab5 (eks-lab5-private-eu-west-1" },
    {
        file: "aws.yaml",
        line: /referencedSecurityGroupId: sg-/,
        what: "cluster security group id of EKS cluster eks-lab5",
    },
    // The account inside an ARN inside a JSON policy: the whole ARN is the log group's.
    {
        file: "aws.yaml",
        line: /^ {4}policy: .*arn:aws:logs:/,
        what: "ARN of LogGroup crossmesh-lambdas-lambda-external-logs",
    },
    { file: "aws.yaml", line: /^ {4}role: arn:aws:iam::/, what: "ARN of Role crossmesh-lambdas-lambda-external-role" },
    { file: "eks.yaml", line: /^ {2}host: internal-/, what: "DNS name of LoadBalancer crossmesh-lambdas-alb" },
    {
        file: "gke.yaml",
        line: /address: k8s-/,
        what: "load balancer hostname of Service istio-ingress/istio-ingressgateway",
    },
    {
        file: "outputs.yaml",
        line: /^eksGatewayHostname: /,
        what: "load balancer hostname of Service istio-ingress/istio-ingressgateway",
    },
    {
        file: "outputs.yaml",
        line: /^ {4}functionName: /,
        what: "auto-name (random suffix) of Function crossmesh-lambdas-lambda-external-fn",
    },
    { file: "outputs.yaml", line: /^ {2}server: 2026-/, what: "certificate time on the simulator's clock" },
    // A name the program derives from the simulator's certificates (a content-addressed Secret), where it is
    // defined and where the gateway refers to it.
    {
        file: "eks.yaml",
        line: /^ {2}name: crossmesh-link-[0-9a-f]+ |credentialName: crossmesh-link-/,
        what: "content-addressed name of Secret crossmesh-link (a hash of the simulator's certificates)",
    },
];

test("each value only the simulator made up is marked where it appears, with what it stands for", () => {
    for (const c of SIMULATED_CASES) {
        const lines = read(a, c.file)
            .split("\n")
            .filter((l) => c.line.test(l));
        assert.ok(lines.length > 0, `${c.file}: no line ${c.line}`);
        for (const l of lines) assert.ok(l.includes(` # simulated: ${c.what}`), `${c.file}: ${l}`);
    }
});

test("every AWS-shaped value is marked simulated, and only lines holding a value of simulated.yaml are", () => {
    const listed = parse(read(a, "simulated.yaml")) as { what: string; value: string }[];
    assert.ok(listed.length > 10, "simulated.yaml lists the simulated values");
    const aws = /\b(vpc|subnet|sg)-[0-9a-f]{17}\b|\b123456789012\b|\.elb\.amazonaws\.com\b|\barn:aws:/;
    for (const f of files(a).filter((f) => f.endsWith(".yaml") && f !== "simulated.yaml")) {
        for (const l of read(a, f)
            .split("\n")
            .filter((l) => !l.startsWith("#"))) {
            const [value, comment] = l.split(" # simulated: ");
            if (aws.test(value!)) assert.ok(comment, `${f}: unmarked AWS value: ${l}`);
            if (comment) {
                // (A value inside another, e.g. an auto-name inside its ARN, is marked as the outer one.)
                const holds = listed.filter((s) => value!.includes(s.value) && comment.includes(s.what));
                assert.ok(holds.length > 0, `${f}: marked but holds no simulated value it names: ${l}`);
            }
        }
    }
    // The diagram shows what they stand for instead of the values.
    const topology = read(a, "topology.md");
    for (const s of listed) assert.ok(!topology.includes(s.value), `topology.md shows ${s.value}`);
});

test("no private key, certificate body or credential in any plan file", () => {
    for (const f of files(a)) {
        const text = read(a, f);
        assert.doesNotMatch(text, /BEGIN [A-Z ]*PRIVATE KEY|BEGIN CERTIFICATE/, f);
        assert.doesNotMatch(
            text,
            /get-token|certificate-authority-data|client.authentication/,
            `${f} holds kubeconfig content`,
        );
    }
    const secrets = parseAllDocuments(read(a, "gke.yaml"))
        .map((d) => d.toJSON() as any)
        .filter((o) => o.kind === "Secret");
    assert.deepEqual(
        secrets[0].stringData,
        { "ca.crt": "[secret]", "tls.crt": "[secret]", "tls.key": "[secret]" },
        "key names shown, values redacted",
    );
});

test("the diagram draws one node per upstream: hosts sharing an ALB meet at it and fan out by Host", async () => {
    const { mermaid } = await import("../tools/plan/diagram");
    const alb = "internal-x-1.eu-west-1.elb.amazonaws.com";
    const text = mermaid({
        eksGatewayHostname: "nlb.example",
        eksIngressGateway: "gw.istio-ingress",
        gkeEgressGateway: "gw.istio-egress",
        services: [
            { host: "a.external", upstreamHost: alb, functionName: "fa", allowedSources: [{ namespace: "x" }] },
            { host: "b.external", upstreamHost: alb, functionName: "fb", allowedSources: [{ namespace: "x" }] },
            { host: "c.external", upstreamHost: "c.internal.example", allowedSources: [{ namespace: "x" }] },
        ],
    });
    assert.equal(text.match(/\["internal ALB<br\/>/g)?.length, 1);
    assert.equal(text.match(/\["upstream<br\/>c\.internal\.example"\]/g)?.length, 1);
    assert.match(text, /up1 -- "Host: a\.external" --> fn_a_external/);
    assert.match(text, /up1 -- "Host: b\.external" --> fn_b_external/);
    assert.match(text, /igw -- "c\.external → TLS" --> up2/);
});

test("simulated values are found whole and longest first; marking them changes no value", async () => {
    const { findSimulated, markedYaml } = await import("../tools/plan/simulated");
    const { parse: parseYaml } = await import("yaml");
    const simulated = new Map([
        ["123456789012", "AWS account id"],
        ["arn:aws:iam::123456789012:role/r-1a2b3c4", "ARN of Role r"],
        ["10.96.3.4", "cluster IP of Service a/b"],
    ]);
    const cases: { text: string; found: string[] }[] = [
        { text: "arn:aws:iam::123456789012:role/r-1a2b3c4", found: ["ARN of Role r"] },
        { text: '{"Resource":"arn:aws:logs:eu-west-1:123456789012:log-group:x"}', found: ["AWS account id"] },
        { text: "10.96.3.45 and 110.96.3.4", found: [] },
        { text: "a 10.96.3.4, b 10.96.3.4", found: ["cluster IP of Service a/b", "cluster IP of Service a/b"] },
        { text: "1234567890123", found: [] },
    ];
    for (const c of cases)
        assert.deepEqual(
            findSimulated(c.text, simulated).map((f) => f.what),
            c.found,
            c.text,
        );
    const value = {
        role: "arn:aws:iam::123456789012:role/r-1a2b3c4",
        script: "#!/bin/sh\ncurl 10.96.3.4\n",
        list: ["# not a comment 123456789012", "plain"],
        n: 123456789012,
    };
    const text = markedYaml(value, simulated);
    assert.match(text, /^role: .* # simulated: ARN of Role r$/m);
    assert.deepEqual(parseYaml(text), value, "the comments change no value");
});

test("--base prints the change view: per cluster, each object's action as pulumi preview would say", () => {
    // A base as an older plan would be (no simulated.yaml, no providers.yaml, no marks), three changes away.
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-base-"));
    for (const f of ["eks.yaml", "gke.yaml", "helm-releases.yaml", "outputs.yaml", "topology.md"])
        fs.copyFileSync(path.join(a, f), path.join(base, f));
    const eks = parseAllDocuments(read(a, "eks.yaml")).map((d) => d.toJSON() as any);
    eks.find((o) => o.kind === "Gateway").spec.servers[0].port.number = 8443;
    eks.push({ apiVersion: "v1", kind: "Namespace", metadata: { name: "old-namespace" } });
    fs.writeFileSync(path.join(base, "eks.yaml"), eks.map((o) => stringify(o)).join("---\n"));
    const aws = parse(read(a, "aws.yaml"));
    aws.find((r: any) => r.type === "aws:lb/loadBalancer:LoadBalancer").inputs.internal = false;
    fs.writeFileSync(path.join(base, "aws.yaml"), stringify(aws));

    const out = plan("dev", path.join(path.dirname(a), "with-base"), "--base", base);
    const view = out.slice(out.indexOf("Stack dev"));
    assert.match(view, /^ {4}~ {2}update {2}networking\.istio\.io\/v1 Gateway istio-ingress\/crossmesh-export$/m);
    assert.match(view, /^ {4}- {2}delete {2}v1 Namespace old-namespace$/m);
    assert.match(
        view,
        /^ {4}\+- replace aws:lb\/loadBalancer:LoadBalancer crossmesh-lambdas-alb\n {15}internal forces replacement$/m,
    );
    // The new ALB gets a new ARN and DNS name: what holds them follows (the simulator keeps the values).
    assert.match(
        view,
        /^ {4}\+- replace aws:lb\/listener:Listener crossmesh-lambdas-https\n {15}loadBalancerArn forces replacement\n.*\n {15}new values from the replaced LoadBalancer crossmesh-lambdas-alb$/m,
    );
    assert.match(
        view,
        /^ {4}~ {2}update {2}networking\.istio\.io\/v1 ServiceEntry istio-ingress\/crossmesh-upstream-lambdas\n {15}changed: spec\.hosts\[0\]\n {15}new values from the replaced LoadBalancer crossmesh-lambdas-alb$/m,
    );
    // Nothing else (the simulated values the older base shows unmarked are no change): the three edits, and 3
    // updates (DestinationRule, ServiceEntry, VirtualService) and 3 replacements (listener, rule, CSR) following.
    assert.match(view, /^ {2}Changes: 4 to update, 4 to replace, 1 to delete$/m);
});

test("--base must be a plan folder the new plan does not overwrite", () => {
    const run = spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(ROOT, "tools", "plan", "main.ts"), "--stack", "dev", "--out", a, "--base", a],
        { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(run.status, 1);
    assert.match(run.stderr, /--base .*: not a plan folder outside --out/);
    assert.equal(read(a, "aws.yaml"), read(b, "aws.yaml"), "the base is left as it was");
});

const gatewayService = (annotations: Record<string, string>, spec: Record<string, unknown> = {}) => ({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "istio-ingressgateway", namespace: "istio-ingress", annotations },
    spec: { type: "LoadBalancer", ports: [{ name: "https", port: 443, protocol: "TCP" }], ...spec },
});
const LBC = "service.beta.kubernetes.io/aws-load-balancer-type";
const SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme";

// The gateway Service as a plan holds it, and what the diagram must say about its load balancer.
const EXPOSURE_CASES: { name: string; service?: Record<string, any>; label: string; sources?: string }[] = [
    {
        name: "internet-facing without source ranges",
        service: gatewayService({ [LBC]: "external", [SCHEME]: "internet-facing" }),
        label: "NLB, internet-facing, open to 0.0.0.0/0",
        sources: "anyone on the internet: 0.0.0.0/0",
    },
    {
        name: "internet-facing with source ranges",
        service: gatewayService(
            { [LBC]: "external", [SCHEME]: "internet-facing" },
            { loadBalancerSourceRanges: ["203.0.113.0/28", "198.51.100.0/24"] },
        ),
        label: "NLB, internet-facing, source ranges 203.0.113.0/28, 198.51.100.0/24",
        sources: "only 203.0.113.0/28, 198.51.100.0/24",
    },
    {
        name: "source ranges as the annotation",
        service: gatewayService({
            [LBC]: "external",
            [SCHEME]: "internet-facing",
            "service.beta.kubernetes.io/load-balancer-source-ranges": "203.0.113.0/28",
        }),
        label: "NLB, internet-facing, source ranges 203.0.113.0/28",
        sources: "only 203.0.113.0/28",
    },
    {
        name: "internal scheme",
        service: gatewayService({ [LBC]: "external", [SCHEME]: "internal" }),
        label: "NLB, internal",
    },
    {
        name: "no scheme, AWS Load Balancer Controller",
        service: gatewayService({ [LBC]: "external" }),
        label: "NLB, internal (no scheme annotation: the controller's default for a new NLB)",
    },
    {
        name: "no annotations: the in-tree controller",
        service: gatewayService({}),
        label: "Classic ELB, internet-facing, open to 0.0.0.0/0",
        sources: "anyone on the internet: 0.0.0.0/0",
    },
    {
        name: "in-tree, internal annotation",
        service: gatewayService({ "service.beta.kubernetes.io/aws-load-balancer-internal": "true" }),
        label: "Classic ELB, internal",
    },
    {
        name: "an adopted Service the plan does not hold",
        label: "adopted Service istio-ingress/istio-ingressgateway: its exposure is not in this plan",
    },
];

test("the diagram says how the gateway's load balancer is exposed, from its Service's spec and annotations", async () => {
    const { gatewayExposure, mermaid } = await import("../tools/plan/diagram");
    const topology = {
        eksGatewayHostname: "nlb.example",
        eksIngressGateway: "istio-ingressgateway.istio-ingress",
        gkeEgressGateway: "istio-egressgateway.istio-egress",
        services: [{ host: "a.external", upstreamHost: "a.internal", allowedSources: [{ namespace: "x" }] }],
    };
    for (const c of EXPOSURE_CASES) {
        const exposure = gatewayExposure(c.service, "istio-ingress/istio-ingressgateway");
        const text = mermaid(topology, { exposure });
        assert.ok(text.includes(`nlb["EKS gateway ${c.label}<br/>nlb.example"]`), `${c.name}:\n${text}`);
        if (c.sources) {
            assert.ok(text.includes(`sources(["${c.sources}"])\n  sources -. "TCP 443" .-> nlb`), c.name);
        } else assert.doesNotMatch(text, /sources/, c.name);
        assert.equal(text.includes("style nlb stroke:#d00"), c.label.includes("open to 0.0.0.0/0"), c.name);
    }
});

test("the dev plan's diagram says its NLB is internet-facing and open to 0.0.0.0/0 (no consumerEgressCidrs)", () => {
    assert.match(read(a, "topology.md"), /nlb\["EKS gateway NLB, internet-facing, open to 0\.0\.0\.0\/0<br\/>/);
    assert.match(read(a, "topology.md"), /sources\(\["anyone on the internet: 0\.0\.0\.0\/0"\]\)/);
});
