// The credential-free PR review: two offline plans (the PR's base and head, one directory per stack,
// as `npm run plan` writes them) in, the markdown of ONE pull-request comment out: per stack and per
// cluster (EKS, GKE, AWS), which objects the PR adds, removes or changes, and the head's topology.
// Pure and deterministic: everything is sorted, nothing depends on time or the file system order.
// Values only the simulator made up (IDs, ARNs, hostnames: a plan's simulated.yaml) are compared by what they
// stand for, so a different simulated value is never reported as a change.
import * as fs from "node:fs";
import * as path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parse, parseAllDocuments } from "yaml";
import { Simulated, normalizeSimulated, replaceSimulated } from "../plan/simulated";

/** The hidden marker the commenting workflow finds its own comment by, to update it in place. */
export const MARKER = "<!-- crossmesh-plan-review -->";
/** GitHub refuses comments over 65,536 characters; stay well below with the marker and notes. */
export const MAX_COMMENT_CHARS = 60_000;
/** Rows listed per cluster section before "… and N more". */
export const MAX_ROWS = 40;

export type Cluster = "EKS" | "GKE" | "AWS";
export const CLUSTERS: Cluster[] = ["EKS", "GKE", "AWS"];

/** One stack's plan as objects keyed by a stable identity, per cluster; plus its diagram. */
export interface StackPlan {
    objects: Record<Cluster, Map<string, unknown>>;
    topology?: string;
    /** The plan's simulated values compared by what they stand for (simulated.yaml; none in older plans). */
    simulated: Simulated;
}

const CLUSTER_OF_FILE: Record<string, Cluster> = { eks: "EKS", gke: "GKE" };

function emptyPlan(): StackPlan {
    return { objects: { EKS: new Map(), GKE: new Map(), AWS: new Map() }, simulated: new Map() };
}

function put(map: Map<string, unknown>, key: string, value: unknown): void {
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
            put(plan.objects[cluster], `${o.apiVersion} ${o.kind} ${ns}${o.metadata?.name ?? "(generated name)"}`, o);
        }
    }
    if (fs.existsSync(path.join(dir, "helm-releases.yaml"))) {
        const releases = (parse(read("helm-releases.yaml")) ?? {}) as Record<string, Record<string, any>[]>;
        for (const [file, list] of Object.entries(releases)) {
            const cluster = CLUSTER_OF_FILE[file];
            if (!cluster) continue;
            for (const r of list ?? [])
                put(plan.objects[cluster], `Helm release ${r.namespace}/${r.name} (chart ${r.chart})`, r);
        }
    }
    if (fs.existsSync(path.join(dir, "aws.yaml"))) {
        for (const r of (parse(read("aws.yaml")) ?? []) as Record<string, any>[])
            put(plan.objects.AWS, `${r.type} ${r.name}`, r.inputs ?? {});
    }
    if (fs.existsSync(path.join(dir, "topology.md"))) plan.topology = read("topology.md");
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
    const norm = (p: StackPlan): StackPlan => ({
        objects: Object.fromEntries(
            CLUSTERS.map((c) => [c, new Map([...p.objects[c]].map(([k, v]) => [k, normalizeSimulated(v, simulated)]))]),
        ) as Record<Cluster, Map<string, unknown>>,
        topology: p.topology === undefined ? undefined : replaceSimulated(p.topology, simulated),
        simulated,
    });
    return [norm(base), norm(head)];
}

export interface ClusterDiff {
    added: string[];
    removed: string[];
    /** Changed objects with the paths (at most three levels deep) whose values differ. */
    changed: { key: string; fields: string[] }[];
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

export function diffCluster(base: Map<string, unknown>, head: Map<string, unknown>): ClusterDiff {
    const sorted = (xs: Iterable<string>) => [...xs].sort();
    return {
        added: sorted([...head.keys()].filter((k) => !base.has(k))),
        removed: sorted([...base.keys()].filter((k) => !head.has(k))),
        changed: sorted(
            [...head.keys()].filter((k) => base.has(k) && !isDeepStrictEqual(base.get(k), head.get(k))),
        ).map((key) => ({ key, fields: changedFields(base.get(key), head.get(key)) })),
    };
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
    const clusters = Object.fromEntries(CLUSTERS.map((c) => [c, diffCluster(b.objects[c], h.objects[c])])) as Record<
        Cluster,
        ClusterDiff
    >;
    return {
        stack,
        clusters,
        topologyChanged: (b.topology ?? "") !== (h.topology ?? ""),
        headTopology: h.topology,
        status: base === undefined ? "added" : head === undefined ? "removed" : "present",
    };
}

const count = (d: ClusterDiff) => d.added.length + d.removed.length + d.changed.length;
const cell = (d: ClusterDiff) =>
    count(d) === 0 ? "–" : `+${d.added.length} −${d.removed.length} ~${d.changed.length}`;
const code = (s: string) => "`" + s.replace(/`/g, "'") + "`";

function clusterSection(cluster: Cluster, d: ClusterDiff): string[] {
    if (count(d) === 0) return [];
    const rows = [
        ...d.added.map((k) => `| added | ${code(k)} | |`),
        ...d.removed.map((k) => `| removed | ${code(k)} | |`),
        ...d.changed.map(
            (c) =>
                `| changed | ${code(c.key)} | ${c.fields.slice(0, 6).map(code).join(", ")}${c.fields.length > 6 ? `, … ${c.fields.length - 6} more` : ""} |`,
        ),
    ];
    const shown = rows.slice(0, MAX_ROWS);
    if (rows.length > shown.length)
        shown.push(`| … | ${rows.length - shown.length} more (see the plan-review artifact) | |`);
    return [
        `#### ${cluster}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`,
        "",
        "| | object | changed fields |",
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
        "`+added −removed ~changed` objects (Kubernetes objects and Helm releases per cluster; AWS and certificate resources).",
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

/** The whole comment from two plan roots (`<root>/<stack>/` each), or from two single-stack plan folders. */
export function commentFromPlanRoots(baseRoot: string, headRoot: string, options: CommentOptions = {}): string {
    // Two single-stack plans (`diff` of plan/before and plan/after): one stack, named after the head's folder.
    if (isPlanFolder(baseRoot) || isPlanFolder(headRoot)) {
        const read = (dir: string) => (isPlanFolder(dir) ? readPlan(dir) : undefined);
        return renderComment([diffStack(path.basename(headRoot), read(baseRoot), read(headRoot))], options);
    }
    const stacks = stacksIn(baseRoot, headRoot);
    if (stacks.length === 0)
        throw new Error(
            `no plan in ${baseRoot} or ${headRoot}: give two plan folders (npm run plan -- --out DIR) or two roots holding one per stack`,
        );
    const diffs = stacks.map((stack) => {
        const b = path.join(baseRoot, stack);
        const h = path.join(headRoot, stack);
        return diffStack(stack, fs.existsSync(b) ? readPlan(b) : undefined, fs.existsSync(h) ? readPlan(h) : undefined);
    });
    return renderComment(diffs, options);
}
