// The end-to-end probe: short-lived pods in the importing mesh (a link's GKE side, a consumer's mesh) call every
// imported host the way an app does.
// One runs as an allowed caller (must get answers; latency measured), one as a caller the link does not
// admit (must be refused: the policy is checked, not only the route). Builders and verdicts are pure;
// `runProbe` drives a cluster. A probe that did not run is reported as such, never as passed.
import * as crypto from "node:crypto";
import { MANAGED_BY_CROSSMESH } from "../../common/kube";
import { ClusterUnreachable, conditionOf } from "../cluster";
import type { Cluster, LiveObject } from "../cluster";
import { Check, CheckState, ProbeFigures } from "../report";
import { ProbeOptions, ProbeTarget, probeCallers, probePod } from "./callers";
import { isAnswered, parseProbeLog, percentileMs, probeVerdict } from "./verdict";

export * from "./callers";
export * from "./verdict";

/** Why a pod has not finished, from its status: scheduling, image pulls, a sidecar that never got ready. */
function whyNotDone(pod: LiveObject | undefined): string {
    if (!pod) return "the pod disappeared";
    const phase: string = pod.status?.phase ?? "Pending";
    const unscheduled = conditionOf(pod, "PodScheduled", "False");
    if (unscheduled)
        return `${phase}: not scheduled (${unscheduled.reason ?? ""}${unscheduled.message ? `: ${unscheduled.message}` : ""})`;
    const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
        .map((s: { name: string; state?: { waiting?: { reason?: string } } }) =>
            s.state?.waiting?.reason ? `${s.name} ${s.state.waiting.reason}` : "",
        )
        .filter(Boolean);
    return waiting.length ? `${phase}: ${waiting.join(", ")}` : `${phase}, no result yet`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs the probe on the importing mesh's cluster (a link's GKE side, a consumer's mesh) and returns its checks (one
 * per host and caller) and latency figures.
 */
export async function runProbe(
    link: ProbeTarget,
    gke: Cluster,
    opts: ProbeOptions = {},
): Promise<{ checks: Check[]; figures: ProbeFigures[] }> {
    const mesh = link.mesh ?? "GKE";
    const gkeOrConsumer = <T>(gke: T, consumer: T) => (mesh === "GKE" ? gke : consumer);
    const cluster = gkeOrConsumer("the GKE cluster", "the consumer cluster");
    const unknown = (detail: string, fix: string): Check => ({
        side: "probe",
        check: "probe",
        state: CheckState.Unknown,
        detail,
        fix,
    });
    if (!link.gkeIstioRevision)
        return {
            checks: [
                unknown(
                    `the stack recorded no ${mesh} Istio revision to inject the probe's sidecar with`,
                    "run `pulumi up` on the stack once with this crossmesh version",
                ),
            ],
            figures: [],
        };
    const runId = crypto.randomBytes(3).toString("hex");
    const callers = probeCallers(link, runId);
    if (callers.length === 0) return { checks: [], figures: [] };
    const pods = callers.map((c, i) =>
        probePod(c, `crossmesh-probe-${runId}-${i}`, link.gkeIstioRevision!, runId, opts),
    );
    const created: LiveObject[] = [];
    const timeoutMs = (opts.timeoutSeconds ?? 120) * 1000;
    try {
        for (const c of callers) {
            if (
                c.creates.includes("namespace") &&
                !created.some((o) => o.kind === "Namespace" && o.metadata.name === c.namespace)
            ) {
                const ns: LiveObject = {
                    apiVersion: "v1",
                    kind: "Namespace",
                    metadata: {
                        name: c.namespace,
                        labels: { ...MANAGED_BY_CROSSMESH, "istio.io/rev": link.gkeIstioRevision },
                    },
                };
                await gke.apply(ns);
                created.push(ns);
            }
            if (c.creates.includes("serviceAccount")) {
                const sa: LiveObject = {
                    apiVersion: "v1",
                    kind: "ServiceAccount",
                    metadata: { name: c.serviceAccount, namespace: c.namespace, labels: { ...MANAGED_BY_CROSSMESH } },
                };
                await gke.apply(sa);
                created.push(sa);
            }
        }
        // A pod the API refuses (its service account does not exist, a policy forbids it) is that caller's
        // verdict: unknown, with the API's own words; the other callers still run.
        const refused = new Map<number, string>();
        for (const [i, p] of pods.entries()) {
            try {
                await gke.apply(p);
                created.push(p);
            } catch (e) {
                if (e instanceof ClusterUnreachable) throw e;
                refused.set(i, (e instanceof Error ? e.message : String(e)).replace(/^.*?Error from server /, ""));
            }
        }
        const t0 = Date.now();
        let latest: (LiveObject | undefined)[] = [];
        for (;;) {
            latest = await Promise.all(
                pods.map(async (p, i) =>
                    refused.has(i)
                        ? undefined
                        : (
                              await gke.get(p.metadata.namespace, [
                                  { apiVersion: "v1", kind: "Pod", name: p.metadata.name },
                              ])
                          )[0],
                ),
            );
            const done = latest.filter((p) => ["Succeeded", "Failed"].includes(p?.status?.phase)).length + refused.size;
            const elapsed = Math.round((Date.now() - t0) / 1000);
            opts.onProgress?.(`probe: ${done}/${pods.length} pods finished (${elapsed} s)`);
            if (done === pods.length || Date.now() - t0 >= timeoutMs) break;
            await sleep(opts.pollMs ?? 2000);
        }
        const checks: Check[] = [];
        const figures: ProbeFigures[] = [];
        for (let i = 0; i < callers.length; i++) {
            const caller = callers[i];
            const pod = latest[i];
            const finished = ["Succeeded", "Failed"].includes(pod?.status?.phase);
            const refusal = refused.get(i);
            if (refusal !== undefined || !finished) {
                const notRun: Pick<Check, "detail" | "fix"> =
                    refusal !== undefined
                        ? {
                              detail: `the probe did not run as ${caller.namespace}/${caller.serviceAccount}: ${gkeOrConsumer("the GKE API", "the consumer cluster's API")} refused its pod: ${refusal}`,
                              fix:
                                  caller.expect === "answered"
                                      ? `the allowed source ${caller.namespace}/${caller.serviceAccount} has no workload identity on ${gkeOrConsumer("GKE", "the consumer cluster")} yet (namespace or service account missing): create it, or list a source that exists in allowedSources`
                                      : `status needs to create a namespace, a service account and pods in ${cluster}: give its identity that access, or --no-probe`,
                          }
                        : {
                              detail: `the probe did not run: pod ${caller.namespace}/${pods[i].metadata.name} ${whyNotDone(pod)} after ${Math.round(timeoutMs / 1000)} s`,
                              fix: `${cluster} could not start the probe pod (nodes, quota, image pulls from your mirror: --image); --no-probe skips it`,
                          };
                for (const host of caller.hosts)
                    checks.push({
                        side: "probe",
                        check: caller.expect === "answered" ? "probe-allowed" : "probe-denied",
                        host,
                        state: CheckState.Unknown,
                        ...notRun,
                    });
                continue;
            }
            const samples = parseProbeLog(await gke.logs(caller.namespace, pods[i].metadata.name, "probe"));
            for (const host of caller.hosts) {
                const mine = samples.filter((s) => s.host === host);
                checks.push(probeVerdict(caller, host, mine));
                if (caller.expect === "answered") {
                    const answered = mine.filter(isAnswered).map((s) => s.seconds);
                    const p50 = percentileMs(answered, 50);
                    const p99 = percentileMs(answered, 99);
                    figures.push({
                        host,
                        from: `${caller.namespace}/${caller.serviceAccount}`,
                        statuses: mine.map((s) => s.status),
                        ...(p50 !== undefined ? { p50Ms: p50 } : {}),
                        ...(p99 !== undefined ? { p99Ms: p99 } : {}),
                    });
                }
            }
        }
        return { checks, figures };
    } finally {
        if (!opts.keep)
            for (const o of created.reverse())
                await gke
                    .delete({
                        apiVersion: o.apiVersion,
                        kind: o.kind,
                        name: o.metadata.name,
                        namespace: o.metadata.namespace,
                    })
                    .catch(() => undefined);
    }
}
