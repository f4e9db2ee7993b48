// The pods crossmesh runs itself (the verification Job on GKE, the optional test client): one pinned curl
// image, a numeric user wherever runAsNonRoot is set (a kubelet refuses runAsNonRoot with the image's
// named user `curl_user`), per-pod DNS capture so http://<host>/ resolves in a mesh without mesh-wide DNS
// capture, the user's node placement, and names a link can make its own.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    CURL_GROUP_ID,
    CURL_IMAGE,
    CURL_USER_ID,
    curlImage,
    requireImageReference,
    validatePlacement,
} from "../components/istio-install/client-pods";
import { verifyObjects } from "../components/cross-mesh-link/verify";
import { testClientObjects } from "../components/import-gateway/test-client";

const PLACEMENT = {
    nodeSelector: { "kubernetes.io/os": "linux", pool: "system" },
    tolerations: [{ key: "dedicated", operator: "Equal" as const, value: "system", effect: "NoSchedule" as const }],
};

/** Every pod spec in a list of objects (Job and Deployment templates). */
function podSpecs(
    objects: { kind: string; spec?: any; metadata: { name: string } }[],
): { owner: string; template: any }[] {
    return objects
        .filter((o) => o.spec?.template?.spec?.containers)
        .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, template: o.spec.template }));
}

function allPods(options: { placement?: typeof PLACEMENT; image?: string } = {}) {
    const v = verifyObjects({
        targets: [{ host: "lambda.external" }],
        revision: "1-30",
        linkFingerprint: "0123456789abcdef",
        ...options,
    });
    const client = testClientObjects("payments", options.image ?? CURL_IMAGE, "1-30", { placement: options.placement });
    return podSpecs([v.namespace, v.serviceAccount, v.job, ...client]);
}

test("there are exactly two pods crossmesh runs, and every container with runAsNonRoot states a numeric user and group", () => {
    const pods = allPods();
    assert.deepEqual(
        pods.map((p) => p.owner),
        ["Job/crossmesh-verify-0123456789", "Deployment/sleep"],
    );
    for (const { owner, template } of pods) {
        for (const c of [...(template.spec.initContainers ?? []), ...template.spec.containers]) {
            const sc = { ...template.spec.securityContext, ...c.securityContext };
            if (!sc.runAsNonRoot) continue;
            assert.ok(
                Number.isInteger(sc.runAsUser) && sc.runAsUser > 0,
                `${owner}/${c.name}: runAsNonRoot needs a numeric, non-zero runAsUser`,
            );
            assert.ok(Number.isInteger(sc.runAsGroup), `${owner}/${c.name}: runAsGroup`);
        }
        assert.equal(template.spec.containers[0].securityContext.runAsNonRoot, true, `${owner} runs as non-root`);
    }
});

test("the numeric user is the curl image's own curl_user (uid 100, gid 101), so files the image owns stay readable", () => {
    for (const { template } of allPods()) {
        assert.equal(template.spec.containers[0].securityContext.runAsUser, CURL_USER_ID);
        assert.equal(template.spec.containers[0].securityContext.runAsGroup, CURL_GROUP_ID);
    }
    assert.deepEqual([CURL_USER_ID, CURL_GROUP_ID], [100, 101]);
});

test("the Job and the test client run one shared image, pinned by digest", () => {
    const images = new Set(allPods().map((p) => p.template.spec.containers[0].image));
    assert.deepEqual([...images], [CURL_IMAGE], "one image for both");
    assert.match(CURL_IMAGE, /^curlimages\/curl:8\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
});

test("both pods capture DNS per pod and start the app only once the sidecar routes", () => {
    for (const { owner, template } of allPods()) {
        const config = JSON.parse(template.metadata.annotations["proxy.istio.io/config"]);
        assert.equal(config.proxyMetadata.ISTIO_META_DNS_CAPTURE, "true", owner);
        assert.equal(config.holdApplicationUntilProxyStarts, true, owner);
        assert.equal(
            "ISTIO_META_DNS_AUTO_ALLOCATE" in config.proxyMetadata,
            false,
            `${owner}: deprecated since Istio 1.25 (istioctl warns); istiod allocates addresses`,
        );
    }
});

test("node placement reaches both pods, and is absent when not asked for", () => {
    for (const { owner, template } of allPods({ placement: PLACEMENT })) {
        assert.deepEqual(template.spec.nodeSelector, PLACEMENT.nodeSelector, owner);
        assert.deepEqual(template.spec.tolerations, PLACEMENT.tolerations, owner);
    }
    for (const { owner, template } of allPods()) {
        assert.equal("nodeSelector" in template.spec, false, owner);
        assert.equal("tolerations" in template.spec, false, owner);
    }
});

test("the verify namespace and service account are parameters: two links get disjoint objects", () => {
    const objects = (link: string) => {
        const o = verifyObjects({
            targets: [{ host: "lambda.external" }],
            revision: "1-30",
            linkFingerprint: "0123456789abcdef",
            namespace: `crossmesh-verify-${link}`,
            serviceAccount: `verify-${link}`,
        });
        assert.equal(o.serviceAccount.metadata.namespace, o.namespace.metadata.name);
        assert.equal(o.job.metadata.namespace, o.namespace.metadata.name);
        assert.equal(o.job.spec.template.spec.serviceAccountName, o.serviceAccount.metadata.name);
        return [o.namespace, o.serviceAccount, o.job].map(
            (x) => `${x.kind}/${x.metadata.namespace ?? ""}/${x.metadata.name}`,
        );
    };
    const payments = objects("payments");
    const orders = objects("orders");
    assert.deepEqual(
        payments.filter((id) => orders.includes(id)),
        [],
    );
    assert.equal(
        verifyObjects({ targets: [], revision: "1-30", linkFingerprint: "x".repeat(16) }).namespace.metadata.name,
        "crossmesh-verify",
        "standalone default",
    );
});

test("with an image mirror the pods pull <mirror>/curlimages/curl by the same digest; a full image given by the user wins", () => {
    const mirror = "europe-docker.pkg.dev/my-project/dockerhub";
    const image = curlImage({ imageRegistry: `${mirror}/` });
    assert.equal(
        image,
        `${mirror}/curlimages/curl:8.15.0@sha256:4026b29997dc7c823b51c164b71e2b51e0fd95cce4601f78202c513d97da2922`,
    );
    for (const { template } of allPods({ image }))
        assert.ok(template.spec.containers[0].image.startsWith(`${mirror}/`));
    assert.equal(
        curlImage({ imageRegistry: mirror, image: "registry.example.internal/tools/curl:8.15.0" }),
        "registry.example.internal/tools/curl:8.15.0",
    );
    assert.equal(curlImage(), CURL_IMAGE);
});

test("placements and images that pass", () => {
    validatePlacement("verifyPlacement", PLACEMENT);
    validatePlacement("verifyPlacement", { tolerations: [{ operator: "Exists" }] });
    requireImageReference("testClientImage", CURL_IMAGE);
    requireImageReference("testClientImage", "localhost:5000/curl:8.15.0");
    requireImageReference("testClientImage", "registry.example.internal/tools/curl@sha256:" + "a".repeat(64));
});

// Placements and images are checked as the API server and the runtime would, naming the user's path.
const placement = (p: unknown) => () => validatePlacement("p", p as never);
const image = (i: string) => () => requireImageReference("testClientImage", i);
for (const [what, check, path, reason] of [
    [
        "a bad label key",
        placement({ nodeSelector: { "bad key!": "x" } }),
        "p.nodeSelector",
        /not a Kubernetes label key/,
    ],
    [
        "a bad label value",
        placement({ nodeSelector: { pool: "has space" } }),
        "p.nodeSelector.pool",
        /not a label value/,
    ],
    [
        "Exists with a value",
        placement({ tolerations: [{ key: "a", operator: "Exists", value: "b" }] }),
        "p.tolerations[0].value",
        /takes no value/,
    ],
    [
        "an unknown effect",
        placement({ tolerations: [{ key: "a", effect: "NoScheduled" }] }),
        "p.tolerations[0].effect",
        /not a taint effect/,
    ],
    [
        "an unknown operator",
        placement({ tolerations: [{ key: "a", operator: "In" }] }),
        "p.tolerations[0].operator",
        /not a toleration operator/,
    ],
    [
        "a keyless Equal",
        placement({ tolerations: [{ value: "x" }] }),
        "p.tolerations[0].key",
        /without a key must use operator "Exists"/,
    ],
    [
        "tolerationSeconds without NoExecute",
        placement({ tolerations: [{ key: "a", effect: "NoSchedule", tolerationSeconds: 30 }] }),
        "p.tolerations[0].tolerationSeconds",
        /only to effect "NoExecute"/,
    ],
    ["a misspelt setting", placement({ nodeSelectors: {} }), "p.nodeSelectors", /not a setting of p/],
    ["an image without tag or digest", image("curlimages/curl"), "testClientImage", /names no tag or digest/],
    ["an image on latest", image("curlimages/curl:latest"), "testClientImage", /"latest", which moves/],
    ["a malformed digest", image("curlimages/curl@sha256:abc"), "testClientImage", /malformed digest/],
    ["an upper-case image", image("Curlimages/Curl:8.15.0"), "testClientImage", /not an image reference/],
] as const) {
    test(`refused: ${what}`, () =>
        assert.throws(check, (e: unknown) => {
            assert.ok(pulumi.InputPropertyError.isInstance(e), `expected an InputPropertyError, got ${String(e)}`);
            assert.equal(e.propertyPath, path);
            assert.match(e.reason, reason);
            return true;
        }));
}
