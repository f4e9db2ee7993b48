// Bad LinkPki args fail with pulumi.InputPropertyError before anything is registered (not even the
// component), naming the field and saying how to fix it. Plus the pure helpers, without Pulumi.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { startSimulation, valueOf } from "../tools/simulator";
import { refusalTable } from "./support/refused";

const sim = startSimulation();
type Args = import("../components/link-pki").LinkPkiArgs;
const HOSTS = { exportedHosts: ["lambda.external"] };
const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const KEY_PEM = privateKey.export({ type: "pkcs8", format: "pem" }) as string;

// [what is wrong, the args, the field refused, the fix it says]
const CASES: [string, Args, string, RegExp][] = [
    ["no exported hosts", { exportedHosts: [] }, "exportedHosts", /list every host .*e\.g\. \["lambda\.external"\]/],
    ["exportedHosts missing altogether", {} as Args, "exportedHosts", /is required; list every host/],
    [
        "a host that is not a DNS name",
        { exportedHosts: ["a.external", "a_b.external"] },
        "exportedHosts[1]",
        /not a valid fully qualified DNS name: use .*labels/,
    ],
    [
        "a single-label host is not an FQDN",
        { exportedHosts: ["lambda"] },
        "exportedHosts[0]",
        /e\.g\. "lambda\.external"/,
    ],
    ["a wildcard host", { exportedHosts: ["*.external"] }, "exportedHosts[0]", /wildcard.*Name each host concretely/],
    [
        "a host listed twice",
        { exportedHosts: ["a.external", "a.external"] },
        "exportedHosts[1]",
        /listed twice.*list each value once/,
    ],
    [
        "a leaf validity within the (default) renewal window",
        { ...HOSTS, leafValidityDays: 20 },
        "leafValidityDays",
        /not longer than its early-renewal window.*Make the validity longer than the window/,
    ],
    [
        "a leaf renewal window as long as the validity",
        { ...HOSTS, leafValidityDays: 60, leafRenewBeforeDays: 60 },
        "leafRenewBeforeDays",
        /Make the validity longer than the window/,
    ],
    [
        "a CA validity within the CA renewal window",
        { ...HOSTS, caValidityDays: 365, caRenewBeforeDays: 400 },
        "caRenewBeforeDays",
        /Make the validity longer than the window/,
    ],
    [
        "a leaf that would outlive its CA",
        { ...HOSTS, caValidityDays: 100, caRenewBeforeDays: 30, leafValidityDays: 90 },
        "leafValidityDays",
        /outlives the CA.*keep leaves shorter/,
    ],
    ["a validity out of range", { ...HOSTS, leafValidityDays: 5000 }, "leafValidityDays", /from 2 to 3650/],
    [
        "an unknown key algorithm",
        { ...HOSTS, keyAlgorithm: "ED25519" as "RSA" },
        "keyAlgorithm",
        /use "ECDSA" .* or "RSA"/,
    ],
    [
        "an unsupported RSA size",
        { ...HOSTS, keyAlgorithm: "RSA", rsaBits: 1024 as 2048 },
        "rsaBits",
        /use 2048 .*3072 or 4096/,
    ],
    [
        "an RSA size with ECDSA keys",
        { ...HOSTS, rsaBits: 4096 },
        "rsaBits",
        /RSA keys only; remove it, or set keyAlgorithm to "RSA"/,
    ],
    [
        "a trust domain that is not one",
        { ...HOSTS, clientTrustDomain: "cluster local" },
        "clientTrustDomain",
        /not a valid SPIFFE trust domain: use 1-255 lowercase letters/,
    ],
    [
        "a SPIFFE ID for a trust domain",
        { ...HOSTS, clientTrustDomain: "spiffe://cluster.local" },
        "clientTrustDomain",
        /give only the domain part, e\.g\. "cluster\.local"/,
    ],
    [
        "a namespace that is not a name",
        { ...HOSTS, clientNamespace: "Istio_System" },
        "clientNamespace",
        /not a Kubernetes namespace name/,
    ],
    [
        "a service account that is not a name",
        { ...HOSTS, clientServiceAccount: "Egress" },
        "clientServiceAccount",
        /not a Kubernetes service account name/,
    ],
    [
        "a private key given as an extra CA",
        { ...HOSTS, serverTrustsExtraCaPems: [KEY_PEM] },
        "serverTrustsExtraCaPems[0]",
        /give only CA certificates \(never a key\)/,
    ],
];
refusalTable(
    sim.graph,
    CASES.map(([name, args, path, fix]) => ({ name, args, path, fix })),
    async (args) => {
        const { LinkPki } = await import("../components/link-pki");
        return () => new LinkPki("bad", args);
    },
);

test("a value that was an Output is checked once known: a bad one fails the deployment, at its field", async () => {
    const { later } = await import("../components/common/spec");
    const { linkPkiFields } = await import("../components/link-pki/spec");
    const late = (field: "clientNamespace" | "clientServiceAccount", value: string) => {
        const out = later(linkPkiFields[field], field, pulumi.output(value));
        // The Output's own bookkeeping promises reject too; only its value is awaited here.
        for (const p of Object.values(out)) if (p instanceof Promise) p.catch(() => undefined);
        return valueOf(out);
    };
    assert.equal(await late("clientNamespace", "istio-egress"), "istio-egress");
    await assert.rejects(
        late("clientNamespace", "Istio_System"),
        (e: unknown) =>
            pulumi.InputPropertyError.isInstance(e) &&
            e.propertyPath === "clientNamespace" &&
            /Kubernetes namespace name/.test(e.reason),
    );
    await assert.rejects(
        late("clientServiceAccount", "Egress"),
        (e: unknown) => pulumi.InputPropertyError.isInstance(e) && e.propertyPath === "clientServiceAccount",
    );
    const { LinkPki } = await import("../components/link-pki");
    const pki = new LinkPki("late", { exportedHosts: pulumi.output(["lambda.external"]) });
    assert.deepEqual(await valueOf(pki.serverHosts), ["lambda.external"], "a good late value passes");
});

test("pure helpers: trust bundles and extra-CA checks", async () => {
    const { trustBundle, requireCaCertificates } = await import("../components/link-pki/bundle");
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
