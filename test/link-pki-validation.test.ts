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
const H = { exportedHosts: ["lambda.external"] };
const { privateKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
const KEY_PEM = privateKey.export({ type: "pkcs8", format: "pem" }) as string;
const WINDOW = /not longer than its early-renewal window.*Make the validity longer than the window/;

// [what is wrong, the args, the field refused, the fix it says]
const CASES: [string, Args, string, RegExp][] = [
    ["no exported hosts", { exportedHosts: [] }, "exportedHosts", /list every host .*e\.g\. \["lambda\.external"\]/],
    ["exportedHosts missing", {} as Args, "exportedHosts", /is required; list every host/],
    ["a host no DNS name", { exportedHosts: ["a.x", "a_b.x"] }, "exportedHosts[1]", /not a valid fully qualified DNS/],
    [
        "a host listed twice",
        { exportedHosts: ["a.x", "a.x"] },
        "exportedHosts[1]",
        /listed twice.*list each value once/,
    ],
    ["a leaf validity within the default window", { ...H, leafValidityDays: 20 }, "leafValidityDays", WINDOW],
    [
        "a leaf window as long as its validity",
        { ...H, leafValidityDays: 60, leafRenewBeforeDays: 60 },
        "leafRenewBeforeDays",
        WINDOW,
    ],
    [
        "a CA window longer than its validity",
        { ...H, caValidityDays: 365, caRenewBeforeDays: 400 },
        "caRenewBeforeDays",
        WINDOW,
    ],
    [
        "a leaf outliving its CA",
        { ...H, caValidityDays: 100, leafValidityDays: 90 },
        "leafValidityDays",
        /outlives the CA/,
    ],
    ["a validity out of range", { ...H, leafValidityDays: 5000 }, "leafValidityDays", /from 2 to 3650/],
    ["an unknown key algorithm", { ...H, keyAlgorithm: "ED25519" as "RSA" }, "keyAlgorithm", /use "ECDSA" .* or "RSA"/],
    [
        "an unsupported RSA size",
        { ...H, keyAlgorithm: "RSA", rsaBits: 1024 as 2048 },
        "rsaBits",
        /use 2048 .*3072 or 4096/,
    ],
    [
        "an RSA size with ECDSA keys",
        { ...H, rsaBits: 4096 },
        "rsaBits",
        /RSA keys only; remove it, or set keyAlgorithm/,
    ],
    [
        "a bad trust domain",
        { ...H, clientTrustDomain: "cluster local" },
        "clientTrustDomain",
        /not a valid SPIFFE trust/,
    ],
    ["a SPIFFE ID", { ...H, clientTrustDomain: "spiffe://c.local" }, "clientTrustDomain", /give only the domain part/],
    ["a bad namespace", { ...H, clientNamespace: "Istio_System" }, "clientNamespace", /not a Kubernetes namespace/],
    ["a bad service account", { ...H, clientServiceAccount: "Egress" }, "clientServiceAccount", /service account name/],
    ["a key as an extra CA", { ...H, serverTrustsExtraCaPems: [KEY_PEM] }, "serverTrustsExtraCaPems[0]", /never a key/],
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
