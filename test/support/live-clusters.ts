// Two live clusters as a simulated `up` leaves them, for `crossmesh status` tests: every object the
// simulated providers created, on the cluster its provider points at, as the API server returns it
// (a Secret's stringData stored as base64 `data`); the gateway pods, Deployment and PodDisruptionBudget
// that Istio's gateway chart and the kubelet would add; and a "kubelet" that runs a probe pod's real
// script with sh + curl against a local server standing for the GKE egress gateway, which answers
// according to the LIVE AuthorizationPolicy (so a hand edit of it changes what the probe sees).
import { spawn } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import type { Cluster, LiveObject, ObjectRef } from "../../components/status/cluster";
import { ClusterUnreachable } from "../../components/status/cluster";
import { RBAC_DENIED } from "../../components/status/probe";
import { GraphRecorder, unsecret } from "../../tools/simulator";
import { providerName } from "../../tools/plan/extract";

const keyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ""}/${name}`;
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** What a pod does when "run": its phase and its log, or undefined to leave it Pending (no node). */
export type Kubelet = (pod: LiveObject, cluster: MemoryCluster) => Promise<{ phase: string; log: string } | undefined>;

export class MemoryCluster implements Cluster {
    readonly objects = new Map<string, LiveObject>();
    readonly podLogs = new Map<string, string>();
    /** Every call throws ClusterUnreachable, as kubectl does when the API server does not answer. */
    unreachable = false;
    kubelet?: Kubelet;

    constructor(readonly name: string) {}

    private reach(): void {
        if (this.unreachable)
            throw new ClusterUnreachable(this.name, "dial tcp 127.0.0.1:6443: connect: connection refused");
    }

    put(o: LiveObject): void {
        this.objects.set(keyOf(o.kind, o.metadata.namespace, o.metadata.name), o);
    }

    find(kind: string, namespace: string | undefined, name: string): LiveObject | undefined {
        return this.objects.get(keyOf(kind, namespace, name));
    }

    async get(namespace: string | undefined, refs: readonly ObjectRef[]): Promise<LiveObject[]> {
        this.reach();
        return refs.flatMap((r) => {
            const o =
                this.objects.get(keyOf(r.kind, r.namespace ?? namespace, r.name)) ??
                this.objects.get(keyOf(r.kind, undefined, r.name));
            return o && o.apiVersion === r.apiVersion ? [copy(o)] : [];
        });
    }

    async list(apiVersion: string, kind: string, namespace: string, selector?: string): Promise<LiveObject[]> {
        this.reach();
        const want = (selector ?? "")
            .split(",")
            .filter(Boolean)
            .map((kv) => kv.split("=") as [string, string]);
        return [...this.objects.values()]
            .filter((o) => o.apiVersion === apiVersion && o.kind === kind && o.metadata.namespace === namespace)
            .filter((o) => want.every(([k, v]) => o.metadata.labels?.[k] === v))
            .map(copy);
    }

    async apply(object: LiveObject): Promise<void> {
        this.reach();
        const o = copy(object);
        // The API server's admission: a pod runs as a service account that exists (`default` always does).
        const sa = o.kind === "Pod" ? (o.spec?.serviceAccountName ?? "default") : "default";
        if (sa !== "default" && !this.find("ServiceAccount", o.metadata.namespace, sa))
            throw new Error(
                `kubectl apply on ${this.name}: Error from server (Forbidden): pods "${o.metadata.name}" is forbidden: error looking up service account ${o.metadata.namespace}/${sa}: serviceaccount "${sa}" not found`,
            );
        this.put(o);
        if (o.kind === "Pod" && this.kubelet) {
            const ran = await this.kubelet(o, this);
            if (ran) {
                o.status = { phase: ran.phase };
                this.podLogs.set(`${o.metadata.namespace}/${o.metadata.name}`, ran.log);
            } else {
                o.status = {
                    phase: "Pending",
                    conditions: [
                        {
                            type: "PodScheduled",
                            status: "False",
                            reason: "Unschedulable",
                            message: "0/0 nodes are available",
                        },
                    ],
                };
            }
        }
    }

    async delete(ref: ObjectRef): Promise<void> {
        this.reach();
        this.objects.delete(keyOf(ref.kind, ref.namespace, ref.name));
    }

    async logs(namespace: string, pod: string): Promise<string> {
        this.reach();
        return this.podLogs.get(`${namespace}/${pod}`) ?? "";
    }
}

/** The object as the API server stores it after the provider applied `inputs` (and the provider read back `state`). */
function stored(inputs: Record<string, any>, state: Record<string, any> | undefined): LiveObject {
    const o = { ...copy(inputs), ...copy(state ?? {}) } as LiveObject;
    if (o.kind === "Secret" && o.stringData) {
        o.data = Object.fromEntries(
            Object.entries(o.stringData as Record<string, string>).map(([k, v]) => [
                k,
                Buffer.from(v).toString("base64"),
            ]),
        );
        delete o.stringData;
    }
    return o;
}

/** What Istio's gateway chart and the kubelet add for a gateway: a Deployment, Ready pods, a PDB. */
function gatewayWorkload(
    cluster: MemoryCluster,
    namespace: string,
    selector: Record<string, string>,
    replicas: number,
): void {
    const name = selector.app ?? "gateway";
    cluster.put({
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace, labels: selector },
        spec: { replicas, selector: { matchLabels: selector }, template: { metadata: { labels: selector } } },
    });
    for (let i = 0; i < replicas; i++)
        cluster.put({
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: `${name}-7d9f-${i}`, namespace, labels: { ...selector, "pod-template-hash": "7d9f" } },
            status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
        });
    cluster.put({
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name, namespace },
        spec: { minAvailable: 1, selector: { matchLabels: selector } },
        status: { disruptionsAllowed: replicas - 1 },
    });
}

/** Both clusters as the simulated `up` left them. */
export function liveClusters(graph: GraphRecorder): { eks: MemoryCluster; gke: MemoryCluster } {
    const clusters = { eks: new MemoryCluster("eks"), gke: new MemoryCluster("gke") };
    for (const r of graph.resources) {
        if (!r.custom || !r.type.startsWith("kubernetes:") || r.type.startsWith("kubernetes:helm.sh")) continue;
        const side = providerName(graph, r) as "eks" | "gke";
        if (!(side in clusters)) continue;
        const inputs = (r.external ? {} : unsecret(r.rawInputs)) as Record<string, any>;
        clusters[side].put(stored(inputs, r.state as Record<string, any>));
    }
    for (const cluster of Object.values(clusters))
        for (const o of [...cluster.objects.values()])
            if (o.kind === "Gateway" && o.apiVersion.startsWith("networking.istio.io/"))
                gatewayWorkload(cluster, o.metadata.namespace!, o.spec.selector, 2);
    // The callers' own workloads exist on GKE: their namespaces and service accounts.
    for (const o of [...clusters.gke.objects.values()].filter((x) => x.kind === "AuthorizationPolicy"))
        for (const rule of o.spec.rules ?? [])
            for (const from of rule.from ?? [])
                for (const principal of from.source.principals ?? []) {
                    const [, namespace, name] = /\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal) ?? [];
                    if (namespace && !clusters.gke.find("ServiceAccount", namespace, name))
                        clusters.gke.put({ apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace } });
                }
    return clusters;
}

interface AuthorizationRule {
    from?: { source: { principals?: string[]; namespaces?: string[] } }[];
    to?: { operation: { hosts?: string[] } }[];
}

/** Istio's ALLOW semantics for one request at the egress gateway: some rule matches the caller and the host. */
export function admitted(
    policies: LiveObject[],
    trustDomain: string,
    namespace: string,
    sa: string,
    host: string,
): boolean {
    const principal = `${trustDomain}/ns/${namespace}/sa/${sa}`;
    const hostMatches = (pattern: string) =>
        pattern === "*" ||
        pattern.toLowerCase() === host.toLowerCase() ||
        (pattern.endsWith(":*") && pattern.slice(0, -2) === host);
    return policies
        .filter((p) => (p.spec?.action ?? "ALLOW") === "ALLOW")
        .some((p) =>
            ((p.spec?.rules ?? []) as AuthorizationRule[]).some(
                (rule) =>
                    (rule.from ?? [{ source: { principals: ["*"] } }]).some(
                        (f) =>
                            (f.source.principals ?? []).some((x) => x === "*" || x === principal) ||
                            (f.source.namespaces ?? []).includes(namespace),
                    ) && (rule.to ?? []).some((t) => (t.operation.hosts ?? ["*"]).some(hostMatches)),
            ),
        );
}

/**
 * A kubelet for probe pods on the GKE cluster: runs the pod's own command with sh, its connections sent
 * (through the script's CROSSMESH_PROBE_CONNECT_TO) to a local server that answers as the egress gateway
 * would for this pod's identity: 200 when the live AuthorizationPolicies admit it, 403 "RBAC: access
 * denied" when not; a pod whose namespace sees none of its hosts (exportTo) gets no route (closed port).
 */
export async function meshKubelet(
    gke: MemoryCluster,
    trustDomain: string,
): Promise<{ kubelet: Kubelet; close: () => void }> {
    let identity = { namespace: "", sa: "" };
    const server = http.createServer((req, res) => {
        const host = (req.headers.host ?? "").replace(/:80$/, "");
        const policies = [...gke.objects.values()].filter((o) => o.kind === "AuthorizationPolicy");
        if (admitted(policies, trustDomain, identity.namespace, identity.sa, host)) {
            res.writeHead(200, { "content-type": "text/plain" }).end(`hello from ${host}\n`);
        } else {
            res.writeHead(403, { "content-type": "text/plain" }).end(RBAC_DENIED);
        }
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const kubelet: Kubelet = async (pod) => {
        const container = pod.spec.containers[0];
        const namespace = pod.metadata.namespace!;
        identity = { namespace, sa: pod.spec.serviceAccountName ?? "default" };
        const hosts = [...container.command[2].matchAll(/'([^']+)'/g)].map((m) => m[1]);
        const visible = [...gke.objects.values()].some(
            (o) =>
                o.kind === "VirtualService" &&
                hosts.some((h) => (o.spec?.hosts ?? []).includes(h)) &&
                ((o.spec?.exportTo ?? ["*"]) as string[]).some((e) => e === "*" || e === namespace),
        );
        const log = await new Promise<string>((resolve) => {
            const child = spawn("/bin/sh", ["-c", container.command[2]], {
                env: { ...process.env, CROSSMESH_PROBE_CONNECT_TO: visible ? `127.0.0.1:${port}` : "127.0.0.1:1" },
                stdio: ["ignore", "pipe", "ignore"],
            });
            let out = "";
            child.stdout.on("data", (d: Buffer) => (out += d.toString()));
            child.on("close", () => resolve(out));
        });
        return { phase: "Succeeded", log };
    };
    return { kubelet, close: () => server.close() };
}
