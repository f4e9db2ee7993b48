// The exporting team's program: a CrossMeshExport on the EKS cluster (its adopted ingress gateway, existing HTTPS
// upstreams) admitting several consumer meshes, each granted its own hosts. It is given the EKS cluster's
// kubeconfig only (EKS_KUBECONFIG): it never touches a consumer's cluster. Each consumer team's stack reads its
// grant from this stack's `grants` output through a StackReference (test/engine/consumer-program).
// Run by test/engine/consumers.test.ts under the real Pulumi CLI against the local clusters of
// test/real/clusters-up.sh.
// Config: `consumers` (comma-separated consumer names, default "gke,aks"). Each consumer's hosts and trust domain
// follow from its name (`hostsOf`, `trustDomainOf`), as the consumer program derives them.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CrossMeshExport } from "../../../components";

const config = new pulumi.Config();
const consumerNames = (config.get("consumers") ?? "gke,aks").split(",");

const file = process.env.EKS_KUBECONFIG;
if (!file) throw new Error("EKS_KUBECONFIG is not set: give the kubeconfig file of the EKS cluster");
const eks = new k8s.Provider("eks", { kubeconfig: pulumi.secret(fs.readFileSync(file, "utf8")) });

const hosts = ["orders-1.external", "orders-2.external"];
/** The hosts each consumer is granted: gke both, aks the first, onprem the second (others both). */
const hostsOf = (consumer: string) => (consumer === "aks" ? [hosts[0]] : consumer === "onprem" ? [hosts[1]] : hosts);

const orders = new CrossMeshExport(
    "orders",
    {
        clusterName: "eks-local",
        services: hosts.map((host) => ({
            host,
            upstream: { hostname: host.replace(".external", ".internal.example.com") },
        })),
        consumers: consumerNames.map((name) => ({
            name,
            hosts: hostsOf(name),
            trustDomain: `${name}.orders.example.org`,
        })),
        existingGateway: {
            namespace: "istio-ingress",
            selectorLabels: { istio: "ingressgateway", app: "istio-ingressgateway" },
            serviceName: "istio-ingressgateway",
            serviceAccount: "istio-ingressgateway",
        },
    },
    { provider: eks },
);

/** Secret: each consumer's stack reads its own entry (`grants[<name>]`). */
export const grants = orders.grants;
/** Public: each consumer's identity, hosts and client CA. */
export const consumers = orders.consumers;
export const gatewayHostname = orders.gatewayHostname;
export const topology = orders.topology;
