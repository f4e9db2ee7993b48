// Bad LinkPki args fail with pulumi.InputPropertyError before anything is registered (not even the
// component), naming the field and saying how to fix it. Plus the pure helpers, without Pulumi.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { startSimulation } from "../tools/simulator";
import { expectRefused } from "./support/refused";

const sim = startSimulation();
const load = () => import("../components/link-pki");
type Args = import("../components/link-pki").LinkPkiArgs;

async function rejects(args: Args, propertyPath: string, fix: RegExp): Promise<void> {
    const { LinkPki } = await load();
    await expectRefused(sim.graph, () => new LinkPki("bad", args), propertyPath, fix);
}

const HOSTS = ["lambda.external"];

test("no exported hosts", () =>
    rejects({ exportedHosts: [] }, "exportedHosts", /list every host .*e\.g\. \["lambda\.external"\]/));

test("exportedHosts missing altogether", () => rejects({} as Args, "exportedHosts", /is required; list every host/));

test("a host that is not a valid DNS name", () =>
    rejects(
        { exportedHosts: ["lambda.external", "lambda_svc.external"] },
        "exportedHosts[1]",
        /not a valid fully qualified DNS name: use .*labels/,
    ));

test("a single-label host is not an FQDN", () =>
    rejects({ exportedHosts: ["lambda"] }, "exportedHosts[0]", /e\.g\. "lambda\.external"/));

test("a wildcard host", () =>
    rejects({ exportedHosts: ["*.external"] }, "exportedHosts[0]", /wildcard.*Name each host concretely/));

test("a host listed twice", () =>
    rejects({ exportedHosts: ["a.external", "a.external"] }, "exportedHosts[1]", /listed twice.*list each value once/));

test("leaf validity shorter than the (default) early-renewal window", () =>
    rejects(
        { exportedHosts: HOSTS, leafValidityDays: 20 },
        "leafValidityDays",
        /not longer than its early-renewal window.*Make the validity longer than the window/,
    ));

test("leaf early-renewal window as long as the validity", () =>
    rejects(
        { exportedHosts: HOSTS, leafValidityDays: 60, leafRenewBeforeDays: 60 },
        "leafRenewBeforeDays",
        /Make the validity longer than the window/,
    ));

test("CA validity shorter than the CA early-renewal window", () =>
    rejects(
        { exportedHosts: HOSTS, caValidityDays: 365, caRenewBeforeDays: 400 },
        "caRenewBeforeDays",
        /Make the validity longer than the window/,
    ));

test("a leaf that would outlive its CA", () =>
    rejects(
        { exportedHosts: HOSTS, caValidityDays: 100, caRenewBeforeDays: 30, leafValidityDays: 90 },
        "leafValidityDays",
        /outlives the CA.*keep leaves shorter/,
    ));

test("an unknown key algorithm", () =>
    rejects({ exportedHosts: HOSTS, keyAlgorithm: "ED25519" as "RSA" }, "keyAlgorithm", /use "ECDSA" .* or "RSA"/));

test("an unsupported RSA size", () =>
    rejects(
        { exportedHosts: HOSTS, keyAlgorithm: "RSA", rsaBits: 1024 as 2048 },
        "rsaBits",
        /use 2048 .*3072 or 4096/,
    ));

test("an RSA size with ECDSA keys", () =>
    rejects(
        { exportedHosts: HOSTS, rsaBits: 4096 },
        "rsaBits",
        /RSA keys only; remove it, or set keyAlgorithm to "RSA"/,
    ));

test("a trust domain that is not a valid SPIFFE trust domain", () =>
    rejects(
        { exportedHosts: HOSTS, clientTrustDomain: "cluster local" },
        "clientTrustDomain",
        /not a valid SPIFFE trust domain: use 1-255 lowercase letters/,
    ));

test("a SPIFFE ID given where the trust domain is expected", () =>
    rejects(
        { exportedHosts: HOSTS, clientTrustDomain: "spiffe://cluster.local" },
        "clientTrustDomain",
        /give only the domain part, e\.g\. "cluster\.local"/,
    ));

test("a private key given as an extra trusted CA", () => {
    const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
    return rejects(
        { exportedHosts: HOSTS, serverTrustsExtraCaPems: [pem] },
        "serverTrustsExtraCaPems[0]",
        /give only CA certificates \(never a key\)/,
    );
});

test("pure helpers: SPIFFE IDs, trust bundles and extra-CA checks", async () => {
    const { buildSpiffeId } = await import("../components/link-pki/spiffe");
    const { trustBundle, requireCaCertificates } = await import("../components/link-pki/bundle");
    assert.equal(
        buildSpiffeId("mesh.example.org", "egress", "egress-gw"),
        "spiffe://mesh.example.org/ns/egress/sa/egress-gw",
    );
    // The component runs these checks again inside `apply` for values that arrive as Outputs (e.g. the
    // namespace from IstioInstall); there the error fails the deployment rather than the constructor.
    assert.throws(
        () => buildSpiffeId("cluster.local", "Istio_System", "egress"),
        (e: unknown) =>
            pulumi.InputPropertyError.isInstance(e) &&
            e.propertyPath === "clientNamespace" &&
            /Kubernetes namespace name/.test(e.reason),
    );
    assert.throws(
        () => buildSpiffeId("cluster.local", "istio-system", "Egress"),
        (e: unknown) => pulumi.InputPropertyError.isInstance(e) && e.propertyPath === "clientServiceAccount",
    );
    const pem = (cn: string, ca: boolean) => {
        // node:crypto cannot mint certificates; the simulator's tls model can.
        return import("../tools/simulator/tls").then(async (tls) => {
            const key = tls.privateKey({ algorithm: "ECDSA", ecdsaCurve: "P256" });
            const cert = await tls.selfSignedCert(
                {
                    privateKeyPem: key.privateKeyPem,
                    isCaCertificate: ca,
                    validityPeriodHours: 1,
                    subject: { commonName: cn },
                },
                { now: () => new Date(0) },
            );
            return cert.certPem as string;
        });
    };
    const [a, b, leaf] = await Promise.all([pem("a", true), pem("b", true), pem("leaf", false)]);
    assert.equal(
        trustBundle(a, [b, a, b.replace(/\n/g, "\r\n")]),
        a + b,
        "deduplicated, peer CA first, CRLF normalized",
    );
    assert.deepEqual(requireCaCertificates("x", [a + b]), [a, b], "a multi-certificate entry is split");
    assert.throws(
        () => requireCaCertificates("x", [b, leaf]),
        (e: unknown) =>
            pulumi.InputPropertyError.isInstance(e) &&
            e.propertyPath === "x[1]" &&
            /not a CA certificate/.test(e.reason),
    );
    assert.throws(() => requireCaCertificates("x", ["hello"]), /is not PEM/);
});
