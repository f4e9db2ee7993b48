// The default stack with 101 Lambda-backed services: past what one ALB can route to (100 target groups
// per load balancer, not adjustable), so the link spreads them over a second ALB. The simulated ELB
// enforces the per-ALB quotas, so a registration past them would fail this run.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { unsecret } from "../tools/simulator";
import { StackRun, runStack } from "../tools/simulator/stack";
import { servicesOverride } from "../tools/bench/scale";

const N = 101;
let run: StackRun;
before(async () => {
    run = await runStack({ stack: "dev", overrides: { services: servicesOverride(N) } });
});
const input = (r: { rawInputs: Record<string, unknown> }, key: string) => (unsecret(r.rawInputs) as any)[key];

test("101 functions take two internal ALBs: 100 on the first, the 101st on the second", () => {
    const albs = run.graph.ofType("aws:lb/loadBalancer:LoadBalancer");
    assert.equal(albs.length, 2);
    const services = run.outputs.services as { host: string; upstreamHost: string; functionName?: string }[];
    assert.equal(services.length, N);
    assert.ok(
        services.every((s) => s.functionName),
        "every service has its function",
    );
    const byAlb = new Map<string, string[]>();
    for (const s of services) byAlb.set(s.upstreamHost, [...(byAlb.get(s.upstreamHost) ?? []), s.host]);
    assert.deepEqual(
        [...byAlb.values()].map((hosts) => hosts.length),
        [100, 1],
    );
    assert.deepEqual([...byAlb.values()][1], ["svc101.external"], "appending a service never moves the first hundred");
    assert.deepEqual([...byAlb.keys()].sort(), albs.map((a) => a.state?.dnsName).sort());
});

test("every host has exactly one rule, on the listener of the ALB its route goes to", () => {
    const rules = run.graph.ofType("aws:lb/listenerRule:ListenerRule");
    assert.equal(rules.length, N);
    const listeners = new Map(
        run.graph.ofType("aws:lb/listener:Listener").map((l) => [l.state?.arn, input(l, "loadBalancerArn")]),
    );
    const albDns = new Map(
        run.graph.ofType("aws:lb/loadBalancer:LoadBalancer").map((a) => [a.state?.arn, a.state?.dnsName]),
    );
    const services = run.outputs.services as { host: string; upstreamHost: string }[];
    for (const s of services) {
        const mine = rules.filter((r) => input(r, "conditions")[0].hostHeader.values.includes(s.host));
        assert.equal(mine.length, 1, s.host);
        assert.equal(
            albDns.get(listeners.get(input(mine[0], "listenerArn"))),
            s.upstreamHost,
            `${s.host}'s rule is on the ALB the EKS gateway sends it to`,
        );
    }
});

test("the EKS gateway has one upstream entry per ALB, not one per service", () => {
    const entries = run.graph
        .ofType("kubernetes:networking.istio.io/v1:ServiceEntry")
        .map((r) => input(r, "spec"))
        .filter((spec) => spec.hosts[0].startsWith("internal-"));
    assert.equal(entries.length, 2);
});
