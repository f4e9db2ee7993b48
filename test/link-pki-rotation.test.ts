// Rotation, with real handshakes.
//
// Leaf renewal is modelled as the tls provider does it: once `now` is inside a certificate's
// early-renewal window, `ready_for_renewal` turns true and the next `pulumi up` replaces that
// LocallySignedCert with one made from the same inputs (same CSR, hence same key; same CA). The
// simulator has no state between runs, so the test (1) issues the link on a simulated clock 61 days in
// the past, (2) moves the clock to today, where the provider's rule says the leaves are due and the
// CAs are not, and (3) performs the replacement itself: a new LocallySignedCert from the leaf's
// `signArgs`. The clock starts from the wall clock only so that node:tls, which checks validity against
// the real time, accepts both generations; no assertion depends on the wall clock.
//
// CA rotation uses two generations of the link that trust each other's CAs through the
// `*TrustsExtraCaPems` inputs. In a real program one direction is a plain PEM from config (Outputs
// cannot reference each other in a cycle); here a deferred Output stands in for that config value.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { defaultWorld, settle, startSimulation, valueOf } from "../tools/simulator";
import { handshake } from "./support/handshake";

const DAY = 24 * 3600_000;
let now = new Date(Date.now() - 61 * DAY);
const sim = startSimulation({ world: defaultWorld({ now: () => now }) });
const HOST = "lambda.external";

type Bundle = { certPem: string; privateKeyPem: string; caPem: string };
const serverSide = (b: Bundle) => ({ cert: b.certPem, key: b.privateKeyPem, ca: b.caPem });
const clientSide = (b: Bundle) => ({ cert: b.certPem, key: b.privateKeyPem, ca: b.caPem, servername: HOST });

test("after leaf renewal inside the window (CAs unchanged) every old/new client × server pair handshakes", async () => {
    const { LinkPki } = await import("../components/link-pki");
    const { isDueForRenewal } = await import("../components/link-pki/renewal");
    const tls = await import("@pulumi/tls");
    const issuedAt = now;
    const pki = new LinkPki("link", { exportedHosts: [HOST] });
    const [oldServer, oldClient, leafEnd, caEnd, leafDue] = await Promise.all([
        valueOf(pki.serverBundle),
        valueOf(pki.clientBundle),
        valueOf(pki.serverCertExpiresAt),
        valueOf(pki.serverCaExpiresAt),
        valueOf(pki.issued().serverLeaf.cert.readyForRenewal),
    ]);
    assert.equal(leafDue, false, "a fresh leaf is not due");

    // Day 59: still outside the 30-day window of a 90-day leaf; day 61: inside it. CAs (10 years, 30 days early) are never due.
    const leafEarly = 30 * 24;
    assert.equal(isDueForRenewal(leafEnd, leafEarly, new Date(issuedAt.getTime() + 59 * DAY)), false);
    now = new Date(issuedAt.getTime() + 61 * DAY);
    assert.equal(isDueForRenewal(leafEnd, leafEarly, now), true, "the next `pulumi up` renews the leaves");
    assert.equal(isDueForRenewal(caEnd, 30 * 24, now), false, "and keeps the CAs");

    // The provider's replacement: the same inputs, signed again at the new `now`.
    await settle();
    const keysAndCas = () =>
        sim.graph.resources.filter((r) => r.type !== "tls:index/locallySignedCert:LocallySignedCert").length;
    const before = keysAndCas();
    const renewedServer = new tls.LocallySignedCert("link-server-cert-renewed", pki.issued().serverLeaf.signArgs, {
        parent: pki,
    });
    const renewedClient = new tls.LocallySignedCert("link-client-cert-renewed", pki.issued().clientLeaf.signArgs, {
        parent: pki,
    });
    const [newServerPem, newClientPem, newStart] = await Promise.all([
        valueOf(renewedServer.certPem),
        valueOf(renewedClient.certPem),
        valueOf(renewedServer.validityStartTime),
    ]);
    await settle();
    assert.equal(keysAndCas(), before, "renewal touches no key, CSR or CA");
    assert.equal(Date.parse(newStart), Math.floor(now.getTime() / 1000) * 1000, "issued at the new time");
    const oldX = new crypto.X509Certificate(oldServer.certPem);
    const newX = new crypto.X509Certificate(newServerPem);
    assert.notEqual(newX.serialNumber, oldX.serialNumber, "a new certificate");
    assert.equal(newX.issuer, oldX.issuer, "from the same CA");
    assert.ok(newX.checkPrivateKey(crypto.createPrivateKey(oldServer.privateKeyPem)), "for the same key");
    assert.ok(Date.parse(newX.validTo) > Date.parse(oldX.validTo));
    const newServer = { ...oldServer, certPem: newServerPem };
    const newClient = { ...oldClient, certPem: newClientPem };

    for (const [sName, s] of [
        ["old", oldServer],
        ["new", newServer],
    ] as const) {
        for (const [cName, c] of [
            ["old", oldClient],
            ["new", newClient],
        ] as const) {
            const r = await handshake(serverSide(s), clientSide(c));
            assert.equal(r.ok, true, `${cName} client × ${sName} server: ${r.error}`);
        }
    }
});

test("CA rotation with overlapping trust bundles: old- and new-CA clients and servers all accept each other", async () => {
    const { LinkPki } = await import("../components/link-pki");
    // The next generation's CA PEMs, as the current generation would read them from config.
    let publishNext!: (cas: { server: string; client: string }) => void;
    const nextCas = pulumi.output(
        new Promise<{ server: string; client: string }>((r) => {
            publishNext = r;
        }),
    );
    const current = new LinkPki("current", {
        exportedHosts: [HOST],
        serverTrustsExtraCaPems: [nextCas.client],
        clientTrustsExtraCaPems: [nextCas.server],
    });
    const next = new LinkPki("next", {
        exportedHosts: [HOST],
        serverTrustsExtraCaPems: [current.clientCaPem],
        clientTrustsExtraCaPems: [current.serverCaPem],
    });
    const stranger = new LinkPki("stranger", { exportedHosts: [HOST] });
    publishNext({ server: await valueOf(next.serverCaPem), client: await valueOf(next.clientCaPem) });
    const [oldServer, oldClient, newServer, newClient, strangerClient, oldClientCa, newClientCa] = await Promise.all([
        valueOf(current.serverBundle),
        valueOf(current.clientBundle),
        valueOf(next.serverBundle),
        valueOf(next.clientBundle),
        valueOf(stranger.clientBundle),
        valueOf(current.clientCaPem),
        valueOf(next.clientCaPem),
    ]);
    await settle();
    assert.equal(
        newServer.caPem,
        newClientCa + oldClientCa,
        "the new server trusts its own client CA first, then the old one",
    );
    assert.equal(oldServer.caPem, oldClientCa + newClientCa);

    for (const [sName, s] of [
        ["old", oldServer],
        ["new", newServer],
    ] as const) {
        for (const [cName, c] of [
            ["old-CA", oldClient],
            ["new-CA", newClient],
        ] as const) {
            const r = await handshake(serverSide(s), clientSide(c));
            assert.equal(r.ok, true, `${cName} client × ${sName} server: ${r.error}`);
        }
    }
    // Overlap widens trust to the two generations only.
    const r = await handshake(serverSide(newServer), { ...clientSide(strangerClient), ca: newClient.caPem });
    assert.equal(r.ok, false, "a client of an unrelated CA is still rejected");
    // Without the overlap the old client is rejected: the extra trust is what keeps the rollout up.
    const strict = await handshake({ ...serverSide(newServer), ca: newClientCa }, clientSide(oldClient));
    assert.equal(strict.ok, false);
});
