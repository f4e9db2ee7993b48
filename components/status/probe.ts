// The end-to-end probe: short-lived pods in the GKE mesh call every exported host the way an app does.
// One runs as an allowed caller (must get answers; latency measured), one as a caller the link does not
// admit (must be refused: the policy is checked, not only the route). Builders and verdicts are pure;
// `runProbe` drives a cluster. A probe that did not run is reported as such, never as passed.
import * as crypto from "node:crypto";
import { CURL_IMAGE, curlSecurityContext, meshClientProxyConfig } from "../istio-install/client-pods";
import { MANAGED_BY_CROSSMESH } from "../common/kube";
import { ClusterUnreachable } from "./cluster";
import type { Cluster, LiveObject } from "./cluster";
import type { DeployedLink } from "./deployment";
import { Check, CheckState, ProbeFigures } from "./report";

/** One probe pod: where it runs, as whom, which hosts it calls and whether it should get through. */
export interface ProbeCaller {
    namespace: string;
    serviceAccount: string;
    hosts: string[];
    expect: "answered" | "refused";
    /** Objects status creates for this caller (and deletes after): a namespace or a service account. */
    creates: ("namespace" | "serviceAccount")[];
}

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

export const PROBE_LINE = "crossmesh-probe";
export const RBAC_DENIED = "RBAC: access denied";

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The probe container's script: `calls` calls per host, one log line each
 * (`crossmesh-probe <host> <status> <seconds> <curl exit> <body start>`), then the sidecar is let go.
 * `CROSSMESH_PROBE_CONNECT_TO` (host:port) redirects connections, so tests run the same script locally.
 */
export function probeScript(hosts: readonly string[], calls: number): string {
    return [
        "set -u",
        `for host in ${hosts.map(shellQuote).join(" ")}; do`,
        `  i=0; while [ $i -lt ${calls} ]; do i=$((i+1))`,
        '    out=$(curl -s -o /tmp/body -w "%{http_code} %{time_total}" --max-time 10 ${CROSSMESH_PROBE_CONNECT_TO:+--connect-to "$host:80:$CROSSMESH_PROBE_CONNECT_TO"} "http://$host/" 2>/dev/null); rc=$?',
        "    body=$(head -c 60 /tmp/body 2>/dev/null | tr '\\n\\r' '  '); rm -f /tmp/body",
        `    echo "${PROBE_LINE} $host \${out:-000 0} $rc $body"`,
        "  done",
        "done",
        "curl -fsS -X POST http://127.0.0.1:15020/quitquitquit >/dev/null 2>&1 || true",
        "",
    ].join("\n");
}

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
const isAnswered = (s: ProbeSample) => s.status >= 200 && s.status < 500 && !isRbacRefusal(s);
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

/**
 * Who calls what. The allowed caller of each host is its first allowed source (its service account, or
 * `default` when the whole namespace is admitted). The refused caller is a service account status creates
 * in a namespace whose admission names service accounts (so the route exists and the policy must refuse:
 * 403), else a namespace status creates (no route there at all, so the call cannot resolve).
 */
export function probeCallers(link: DeployedLink, runId: string): ProbeCaller[] {
    const callers = new Map<string, ProbeCaller>();
    const add = (c: Omit<ProbeCaller, "hosts">, host: string) => {
        const key = `${c.expect}/${c.namespace}/${c.serviceAccount}`;
        const existing = callers.get(key);
        if (existing) existing.hosts.push(host);
        else callers.set(key, { ...c, hosts: [host] });
    };
    const deniedNamespace = `crossmesh-probe-${runId}`;
    const deniedAccount = `crossmesh-probe-denied-${runId}`;
    for (const svc of link.services) {
        const first = svc.allowedSources[0];
        if (!first) continue;
        add(
            {
                namespace: first.namespace,
                serviceAccount: first.serviceAccount ?? "default",
                expect: "answered",
                creates: [],
            },
            svc.host,
        );
        const wholeNamespaces = new Set(svc.allowedSources.filter((a) => !a.serviceAccount).map((a) => a.namespace));
        const narrowed = svc.allowedSources.find((a) => a.serviceAccount && !wholeNamespaces.has(a.namespace));
        add(
            narrowed
                ? {
                      namespace: narrowed.namespace,
                      serviceAccount: deniedAccount,
                      expect: "refused",
                      creates: ["serviceAccount"],
                  }
                : { namespace: deniedNamespace, serviceAccount: "default", expect: "refused", creates: ["namespace"] },
            svc.host,
        );
    }
    return [...callers.values()];
}

export interface ProbeOptions {
    /** Calls per host per caller; default 5. */
    calls?: number;
    /** How long the pods may take to finish; default 120 s. */
    timeoutSeconds?: number;
    /** The curl image (a mirror's, say); default crossmesh's pinned curl. */
    image?: string;
    /** Leave the probe's pods and objects behind for debugging. */
    keep?: boolean;
    /** Called with a one-line progress message while the pods run. */
    onProgress?: (message: string) => void;
    /** Poll interval; default 2 s (tests shorten it). */
    pollMs?: number;
}

/** The probe's pod for one caller. */
export function probePod(
    caller: ProbeCaller,
    name: string,
    revision: string,
    runId: string,
    opts: Pick<ProbeOptions, "calls" | "image" | "timeoutSeconds">,
): LiveObject {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name,
            namespace: caller.namespace,
            labels: {
                ...MANAGED_BY_CROSSMESH,
                "crossmesh.io/probe": runId,
                "sidecar.istio.io/inject": "true",
                "istio.io/rev": revision,
            },
            annotations: { "proxy.istio.io/config": meshClientProxyConfig(), "crossmesh.io/probe": caller.expect },
        },
        spec: {
            serviceAccountName: caller.serviceAccount,
            restartPolicy: "Never",
            activeDeadlineSeconds: (opts.timeoutSeconds ?? 120) + 60,
            containers: [
                {
                    name: "probe",
                    image: opts.image ?? CURL_IMAGE,
                    command: ["/bin/sh", "-c", probeScript(caller.hosts, opts.calls ?? 5)],
                    securityContext: curlSecurityContext(),
                },
            ],
        },
    };
}

/** Why a pod has not finished, from its status: scheduling, image pulls, a sidecar that never got ready. */
function whyNotDone(pod: LiveObject | undefined): string {
    if (!pod) return "the pod disappeared";
    const phase: string = pod.status?.phase ?? "Pending";
    const unscheduled = (pod.status?.conditions ?? []).find(
        (c: { type: string; status: string }) => c.type === "PodScheduled" && c.status === "False",
    ) as { reason?: string; message?: string } | undefined;
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

/** Runs the probe on the GKE cluster and returns its checks (one per host and caller) and latency figures. */
export async function runProbe(
    link: DeployedLink,
    gke: Cluster,
    opts: ProbeOptions = {},
): Promise<{ checks: Check[]; figures: ProbeFigures[] }> {
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
                    "the stack recorded no GKE Istio revision to inject the probe's sidecar with",
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
                              detail: `the probe did not run as ${caller.namespace}/${caller.serviceAccount}: the GKE API refused its pod: ${refusal}`,
                              fix:
                                  caller.expect === "answered"
                                      ? `the allowed source ${caller.namespace}/${caller.serviceAccount} has no workload identity on GKE yet (namespace or service account missing): create it, or list a source that exists in allowedSources`
                                      : "status needs to create a namespace, a service account and pods in the GKE cluster: give its identity that access, or --no-probe",
                          }
                        : {
                              detail: `the probe did not run: pod ${caller.namespace}/${pods[i].metadata.name} ${whyNotDone(pod)} after ${Math.round(timeoutMs / 1000)} s`,
                              fix: "the GKE cluster could not start the probe pod (nodes, quota, image pulls from your mirror: --image); --no-probe skips it",
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
