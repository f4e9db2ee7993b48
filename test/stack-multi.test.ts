// The second example stack: three services (two Lambdas, one existing upstream) into adopted Istio
// installs, strict mTLS, per-service callers.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { unsecret } from "../tools/simulator";
import { StackRun, runStack } from "../tools/simulator/stack";
import { providerName } from "../tools/plan/extract";

let run: StackRun;
before(async () => {
    run = await runStack({ stack: "multi" });
});
const on = (cluster: string, type: string) =>
    run.graph.ofType(type).filter((r) => providerName(run.graph, r) === cluster);
const spec = (r: { rawInputs: Record<string, unknown> }) => (unsecret(r.rawInputs) as any).spec;

test("adopted Istio: no Helm release and no gateway Service of crossmesh's own on either cluster", () => {
    assert.equal(run.graph.ofType("kubernetes:helm.sh/v3:Release").length, 0);
    const services = on("eks", "kubernetes:core/v1:Service");
    assert.equal(services.filter((r) => spec(r) !== undefined).length, 0, "no Service created");
    assert.equal(services.length, 1, "the adopted gateway's Service is only read, for its hostname");
    assert.match(String(run.outputs.eksGatewayHostname), /\.elb\.eu-west-1\.amazonaws\.com$/);
});

test("the two Lambdas share one internal ALB, each behind its own host rule; the existing upstream is routed by its own name", () => {
    assert.equal(run.graph.ofType("aws:lb/loadBalancer:LoadBalancer").length, 1, "one ALB for both functions");
    const services = run.outputs.services as any[];
    assert.deepEqual(
        services.map((s) => s.host),
        ["orders.external", "invoices.external", "inventory.external"],
    );
    assert.equal(services[2].functionName, undefined);
    const input = (r: { rawInputs: Record<string, unknown> }, key: string) => (unsecret(r.rawInputs) as any)[key];
    const rules = run.graph.ofType("aws:lb/listenerRule:ListenerRule");
    assert.equal(rules.length, 2);
    for (const host of ["orders.external", "invoices.external"]) {
        // Host header → rule → target group → attachment → the function the outputs name for that host.
        const rule = rules.find((r) => input(r, "conditions")[0].hostHeader.values[0] === host)!;
        assert.ok(rule, `a rule for ${host}`);
        const tgArn = input(rule, "actions")[0].targetGroupArn;
        const attachment = run.graph
            .ofType("aws:lb/targetGroupAttachment:TargetGroupAttachment")
            .find((a) => input(a, "targetGroupArn") === tgArn)!;
        const fn = run.graph
            .ofType("aws:lambda/function:Function")
            .find((f) => f.state?.arn === input(attachment, "targetId"))!;
        assert.equal(fn.state?.name, services.find((s) => s.host === host).functionName);
    }
    const upstreams = on("eks", "kubernetes:networking.istio.io/v1:ServiceEntry").flatMap((r) => spec(r).hosts);
    assert.deepEqual(
        upstreams.filter((h: string) => h.startsWith("internal-")).length,
        1,
        "one upstream entry for the shared ALB",
    );
    assert.ok(upstreams.includes("inventory.internal.example.org"));
    const routes = on("eks", "kubernetes:networking.istio.io/v1:VirtualService").map(spec);
    const albHost = services[0].upstreamHost;
    assert.equal(services[1].upstreamHost, albHost);
    for (const host of ["orders.external", "invoices.external"]) {
        const vs = routes.find((r) => r.hosts[0] === host)!;
        assert.equal(vs.http[0].route[0].destination.host, albHost, `${host} goes to the shared ALB`);
        assert.equal(
            vs.http[0].rewrite,
            undefined,
            "the Host header reaches the ALB unchanged, so its host rule matches",
        );
    }
});

test("each host admits only its own callers (plus the verification Job)", () => {
    const policy = JSON.stringify(on("gke", "kubernetes:security.istio.io/v1:AuthorizationPolicy").map(spec));
    assert.match(policy, /gke\.prod\.example\.org\/ns\/shop\/sa\/checkout/);
    assert.match(policy, /gke\.prod\.example\.org\/ns\/warehouse\/sa\/picker/);
    assert.match(policy, /crossmesh-verify/);
    const orders = on("gke", "kubernetes:networking.istio.io/v1:ServiceEntry").find(
        (r) => spec(r).hosts[0] === "orders.external",
    )!;
    assert.deepEqual(
        [...spec(orders).exportTo].sort(),
        [".", "crossmesh-verify", "shop"].sort(),
        "only its callers' namespaces see the host",
    );
});

test("strict mTLS in GKE and the adopted gateways' labels in every selector", () => {
    const pa = on("gke", "kubernetes:security.istio.io/v1:PeerAuthentication");
    assert.equal(pa.length, 1);
    assert.equal(spec(pa[0]).mtls.mode, "STRICT");
    for (const gw of on("eks", "kubernetes:networking.istio.io/v1:Gateway"))
        assert.deepEqual(spec(gw).selector, { istio: "ingressgateway", app: "istio-ingressgateway" });
    for (const gw of on("gke", "kubernetes:networking.istio.io/v1:Gateway"))
        assert.deepEqual(spec(gw).selector, { istio: "egressgateway", app: "istio-egressgateway" });
});

test("the link certificate names the adopted egress gateway's identity", () => {
    assert.equal(run.outputs.clientSpiffeId, "spiffe://gke.prod.example.org/ns/istio-egress/sa/istio-egressgateway");
});
