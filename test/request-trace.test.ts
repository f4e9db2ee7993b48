// Traces a plaintext request from a GKE app through the generated objects of both clusters to the
// upstream, for every exported host; then breaks one link at a time and expects the tracer to name it.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { LinkObject } from "../components/link-routing/objects";
import { upstreamCaSecretName } from "../components/export-gateway/objects";
import { TraceInput, traceRequest } from "./support/trace";
import {
    ALB,
    CLIENT_SPIFFE_ID,
    EGRESS,
    EKS_LB,
    GKE_TRUST_DOMAIN,
    HOSTS,
    INGRESS,
    PUBLIC_UPSTREAM,
    copy,
    eksObjects,
    gkeObjects,
    ALB_CA,
    contentNamed,
} from "./support/link-fixture";

const STEPS = [
    "app resolves host",
    "sidecar route (mesh)",
    "egress gateway subset",
    "egress Gateway",
    "egress authorization",
    "egress gateway route",
    "remote endpoint",
    "link origination",
    "EKS Gateway",
    "EKS authorization",
    "EKS route",
    "upstream entry",
    "upstream TLS",
];

function input(host: string, overrides: Partial<TraceInput> = {}): TraceInput {
    return {
        gke: gkeObjects(),
        eks: eksObjects(),
        egress: EGRESS,
        ingress: INGRESS,
        eksLoadBalancerHostname: EKS_LB,
        caller: { namespace: "shop", serviceAccount: "checkout", trustDomain: GKE_TRUST_DOMAIN },
        clientSpiffeId: CLIENT_SPIFFE_ID,
        host,
        ...overrides,
    };
}

function find(objects: LinkObject[], kind: string, pred: (o: LinkObject) => boolean = () => true): LinkObject {
    const o = objects.find((x) => x.kind === kind && pred(x));
    assert.ok(o, `fixture has a ${kind}`);
    return o;
}

function expectBroken(t: TraceInput, step: string, reason: RegExp): void {
    const r = traceRequest(t);
    assert.equal(r.ok, false, "the trace must fail");
    if (r.ok) return;
    assert.equal(r.failure.step, step, `failed at ${r.failure.step}: ${r.failure.reason}`);
    assert.match(r.failure.reason, reason);
    // Every hop before the broken one was carried; none after it.
    assert.deepEqual(
        r.hops.map((h) => h.step),
        STEPS.slice(0, STEPS.indexOf(step)),
    );
}

test("a request to each exported host passes every hop from the GKE app to its upstream", () => {
    const upstreams: Record<string, [string, number]> = { [HOSTS[0]]: [ALB, 443], [HOSTS[1]]: [PUBLIC_UPSTREAM, 8443] };
    for (const host of HOSTS) {
        const r = traceRequest(input(host));
        assert.ok(r.ok, r.ok ? "" : `${host}: ${r.failure.step}: ${r.failure.reason}`);
        assert.deepEqual(
            r.hops.map((h) => h.step),
            STEPS,
        );
        const hop = (step: string) => r.hops.find((h) => h.step === step)!;
        assert.equal(hop("remote endpoint").detail, `${host}:80 → ${EKS_LB}:443`);
        assert.equal(hop("egress gateway subset").via, "DestinationRule istio-egress/crossmesh-egress-gateway");
        assert.equal(hop("EKS route").detail, `→ ${upstreams[host][0]}:${upstreams[host][1]}`);
        assert.match(
            hop("egress authorization").detail,
            /allowed by AuthorizationPolicy istio-egress\/crossmesh-import/,
        );
        assert.match(hop("EKS authorization").detail, /allowed by AuthorizationPolicy istio-ingress\/crossmesh-export/);
    }
});

test("the SNI and SANs the objects demand are exactly the exported host and the client SPIFFE id", () => {
    for (const host of HOSTS) {
        const r = traceRequest(input(host));
        assert.ok(r.ok);
        if (!r.ok) return;
        assert.equal(r.demands.egressSni, host);
        assert.equal(r.demands.linkSni, host);
        assert.deepEqual(r.demands.linkServerSans, [host]);
        assert.deepEqual(r.demands.clientSans, [CLIENT_SPIFFE_ID]);
    }
    const [priv, pub] = HOSTS.map((h) => traceRequest(input(h)));
    assert.ok(priv.ok && pub.ok);
    if (!priv.ok || !pub.ok) return;
    assert.deepEqual(
        [priv.demands.upstreamSni, priv.demands.upstreamSans, priv.demands.upstreamCaSecret],
        [ALB, [ALB], upstreamCaSecretName("crossmesh", "lambda.external", ALB_CA)],
    );
    assert.deepEqual(
        [pub.demands.upstreamSni, pub.demands.upstreamSans, pub.demands.upstreamCaSecret],
        ["orders.example.com", ["orders.example.com"], undefined],
    );
});

test("a namespace that is not listed does not even resolve the host", () => {
    expectBroken(
        input(HOSTS[0], {
            caller: { namespace: "intruder", serviceAccount: "default", trustDomain: GKE_TRUST_DOMAIN },
        }),
        "app resolves host",
        /no ServiceEntry for lambda\.external is visible from namespace intruder/,
    );
});

test("a listed namespace with an unlisted service account is denied at the egress gateway", () => {
    expectBroken(
        input(HOSTS[1], { caller: { namespace: "shop", serviceAccount: "cart", trustDomain: GKE_TRUST_DOMAIN } }),
        "egress authorization",
        /gke\.crossmesh\.test\/ns\/shop\/sa\/cart to orders\.external matches no ALLOW rule/,
    );
    // …while a whole-namespace source admits any of its service accounts, to that host only.
    assert.ok(
        traceRequest(
            input(HOSTS[0], { caller: { namespace: "reports", serviceAccount: "any", trustDomain: GKE_TRUST_DOMAIN } }),
        ).ok,
    );
});

test("break: the egress Gateway selector no longer matches the egress gateway's labels", () => {
    const gke = copy(gkeObjects());
    find(gke, "Gateway").spec!.selector.istio = "ingressgateway";
    expectBroken(input(HOSTS[0], { gke }), "egress Gateway", /no Gateway selects the egress gateway pods/);
});

test("break: the subset the mesh route names is missing from the egress gateway DestinationRule", () => {
    const gke = copy(gkeObjects());
    const dr = find(gke, "DestinationRule", (o) => o.metadata.name === "crossmesh-egress-gateway");
    dr.spec!.subsets = dr.spec!.subsets.filter((s: any) => s.name !== "lambda-external");
    expectBroken(input(HOSTS[0], { gke }), "egress gateway subset", /has no subset "lambda-external"/);
});

test("break: the subset's SNI names another host than the egress Gateway serves", () => {
    const gke = copy(gkeObjects());
    const dr = find(gke, "DestinationRule", (o) => o.metadata.name === "crossmesh-egress-gateway");
    dr.spec!.subsets[0].trafficPolicy.portLevelSettings[0].tls.sni = "lambda.other";
    expectBroken(input(HOSTS[0], { gke }), "egress Gateway", /for sni lambda\.other/);
});

test("break: the origination SNI is not a host the EKS Gateway lists", () => {
    const gke = copy(gkeObjects());
    find(gke, "DestinationRule", (o) => o.spec?.host === HOSTS[1]).spec!.trafficPolicy.portLevelSettings[0].tls.sni =
        "orders.internal";
    expectBroken(input(HOSTS[1], { gke }), "EKS Gateway", /for sni orders\.internal/);
});

test("break: the client credential Secret sits in another namespace than the egress gateway", () => {
    const gke = copy(gkeObjects());
    find(gke, "Secret").metadata.namespace = "default";
    expectBroken(
        input(HOSTS[0], { gke }),
        "link origination",
        /credentialName "crossmesh-link-[0-9a-f]{10}" has no Secret in namespace istio-egress/,
    );
});

test("break: the server credential Secret lacks its CA key", () => {
    const eks = copy(eksObjects());
    delete find(eks, "Secret", (o) => contentNamed("crossmesh-link").test(o.metadata.name)).stringData!["ca.crt"];
    expectBroken(input(HOSTS[0], { eks }), "EKS Gateway", /has no ca\.crt/);
});

test("break: the EKS Gateway no longer lists an exported host", () => {
    const eks = copy(eksObjects());
    const server = find(eks, "Gateway").spec!.servers[0];
    server.hosts = server.hosts.filter((h: string) => h !== "./orders.external");
    expectBroken(input(HOSTS[1], { eks }), "EKS Gateway", /for sni orders\.external/);
    assert.ok(traceRequest(input(HOSTS[0], { eks })).ok, "the other host is unaffected");
});

test("break: the ServiceEntry points at another load balancer than the EKS gateway's", () => {
    expectBroken(
        input(HOSTS[0], { eksLoadBalancerHostname: "other-lb.elb.eu-west-1.amazonaws.com" }),
        "remote endpoint",
        /not the EKS load balancer/,
    );
});

test("break: the EKS Gateway pins a client SAN the link's client certificate does not carry", () => {
    expectBroken(
        input(HOSTS[0], { clientSpiffeId: `spiffe://${GKE_TRUST_DOMAIN}/ns/istio-egress/sa/impostor` }),
        "EKS Gateway",
        /not spiffe:.*impostor/,
    );
});

test("break: the upstream's CA-only Secret is missing", () => {
    const eks = copy(eksObjects()).filter(
        (o) => !contentNamed("crossmesh-upstream-ca-lambda-external").test(o.metadata.name),
    );
    expectBroken(input(HOSTS[0], { eks }), "upstream TLS", /has no Secret in namespace istio-ingress/);
});

test("break: a policy whose selector misses the egress gateway leaves the host unguarded, and the trace says so", () => {
    const gke = copy(gkeObjects());
    find(gke, "AuthorizationPolicy").spec!.selector.matchLabels.istio = "ingressgateway";
    const r = traceRequest(
        input(HOSTS[0], {
            gke,
            caller: { namespace: "shop", serviceAccount: "anyone", trustDomain: GKE_TRUST_DOMAIN },
        }),
    );
    assert.ok(r.ok, "routing still works…");
    assert.equal(
        r.hops.find((h) => h.step === "egress authorization")!.detail,
        "no policy applies: allowed",
        "…but nothing checks the caller",
    );
});
