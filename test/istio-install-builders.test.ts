// The pure builders of IstioInstall, without Pulumi: defaults derived from the version and the name,
// the labels the gateway chart gives its pods, and the NLB Service with and without source ranges.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import {
    InstallSettings,
    DEFAULT_EKS_TRUST_DOMAIN,
    DEFAULT_GKE_TRUST_DOMAIN,
    gatewaySelectorLabels,
    gatewayValues,
    istiodReleaseName,
    istiodValues,
    revisionOf,
} from "../components/istio-install/charts";
import { loadBalancerHostnameOf, loadBalancerService } from "../components/istio-install/load-balancer";
import { revisionTagWebhook } from "../components/istio-install/revision-tag";
import { installSettings } from "../components/istio-install/settings";

const settings: InstallSettings = {
    gatewayRole: "ingress",
    version: "1.30.3",
    revision: "1-30",
    trustDomain: "eks.example",
    outboundTrafficPolicy: "REGISTRY_ONLY",
    gatewayName: "istio-ingressgateway",
    gatewayNamespace: "istio-ingress",
    loadBalancerSourceRanges: [],
    highAvailability: true,
    chartRepository: "https://istio-release.storage.googleapis.com/charts",
    imagePullSecrets: [],
    extraValues: {},
    retainedVersions: [],
};

test("one revision per minor version", () => {
    assert.equal(revisionOf("1.30.3"), "1-30");
    assert.equal(revisionOf("1.28.0"), "1-28");
});

test("the default trust domain follows the gateway's role, never a name: the link's and LinkPki's defaults agree", () => {
    assert.equal(installSettings("ingress", {}).trustDomain, DEFAULT_EKS_TRUST_DOMAIN);
    assert.equal(installSettings("egress", {}).trustDomain, DEFAULT_GKE_TRUST_DOMAIN);
    assert.deepEqual(
        [DEFAULT_EKS_TRUST_DOMAIN, DEFAULT_GKE_TRUST_DOMAIN],
        ["eks.crossmesh.local", "gke.crossmesh.local"],
    );
    assert.equal(installSettings("egress", { trustDomain: "payments.example" }).trustDomain, "payments.example");
});

test("selector labels are the gateway chart's (app = release name, istio = name without istio-), without the revision, so an upgrade's pods still match", () => {
    assert.deepEqual(gatewaySelectorLabels("istio-egressgateway"), {
        app: "istio-egressgateway",
        istio: "egressgateway",
    });
    assert.deepEqual(gatewaySelectorLabels("edge"), { app: "edge", istio: "edge" });
});

test("istiod's release is named per revision, and carries no revision tag (crossmesh keeps the tag)", () => {
    assert.equal(istiodReleaseName("1-30"), "istiod-1-30");
    assert.equal(istiodValues(settings).revisionTags, undefined);
});

test("the revision tag default: the injector of the revision, by Service or by the istiodRemote URL", () => {
    const tag = revisionTagWebhook("1-30");
    assert.equal(tag.metadata.name, "istio-revision-tag-default");
    assert.deepEqual(
        tag.webhooks.map((w) => w.name),
        [
            "rev.namespace.sidecar-injector.istio.io",
            "rev.object.sidecar-injector.istio.io",
            "namespace.sidecar-injector.istio.io",
            "object.sidecar-injector.istio.io",
        ],
    );
    assert.deepEqual(tag.webhooks[2]!.clientConfig, {
        service: { name: "istiod-1-30", namespace: "istio-system", path: "/inject", port: 443 },
    });
    assert.deepEqual(tag.webhooks[2]!.namespaceSelector, {
        matchExpressions: [{ key: "istio-injection", operator: "In", values: ["enabled"] }],
    });
    const remote = revisionTagWebhook("1-31", {
        istiodRemote: { injectionURL: "https://x:1/inject", injectionCABundle: "Q0E=" },
    });
    assert.deepEqual(remote.webhooks[0]!.clientConfig, { url: "https://x:1/inject", caBundle: "Q0E=" });
    assert.equal(remote.metadata.labels["istio.io/rev"], "1-31");
});

test("istiod values carry the mesh policy asked for; the gateway chart makes a Service only for the egress role", () => {
    assert.equal((istiodValues(settings).meshConfig as any).outboundTrafficPolicy.mode, "REGISTRY_ONLY");
    assert.deepEqual(gatewayValues(settings).service, { type: "None" });
    assert.deepEqual(gatewayValues({ ...settings, gatewayRole: "egress" }).service, { type: "ClusterIP" });
});

test("the NLB Service sets loadBalancerSourceRanges only when CIDRs are given", () => {
    const open = loadBalancerService({
        gatewayName: "istio-ingressgateway",
        namespace: "istio-ingress",
        loadBalancerSourceRanges: [],
    });
    assert.equal(
        "loadBalancerSourceRanges" in open.spec,
        false,
        "no empty list (the API server would store it as unrestricted anyway)",
    );
    const limited = loadBalancerService({
        gatewayName: "istio-ingressgateway",
        namespace: "istio-ingress",
        loadBalancerSourceRanges: ["198.51.100.0/24"],
    });
    assert.deepEqual(limited.spec.loadBalancerSourceRanges, ["198.51.100.0/24"]);
    assert.deepEqual(limited.metadata.labels, { app: "istio-ingressgateway", istio: "ingressgateway" });
});

test("a load balancer without a hostname is a clear error, not an undefined endpoint", () => {
    assert.equal(
        loadBalancerHostnameOf("ns/svc", {
            loadBalancer: { ingress: [{ hostname: "k8s-a-b.elb.eu-west-1.amazonaws.com" }] },
        }),
        "k8s-a-b.elb.eu-west-1.amazonaws.com",
    );
    assert.throws(
        () => loadBalancerHostnameOf("ns/svc", { loadBalancer: { ingress: [{ ip: "34.1.2.7" }] } }),
        /Service ns\/svc has an IP \(34\.1\.2\.7\) but no hostname/,
    );
    assert.throws(() => loadBalancerHostnameOf("ns/svc", { loadBalancer: {} }), /has no load balancer address/);
});
