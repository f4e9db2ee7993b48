// A Lambda function crossmesh creates, behind the link's shared internal ALB and reached by its host:
// one ALB per 100 functions (ELB's target groups per load balancer), so a link pays for and rotates the
// certificate of one ALB, far below the 50 ALBs an account gets per Region.
import { LambdaHostsAlb, MAX_FUNCTIONS_PER_ALB } from "../../lambda-hosts-alb";
import type { LinkServiceArgs } from "../args";
import { DEFAULT_LAMBDA_GREETING } from "../defaults";
import type { ExportTarget, TargetContext, TargetKind } from "./target";

/** Name of the k-th shared ALB; also its upstream name on the EKS gateway. */
export const lambdaAlbName = (k: number) => (k === 0 ? "lambdas" : `lambdas-${k + 1}`);

export const lambdaTarget: TargetKind = {
    field: "lambda",
    create(ctx: TargetContext, services: LinkServiceArgs[]): ExportTarget[] {
        const targets: ExportTarget[] = [];
        for (let k = 0; k * MAX_FUNCTIONS_PER_ALB < services.length; k++) {
            const chunk = services.slice(k * MAX_FUNCTIONS_PER_ALB, (k + 1) * MAX_FUNCTIONS_PER_ALB);
            const upstreamName = lambdaAlbName(k);
            const alb = new LambdaHostsAlb(
                `${ctx.name}-${upstreamName}`,
                {
                    eksClusterName: ctx.eksClusterName,
                    functions: chunk.map((s) => ({ host: s.host, ...s.lambda })),
                },
                { parent: ctx.parent },
            );
            for (const s of chunk) {
                targets.push({
                    host: s.host,
                    upstreamHost: alb.hostname,
                    upstreamPort: 443,
                    upstreamCaPem: alb.caPem,
                    upstreamName,
                    functionName: alb.functionNames[s.host],
                    // The hello-world handler's answer; the user's own code answers what it wants.
                    defaultExpectBody: s.lambda?.codePath === undefined ? DEFAULT_LAMBDA_GREETING : undefined,
                    resources: [alb],
                });
            }
        }
        return targets;
    },
};
