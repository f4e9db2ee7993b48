// The deploy graph the benchmark weighs: custom resources only (components take no time), each with
// its kind and duration, and the resources the engine makes it wait for. Built from the simulator's
// recording with `GraphRecorder.waitsDirectlyFor`, which expands a dependency on a component to all
// of that component's custom descendants — exactly how the Pulumi engine orders creates.
import type { GraphRecorder, RecordedResource } from "../simulator/recorder";
import { durationOf, resourceKind } from "./durations";

export interface DeployNode {
    /** The resource's URN (unique). */
    id: string;
    type: string;
    name: string;
    /** Duration lookup key: the type, or `helm:<chart>`, or the LoadBalancer Service kind. */
    kind: string;
    seconds: number;
    /** URNs of the resources this one waits for before it can be created. */
    waitsFor: string[];
}

export type DeployGraph = DeployNode[];

/** A short label for tables: the resource name and its kind. */
export function label(n: Pick<DeployNode, "name" | "kind">): string {
    return `${n.name} (${n.kind.replace(/^kubernetes:|^aws:|^tls:index\//, "")})`;
}

export function deployGraphFrom(graph: GraphRecorder): DeployGraph {
    const custom = graph.resources.filter((r: RecordedResource) => r.custom);
    const ids = new Set(custom.map((r) => r.urn));
    return custom.map((r) => {
        const kind = resourceKind(r);
        return {
            id: r.urn,
            type: r.type,
            name: r.name,
            kind,
            seconds: durationOf(kind).seconds,
            waitsFor: [...graph.waitsDirectlyFor(r)].filter((d) => ids.has(d) && d !== r.urn).sort(),
        };
    });
}
