// Critical path vs inherent lower bound of one deploy graph, and which recorded waits on the critical
// path are choices rather than necessities (the edges to look at when the ratio exceeds 1).
import { LongestPath, finishTimes, longestPath, serialSum } from "./critical-path";
import type { DeployGraph, DeployNode } from "./graph";
import { inherentOnly, inherentRuleFor } from "./inherent";

export interface SelfInflictedEdge {
    dependent: DeployNode;
    dependency: DeployNode;
}

/** A non-inherent wait and the longest deploy chain that runs through it. */
export interface RankedEdge extends SelfInflictedEdge {
    /** Longest chain through this wait, in seconds. */
    throughSeconds: number;
    /** How much longer the chain's resources could take before this wait sets the deploy time. */
    slackSeconds: number;
}

export interface CriticalPathReport {
    resources: number;
    edges: number;
    inherentEdges: number;
    critical: LongestPath;
    bound: LongestPath;
    /** critical / bound; 1 means the graph waits for nothing it could avoid. */
    ratio: number;
    serialSeconds: number;
    /** Non-inherent edges along the critical path: removing them is what could shorten it. */
    selfInflictedOnPath: SelfInflictedEdge[];
    /** Every non-inherent wait, tightest first: the ones with little slack are the next to matter. */
    selfInflicted: RankedEdge[];
}

/**
 * Longest chain from each resource to the end of the deploy, the resource included: the same
 * computation as finish times, on the graph with every wait reversed.
 */
function tailTimes(graph: DeployGraph): Map<string, number> {
    const reversed = new Map(graph.map((n) => [n.id, { ...n, waitsFor: [] as string[] }]));
    for (const n of graph) for (const d of n.waitsFor) reversed.get(d)?.waitsFor.push(n.id);
    return finishTimes([...reversed.values()]).finish;
}

export function criticalPathReport(graph: DeployGraph): CriticalPathReport {
    const byId = new Map(graph.map((n) => [n.id, n]));
    let edges = 0;
    let inherentEdges = 0;
    for (const n of graph) {
        for (const d of n.waitsFor) {
            const dep = byId.get(d);
            if (!dep) continue;
            edges++;
            if (inherentOnly(n, dep)) inherentEdges++;
        }
    }
    const critical = longestPath(graph);
    const bound = longestPath(graph, inherentOnly);
    const selfInflictedOnPath: SelfInflictedEdge[] = [];
    for (let i = 1; i < critical.path.length; i++) {
        const dependency = critical.path[i - 1];
        const dependent = critical.path[i];
        if (!inherentRuleFor(dependent.kind, dependency.kind)) selfInflictedOnPath.push({ dependent, dependency });
    }
    const { finish } = finishTimes(graph);
    const tail = tailTimes(graph);
    const selfInflicted: RankedEdge[] = [];
    for (const dependent of graph) {
        for (const d of dependent.waitsFor) {
            const dependency = byId.get(d);
            if (!dependency || inherentOnly(dependent, dependency)) continue;
            const throughSeconds = finish.get(d)! + tail.get(dependent.id)!;
            selfInflicted.push({
                dependent,
                dependency,
                throughSeconds,
                slackSeconds: critical.seconds - throughSeconds,
            });
        }
    }
    selfInflicted.sort(
        (a, b) =>
            a.slackSeconds - b.slackSeconds ||
            a.dependent.id.localeCompare(b.dependent.id) ||
            a.dependency.id.localeCompare(b.dependency.id),
    );
    return {
        resources: graph.length,
        edges,
        inherentEdges,
        critical,
        bound,
        ratio: bound.seconds > 0 ? critical.seconds / bound.seconds : 1,
        serialSeconds: serialSum(graph),
        selfInflictedOnPath,
        selfInflicted,
    };
}

export interface Robustness {
    samples: number;
    /** Largest critical/bound ratio over the perturbed duration tables. */
    worstRatio: number;
    /** The report of the worst sample: its critical path names the waits responsible. */
    worst: CriticalPathReport;
    /** Samples whose ratio exceeds `threshold`. */
    exceeding: number;
    threshold: number;
    /** Self-inflicted waits on the critical path of those samples, most frequent first. */
    culprits: (SelfInflictedEdge & { samples: number })[];
}

/**
 * The durations are estimates, so the ratio is also computed under `samples` random duration tables:
 * every kind's figure multiplied by its own factor in [1/spread, spread] (log-uniform; the same factor
 * for every resource of a kind). Deterministic for a given seed.
 */
export function ratioUnderPerturbation(
    graph: DeployGraph,
    samples = 1000,
    spread = 2,
    seed = 1,
    threshold = 1.05,
): Robustness {
    let state = seed >>> 0 || 1;
    const random = () => {
        // xorshift32: small, deterministic, good enough to spread factors.
        state ^= state << 13;
        state >>>= 0;
        state ^= state >>> 17;
        state ^= state << 5;
        state >>>= 0;
        return state / 2 ** 32;
    };
    const kinds = [...new Set(graph.map((n) => n.kind))].sort();
    let worst = criticalPathReport(graph);
    let exceeding = 0;
    const culprits = new Map<string, SelfInflictedEdge & { samples: number }>();
    for (let i = 0; i < samples; i++) {
        const factor = new Map(kinds.map((k) => [k, Math.exp((random() * 2 - 1) * Math.log(spread))]));
        const report = criticalPathReport(graph.map((n) => ({ ...n, seconds: n.seconds * factor.get(n.kind)! })));
        if (report.ratio > worst.ratio) worst = report;
        if (report.ratio <= threshold) continue;
        exceeding++;
        for (const e of report.selfInflictedOnPath) {
            const key = `${e.dependent.id} ${e.dependency.id}`;
            const seen = culprits.get(key) ?? { dependent: e.dependent, dependency: e.dependency, samples: 0 };
            seen.samples++;
            culprits.set(key, seen);
        }
    }
    const ranked = [...culprits.values()].sort(
        (a, b) => b.samples - a.samples || a.dependent.id.localeCompare(b.dependent.id),
    );
    return { samples, worstRatio: worst.ratio, worst, exceeding, threshold, culprits: ranked };
}
