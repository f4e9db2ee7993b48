// An export stack (`crossmesh:role: export`): the exporting side of a link with several consumer meshes. It needs the
// EKS cluster and AWS only — never a consumer's credentials — and publishes each consumer's grant (a secret) for that
// consumer's own stack to read through a StackReference.
import * as pulumi from "@pulumi/pulumi";
import { CrossMeshExport } from "../../components";
import { exportSettings, readExportConfig } from "../config";
import { LINK_NAME } from "../schema";
import { awsProvider, eksProvider } from "../providers";

export function exportStack() {
    const config = readExportConfig();
    const aws = awsProvider(config);
    const eks = eksProvider({ ...config, clusterName: config.clusterName as string }, aws);
    const exported = new CrossMeshExport(LINK_NAME, exportSettings(config), { providers: [aws, eks] });
    return {
        gatewayHostname: exported.gatewayHostname,
        exportedHosts: exported.exportedHosts,
        services: exported.services,
        consumers: exported.consumers,
        // Secret: what each consumer stack reads (`grants["<consumer>"]`), keys included.
        grants: exported.grants,
        serverCaPem: exported.serverCaPem,
        // Flat, as the drift workflow reads it (the earliest end): the server's, and each consumer's.
        certificatesExpireAt: pulumi
            .all([exported.serverCertExpiresAt, exported.serverCaExpiresAt, exported.consumers])
            .apply(([server, serverCa, consumers]) => ({
                server,
                serverCa,
                ...Object.fromEntries(
                    consumers.flatMap((c) => [
                        [`client:${c.name}`, c.clientCertExpiresAt],
                        [`clientCa:${c.name}`, c.clientCaExpiresAt],
                    ]),
                ),
            })),
        topology: exported.topology,
    };
}
