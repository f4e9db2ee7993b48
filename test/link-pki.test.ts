// LinkPki in the simulator: the certificates it issues are exercised with real node:tls handshakes on
// loopback, and its registrations are checked for shape and for secrets. What this does not prove:
// that Istio/Envoy accepts the bundles (only that OpenSSL, which Envoy's BoringSSL closely follows, does).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { SECRET_SIG, isSecret, plainMatches, settle, startSimulation, valueOf } from "../tools/simulator";
import { handshake } from "./support/handshake";

const sim = startSimulation();
const HOSTS = ["lambda.external", "orders.external"];
// The defaults fit an IstioInstall named "gke" with the egress role (its trust domain, namespace and account).
const SPIFFE = "spiffe://gke.crossmesh.local/ns/istio-egress/sa/istio-egressgateway";

async function build() {
    const { LinkPki } = await import("../components/link-pki");
    const pki = new LinkPki("link", { exportedHosts: HOSTS });
    // An unrelated link: its CAs stand in for "any other CA".
    const other = new LinkPki("other", { exportedHosts: HOSTS });
    const [server, client, serverCa, clientCa, otherServer, otherClient] = await Promise.all([
        valueOf(pki.serverBundle),
        valueOf(pki.clientBundle),
        valueOf(pki.serverCaPem),
        valueOf(pki.clientCaPem),
        valueOf(other.serverBundle),
        valueOf(other.clientBundle),
    ]);
    await settle();
    return { pki, server, client, serverCa, clientCa, otherServer, otherClient };
}
const built = build();

const serverSide = (b: { certPem: string; privateKeyPem: string; caPem: string }) => ({
    cert: b.certPem,
    key: b.privateKeyPem,
    ca: b.caPem,
});
const clientSide = (b: { certPem: string; privateKeyPem: string; caPem: string }, servername: string) => ({
    cert: b.certPem,
    key: b.privateKeyPem,
    ca: b.caPem,
    servername,
});

test("each side's bundle holds its own cert and key and exactly the other side's CA", async () => {
    const { server, client, serverCa, clientCa } = await built;
    assert.equal(server.caPem, clientCa, "server trusts the client CA only");
    assert.equal(client.caPem, serverCa, "client trusts the server CA only");
    const serverCert = new crypto.X509Certificate(server.certPem);
    const clientCert = new crypto.X509Certificate(client.certPem);
    assert.ok(
        serverCert.verify(new crypto.X509Certificate(serverCa).publicKey),
        "server leaf is signed by the server CA",
    );
    assert.ok(
        clientCert.verify(new crypto.X509Certificate(clientCa).publicKey),
        "client leaf is signed by the client CA",
    );
    assert.equal(serverCert.verify(new crypto.X509Certificate(clientCa).publicKey), false);
    assert.ok(serverCert.checkPrivateKey(crypto.createPrivateKey(server.privateKeyPem)));
    assert.ok(clientCert.checkPrivateKey(crypto.createPrivateKey(client.privateKeyPem)));
    assert.equal(serverCert.subjectAltName, "DNS:lambda.external, DNS:orders.external");
    assert.equal(clientCert.subjectAltName, `URI:${SPIFFE}`);
    assert.equal(serverCert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1", "ECDSA P-256 by default");
    assert.equal(serverCert.ca, false);
    assert.equal(new crypto.X509Certificate(serverCa).ca, true);
});

test("server and client bundles handshake for every exported host; each side sees the other's identity", async () => {
    const { server, client } = await built;
    for (const host of HOSTS) {
        const r = await handshake(serverSide(server), clientSide(client, host));
        assert.deepEqual(r, { ok: true, peerSubjectAltName: `URI:${SPIFFE}` }, host);
    }
});

test("a client certificate from another CA is rejected", async () => {
    const { server, client, otherClient, otherServer } = await built;
    const stranger = { ...clientSide(otherClient, HOSTS[0]), ca: client.caPem };
    const r = await handshake(serverSide(server), stranger);
    assert.equal(r.ok, false);
    // node's server checks the client chain after the handshake and drops the socket without a reply.
    assert.match(r.error ?? "", /socket hang up|unknown ca|certificate/i);
    // Control: the same client is accepted by a server that trusts its CA, so the CA was the reason.
    const control = await handshake({ ...serverSide(server), ca: otherServer.caPem }, stranger);
    assert.equal(control.ok, true, control.error);
});

test("a client without a certificate is rejected", async () => {
    const { server, client } = await built;
    const r = await handshake(serverSide(server), { ca: client.caPem, servername: HOSTS[0] });
    assert.equal(r.ok, false);
    assert.match(r.error ?? "", /certificate required|peer did not return a certificate|alert/i);
});

test("a servername that is not an exported host is rejected by the client", async () => {
    const { server, client } = await built;
    const r = await handshake(serverSide(server), clientSide(client, "billing.external"));
    assert.equal(r.ok, false);
    assert.match(r.error ?? "", /does not match|altnames/i);
});

test("a server presenting a certificate from another CA is rejected by the client", async () => {
    const { client, otherServer } = await built;
    const r = await handshake(serverSide(otherServer), clientSide(client, HOSTS[0]));
    assert.equal(r.ok, false);
    assert.match(r.error ?? "", /self.signed|unable to (get|verify)|local issuer/i);
});

test("children: two CAs and two leaves per link, ECDSA P-256, the right uses and SANs, all parented", async () => {
    await built;
    const component = sim.graph.one("crossmesh:index:LinkPki", "link");
    const kids = sim.graph.children(component.urn);
    assert.deepEqual(kids.map((k) => k.name).sort(), [
        "link-client-ca",
        "link-client-ca-key",
        "link-client-cert",
        "link-client-csr",
        "link-client-key",
        "link-server-ca",
        "link-server-ca-key",
        "link-server-cert",
        "link-server-csr",
        "link-server-key",
    ]);
    for (const key of kids.filter((k) => k.type === "tls:index/privateKey:PrivateKey")) {
        assert.equal(key.rawInputs.algorithm, "ECDSA", key.name);
        assert.equal(key.rawInputs.ecdsaCurve, "P256", key.name);
    }
    const ca = sim.graph.one("tls:index/selfSignedCert:SelfSignedCert", "link-server-ca");
    assert.equal(ca.rawInputs.isCaCertificate, true);
    assert.equal(ca.rawInputs.validityPeriodHours, 3650 * 24);
    assert.equal(ca.rawInputs.earlyRenewalHours, 30 * 24);
    assert.deepEqual(ca.rawInputs.allowedUses, ["cert_signing", "crl_signing", "digital_signature"]);
    const serverCert = sim.graph.one("tls:index/locallySignedCert:LocallySignedCert", "link-server-cert");
    assert.deepEqual(serverCert.rawInputs.allowedUses, ["digital_signature", "key_encipherment", "server_auth"]);
    assert.equal(serverCert.rawInputs.validityPeriodHours, 90 * 24);
    assert.equal(serverCert.rawInputs.earlyRenewalHours, 30 * 24);
    const clientCert = sim.graph.one("tls:index/locallySignedCert:LocallySignedCert", "link-client-cert");
    assert.deepEqual(clientCert.rawInputs.allowedUses, ["digital_signature", "client_auth"]);
    // The client leaf is signed by the client CA, not the server CA.
    const clientCa = sim.graph.one("tls:index/selfSignedCert:SelfSignedCert", "link-client-ca");
    assert.deepEqual(clientCert.propertyDependencies.caCertPem, [clientCa.urn]);
    assert.deepEqual(sim.graph.one("tls:index/certRequest:CertRequest", "link-server-csr").rawInputs.dnsNames, HOSTS);
    assert.deepEqual(sim.graph.one("tls:index/certRequest:CertRequest", "link-client-csr").rawInputs.uris, [SPIFFE]);
});

test("no private key appears outside a secret in the outputs or in any child's inputs; bundles are secret", async () => {
    const { pki } = await built;
    const component = sim.graph.one("crossmesh:index:LinkPki", "link");
    const outputs = component.rawOutputs ?? {};
    assert.deepEqual(Object.keys(outputs).sort(), [
        "clientBundle",
        "clientCaExpiresAt",
        "clientCaPem",
        "clientCertExpiresAt",
        "clientSpiffeId",
        "serverBundle",
        "serverCaExpiresAt",
        "serverCaPem",
        "serverCertExpiresAt",
        "serverHosts",
    ]);
    assert.deepEqual(plainMatches(outputs, /PRIVATE KEY/), []);
    // The check can fail: the bundles do hold keys, inside secrets.
    assert.deepEqual(
        plainMatches(JSON.parse(JSON.stringify(outputs).replaceAll(SECRET_SIG, "x")), /PRIVATE KEY/).sort(),
        ["clientBundle.value.privateKeyPem", "serverBundle.value.privateKeyPem"],
    );
    for (const k of sim.graph.children(component.urn))
        assert.deepEqual(plainMatches(k.rawInputs, /PRIVATE KEY/), [], k.name);
    assert.equal(await isSecret(pki.serverBundle), true);
    assert.equal(await isSecret(pki.clientBundle), true);
    assert.equal(await isSecret(pki.serverCaPem), false, "CA certificates are public");
    assert.equal(outputs.clientSpiffeId, SPIFFE);
    assert.deepEqual(outputs.serverHosts, HOSTS);
    const end = Date.parse(outputs.serverCertExpiresAt as string);
    const caEnd = Date.parse(outputs.serverCaExpiresAt as string);
    assert.ok(end < caEnd, "the leaf expires before its CA");
});

test("RSA 3072 keys when asked, and they handshake", async () => {
    const { LinkPki } = await import("../components/link-pki");
    const pki = new LinkPki("rsa", { exportedHosts: ["lambda.external"], keyAlgorithm: "RSA", rsaBits: 3072 });
    const [server, client] = await Promise.all([valueOf(pki.serverBundle), valueOf(pki.clientBundle)]);
    await settle();
    const keys = sim.graph
        .children(sim.graph.one("crossmesh:index:LinkPki", "rsa").urn)
        .filter((k) => k.type === "tls:index/privateKey:PrivateKey");
    assert.equal(keys.length, 4);
    for (const k of keys) assert.deepEqual([k.rawInputs.algorithm, k.rawInputs.rsaBits], ["RSA", 3072], k.name);
    assert.equal(new crypto.X509Certificate(server.certPem).publicKey.asymmetricKeyDetails?.modulusLength, 3072);
    const r = await handshake(serverSide(server), clientSide(client, "lambda.external"));
    assert.equal(r.ok, true, r.error);
});

test('standalone defaults fit together: LinkPki\'s client identity is the egress gateway of IstioInstall("gke"), and ExportGateway accepts it', async () => {
    const { installSettings } = await import("../components/istio-install/settings");
    const { requireClientSpiffeId } = await import("../components/export-gateway/spec");
    const { pki } = await built;
    const gke = installSettings("egress", {});
    const id = await valueOf(pki.clientSpiffeId);
    assert.equal(id, `spiffe://${gke.trustDomain}/ns/${gke.gatewayNamespace}/sa/${gke.gatewayName}`);
    assert.doesNotThrow(() => requireClientSpiffeId("clientSpiffeId", id));
});
