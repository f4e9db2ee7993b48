// CrossMeshExport with several consumer meshes, run as one program under the provider simulator: an export of
// two hosts (lambda.external behind a Lambda, inventory.external an upstream) to "gke" (granted both) and "aks"
// (granted inventory.external only), and each consumer's side built from its grant (CrossMeshConsumer on its own
// cluster). What each consumer is admitted to is read from the objects as built — per-consumer policies, the
// Gateway's pinned SANs, the credential's CAs — followed through them by the request tracer and checked with real
// TLS handshakes; the export's bad arguments are refused before anything is registered.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import {
    RecordedResource,
    SECRET_SIG,
    isSecret,
    plainMatches,
    settle,
    startSimulation,
    unsecret,
    valueOf,
} from "../tools/simulator";
import { SECRET_VALUE } from "../tools/simulator/recorder";
import * as simTls from "../tools/simulator/tls";
import type { GatewayRef, TlsBundle } from "../components/common/types";
import type { LinkObject } from "../components/link-routing/objects";
import { importObjects } from "../components/import-gateway/objects";
import type { ConsumerGrant, CrossMeshExportArgs, ExportConsumerArgs, ExportedConsumer } from "../components";
import { kubeProvider } from "./support/providers";
import { handshake } from "./support/handshake";
import { traceRequest, type TraceInput } from "./support/trace";
import { contentNamed } from "./support/link-fixture";

const sim = startSimulation();

const EXPORT = "crossmesh:index:CrossMeshExport";
const CONSUMER = "crossmesh:index:CrossMeshConsumer";
const LAMBDA = "lambda.external";
const INVENTORY = "inventory.external";
const HOSTS = [LAMBDA, INVENTORY];
const CONSUMERS: ExportConsumerArgs[] = [
    { name: "gke", hosts: [LAMBDA, INVENTORY], trustDomain: "gke.example.org", egressCidrs: ["203.0.113.0/28"] },
    { name: "aks", hosts: [INVENTORY], trustDomain: "aks.example.org", egressCidrs: ["198.51.100.0/28"] },
];
const spiffeOf = (trustDomain: string) => `spiffe://${trustDomain}/ns/istio-egress/sa/istio-egressgateway`;
/** Who calls each host on each consumer's side. */
const CALLERS: Record<string, string> = { gke: "shop", aks: "warehouse" };
const CLUSTER: Record<string, "gke" | "aks"> = { gke: "gke", aks: "aks" };

function exportArgs(overrides: Partial<CrossMeshExportArgs> = {}): CrossMeshExportArgs {
    return {
        clusterName: "eks-lab5",
        awsRegion: "eu-west-1",
        services: [
            { host: LAMBDA, lambda: {} },
            { host: INVENTORY, upstream: { hostname: "inventory.internal.example.org" } },
        ],
        consumers: CONSUMERS,
        ...overrides,
    };
}

/** The exporting cluster's kubernetes provider and the AWS provider, made once. */
const exportProviders = (async () => {
    const aws = await import("@pulumi/aws");
    return { eks: await kubeProvider("eks", "eks"), aws: new aws.Provider("aws", { region: "eu-west-1" }) };
})();

/** The program: the export, and each consumer's side on its own cluster from its grant. */
async function build() {
    const { CrossMeshExport, CrossMeshConsumer } = await import("../components");
    const p = await exportProviders;
    const exp = new CrossMeshExport("shared", exportArgs(), { providers: [p.eks, p.aws] });
    const sides = await Promise.all(
        CONSUMERS.map(async (c) => {
            const provider = await kubeProvider(c.name, CLUSTER[c.name]);
            const side = new CrossMeshConsumer(
                `${c.name}-side`,
                {
                    grant: exp.grantFor(c.name),
                    trustDomain: c.trustDomain,
                    services: c.hosts.map((host) => ({ host, allowedSources: [{ namespace: CALLERS[c.name] }] })),
                },
                { provider },
            );
            const ref = `${await valueOf(provider.urn)}::${await valueOf(provider.id)}`;
            return [c.name, { side, providerRef: ref }] as const;
        }),
    );
    const [grants, consumers, lb, serverCaPem] = await Promise.all([
        valueOf(exp.grants),
        valueOf(exp.consumers),
        valueOf(exp.gatewayHostname),
        valueOf(exp.serverCaPem),
        ...sides.map(([, s]) => valueOf(s.side.spiffeId)),
    ]);
    await settle();
    return {
        exp,
        sides: Object.fromEntries(sides),
        grants: grants as Record<string, ConsumerGrant>,
        consumers: Object.fromEntries((consumers as ExportedConsumer[]).map((c) => [c.name, c])),
        lb: lb as string,
        serverCaPem: serverCaPem as string,
    };
}
const built = build();

const object = (r: RecordedResource) => unsecret(r.rawInputs) as LinkObject;
/** The Kubernetes objects (Helm releases aside) a component created, as sent to the cluster. */
function objectsOf(type: string, name: string): LinkObject[] {
    return sim.graph
        .descendants(sim.graph.one(type, name).urn)
        .filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release")
        .map(object);
}
const exportObjects = () => objectsOf("crossmesh:index:ExportGateway", "shared-export");
const consumerObjects = (name: string) => objectsOf(CONSUMER, `${name}-side`);
/** A gateway as its IstioInstall reports it (namespace, pod labels, Service). */
const gatewayOf = (install: string) =>
    (unsecret(sim.graph.one("crossmesh:index:IstioInstall", install).rawOutputs) as { gateway: GatewayRef }).gateway;
const ofKind = (objects: LinkObject[], kind: string) => objects.filter((o) => o.kind === kind);
const policyName = (consumer: string) => `shared-consumer-${consumer}`;
const withoutScheme = (id: string) => id.replace(/^spiffe:\/\//, "");

function credentialSecret(): LinkObject {
    const gateway = ofKind(exportObjects(), "Gateway")[0];
    const name = gateway.spec!.servers[0].tls.credentialName;
    const secret = ofKind(exportObjects(), "Secret").find((s) => s.metadata.name === name);
    assert.ok(secret, `the Gateway's credential Secret ${name} is one the export wrote`);
    return secret;
}
const pems = (bundle: string) => bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
const fingerprints = (bundle: string) => pems(bundle).map((p) => new crypto.X509Certificate(p).fingerprint256);

test("one AuthorizationPolicy per consumer, each naming only its own principal and only its own hosts", async () => {
    await built;
    const ingress = gatewayOf("shared-istio");
    const policies = ofKind(exportObjects(), "AuthorizationPolicy");
    assert.deepEqual(policies.map((p) => p.metadata.name).sort(), CONSUMERS.map((c) => policyName(c.name)).sort());
    for (const c of CONSUMERS) {
        const p = policies.find((o) => o.metadata.name === policyName(c.name))!;
        assert.equal(p.metadata.namespace, ingress.namespace, c.name);
        assert.deepEqual(p.spec, {
            selector: { matchLabels: ingress.selectorLabels },
            action: "ALLOW",
            rules: [
                {
                    from: [{ source: { principals: [withoutScheme(spiffeOf(c.trustDomain))] } }],
                    to: [{ operation: { hosts: c.hosts.flatMap((h) => [h, `${h}:*`]) } }],
                },
            ],
        });
    }
});

test("the Gateway pins the client certificate to exactly every consumer's SPIFFE id, on the export's credential", async () => {
    const { consumers } = await built;
    const [gateway] = ofKind(exportObjects(), "Gateway");
    assert.equal(ofKind(exportObjects(), "Gateway").length, 1);
    const server = gateway.spec!.servers[0];
    assert.deepEqual(
        server.hosts,
        HOSTS.map((h) => `./${h}`),
    );
    assert.equal(server.tls.mode, "MUTUAL");
    assert.deepEqual([...server.tls.subjectAltNames].sort(), CONSUMERS.map((c) => spiffeOf(c.trustDomain)).sort());
    assert.deepEqual(
        [...server.tls.subjectAltNames].sort(),
        Object.values(consumers)
            .map((c) => c.spiffeId)
            .sort(),
        "the ids the `consumers` output publishes",
    );
    assert.match(credentialSecret().metadata.name, contentNamed("shared-link"));
});

test("the credential's ca.crt holds exactly each consumer's client CA (the `consumers` output's clientCaPem), nothing else", async () => {
    const { consumers, serverCaPem } = await built;
    const data = credentialSecret().stringData!;
    const trusted = fingerprints(data["ca.crt"]);
    const expected = CONSUMERS.map((c) => fingerprints(consumers[c.name].clientCaPem));
    assert.ok(
        expected.every((f) => f.length === 1),
        "each consumer publishes one CA",
    );
    assert.deepEqual([...trusted].sort(), expected.flat().sort());
    assert.equal(new Set(expected.flat()).size, CONSUMERS.length, "each consumer has a CA of its own");
    assert.ok(!trusted.includes(fingerprints(serverCaPem)[0]), "the server CA signs no client");
    // The server side of the credential: the export's server leaf, for every exported host.
    const leaf = new crypto.X509Certificate(data["tls.crt"]);
    assert.ok(leaf.verify(new crypto.X509Certificate(serverCaPem).publicKey));
    assert.equal(leaf.subjectAltName, HOSTS.map((h) => `DNS:${h}`).join(", "));
    assert.ok(leaf.checkPrivateKey(crypto.createPrivateKey(data["tls.key"])));
});

for (const c of CONSUMERS)
    test(`${c.name}'s client certificate carries its own SPIFFE id and is signed by its own CA only`, async () => {
        const { grants, consumers, serverCaPem } = await built;
        const grant = grants[c.name];
        const cert = new crypto.X509Certificate(grant.clientBundle.certPem);
        assert.equal(cert.subjectAltName, `URI:${spiffeOf(c.trustDomain)}`);
        assert.equal(grant.spiffeId, spiffeOf(c.trustDomain));
        assert.ok(cert.checkPrivateKey(crypto.createPrivateKey(grant.clientBundle.privateKeyPem)), "its own key");
        const signers = [
            ...CONSUMERS.map((o) => [`${o.name}'s CA`, consumers[o.name].clientCaPem] as const),
            ["the server CA", serverCaPem] as const,
        ]
            .filter(([, pem]) => cert.verify(new crypto.X509Certificate(pem).publicKey))
            .map(([who]) => who);
        assert.deepEqual(signers, [`${c.name}'s CA`]);
        assert.deepEqual(fingerprints(grant.clientBundle.caPem), fingerprints(serverCaPem), "it trusts the server CA");
        assert.deepEqual(grant.hosts, c.hosts);
    });

/** The tracer's view: a caller on consumer `name`'s side calls `host`, through its objects and the export's. */
async function traceFrom(name: string, host: string, overrides: Partial<TraceInput> = {}) {
    const { lb } = await built;
    const c = CONSUMERS.find((x) => x.name === name)!;
    return traceRequest({
        gke: consumerObjects(name),
        eks: exportObjects(),
        egress: gatewayOf(`${name}-side-istio`),
        ingress: gatewayOf("shared-istio"),
        eksLoadBalancerHostname: lb,
        caller: { namespace: CALLERS[name], serviceAccount: "default", trustDomain: c.trustDomain },
        clientSpiffeId: spiffeOf(c.trustDomain),
        host,
        ...overrides,
    });
}

for (const c of CONSUMERS)
    for (const host of c.hosts)
        test(`${c.name} → ${host} (granted): every hop carries it, admitted by ${c.name}'s own policy`, async () => {
            const r = await traceFrom(c.name, host);
            assert.ok(r.ok, r.ok ? "" : `${r.failure.step}: ${r.failure.reason}`);
            assert.equal(
                r.hops.find((h) => h.step === "EKS authorization")!.detail,
                `allowed by AuthorizationPolicy istio-ingress/${policyName(c.name)}`,
            );
        });

test("aks may not reach lambda.external: nothing on its cluster routes it, and its request for it resolves nowhere", async () => {
    const { sides } = await built;
    const onCluster = (name: string) =>
        sim.graph.resources.filter((r) => r.custom && r.provider === sides[name].providerRef);
    const naming = (name: string, host: string) =>
        onCluster(name)
            .filter((r) => JSON.stringify(unsecret(r.rawInputs)).includes(host))
            .map((r) => `${object(r).kind} ${object(r).metadata?.name}`);
    assert.deepEqual(naming("aks", LAMBDA), [], "no object on aks's cluster names lambda.external");
    assert.ok(naming("aks", INVENTORY).length > 0, "while its granted host is routed there");
    assert.ok(naming("gke", LAMBDA).length > 0, "and gke's cluster routes lambda.external");
    const r = await traceFrom("aks", LAMBDA);
    assert.equal(r.ok, false);
    if (!r.ok) {
        assert.equal(r.failure.step, "app resolves host");
        assert.match(r.failure.reason, /no ServiceEntry for lambda\.external is visible from namespace warehouse/);
    }
});

test("a route to lambda.external that aks builds by hand with its grant (bypassing CrossMeshConsumer) is refused by the export's policies", async () => {
    const { grants, lb } = await built;
    const egress = gatewayOf("aks-side-istio");
    // ImportGateway's own objects for both hosts, with aks's certificate: everything aks alone could deploy.
    const rogue = importObjects(
        {
            linkName: "aks-by-hand",
            gateway: egress,
            credentialName: "aks-by-hand-link",
            remotePort: 443,
            trustDomain: "aks.example.org",
            services: HOSTS.map((host) => ({ host, allowedSources: [{ namespace: "warehouse" }] })),
        },
        grants.aks.clientBundle,
        lb,
    );
    const denied = await traceFrom("aks", LAMBDA, { gke: rogue });
    assert.equal(denied.ok, false);
    if (!denied.ok) {
        assert.equal(denied.failure.step, "EKS authorization", "the link itself is up: the Gateway admits aks");
        assert.match(
            denied.failure.reason,
            /principal aks\.example\.org\/ns\/istio-egress\/sa\/istio-egressgateway to lambda\.external matches no ALLOW rule/,
        );
    }
    const allowed = await traceFrom("aks", INVENTORY, { gke: rogue });
    assert.ok(allowed.ok, "the same hand-built objects reach the granted host: only the policy tells them apart");
});

/** Istio's string match for principals and hosts: exact, "*", prefix ("abc*") or suffix ("*abc"). */
function istioMatches(pattern: string, value: string): boolean {
    if (pattern === "*") return true;
    if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
    if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
    return pattern === value;
}

/**
 * The ALLOW policies that admit a request at the gateway, as Istio evaluates them: a policy applies when it is in
 * the gateway's namespace and its selector matches the pods; a rule matches when a source's principals match the
 * peer's URI SAN without `spiffe://` and an operation's hosts match the request's authority (case-insensitive).
 * With only ALLOW policies applying, a request no policy matches is denied.
 */
function admittedBy(policies: LinkObject[], gateway: GatewayRef, uriSan: string, authority: string): string[] {
    const principal = withoutScheme(uriSan);
    const applying = policies.filter(
        (p) =>
            p.metadata.namespace === gateway.namespace &&
            Object.entries(p.spec!.selector.matchLabels).every(([k, v]) => gateway.selectorLabels[k] === v),
    );
    assert.ok(
        applying.every((p) => p.spec!.action === "ALLOW"),
        "only ALLOW policies",
    );
    const ruleMatches = (rule: any) =>
        (rule.from ?? [{ source: {} }]).some((f: any) =>
            (f.source.principals ?? ["*"]).some((x: string) => istioMatches(x, principal)),
        ) &&
        (rule.to ?? [{ operation: {} }]).some((t: any) =>
            (t.operation.hosts ?? ["*"]).some((h: string) => istioMatches(h.toLowerCase(), authority.toLowerCase())),
        );
    return applying.filter((p) => (p.spec!.rules ?? []).some(ruleMatches)).map((p) => p.metadata.name);
}

test("the export's policies, evaluated as Istio does, admit each consumer to its granted hosts only, in every authority form", async () => {
    await built;
    const policies = ofKind(exportObjects(), "AuthorizationPolicy");
    const ingress = gatewayOf("shared-istio");
    const callers = [...CONSUMERS, { name: "stranger", hosts: [], trustDomain: "stranger.example.org" }];
    const rows = callers.flatMap((c) =>
        HOSTS.flatMap((host) =>
            [host, `${host}:443`, `${host}:8443`, host.toUpperCase()].map((authority) => ({
                caller: c.name,
                authority,
                admittedBy: admittedBy(policies, ingress, spiffeOf(c.trustDomain), authority),
            })),
        ),
    );
    assert.deepEqual(
        rows,
        rows.map((r) => {
            const c = callers.find((x) => x.name === r.caller)!;
            const host = r.authority.toLowerCase().replace(/:\d+$/, "");
            return { ...r, admittedBy: c.hosts.includes(host) ? [policyName(c.name)] : [] };
        }),
    );
});

type ServerCredential = { cert: string; key: string; ca: string };
const gatewayCredential = (): ServerCredential => {
    const data = credentialSecret().stringData!;
    return { cert: data["tls.crt"], key: data["tls.key"], ca: data["ca.crt"] };
};
const clientSide = (b: TlsBundle, servername: string) => ({
    cert: b.certPem,
    key: b.privateKeyPem,
    ca: b.caPem,
    servername,
});
/** The principals the export's policies allow for `host` (as in their rules, without `spiffe://`). */
const allowedFor = (host: string) =>
    ofKind(exportObjects(), "AuthorizationPolicy")
        .filter((p) => p.spec!.rules.some((r: any) => r.to[0].operation.hosts.includes(host)))
        .flatMap((p) => p.spec!.rules.flatMap((r: any) => r.from[0].source.principals));

test("aks's certificate completes mTLS with the gateway's credential, as an identity allowed for inventory.external only", async () => {
    const { grants } = await built;
    for (const host of HOSTS) {
        const r = await handshake(gatewayCredential(), clientSide(grants.aks.clientBundle, host));
        assert.ok(r.ok, `aks's handshake for ${host}: ${r.error}`);
        assert.equal(r.peerSubjectAltName, `URI:${spiffeOf("aks.example.org")}`);
    }
    const aks = withoutScheme(grants.aks.spiffeId);
    assert.ok(allowedFor(INVENTORY).includes(aks));
    assert.ok(!allowedFor(LAMBDA).includes(aks), "the gateway lets aks in; only the policy keeps it from lambda");
    assert.deepEqual(allowedFor(LAMBDA), [withoutScheme(grants.gke.spiffeId)]);
});

/** A client certificate from a CA of its own (no consumer's), carrying `spiffeId`, issued as the tls provider would. */
async function foreignClient(spiffeId: string) {
    const clock = { now: () => new Date() };
    const caKey = simTls.privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ca = await simTls.selfSignedCert(
        {
            privateKeyPem: caKey.privateKeyPem,
            isCaCertificate: true,
            validityPeriodHours: 24,
            allowedUses: ["cert_signing", "digital_signature"],
            subject: { commonName: "crossmesh client CA gke", organization: "crossmesh" },
        },
        clock,
    );
    const key = simTls.privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    const csr = await simTls.certRequest({ privateKeyPem: key.privateKeyPem, uris: [spiffeId], subject: {} });
    const cert = await simTls.locallySignedCert(
        {
            certRequestPem: csr.certRequestPem,
            caCertPem: ca.certPem,
            caPrivateKeyPem: caKey.privateKeyPem,
            validityPeriodHours: 24,
            allowedUses: ["digital_signature", "client_auth"],
        },
        clock,
    );
    return { certPem: cert.certPem as string, privateKeyPem: key.privateKeyPem as string, caPem: ca.certPem as string };
}

test("a client certificate from a CA that is no consumer's fails the handshake, even carrying gke's SPIFFE id", async () => {
    const { grants, serverCaPem } = await built;
    const impostor = await foreignClient(grants.gke.spiffeId);
    const r = await handshake(gatewayCredential(), clientSide({ ...impostor, caPem: serverCaPem }, LAMBDA));
    assert.equal(r.ok, false, "the gateway must refuse it");
    assert.equal(r.peerSubjectAltName, undefined, "no identity was accepted");
    // Control: the certificate itself is sound; trusting its CA is what lets it in.
    const trusting = { ...gatewayCredential(), ca: [gatewayCredential().ca, impostor.caPem].join("") };
    const control = await handshake(trusting, clientSide({ ...impostor, caPem: serverCaPem }, LAMBDA));
    assert.ok(control.ok, control.error);
    assert.ok((await handshake(gatewayCredential(), clientSide(grants.gke.clientBundle, LAMBDA))).ok, "gke's own does");
});

test("grants are a secret; no private key reaches a public output or a non-secret resource input", async () => {
    const { exp, sides } = await built;
    assert.equal(await isSecret(exp.grants), true, "grants");
    assert.equal(await isSecret(exp.grantFor("aks")), true, "grantFor");
    const publicOutputs = {
        gatewayHostname: exp.gatewayHostname,
        consumers: exp.consumers,
        services: exp.services,
        topology: exp.topology,
        serverCaPem: exp.serverCaPem,
        spiffeId: sides.aks.side.spiffeId,
        clientCertExpiresAt: sides.aks.side.clientCertExpiresAt,
    };
    for (const [name, out] of Object.entries(publicOutputs)) {
        assert.equal(await isSecret(out as pulumi.Output<unknown>), false, `${name} is public`);
        assert.doesNotMatch(JSON.stringify(await valueOf(out as pulumi.Output<unknown>)), /PRIVATE KEY/, name);
    }
    await settle();
    const KEY = /PRIVATE KEY/;
    const leaks = sim.graph.resources.flatMap((r) => [
        ...plainMatches(r.rawInputs, KEY).map((p) => `${r.type} ${r.name} input ${p}`),
        ...plainMatches(r.rawOutputs ?? {}, KEY).map((p) => `${r.type} ${r.name} output ${p}`),
    ]);
    assert.deepEqual(leaks, []);
    // Not vacuous: keys are there, inside secrets — the grants output, the credential Secrets of both sides.
    const exportOutputs = sim.graph.one(EXPORT, "shared").rawOutputs!;
    assert.equal((exportOutputs.grants as Record<string, unknown>)[SECRET_SIG], SECRET_VALUE);
    assert.match(JSON.stringify(unsecret(exportOutputs.grants)), KEY);
    const secretsWithKeys = sim.graph
        .ofType("kubernetes:core/v1:Secret")
        .filter((r) => KEY.test(JSON.stringify(unsecret(r.rawInputs))))
        .map((r) => r.name)
        .sort();
    assert.deepEqual(secretsWithKeys, [
        "aks-side-import-secret-aks-side-link",
        "gke-side-import-secret-gke-side-link",
        "shared-export-secret-shared-link",
    ]);
});

// ---- refusals -------------------------------------------------------------------------------------------------

type Problem = { path: string; reason: string };

/** Every problem constructing raises (one InputPropertyError, or several at once), or none. */
function problemsOf(construct: () => unknown): Problem[] {
    try {
        construct();
    } catch (e) {
        if (pulumi.InputPropertyError.isInstance(e)) return [{ path: e.propertyPath, reason: e.reason }];
        if (pulumi.InputPropertiesError.isInstance(e))
            return e.errors.map((x) => ({ path: x.propertyPath, reason: x.reason }));
        throw e;
    }
    return [];
}

const [gke, aks] = CONSUMERS;
const ADOPTED = {
    namespace: "istio-ingress",
    selectorLabels: { istio: "ingressgateway" },
    serviceName: "istio-ingressgateway",
    serviceAccount: "istio-ingressgateway",
};

/** What is wrong, the args that differ from the valid export, the one field named and the fix said. */
const REFUSALS: [name: string, overrides: Record<string, unknown>, path: string, fix: RegExp][] = [
    [
        "a consumer granted a host the export does not export",
        { consumers: [gke, { ...aks, hosts: [INVENTORY, "orders.external"] }] },
        "consumers[1].hosts[1]",
        /"orders\.external" is not an exported host \(lambda\.external, inventory\.external\); export it in services first/,
    ],
    [
        "two consumers with the same identity",
        { consumers: [gke, { ...aks, trustDomain: gke.trustDomain }] },
        "consumers[1].trustDomain",
        /is also the identity of consumers\[0\]; the gateway could not tell them apart\. Give each consumer mesh its own trust domain/,
    ],
    [
        "a consumer in cluster.local",
        { consumers: [gke, { ...aks, trustDomain: "cluster.local" }] },
        "consumers[1].trustDomain",
        /Istio rewrites cluster\.local principals.*distinct trust domain/s,
    ],
    [
        "a consumer in the export's own (default) trust domain",
        { consumers: [gke, { ...aks, trustDomain: "eks.crossmesh.local" }] },
        "consumers[1].trustDomain",
        /equals the export's trust domain \("eks\.crossmesh\.local"\).*give the consumer its own/,
    ],
    [
        "a consumer in the export's own (given) trust domain",
        { trustDomain: "mesh.example.org", consumers: [{ ...gke, trustDomain: "mesh.example.org" }, aks] },
        "consumers[0].trustDomain",
        /equals the export's trust domain \("mesh\.example\.org"\)/,
    ],
    ["no consumers", { consumers: [] }, "consumers", /list at least one consumer mesh.*admits nobody/s],
    ["consumers missing", { consumers: undefined }, "consumers", /list the consumer meshes, e\.g\./],
    [
        "two consumers of one name",
        { consumers: [gke, { ...aks, name: "gke" }] },
        "consumers[1]",
        /"gke" is listed twice \(also at index 0\)/,
    ],
    [
        "a consumer name that is no DNS label",
        { consumers: [gke, { ...aks, name: "AKS prod" }] },
        "consumers[1].name",
        /not a valid Kubernetes name/,
    ],
    [
        "a consumer granted no host",
        { consumers: [gke, { ...aks, hosts: [] }] },
        "consumers[1].hosts",
        /at least one exported host; remove the consumer to revoke it/,
    ],
    [
        "egressCidrs with an adopted gateway (its load balancer is not crossmesh's)",
        { existingGateway: ADOPTED, consumers: [{ ...gke, egressCidrs: undefined }, aks] },
        "consumers[1].egressCidrs",
        /does not own its load balancer Service.*set loadBalancerSourceRanges on that Service yourself and remove egressCidrs/s,
    ],
    [
        "an internal gateway and a consumer without egressCidrs",
        { exposure: "internal", consumers: [gke, { ...aks, egressCidrs: undefined }] },
        "consumers[1].egressCidrs",
        /internal NLB admits only its own VPC.*list this consumer's private CIDRs/s,
    ],
    [
        "an unknown setting (a misspelt consumers)",
        { consumer: [gke] },
        "consumer",
        /is not a setting; the settings are clusterName, .*consumers/,
    ],
    [
        "an unknown setting of a consumer",
        { consumers: [gke, { ...aks, host: [INVENTORY] }] },
        "consumers[1].host",
        /is not a setting of consumers\[1\]; the settings are name, hosts, trustDomain/,
    ],
];

REFUSALS.forEach(([name, overrides, path, fix], i) =>
    test(`refused: ${name} — at ${path}, before anything is registered`, async () => {
        const { CrossMeshExport } = await import("../components");
        const p = await exportProviders;
        await built;
        // Each case its own name: what a construction registers is told apart from any other case's.
        const exportName = `refused-${i}`;
        const problems = problemsOf(
            () =>
                new CrossMeshExport(exportName, exportArgs(overrides as Partial<CrossMeshExportArgs>), {
                    providers: [p.eks, p.aws],
                }),
        );
        assert.deepEqual(
            problems.map((x) => x.path),
            [path],
            `one problem, at ${path}: ${JSON.stringify(problems)}`,
        );
        assert.match(problems[0].reason, fix);
        await settle();
        assert.deepEqual(
            sim.graph.resources
                .filter((r) => r.name === exportName || r.name.startsWith(`${exportName}-`))
                .map((r) => `${r.type} ${r.name}`),
            [],
            "nothing of the refused export is registered, not even the component",
        );
    }),
);
