// Critical path vs inherent lower bound of one deploy graph, and which recorded waits on the critical
// path are choices rather than necessities (the edges to look at when the ratio exceeds 1).
import { LongestPath, longestPath, serialSum } from "./critical-path";
import type { DeployGraph, DeployNode } from "./graph";
import { inherentOnly, inherentRuleFor } from "./inherent";

export interface SelfInflictedEdge {
    dependent: DeployNode;
    dependency: DeployNode;
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
    return {
        resources: graph.length,
        edges,
        inherentEdges,
        critical,
        bound,
        ratio: bound.seconds > 0 ? critical.seconds / bound.seconds : 1,
        serialSeconds: serialSum(graph),
        selfInflictedOnPath,
    };
}
