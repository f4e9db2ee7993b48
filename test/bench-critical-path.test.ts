// The pure parts of `npm run bench`: longest weighted path, the inherent-only bound, duration lookup,
// the graph built from a recording, and the scale statistics. Synthetic graphs only; no timings.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { GraphRecorder, RecordedResource, SECRET_SIG } from "../tools/simulator/recorder";
import { longestPath, serialSum } from "../tools/bench/critical-path";
import {
    DURATIONS,
    HELM_RELEASE,
    LOAD_BALANCER_SERVICE,
    PLAIN_KUBE_OBJECT,
    SERVICE,
    durationOf,
    resourceKind,
} from "../tools/bench/durations";
import { DeployGraph, DeployNode, deployGraphFrom } from "../tools/bench/graph";
import { INHERENT_RULES, inherentOnly, inherentRuleFor } from "../tools/bench/inherent";
import { criticalPathReport, ratioUnderPerturbation } from "../tools/bench/report";
import { median, perServiceIncrements, servicesOverride } from "../tools/bench/scale";

/** A node with an explicit weight (for pure path tests). */
const w = (id: string, seconds: number, waitsFor: string[] = [], kind = "test:kind"): DeployNode => ({
    id,
    type: kind,
    name: id,
    kind,
    seconds,
    waitsFor,
});
/** A node weighted by the duration table (for inherent-edge tests). */
const k = (id: string, kind: string, waitsFor: string[] = []): DeployNode => ({
    id,
    type: kind,
    name: id,
    kind,
    seconds: durationOf(kind).seconds,
    waitsFor,
});
const ids = (nodes: DeployNode[]) => nodes.map((n) => n.id);

describe("longestPath", () => {
    it("takes the heaviest chain of a diamond, not the sum and not the longest by count", () => {
        // a → b(5) → d and a → c(1) → e(1) → d: the two-hop chain through b is heavier than the three-hop one.
        const g = [w("a", 2), w("b", 5, ["a"]), w("c", 1, ["a"]), w("e", 1, ["c"]), w("d", 3, ["b", "e"])];
        const p = longestPath(g);
        assert.equal(p.seconds, 10);
        assert.deepEqual(ids(p.path), ["a", "b", "d"]);
        assert.equal(serialSum(g), 12);
    });

    it("runs independent chains in parallel", () => {
        const g = [w("x1", 4), w("x2", 4, ["x1"]), w("y1", 7)];
        assert.equal(longestPath(g).seconds, 8);
        assert.deepEqual(ids(longestPath(g).path), ["x1", "x2"]);
    });

    it("ignores waits on resources outside the graph and an empty graph takes no time", () => {
        assert.equal(longestPath([w("a", 3, ["provider-or-component"])]).seconds, 3);
        assert.deepEqual(longestPath([]), { seconds: 0, path: [] });
    });

    it("refuses a cycle and names a resource on it", () => {
        assert.throws(
            () => longestPath([w("a", 1, ["c"]), w("b", 1, ["a"]), w("c", 1, ["b"]), w("free", 1)]),
            /cycle through a, b, c/,
        );
    });

    it("agrees with brute-force enumeration of all paths on random DAGs", () => {
        let seed = 7;
        const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        for (let trial = 0; trial < 200; trial++) {
            const n = 1 + Math.floor(rnd() * 8);
            // Edges only to lower indices: acyclic by construction; ids shuffled so order is not a hint.
            const g = Array.from({ length: n }, (_, i) => w(`n${(i * 5) % 11}-${i}`, Math.floor(rnd() * 20), []));
            g.forEach((node, i) => {
                for (let j = 0; j < i; j++) if (rnd() < 0.35) node.waitsFor.push(g[j].id);
            });
            const byId = new Map(g.map((x) => [x.id, x]));
            const brute = (id: string): number =>
                byId.get(id)!.seconds + Math.max(0, ...byId.get(id)!.waitsFor.map(brute));
            const expected = Math.max(...g.map((x) => brute(x.id)));
            const got = longestPath(g);
            assert.equal(got.seconds, expected, `trial ${trial}`);
            // The named path is a real chain whose weights add up to the total.
            assert.equal(
                got.path.reduce((s, x) => s + x.seconds, 0),
                expected,
            );
            got.path
                .slice(1)
                .forEach((x, i) =>
                    assert.ok(
                        x.waitsFor.includes(got.path[i].id),
                        `trial ${trial}: ${x.id} does not wait for ${got.path[i].id}`,
                    ),
                );
            // Restricting edges can only shorten it; serial is never shorter.
            assert.ok(longestPath(g, (a, b) => a.seconds > b.seconds).seconds <= got.seconds);
            assert.ok(serialSum(g) >= got.seconds);
        }
    });
});

/** The seed topology in miniature, weighted by the real duration table; only inherent waits. */
function seedGraph(): DeployGraph {
    return [
        k("alb-sg", "aws:ec2/securityGroup:SecurityGroup"),
        k("alb", "aws:lb/loadBalancer:LoadBalancer", ["alb-sg"]),
        k("tg", "aws:lb/targetGroup:TargetGroup"),
        k("ca-key", "tls:index/privateKey:PrivateKey"),
        k("ca", "tls:index/selfSignedCert:SelfSignedCert", ["ca-key"]),
        k("key", "tls:index/privateKey:PrivateKey"),
        k("csr", "tls:index/certRequest:CertRequest", ["key", "alb"]),
        k("cert", "tls:index/locallySignedCert:LocallySignedCert", ["csr", "ca", "ca-key"]),
        k("acm", "aws:acm/certificate:Certificate", ["cert", "key", "ca"]),
        k("https", "aws:lb/listener:Listener", ["alb", "tg", "acm"]),
        k("eks-ns", "kubernetes:core/v1:Namespace"),
        k("eks-base", "helm:base"),
        k("eks-istiod", "helm:istiod", ["eks-base"]),
        k("eks-gateway", "helm:gateway", ["eks-istiod", "eks-ns"]),
        k("eks-nlb", LOAD_BALANCER_SERVICE, ["eks-ns"]),
        k("gke-base", "helm:base"),
        k("gke-istiod", "helm:istiod", ["gke-base"]),
        k("gke-se", "kubernetes:networking.istio.io/v1:ServiceEntry", ["eks-nlb", "gke-base"]),
        k("verify", "kubernetes:batch/v1:Job", ["https", "eks-gateway", "gke-istiod", "gke-se"]),
    ];
}

describe("inherent lower bound", () => {
    it("equals the critical path when every wait is inherent (ratio 1)", () => {
        const r = criticalPathReport(seedGraph());
        assert.equal(r.inherentEdges, r.edges);
        assert.equal(r.critical.seconds, r.bound.seconds);
        assert.equal(r.ratio, 1);
        assert.deepEqual(ids(r.critical.path), ["alb-sg", "alb", "csr", "cert", "acm", "https", "verify"]);
        assert.deepEqual(r.selfInflictedOnPath, []);
    });

    it("a self-inflicted wait raises the critical path, not the bound, and is named", () => {
        const before = criticalPathReport(seedGraph());
        // The NLB Service made to wait for the gateway release: no data needs it, but it moves the NLB
        // (150 s) behind base → istiod → gateway (120 s).
        const g = seedGraph().map((n) => (n.id === "eks-nlb" ? { ...n, waitsFor: [...n.waitsFor, "eks-gateway"] } : n));
        const r = criticalPathReport(g);
        assert.ok(r.critical.seconds > before.critical.seconds, `${r.critical.seconds} > ${before.critical.seconds}`);
        assert.equal(r.bound.seconds, before.bound.seconds);
        assert.ok(r.ratio > 1.05);
        assert.deepEqual(ids(r.critical.path), [
            "eks-base",
            "eks-istiod",
            "eks-gateway",
            "eks-nlb",
            "gke-se",
            "verify",
        ]);
        assert.deepEqual(
            r.selfInflictedOnPath.map((e) => [e.dependent.id, e.dependency.id]),
            [["eks-nlb", "eks-gateway"]],
        );
        assert.equal(r.edges - r.inherentEdges, 1);
    });

    it("a self-inflicted wait off the critical path changes neither figure", () => {
        const g = seedGraph().map((n) => (n.id === "tg" ? { ...n, waitsFor: ["eks-ns"] } : n));
        const r = criticalPathReport(g);
        assert.equal(r.critical.seconds, criticalPathReport(seedGraph()).critical.seconds);
        assert.equal(r.ratio, 1);
        assert.equal(r.edges - r.inherentEdges, 1);
    });

    it("ranks self-inflicted waits by the slack left before they would set the deploy time", () => {
        // tg waits for eks-ns: chain eks-ns(1) → tg(2) → https(3) → verify(30) = 36 s, far below 219.2 s;
        // eks-nlb waits for eks-gateway: chain 120 + 150 + 1 + 30 = 301 s, 81.8 s over (negative slack).
        const g = seedGraph().map((n) =>
            n.id === "tg"
                ? { ...n, waitsFor: ["eks-ns"] }
                : n.id === "eks-nlb"
                  ? { ...n, waitsFor: [...n.waitsFor, "eks-gateway"] }
                  : n,
        );
        const r = criticalPathReport(g);
        assert.deepEqual(
            r.selfInflicted.map((e) => [e.dependent.id, e.dependency.id]),
            [
                ["eks-nlb", "eks-gateway"],
                ["tg", "eks-ns"],
            ],
        );
        assert.equal(r.selfInflicted[0].throughSeconds, r.critical.seconds);
        assert.equal(r.selfInflicted[0].slackSeconds, 0);
        assert.equal(r.selfInflicted[1].throughSeconds, 36);
        assert.ok(Math.abs(r.selfInflicted[1].slackSeconds - (301 - 36)) < 1e-9);
        assert.deepEqual(criticalPathReport(seedGraph()).selfInflicted, []);
    });

    it("under perturbed durations an all-inherent graph keeps ratio 1; a self-inflicted wait shows up", () => {
        const clean = ratioUnderPerturbation(seedGraph(), 300);
        assert.equal(clean.worstRatio, 1);
        // The Listener made to wait for the GKE gateway release: harmless with the table's figures
        // (120 s < 186 s) but critical once the ALB is fast and the Helm installs are slow.
        const g = seedGraph().map((n) => (n.id === "https" ? { ...n, waitsFor: [...n.waitsFor, "eks-gateway"] } : n));
        assert.equal(criticalPathReport(g).ratio, 1);
        const r = ratioUnderPerturbation(g, 300, 3);
        assert.ok(r.worstRatio > 1, `worst ${r.worstRatio}`);
        assert.deepEqual(
            r.worst.selfInflictedOnPath.map((e) => [e.dependent.id, e.dependency.id]),
            [["https", "eks-gateway"]],
        );
        assert.ok(r.exceeding > 0 && r.exceeding < 300);
        assert.deepEqual(
            r.culprits.map((e) => [e.dependent.id, e.dependency.id, e.samples]),
            [["https", "eks-gateway", r.exceeding]],
        );
        assert.equal(clean.exceeding, 0);
        assert.deepEqual(clean.culprits, []);
        // Deterministic for a seed.
        assert.equal(ratioUnderPerturbation(g, 300, 3).worstRatio, r.worstRatio);
    });

    it("classifies the cross-cloud and ordering waits the architecture needs", () => {
        assert.ok(inherentRuleFor("kubernetes:networking.istio.io/v1:ServiceEntry", LOAD_BALANCER_SERVICE));
        assert.ok(inherentRuleFor("tls:index/certRequest:CertRequest", "aws:lb/loadBalancer:LoadBalancer"));
        assert.ok(
            inherentRuleFor("aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:lambda/permission:Permission"),
        );
        assert.ok(inherentRuleFor("helm:istiod", "helm:base"));
        assert.ok(inherentRuleFor("helm:gateway", "helm:istiod"));
        assert.ok(inherentRuleFor("kubernetes:core/v1:Secret", "kubernetes:core/v1:Namespace"));
        assert.ok(inherentRuleFor("kubernetes:core/v1:Secret", "tls:index/locallySignedCert:LocallySignedCert"));
        assert.ok(inherentRuleFor("kubernetes:batch/v1:Job", "aws:cloudwatch/logGroup:LogGroup"));
        // …and not the ones it does not.
        assert.equal(inherentRuleFor(LOAD_BALANCER_SERVICE, "helm:gateway"), undefined);
        assert.equal(inherentRuleFor("kubernetes:networking.istio.io/v1:Gateway", "helm:gateway"), undefined);
        assert.equal(inherentRuleFor("kubernetes:core/v1:Secret", "aws:lb/loadBalancer:LoadBalancer"), undefined);
        assert.equal(inherentRuleFor("helm:istiod", "helm:istiod"), undefined);
        assert.equal(inherentRuleFor("aws:lb/loadBalancer:LoadBalancer", "tls:index/privateKey:PrivateKey"), undefined);
        assert.equal(inherentOnly(k("a", "helm:gateway"), k("b", "helm:base")), false);
    });

    it("every rule has a reason and every concrete kind it names has a duration", () => {
        for (const rule of INHERENT_RULES) {
            assert.ok(rule.reason.length > 10, `${rule.dependent} ← ${rule.dependency}`);
            for (const kind of [rule.dependent, rule.dependency])
                if (!kind.endsWith("*")) assert.doesNotThrow(() => durationOf(kind), kind);
        }
    });
});

describe("duration lookup", () => {
    const release = (chart: unknown) => resourceKind({ type: HELM_RELEASE, rawInputs: { chart } });

    it("tells Helm releases apart by chart", () => {
        assert.equal(release("istiod"), "helm:istiod");
        assert.ok(durationOf(release("istiod")).seconds > durationOf(release("base")).seconds);
        assert.equal(release({ [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", value: "gateway" }), "helm:gateway");
        assert.throws(() => durationOf(release("cert-manager")), /no provisioning duration for "helm:cert-manager"/);
        assert.throws(() => durationOf(release(undefined)), /helm:\?/);
    });

    it("tells a LoadBalancer Service from a ClusterIP one", () => {
        const lb = resourceKind({ type: SERVICE, rawInputs: { spec: { type: "LoadBalancer" } } });
        const clusterIp = resourceKind({ type: SERVICE, rawInputs: { spec: { type: "ClusterIP" } } });
        assert.equal(lb, LOAD_BALANCER_SERVICE);
        assert.equal(clusterIp, SERVICE);
        assert.equal(resourceKind({ type: SERVICE }), SERVICE);
        assert.ok(durationOf(lb).seconds >= 60 && durationOf(clusterIp).seconds < 10);
    });

    it("falls back only for Kubernetes objects; unknown cloud types are an error; providers are free", () => {
        assert.equal(durationOf("kubernetes:security.istio.io/v1:PeerAuthentication"), DURATIONS[PLAIN_KUBE_OBJECT]);
        assert.throws(() => durationOf("aws:rds/instance:Instance"), /add it to tools\/bench\/durations\.ts/);
        assert.equal(durationOf("pulumi:providers:aws").seconds, 0);
        assert.equal(durationOf("aws:lb/loadBalancer:LoadBalancer").seconds, 180);
    });

    it("every figure names its source", () => {
        for (const [kind, d] of Object.entries(DURATIONS)) {
            assert.ok(d.source.length > 15, kind);
            assert.ok(d.seconds >= 0 && Number.isFinite(d.seconds), kind);
        }
    });
});

describe("deploy graph from a recording", () => {
    const res = (
        urn: string,
        type: string,
        custom: boolean,
        parent = "",
        dependencies: string[] = [],
        propertyDependencies: Record<string, string[]> = {},
    ): RecordedResource => ({
        urn,
        type,
        name: urn,
        parent,
        custom,
        provider: "",
        dependencies,
        propertyDependencies,
        rawInputs: {},
        id: "",
    });

    it("keeps custom resources and expands a wait on a component to its custom descendants", () => {
        const g = new GraphRecorder();
        g.resources.push(
            res("stack", "pulumi:pulumi:Stack", false),
            res("comp", "crossmesh:index:LambdaAlb", false, "stack"),
            res("sg", "aws:ec2/securityGroup:SecurityGroup", true, "comp"),
            res("inner", "crossmesh:index:Inner", false, "comp"),
            res("alb", "aws:lb/loadBalancer:LoadBalancer", true, "inner", [], { securityGroups: ["sg"] }),
            res("job", "kubernetes:batch/v1:Job", true, "stack", ["comp"]),
        );
        const graph = deployGraphFrom(g);
        assert.deepEqual(
            graph.map((n) => n.id),
            ["sg", "alb", "job"],
        );
        assert.deepEqual(graph.find((n) => n.id === "job")!.waitsFor, ["alb", "sg"]);
        assert.deepEqual(graph.find((n) => n.id === "alb")!.waitsFor, ["sg"]);
        assert.equal(longestPath(graph).seconds, 3 + 180 + 30);
    });
});

describe("scale statistics", () => {
    it("median of odd and even counts", () => {
        assert.equal(median([5, 1, 3]), 3);
        assert.equal(median([4, 1, 3, 2]), 2.5);
        assert.throws(() => median([]));
    });

    it("per-service increments between consecutive sizes reveal non-linear growth", () => {
        assert.deepEqual(
            perServiceIncrements([
                { services: 10, count: 130 },
                { services: 1, count: 40 },
                { services: 50, count: 530 },
            ]),
            [10, 10],
        );
        assert.deepEqual(
            perServiceIncrements([
                { services: 1, count: 40 },
                { services: 10, count: 130 },
                { services: 20, count: 260 },
            ]),
            [10, 13],
        );
    });

    it("generates distinct hosts callable from namespace apps", () => {
        const s = servicesOverride(3);
        assert.deepEqual(
            s.map((x) => x.host),
            ["svc1.external", "svc2.external", "svc3.external"],
        );
        assert.deepEqual(s[0], { host: "svc1.external", lambda: {}, allowedSources: [{ namespace: "apps" }] });
    });
});
