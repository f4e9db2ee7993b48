// A consumer stack (`crossmesh:role: consumer`): one consumer mesh's side of an export, owned by that mesh's team. It
// reads its grant from the export stack (a StackReference: `crossmesh:exportStack`) and needs its own cluster only.
import * as pulumi from "@pulumi/pulumi";
import { CrossMeshConsumer, type ConsumerGrant } from "../../components";
import { consumerSettings, readConsumerConfig } from "../config";
import { LINK_NAME } from "../schema";
import { consumerProvider } from "../providers";

export function consumerStack() {
    const config = readConsumerConfig();
    const exporter = new pulumi.StackReference("export", { name: config.exportStack });
    const grant = exporter.requireOutput("grants").apply((grants: Record<string, ConsumerGrant>) => {
        const mine = grants[config.consumer];
        if (mine === undefined)
            throw new pulumi.InputPropertyError({
                propertyPath: "crossmesh:consumer",
                reason: `"${config.consumer}" is not a consumer of ${config.exportStack} (it grants ${Object.keys(grants).join(", ") || "no consumer"}); ask its owners to add it to crossmesh:consumers there and run \`pulumi up\` on that stack, or fix the name.`,
            });
        return mine;
    });
    const consumer = new CrossMeshConsumer(
        LINK_NAME,
        { ...consumerSettings(config), grant },
        { provider: consumerProvider(config) },
    );
    return {
        consumer: consumer.consumer,
        remoteGatewayHostname: consumer.remoteGatewayHostname,
        importedHosts: consumer.importedHosts,
        services: consumer.services,
        spiffeId: consumer.spiffeId,
        certificatesExpireAt: pulumi.all({ client: consumer.clientCertExpiresAt }),
        istioRevision: consumer.istioRevision,
    };
}
