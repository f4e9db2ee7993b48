// A user's program: one CrossMeshExport on the EKS cluster (its adopted ingress gateway, existing HTTPS upstreams)
// and, in the same program, a CrossMeshConsumer on each consumer cluster (each an adopted egress gateway with its
// own trust domain), built from the export's grant for it. Run by test/engine/consumers.test.ts under the real
// Pulumi CLI against the local clusters of test/real/clusters-up.sh; the kubeconfig files come from
// EKS_KUBECONFIG and <CONSUMER>_KUBECONFIG (e.g. GKE_KUBECONFIG, AKS_KUBECONFIG).
// Config: `consumers` (comma-separated cluster names, default "gke,aks").
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CrossMeshConsumer, CrossMeshExport } from "../../../components";

const config = new pulumi.Config();
const consumers = (config.get("consumers") ?? "gke,aks").split(",");

function provider(cluster: string): k8s.Provider {
    const env = `${cluster.toUpperCase()}_KUBECONFIG`;
    const file = process.env[env];
    if (!file) throw new Error(`${env} is not set: give the kubeconfig file of the ${cluster} cluster`);
    // The kubeconfig holds a client key: a secret in the state like any other.
    return new k8s.Provider(cluster, { kubeconfig: pulumi.secret(fs.readFileSync(file, "utf8")) });
}

const hosts = ["ledger-1.external", "ledger-2.external"];
/** Each consumer its hosts: the first all of them, the others one each (in turn). */
const hostsOf = (i: number) => (i === 0 ? hosts : [hosts[(i - 1) % hosts.length]]);
const trustDomainOf = (consumer: string) => `${consumer}.ledger.example.org`;

const ledger = new CrossMeshExport(
    "ledger",
    {
        clusterName: "eks-local",
        services: hosts.map((host) => ({
            host,
            upstream: { hostname: host.replace(".external", ".internal.example.com") },
        })),
        consumers: consumers.map((name, i) => ({ name, hosts: hostsOf(i), trustDomain: trustDomainOf(name) })),
        existingGateway: {
            namespace: "istio-ingress",
            selectorLabels: { istio: "ingressgateway", app: "istio-ingressgateway" },
            serviceName: "istio-ingressgateway",
            serviceAccount: "istio-ingressgateway",
        },
    },
    { provider: provider("eks") },
);

export const spiffeIds: Record<string, pulumi.Output<string>> = {};
consumers.forEach((name, i) => {
    const consumer = new CrossMeshConsumer(
        `ledger-${name}`,
        {
            grant: ledger.grantFor(name),
            services: hostsOf(i).map((host) => ({
                host,
                allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }],
            })),
            trustDomain: trustDomainOf(name),
            existingGateway: {
                namespace: "istio-egress",
                selectorLabels: { istio: "egressgateway", app: "istio-egressgateway" },
                serviceName: "istio-egressgateway",
                serviceAccount: "istio-egressgateway",
            },
        },
        { provider: provider(name) },
    );
    spiffeIds[name] = consumer.spiffeId;
});

export const gatewayHostname = ledger.gatewayHostname;
export const exportedConsumers = ledger.consumers;
