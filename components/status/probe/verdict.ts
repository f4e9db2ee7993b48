// What a probe pod's log says: its calls, their latency, and the verdict for each host and caller. Pure.
import { Check, CheckState } from "../report";
import { PROBE_LINE, ProbeCaller } from "./callers";

/** One call as the pod logged it. */
export interface ProbeSample {
    host: string;
    /** HTTP status; 0 = no HTTP answer. */
    status: number;
    seconds: number;
    /** curl's exit code (6: could not resolve, 7: could not connect, 28: timeout). */
    curlExit: number;
    /** The first bytes of the body: tells Envoy's RBAC refusal from an application's 403. */
    bodyStart: string;
}

export const RBAC_DENIED = "RBAC: access denied";

/** The samples in a probe pod's log; other lines (curl's, the shell's) are ignored. */
export function parseProbeLog(log: string): ProbeSample[] {
    return log.split("\n").flatMap((line) => {
        const m = new RegExp(`^${PROBE_LINE} (\\S+) (\\d{3}) ([\\d.]+) (\\d+) ?(.*)$`).exec(line.trim());
        if (!m) return [];
        return [
            { host: m[1], status: Number(m[2]), seconds: Number(m[3]), curlExit: Number(m[4]), bodyStart: m[5].trim() },
        ];
    });
}

/** Nearest-rank percentile in milliseconds. */
export function percentileMs(seconds: readonly number[], p: number): number | undefined {
    if (seconds.length === 0) return undefined;
    const sorted = [...seconds].sort((a, b) => a - b);
    const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
    return Math.round(sorted[rank - 1] * 1000 * 10) / 10;
}

const isRbacRefusal = (s: ProbeSample) => s.status === 403 && s.bodyStart.startsWith(RBAC_DENIED);
/** The link carried the call and something behind it answered (an application's 4xx still proves the path). */
export const isAnswered = (s: ProbeSample) => s.status >= 200 && s.status < 500 && !isRbacRefusal(s);
/** Refused before reaching the service: the policy (403 RBAC) or no route at all for this caller (DNS/connect). */
const isRefused = (s: ProbeSample) => isRbacRefusal(s) || (s.status === 0 && [6, 7].includes(s.curlExit));

const describe = (s: ProbeSample) =>
    s.status === 0
        ? `no answer (curl exit ${s.curlExit})`
        : `${s.status}${s.bodyStart ? ` "${s.bodyStart.slice(0, 40)}"` : ""}`;

/** The verdict on one host's calls from one caller. */
export function probeVerdict(caller: ProbeCaller, host: string, samples: readonly ProbeSample[]): Check {
    const from = `${caller.namespace}/${caller.serviceAccount}`;
    const base = { side: "probe" as const, host };
    if (samples.length === 0)
        return {
            ...base,
            check: caller.expect === "answered" ? "probe-allowed" : "probe-denied",
            state: CheckState.Unknown,
            detail: `no call to ${host} was logged by the probe from ${from}`,
            fix: "the probe pod ran but logged nothing: kubectl logs of a crossmesh-probe pod (re-run with --keep-probe)",
        };
    if (caller.expect === "answered") {
        const good = samples.filter(isAnswered);
        const rbac = samples.filter(isRbacRefusal);
        const p50 = percentileMs(
            good.map((s) => s.seconds),
            50,
        );
        const p99 = percentileMs(
            good.map((s) => s.seconds),
            99,
        );
        const latency = good.length ? `, p50 ${p50} ms, p99 ${p99} ms` : "";
        const state =
            good.length === samples.length ? CheckState.Ok : good.length === 0 ? CheckState.Fail : CheckState.Warn;
        const bad = samples.find((s) => !isAnswered(s));
        return {
            ...base,
            check: "probe-allowed",
            state,
            detail: `${good.length}/${samples.length} calls from ${from} answered${latency}${bad ? `; first failure: ${describe(bad)}` : ""}`,
            ...(state === CheckState.Ok
                ? {}
                : {
                      fix: rbac.length
                          ? "an allowed caller was refused by policy: check the AuthorizationPolicies on both gateways (crossmesh status drift checks) and the caller's service account"
                          : "the link did not carry the call: see the failing checks above; `istioctl proxy-config cluster` on the GKE egress gateway, then the EKS gateway's logs",
                  }),
        };
    }
    const refused = samples.filter(isRefused);
    const leaked = samples.find((s) => !isRefused(s));
    const state = leaked ? (isAnswered(leaked) ? CheckState.Fail : CheckState.Warn) : CheckState.Ok;
    return {
        ...base,
        check: "probe-denied",
        state,
        detail: leaked
            ? `a caller outside allowedSources (${from}) got ${describe(leaked)}: ${isAnswered(leaked) ? "the policy does not hold" : "neither answered nor refused"}`
            : `${refused.length}/${samples.length} calls from ${from} refused (${describe(samples[0])})`,
        ...(leaked
            ? {
                  fix: "the AuthorizationPolicy on the GKE egress gateway must admit only allowedSources: `pulumi up` restores it; check for a broader ALLOW policy in the egress namespace",
              }
            : {}),
    };
}
