// What `crossmesh status` reports: one shape for the library, the human table and `--json`
// (docs/status.schema.json documents it). A check is never "ok" unless it was actually made.

/** Default warning window: a certificate with this many days left or fewer is reported (exit 1). */
export { DEFAULT_WARN_DAYS } from "../link-pki/expiry";

/** A check's outcome. `unknown`: it could not be made (cluster unreachable, probe never ran): never a pass. */
export const CheckState = { Ok: "ok", Warn: "warn", Fail: "fail", Unknown: "unknown" } as const;
export type CheckState = (typeof CheckState)[keyof typeof CheckState];

/** Which end of the link a check looked at; `probe` is the end-to-end call from the GKE mesh. */
export const CheckSide = { Eks: "eks", Gke: "gke", Probe: "probe" } as const;
export type CheckSide = (typeof CheckSide)[keyof typeof CheckSide];

/** The verdict of a link or of the whole stack, worst first. */
export const Verdict = { Failing: "failing", Degraded: "degraded", Unknown: "unknown", Healthy: "healthy" } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

export interface Check {
    side: CheckSide;
    /** Stable identifier, e.g. `gateway-pods`, `link-secret`, `object`, `load-balancer`, `service-entry`, `probe-allowed`. */
    check: string;
    state: CheckState;
    /** What was seen, in one line. */
    detail: string;
    /** What to do about it (on warn, fail and unknown). */
    fix?: string;
    /** The exported host the check is about, when it is about one. */
    host?: string;
    /** `Kind namespace/name` of the object the check is about, when it is about one. */
    object?: string;
    /** For drift: the first field that differs from what the stack applied. */
    field?: string;
}

/** Latency and answers of the allowed caller's calls to one host. */
export interface ProbeFigures {
    host: string;
    /** Where the calls came from: `<namespace>/<serviceAccount>`. */
    from: string;
    /** HTTP status of each call in order; 0 = no HTTP answer (DNS, connect or TLS failure). */
    statuses: number[];
    p50Ms?: number;
    p99Ms?: number;
}

export interface LinkStatus {
    /** The CrossMeshLink's resource name. */
    link: string;
    urn: string;
    verdict: Verdict;
    /** The EKS gateway's load balancer hostname as the stack recorded it. */
    eksGatewayHostname?: string;
    hosts: string[];
    checks: Check[];
    probe: ProbeFigures[];
}

export interface StatusReport {
    /** Bumped on any incompatible change of this shape. */
    schemaVersion: 1;
    stack: string;
    checkedAt: string;
    verdict: Verdict;
    /** 0 healthy; 1 degraded or failing; 2 could not check. */
    exitCode: 0 | 1 | 2;
    links: LinkStatus[];
    /** Why nothing (or not everything) could be checked: stack missing, no link in it, a cluster unreachable. */
    errors: string[];
}

/** Worst first: a known fault outranks what could not be checked, which outranks a pass. */
export function verdictOf(states: readonly CheckState[]): Verdict {
    if (states.includes(CheckState.Fail)) return Verdict.Failing;
    if (states.includes(CheckState.Warn)) return Verdict.Degraded;
    if (states.includes(CheckState.Unknown) || states.length === 0) return Verdict.Unknown;
    return Verdict.Healthy;
}

export function exitCodeOf(verdict: Verdict): 0 | 1 | 2 {
    if (verdict === Verdict.Healthy) return 0;
    if (verdict === Verdict.Unknown) return 2;
    return 1;
}

/** The stack's verdict from its links' (and errors that kept anything from being checked). */
export function stackVerdict(links: readonly LinkStatus[], errors: readonly string[]): Verdict {
    const worst = verdictOf(links.flatMap((l) => l.checks.map((c) => c.state)));
    if (worst === Verdict.Failing || worst === Verdict.Degraded) return worst;
    return errors.length > 0 || links.length === 0 ? Verdict.Unknown : worst;
}
