// Resolving a GatewayRefInput for the builders, its Input fields checked once known (see `later`).
import * as pulumi from "@pulumi/pulumi";
import { later } from "../common/spec";
import type { GatewayRef, GatewayRefInput } from "../common/types";
import { gatewayRefFields as f } from "./spec";

export function resolveGateway(path: string, gateway: GatewayRefInput): pulumi.Output<GatewayRef> {
    return pulumi
        .all([
            later(f.namespace, `${path}.namespace`, gateway.namespace),
            later(f.selectorLabels, `${path}.selectorLabels`, gateway.selectorLabels),
            later(f.serviceName, `${path}.serviceName`, gateway.serviceName),
            later(f.serviceAccount, `${path}.serviceAccount`, gateway.serviceAccount),
        ])
        .apply(([namespace, selectorLabels, serviceName, serviceAccount]) => ({
            namespace,
            selectorLabels: { ...selectorLabels } as Record<string, string>,
            serviceName,
            serviceAccount,
        }));
}
