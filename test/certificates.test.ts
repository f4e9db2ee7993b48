// Every certificate crossmesh issues, as the dev and multi stacks issue them: a subject CN of at most 64
// characters (RFC 5280 ub-common-name; the ALB's DNS name is 70-80), and every name it serves in its
// SANs, which is what TLS clients and Envoy check.
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { test } from "node:test";
import { unsecret } from "../tools/simulator";
import { runStack } from "../tools/simulator/stack";

const run = runStack({ stack: "dev" });

test("every certificate has a CN of at most 64 characters and its names in SANs", async () => {
    const { graph } = await run;
    const certs = graph.resources.filter((r) => /tls:index\/(selfSignedCert|locallySignedCert)/.test(r.type));
    assert.ok(certs.length >= 5, `certificates issued: ${certs.length}`);
    for (const r of certs) {
        const pem = (unsecret(r.state) as { certPem: string }).certPem;
        const cert = new crypto.X509Certificate(pem);
        const cn = /CN=([^\n]*)/.exec(cert.subject)?.[1] ?? "";
        assert.ok(cn.length > 0 && cn.length <= 64, `${r.name}: CN "${cn}" has ${cn.length} characters`);
        if (!cert.ca) {
            const sans = cert.subjectAltName ?? "";
            assert.ok(sans.length > 0, `${r.name}: a leaf without SANs`);
        }
    }
    const alb = certs.find((r) => r.name.endsWith("-alb-tls-cert"))!;
    const albCert = new crypto.X509Certificate((unsecret(alb.state) as { certPem: string }).certPem);
    const albDnsName = (
        unsecret(graph.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!.state) as {
            dnsName: string;
        }
    ).dnsName;
    assert.ok(albDnsName.length > 64, "the ALB's name is longer than a CN may be");
    assert.equal(albCert.subjectAltName, `DNS:${albDnsName}`);
});
