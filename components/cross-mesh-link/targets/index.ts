// The registry of service kinds. Adding a kind = one adapter file plus one entry here (and its field
// in LinkServiceArgs): validation, routing, verification and the plan diagram all go through these.
import type { LinkServiceArgs } from "../args";
import { lambdaTarget } from "./lambda-target";
import type { ExportTarget, TargetContext, TargetKind } from "./target";
import { upstreamTarget } from "./upstream-target";

export type { ExportTarget, TargetContext, TargetKind } from "./target";

export const TARGET_KINDS: readonly TargetKind[] = [lambdaTarget, upstreamTarget];

/** The fields that select a kind, as the user writes them: "lambda", "upstream". */
export const TARGET_FIELDS = TARGET_KINDS.map((k) => k.field);

/** The kind of a service: the one field of TARGET_FIELDS it sets; undefined when it sets none or several. */
export function kindOf(service: Pick<LinkServiceArgs, "lambda" | "upstream">): TargetKind | undefined {
    const set = TARGET_KINDS.filter((k) => service[k.field] !== undefined);
    return set.length === 1 ? set[0] : undefined;
}

/** The targets of every service, in the order of `services`. */
export function createTargets(ctx: TargetContext, services: LinkServiceArgs[]): ExportTarget[] {
    const byHost = new Map<string, ExportTarget>();
    for (const kind of TARGET_KINDS) {
        for (const t of kind.create(
            ctx,
            services.filter((s) => kindOf(s) === kind),
        ))
            byHost.set(t.host, t);
    }
    return services.map((s) => byHost.get(s.host)!);
}
