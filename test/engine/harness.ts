// What the real-engine tests share: where the tools are, a user's project in a scratch folder run by the real
// Pulumi CLI, the steps table (time, Kubernetes objects replaced, link Secrets deleted), and watches on the
// clusters (Secrets deleted; gateway and istiod pods Ready) that run while the steps do.
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const ROOT = path.join(__dirname, "..", "..");
/** The repository's own scripts that build and start the real tools. */
export const TOOLS = path.join(ROOT, "test", "real");
export const REAL_HOME = process.env.REAL_HOME ?? path.join(os.homedir(), ".cache", "crossmesh-real-validators");
export const BIN = path.join(REAL_HOME, "bin");

/** What every real-engine test runs: the CLI, the language host, the providers, the local control planes. */
export const ENGINE_BINARIES = [
    "pulumi",
    "pulumi-language-nodejs",
    "pulumi-resource-kubernetes",
    "pulumi-resource-tls",
    "kubectl",
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
];

/** Whether local cluster `cluster` of test/real/clusters-up.sh already runs (then a caller must not stop it). */
export function clustersRunning(cluster = "eks"): boolean {
    const kcmPid = path.join(REAL_HOME, `run-${cluster}`, "kcm.pid");
    return fs.existsSync(kcmPid) && spawnSync("kill", ["-0", fs.readFileSync(kcmPid, "utf8").trim()]).status === 0;
}

/** Why the tests cannot run here (binaries missing), or undefined. */
export function skipReason(needed: string[]): string | undefined {
    const missing = needed.filter((b) => !fs.existsSync(path.join(BIN, b)));
    if (missing.length) return `missing in ${BIN}: ${missing.join(", ")} (build them with test/real/build.sh)`;
    return undefined;
}

export interface ShOptions {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    allowFail?: boolean;
}

export function sh(cmd: string, args: string[], opts: ShOptions & { cwd: string }) {
    const r = spawnSync(cmd, args, {
        cwd: opts.cwd,
        env: opts.env ?? process.env,
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    if (r.status !== 0 && !opts.allowFail) {
        throw new Error(
            `${path.basename(cmd)} ${args.join(" ")} exited ${r.status}:\n${(r.stdout ?? "").slice(-4000)}\n${(r.stderr ?? "").slice(-4000)}`,
        );
    }
    return r;
}

/** A repository script (test/real/NAME) run from the repository root; its `KEY=value` lines as a record. */
export function tool(name: string, args: string[] = [], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
    const r = sh(path.join(TOOLS, name), args, { cwd: ROOT, env });
    return Object.fromEntries(
        r.stdout
            .split("\n")
            .filter((l) => /^[A-Z_]+=/.test(l))
            .map((l) => l.split("=", 2) as [string, string]),
    );
}

/**
 * The steps of a `--json` preview (one document with `steps`) or update (one engine event per line; each
 * step is a `resourcePreEvent` with its operation and URN).
 */
export function stepsOf(stdout: string): { op: string; urn: string }[] {
    const text = stdout.trim();
    if (!text.startsWith("{")) return [];
    if (!text.includes("\n{")) return (JSON.parse(text) as { steps?: { op: string; urn: string }[] }).steps ?? [];
    return text
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { resourcePreEvent?: { metadata: { op: string; urn: string } } })
        .flatMap((e) =>
            e.resourcePreEvent ? [{ op: e.resourcePreEvent.metadata.op, urn: e.resourcePreEvent.metadata.urn }] : [],
        );
}
const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced", "discard-replaced"]);
/**
 * A URN's resource type: the last `$`-separated part of its qualified type (a child's URN carries its parents'
 * types first: `…::crossmesh:index:CrossMeshLink$kubernetes:core/v1:Secret::payments-link`).
 */
export function typeOf(urn: string): string {
    return urn.split("::")[2]!.split("$").pop()!;
}
/** The names of the resources the steps replace whose type `matches`. */
export function replaced(steps: { op: string; urn: string }[], matches: (type: string) => boolean): string[] {
    const names = steps
        .filter((s) => REPLACE_OPS.has(s.op) && matches(typeOf(s.urn)))
        .map((s) => s.urn.split("::").pop()!);
    return [...new Set(names)];
}
/** A link's content-addressed credential Secret (by its Pulumi name): new content is a new Secret, by design. */
const CREDENTIAL_SECRET = /-secret-.+-(link|upstream-ca-.+)$/;
/**
 * Kubernetes objects (not Helm releases, which are counted apart) the steps replace, except the link's
 * content-addressed credential Secrets (see `supersededSecrets`).
 */
export function replacedObjects(steps: { op: string; urn: string }[]): string[] {
    return replaced(steps, (type) => type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/")).filter(
        (name) => !CREDENTIAL_SECRET.test(name),
    );
}
/** The credential Secrets the steps supersede: a new Secret under a new name, the old one deleted after. */
export function supersededSecrets(steps: { op: string; urn: string }[]): string[] {
    return replaced(steps, (type) => type === "kubernetes:core/v1:Secret").filter((n) => CREDENTIAL_SECRET.test(n));
}

/** Kinds crossmesh labels `app.kubernetes.io/managed-by=crossmesh`. */
export const CROSSMESH_KINDS =
    "secrets,serviceaccounts,namespaces,gateways.networking.istio.io,virtualservices.networking.istio.io,destinationrules.networking.istio.io,serviceentries.networking.istio.io,authorizationpolicies.security.istio.io,peerauthentications.security.istio.io,sidecars.networking.istio.io,jobs.batch";

/** One row of the closing table. */
export interface StepResult {
    step: string;
    ok: boolean;
    seconds: number;
    /** Kubernetes objects the engine planned or performed a replacement of. */
    replacedKubernetesObjects?: string[];
    /** DELETED watch events on link Secrets while the step ran. */
    deletedLinkSecrets?: string[];
    /** Of those, the Secrets a Gateway or DestinationRule still named when they were deleted (a live credential). */
    deletedLiveSecrets?: string[];
    /** Content-addressed credential Secrets the step superseded (a new one created, the old deleted after). */
    supersededSecrets?: string[];
    /** Lowest count of Ready, not terminating pods per group while the step ran (see PodWatch). */
    minReady?: Record<string, number>;
    /** With several stacks: what the step's commands did on each, by stack (see `changesOf`). */
    stacks?: Record<string, StackChanges>;
    /** Objects or resources of consumers the step was not about that it changed (see `changedObjects`). */
    othersChanged?: string[];
    detail?: string;
}

/**
 * What one command did to one stack, from the engine's own JSON: each resource once, by what happened to it (a
 * replacement's create-replacement, replace and delete-replaced steps are one replace), as `<type> <name>`; and
 * the engine's own count (its summary), reads and unchanged resources left out.
 */
export interface StackChanges {
    create: string[];
    update: string[];
    replace: string[];
    delete: string[];
    engine: Record<string, number>;
}
const CHANGE_OF: Record<string, keyof Omit<StackChanges, "engine">> = {
    create: "create",
    update: "update",
    delete: "delete",
    replace: "replace",
    "create-replacement": "replace",
    "delete-replaced": "replace",
    "discard-replaced": "replace",
};
/** The changes in a `--json` preview or update's output (see `StackChanges`). */
export function changesOf(stdout: string): StackChanges {
    const changes: StackChanges = { create: [], update: [], replace: [], delete: [], engine: {} };
    for (const step of stepsOf(stdout)) {
        const kind = CHANGE_OF[step.op];
        const name = `${typeOf(step.urn)} ${step.urn.split("::").pop()}`;
        if (kind && !changes[kind].includes(name)) changes[kind].push(name);
    }
    const text = stdout.trim();
    let summary: Record<string, number> = {};
    if (text.startsWith("{") && !text.includes("\n{"))
        summary = (JSON.parse(text) as { changeSummary?: Record<string, number> }).changeSummary ?? {};
    else
        for (const line of text.split("\n").filter((l) => l.startsWith("{"))) {
            const e = JSON.parse(line) as { summaryEvent?: { resourceChanges?: Record<string, number> } };
            if (e.summaryEvent) summary = e.summaryEvent.resourceChanges ?? {};
        }
    changes.engine = Object.fromEntries(Object.entries(summary).filter(([op]) => op !== "same" && op !== "read"));
    return changes;
}
/** `+create ~update ±replace -delete` of a stack's changes. */
export function countsOf(c: StackChanges): string {
    return `+${c.create.length} ~${c.update.length} ±${c.replace.length} -${c.delete.length}`;
}

/** The private keys a state (`pulumi stack export`, no --show-secrets) holds in plain text: none, when all is well. */
export function plainPrivateKeys(state: string): string[] {
    return state.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----/g) ?? [];
}

/** Every object crossmesh made on one cluster, `<kind>/<namespace>/<name>` → `<uid> <resourceVersion>`. */
export type ObjectVersions = Map<string, string>;
/** The objects of `before` that `after` no longer holds as they were: changed (new resourceVersion or uid) or gone. */
export function changedObjects(before: ObjectVersions, after: ObjectVersions): string[] {
    return [...before]
        .filter(([key, version]) => after.get(key) !== version)
        .map(([key]) => `${key} ${after.has(key) ? "changed" : "gone"}`);
}

/** A line-by-line `kubectl get … -w` running in the background; every line kept with its arrival time. */
class Watch {
    readonly lines: { at: number; line: string }[] = [];
    /** What kubectl said on stderr, and whether it ended on its own (a watch that died measures nothing). */
    stderr = "";
    ended = false;
    private readonly proc: ChildProcess;
    constructor(
        readonly cluster: string,
        kubeconfig: string,
        args: string[],
    ) {
        this.proc = spawn(path.join(BIN, "kubectl"), ["--kubeconfig", kubeconfig, ...args], {
            stdio: ["ignore", "pipe", "pipe"],
        });
        this.proc.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
        this.proc.on("exit", () => (this.ended = true));
        let buf = "";
        this.proc.stdout!.on("data", (d: Buffer) => {
            buf += d.toString();
            const lines = buf.split("\n");
            buf = lines.pop()!;
            for (const line of lines) this.lines.push({ at: Date.now(), line });
        });
    }
    stop() {
        this.proc.removeAllListeners("exit");
        this.proc.kill();
    }
}

/**
 * `kubectl get … -w -o json --output-watch-events`: the JSON events kubectl prints, parsed as they arrive,
 * each with its arrival time.
 */
class JsonWatch {
    readonly events: { at: number; type: string; object: Record<string, any> }[] = [];
    private watch: Watch;
    private pending = "";
    private consumed = 0;
    constructor(
        readonly cluster: string,
        private readonly kubeconfig: string,
        private readonly args: string[],
    ) {
        this.watch = this.start();
    }
    private start() {
        return new Watch(this.cluster, this.kubeconfig, [...this.args, "-w", "-o", "json", "--output-watch-events"]);
    }
    /**
     * Restarts a watch that ended because its kind does not exist yet (Istio's CRDs come with the install): until
     * then no object of the kind exists to name anything. Any other end is an error.
     */
    ensure() {
        if (!this.watch.ended) return;
        if (!/doesn't have a resource type/.test(this.watch.stderr))
            throw new Error(`a watch of ${this.cluster} ended: ${this.watch.stderr.trim()}`);
        this.watch = this.start();
        this.consumed = 0;
        this.pending = "";
    }
    /** Every event so far (kubectl prints one JSON object per event, on one line or indented over several). */
    all() {
        this.ensure();
        for (; this.consumed < this.watch.lines.length; this.consumed++) {
            const { at, line } = this.watch.lines[this.consumed];
            this.pending += line + "\n";
            let e: { type: string; object: Record<string, any> };
            try {
                e = JSON.parse(this.pending);
            } catch {
                continue; // an object spread over lines: not complete yet
            }
            this.events.push({ at, ...e });
            this.pending = "";
        }
        return this.events;
    }
    stop() {
        this.watch.stop();
    }
}

/** The Secret names an Istio Gateway or DestinationRule reads (`credentialName`), wherever it sits in the spec. */
function credentialNamesOf(spec: unknown): string[] {
    const found: string[] = [];
    const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object")
            for (const [k, x] of Object.entries(v)) {
                if (k === "credentialName") found.push(String(x));
                else walk(x);
            }
    };
    walk(spec);
    return found;
}

/**
 * Pods Ready and not terminating, per `<cluster>/<app label>`, replayed from a watch: what serves traffic
 * (an endpoint of a terminating pod is not ready). `minReady(t0)` is the lowest count each group had at any
 * moment from t0 on, i.e. during a drain.
 */
class PodWatch extends Watch {
    constructor(cluster: string, kubeconfig: string) {
        super(cluster, kubeconfig, [
            "get",
            "pods",
            "-A",
            "-w",
            "--output-watch-events",
            "--no-headers",
            "-o",
            'custom-columns=EV:.type,NS:.object.metadata.namespace,NAME:.object.metadata.name,APP:.object.metadata.labels.app,READY:.object.status.conditions[?(@.type=="Ready")].status,DELETING:.object.metadata.deletionTimestamp,REV:.object.metadata.labels.istio\\.io/rev',
        ]);
    }
    /**
     * The watch replayed event by event: after each, the event's time and app, and every pod seen so far
     * (serving = Ready and not terminating; a deleted pod is gone).
     */
    private *replay(): Generator<{ at: number; app: string; pods: PodState[] }> {
        const pods = new Map<string, PodState>();
        for (const { at, line } of this.lines) {
            const [event, ns, name, app, ready, deleting, revision] = line.trim().split(/\s+/);
            if (!name || !app || !revision) continue;
            if (event === "DELETED") pods.delete(`${ns}/${name}`);
            else pods.set(`${ns}/${name}`, { app, revision, serving: ready === "True" && deleting === "<none>" });
            yield { at, app, pods: [...pods.values()] };
        }
    }

    /** The revisions (`istio.io/rev`) that had Ready `app` pods at the same moment, most at once, since `since`. */
    revisionsAtOnce(since: number, app: string): string[] {
        let most: string[] = [];
        for (const e of this.replay()) {
            if (e.app !== app) continue;
            const now = [...new Set(e.pods.filter((p) => p.app === app && p.serving).map((p) => p.revision))].sort();
            if (e.at >= since && now.length > most.length) most = now;
        }
        return most;
    }

    minReady(since: number, apps: string[]): Record<string, number> {
        const count = (pods: PodState[], app: string) => pods.filter((p) => p.app === app && p.serving).length;
        const min: Record<string, number> = {};
        let last: PodState[] = [];
        const seen = new Set<string>();
        for (const e of this.replay()) {
            last = e.pods;
            seen.add(e.app);
            if (apps.includes(e.app) && e.at >= since)
                min[e.app] = Math.min(min[e.app] ?? Infinity, count(e.pods, e.app));
        }
        for (const app of apps) if (seen.has(app)) min[app] ??= count(last, app);
        return Object.fromEntries(Object.entries(min).map(([app, n]) => [`${this.cluster}/${app}`, n]));
    }
}

/** A pod as the watch last reported it. */
interface PodState {
    app: string;
    revision: string;
    serving: boolean;
}

/** One row of the status table: the fault, the exit code, the checks status named. */
export interface StatusRow {
    fault: string;
    exitCode: number | null;
    named: string[];
}

/**
 * A user's project (the files of `program`) in a scratch folder, run by the real CLI with a local state,
 * crossmesh's sources and node_modules beside it as symlinks; the steps it runs and their table.
 */
export class EngineSession {
    readonly work: string;
    /** The scratch tree: the project(s) under test/engine/, the file backend in state/. */
    readonly scratch: string;
    readonly env: NodeJS.ProcessEnv;
    readonly results: StepResult[] = [];
    readonly statusRows: StatusRow[] = [];
    private readonly secretWatches: JsonWatch[] = [];
    /** Per cluster, one watch per kind that names credentials (kubectl watches one resource type at a time). */
    private readonly referenceWatches = new Map<string, JsonWatch[]>();
    private readonly podWatches: PodWatch[] = [];

    /**
     * `kubeconfigs`: eks and gke, and any further clusters (watched like them; the program gets each as
     * `<NAME>_KUBECONFIG`).
     */
    constructor(
        program: string,
        readonly kubeconfigs: { eks: string; gke: string; [cluster: string]: string },
        extraEnv: NodeJS.ProcessEnv = {},
    ) {
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-engine-"));
        this.scratch = scratch;
        this.work = path.join(scratch, "test", "engine", "program");
        fs.mkdirSync(this.work, { recursive: true });
        for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"])
            fs.copyFileSync(path.join(program, f), path.join(this.work, f));
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(scratch, "node_modules"));
        // ENGINE_COMPONENTS_REV=<git revision>: the components as committed there (a working tree others are editing
        // may not compile meanwhile); by default the working tree's own, linked.
        const rev = process.env.ENGINE_COMPONENTS_REV;
        if (rev) {
            sh("sh", ["-c", `git archive --format=tar "$0" components | tar -x -C "$1"`, rev, scratch], { cwd: ROOT });
        } else fs.symlinkSync(path.join(ROOT, "components"), path.join(scratch, "components"));
        fs.mkdirSync(path.join(scratch, "state"));
        this.env = {
            ...process.env,
            PATH: `${BIN}:${process.env.PATH}`,
            PULUMI_HOME: path.join(REAL_HOME, "pulumi-home"),
            PULUMI_CONFIG_PASSPHRASE: "local",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_BACKEND_URL: `file://${path.join(scratch, "state")}`,
            ...Object.fromEntries(
                Object.entries(kubeconfigs).map(([cluster, file]) => [`${cluster.toUpperCase()}_KUBECONFIG`, file]),
            ),
            ...extraEnv,
        };
    }

    sh(cmd: string, args: string[], opts: ShOptions = {}) {
        return sh(cmd, args, { cwd: this.work, env: this.env, ...opts });
    }
    pulumi(...args: string[]) {
        return this.sh(path.join(BIN, "pulumi"), [...args, "--non-interactive"]);
    }
    /** The same, for a command expected to fail: its result, whatever its exit code. */
    pulumiMayFail(...args: string[]) {
        return this.sh(path.join(BIN, "pulumi"), [...args, "--non-interactive"], { allowFail: true });
    }
    kubectl(kubeconfig: string, ...args: string[]) {
        return this.sh(path.join(BIN, "kubectl"), ["--kubeconfig", kubeconfig, ...args], { allowFail: true });
    }

    /** `kubectl apply` of one object (its JSON on stdin); the result, failures included. */
    apply(kubeconfig: string, object: unknown) {
        return spawnSync(path.join(BIN, "kubectl"), ["--kubeconfig", kubeconfig, "apply", "-f", "-"], {
            input: JSON.stringify(object),
            encoding: "utf8",
            env: this.env,
        });
    }

    /** Starts the watches: Secrets (deletions) and pods (readiness) on both clusters. */
    watch() {
        for (const [cluster, kc] of Object.entries(this.kubeconfigs)) {
            this.secretWatches.push(new JsonWatch(cluster, kc, ["get", "secrets", "-A"]));
            this.podWatches.push(new PodWatch(cluster, kc));
            this.referenceWatches.set(
                cluster,
                ["gateways.networking.istio.io", "destinationrules.networking.istio.io"].map(
                    (kind) => new JsonWatch(cluster, kc, ["get", kind, "-A"]),
                ),
            );
        }
    }
    stopWatches() {
        for (const w of [...this.secretWatches, ...this.podWatches, ...[...this.referenceWatches.values()].flat()])
            w.stop();
    }
    /**
     * Whether a Gateway or DestinationRule of `namespace` on `cluster` named Secret `name` just before the change
     * of resourceVersion `rv` (the Secret's deletion). Ordered by resourceVersion — the API server's one counter for
     * every change of a cluster (etcd's revision) — not by arrival: while a synchronous command runs, the watches'
     * lines wait in their pipes and arrive together afterwards.
     */
    private referencedAt(cluster: string, namespace: string, name: string, rv: number): boolean {
        const latest = new Map<string, string[]>();
        const rvOf = (e: { object: Record<string, any> }) => Number(e.object.metadata.resourceVersion);
        const events = (this.referenceWatches.get(cluster) ?? [])
            .flatMap((w) => w.all())
            .sort((a, b) => rvOf(a) - rvOf(b));
        for (const e of events) {
            if (rvOf(e) >= rv) break;
            const key = `${e.object.kind}/${e.object.metadata.namespace}/${e.object.metadata.name}`;
            if (e.type === "DELETED") latest.delete(key);
            else if (e.object.metadata.namespace === namespace) latest.set(key, credentialNamesOf(e.object.spec));
        }
        return [...latest.values()].some((names) => names.includes(name));
    }
    /** Per cluster, the revisions of `app` that had Ready pods at the same moment since `t0` (most at once). */
    revisionsAtOnce(t0: number, app: string): Record<string, string[]> {
        return Object.fromEntries(this.podWatches.map((w) => [w.cluster, w.revisionsAtOnce(t0, app)]));
    }

    /**
     * Lowest Ready count of each of `apps` on each cluster since `t0`. The watches are read by the event loop:
     * call this after awaiting (not right after a synchronous command), or their latest lines are not in yet.
     */
    minReady(t0: number, apps: string[]): Record<string, number> {
        return Object.assign({}, ...this.podWatches.map((w) => w.minReady(t0, apps)));
    }

    /** Runs one step, timing it and collecting DELETED events on link Secrets seen meanwhile. */
    async step(
        name: string,
        body: () => Partial<StepResult> | void | Promise<Partial<StepResult> | void>,
    ): Promise<StepResult> {
        for (const w of [...this.referenceWatches.values()].flat()) w.ensure(); // running before the step acts
        const t0 = Date.now();
        let ok = false;
        let extra: Partial<StepResult> = {};
        let error: unknown;
        try {
            extra = (await body()) ?? {};
            ok = true;
        } catch (e) {
            error = e;
        }
        await new Promise((r) => setTimeout(r, 1500)); // let the watches print what the step did
        const deletions = this.secretWatches.flatMap((w) =>
            w
                .all()
                .filter(
                    (e) => e.at >= t0 && e.type === "DELETED" && /-link(-[0-9a-f]{10})?$/.test(e.object.metadata.name),
                )
                .map((e) => ({
                    cluster: w.cluster,
                    namespace: e.object.metadata.namespace as string,
                    name: e.object.metadata.name as string,
                    rv: Number(e.object.metadata.resourceVersion),
                })),
        );
        const label = (d: (typeof deletions)[number]) => `${d.cluster}: ${d.namespace}/${d.name}`;
        const deleted = deletions.map(label);
        // Live when a gateway object still named it at that moment.
        const live = deletions.filter((d) => this.referencedAt(d.cluster, d.namespace, d.name, d.rv)).map(label);
        const result: StepResult = {
            step: name,
            ok,
            seconds: Math.round((Date.now() - t0) / 100) / 10,
            ...extra,
            deletedLinkSecrets: deleted,
            deletedLiveSecrets: live,
        };
        if (error) result.detail = String(error instanceof Error ? error.message : error).slice(0, 2000);
        this.results.push(result);
        console.log(
            `# ${ok ? "ok  " : "FAIL"} ${name} (${result.seconds}s)${result.replacedKubernetesObjects ? ` replaced k8s objects: ${result.replacedKubernetesObjects.length}` : ""} deleted link Secrets: ${deleted.length} (live: ${live.length})${result.supersededSecrets?.length ? ` superseded: ${result.supersededSecrets.length}` : ""}`,
        );
        if (error) throw error;
        return result;
    }

    /** A preview of `args` as JSON, then the update itself; the Kubernetes objects either replaces. */
    previewThenUp(args: string[]): Partial<StepResult> {
        const planned = stepsOf(this.pulumi("preview", "--json", ...args).stdout);
        const up = this.pulumi("up", "--yes", "--skip-preview", "--json", ...args);
        const performed = stepsOf(up.stdout);
        return {
            replacedKubernetesObjects: [...new Set([...replacedObjects(planned), ...replacedObjects(performed)])],
            supersededSecrets: [...new Set([...supersededSecrets(planned), ...supersededSecrets(performed)])].sort(),
        };
    }

    urnsOf(type: string, name: RegExp): string[] {
        const state = JSON.parse(this.pulumi("stack", "export").stdout) as {
            deployment: { resources?: { urn: string; type: string }[] };
        };
        return (state.deployment.resources ?? [])
            .filter((r) => r.type === type && name.test(r.urn.split("::").pop()!))
            .map((r) => r.urn);
    }

    /** `kubectl <verb>` over every object crossmesh made on one cluster (its managed-by label), all namespaces. */
    private crossmeshObjects(kubeconfig: string, verb: string, ...args: string[]) {
        return this.kubectl(
            kubeconfig,
            verb,
            CROSSMESH_KINDS,
            "-A",
            "-l",
            "app.kubernetes.io/managed-by=crossmesh",
            ...args,
        );
    }

    /** Deletes what a crashed earlier run left on the clusters (the first `up` would fail with "already exists"). */
    clearLeftovers() {
        for (const kc of Object.values(this.kubeconfigs))
            if (this.leftovers(kc).length) this.crossmeshObjects(kc, "delete", "--wait=true");
    }

    /** Objects crossmesh made (its managed-by label) on one cluster, as kind/name. */
    leftovers(kubeconfig: string): string[] {
        return this.crossmeshObjects(kubeconfig, "get", "-o", "name").stdout.split("\n").filter(Boolean);
    }

    /** Every object crossmesh made on one cluster, with its uid and resourceVersion (see `changedObjects`). */
    versions(kubeconfig: string): ObjectVersions {
        const r = this.crossmeshObjects(kubeconfig, "get", "-o", "json");
        if (r.status !== 0) throw new Error(`kubectl get: ${r.stderr}`);
        const items = (JSON.parse(r.stdout) as { items: { kind: string; metadata: Record<string, string> }[] }).items;
        return new Map(
            items.map((o) => [
                `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`,
                `${o.metadata.uid} ${o.metadata.resourceVersion}`,
            ]),
        );
    }

    /** Another Pulumi project in this session's scratch tree and file backend (stacks that reference each other). */
    project(program: string): EngineProject {
        return new EngineProject(this, program);
    }

    /**
     * `crossmesh status` as a user runs it from the project directory: the real Pulumi CLI reads the state
     * (no passphrase given: it decrypts nothing), kubectl reads both clusters. `label` names the row.
     */
    status(label: string, extra: string[] = [], gkeKubeconfig = this.kubeconfigs.gke): StatusRow & { report: any } {
        const { PULUMI_CONFIG_PASSPHRASE: _passphrase, ...noPassphrase } = this.env;
        void _passphrase;
        const args = ["status", "--stack", "local", "--cwd", this.work, "--eks-kubeconfig", this.kubeconfigs.eks];
        const r = spawnSync(
            process.execPath,
            [
                "--import",
                "tsx",
                path.join(ROOT, "components", "status", "cli.ts"),
                ...args,
                "--gke-kubeconfig",
                gkeKubeconfig,
                "--json",
                ...extra,
            ],
            { cwd: ROOT, env: { ...noPassphrase, KUBECTL: path.join(BIN, "kubectl") }, encoding: "utf8" },
        );
        const report = JSON.parse(r.stdout || "{}");
        const named = (report.links ?? [])
            .flatMap((l: any) => l.checks)
            .filter((c: any) => c.state !== "ok")
            .map(
                (c: any) =>
                    `${c.side}/${c.check}${c.host ? ` ${c.host}` : ""}${c.object ? ` ${c.object}` : ""}${c.field ? ` (${c.field})` : ""}`,
            );
        const row = { fault: label, exitCode: r.status, named: [...named, ...(report.errors ?? [])] };
        this.statusRows.push(row);
        console.log(`# status [${label}] exit ${r.status}: ${row.named.join("; ") || "all checks ok"}`);
        if (r.stderr.trim()) console.log(`# status stderr: ${r.stderr.trim().slice(0, 500)}`);
        return { ...row, report };
    }

    /** The end of a test file: watches stopped, the stack destroyed unless a step did, the table written. */
    finish(file: string, extra: Record<string, unknown> = {}) {
        this.stopWatches();
        if (!this.results.some((r) => r.step === "destroy")) {
            try {
                this.pulumi("destroy", "--yes", "--skip-preview");
            } catch (e) {
                console.log(`# cleanup destroy failed: ${String(e).slice(0, 500)}`);
            }
        }
        this.report(file, extra);
    }

    /** Writes the table to $REAL_HOME/work/<report> and prints it. */
    report(file: string, extra: Record<string, unknown> = {}) {
        const out = path.join(REAL_HOME, "work", file);
        fs.mkdirSync(path.dirname(out), { recursive: true });
        fs.writeFileSync(out, JSON.stringify({ steps: this.results, status: this.statusRows, ...extra }, null, 2));
        console.log(`# step results: ${out}`);
        for (const r of this.results) {
            const ready = r.minReady
                ? `  min Ready: ${Object.entries(r.minReady)
                      .map(([g, n]) => `${g}=${n}`)
                      .join(" ")}`
                : "";
            console.log(
                `#   ${r.ok ? "✓" : "✗"} ${r.step.padEnd(44)} ${String(r.seconds).padStart(6)} s` +
                    `${r.replacedKubernetesObjects ? `  replaced k8s objects: ${r.replacedKubernetesObjects.length}` : ""}  deleted link Secrets: ${r.deletedLinkSecrets?.length ?? 0} (live: ${r.deletedLiveSecrets?.length ?? 0})${r.supersededSecrets?.length ? `  superseded: ${r.supersededSecrets.length}` : ""}${ready}` +
                    `${r.othersChanged ? `  others' objects changed: ${r.othersChanged.length}` : ""}`,
            );
            for (const [stack, c] of Object.entries(r.stacks ?? {}))
                console.log(
                    `#       ${stack.padEnd(16)} ${countsOf(c).padEnd(16)} engine: ${JSON.stringify(c.engine)}${c.replace.length ? `  replaced: ${c.replace.join(", ")}` : ""}`,
                );
        }
    }
}

/**
 * One more Pulumi project of a session (e.g. an exporter's, a consumer's): its program copied beside the session's
 * (`<scratch>/test/engine/<program folder>`), the same file backend, so its stacks can read each other's outputs
 * through StackReferences (`organization/<project>/<stack>`).
 */
export class EngineProject {
    readonly work: string;
    /** The project's name (Pulumi.yaml). */
    readonly name: string;
    constructor(
        readonly session: EngineSession,
        program: string,
    ) {
        this.work = path.join(session.scratch, "test", "engine", path.basename(program));
        fs.mkdirSync(this.work, { recursive: true });
        for (const f of ["Pulumi.yaml", "index.ts", "tsconfig.json"])
            fs.copyFileSync(path.join(program, f), path.join(this.work, f));
        this.name = /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(program, "Pulumi.yaml"), "utf8"))![1];
    }
    /** A stack of the project, run with exactly the kubeconfig variables given (see `EngineStack`). */
    stack(name: string, kubeconfigEnv: Record<string, string>): EngineStack {
        return new EngineStack(this, name, kubeconfigEnv);
    }
}

/**
 * One stack of a project. Its commands get the session's environment without any kubeconfig (KUBECONFIG and every
 * `*_KUBECONFIG` removed), plus `kubeconfigEnv`: the clusters its program may reach are the ones given.
 */
export class EngineStack {
    readonly env: NodeJS.ProcessEnv;
    constructor(
        readonly project: EngineProject,
        readonly name: string,
        kubeconfigEnv: Record<string, string>,
    ) {
        const env = Object.fromEntries(
            Object.entries(project.session.env).filter(([k]) => k !== "KUBECONFIG" && !k.endsWith("_KUBECONFIG")),
        );
        this.env = { ...env, ...kubeconfigEnv };
    }
    /** `organization/<project>/<stack>`: how a StackReference names it on the file backend. */
    get qualifiedName(): string {
        return `organization/${this.project.name}/${this.name}`;
    }
    /** The kubeconfig variables its commands get. */
    get kubeconfigVariables(): string[] {
        return Object.keys(this.env).filter((k) => k === "KUBECONFIG" || k.endsWith("_KUBECONFIG"));
    }
    pulumi(...args: string[]) {
        return sh(path.join(BIN, "pulumi"), [...args, "--stack", this.name, "--non-interactive"], {
            cwd: this.project.work,
            env: this.env,
        });
    }
    pulumiMayFail(...args: string[]) {
        return sh(path.join(BIN, "pulumi"), [...args, "--stack", this.name, "--non-interactive"], {
            cwd: this.project.work,
            env: this.env,
            allowFail: true,
        });
    }
    /** `pulumi stack init`, then each config key set. */
    init(config: Record<string, string> = {}) {
        this.pulumi("stack", "init");
        for (const [key, value] of Object.entries(config)) this.pulumi("config", "set", key, value);
    }
    /**
     * A `--json` preview, then `up --json`: what the preview planned, what the update did, and the steps of both (for
     * `replacedObjects` and `supersededSecrets`).
     */
    up(): { planned: StackChanges; done: StackChanges; steps: { op: string; urn: string }[] } {
        const preview = this.pulumi("preview", "--json").stdout;
        const up = this.pulumi("up", "--yes", "--skip-preview", "--json").stdout;
        return { planned: changesOf(preview), done: changesOf(up), steps: [...stepsOf(preview), ...stepsOf(up)] };
    }
    /** `preview --expect-no-changes` (fails otherwise); its changes, all empty. */
    previewClean(): StackChanges {
        return changesOf(this.pulumi("preview", "--expect-no-changes", "--json").stdout);
    }
    /** The state as `pulumi stack export` prints it (secrets encrypted). */
    exported(): string {
        return this.pulumi("stack", "export").stdout;
    }
    resources(): { urn: string; type: string }[] {
        return (
            (JSON.parse(this.exported()) as { deployment: { resources?: { urn: string; type: string }[] } }).deployment
                .resources ?? []
        );
    }
}
