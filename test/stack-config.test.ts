// Bad stack config → one clear error naming the config key (as `pulumi config` spells it) and the fix,
// before any resource is registered.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "../stacks/config";
import { runFixture } from "./support/run-fixture";

const base = {
    "crossmesh:awsRegion": "eu-west-1",
    "crossmesh:eksClusterName": "eks-lab5",
    "crossmesh:gkeContext": "gke_p_z_c",
};
const SECRET = ["crossmesh:gkeKubeconfig", "crossmesh:eksKubeconfig"];
const read = (extra: Record<string, unknown>, secret: string[] = SECRET) => {
    const raw: Record<string, string> = { ...base };
    for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete raw[`crossmesh:${k}`];
        else raw[`crossmesh:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return readStackConfig(raw, (k) => secret.includes(k));
};

function rejects(extra: Record<string, unknown>, key: string, fix: RegExp, secret?: string[]) {
    let error: unknown;
    try {
        read(extra, secret);
    } catch (e) {
        error = e;
    }
    assert.ok(pulumi.InputPropertyError.isInstance(error), `expected an InputPropertyError, got ${String(error)}`);
    assert.equal(error.propertyPath, key);
    assert.match(error.reason, fix);
}

const svc = (over: Record<string, unknown> = {}) => [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }], ...over }];

test("the seed defaults: one Lambda exported as lambda.external to namespace sleep", () => {
    const c = read({});
    assert.deepEqual(c.services, [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }]);
    assert.equal(c.istioVersion, "1.30.3");
    assert.notEqual(c.eksTrustDomain, c.gkeTrustDomain);
});
test("missing awsRegion", () => rejects({ awsRegion: undefined }, "crossmesh:awsRegion", /Required/));
test("an awsRegion that is not a region", () => rejects({ awsRegion: "europe-west1" }, "crossmesh:awsRegion", /must be an AWS region such as "eu-west-1"/));
test("missing eksClusterName", () => rejects({ eksClusterName: undefined }, "crossmesh:eksClusterName", /Required/));
test("no way to reach GKE", () => rejects({ gkeContext: undefined }, "crossmesh:gkeKubeconfig", /pulumi config set --secret crossmesh:gkeKubeconfig/));
test("a kubeconfig stored in plain text", () => rejects({ gkeKubeconfig: "apiVersion: v1" }, "crossmesh:gkeKubeconfig", /must be encrypted: run `pulumi config set --secret crossmesh:gkeKubeconfig/, []));
test("a misspelt key gets a suggestion", () => rejects({ servics: svc() }, "crossmesh:servics", /did you mean crossmesh:services\?/));
test("a wildcard exported host", () => rejects({ services: svc({ host: "*.external" }) }, "crossmesh:services[0].host", /concrete lowercase DNS name/));
test("a service with neither lambda nor upstream", () => rejects({ services: svc({ lambda: undefined }) }, "crossmesh:services[0].lambda", /exactly one of `lambda`/));
test("a service nobody may call", () => rejects({ services: svc({ allowedSources: [] }) }, "crossmesh:services[0].allowedSources", /at least one \{namespace, serviceAccount\?\}/));
test("a duplicate host", () => rejects({ services: [...svc(), ...svc()] }, "crossmesh:services[1].host", /exported twice/));
test("a Lambda memory size above AWS's limit", () => rejects({ services: svc({ lambda: { memorySize: 20000 } }) }, "crossmesh:services[0].lambda.memorySize", /128–10240 MB/));
test("an unknown field in a service", () => rejects({ services: svc({ hostt: "x" }) }, "crossmesh:services[0]", /unknown field\(s\) hostt/));
test("an Istio version that is not a release", () => rejects({ istioVersion: "v1.30.3" }, "crossmesh:istioVersion", /Istio release such as "1\.30\.3"/));
test("the same trust domain on both sides", () => rejects({ eksTrustDomain: "mesh.example.org", gkeTrustDomain: "mesh.example.org" }, "crossmesh:gkeTrustDomain", /must differ/));
test("an invalid consumer CIDR", () => rejects({ consumerEgressCidrs: ["203.0.113.0/33"] }, "crossmesh:consumerEgressCidrs[0]", /CIDR block/));
test("an adopted gateway without selector labels", () => rejects({ eksIstio: { namespace: "istio-ingress", selectorLabels: {}, serviceName: "gw", serviceAccount: "gw" } }, "crossmesh:eksIstio.selectorLabels", /gateway pods' labels/));
test("rsaBits with ECDSA keys", () => rejects({ pki: { rsaBits: 2048 } }, "crossmesh:pki.rsaBits", /only applies to keyAlgorithm "RSA"/));
test("a boolean key with a non-boolean value", () => rejects({ verify: "yes" }, "crossmesh:verify", /Expected boolean/));

test("a config value that looks like a number stays the string it was set as", () => rejects({ istioVersion: "1.30" }, "crossmesh:istioVersion", /Istio release such as "1\.30\.3"/));

test("a bad config stops the real stack program before any resource is registered", () => {
    const run = runFixture<{ error?: string; propertyPath?: string; custom: string[] }>("run-stack.ts", "dev", JSON.stringify({ istioVersion: "latest" }));
    assert.equal(run.propertyPath, "crossmesh:istioVersion");
    assert.match(run.error ?? "", /must be an Istio release such as "1\.30\.3"/);
    assert.deepEqual(run.custom, [], "no resource registered");
});
