// The crossmesh stack program: typed config in, one CrossMeshLink out. `pulumi up` per stack.
import * as pulumi from "@pulumi/pulumi";
import { CrossMeshLink } from "../components";
import { readStackConfig } from "./config";
import { awsProvider, clusterProviders } from "./providers";

const config = readStackConfig();
const aws = awsProvider(config);
const clusters = clusterProviders(config, aws);

const link = new CrossMeshLink("crossmesh", {
    eksProvider: clusters.eks,
    gkeProvider: clusters.gke,
    eksClusterName: config.eksClusterName,
    awsRegion: config.awsRegion,
    services: config.services,
    istioVersion: config.istioVersion,
    eksIstio: config.eksIstio,
    gkeIstio: config.gkeIstio,
    eksTrustDomain: config.eksTrustDomain,
    gkeTrustDomain: config.gkeTrustDomain,
    consumerEgressCidrs: config.consumerEgressCidrs,
    pki: config.pki,
    verify: config.verify,
    strictMtls: config.strictMtls,
    deployTestClient: config.deployTestClient,
    registryOnly: config.registryOnly,
    eksAwsEgress: config.eksAwsEgress,
}, { providers: [aws] });

export const eksGatewayHostname = link.eksGatewayHostname;
export const exportedHosts = link.exportedHosts;
export const services = link.services;
export const serverCaPem = link.serverCaPem;
export const clientCaPem = link.clientCaPem;
export const certificatesExpireAt = pulumi.all({ server: link.serverCertExpiresAt, client: link.clientCertExpiresAt });
export const clientSpiffeId = link.clientSpiffeId;
export const verificationJob = link.verificationJob;
export const topology = link.topology;
