// A link stack (the default role): both ends of one link, one CrossMeshLink.
import * as pulumi from "@pulumi/pulumi";
import { CrossMeshLink } from "../../components";
import { linkSettings, readStackConfig } from "../config";
import { LINK_NAME } from "../schema";
import { awsProvider, clusterProviders } from "../providers";

export function linkStack() {
    // readStackConfig checks the whole config (CrossMeshLink's own spec included) before any provider exists.
    const config = readStackConfig();
    const aws = awsProvider(config);
    const clusters = clusterProviders(config, aws);
    const link = new CrossMeshLink(
        LINK_NAME,
        { ...linkSettings(config), eksProvider: clusters.eks, gkeProvider: clusters.gke },
        { providers: [aws] },
    );
    return {
        eksGatewayHostname: link.eksGatewayHostname,
        exportedHosts: link.exportedHosts,
        services: link.services,
        serverCaPem: link.serverCaPem,
        clientCaPem: link.clientCaPem,
        // Every certificate of the link and when it ends: the drift workflow warns (and skips its check) when the
        // first is inside its renewal window; the scheduled up renews it.
        certificatesExpireAt: pulumi.all({
            server: link.serverCertExpiresAt,
            client: link.clientCertExpiresAt,
            serverCa: link.serverCaExpiresAt,
            clientCa: link.clientCaExpiresAt,
        }),
        clientSpiffeId: link.clientSpiffeId,
        verificationJob: link.verificationJob,
        topology: link.topology,
    };
}
