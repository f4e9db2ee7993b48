// LambdaHostsAlb under the provider simulator: several functions behind one internal ALB, each reached
// by its Host header. The routing test evaluates the recorded listener and rules the way the ALB does
// (rules by ascending priority, first host-header match wins, else the default action).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { RecordedResource, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import { handshake } from "./support/handshake";
import { refusalTable } from "./support/refused";

const sim = startSimulation();
const HOSTS = ["orders.external", "invoices.external", "lambda.external"];
type Args = import("../components/lambda-hosts-alb").LambdaHostsAlbArgs;

async function deploy(name: string, args: Partial<Args> = {}) {
    const { LambdaHostsAlb } = await import("../components/lambda-hosts-alb");
    const component = new LambdaHostsAlb(name, {
        eksClusterName: "eks-lab5",
        functions: HOSTS.map((host) => ({ host })),
        ...args,
    });
    await valueOf(component.functions);
    await settle();
    const mine = (type: string) => sim.graph.ofType(type).filter((r) => r.name.startsWith(`${name}-`));
    return { component, mine };
}
const input = (r: RecordedResource, key: string) => unsecret(r.rawInputs[key]) as any;

/** Which function (by ARN) answers a request with this Host on 443, or the fixed response. */
function route(
    mine: (type: string) => RecordedResource[],
    host: string,
): { functionArn?: string; fixed?: { statusCode: string } } {
    const [listener] = mine("aws:lb/listener:Listener").filter((l) => input(l, "port") === 443);
    const rules = mine("aws:lb/listenerRule:ListenerRule")
        .filter((r) => input(r, "listenerArn") === listener.state?.arn)
        .sort((a, b) => input(a, "priority") - input(b, "priority"));
    const matched = rules.find((r) =>
        input(r, "conditions").some((c: any) => (c.hostHeader?.values ?? []).includes(host)),
    );
    const action = matched ? input(matched, "actions")[0] : input(listener, "defaultActions")[0];
    if (action.type === "fixed-response") return { fixed: action.fixedResponse };
    const attachment = mine("aws:lb/targetGroupAttachment:TargetGroupAttachment").find(
        (a) => input(a, "targetGroupArn") === action.targetGroupArn,
    )!;
    return { functionArn: input(attachment, "targetId") };
}

test("one internal ALB; each host reaches its own function, any other host gets a 404 from the ALB", async () => {
    const { component, mine } = await deploy("route");
    assert.equal(mine("aws:lb/loadBalancer:LoadBalancer").length, 1);
    assert.equal(input(mine("aws:lb/loadBalancer:LoadBalancer")[0], "internal"), true);
    const functions = await valueOf(component.functions);
    assert.deepEqual(
        functions.map((f) => f.host),
        HOSTS,
    );
    assert.equal(new Set(functions.map((f) => f.functionArn)).size, HOSTS.length, "a function per host");
    for (const f of functions) assert.equal(route(mine, f.host).functionArn, f.functionArn, `${f.host} → its function`);
    assert.equal(route(mine, "other.external").fixed?.statusCode, "404");
    assert.equal(
        route(mine, await valueOf(component.hostname)).fixed?.statusCode,
        "404",
        "the ALB's own name reaches no function",
    );
});

test("every function is registered only after ELB may invoke it, from its own target group", async () => {
    const { mine } = await deploy("perm");
    const attachments = mine("aws:lb/targetGroupAttachment:TargetGroupAttachment");
    assert.equal(attachments.length, HOSTS.length);
    for (const attachment of attachments) {
        const permission = mine("aws:lambda/permission:Permission").find(
            (p) => input(p, "sourceArn") === input(attachment, "targetGroupArn"),
        )!;
        assert.ok(permission, "a permission scoped to the attachment's target group");
        assert.ok(sim.graph.waitsFor(attachment, permission));
        const fn = mine("aws:lambda/function:Function").find((f) => f.state?.arn === input(attachment, "targetId"))!;
        assert.equal(input(permission, "function"), fn.state?.name, "the permission is for the registered function");
    }
    const logGroups = mine("aws:cloudwatch/logGroup:LogGroup");
    assert.equal(logGroups.length, HOSTS.length, "each function logs to its own group");
});

test("rule priorities are unique and follow the host, not its position in the list", async () => {
    const { rulePriorities, MAX_PRIORITY } = await import("../components/lambda-hosts-alb/priority");
    const hosts = Array.from({ length: 100 }, (_, i) => `svc${i}.external`);
    const all = rulePriorities(hosts);
    assert.equal(new Set(all.values()).size, hosts.length);
    for (const p of all.values()) assert.ok(p >= 1 && p <= MAX_PRIORITY);
    // Removing a host in the middle leaves everyone else's priority alone (no PriorityInUse on update)…
    const without = rulePriorities(hosts.filter((h) => h !== "svc50.external"));
    const moved = hosts.filter((h) => h !== "svc50.external" && without.get(h) !== all.get(h));
    assert.deepEqual(moved, [], "no other rule changes priority");
    // …and a collision moves only the later host, to the next free value.
    const base = (h: string) => rulePriorities([h]).get(h)!;
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
        const h = `h${i}.external`;
        const other = seen.get(base(h));
        if (other) pair = [other, h];
        seen.set(base(h), h);
    }
    const both = rulePriorities(pair);
    assert.equal(both.get(pair[0]), base(pair[0]));
    assert.equal(both.get(pair[1]), (base(pair[1]) % MAX_PRIORITY) + 1);
});

test("the listener serves the ALB certificate the exposed CA verifies at the ALB hostname (node:tls)", async () => {
    const { component, mine } = await deploy("tls");
    const [acm] = mine("aws:acm/certificate:Certificate");
    const [listener] = mine("aws:lb/listener:Listener");
    assert.equal(input(listener, "certificateArn"), acm.state?.arn);
    const served = { cert: input(acm, "certificateBody"), key: input(acm, "privateKey") };
    const ca = (await valueOf(component.caPem))!;
    assert.equal((await handshake(served, { ca, servername: await valueOf(component.hostname) })).ok, true);
    assert.equal(
        (await handshake(served, { ca, servername: "orders.external" })).ok,
        false,
        "the certificate names the ALB, not the exported hosts",
    );
});

test("the simulated ELB refuses what AWS refuses: a taken priority, a rule past the quota, a target group on two ALBs", async () => {
    const { AwsSimulator } = await import("../tools/simulator/aws");
    const { defaultWorld } = await import("../tools/simulator/world");
    const elb = new AwsSimulator(defaultWorld());
    const create = (type: string, name: string, inputs: Record<string, unknown>) =>
        elb.newResource(type, name, inputs) as { id: string; state: Record<string, any> };
    const listenerOn = (n: string) =>
        create("aws:lb/listener:Listener", `l${n}`, {
            loadBalancerArn: `arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/alb${n}/abc`,
            protocol: "HTTP",
            port: 80,
            defaultActions: [],
        }).state.arn as string;
    const [one, two] = [listenerOn("1"), listenerOn("2")];
    const tg = (n: number) => `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/tg${n}/abc`;
    const rule = (name: string, listenerArn: string, priority: number, targetGroupArn: string) => () =>
        create("aws:lb/listenerRule:ListenerRule", name, {
            listenerArn,
            priority,
            conditions: [{ hostHeader: { values: [`${name}.external`] } }],
            actions: [{ type: "forward", targetGroupArn }],
        });
    rule("r0", one, 7, tg(0))();
    assert.throws(rule("r1", one, 7, tg(1)), /PriorityInUse: priority 7 is already used by r0/);
    assert.throws(rule("r2", two, 8, tg(0)), /target group .*tg0.* is already used by load balancer .*alb1/);
    for (let i = 1; i < 100; i++) rule(`q${i}`, one, 100 + i, tg(1000 + i))();
    assert.throws(rule("q100", one, 500, tg(2000)), /TooManyRules: the load balancer already has 100 rules/);
});

const hosts = (...names: string[]) => names.map((host) => ({ host }));
const long = `${"a".repeat(60)}.${"b".repeat(60)}.external`;
const many = hosts(...Array.from({ length: 101 }, (_, i) => `svc${i}.external`));
// [what is wrong, the args that differ from a valid one, the field refused, the fix it says]
const CASES: [string, Partial<Args>, string, RegExp][] = [
    ["no functions", { functions: [] }, "functions", /list at least one function/],
    ["more functions than one ALB can route to", { functions: many }, "functions", /101 .*\(100 target groups per/],
    ["the same host twice", { functions: hosts("a.external", "a.external") }, "functions[1].host", /listed twice/],
    ["hosts giving one name", { functions: hosts("a-b.x", "a.b-x") }, "functions[1].host", /the same resource names/],
    ["a wildcard host", { functions: hosts("*.external") }, "functions[0].host", /wildcard/],
    ["a host too long for a host-header rule", { functions: hosts(long) }, "functions[0].host", /at most 128/],
    [
        "a bad setting of one function",
        { functions: [...hosts("a.x"), { host: "b.x", runtime: "python2.7" }] },
        "functions[1].runtime",
        /use one of .*python3\.10, python3\.11/,
    ],
    ["the ALB's own settings", { eksClusterName: undefined }, "eksClusterName", /give the EKS cluster name/],
];
refusalTable(
    sim.graph,
    CASES.map(([name, args, path, fix]) => ({ name, args, path, fix })),
    async (args) => {
        const { LambdaHostsAlb } = await import("../components/lambda-hosts-alb");
        return () =>
            new LambdaHostsAlb("bad", { eksClusterName: "eks-lab5", functions: hosts("lambda.external"), ...args });
    },
);
