// A user's program: CrossMeshLink between two clusters that already run Istio (adopted gateways),
// exporting existing HTTPS upstreams, with strict mTLS and the EKS mesh's AWS API egress. Run by
// test/engine/real-engine.test.ts under the real Pulumi CLI against the local clusters of
// test/real/clusters-up.sh; the kubeconfig files come from EKS_KUBECONFIG and GKE_KUBECONFIG.
// Config: `services` (how many upstreams each link exports, default 2), `links` (comma-separated
// link names, default "payments"), `callers` (comma-separated extra namespaces allowed to call),
// `istio` ("adopt", the default: the clusters' seeded gateways; "install": crossmesh installs Istio on both
// from the local chart repository in CHART_REPOSITORY, with the webhooks served at EKS_WEBHOOK_URL and
// GKE_WEBHOOK_URL under the CA in LOCAL_CA — Istio's external-control-plane values), `istioVersion`,
// `highAvailability` (default true) and `verify` (default false).
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AwsService, CrossMeshLink, DEFAULT_ISTIO_VERSION } from "../../../components";

const config = new pulumi.Config();
const serviceCount = config.getNumber("services") ?? 2;
const links = (config.get("links") ?? "payments").split(",");
// `callers`: extra namespaces admitted to every service (a day-2 change of allowed sources).
const extraCallers = (config.get("callers") ?? "")
    .split(",")
    .filter(Boolean)
    .map((namespace) => ({ namespace }));

function provider(name: string, env: string): k8s.Provider {
    const file = process.env[env];
    if (!file) throw new Error(`${env} is not set: give the kubeconfig file of the ${name} cluster`);
    // The kubeconfig holds a client key: a secret in the state like any other.
    // Bare providers (no enableSecretMutable): the link's credentials must be safe whatever the settings.
    return new k8s.Provider(name, { kubeconfig: pulumi.secret(fs.readFileSync(file, "utf8")) });
}
/**
 * The istiod chart's values for a control plane outside the cluster (Istio's external istiod): the
 * revision's injection and validation webhooks call this URL instead of the in-cluster istiod Service.
 */
function externalControlPlane(url: string, revision: string, caFile: string) {
    const caBundle = Buffer.from(fs.readFileSync(caFile)).toString("base64");
    const validation = { validationURL: `${url}/${revision}/validate`, validationCABundle: caBundle };
    return {
        base: { base: validation },
        istiod: {
            istiodRemote: { injectionURL: `${url}/${revision}/inject`, injectionCABundle: caBundle },
            base: validation,
        },
    };
}
function required(env: string): string {
    const value = process.env[env];
    if (!value) throw new Error(`${env} is not set (istio: install needs the local chart repository and webhooks)`);
    return value;
}
const install = config.get("istio") === "install";
const istioVersion = config.get("istioVersion") ?? DEFAULT_ISTIO_VERSION;
const revision = istioVersion.split(".").slice(0, 2).join("-"); // crossmesh's revision: one per minor
const verify = config.getBoolean("verify") ?? false;

const eksProvider = provider("eks", "EKS_KUBECONFIG");
const gkeProvider = provider("gke", "GKE_KUBECONFIG");

export const gatewayHostnames: Record<string, pulumi.Output<string>> = {};
// The links that ask for mesh-wide STRICT mTLS (default: the first). Two of them is a conflict the link refuses.
const strictLinks = (config.get("strictMtls") ?? links[0]).split(",");
for (const link of links) {
    const first = link === links[0];
    const crossMeshLink = new CrossMeshLink(link, {
        eksProvider,
        gkeProvider,
        eksClusterName: "eks-local",
        awsRegion: "eu-west-1",
        services: Array.from({ length: serviceCount }, (_, i) => ({
            host: `${link}-${i + 1}.external`,
            upstream: { hostname: `${link}-${i + 1}.internal.example.com` },
            allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }, ...extraCallers],
        })),
        ...(install
            ? {
                  istioVersion,
                  istio: {
                      chartRepository: required("CHART_REPOSITORY"),
                      highAvailability: config.getBoolean("highAvailability") ?? true,
                      ...(config.get("retainedVersions")
                          ? { retainedVersions: config.require("retainedVersions").split(",") }
                          : {}),
                      eksValues: externalControlPlane(required("EKS_WEBHOOK_URL"), revision, required("LOCAL_CA")),
                      gkeValues: externalControlPlane(required("GKE_WEBHOOK_URL"), revision, required("LOCAL_CA")),
                  },
              }
            : {
                  eksExistingGateway: {
                      namespace: "istio-ingress",
                      selectorLabels: { istio: "ingressgateway", app: "istio-ingressgateway" },
                      serviceName: "istio-ingressgateway",
                      serviceAccount: "istio-ingressgateway",
                  },
                  gkeExistingGateway: {
                      namespace: "istio-egress",
                      selectorLabels: { istio: "egressgateway", app: "istio-egressgateway" },
                      serviceName: "istio-egressgateway",
                      serviceAccount: "istio-egressgateway",
                  },
              }),
        verify,
        // Mesh-wide settings belong to one link (the mesh's owner), not to each.
        ...(strictLinks.includes(link) ? { strictMtls: true } : {}),
        ...(first ? { eksAwsEgress: { awsServices: [AwsService.Sts, AwsService.S3] } } : {}),
    });
    gatewayHostnames[link] = crossMeshLink.eksGatewayHostname;
}
