// Who the probe calls as, and the pod each caller runs: pure builders.
import { CURL_IMAGE, curlSecurityContext, meshClientProxyConfig } from "../../istio-install/client-pods";
import { MANAGED_BY_CROSSMESH } from "../../common/kube";
import type { LiveObject } from "../cluster";
import type { DeployedLink } from "../deployment";
import type { LinkedSource } from "../../cross-mesh-link/outputs";

/**
 * What the probe needs of what it probes: each host and who may call it, the mesh's Istio revision (a link's
 * GKE mesh, a consumer's mesh), and which mesh that is, for the report (default the GKE side of a link).
 */
export interface ProbeTarget extends Partial<Pick<DeployedLink, "gkeIstioRevision">> {
    services: readonly { host: string; allowedSources: readonly LinkedSource[] }[];
    mesh?: "GKE" | "consumer";
}

/** One probe pod: where it runs, as whom, which hosts it calls and whether it should get through. */
export interface ProbeCaller {
    namespace: string;
    serviceAccount: string;
    hosts: string[];
    expect: "answered" | "refused";
    /** Objects status creates for this caller (and deletes after): a namespace or a service account. */
    creates: ("namespace" | "serviceAccount")[];
}

export const PROBE_LINE = "crossmesh-probe";

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

/**
 * Who calls what. The allowed caller of each host is its first allowed source (its service account, or
 * `default` when the whole namespace is admitted). The refused caller is a service account status creates
 * in a namespace whose admission names service accounts (so the route exists and the policy must refuse:
 * 403), else a namespace status creates (no route there at all, so the call cannot resolve).
 */
export function probeCallers(link: ProbeTarget, runId: string): ProbeCaller[] {
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
