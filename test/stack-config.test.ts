// Bad stack config → one clear error naming the config key (as `pulumi config` spells it) and the fix,
// before any resource is registered.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { linkSettings, readStackConfig } from "../stacks/config";
import { runFixture } from "./support/run-fixture";

const base = {
    "crossmesh:awsRegion": "eu-west-1",
    "crossmesh:eksClusterName": "eks-lab5",
    "crossmesh:gkeContext": "gke_p_z_c",
};
const SECRET = ["crossmesh:gkeKubeconfig", "crossmesh:eksKubeconfig"];
const read = (extra: Record<string, unknown>, secret: string[] = SECRET) => readRaw(extra, secret);
const readRaw = (extra: Record<string, unknown>, secret: string[] = SECRET, rawExtra: Record<string, string> = {}) => {
    const raw: Record<string, string> = { ...base, ...rawExtra };
    for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete raw[`crossmesh:${k}`];
        else raw[`crossmesh:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    return readStackConfig(raw, (k) => secret.includes(k));
};

function rejects(
    extra: Record<string, unknown>,
    key: string,
    fix: RegExp,
    secret?: string[],
    rawExtra: Record<string, string> = {},
) {
    let error: unknown;
    try {
        readRaw(extra, secret, rawExtra);
    } catch (e) {
        error = e;
    }
    assert.ok(pulumi.InputPropertyError.isInstance(error), `expected an InputPropertyError, got ${String(error)}`);
    assert.equal(error.propertyPath, key);
    assert.match(error.reason, fix);
}

const svc = (over: Record<string, unknown> = {}) => [
    { host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }], ...over },
];

test("the seed defaults: one Lambda exported as lambda.external to namespace sleep; the link owns the other defaults", async () => {
    const c = read({});
    assert.deepEqual(c.services, [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }]);
    const { resolveLink } = await import("../components/cross-mesh-link/steps/resolve");
    const plan = resolveLink("crossmesh", linkSettings(c));
    assert.equal(plan.istioVersion, "1.30.3");
    assert.notEqual(plan.eksTrustDomain, plan.gkeTrustDomain);
});
test("missing awsRegion", () => rejects({ awsRegion: undefined }, "crossmesh:awsRegion", /is required/));
test("an awsRegion that is not a region", () =>
    rejects(
        { awsRegion: "europe-west1" },
        "crossmesh:awsRegion",
        /is not an AWS region; use the region of the EKS cluster/,
    ));
test("missing eksClusterName", () => rejects({ eksClusterName: undefined }, "crossmesh:eksClusterName", /is required/));
test("no way to reach GKE", () =>
    rejects({ gkeContext: undefined }, "crossmesh:gkeCluster", /pulumi config set --secret crossmesh:gkeKubeconfig/));
test("a kubeconfig stored in plain text", () =>
    rejects(
        { gkeKubeconfig: "apiVersion: v1" },
        "crossmesh:gkeKubeconfig",
        /must be encrypted: run `pulumi config set --secret crossmesh:gkeKubeconfig/,
        [],
    ));
test("a misspelt key gets a suggestion", () =>
    rejects({ servics: svc() }, "crossmesh:servics", /did you mean crossmesh:services\?/));
test("a wildcard exported host", () =>
    rejects(
        { services: svc({ host: "*.external" }) },
        "crossmesh:services[0].host",
        /is a wildcard.*Name each host concretely/,
    ));
test("a service with neither lambda nor upstream", () =>
    rejects({ services: svc({ lambda: undefined }) }, "crossmesh:services[0].lambda", /exactly one of `lambda`/));
test("a service nobody may call", () =>
    rejects(
        { services: svc({ allowedSources: [] }) },
        "crossmesh:services[0].allowedSources",
        /list who may call this host/,
    ));
test("a duplicate host", () =>
    rejects({ services: [...svc(), ...svc()] }, "crossmesh:services[1].host", /listed twice/));
test("a Lambda memory size above AWS's limit", () =>
    rejects(
        { services: svc({ lambda: { memorySize: 20000 } }) },
        "crossmesh:services[0].lambda.memorySize",
        /from 128 to 10240/,
    ));
test("an unknown field in a service", () =>
    rejects({ services: svc({ hostt: "x" }) }, "crossmesh:services[0]", /unknown field\(s\) hostt/));
test("an Istio version that is not a release", () =>
    rejects({ istioVersion: "v1.30.3" }, "crossmesh:istioVersion", /not an Istio release version.*e\.g\. "1\.30\.3"/));
test("the same trust domain on both sides", () =>
    rejects(
        { eksTrustDomain: "mesh.example.org", gkeTrustDomain: "mesh.example.org" },
        "crossmesh:gkeTrustDomain",
        /equals eksTrustDomain.*share no root of trust/,
    ));
test("an adopted gateway without selector labels", () =>
    rejects(
        {
            eksExistingGateway: {
                namespace: "istio-ingress",
                selectorLabels: {},
                serviceName: "gw",
                serviceAccount: "gw",
            },
        },
        "crossmesh:eksExistingGateway.selectorLabels",
        /gateway pods' labels|is empty/,
    ));
test("a 0.x config key renamed in 1.0 is refused with the move to make", () =>
    rejects(
        {
            eksIstio: {
                namespace: "istio-ingress",
                selectorLabels: { istio: "ingressgateway" },
                serviceName: "gw",
                serviceAccount: "gw",
            },
        },
        "crossmesh:eksIstio",
        /renamed crossmesh:eksExistingGateway in crossmesh 1\.0; move the value/,
    ));
test("rsaBits with ECDSA keys", () =>
    rejects({ pki: { rsaBits: 2048 } }, "crossmesh:pki.rsaBits", /applies to RSA keys only/));
test("a boolean key with a non-boolean value", () => rejects({ verify: "yes" }, "crossmesh:verify", /must be boolean/));

test("a config value that looks like a number stays the string it was set as", () =>
    rejects({ istioVersion: "1.30" }, "crossmesh:istioVersion", /not an Istio release version/));

test("a bad config stops the real stack program before any resource is registered", () => {
    const run = runFixture<{ error?: string; propertyPath?: string; custom: string[] }>(
        "run-stack.ts",
        "dev",
        JSON.stringify({ istioVersion: "latest" }),
    );
    assert.equal(run.propertyPath, "crossmesh:istioVersion");
    assert.match(run.error ?? "", /not an Istio release version/);
    assert.deepEqual(run.custom, [], "no resource registered");
});

// #12 item 9: what a user mistypes gets one clear line each, all at once, naming the key.
function errorOf(
    extra: Record<string, unknown>,
    rawExtra: Record<string, string> = {},
): Error & { errors?: { propertyPath: string; reason: string }[] } {
    const raw: Record<string, string> = { ...base, ...rawExtra };
    for (const [k, v] of Object.entries(extra)) raw[`crossmesh:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    try {
        readStackConfig(raw, (k) => SECRET.includes(k));
    } catch (e) {
        return e as Error & { errors?: { propertyPath: string; reason: string }[] };
    }
    throw new Error("expected the config to be refused");
}
test("an unknown key: the message text itself names the key and a suggestion", () => {
    const e = errorOf({ servics: svc() });
    assert.match(e.message, /^crossmesh:servics: is not a crossmesh config key; did you mean crossmesh:services\?/);
});
test("every problem is reported at once, each with its key", () => {
    const e = errorOf({ awsRegion: "eu-wset-1", istioVersion: "v1", services: svc({ lambda: { memorySize: 1 } }) });
    assert.ok(pulumi.InputPropertiesError.isInstance(e), String(e));
    assert.deepEqual(e.errors!.map((x) => x.propertyPath).sort(), [
        "crossmesh:awsRegion",
        "crossmesh:istioVersion",
        "crossmesh:services[0].lambda.memorySize",
    ]);
    for (const key of ["crossmesh:awsRegion", "crossmesh:istioVersion", "crossmesh:services[0].lambda.memorySize"])
        assert.ok(e.message.includes(key), e.message);
});
test("a mistyped namespace is not ignored", () =>
    rejects({}, "crosmesh:awsRegion", /did you mean crossmesh:awsRegion/, undefined, {
        "crosmesh:awsRegion": "eu-west-1",
    }));
test("a region the AWS provider does not know (eu-wset-1)", () =>
    rejects({ awsRegion: "eu-wset-1" }, "crossmesh:awsRegion", /"eu-wset-1" is not an AWS region \(e\.g\. eu-/));
test("a runtime the AWS provider supports (python3.14) is accepted", () => {
    assert.equal(
        read({ services: svc({ lambda: { runtime: "python3.14" } }) }).services[0].lambda?.runtime,
        "python3.14",
    );
});
test("a deprecated runtime is refused with the supported list", () =>
    rejects(
        { services: svc({ lambda: { runtime: "python3.8" } }) },
        "crossmesh:services[0].lambda.runtime",
        /python3\.14/,
    ));
test("an unpublished Istio release gets a clear line, not a registration stack trace", () =>
    rejects(
        { istioVersion: "1.30.9" },
        "crossmesh:istioVersion",
        /not a published release \(1\.30 has 1\.30\.0, .*1\.30\.3\)/,
    ));
test("a CIDR with host bits names its key", () =>
    rejects(
        { consumerEgressCidrs: ["203.0.113.5/28"] },
        "crossmesh:consumerEgressCidrs[0]",
        /host bits set; use the network address "203\.0\.113\.0\/28"/,
    ));
test("eksAwsEgress.extraHosts are objects the link takes, with their own checks", () => {
    assert.deepEqual(
        read({ eksAwsEgress: { extraHosts: [{ host: "textract.eu-west-1.amazonaws.com" }] } }).eksAwsEgress?.extraHosts,
        [{ host: "textract.eu-west-1.amazonaws.com" }],
    );
    return rejects(
        { eksAwsEgress: { extraHosts: [{ host: "*.amazonaws.com" }] } },
        "crossmesh:eksAwsEgress.extraHosts[0].host",
        /is a wildcard/,
    );
});
test("eksAwsEgress.exportTo: a field added to the link's spec is a config key at once, with AwsEgress's own checks", () => {
    assert.deepEqual(read({ eksAwsEgress: { awsServices: ["sts"], exportTo: ["orders"] } }).eksAwsEgress?.exportTo, [
        "orders",
    ]);
    return rejects(
        { eksAwsEgress: { awsServices: ["sts"], exportTo: ["Orders"] } },
        "crossmesh:eksAwsEgress.exportTo[0]",
        /not a valid Kubernetes name/,
    );
});
test("a child component's field is reported under the config key, not the child's name", () =>
    rejects({ pki: { leafValidityDays: 1 } }, "crossmesh:pki.leafValidityDays", /from 2 to 3650/));
test("the DEPRECATED runtime list matches the AWS provider's own @deprecated markers", async () => {
    const fs = await import("node:fs");
    const dts = fs.readFileSync(require.resolve("@pulumi/aws/types/enums/lambda/index.d.ts"), "utf8");
    const deprecated = [...dts.matchAll(/@deprecated[^\n]*\n\s*\*\/\s*\n\s*readonly \w+: "([^"]+)"/g)]
        .map((m) => m[1])
        .sort();
    const { DEPRECATED_LAMBDA_RUNTIMES } = await import("../components/lambda-alb/spec");
    assert.ok(deprecated.length > 0);
    assert.deepEqual([...DEPRECATED_LAMBDA_RUNTIMES].sort(), deprecated);
});
test("services[].existingFunction and the created function's new settings are config keys at once, with their checks", () => {
    const services = [
        {
            host: "orders.external",
            existingFunction: {
                function: "arn:aws:lambda:eu-west-1:123456789012:function:orders-api",
                qualifier: "live",
            },
            allowedSources: [{ namespace: "shop" }],
        },
        {
            host: "reports.external",
            lambda: { architecture: "arm64", policyStatements: [{ actions: ["s3:GetObject"], resources: ["*"] }] },
            allowedSources: [{ namespace: "finance" }],
        },
    ];
    assert.deepEqual(read({ services }).services, services);
    return rejects(
        {
            services: [
                {
                    ...services[0],
                    existingFunction: { function: services[0].existingFunction!.function, qualifier: "$LATEST" },
                },
            ],
        },
        "crossmesh:services[0].existingFunction.qualifier",
        /cannot be allowed to invoke \$LATEST/,
    );
});
