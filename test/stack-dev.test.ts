// The default (seed) stack, run as the Pulumi language host runs it, under the provider simulator:
// the cross-cloud edges exist, independent parts are not serialized, the two clusters' link secrets
// come from one PKI (a real handshake between them), and no secret leaks into plain state or outputs.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { RecordedResource, plainMatches, unsecret } from "../tools/simulator";
import { StackRun, runStack } from "../tools/simulator/stack";
import { providerName } from "../tools/plan/extract";
import { handshake } from "./support/handshake";

const KUBECONFIG_MARKER = "token: crossmesh-test-kubeconfig-credential";
let run: StackRun;

before(async () => {
    // A kubeconfig given as a secret, with a recognisable credential to look for everywhere.
    run = await runStack({
        stack: "dev",
        overrides: {
            gkeKubeconfig: `apiVersion: v1\nkind: Config\nusers:\n- name: gke\n  user:\n    ${KUBECONFIG_MARKER}\n`,
            gkeContext: undefined,
        },
        secretKeys: ["gkeKubeconfig"],
    });
});

const on = (cluster: string, type: string) =>
    run.graph.ofType(type).filter((r) => providerName(run.graph, r) === cluster);
const spec = (r: RecordedResource) => (unsecret(r.rawInputs) as any).spec;
const helm = (cluster: string, chart: string) =>
    on(cluster, "kubernetes:helm.sh/v3:Release").find((r) => (unsecret(r.rawInputs) as any).chart === chart)!;

test("the GKE ServiceEntry's endpoint is the EKS gateway's NLB hostname, as a data edge", () => {
    const [lbService] = on("eks", "kubernetes:core/v1:Service");
    const hostname = (lbService.state as any).status.loadBalancer.ingress[0].hostname as string;
    assert.match(hostname, /^k8s-.*\.elb\.eu-west-1\.amazonaws\.com$/);
    const [entry] = on("gke", "kubernetes:networking.istio.io/v1:ServiceEntry");
    assert.deepEqual(spec(entry).hosts, ["lambda.external"]);
    assert.deepEqual(spec(entry).endpoints, [{ address: hostname, ports: { http: 443 } }]);
    assert.ok(run.graph.waitsFor(entry, lbService), "the ServiceEntry waits for the LB Service");
    assert.equal(run.outputs.eksGatewayHostname, hostname);
});

test("the GKE side waits for nothing else from EKS or AWS (beyond the LB Service and what it needs itself)", () => {
    const lbService = on("eks", "kubernetes:core/v1:Service")[0];
    const lbNeeds = (r: RecordedResource) => r === lbService || run.graph.waitsFor(lbService, r);
    assert.equal(
        run.graph.resources
            .filter((r) => r.custom && lbNeeds(r) && r !== lbService)
            .map((r) => r.type)
            .join(),
        "kubernetes:core/v1:Namespace",
        "the LB Service needs only its namespace",
    );
    const eksAndAws = run.graph.resources.filter(
        (r) => r.custom && !lbNeeds(r) && (providerName(run.graph, r) === "eks" || r.type.startsWith("aws:")),
    );
    const job = on("gke", "kubernetes:batch/v1:Job")[0];
    for (const g of run.graph.resources.filter((r) => r.custom && providerName(run.graph, r) === "gke" && r !== job)) {
        for (const e of eksAndAws) {
            assert.equal(run.graph.waitsFor(g, e), false, `${g.type} ${g.name} must not wait for ${e.type} ${e.name}`);
        }
    }
});

test("the GKE install, the AWS side and the PKI start without waiting for each other", () => {
    const starts = {
        gkeInstall: helm("gke", "base"),
        eksInstall: helm("eks", "base"),
        alb: run.graph.ofType("aws:lb/loadBalancer:LoadBalancer")[0],
        fn: run.graph.ofType("aws:lambda/function:Function")[0],
        pkiServerCa: run.graph.one("tls:index/selfSignedCert:SelfSignedCert", "crossmesh-pki-server-ca"),
        pkiClientCert: run.graph.one("tls:index/locallySignedCert:LocallySignedCert", "crossmesh-pki-client-cert"),
        lbService: on("eks", "kubernetes:core/v1:Service")[0],
    };
    for (const [a, ra] of Object.entries(starts))
        for (const [b, rb] of Object.entries(starts)) {
            if (a !== b) assert.equal(run.graph.waitsFor(ra, rb), false, `${a} must not wait for ${b}`);
        }
    // The GKE gateway install does not wait for the EKS install either.
    assert.equal(run.graph.waitsFor(helm("gke", "gateway"), helm("eks", "istiod")), false);
});

test("data edges that are real: the EKS upstream objects wait for the ALB; istiod for base; the gateway for istiod", () => {
    const alb = run.graph.ofType("aws:lb/loadBalancer:LoadBalancer")[0];
    const upstreamEntry = on("eks", "kubernetes:networking.istio.io/v1:ServiceEntry")[0];
    assert.deepEqual(spec(upstreamEntry).hosts, [(alb.state as any).dnsName]);
    assert.ok(run.graph.waitsFor(upstreamEntry, alb));
    for (const cluster of ["eks", "gke"]) {
        assert.ok(run.graph.waitsFor(helm(cluster, "istiod"), helm(cluster, "base")));
        assert.ok(run.graph.waitsFor(helm(cluster, "gateway"), helm(cluster, "istiod")));
    }
});

test("the test client and the verification namespace wait for the GKE injector (istiod), not for the gateway", () => {
    const injected = [
        ...on("gke", "kubernetes:core/v1:Namespace").filter((r) =>
            ["sleep", "crossmesh-verify"].includes((unsecret(r.rawInputs) as any).metadata.name),
        ),
        ...on("gke", "kubernetes:apps/v1:Deployment"),
    ];
    assert.equal(injected.length, 3, "the sleep namespace, its Deployment and the verify namespace");
    for (const r of injected) {
        assert.ok(run.graph.waitsFor(r, helm("gke", "istiod")), `${r.name} waits for the injector`);
        assert.equal(
            run.graph.waitsFor(r, helm("gke", "gateway")),
            false,
            `${r.name} does not wait for the egress gateway`,
        );
    }
});

test("the verification Job runs last: after both sides, the Lambda's target, the ALB listener and its host rule", () => {
    const [job] = on("gke", "kubernetes:batch/v1:Job");
    for (const type of [
        "aws:lb/targetGroupAttachment:TargetGroupAttachment",
        "aws:lb/listener:Listener",
        "aws:lb/listenerRule:ListenerRule",
        "kubernetes:networking.istio.io/v1:VirtualService",
        "kubernetes:security.istio.io/v1:AuthorizationPolicy",
    ]) {
        for (const r of run.graph.ofType(type)) assert.ok(run.graph.waitsFor(job, r), `Job waits for ${r.name}`);
    }
    assert.match(String(run.outputs.verificationJob), /^crossmesh-verify-[0-9a-f]{10}$/);
    // The Job's identity is admitted by the egress gateway policy.
    const policy = on("gke", "kubernetes:security.istio.io/v1:AuthorizationPolicy")[0];
    assert.match(JSON.stringify(spec(policy)), /gke\.crossmesh\.local\/ns\/crossmesh-verify\/sa\/crossmesh-verify/);
});

test("both clusters' link secrets come from one PKI and complete a real mTLS handshake as lambda.external", async () => {
    const secret = (cluster: string) => {
        const s = on(cluster, "kubernetes:core/v1:Secret").find(
            (r) => (unsecret(r.rawInputs) as any).stringData?.["tls.key"],
        );
        assert.ok(s, `a credential secret on ${cluster}`);
        return (unsecret(s!.rawInputs) as any).stringData as Record<string, string>;
    };
    const server = secret("eks");
    const client = secret("gke");
    const result = await handshake(
        { cert: server["tls.crt"], key: server["tls.key"], ca: server["ca.crt"] },
        { cert: client["tls.crt"], key: client["tls.key"], ca: client["ca.crt"], servername: "lambda.external" },
    );
    assert.equal(result.ok, true, result.error);
    assert.equal(result.peerSubjectAltName, `URI:${run.outputs.clientSpiffeId}`);
});

test("no private key or kubeconfig appears outside a secret: stack outputs and every resource's inputs", () => {
    const stack = run.graph.one("pulumi:pulumi:Stack");
    assert.ok(stack.rawOutputs);
    assert.deepEqual(plainMatches(stack.rawOutputs, /PRIVATE KEY|crossmesh-test-kubeconfig/), []);
    for (const r of run.graph.resources) {
        assert.deepEqual(plainMatches(r.rawInputs, /PRIVATE KEY|crossmesh-test-kubeconfig/), [], `${r.type} ${r.name}`);
        if (r.rawOutputs)
            assert.deepEqual(
                plainMatches(r.rawOutputs, /PRIVATE KEY|crossmesh-test-kubeconfig/),
                [],
                `${r.type} ${r.name} outputs`,
            );
    }
    // …and they are there, as secrets: the check above looks at real values.
    const gkeProvider = run.graph.one("pulumi:providers:kubernetes", "gke");
    assert.match(String(unsecret(gkeProvider.rawInputs.kubeconfig)), /crossmesh-test-kubeconfig/);
    const eksProvider = run.graph.one("pulumi:providers:kubernetes", "eks");
    assert.match(String(unsecret(eksProvider.rawInputs.kubeconfig)), /aws.*eks.*get-token/s);
    assert.deepEqual(
        plainMatches(eksProvider.rawInputs, /get-token/),
        [],
        "the generated EKS kubeconfig is secret too",
    );
});

test("every custom resource names its provider explicitly: no ambient default provider", () => {
    for (const r of run.graph.resources.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) {
        const name = providerName(run.graph, r);
        const expected = r.type.startsWith("aws:")
            ? ["aws"]
            : r.type.startsWith("kubernetes:")
              ? ["eks", "gke"]
              : ["default"];
        assert.ok(expected.includes(name), `${r.type} ${r.name} uses provider ${name}`);
    }
});

test("certificatesExpireAt: both leaves and both CAs, as the drift workflow reads them (leaves renew long before the CAs end)", () => {
    const ends = run.outputs.certificatesExpireAt as Record<string, string>;
    assert.deepEqual(Object.keys(ends).sort(), ["client", "clientCa", "server", "serverCa"]);
    for (const [which, end] of Object.entries(ends)) assert.ok(!Number.isNaN(Date.parse(end)), `${which}: ${end}`);
    const days = (k: string) => (Date.parse(ends[k]!) - Date.now()) / 86_400_000;
    assert.ok(days("server") > 60 && days("server") <= 90, `server leaf ends in ${days("server")} days`);
    assert.ok(days("serverCa") > 3000, `server CA ends in ${days("serverCa")} days`);
});
