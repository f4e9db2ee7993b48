// crossmesh over two meshes that already run Istio: nothing is installed, the link adopts the EKS ingress
// gateway and the GKE egress gateway you run, and adds only its own objects, all named after the link
// (credential Secrets, Gateways, VirtualServices, DestinationRules, ServiceEntries, AuthorizationPolicies;
// with `verify`, a check Job in a namespace of its own).
//
// The exported host is an internal HTTPS service you already run (reachable from the EKS cluster), not a
// Lambda: GKE workloads call `http://inventory.external/` and the EKS gateway forwards to it over TLS.
//
// Config (see ../README.md):
//   pulumi config set eksClusterName <your EKS cluster>
//   pulumi config set --secret eksKubeconfig < eks.kubeconfig
//   pulumi config set --secret gkeKubeconfig < gke.kubeconfig
//   pulumi config set upstreamCaPem < inventory-ca.pem      # only if a private CA signed its certificate
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CrossMeshLink } from "crossmesh";

const config = new pulumi.Config();

const eksProvider = new k8s.Provider("eks", { kubeconfig: config.requireSecret("eksKubeconfig") });
const gkeProvider = new k8s.Provider("gke", { kubeconfig: config.requireSecret("gkeKubeconfig") });

const link = new CrossMeshLink("inventory-link", {
    eksProvider,
    gkeProvider,
    eksClusterName: config.require("eksClusterName"),
    services: [
        {
            host: "inventory.external",
            // An existing HTTPS service: the EKS gateway checks its certificate against this host name
            // (and against caPem when a private CA signed it; omit caPem for a public CA).
            upstream: {
                hostname: "inventory.internal.example.org",
                port: 443,
                caPem: config.get("upstreamCaPem"),
            },
            allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }],
        },
    ],

    // The running gateways, as `kubectl get deploy,svc,sa -n <namespace> --show-labels` shows them. The
    // selector labels must match the gateway pods exactly: every Gateway and policy of the link selects them.
    eksExistingGateway: {
        namespace: "istio-ingress",
        selectorLabels: { app: "istio-ingressgateway", istio: "ingressgateway" },
        serviceName: "istio-ingressgateway",
        serviceAccount: "istio-ingressgateway",
        // Its load balancer Service, when it is not `serviceName`: crossmesh reads the NLB's hostname from it.
        // loadBalancerServiceName: "istio-ingressgateway-nlb",
    },
    gkeExistingGateway: {
        namespace: "istio-egress",
        selectorLabels: { app: "istio-egressgateway", istio: "egressgateway" },
        serviceName: "istio-egressgateway",
        serviceAccount: "istio-egressgateway",
    },

    // The trust domains the two meshes run (meshConfig.trustDomain of each istiod): required when a mesh is
    // adopted, since every principal and SPIFFE id of the link is built from them. They must differ, and the
    // GKE mesh's must not be Istio's default "cluster.local" (Istio rewrites cluster.local principals to the
    // local mesh's own domain, so the EKS gateway could not tell the GKE gateway apart): set a distinct
    // meshConfig.trustDomain in that install first.
    eksTrustDomain: "eks.example.org",
    gkeTrustDomain: "gke.example.org",

    // No consumerEgressCidrs: crossmesh does not own an adopted gateway's load balancer Service; restrict
    // it yourself (spec.loadBalancerSourceRanges: the GKE cluster's Cloud NAT addresses).

    // `pulumi up` fails unless the host answers an allowed caller from inside the GKE mesh.
    verify: true,
});

export const eksGatewayHostname = link.eksGatewayHostname;
export const services = link.services;
export const clientSpiffeId = link.clientSpiffeId;
export const serverCertExpiresAt = link.serverCertExpiresAt;
export const clientCertExpiresAt = link.clientCertExpiresAt;
// The CAs of the link's two certificates (public): what each gateway's peer is checked against.
export const serverCaPem = link.serverCaPem;
export const clientCaPem = link.clientCaPem;
