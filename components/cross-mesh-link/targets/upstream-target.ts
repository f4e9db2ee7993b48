// An existing internal HTTPS service, reachable from the EKS cluster: nothing to create, only to route.
import type { ServedHostArgs } from "../args";
import type { ExportTarget, TargetContext, TargetKind } from "./target";

export const upstreamTarget: TargetKind = {
    field: "upstream",
    create(_ctx: TargetContext, services: ServedHostArgs[]): ExportTarget[] {
        return services.map((s) => ({
            host: s.host,
            upstreamHost: s.upstream!.hostname,
            upstreamPort: s.upstream!.port ?? 443,
            upstreamCaPem: s.upstream!.caPem,
            resources: [],
        }));
    },
};
