// How status talks to a cluster: a small interface (reads for the checks, writes for the probe) and its
// one real implementation, the user's own `kubectl` — which already speaks every auth plugin their
// kubeconfigs use (aws eks get-token, gke-gcloud-auth-plugin, OIDC) and honours their contexts.
import { execFile } from "node:child_process";
import type { KubeObject } from "../common/kube";

/** A Kubernetes object as the API server returns it: what crossmesh writes, and what the server adds. */
export interface LiveObject extends Omit<KubeObject, "spec"> {
    metadata: KubeObject["metadata"] & {
        creationTimestamp?: string;
        deletionTimestamp?: string;
        /** Who wrote which fields (server-side apply's record): names the writer of a hand edit. */
        managedFields?: { manager?: string; operation?: string; time?: string }[];
    };
    // The API's own free-form payload: read by path, checked by the checks.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    [field: string]: any;
}

/** A condition of an object's status (`Ready`, `PodScheduled`, a Job's `Failed`) with the given status, if any. */
export function conditionOf(
    o: LiveObject | undefined,
    type: string,
    status = "True",
): { type: string; status: string; reason?: string; message?: string } | undefined {
    const conditions: { type: string; status: string; reason?: string; message?: string }[] =
        o?.status?.conditions ?? [];
    return conditions.find((c) => c.type === type && c.status === status);
}

/** True when every label of a selector (matchLabels form) is on `labels`. */
export function labelsMatch(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
    return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export interface ObjectRef {
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
}

/** The cluster could not be reached or refused the credentials: nothing on it can be checked. */
export class ClusterUnreachable extends Error {
    constructor(
        readonly cluster: string,
        detail: string,
    ) {
        super(`${cluster} cluster unreachable: ${detail}`);
        this.name = "ClusterUnreachable";
    }
}

export interface Cluster {
    /** "eks" or "gke": for messages. */
    readonly name: string;
    /** The objects that exist among `refs` (all in one namespace, or cluster-scoped); missing ones are left out. */
    get(namespace: string | undefined, refs: readonly ObjectRef[]): Promise<LiveObject[]>;
    /** Objects of one kind in a namespace, optionally by label selector (`k=v,k2=v2`). */
    list(apiVersion: string, kind: string, namespace: string, selector?: string): Promise<LiveObject[]>;
    /** Creates or updates (server-side apply, field manager `crossmesh-status`). */
    apply(object: LiveObject): Promise<void>;
    /** Deletes without waiting; a missing object is not an error. */
    delete(ref: ObjectRef): Promise<void>;
    /** The log of a pod's container. */
    logs(namespace: string, pod: string, container: string): Promise<string>;
}

/** `kind.version.group` (or the bare kind for the core group): what kubectl resolves without discovery guesses. */
export function resourceOf(apiVersion: string, kind: string): string {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    return group ? `${kind.toLowerCase()}.${version}.${group}` : kind.toLowerCase();
}

export interface KubectlOptions {
    /** "eks" / "gke", for messages. */
    name: string;
    kubeconfig?: string;
    context?: string;
    /** The kubectl binary; default `$KUBECTL` or `kubectl` on PATH. */
    kubectl?: string;
    /** Per call; default 20 s. */
    timeoutSeconds?: number;
}

/** What kubectl prints when the cluster itself could not be used (as opposed to an object error). */
const UNREACHABLE =
    /Unable to connect to the server|connection refused|no such host|i\/o timeout|context "[^"]*" (does not exist|not found)|couldn't get current server API group list|the server has asked for the client to provide credentials|You must be logged in|executable .* not found|getting credentials|stat .*: no such file or directory|error loading config file|TLS handshake timeout/i;

export function kubectlCluster(opts: KubectlOptions): Cluster {
    const bin = opts.kubectl ?? process.env.KUBECTL ?? "kubectl";
    const base = [
        ...(opts.kubeconfig ? ["--kubeconfig", opts.kubeconfig] : []),
        ...(opts.context ? ["--context", opts.context] : []),
        `--request-timeout=${opts.timeoutSeconds ?? 20}s`,
    ];
    const run = (args: string[], stdin?: string) =>
        new Promise<string>((resolve, reject) => {
            const child = execFile(
                bin,
                [...base, ...args],
                { maxBuffer: 64 * 1024 * 1024, timeout: ((opts.timeoutSeconds ?? 20) + 10) * 1000 },
                (err, stdout, stderr) => {
                    if (!err) return resolve(stdout);
                    const text = (stderr || err.message).trim();
                    if ((err as NodeJS.ErrnoException).code === "ENOENT")
                        return reject(
                            new ClusterUnreachable(opts.name, `${bin} not found: install kubectl or set KUBECTL`),
                        );
                    if (UNREACHABLE.test(text) || err.killed)
                        return reject(new ClusterUnreachable(opts.name, text.split("\n").slice(-1)[0]));
                    reject(new Error(`kubectl ${args.slice(0, 3).join(" ")} on ${opts.name}: ${text}`));
                },
            );
            if (stdin !== undefined) child.stdin?.end(stdin);
        });
    const items = (json: string): LiveObject[] => {
        if (!json.trim()) return [];
        const parsed = JSON.parse(json) as LiveObject & { items?: LiveObject[] };
        return parsed.items ?? [parsed];
    };
    const ns = (namespace: string | undefined) => (namespace ? ["-n", namespace] : []);
    return {
        name: opts.name,
        async get(namespace, refs) {
            if (refs.length === 0) return [];
            const names = refs.map((r) => `${resourceOf(r.apiVersion, r.kind)}/${r.name}`);
            return items(
                await run([
                    "get",
                    ...names,
                    ...ns(namespace),
                    "--ignore-not-found",
                    "--show-managed-fields",
                    "-o",
                    "json",
                ]),
            );
        },
        async list(apiVersion, kind, namespace, selector) {
            const sel = selector ? ["-l", selector] : [];
            return items(await run(["get", resourceOf(apiVersion, kind), "-n", namespace, ...sel, "-o", "json"]));
        },
        async apply(object) {
            await run(
                ["apply", "--server-side", "--field-manager=crossmesh-status", "--force-conflicts", "-f", "-"],
                JSON.stringify(object),
            );
        },
        async delete(ref) {
            await run([
                "delete",
                `${resourceOf(ref.apiVersion, ref.kind)}/${ref.name}`,
                ...ns(ref.namespace),
                "--ignore-not-found",
                "--wait=false",
            ]);
        },
        async logs(namespace, pod, container) {
            return run(["logs", "-n", namespace, pod, "-c", container]);
        },
    };
}
