// The exporting team's stack for the Python consumer (test/engine/python-consumer.test.ts): a CrossMeshExport on the
// local "eks" cluster (its adopted ingress gateway, existing HTTPS upstreams) with one consumer mesh, "gke". It is
// TypeScript on purpose: the grant crosses languages through the stack output `grants`, which the Python program
// (../consumer/__main__.py) reads with a StackReference. Given the EKS cluster's kubeconfig only (EKS_KUBECONFIG).
// Names differ from test/engine/consumers.test.ts' ("orders", "ledger") so both can stand on the same clusters.
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CrossMeshExport } from "../../../../components";

const file = process.env.EKS_KUBECONFIG;
if (!file) throw new Error("EKS_KUBECONFIG is not set: give the kubeconfig file of the EKS cluster");
const eks = new k8s.Provider("eks", { kubeconfig: pulumi.secret(fs.readFileSync(file, "utf8")) });

/** The exported hosts; the Python consumer imports both. */
const hosts = ["payroll-1.external", "payroll-2.external"];

const payroll = new CrossMeshExport(
    "payroll",
    {
        clusterName: "eks-local",
        services: hosts.map((host) => ({
            host,
            upstream: { hostname: host.replace(".external", ".internal.example.com") },
        })),
        consumers: [{ name: "gke", hosts, trustDomain: "gke.payroll.example.org" }],
        existingGateway: {
            namespace: "istio-ingress",
            selectorLabels: { istio: "ingressgateway", app: "istio-ingressgateway" },
            serviceName: "istio-ingressgateway",
            serviceAccount: "istio-ingressgateway",
        },
    },
    { provider: eks },
);

/** Secret: the consumer's stack reads its own entry, `grants["gke"]`. */
export const grants = payroll.grants;
export const gatewayHostname = payroll.gatewayHostname;
export const consumers = payroll.consumers;
