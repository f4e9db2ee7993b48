// Longest weighted path through a deploy graph: with unlimited parallelism (the engine's default is
// unbounded), a resource finishes at its own duration after the last of its dependencies finishes, so
// the whole deploy takes as long as the heaviest chain. Restricting the edges (e.g. to the inherent
// ones) gives the same computation on a subgraph.
import type { DeployGraph, DeployNode } from "./graph";

export interface LongestPath {
    /** Finish time of the last resource, in seconds. */
    seconds: number;
    /** The chain, first-created first. */
    path: DeployNode[];
}

/** Which edges count: `true` keeps "dependent waits for dependency". */
export type EdgeFilter = (dependent: DeployNode, dependency: DeployNode) => boolean;

const ALL_EDGES: EdgeFilter = () => true;

/**
 * Earliest finish time of every resource when each starts as soon as its kept dependencies are done.
 * Iterative (Kahn's order), so deep graphs cannot overflow the stack; a cycle is an error.
 */
export function finishTimes(
    graph: DeployGraph,
    keep: EdgeFilter = ALL_EDGES,
): { finish: Map<string, number>; via: Map<string, string | undefined> } {
    const byId = new Map(graph.map((n) => [n.id, n]));
    const deps = new Map<string, DeployNode[]>();
    const dependents = new Map<string, string[]>();
    const pending = new Map<string, number>();
    for (const n of graph) {
        const kept = n.waitsFor.map((d) => byId.get(d)).filter((d): d is DeployNode => d !== undefined && keep(n, d));
        deps.set(n.id, kept);
        pending.set(n.id, kept.length);
        for (const d of kept) {
            if (!dependents.has(d.id)) dependents.set(d.id, []);
            dependents.get(d.id)!.push(n.id);
        }
    }
    const finish = new Map<string, number>();
    const via = new Map<string, string | undefined>();
    const ready = graph.filter((n) => pending.get(n.id) === 0).map((n) => n.id);
    while (ready.length) {
        const id = ready.pop()!;
        const node = byId.get(id)!;
        // The dependency that finishes last decides the start; ties go to the smaller id, so the named
        // path is the same on every run.
        let start = 0;
        let last: string | undefined;
        for (const d of deps.get(id)!) {
            const f = finish.get(d.id)!;
            if (last === undefined || f > start || (f === start && d.id < last)) {
                start = f;
                last = d.id;
            }
        }
        finish.set(id, start + node.seconds);
        via.set(id, last);
        for (const next of dependents.get(id) ?? []) {
            const left = pending.get(next)! - 1;
            pending.set(next, left);
            if (left === 0) ready.push(next);
        }
    }
    if (finish.size !== graph.length) {
        const stuck = graph.filter((n) => !finish.has(n.id)).map((n) => n.name);
        throw new Error(
            `bench: the deploy graph has a cycle through ${stuck.slice(0, 5).join(", ")}${stuck.length > 5 ? ", …" : ""}`,
        );
    }
    return { finish, via };
}

export function longestPath(graph: DeployGraph, keep: EdgeFilter = ALL_EDGES): LongestPath {
    if (graph.length === 0) return { seconds: 0, path: [] };
    const { finish, via } = finishTimes(graph, keep);
    const byId = new Map(graph.map((n) => [n.id, n]));
    let end = graph[0].id;
    for (const n of graph) {
        const f = finish.get(n.id)!;
        const best = finish.get(end)!;
        if (f > best || (f === best && n.id < end)) end = n.id;
    }
    const path: DeployNode[] = [];
    for (let id: string | undefined = end; id !== undefined; id = via.get(id)) path.unshift(byId.get(id)!);
    return { seconds: finish.get(end)!, path };
}

/** The seed's manual procedure: every resource created one after another. */
export function serialSum(graph: DeployGraph): number {
    return graph.reduce((sum, n) => sum + n.seconds, 0);
}
