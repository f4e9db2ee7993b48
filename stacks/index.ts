// The crossmesh stack program: typed config in, one CrossMeshLink out. `pulumi up` per stack.
// readStackConfig checks the whole config (CrossMeshLink's own validator included) before any provider exists.
import * as pulumi from "@pulumi/pulumi";
import { CrossMeshLink } from "../components";
import { linkSettings, readStackConfig } from "./config";
import { LINK_NAME } from "./schema";
import { awsProvider, clusterProviders } from "./providers";

const config = readStackConfig();
const aws = awsProvider(config);
const clusters = clusterProviders(config, aws);

const link = new CrossMeshLink(
    LINK_NAME,
    {
        ...linkSettings(config),
        eksProvider: clusters.eks,
        gkeProvider: clusters.gke,
    },
    { providers: [aws] },
);

export const eksGatewayHostname = link.eksGatewayHostname;
export const exportedHosts = link.exportedHosts;
export const services = link.services;
export const serverCaPem = link.serverCaPem;
export const clientCaPem = link.clientCaPem;
// Every certificate of the link and when it ends: the drift workflow warns (and skips its check) when the first is
// inside its renewal window; the scheduled up renews it.
export const certificatesExpireAt = pulumi.all({
    server: link.serverCertExpiresAt,
    client: link.clientCertExpiresAt,
    serverCa: link.serverCaExpiresAt,
    clientCa: link.clientCaExpiresAt,
});
export const clientSpiffeId = link.clientSpiffeId;
export const verificationJob = link.verificationJob;
export const topology = link.topology;
