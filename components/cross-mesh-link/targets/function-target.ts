// A Lambda function someone else runs (SAM, Serverless, CDK, another stack), behind the link's shared internal
// ALB: crossmesh creates only its target group, the invoke permission for the qualifier the ALB calls (an
// alias or a version, or the function itself) and the host's listener rule. It never modifies the function.
import type { ServedHostArgs } from "../args";
import { sharedAlbTarget } from "./shared-alb";
import type { ExportTarget, TargetContext, TargetKind } from "./target";

export const existingFunctionTarget: TargetKind = {
    field: "existingFunction",
    albFunction: (s) => ({ existing: { host: s.host, ...s.existingFunction! } }),
    create(ctx: TargetContext, services: ServedHostArgs[]): ExportTarget[] {
        return services.map((s) => sharedAlbTarget(s.host, ctx.albHost(s.host)));
    },
};
