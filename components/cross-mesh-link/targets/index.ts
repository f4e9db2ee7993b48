// The registry of service kinds. Adding a kind = one adapter file plus one entry here (and its field
// in ServedHostArgs): validation, routing, verification and the plan diagram all go through these.
import * as pulumi from "@pulumi/pulumi";
import type { ExportedServiceArgs } from "../../export-gateway";
import { reportAt } from "../../lambda-alb/function";
import type { LinkAlb, LinkedServiceHandles } from "../outputs";
import type { ServedHostArgs } from "../args";
import { existingFunctionTarget } from "./function-target";
import { lambdaTarget } from "./lambda-target";
import { createSharedAlbs } from "./shared-alb";
import type { ExportTarget, TargetContext, TargetKind } from "./target";
import { upstreamTarget } from "./upstream-target";

export type { ExportTarget, TargetContext, TargetKind } from "./target";

export const TARGET_KINDS: readonly TargetKind[] = [lambdaTarget, existingFunctionTarget, upstreamTarget];

/** The fields that select a kind, as the user writes them: "lambda", "existingFunction", "upstream". */
export const TARGET_FIELDS = TARGET_KINDS.map((k) => k.field);

/** The kind of a service: the one field of TARGET_FIELDS it sets; undefined when it sets none or several. */
export function kindOf(service: Pick<ServedHostArgs, TargetKind["field"]>): TargetKind | undefined {
    const set = TARGET_KINDS.filter((k) => service[k.field] !== undefined);
    return set.length === 1 ? set[0] : undefined;
}

/**
 * The targets of every service, in the order of `services`. The functions of every ALB-backed kind go
 * behind the link's shared ALB(s) first, in the order of the services, so kinds share one ALB.
 */
export function createTargets(ctx: Omit<TargetContext, "albHost">, services: ServedHostArgs[]): ExportTarget[] {
    const albs = createSharedAlbs(
        ctx,
        services.flatMap((s, i) => {
            const kind = kindOf(s);
            const fn = kind?.albFunction?.(s);
            if (!kind || !fn) return [];
            // What fails once values are known names the user's field (services[i].existingFunction.function).
            reportAt("created" in fn ? fn.created : fn.existing, `services[${i}].${kind.field}.`);
            return [fn];
        }),
    );
    const full: TargetContext = { ...ctx, albHost: (host) => albs.get(host)! };
    const byHost = new Map<string, ExportTarget>();
    for (const kind of TARGET_KINDS) {
        for (const t of kind.create(
            full,
            services.filter((s) => kindOf(s) === kind),
        ))
            byHost.set(t.host, t);
    }
    return services.map((s) => byHost.get(s.host)!);
}

/** A target as ExportGateway takes it: the host and where the gateway sends it. */
export function exportedServiceArgs(t: ExportTarget): ExportedServiceArgs {
    return {
        host: t.host,
        upstreamHost: t.upstreamHost,
        upstreamPort: t.upstreamPort,
        upstreamCaPem: t.upstreamCaPem as pulumi.Input<string> | undefined,
        ...(t.upstreamName !== undefined ? { upstreamName: t.upstreamName } : {}),
    };
}

/** What a composite's `services` output says of a target once deployed: its upstream, function and AWS handles. */
export function deployedTarget(
    t: ExportTarget,
): pulumi.Output<{ upstreamHost: string; functionName?: string; handles?: LinkedServiceHandles }> {
    return pulumi.all([t.upstreamHost, t.functionName, t.handles]).apply(([upstreamHost, functionName, handles]) => ({
        upstreamHost,
        ...(functionName ? { functionName } : {}),
        ...(handles ? { handles } : {}),
    }));
}

/** The shared ALBs of the targets, in the order of the services that first use each, and their host names. */
export function sharedAlbsOf(targets: ExportTarget[]): {
    albs: pulumi.Output<LinkAlb[]>;
    hostnames: pulumi.Output<string[]>;
} {
    const firstOnAlb = targets.filter(
        (t, i) => t.alb && targets.findIndex((u) => u.upstreamName === t.upstreamName) === i,
    );
    return {
        albs: pulumi.all(firstOnAlb.map((t) => t.alb!)),
        hostnames: pulumi.all([...new Set(targets.flatMap((t) => (t.functionName ? [t.upstreamHost] : [])))]),
    };
}
