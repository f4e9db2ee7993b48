// Every object the stack applied: present, unchanged (drift names the field and its writer); the verification Job's last run.
import type { Check } from "../report";
import { CheckState } from "../report";
import { AppliedObject, ClusterSide, objectLabel } from "../deployment";
import { LiveObject, conditionOf, resourceOf } from "../cluster";
import { firstDifference, isIstioKind } from "../drift";
import { check, keyOf } from "./common";

/** Every applied object present and as applied; one ok line when all are. */
export function driftChecks(side: ClusterSide, objects: AppliedObject[], live: Map<string, LiveObject>): Check[] {
    const problems: Check[] = [];
    for (const o of objects) {
        const label = objectLabel(o);
        const got = live.get(keyOf(o));
        if (!got) {
            problems.push(
                check(side, {
                    check: "object",
                    state: CheckState.Fail,
                    object: label,
                    detail: `${label} is missing`,
                    fix: "`pulumi up --refresh` on the stack re-creates it (a plain `pulumi up` does not see that it is gone); then find out who deleted it",
                }),
            );
            continue;
        }
        const field =
            firstDifference(o.labels, got.metadata.labels ?? {}, "metadata.labels", false) ??
            firstDifference(o.annotations, got.metadata.annotations ?? {}, "metadata.annotations", false) ??
            Object.entries(o.kind === "Secret" ? { type: o.fields.type } : o.fields)
                .map(([k, v]) => firstDifference(v, got[k], k, isIstioKind(o.apiVersion)))
                .find(Boolean);
        if (field) {
            const writer = lastOtherWriter(got);
            problems.push(
                check(side, {
                    check: "object",
                    state: CheckState.Fail,
                    object: label,
                    field,
                    detail: `${label} changed since the stack applied it: ${field}${writer ? ` (last written by ${writer})` : ""}`,
                    fix: `undo the hand edit (kubectl edit ${resourceOf(o.apiVersion, o.kind)} ${o.namespace ? `-n ${o.namespace} ` : ""}${o.name}): \`pulumi up --refresh\` shows it but does not take back a field another field manager wrote under server-side apply; or delete the object and \`pulumi up --refresh\` re-creates it`,
                }),
            );
        }
    }
    if (problems.length) return problems;
    return [
        check(side, {
            check: "objects",
            state: CheckState.Ok,
            detail: `${objects.length} objects present and as applied`,
        }),
    ];
}

/** The newest writer of an object other than Pulumi's kubernetes provider, from server-side apply's record. */
function lastOtherWriter(o: LiveObject): string | undefined {
    const other = (o.metadata.managedFields ?? [])
        .filter((m) => m.manager && !/^pulumi/.test(m.manager))
        .sort((a, b) => (b.time ?? "").localeCompare(a.time ?? ""))[0];
    return other ? `${other.manager}${other.time ? ` at ${other.time}` : ""}` : undefined;
}

/** The deploy-time verification Job, when the link has one: did its last run pass? */
export function verificationChecks(
    side: ClusterSide,
    objects: AppliedObject[],
    live: Map<string, LiveObject>,
): Check[] {
    const job = objects.find((o) => o.kind === "Job");
    const got = job ? live.get(keyOf(job)) : undefined;
    if (!job || !got) return [];
    const label = objectLabel(job);
    const passed = (got.status?.succeeded ?? 0) > 0;
    const failed = conditionOf(got, "Failed") !== undefined;
    return [
        check(side, {
            check: "verification",
            state: passed ? CheckState.Ok : failed ? CheckState.Fail : CheckState.Unknown,
            object: label,
            detail: passed
                ? `the deploy-time check passed (${got.status?.completionTime ?? "completed"})`
                : failed
                  ? "the deploy-time check failed"
                  : "the deploy-time check has not finished",
            ...(passed ? {} : { fix: `kubectl -n ${job.namespace} logs job/${job.name} -c verify` }),
        }),
    ];
}
