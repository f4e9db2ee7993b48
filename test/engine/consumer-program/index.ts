// A consumer team's program: a CrossMeshConsumer on its own cluster (an adopted egress gateway, its own trust
// domain), built from the grant the exporter's stack publishes for it, read through a StackReference. It is given
// its own cluster's kubeconfig only (CONSUMER_KUBECONFIG): never the exporter's. One stack per consumer mesh.
// Run by test/engine/consumers.test.ts under the real Pulumi CLI against the local clusters of
// test/real/clusters-up.sh.
// Config: `consumer` (its name in the export, required), `exporterStack` (the exporter's fully qualified stack,
// e.g. "organization/crossmesh-exporter/local", required), `hosts` (comma-separated granted hosts to import,
// required), `trustDomain` (default "<consumer>.orders.example.org").
import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CrossMeshConsumer, type ConsumerGrant } from "../../../components";

const config = new pulumi.Config();
const consumer = config.require("consumer");
const exporterStack = config.require("exporterStack");

const file = process.env.CONSUMER_KUBECONFIG;
if (!file) throw new Error("CONSUMER_KUBECONFIG is not set: give the kubeconfig file of this consumer's cluster");
const cluster = new k8s.Provider(consumer, { kubeconfig: pulumi.secret(fs.readFileSync(file, "utf8")) });

// The exporter's grants (a secret), this consumer's entry only.
const grant = new pulumi.StackReference(exporterStack).requireOutput("grants").apply((grants) => {
    const mine = (grants as Record<string, ConsumerGrant>)[consumer];
    if (!mine)
        throw new Error(
            `the export in ${exporterStack} grants nothing to "${consumer}" (its consumers: ${Object.keys(grants).join(", ")})`,
        );
    return mine;
});

const side = new CrossMeshConsumer(
    `orders-${consumer}`,
    {
        grant,
        services: config
            .require("hosts")
            .split(",")
            .map((host) => ({ host, allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }] })),
        trustDomain: config.get("trustDomain") ?? `${consumer}.orders.example.org`,
        existingGateway: {
            namespace: "istio-egress",
            selectorLabels: { istio: "egressgateway", app: "istio-egressgateway" },
            serviceName: "istio-egressgateway",
            serviceAccount: "istio-egressgateway",
        },
    },
    { provider: cluster },
);

export const spiffeId = side.spiffeId;
export const importedHosts = side.importedHosts;
export const remoteGatewayHostname = side.remoteGatewayHostname;
