// The pure builders of both gateways: exact fields of every object, and every Istio object they can emit
// validated against Istio's published CRD schemas (all options: private and public upstream, several
// hosts, the test client). The objects are the entries of each side's plan, built as the components
// build them (each payload sees only what its entry reads). No Pulumi here.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { exportObjects, upstreamCaSecretName } from "../components/export-gateway/objects";
import { importObjects, importObjectList, importValues } from "../components/import-gateway/objects";
import { DEFAULT_TEST_CLIENT_IMAGE, testClientObjects } from "../components/import-gateway/test-client";
import { type LinkObject, credentialSecretName } from "../components/link-routing/objects";
import { objectName } from "../components/link-routing/names";
import { validateIstioObject } from "./support/istio-schema";
import {
    ALB,
    ALB_CA,
    BUNDLE,
    BUNDLE_SECRET_DATA,
    CLIENT_SPIFFE_ID,
    EKS_LB,
    HOSTS,
    PUBLIC_UPSTREAM,
    eksObjects,
    exportSettings,
    gkeObjects,
    importSettings,
    contentNamed,
} from "./support/link-fixture";

const get = (objs: LinkObject[], kind: string, name: string) => {
    const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
    assert.ok(o, `${kind} ${name} is built`);
    return o;
};
const isIstio = (o: LinkObject) => o.apiVersion.includes(".istio.io/");

test("every Istio object of either side, with every option, validates against the published CRD schemas", () => {
    const publicOnly = {
        ...exportSettings(),
        services: exportSettings().services.map((s) => ({ ...s, privateUpstreamCa: false })),
    };
    const single = { ...importSettings(), services: [importSettings().services[0]] };
    const all = [
        ...eksObjects(),
        ...exportObjects(publicOnly, BUNDLE),
        ...gkeObjects(),
        ...importObjects(single, BUNDLE, EKS_LB),
    ].filter(isIstio);
    const kinds = new Set(all.map((o) => validateIstioObject(o)));
    assert.deepEqual([...kinds].sort(), [
        "networking.istio.io/DestinationRule",
        "networking.istio.io/Gateway",
        "networking.istio.io/ServiceEntry",
        "networking.istio.io/VirtualService",
        "security.istio.io/AuthorizationPolicy",
    ]);
    assert.ok(all.every((o) => o.apiVersion === "networking.istio.io/v1" || o.apiVersion === "security.istio.io/v1"));
});

test("the schema check is not a rubber stamp: a wrong enum in a built object is rejected", () => {
    const gw = structuredClone(get(eksObjects(), "Gateway", "crossmesh-export"));
    gw.spec!.servers[0].tls.mode = "MUTUAL_TLS";
    assert.throws(() => validateIstioObject(gw), /mode|enum|allowed/i);
});

// Credential Secrets are content-addressed (one rule, tested here; the builders' tests use it).
const SERVER_SECRET = credentialSecretName("crossmesh-link", BUNDLE);
const CLIENT_SECRET = credentialSecretName("crossmesh-link", BUNDLE);
const ALB_CA_SECRET = upstreamCaSecretName("crossmesh", "lambda.external", ALB_CA);

test("a credential Secret is named by its public content: new certificate or CA, new name; the key never feeds the name", () => {
    const name = credentialSecretName("crossmesh-link", BUNDLE);
    assert.match(name, contentNamed("crossmesh-link"));
    assert.equal(credentialSecretName("crossmesh-link", { ...BUNDLE }), name, "same content, same name");
    assert.notEqual(credentialSecretName("crossmesh-link", { ...BUNDLE, certPem: "renewed" }), name, "renewal");
    assert.notEqual(credentialSecretName("crossmesh-link", { ...BUNDLE, caPem: "rotated" }), name, "CA rotation");
    assert.equal(
        credentialSecretName("crossmesh-link", { ...BUNDLE, privateKeyPem: "another key" } as typeof BUNDLE),
        name,
        "no key material in a name",
    );
    assert.match(
        upstreamCaSecretName("crossmesh", "lambda.external", ALB_CA),
        contentNamed("crossmesh-upstream-ca-lambda-external"),
    );
    assert.notEqual(upstreamCaSecretName("crossmesh", "lambda.external", "other CA"), ALB_CA_SECRET);
});

test("EKS side: server Secret, CA-only Secret for the private upstream only, everything in the ingress namespace", () => {
    const objs = eksObjects();
    assert.deepEqual(
        objs.map((o) => `${o.kind}/${o.metadata.name}`),
        [
            `Secret/${SERVER_SECRET}`,
            `Secret/${ALB_CA_SECRET}`,
            "ServiceEntry/crossmesh-upstream-lambda-external",
            "DestinationRule/crossmesh-upstream-lambda-external",
            "ServiceEntry/crossmesh-upstream-orders-external",
            "DestinationRule/crossmesh-upstream-orders-external",
            "Gateway/crossmesh-export",
            "VirtualService/crossmesh-lambda-external",
            "VirtualService/crossmesh-orders-external",
            "AuthorizationPolicy/crossmesh-export",
        ],
    );
    assert.ok(
        objs.every(
            (o) => o.metadata.namespace === "istio-ingress" && o.metadata.labels?.["crossmesh.io/link"] === "crossmesh",
        ),
    );
    const server = get(objs, "Secret", SERVER_SECRET);
    assert.equal(server.type, "kubernetes.io/tls");
    assert.deepEqual(server.stringData, BUNDLE_SECRET_DATA);
    assert.equal(server.immutable, true);
    const ca = get(objs, "Secret", ALB_CA_SECRET);
    assert.deepEqual([ca.type, ca.stringData], ["Opaque", { "ca.crt": ALB_CA }]);
});

test("EKS side: upstream ServiceEntry and TLS origination with sni, SANs and the CA-only credential", () => {
    const objs = eksObjects();
    assert.deepEqual(get(objs, "ServiceEntry", "crossmesh-upstream-lambda-external").spec, {
        hosts: [ALB],
        ports: [{ number: 443, name: "https", protocol: "HTTPS" }],
        resolution: "DNS",
        location: "MESH_EXTERNAL",
        exportTo: ["."],
    });
    assert.deepEqual(get(objs, "DestinationRule", "crossmesh-upstream-lambda-external").spec, {
        host: ALB,
        exportTo: ["."],
        workloadSelector: { matchLabels: { app: "istio-ingressgateway", istio: "ingressgateway" } },
        trafficPolicy: {
            portLevelSettings: [
                {
                    port: { number: 443 },
                    tls: {
                        mode: "SIMPLE",
                        sni: ALB,
                        subjectAltNames: [ALB],
                        credentialName: ALB_CA_SECRET,
                    },
                },
            ],
        },
    });
    assert.deepEqual(get(objs, "DestinationRule", "crossmesh-upstream-orders-external").spec, {
        host: PUBLIC_UPSTREAM,
        exportTo: ["."],
        workloadSelector: { matchLabels: { app: "istio-ingressgateway", istio: "ingressgateway" } },
        trafficPolicy: {
            portLevelSettings: [
                {
                    port: { number: 8443 },
                    tls: { mode: "SIMPLE", sni: "orders.example.com", subjectAltNames: ["orders.example.com"] },
                },
            ],
        },
    });
});

test("EKS side: one MUTUAL Gateway for all hosts pinning the client SAN, a route per host, and the ALLOW policy", () => {
    const objs = eksObjects();
    assert.deepEqual(get(objs, "Gateway", "crossmesh-export").spec, {
        selector: { app: "istio-ingressgateway", istio: "ingressgateway" },
        servers: [
            {
                port: { number: 443, name: "https-crossmesh", protocol: "HTTPS" },
                hosts: ["./lambda.external", "./orders.external"],
                tls: { mode: "MUTUAL", credentialName: SERVER_SECRET, subjectAltNames: [CLIENT_SPIFFE_ID] },
            },
        ],
    });
    assert.deepEqual(get(objs, "VirtualService", "crossmesh-orders-external").spec, {
        hosts: ["orders.external"],
        gateways: ["crossmesh-export"],
        exportTo: ["."],
        http: [{ route: [{ destination: { host: PUBLIC_UPSTREAM, port: { number: 8443 } } }] }],
    });
    assert.deepEqual(get(objs, "AuthorizationPolicy", "crossmesh-export").spec, {
        selector: { matchLabels: { app: "istio-ingressgateway", istio: "ingressgateway" } },
        action: "ALLOW",
        rules: [
            {
                from: [{ source: { principals: ["gke.crossmesh.test/ns/istio-egress/sa/istio-egressgateway"] } }],
                to: [
                    {
                        operation: {
                            hosts: ["lambda.external", "lambda.external:*", "orders.external", "orders.external:*"],
                        },
                    },
                ],
            },
        ],
    });
});

test("GKE side: ServiceEntry per host on HTTP 80 whose endpoint is the EKS load balancer on 443, visible to callers only", () => {
    assert.deepEqual(get(gkeObjects(), "ServiceEntry", "crossmesh-lambda-external").spec, {
        hosts: ["lambda.external"],
        ports: [{ number: 80, name: "http", protocol: "HTTP" }],
        resolution: "DNS",
        location: "MESH_EXTERNAL",
        endpoints: [{ address: EKS_LB, ports: { http: 443 } }],
        exportTo: [".", "shop", "reports"],
    });
    assert.deepEqual(get(gkeObjects(), "ServiceEntry", "crossmesh-orders-external").spec!.exportTo, [".", "shop"]);
});

test("GKE side: MUTUAL origination, ISTIO_MUTUAL egress Gateway and subsets with sni, and the two-leg VirtualService", () => {
    const objs = gkeObjects();
    assert.deepEqual(get(objs, "DestinationRule", "crossmesh-lambda-external").spec, {
        host: "lambda.external",
        exportTo: ["."],
        workloadSelector: { matchLabels: { app: "istio-egressgateway", istio: "egressgateway" } },
        trafficPolicy: {
            portLevelSettings: [
                {
                    port: { number: 80 },
                    tls: {
                        mode: "MUTUAL",
                        credentialName: CLIENT_SECRET,
                        sni: "lambda.external",
                        subjectAltNames: ["lambda.external"],
                    },
                },
            ],
        },
    });
    assert.deepEqual(get(objs, "Gateway", "crossmesh-import").spec, {
        selector: { app: "istio-egressgateway", istio: "egressgateway" },
        servers: [
            {
                port: { number: 443, name: "https-crossmesh", protocol: "HTTPS" },
                hosts: ["./lambda.external", "./orders.external"],
                tls: { mode: "ISTIO_MUTUAL" },
            },
        ],
    });
    assert.deepEqual(get(objs, "DestinationRule", "crossmesh-egress-gateway").spec, {
        host: "istio-egressgateway.istio-egress.svc.cluster.local",
        exportTo: [".", "shop", "reports"],
        subsets: HOSTS.map((h) => ({
            name: objectName(h),
            trafficPolicy: { portLevelSettings: [{ port: { number: 443 }, tls: { mode: "ISTIO_MUTUAL", sni: h } }] },
        })),
    });
    assert.deepEqual(get(objs, "VirtualService", "crossmesh-lambda-external").spec, {
        hosts: ["lambda.external"],
        gateways: ["mesh", "istio-egress/crossmesh-import"],
        exportTo: [".", "shop", "reports"],
        http: [
            {
                match: [{ gateways: ["mesh"], port: 80 }],
                route: [
                    {
                        destination: {
                            host: "istio-egressgateway.istio-egress.svc.cluster.local",
                            subset: "lambda-external",
                            port: { number: 443 },
                        },
                    },
                ],
            },
            {
                match: [{ gateways: ["istio-egress/crossmesh-import"], port: 443 }],
                route: [{ destination: { host: "lambda.external", port: { number: 80 } } }],
            },
        ],
    });
});

test("GKE side: the egress policy admits listed service accounts and namespaces per host, nothing else", () => {
    assert.deepEqual(get(gkeObjects(), "AuthorizationPolicy", "crossmesh-import").spec, {
        selector: { matchLabels: { app: "istio-egressgateway", istio: "egressgateway" } },
        action: "ALLOW",
        rules: [
            {
                from: [
                    { source: { principals: ["gke.crossmesh.test/ns/shop/sa/checkout"] } },
                    { source: { namespaces: ["reports"] } },
                ],
                to: [{ operation: { hosts: ["lambda.external", "lambda.external:*"] } }],
            },
            {
                from: [{ source: { principals: ["gke.crossmesh.test/ns/shop/sa/checkout"] } }],
                to: [{ operation: { hosts: ["orders.external", "orders.external:*"] } }],
            },
        ],
    });
    assert.ok(
        !gkeObjects().some((o) => o.kind === "PeerAuthentication"),
        "mesh-wide mTLS is IstioInstall's (strictMtls), never a link's",
    );
});

test("GKE side: only the ServiceEntries read the remote hostname (so only they wait for EKS)", () => {
    const a = importObjects(importSettings(), BUNDLE, EKS_LB);
    const b: LinkObject[] = importObjects(importSettings(), BUNDLE, "x.example");
    const differing = a
        .filter((o, i) => JSON.stringify(o) !== JSON.stringify(b[i]))
        .map((o) => `${o.kind}/${o.metadata.name}`);
    assert.deepEqual(differing, ["ServiceEntry/crossmesh-lambda-external", "ServiceEntry/crossmesh-orders-external"]);
    assert.equal(b[1].spec!.endpoints[0].address, "x.example");
    // What the component waits for is what the plan's entries read: only the ServiceEntries read the hostname.
    const values = importValues(importSettings(), BUNDLE, "x.example");
    const plan = importObjectList({
        linkName: "crossmesh",
        namespace: "istio-egress",
        credentialName: "crossmesh-link",
        hosts: HOSTS,
    });
    assert.deepEqual(
        plan
            .filter((p) => JSON.stringify(p.read(values)).includes("x.example"))
            .map((p) => `${p.identity.kind}/${p.identity.metadata.name}`),
        differing,
    );
});

test("test client: sleep namespace with injection, its service account, a pinned curl image with the revision label", () => {
    const [ns, sa, deploy] = testClientObjects("crossmesh", DEFAULT_TEST_CLIENT_IMAGE, "1-30-3");
    assert.deepEqual(
        [ns.kind, ns.metadata.name, ns.metadata.labels?.["istio.io/rev"]],
        ["Namespace", "sleep", "1-30-3"],
    );
    assert.deepEqual([sa.kind, sa.metadata.namespace, sa.metadata.name], ["ServiceAccount", "sleep", "sleep"]);
    const pod = deploy.spec!.template;
    assert.equal(pod.metadata.labels["istio.io/rev"], "1-30-3");
    assert.equal(pod.spec.serviceAccountName, "sleep");
    assert.match(pod.spec.containers[0].image, /^curlimages\/curl:\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$/);
    const [defaultNs] = testClientObjects("crossmesh", DEFAULT_TEST_CLIENT_IMAGE, undefined);
    assert.equal(defaultNs.metadata.labels?.["istio-injection"], "enabled");
});

test("long hosts still give valid, distinct object names", () => {
    const long = `${"a".repeat(60)}.example.com`;
    const name = objectName("crossmesh", "upstream", long);
    assert.ok(name.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name), name);
    assert.notEqual(name, objectName("crossmesh", "upstream", `${"a".repeat(60)}.example.org`));
});
