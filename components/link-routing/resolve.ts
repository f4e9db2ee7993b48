// Resolving a GatewayRefInput for the builders, with the checks that could not run while it was unknown.
import * as pulumi from "@pulumi/pulumi";
import type { GatewayRef, GatewayRefInput } from "../common/types";
import { requireSelectorLabels } from "./validate";

export function resolveGateway(path: string, gateway: GatewayRefInput): pulumi.Output<GatewayRef> {
    return pulumi
        .all([gateway.namespace, gateway.selectorLabels, gateway.serviceName, gateway.serviceAccount])
        .apply(([namespace, selectorLabels, serviceName, serviceAccount]) => {
            requireSelectorLabels(`${path}.selectorLabels`, selectorLabels);
            return {
                namespace,
                selectorLabels: { ...selectorLabels } as Record<string, string>,
                serviceName,
                serviceAccount,
            };
        });
}
