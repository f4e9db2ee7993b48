// A Lambda function crossmesh creates, behind the link's shared internal ALB (shared-alb.ts) and reached by
// its host.
import type { ServedHostArgs } from "../args";
import { DEFAULT_LAMBDA_GREETING } from "../defaults";
import { sharedAlbTarget } from "./shared-alb";
import type { ExportTarget, TargetContext, TargetKind } from "./target";

export { lambdaAlbName } from "./shared-alb";

export const lambdaTarget: TargetKind = {
    field: "lambda",
    albFunction: (s) => ({ created: { host: s.host, ...s.lambda } }),
    create(ctx: TargetContext, services: ServedHostArgs[]): ExportTarget[] {
        return services.map((s) => ({
            ...sharedAlbTarget(s.host, ctx.albHost(s.host)),
            // The hello-world handler's answer; the user's own code answers what it wants.
            defaultExpectBody: s.lambda?.codePath === undefined ? DEFAULT_LAMBDA_GREETING : undefined,
        }));
    },
};
