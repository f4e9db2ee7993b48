// ExportGateway under the provider simulator: one resource per built object on the EKS provider, Secret
// data secret in state, Istio objects schema-valid as registered, and every bad input refused up front.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, plainMatches, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import { expectRefused, refusalTable } from "./support/refused";
import { kubeProvider } from "./support/providers";
import { validateIstioObject } from "./support/istio-schema";
import {
    ALB,
    ALB_CA,
    BUNDLE,
    BUNDLE_SECRET_DATA,
    CLIENT_SPIFFE_ID,
    INGRESS,
    PUBLIC_UPSTREAM,
    contentNamed,
} from "./support/link-fixture";

const sim = startSimulation();
const COMPONENT = "crossmesh:index:ExportGateway";

type Args = import("../components/export-gateway").ExportGatewayArgs;

async function setup() {
    const { ExportGateway } = await import("../components/export-gateway");
    const provider = await kubeProvider("eks", "eks");
    const [urn, id] = await Promise.all([valueOf(provider.urn), valueOf(provider.id)]);
    return { ExportGateway, provider, providerRef: `${urn}::${id}` };
}
const ready = setup();

function args(overrides: Partial<Args> = {}): Args {
    return {
        gateway: INGRESS,
        serverBundle: pulumi.secret(BUNDLE),
        services: [
            { host: "lambda.external", upstreamHost: ALB, upstreamCaPem: ALB_CA },
            {
                host: "orders.external",
                upstreamHost: PUBLIC_UPSTREAM,
                upstreamPort: 8443,
                upstreamSni: "orders.example.com",
            },
        ],
        allowedClientPrincipals: [CLIENT_SPIFFE_ID],
        ...overrides,
    };
}

const object = (r: RecordedResource) =>
    unsecret(r.rawInputs) as { apiVersion: string; kind: string; metadata: any; spec: any; immutable?: boolean };

test("registers one resource per object, all on the EKS provider, Istio objects schema-valid as sent", async () => {
    const { ExportGateway, provider, providerRef } = await ready;
    const gw = new ExportGateway("link", args(), { provider });
    assert.deepEqual(await valueOf(gw.exportedHosts), ["lambda.external", "orders.external"]);
    await settle();
    const children = sim.graph.children(sim.graph.one(COMPONENT, "link").urn);
    assert.deepEqual(children.map((r) => r.name).sort(), [
        "link-authorization-policy-link-export",
        "link-destination-rule-link-upstream-lambda-external",
        "link-destination-rule-link-upstream-orders-external",
        "link-gateway-link-export",
        "link-secret-link-link",
        "link-secret-link-upstream-ca-lambda-external",
        "link-service-entry-link-upstream-lambda-external",
        "link-service-entry-link-upstream-orders-external",
        "link-virtual-service-link-lambda-external",
        "link-virtual-service-link-orders-external",
    ]);
    assert.ok(
        children.every((r) => r.provider === providerRef),
        "every object goes to the EKS cluster",
    );
    const istio = children.filter(
        (r) =>
            r.type.startsWith("kubernetes:networking.istio.io/v1:") ||
            r.type.startsWith("kubernetes:security.istio.io/v1:"),
    );
    assert.equal(istio.length, 8);
    for (const r of istio) {
        const o = object(r);
        validateIstioObject(o);
        assert.equal(o.metadata.namespace, "istio-ingress");
    }
    const gateway = object(sim.graph.one("kubernetes:networking.istio.io/v1:Gateway", "link-gateway-link-export"));
    const secret = object(sim.graph.one("kubernetes:core/v1:Secret", "link-secret-link-link"));
    assert.match(secret.metadata.name, contentNamed("link-link"), "the credential is named by its content");
    assert.equal(secret.immutable, true, "a content-addressed Secret never changes: new content is a new Secret");
    assert.deepEqual(gateway.spec.servers[0].tls, {
        mode: "MUTUAL",
        credentialName: secret.metadata.name,
        subjectAltNames: [CLIENT_SPIFFE_ID],
    });
    assert.equal(await valueOf(gw.credentialName), secret.metadata.name, "credentialName is the live Secret's name");
});

test("Secret data is secret in the recorded inputs: no private key or CA in plain state", async () => {
    await settle();
    const secrets = sim.graph.ofType("kubernetes:core/v1:Secret").filter((r) => r.name.startsWith("link-"));
    assert.equal(secrets.length, 2);
    for (const s of secrets) {
        assert.deepEqual(plainMatches(s.rawInputs, /PRIVATE KEY|BEGIN CERTIFICATE/), [], `${s.name} leaks nothing`);
        assert.equal((unsecret(s.rawInputs) as any).metadata.namespace, "istio-ingress", "metadata stays readable");
    }
    assert.deepEqual(
        (unsecret(sim.graph.one("kubernetes:core/v1:Secret", "link-secret-link-link").rawInputs) as any).stringData,
        BUNDLE_SECRET_DATA,
    );
});

test("the Gateway and policy do not wait for the upstream; each route waits for its own upstream only", async () => {
    const { ExportGateway, provider } = await ready;
    const k8s = await import("@pulumi/kubernetes");
    // Stand-in for the ALB: a resource whose output is the upstream host name.
    const alb = new k8s.core.v1.ConfigMap(
        "alb-standin",
        { metadata: { namespace: "default" }, data: { host: ALB } },
        { provider },
    );
    new ExportGateway(
        "late",
        args({
            linkName: "late",
            services: [
                { host: "lambda.external", upstreamHost: alb.data.apply((d) => d.host) },
                { host: "orders.external", upstreamHost: PUBLIC_UPSTREAM },
            ],
        }),
        { provider },
    );
    await settle();
    const standin = sim.graph.one("kubernetes:core/v1:ConfigMap", "alb-standin");
    const waits = (name: string, type: string) => sim.graph.waitsFor(sim.graph.one(type, name), standin);
    assert.equal(
        waits("late-virtual-service-late-lambda-external", "kubernetes:networking.istio.io/v1:VirtualService"),
        true,
    );
    assert.equal(
        waits("late-service-entry-late-upstream-lambda-external", "kubernetes:networking.istio.io/v1:ServiceEntry"),
        true,
    );
    assert.equal(
        waits("late-virtual-service-late-orders-external", "kubernetes:networking.istio.io/v1:VirtualService"),
        false,
    );
    assert.equal(waits("late-gateway-late-export", "kubernetes:networking.istio.io/v1:Gateway"), false);
    assert.equal(
        waits("late-authorization-policy-late-export", "kubernetes:security.istio.io/v1:AuthorizationPolicy"),
        false,
    );
    assert.equal(waits("late-secret-late-link", "kubernetes:core/v1:Secret"), false);
});

test("an upstream CA that resolves to nothing (LambdaAlb with your own certificate) means system roots, not an empty credential", async () => {
    const { ExportGateway, provider } = await ready;
    new ExportGateway(
        "acm",
        args({
            linkName: "acm",
            services: [
                {
                    host: "lambda.external",
                    upstreamHost: "alb.example.com",
                    upstreamCaPem: pulumi.output(undefined) as pulumi.Output<any>,
                },
            ],
        }),
        { provider },
    );
    await settle();
    const dr = object(
        sim.graph.one(
            "kubernetes:networking.istio.io/v1:DestinationRule",
            "acm-destination-rule-acm-upstream-lambda-external",
        ),
    );
    assert.deepEqual(dr.spec.trafficPolicy.portLevelSettings[0].tls, {
        mode: "SIMPLE",
        sni: "alb.example.com",
        subjectAltNames: ["alb.example.com"],
    });
    const ca = unsecret(
        sim.graph.one("kubernetes:core/v1:Secret", "acm-secret-acm-upstream-ca-lambda-external").rawInputs,
    ) as any;
    assert.deepEqual(ca.stringData, {});
});

/** Refusals: what is wrong, the args that differ from the valid base, the field named and the fix said. */
const refusals: [name: string, overrides: Partial<Args>, path: string, fix: RegExp][] = [
    [
        "a wildcard exported host",
        { services: [{ host: "*.external", upstreamHost: ALB }] },
        "services[0].host",
        /wildcard/,
    ],
    [
        "a non-FQDN exported host",
        { services: [{ host: "lambda", upstreamHost: ALB }] },
        "services[0].host",
        /fully qualified/,
    ],
    [
        "the same host twice",
        {
            services: [
                { host: "lambda.external", upstreamHost: ALB },
                { host: "lambda.external", upstreamHost: PUBLIC_UPSTREAM },
            ],
        },
        "services[1]",
        /listed twice/,
    ],
    [
        "a credential name ending in -cacert",
        { credentialName: "link-cacert" },
        "credentialName",
        /-cacert.*e\.g\. "link"/s,
    ],
    [
        "a credential name that is no Kubernetes name",
        { credentialName: "Link_Secret" },
        "credentialName",
        /not a valid Kubernetes name/,
    ],
    [
        "a gateway without selector labels",
        { gateway: { ...INGRESS, selectorLabels: {} } },
        "gateway.selectorLabels",
        /empty selector applies to every proxy/,
    ],
    [
        "an invalid upstream host",
        { services: [{ host: "lambda.external", upstreamHost: "internal alb" }] },
        "services[0].upstreamHost",
        /fully qualified/,
    ],
    [
        "an upstream that is itself an exported host",
        { services: [{ host: "lambda.external", upstreamHost: "lambda.external" }] },
        "services[0].upstreamHost",
        /route it to itself/,
    ],
    [
        "no allowed client principals",
        { allowedClientPrincipals: [] },
        "allowedClientPrincipals",
        /every request would be denied/,
    ],
    [
        "a client principal in cluster.local, which Istio would rewrite to the EKS trust domain",
        { allowedClientPrincipals: ["spiffe://cluster.local/ns/istio-egress/sa/istio-egressgateway"] },
        "allowedClientPrincipals[0]",
        /rewrites.*distinct trust domain/s,
    ],
    [
        "a client principal that is no SPIFFE id",
        { allowedClientPrincipals: ["gke.example/ns/istio-egress/sa/istio-egressgateway"] },
        "allowedClientPrincipals[0]",
        /not a SPIFFE id/,
    ],
    [
        "two services sharing an upstream with different settings",
        {
            services: [
                { host: "a.external", upstreamHost: ALB },
                { host: "b.external", upstreamHost: ALB, upstreamPort: 8443 },
            ],
        },
        "services[1]",
        /shares upstreamHost/,
    ],
    [
        "services sharing an upstreamName but going to different upstream hosts",
        {
            services: [
                { host: "a.external", upstreamHost: ALB, upstreamName: "lambdas" },
                { host: "b.external", upstreamHost: PUBLIC_UPSTREAM, upstreamName: "lambdas" },
            ],
        },
        "services[1].upstreamName",
        /also the upstream of services\[0\].*same upstreamHost or different upstreamNames/,
    ],
    [
        "an upstreamName that is no Kubernetes name",
        { services: [{ host: "a.external", upstreamHost: ALB, upstreamName: "Shared ALB" }] },
        "services[0].upstreamName",
        /not a valid Kubernetes name/,
    ],
];
refusalTable(
    sim.graph,
    refusals.map(([name, args, path, fix]) => ({ name, args, path, fix })),
    async (overrides) => {
        const { ExportGateway, provider } = await ready;
        return () => new ExportGateway("bad", args(overrides), { provider });
    },
);

test("refused: no kubernetes provider", async () => {
    const { ExportGateway } = await ready;
    await expectRefused(sim.graph, () => new ExportGateway("bad", args(), {}), "opts.provider", /kubernetes provider/);
});

test("services naming one upstream share its ServiceEntry, DestinationRule and CA Secret; each keeps its own route", async () => {
    const { ExportGateway, provider } = await ready;
    const shared = { upstreamHost: pulumi.output(ALB), upstreamCaPem: pulumi.secret(ALB_CA), upstreamName: "lambdas" };
    const gw = new ExportGateway(
        "shared",
        args({
            services: [
                { host: "a.external", ...shared },
                { host: "b.external", ...shared },
            ],
        }),
        { provider },
    );
    await valueOf(gw.exportedHosts);
    await settle();
    const children = sim.graph.children(sim.graph.one(COMPONENT, "shared").urn).map(object);
    const ofKind = (kind: string) => children.filter((o) => o.kind === kind);
    assert.deepEqual(
        ofKind("ServiceEntry").map((o) => [o.metadata.name, o.spec.hosts]),
        [["shared-upstream-lambdas", [ALB]]],
    );
    const [dr] = ofKind("DestinationRule");
    assert.equal(ofKind("DestinationRule").length, 1);
    const [credential, ca] = ofKind("Secret").map((o) => o.metadata.name);
    assert.equal(ofKind("Secret").length, 2);
    assert.match(credential, contentNamed("shared-link"));
    assert.match(ca, contentNamed("shared-upstream-ca-lambdas"));
    assert.equal(dr.spec.trafficPolicy.portLevelSettings[0].tls.credentialName, ca);
    const routes = ofKind("VirtualService");
    assert.deepEqual(routes.map((o) => o.spec.hosts[0]).sort(), ["a.external", "b.external"]);
    for (const vs of routes) assert.equal(vs.spec.http[0].route[0].destination.host, ALB);
});

test("two gateways on one cluster: names follow the component name; the same linkName or credentialName twice is refused", async () => {
    const { ExportGateway, provider } = await ready;
    new ExportGateway("payments", args(), { provider });
    new ExportGateway("orders", args(), { provider });
    await settle();
    const names = (link: string) =>
        sim.graph.children(sim.graph.one(COMPONENT, link).urn).map((r) => `${r.type} ${object(r).metadata.name}`);
    const shared = names("payments").filter((n) => names("orders").includes(n));
    assert.deepEqual(shared, [], "no object of one link is also the other's");
    assert.ok(names("orders").some((n) => /^kubernetes:core\/v1:Secret orders-link-[0-9a-f]{10}$/.test(n)));
    await expectRefused(
        sim.graph,
        () => new ExportGateway("payments-again", args({ linkName: "payments" }), { provider }),
        "linkName",
        /ExportGateway "payments-again" would create .*istio-ingress\/payments-link, which ExportGateway "payments" already creates on the same cluster; give each link its own linkName/,
    );
    await expectRefused(
        sim.graph,
        () => new ExportGateway("third", args({ credentialName: "orders-link" }), { provider }),
        "credentialName",
        /Secret istio-ingress\/orders-link, which ExportGateway "orders" already creates/,
    );
});

test("the default link name is the component name as a short DNS label", async () => {
    const { defaultLinkName } = await import("../components/link-routing/names");
    assert.equal(defaultLinkName("payments"), "payments");
    assert.equal(defaultLinkName("Payments_EU"), "payments-eu");
    const long = defaultLinkName("a-very-long-component-name-for-the-payments-link");
    assert.ok(long.length <= 30 && /^[a-z][a-z0-9-]*[a-z0-9]$/.test(long), long);
    assert.notEqual(long, defaultLinkName("a-very-long-component-name-for-the-orders-link"));
});

test("values that were Outputs are checked once known: a bad one fails the deployment, at its field", async () => {
    const { later } = await import("../components/common/spec");
    const { exportGatewayFields } = await import("../components/export-gateway/spec");
    const { resolveGateway } = await import("../components/link-routing/resolve");
    const refusedLate = async (out: pulumi.Output<unknown>, path: string, fix: RegExp) => {
        // The Output's own bookkeeping promises reject too; only its value is awaited here.
        for (const p of Object.values(out)) if (p instanceof Promise) p.catch(() => undefined);
        await assert.rejects(
            valueOf(out),
            (e: unknown) => pulumi.InputPropertyError.isInstance(e) && e.propertyPath === path && fix.test(e.reason),
        );
    };
    const principals = (ids: string[]) =>
        later(exportGatewayFields.allowedClientPrincipals, "allowedClientPrincipals", pulumi.output(ids));
    assert.deepEqual(await valueOf(principals([CLIENT_SPIFFE_ID])), [CLIENT_SPIFFE_ID]);
    await refusedLate(principals([]), "allowedClientPrincipals", /every request would be denied/);
    await refusedLate(
        principals(["spiffe://cluster.local/ns/a/sa/b"]),
        "allowedClientPrincipals[0]",
        /distinct trust domain/,
    );
    await refusedLate(
        resolveGateway("gateway", { ...INGRESS, selectorLabels: pulumi.output({}) }),
        "gateway.selectorLabels",
        /empty selector/,
    );
    await refusedLate(
        resolveGateway("gateway", { ...INGRESS, namespace: pulumi.output("Istio_Ingress") }),
        "gateway.namespace",
        /not a valid Kubernetes name/,
    );
});
