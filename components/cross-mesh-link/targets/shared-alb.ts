// The link's shared internal ALB(s): every host served by a Lambda function — one crossmesh creates or one it
// fronts — goes behind one ALB, one ALB per 100 functions (ELB's target groups per load balancer), so a link pays
// for and rotates the certificate of one ALB, far below the 50 ALBs an account gets per Region.
import * as pulumi from "@pulumi/pulumi";
import { LambdaHostsAlb, MAX_FUNCTIONS_PER_ALB } from "../../lambda-hosts-alb";
import type { LinkAlb, LinkedServiceHandles } from "../outputs";
import type { AlbFunction, SharedAlbHost, TargetContext } from "./target";

/** Name of the k-th shared ALB; also its upstream name on the EKS gateway. */
export const lambdaAlbName = (k: number) => (k === 0 ? "lambdas" : `lambdas-${k + 1}`);

const hostOf = (f: AlbFunction) => ("created" in f ? f.created.host : f.existing.host);

/** The shared ALBs for `functions` (in the order of the link's services), by host. */
export function createSharedAlbs(
    ctx: Omit<TargetContext, "albHost">,
    functions: AlbFunction[],
): Map<string, SharedAlbHost> {
    const byHost = new Map<string, SharedAlbHost>();
    for (let k = 0; k * MAX_FUNCTIONS_PER_ALB < functions.length; k++) {
        const chunk = functions.slice(k * MAX_FUNCTIONS_PER_ALB, (k + 1) * MAX_FUNCTIONS_PER_ALB);
        const upstreamName = lambdaAlbName(k);
        const created = chunk.flatMap((f) => ("created" in f ? [f.created] : []));
        const existing = chunk.flatMap((f) => ("existing" in f ? [f.existing] : []));
        const alb = new LambdaHostsAlb(
            `${ctx.name}-${upstreamName}`,
            {
                eksClusterName: ctx.eksClusterName,
                ...(created.length > 0 ? { functions: created } : {}),
                ...(existing.length > 0 ? { existingFunctions: existing } : {}),
            },
            { parent: ctx.parent },
        );
        for (const f of chunk) {
            const host = hostOf(f);
            byHost.set(host, {
                alb,
                upstreamName,
                fn: alb.functions.apply((all) => all.find((x) => x.host === host)!),
            });
        }
    }
    return byHost;
}

/** The handles of one host on its shared ALB. */
export function albHandles(on: SharedAlbHost): pulumi.Output<LinkedServiceHandles> {
    return pulumi.all([on.alb.albArn, on.fn]).apply(([albArn, f]): LinkedServiceHandles => ({
        albArn,
        functionArn: f.functionArn,
        ...(f.qualifier !== undefined ? { qualifier: f.qualifier } : {}),
        ...(f.roleArn !== undefined ? { roleArn: f.roleArn } : {}),
        targetGroupArn: f.targetGroupArn,
        rulePriority: f.rulePriority,
    }));
}

/** The shared ALB's own handles. */
export function albOf(on: SharedAlbHost): pulumi.Output<LinkAlb> {
    return pulumi
        .all([on.alb.albArn, on.alb.albDnsName, on.alb.hostname, on.alb.httpsListenerArn, on.alb.securityGroupId])
        .apply(([albArn, dnsName, hostname, httpsListenerArn, securityGroupId]): LinkAlb => ({
            name: on.upstreamName,
            albArn,
            dnsName,
            hostname,
            httpsListenerArn,
            securityGroupId,
        }));
}

/** The gateway's side of a host on the shared ALB (what every ALB-backed kind's target carries). */
export function sharedAlbTarget(host: string, on: SharedAlbHost) {
    return {
        host,
        upstreamHost: on.alb.hostname,
        upstreamPort: 443,
        upstreamCaPem: on.alb.caPem,
        upstreamName: on.upstreamName,
        functionName: on.fn.functionName,
        resources: [on.alb],
        handles: albHandles(on),
        alb: albOf(on),
    };
}
