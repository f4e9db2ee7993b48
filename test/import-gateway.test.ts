// ImportGateway under the provider simulator: the one cross-cluster edge (the EKS load balancer hostname
// into the ServiceEntries), the test client and strict mTLS, secrets, and every bad input refused up front.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, plainMatches, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import { expectRefused, refusalTable } from "./support/refused";
import { kubeProvider } from "./support/providers";
import { validateIstioObject } from "./support/istio-schema";
import {
    ALB,
    BUNDLE,
    BUNDLE_SECRET_DATA,
    CLIENT_SPIFFE_ID,
    EGRESS,
    GKE_TRUST_DOMAIN,
    INGRESS,
    contentNamed,
} from "./support/link-fixture";

const sim = startSimulation();
const SE = "kubernetes:networking.istio.io/v1:ServiceEntry";

type Args = import("../components/import-gateway").ImportGatewayArgs;

async function setup() {
    const k8s = await import("@pulumi/kubernetes");
    const { ImportGateway } = await import("../components/import-gateway");
    const { ExportGateway } = await import("../components/export-gateway");
    const eks = await kubeProvider("eks", "eks");
    const gke = await kubeProvider("gke", "gke");
    // aws-free stand-in for the EKS install: the ingress gateway's LoadBalancer Service (an NLB).
    const ingressService = new k8s.core.v1.Service(
        "eks-ingress-svc",
        {
            metadata: {
                name: "istio-ingressgateway",
                namespace: "istio-ingress",
                annotations: {
                    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                },
            },
            spec: {
                type: "LoadBalancer",
                selector: INGRESS.selectorLabels,
                ports: [{ name: "https", port: 443, targetPort: 8443 }],
            },
        },
        { provider: eks },
    );
    const lbHostname = ingressService.status.loadBalancer.ingress[0].hostname;
    // …and the rest of the EKS side, which the GKE side must not wait for.
    const exported = new ExportGateway(
        "eks-link",
        {
            gateway: INGRESS,
            serverBundle: pulumi.secret(BUNDLE),
            allowedClientPrincipals: [CLIENT_SPIFFE_ID],
            services: [{ host: "lambda.external", upstreamHost: ALB }],
        },
        { provider: eks },
    );
    // The GKE install stand-in: the egress namespace, whose name the gateway reference carries as data.
    const egressNs = new k8s.core.v1.Namespace(
        "gke-egress-ns",
        { metadata: { name: "istio-egress" } },
        { provider: gke },
    );
    const gkeRef = `${await valueOf(gke.urn)}::${await valueOf(gke.id)}`;
    return { ImportGateway, exported, eks, gke, gkeRef, ingressService, lbHostname, egressNs };
}
const ready = setup();

function args(lbHostname: pulumi.Input<string>, overrides: Partial<Args> = {}): Args {
    return {
        gateway: EGRESS,
        clientBundle: pulumi.secret(BUNDLE),
        remoteGatewayHostname: lbHostname,
        trustDomain: GKE_TRUST_DOMAIN,
        services: [
            { host: "lambda.external", allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }] },
            { host: "orders.external", allowedSources: [{ namespace: "reports" }] },
        ],
        ...overrides,
    };
}

const object = (r: RecordedResource) =>
    unsecret(r.rawInputs) as { apiVersion: string; kind: string; metadata: any; spec: any };
const childrenOf = (type: string, name: string) => sim.graph.descendants(sim.graph.one(type, name).urn);

test("the ServiceEntries wait for the EKS load balancer Service, and nothing else on the GKE side waits for EKS", async () => {
    const { ImportGateway, gke, gkeRef, lbHostname, egressNs } = await ready;
    const imported = new ImportGateway(
        "gke-link",
        args(lbHostname, {
            gateway: { ...EGRESS, namespace: egressNs.metadata.name },
        }),
        { provider: gke },
    );
    const hostname = await valueOf(imported.remoteGatewayHostname);
    assert.match(
        hostname,
        /^k8s-istio-in-istio-in-[0-9a-f]+-[0-9a-f]+\.elb\.[a-z0-9-]+\.amazonaws\.com$/,
        "the simulated NLB's hostname",
    );
    await settle();

    const service = sim.graph.one("kubernetes:core/v1:Service", "eks-ingress-svc");
    const eksSide = new Set([
        service.urn,
        ...sim.graph.descendants(sim.graph.one("crossmesh:index:ExportGateway", "eks-link").urn).map((r) => r.urn),
    ]);
    const children = childrenOf("crossmesh:index:ImportGateway", "gke-link");
    assert.equal(children.length, 10, "Secret + 3 objects per host + Gateway, egress DestinationRule, policy");
    assert.ok(
        children.every((r) => r.provider === gkeRef),
        "every object goes to the GKE cluster",
    );
    for (const r of children) {
        const direct = [...sim.graph.waitsDirectlyFor(r)].filter((u) => eksSide.has(u));
        if (r.type === SE) {
            assert.deepEqual(direct, [service.urn], `${r.name} waits for the LB Service only`);
            assert.ok(r.propertyDependencies.spec.includes(service.urn), "a data edge through spec");
            assert.equal(object(r).spec.endpoints[0].address, hostname);
        } else {
            assert.deepEqual(direct, [], `${r.name} waits for nothing from EKS`);
            assert.equal(sim.graph.waitsFor(r, service), false);
        }
        for (const u of eksSide) {
            if (u !== service.urn)
                assert.equal(sim.graph.waitsFor(r, sim.graph.byUrn(u)!), false, `${r.name} does not wait for ${u}`);
        }
    }
    // The egress namespace flows in as data: every object waits for the GKE install, not for a blanket dependsOn.
    const ns = sim.graph.one("kubernetes:core/v1:Namespace", "gke-egress-ns");
    assert.ok(children.every((r) => sim.graph.waitsFor(r, ns)));
    for (const r of children.filter((c) => c.type.includes(".istio.io/"))) validateIstioObject(object(r));
});

test("client Secret: content-addressed and immutable; each origination DestinationRule names it and waits for it to exist", async () => {
    await settle();
    const secret = sim.graph.one("kubernetes:core/v1:Secret", "gke-link-secret-gke-link-link");
    const live = unsecret(secret.rawInputs) as any;
    assert.match(live.metadata.name, contentNamed("gke-link-link"));
    assert.equal(live.immutable, true);
    const originations = childrenOf("crossmesh:index:ImportGateway", "gke-link").filter(
        (r) => r.type.endsWith(":DestinationRule") && !r.name.includes("egress-gateway"),
    );
    assert.equal(originations.length, 2, "one per imported host");
    for (const dr of originations) {
        const tls = object(dr).spec.trafficPolicy.portLevelSettings[0].tls;
        assert.equal(tls.credentialName, live.metadata.name, dr.name);
        assert.ok(sim.graph.waitsFor(dr, secret), `${dr.name} moves to a credential only once it exists`);
    }
});

test("client Secret data is secret in the recorded inputs", async () => {
    await settle();
    const secret = sim.graph.one("kubernetes:core/v1:Secret", "gke-link-secret-gke-link-link");
    assert.deepEqual(plainMatches(secret.rawInputs, /PRIVATE KEY/), []);
    assert.deepEqual(plainMatches(secret.rawInputs, /BEGIN CERTIFICATE/), []);
    const plain = unsecret(secret.rawInputs) as any;
    assert.deepEqual(
        [plain.metadata.namespace, plain.type, plain.stringData],
        ["istio-egress", "kubernetes.io/tls", BUNDLE_SECRET_DATA],
    );
});

test("with the test client: sleep namespace first, client admitted; mesh-wide mTLS is not a link's to set", async () => {
    const { ImportGateway, gke, lbHostname } = await ready;
    new ImportGateway(
        "full",
        args(lbHostname, {
            linkName: "full",
            deployTestClient: true,
            istioRevision: "1-30-3",
        }),
        { provider: gke },
    );
    await settle();
    const children = childrenOf("crossmesh:index:ImportGateway", "full");
    const istio = children.filter((r) => r.type.includes(".istio.io/"));
    for (const r of istio) validateIstioObject(object(r));
    // One owner for mesh-wide settings: IstioInstall's strictMtls, never one PeerAuthentication per link.
    assert.deepEqual(sim.graph.ofType("kubernetes:security.istio.io/v1:PeerAuthentication"), []);

    const ns = sim.graph.one("kubernetes:core/v1:Namespace", "full-namespace-sleep");
    const deploy = sim.graph.one("kubernetes:apps/v1:Deployment", "full-deployment-sleep");
    const sa = sim.graph.one("kubernetes:core/v1:ServiceAccount", "full-service-account-sleep");
    assert.ok(sim.graph.waitsFor(deploy, ns) && sim.graph.waitsFor(sa, ns), "created in a namespace that exists");
    const d = object(deploy) as any;
    assert.equal(d.metadata.namespace, "sleep");
    assert.equal(d.spec.template.metadata.labels["istio.io/rev"], "1-30-3");
    const { DEFAULT_TEST_CLIENT_IMAGE } = await import("../components/import-gateway/test-client");
    assert.equal(d.spec.template.spec.containers[0].image, DEFAULT_TEST_CLIENT_IMAGE);
    assert.equal((object(ns) as any).metadata.labels["istio.io/rev"], "1-30-3");

    const se = object(sim.graph.one(SE, "full-service-entry-full-orders-external"));
    assert.deepEqual(se.spec.exportTo, [".", "reports", "sleep"]);
    const ap = object(
        sim.graph.one("kubernetes:security.istio.io/v1:AuthorizationPolicy", "full-authorization-policy-full-import"),
    );
    assert.deepEqual(ap.spec.rules[1].from, [
        { source: { principals: [`${GKE_TRUST_DOMAIN}/ns/sleep/sa/sleep`] } },
        { source: { namespaces: ["reports"] } },
    ]);
});

const src = [{ namespace: "shop" }];
/** Refusals: what is wrong, the args that differ from the valid base, the field named and the fix said. */
const refusals: [name: string, overrides: Partial<Args>, path: string, fix: RegExp][] = [
    [
        "a service nobody may call, with how to allow callers",
        { services: [{ host: "lambda.external", allowedSources: [] }] },
        "services[0].allowedSources",
        /nobody may call.*namespace: "shop", serviceAccount: "checkout"/s,
    ],
    [
        "a wildcard imported host",
        { services: [{ host: "*.external", allowedSources: src }] },
        "services[0].host",
        /wildcard/,
    ],
    [
        "a non-FQDN imported host",
        { services: [{ host: "lambda", allowedSources: src }] },
        "services[0].host",
        /fully qualified/,
    ],
    [
        "duplicate hosts",
        {
            services: [
                { host: "lambda.external", allowedSources: src },
                { host: "lambda.external", allowedSources: src },
            ],
        },
        "services[1]",
        /listed twice/,
    ],
    ["a credential name ending in -cacert", { credentialName: "crossmesh-cacert" }, "credentialName", /-cacert/],
    [
        "an egress gateway without selector labels",
        { gateway: { ...EGRESS, selectorLabels: {} } },
        "gateway.selectorLabels",
        /empty selector/,
    ],
    [
        "a caller namespace that is no Kubernetes name",
        { services: [{ host: "lambda.external", allowedSources: [{ namespace: "Shop" }] }] },
        "services[0].allowedSources[0].namespace",
        /not a valid Kubernetes name/,
    ],
    [
        "a remote hostname that is no DNS name",
        { remoteGatewayHostname: "https://lb.example.com" },
        "remoteGatewayHostname",
        /fully qualified/,
    ],
    ["an invalid trust domain", { trustDomain: "GKE Mesh" }, "trustDomain", /not a valid SPIFFE trust domain/],
];
refusalTable(
    sim.graph,
    refusals.map(([name, args, path, fix]) => ({ name, args, path, fix })),
    async (overrides) => {
        const { ImportGateway, gke } = await ready;
        return () => new ImportGateway("bad", args("lb.elb.eu-west-1.amazonaws.com", overrides), { provider: gke });
    },
);

test("refused: no kubernetes provider", async () => {
    const { ImportGateway } = await ready;
    await expectRefused(
        sim.graph,
        () => new ImportGateway("bad", args("lb.elb.eu-west-1.amazonaws.com"), { parent: undefined }),
        "opts.provider",
        /kubernetes provider/,
    );
});
