// What `crossmesh status` reports: one shape for the library, the human table and `--json`
// (docs/status.schema.json documents it). A check is never "ok" unless it was actually made.

/** Default warning window: a certificate with this many days left or fewer is reported (exit 1). */
export { DEFAULT_WARN_DAYS } from "../link-pki/expiry";

/** A check's outcome. `unknown`: it could not be made (cluster unreachable, probe never ran): never a pass. */
export const CheckState = { Ok: "ok", Warn: "warn", Fail: "fail", Unknown: "unknown" } as const;
export type CheckState = (typeof CheckState)[keyof typeof CheckState];

/**
 * Which end a check looked at: a link's or an export's EKS side, a link's GKE side, a consumer mesh's cluster (a
 * CrossMeshConsumer's: GKE, AKS, any); `probe` is the end-to-end call from the importing mesh.
 */
export const CheckSide = { Eks: "eks", Gke: "gke", Consumer: "consumer", Probe: "probe" } as const;
export type CheckSide = (typeof CheckSide)[keyof typeof CheckSide];

/** What a checked component is: a CrossMeshLink (both ends), a CrossMeshExport or a CrossMeshConsumer. */
export const Role = { Link: "link", Export: "export", Consumer: "consumer" } as const;
export type Role = (typeof Role)[keyof typeof Role];

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
    /** An export's consumer the check is about (its policy, trust, identity, certificate), by name. */
    consumer?: string;
}

/** One consumer of an export: its verdict is that of the checks that name it. */
export interface ConsumerSummary {
    name: string;
    /** The identity its client certificate carries, as the export issued it. */
    spiffeId?: string;
    hosts: string[];
    verdict: Verdict;
}

/** A check that does not apply to a component, with why: counted neither as passed nor as unknown. */
export interface NotRun {
    side: CheckSide;
    check: string;
    reason: string;
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

/** One checked component of the stack: a link, an export or a consumer (`role`). */
export interface LinkStatus {
    /** The component's resource name. */
    link: string;
    /** What it is: a link checks both ends; an export its EKS side and each consumer there; a consumer its mesh. */
    role: Role;
    urn: string;
    verdict: Verdict;
    /** The EKS gateway's load balancer hostname as the stack recorded it (a link's or an export's). */
    eksGatewayHostname?: string;
    /** The exported hosts (a link's, an export's) or the imported ones (a consumer's). */
    hosts: string[];
    checks: Check[];
    probe: ProbeFigures[];
    /** An export's consumers, each with its verdict; the checks about one carry its name (`Check.consumer`). */
    consumers?: ConsumerSummary[];
    /** A consumer's name in its export. */
    consumer?: string;
    /** A consumer's far end: the export's gateway as its grant gave it. */
    remoteGatewayHostname?: string;
    /** Checks that do not apply here, with why (an export's probe: its callers are in its consumers' meshes). */
    notRun?: NotRun[];
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
    /** Why nothing (or not everything) could be checked: stack missing, no link, export or consumer in it. */
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
