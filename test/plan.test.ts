// The offline plan: built from the real stack program with no credentials, byte-identical across
// runs, readable (the objects a reviewer expects are there) and free of secrets.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { parseAllDocuments, parse } from "yaml";

const ROOT = path.join(__dirname, "..");
function plan(stack: string, out: string): void {
    const run = spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(ROOT, "tools", "plan", "main.ts"), "--stack", stack, "--out", out],
        { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
    // One clock: the certificates the plan just issued are not reported expired or near expiry.
    assert.doesNotMatch(run.stdout + run.stderr, /certificate (expired|expires)/);
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
    const outputs = parse(read(a, "outputs.yaml"));
    assert.match(
        read(a, "topology.md"),
        new RegExp(
            `^<!--[^\\n]*-->\\n\`\`\`mermaid\\nflowchart LR[\\s\\S]*${outputs.eksGatewayHostname.replace(/\./g, "\\.")}`,
        ),
    );
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
