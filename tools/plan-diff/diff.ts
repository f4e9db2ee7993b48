// The credential-free PR review: two offline plans (the PR's base and head, one directory per stack,
// as `npm run plan` writes them) in, the markdown of ONE pull-request comment out: per stack and per
// cluster (EKS, GKE, AWS), what the PR does to each object — create, update, replace or delete, as
// `pulumi preview` would say (replacement.ts) — and the head's topology; or the same change view as text.
// Pure and deterministic: everything is sorted, nothing depends on time or the file system order.
// Values only the simulator made up (IDs, ARNs, hostnames: a plan's simulated.yaml) are compared by what they
// stand for, so a different simulated value is never reported as a change.
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse, parseAllDocuments } from "yaml";
import { Simulated, normalizeSimulated, replaceSimulated } from "../plan/simulated";
import { KubernetesSettings, PlanEntry, forcingField, replacedBecause } from "./replacement";

/** The hidden marker the commenting workflow finds its own comment by, to update it in place. */
export const MARKER = "<!-- crossmesh-plan-review -->";
/** GitHub refuses comments over 65,536 characters; stay well below with the marker and notes. */
export const MAX_COMMENT_CHARS = 60_000;
/** Rows listed per cluster section before "… and N more". */
export const MAX_ROWS = 40;

export type Cluster = "EKS" | "GKE" | "AWS";
export const CLUSTERS: Cluster[] = ["EKS", "GKE", "AWS"];

/**
 * One stack's plan as entries keyed by their identity, per cluster (a Kubernetes object's apiVersion, kind,
 * namespace and name; a Helm release's namespace and name; a cloud resource's type and Pulumi name); plus its
 * diagram and its kubernetes providers' settings.
 */
export interface StackPlan {
    objects: Record<Cluster, Map<string, PlanEntry>>;
    topology?: string;
    /** providers.yaml: whether Secret/ConfigMap data updates in place (none in older plans: the provider's default). */
    settings: Partial<Record<Cluster, KubernetesSettings>>;
    /** The plan's simulated values compared by what they stand for (simulated.yaml; none in older plans). */
    simulated: Simulated;
}

const CLUSTER_OF_FILE: Record<string, Cluster> = { eks: "EKS", gke: "GKE" };

function emptyPlan(): StackPlan {
    return { objects: { EKS: new Map(), GKE: new Map(), AWS: new Map() }, settings: {}, simulated: new Map() };
}

function put(map: Map<string, PlanEntry>, key: string, value: PlanEntry): void {
    // Two objects with one identity would hide each other; keep both, numbered in file order.
    let k = key;
    for (let i = 2; map.has(k); i++) k = `${key} #${i}`;
    map.set(k, value);
}

/** Reads a plan directory; a missing directory is an empty plan (a stack added or removed by the PR). */
export function readPlan(dir: string): StackPlan {
    const plan = emptyPlan();
    if (!fs.existsSync(dir)) return plan;
    const read = (f: string) => fs.readFileSync(path.join(dir, f), "utf8");
    for (const [file, cluster] of Object.entries(CLUSTER_OF_FILE)) {
        if (!fs.existsSync(path.join(dir, `${file}.yaml`))) continue;
        for (const doc of parseAllDocuments(read(`${file}.yaml`))) {
            const o = doc.toJSON() as Record<string, any> | null;
            if (!o || typeof o !== "object" || !o.kind) continue;
            const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : "";
            const key = `${o.apiVersion} ${o.kind} ${ns}${o.metadata?.name ?? "(generated name)"}`;
            put(plan.objects[cluster], key, { source: "kubernetes", value: o });
        }
    }
    if (fs.existsSync(path.join(dir, "helm-releases.yaml"))) {
        const releases = (parse(read("helm-releases.yaml")) ?? {}) as Record<string, Record<string, any>[]>;
        for (const [file, list] of Object.entries(releases)) {
            const cluster = CLUSTER_OF_FILE[file];
            if (!cluster) continue;
            for (const r of list ?? [])
                put(plan.objects[cluster], `Helm release ${r.namespace}/${r.name}`, { source: "helm", value: r });
        }
    }
    if (fs.existsSync(path.join(dir, "aws.yaml"))) {
        for (const r of (parse(read("aws.yaml")) ?? []) as Record<string, any>[])
            put(plan.objects.AWS, `${r.type} ${r.name}`, { source: "cloud", type: r.type, value: r.inputs ?? {} });
    }
    if (fs.existsSync(path.join(dir, "topology.md"))) plan.topology = read("topology.md");
    if (fs.existsSync(path.join(dir, "providers.yaml"))) {
        const providers = (parse(read("providers.yaml")) ?? {}) as Record<string, KubernetesSettings>;
        for (const [file, settings] of Object.entries(providers))
            if (CLUSTER_OF_FILE[file]) plan.settings[CLUSTER_OF_FILE[file]] = settings ?? {};
    }
    if (fs.existsSync(path.join(dir, "simulated.yaml"))) {
        const listed = (parse(read("simulated.yaml")) ?? []) as { value: string; what: string; compare?: string }[];
        for (const s of listed) if (s.compare !== "by value") plan.simulated.set(String(s.value), String(s.what));
    }
    return plan;
}

/**
 * Both plans with every simulated value replaced by what it stands for. The two lists are merged (a base plan
 * written before plans listed them is read with the head's list): a value is simulated on both sides or neither.
 */
function normalized(base: StackPlan, head: StackPlan): [StackPlan, StackPlan] {
    const simulated: Simulated = new Map([...base.simulated, ...head.simulated]);
    const entry = (e: PlanEntry): PlanEntry => ({ ...e, value: normalizeSimulated(e.value, simulated) as any });
    const norm = (p: StackPlan): StackPlan => ({
        ...p,
        objects: Object.fromEntries(
            CLUSTERS.map((c) => [c, new Map([...p.objects[c]].map(([k, e]) => [k, entry(e)]))]),
        ) as Record<Cluster, Map<string, PlanEntry>>,
        topology: p.topology === undefined ? undefined : replaceSimulated(p.topology, simulated),
        simulated,
    });
    return [norm(base), norm(head)];
}

/** What the provider does to one object, as `pulumi preview` says it. */
export type Action = "create" | "update" | "replace" | "delete";
/** The order of a summary, as `pulumi preview` prints it. */
export const ACTIONS: Action[] = ["create", "update", "replace", "delete"];
/** The order of the rows: what destroys something first. */
const ROW_ORDER: Action[] = ["delete", "replace", "update", "create"];
/** `pulumi preview`'s signs. */
export const SIGN: Record<Action, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

export interface Change {
    action: Action;
    key: string;
    /** Update and replace: the paths (at most three levels deep) whose values differ. */
    fields: string[];
    /** Replace: the changed fields that force it. */
    replacedBecause: string[];
    /** Replace of a Kubernetes object under the same name: deleted before its replacement is created. */
    deletedFirst: boolean;
    /**
     * Replaced resources whose new identifiers (ARN, DNS name… in simulated values) this object takes: the
     * simulator gives a replacement the same values, a real provider new ones.
     */
    follows: string[];
}

export interface ClusterDiff {
    /** Destructive first (delete, replace, update, create), then by key. */
    changes: Change[];
}

/** Paths where two values differ, cut at `depth` levels (spec.servers[0] rather than every leaf). */
export function changedFields(a: unknown, b: unknown, depth = 3, prefix = ""): string[] {
    if (isDeepStrictEqual(a, b)) return [];
    const objA = a && typeof a === "object" && !Array.isArray(a);
    const objB = b && typeof b === "object" && !Array.isArray(b);
    if (depth === 0 || !objA || !objB) {
        if (depth > 0 && Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
            return a.flatMap((v, i) => changedFields(v, b[i], depth - 1, `${prefix}[${i}]`));
        }
        return [prefix || "(whole object)"];
    }
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    return keys.flatMap((k) => changedFields((a as any)[k], (b as any)[k], depth - 1, prefix ? `${prefix}.${k}` : k));
}

/**
 * The change of each object: a key only the head has is created, one only the base has is deleted (so a renamed
 * object is a delete and a create); a changed object is replaced when a field its provider cannot update changed
 * (replacement.ts), otherwise updated.
 */
export function diffCluster(
    base: Map<string, PlanEntry>,
    head: Map<string, PlanEntry>,
    settings: KubernetesSettings = {},
): ClusterDiff {
    const changes: Change[] = [];
    const change = (action: Action, key: string, fields: string[] = [], because: string[] = []): Change => ({
        action,
        key,
        fields,
        replacedBecause: because,
        // A named Kubernetes object keeps its name: the provider must delete it before creating the replacement.
        deletedFirst:
            action === "replace" && head.get(key)?.source === "kubernetes" && !key.endsWith("(generated name)"),
        follows: [],
    });
    for (const [key, h] of head) {
        const b = base.get(key);
        if (!b) changes.push(change("create", key));
        else if (!isDeepStrictEqual(b.value, h.value)) {
            const because = replacedBecause(b, h, settings);
            changes.push(change(because.length ? "replace" : "update", key, changedFields(b.value, h.value), because));
        }
    }
    for (const key of base.keys()) if (!head.has(key)) changes.push(change("delete", key));
    return { changes: sortChanges(changes) };
}

const sortChanges = (changes: Change[]) =>
    changes.sort((x, y) => ROW_ORDER.indexOf(x.action) - ROW_ORDER.indexOf(y.action) || x.key.localeCompare(y.key));

/** How simulated values name a resource (tools/simulator/invented.ts): "LoadBalancer alb", "Service ns/name". */
function simulatedOwner(key: string, entry: PlanEntry): string | undefined {
    if (entry.source === "cloud") return `${entry.type.split(":")[2]} ${key.slice(key.indexOf(" ") + 1)}`;
    if (entry.source === "helm") return undefined;
    const m = entry.value.metadata ?? {};
    return `${entry.value.kind} ${m.namespace ? `${m.namespace}/` : ""}${m.name}`;
}

/** The paths of `value` holding a simulated value of one of `owners` (normalized: "[simulated: … of <owner>]"). */
function references(value: unknown, owners: Set<string>, prefix = ""): { path: string; owner: string }[] {
    if (typeof value === "string")
        return [...value.matchAll(/\[simulated: [^\]]*? of ([^\]]+)\]/g)]
            .filter((m) => owners.has(m[1]!))
            .map((m) => ({ path: prefix, owner: m[1]! }));
    if (Array.isArray(value)) return value.flatMap((v, i) => references(v, owners, `${prefix}[${i}]`));
    if (value && typeof value === "object")
        return Object.entries(value).flatMap(([k, v]) => references(v, owners, prefix ? `${prefix}.${k}` : k));
    return [];
}

/**
 * A replaced resource gets new identifiers (a new ARN, DNS name, hostname, auto-name); every object that holds one
 * changes too, and is replaced itself when it holds it in a field its provider cannot update (a listener's
 * loadBalancerArn) — in a chain, across clusters. The simulator gives the replacement the same values, so this
 * follows the plans' simulated values by what they stand for.
 */
function followReplacements(
    clusters: Record<Cluster, ClusterDiff>,
    head: StackPlan,
    settings: (c: Cluster) => KubernetesSettings,
): void {
    for (let grew = true; grew;) {
        grew = false;
        const replaced = new Set(
            CLUSTERS.flatMap((c) =>
                clusters[c].changes
                    .filter((x) => x.action === "replace")
                    .map((x) => simulatedOwner(x.key, head.objects[c].get(x.key)!)),
            ).filter((o): o is string => o !== undefined),
        );
        for (const c of CLUSTERS) {
            for (const [key, entry] of head.objects[c]) {
                const current = clusters[c].changes.find((x) => x.key === key);
                if (current && current.action === "create") continue;
                const self = simulatedOwner(key, entry);
                const refs = references(entry.value, replaced).filter((r) => r.owner !== self);
                const follows = [...new Set([...(current?.follows ?? []), ...refs.map((r) => r.owner)])].sort();
                if (refs.length === 0 || follows.length === (current?.follows.length ?? 0)) continue;
                const forced = refs.map((r) => forcingField(entry, r.path, settings(c))).filter((f) => f !== undefined);
                const because = [...new Set([...(current?.replacedBecause ?? []), ...forced])].sort();
                const next: Change = {
                    action: because.length ? "replace" : "update",
                    key,
                    fields: [...new Set([...(current?.fields ?? []), ...refs.map((r) => r.path)])].sort(),
                    replacedBecause: because,
                    deletedFirst: because.length > 0 && entry.source === "kubernetes",
                    follows,
                };
                clusters[c].changes = sortChanges([...clusters[c].changes.filter((x) => x !== current), next]);
                grew = true;
            }
        }
    }
}

export interface StackDiff {
    stack: string;
    clusters: Record<Cluster, ClusterDiff>;
    topologyChanged: boolean;
    headTopology?: string;
    /** "added" / "removed" when the whole stack is new or gone in this PR. */
    status: "added" | "removed" | "present";
}

export function diffStack(stack: string, base: StackPlan | undefined, head: StackPlan | undefined): StackDiff {
    const [b, h] = normalized(base ?? emptyPlan(), head ?? emptyPlan());
    // The head's provider settings decide (they make the change); a base-only stack's are all there is.
    const settings = (c: Cluster) => h.settings[c] ?? b.settings[c] ?? {};
    const clusters = Object.fromEntries(
        CLUSTERS.map((c) => [c, diffCluster(b.objects[c], h.objects[c], settings(c))]),
    ) as Record<Cluster, ClusterDiff>;
    followReplacements(clusters, h, settings);
    return {
        stack,
        clusters,
        topologyChanged: (b.topology ?? "") !== (h.topology ?? ""),
        headTopology: h.topology,
        status: base === undefined ? "added" : head === undefined ? "removed" : "present",
    };
}

const counts = (d: ClusterDiff): Record<Action, number> =>
    Object.fromEntries(ACTIONS.map((a) => [a, d.changes.filter((c) => c.action === a).length])) as Record<
        Action,
        number
    >;
/** "1 to create, 2 to update" (no zeros), as `pulumi preview` summarizes. */
export function summary(d: ClusterDiff): string {
    const n = counts(d);
    return ACTIONS.filter((a) => n[a] > 0)
        .map((a) => `${n[a]} to ${a}`)
        .join(", ");
}
const cell = (d: ClusterDiff) => {
    const n = counts(d);
    return d.changes.length === 0
        ? "–"
        : ACTIONS.filter((a) => n[a] > 0)
              .map((a) => `${SIGN[a]}${n[a]}`)
              .join(" ");
};
const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";

/** Why a replace happens: the fields that force it and, for a Kubernetes object, the gap it leaves. */
function replaceNote(c: Change, field = (f: string) => f): string {
    return `${c.replacedBecause.map(field).join(", ")} forces replacement${c.deletedFirst ? " (deleted, then re-created)" : ""}`;
}

/** Which replaced resources' new identifiers an object takes. */
const followsNote = (c: Change, name = (o: string) => o) =>
    c.follows.length ? `new values from the replaced ${c.follows.map(name).join(", ")}` : "";

function fieldsCell(c: Change): string {
    const more = c.fields.length > 6 ? `, … ${c.fields.length - 6} more` : "";
    const fields = [c.fields.slice(0, 6).map(code).join(", ") + more, followsNote(c, code)].filter(Boolean).join("; ");
    return c.action === "replace" ? `**${replaceNote(c, code)}**; ${fields}` : fields;
}

function clusterSection(cluster: Cluster, d: ClusterDiff): string[] {
    if (d.changes.length === 0) return [];
    const rows = d.changes.map((c) => {
        const fields = fieldsCell(c);
        return `| ${c.action} | ${code(c.key)} |${fields ? ` ${fields} ` : " "}|`;
    });
    const shown = rows.slice(0, MAX_ROWS);
    if (rows.length > shown.length)
        shown.push(`| … | ${rows.length - shown.length} more (see the plan-review artifact) | |`);
    return [
        `#### ${cluster}: ${summary(d)}`,
        "",
        "| action | object | changed fields |",
        "|---|---|---|",
        ...shown,
        "",
    ];
}

export interface CommentOptions {
    /** Shown under the title, e.g. why the live `pulumi preview` did not run for this PR. */
    note?: string;
    /** Short commit IDs, for the reader's orientation. */
    baseRef?: string;
    headRef?: string;
}

/** The comment body: summary table, per-stack sections, then each head topology in a collapsed block. */
export function renderComment(diffs: StackDiff[], options: CommentOptions = {}): string {
    const stacks = [...diffs].sort((a, b) => a.stack.localeCompare(b.stack));
    const lines = [MARKER, "## crossmesh offline plan: what this pull request changes", ""];
    lines.push(
        `Objects per cluster from the stack programs run under the provider simulator (no cloud credentials)${options.baseRef && options.headRef ? `, base ${code(options.baseRef)} → head ${code(options.headRef)}` : ""}. Values are redacted where secret; values only the simulator made up (IDs, ARNs, hostnames) are compared by what they stand for.`,
        "",
    );
    if (options.note) lines.push(`> [!NOTE]`, `> ${options.note.replace(/\n/g, "\n> ")}`, "");
    lines.push("| stack | EKS | GKE | AWS | topology |", "|---|---|---|---|---|");
    for (const s of stacks) {
        const status = s.status === "present" ? "" : ` (${s.status})`;
        lines.push(
            `| ${code(s.stack)}${status} | ${CLUSTERS.map((c) => cell(s.clusters[c])).join(" | ")} | ${s.topologyChanged ? "changed" : "–"} |`,
        );
    }
    lines.push(
        "",
        "Objects to `+` create, `~` update, `+-` replace, `-` delete, as `pulumi preview` would say (Kubernetes objects and Helm releases per cluster; AWS and certificate resources).",
        "",
    );
    for (const s of stacks) {
        lines.push(
            `### Stack ${code(s.stack)}${s.status === "present" ? "" : ` (${s.status} by this pull request)`}`,
            "",
        );
        const sections = CLUSTERS.flatMap((c) => clusterSection(c, s.clusters[c]));
        lines.push(...(sections.length ? sections : ["No object changes.", ""]));
        if (s.headTopology) {
            lines.push(
                `<details><summary>Topology of ${code(s.stack)} at head${s.topologyChanged ? " (changed)" : ""}</summary>`,
                "",
                s.headTopology.trimEnd(),
                "",
                "</details>",
                "",
            );
        }
    }
    let body = lines.join("\n");
    if (body.length > MAX_COMMENT_CHARS) {
        const cut = body.lastIndexOf("\n", MAX_COMMENT_CHARS - 200);
        body =
            body.slice(0, cut) + "\n\n… cut to fit a GitHub comment; the full plans are in the plan-review artifact.\n";
    }
    return body;
}

/** The change view on a terminal: per stack and cluster, one line per object with its action, as `pulumi preview`. */
export function renderText(diffs: StackDiff[]): string {
    const lines: string[] = [];
    for (const s of [...diffs].sort((a, b) => a.stack.localeCompare(b.stack))) {
        const status = s.status === "present" ? "" : ` (${s.status})`;
        lines.push(`Stack ${s.stack}${status}: offline plan against the base (simulated; \`pulumi preview\` decides)`);
        for (const cluster of CLUSTERS) {
            const d = s.clusters[cluster];
            lines.push(`  ${cluster}${d.changes.length ? "" : ": no changes"}`);
            for (const c of d.changes) {
                lines.push(`    ${SIGN[c.action].padEnd(2)} ${c.action.padEnd(7)} ${c.key}`);
                if (c.action === "replace") lines.push(`               ${replaceNote(c)}`);
                if (c.fields.length) lines.push(`               changed: ${c.fields.join(", ")}`);
                if (c.follows.length) lines.push(`               ${followsNote(c)}`);
            }
        }
        if (s.topologyChanged) lines.push("  topology: changed");
        const all: ClusterDiff = { changes: CLUSTERS.flatMap((c) => s.clusters[c].changes) };
        lines.push(`  Changes: ${summary(all) || "none"}`, "");
    }
    return lines.join("\n");
}

/** Stacks present on either side: the subdirectories of the two plan roots, sorted. */
export function stacksIn(baseRoot: string, headRoot: string): string[] {
    const dirs = (root: string) =>
        fs.existsSync(root)
            ? fs
                  .readdirSync(root, { withFileTypes: true })
                  .filter((d) => d.isDirectory())
                  .map((d) => d.name)
            : [];
    return [...new Set([...dirs(baseRoot), ...dirs(headRoot)])].sort();
}

/** A folder `npm run plan` wrote for one stack (rather than a root holding one such folder per stack). */
export function isPlanFolder(dir: string): boolean {
    return fs.existsSync(path.join(dir, "aws.yaml")) || fs.existsSync(path.join(dir, "outputs.yaml"));
}

/** The diff of two plan roots (`<root>/<stack>/` each), or of two single-stack plan folders. */
export function diffPlanRoots(baseRoot: string, headRoot: string): StackDiff[] {
    // Two single-stack plans (`diff` of plan/before and plan/after): one stack, named after the head's folder.
    if (isPlanFolder(baseRoot) || isPlanFolder(headRoot)) {
        const read = (dir: string) => (isPlanFolder(dir) ? readPlan(dir) : undefined);
        return [diffStack(path.basename(headRoot), read(baseRoot), read(headRoot))];
    }
    const stacks = stacksIn(baseRoot, headRoot);
    if (stacks.length === 0)
        throw new Error(
            `no plan in ${baseRoot} or ${headRoot}: give two plan folders (npm run plan -- --out DIR) or two roots holding one per stack`,
        );
    return stacks.map((stack) => {
        const b = path.join(baseRoot, stack);
        const h = path.join(headRoot, stack);
        return diffStack(stack, fs.existsSync(b) ? readPlan(b) : undefined, fs.existsSync(h) ? readPlan(h) : undefined);
    });
}

/** The whole comment from two plan roots (`<root>/<stack>/` each), or from two single-stack plan folders. */
export function commentFromPlanRoots(baseRoot: string, headRoot: string, options: CommentOptions = {}): string {
    return renderComment(diffPlanRoots(baseRoot, headRoot), options);
}
