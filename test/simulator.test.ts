// The simulator itself: what it returns must behave like the providers, or every other test is hollow.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { startSimulation, settle, valueOf } from "../tools/simulator";
import { handshake } from "./support/handshake";

const sim = startSimulation();

test("tls resources give real keys and a verifiable CA-signed chain with the requested SANs", async () => {
    const tls = await import("@pulumi/tls");
    const caKey = new tls.PrivateKey("ca-key", { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ca = new tls.SelfSignedCert("ca", {
        privateKeyPem: caKey.privateKeyPem,
        isCaCertificate: true,
        validityPeriodHours: 24,
        allowedUses: ["cert_signing"],
        subject: { commonName: "sim CA" },
    });
    const leafKey = new tls.PrivateKey("leaf-key", { algorithm: "RSA", rsaBits: 2048 });
    const csr = new tls.CertRequest("leaf-csr", {
        privateKeyPem: leafKey.privateKeyPem,
        dnsNames: ["svc.example"],
        subject: { commonName: "svc" },
    });
    const leaf = new tls.LocallySignedCert("leaf", {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        validityPeriodHours: 12,
        earlyRenewalHours: 1,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    });
    const [caPem, leafPem, keyPem, end, due] = await Promise.all([
        valueOf(ca.certPem),
        valueOf(leaf.certPem),
        valueOf(leafKey.privateKeyPem),
        valueOf(leaf.validityEndTime),
        valueOf(leaf.readyForRenewal),
    ]);
    const x = new crypto.X509Certificate(leafPem);
    assert.ok(x.verify(new crypto.X509Certificate(caPem).publicKey), "leaf is signed by the CA");
    assert.equal(x.subjectAltName, "DNS:svc.example");
    assert.ok(x.checkPrivateKey(crypto.createPrivateKey(keyPem)));
    assert.ok(Math.abs(Date.parse(end) - Date.now() - 12 * 3600_000) < 60_000, "validity end is 12 h out");
    assert.equal(due, false);
    const ok = await handshake({ cert: leafPem, key: keyPem }, { ca: caPem, servername: "svc.example" });
    assert.deepEqual(ok, { ok: true, peerSubjectAltName: undefined });
    const wrong = await handshake({ cert: leafPem, key: keyPem }, { ca: caPem, servername: "other.example" });
    assert.equal(wrong.ok, false);
    assert.match(wrong.error ?? "", /does not match|altnames/i);
});

test("the recorder sees property dependencies between resources", async () => {
    await settle();
    const leaf = sim.graph.one("tls:index/locallySignedCert:LocallySignedCert", "leaf");
    const csr = sim.graph.one("tls:index/certRequest:CertRequest", "leaf-csr");
    const caKey = sim.graph.one("tls:index/privateKey:PrivateKey", "ca-key");
    assert.deepEqual(leaf.propertyDependencies.certRequestPem, [csr.urn]);
    assert.ok(sim.graph.waitsFor(leaf, caKey));
    assert.equal(sim.graph.waitsFor(caKey, leaf), false);
});

test("unknown invokes are refused, not answered with {}", async () => {
    const aws = await import("@pulumi/aws");
    await assert.rejects(aws.ec2.getVpc({ default: true }), /no model for invoke aws:ec2\/getVpc:getVpc/);
});
