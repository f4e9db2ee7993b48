// The smallest useful crossmesh link: one AWS Lambda, made callable from the GKE mesh as
// `http://lambda.external/`, by one workload only (service account `checkout` of namespace `shop`).
//
// crossmesh installs Istio on both clusters, puts the Lambda behind an internal ALB in the EKS cluster's VPC,
// exports it through an EKS ingress gateway (internet-facing NLB, mutual TLS only) and imports it through a
// GKE egress gateway, so the caller speaks plain HTTP to the host name and never holds a certificate.
//
// Config (see ../README.md):
//   pulumi config set eksClusterName <your EKS cluster>
//   pulumi config set awsRegion eu-west-1
//   pulumi config set --secret eksKubeconfig < eks.kubeconfig
//   pulumi config set --secret gkeKubeconfig < gke.kubeconfig
//   pulumi config set --path 'consumerEgressCidrs[0]' 203.0.113.0/28
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CrossMeshLink } from "crossmesh";

const config = new pulumi.Config();

// One Kubernetes provider per cluster: crossmesh never falls back to an ambient ~/.kube/config. The
// kubeconfigs are secrets (requireSecret keeps them encrypted in the state). No extra provider setting is
// needed: the link's credentials are immutable Secrets, replaced one by one when they are renewed.
// (crossmesh also exports eksKubeconfig() and gkeClusterKubeconfig(), which build credential-free
// kubeconfigs that authenticate with `aws eks get-token` and gke-gcloud-auth-plugin.)
const eksProvider = new k8s.Provider("eks", { kubeconfig: config.requireSecret("eksKubeconfig") });
const gkeProvider = new k8s.Provider("gke", { kubeconfig: config.requireSecret("gkeKubeconfig") });

// The Lambda, its ALB and their IAM role go to the EKS cluster's account and region, through this provider.
const awsRegion = config.get("awsRegion") ?? "eu-west-1";
const awsProvider = new aws.Provider("aws", { region: awsRegion });

const link = new CrossMeshLink(
    "shop-link",
    {
        eksProvider,
        gkeProvider,
        // The internal ALB goes into this cluster's VPC and admits the cluster's security group only.
        eksClusterName: config.require("eksClusterName"),
        awsRegion,
        services: [
            {
                // What GKE workloads call: http://lambda.external/ (a plain value: it names Kubernetes objects).
                host: "lambda.external",
                // `{}` deploys crossmesh's hello-world function (Python). Your own code:
                // { codePath: "./handler", runtime: "python3.13", handler: "index.lambda_handler", memorySize: 256 }
                lambda: {},
                // Only this workload may call the host; every other caller in the GKE mesh is refused (403).
                allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }],
            },
        ],
        // The GKE cluster's public egress addresses (its Cloud NAT IPs): the only sources the EKS gateway's
        // NLB admits. Without it the NLB answers the whole internet (mTLS still refuses every stranger).
        // A plain list, not an Output: it is written into the gateway's Service when the program runs.
        consumerEgressCidrs: config.requireObject<string[]>("consumerEgressCidrs"),
        // `pulumi up` runs a Job in GKE that calls the host as an allowed caller and fails unless it answers.
        verify: true,
    },
    { providers: [awsProvider] },
);

// The far end of the link: the EKS gateway's NLB (the GKE side's ServiceEntry points at it).
export const eksGatewayHostname = link.eksGatewayHostname;
// Every host as deployed: its upstream (the internal ALB), its function and who may call it.
export const services = link.services;
// Label the callers' namespace with it (`kubectl label ns shop istio.io/rev=<revision>`) so their
// sidecars belong to the mesh crossmesh installed; or use `istio-injection=enabled`, which follows upgrades.
export const gkeIstioRevision = link.gkeIstioRevision;
// When the link's certificates end: any `pulumi up` inside the renewal window renews them.
export const serverCertExpiresAt = link.serverCertExpiresAt;
export const clientCertExpiresAt = link.clientCertExpiresAt;
// The identity the EKS gateway admits: the GKE egress gateway's SPIFFE id.
export const clientSpiffeId = link.clientSpiffeId;
// The Job that proved the link during `pulumi up` (its logs show the answer).
export const verificationJob = link.verificationJob;
