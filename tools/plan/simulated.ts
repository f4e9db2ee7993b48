// The values of a plan that only the simulator made up (tools/simulator/invented.ts): IDs, ARNs, the account,
// DNS names, addresses, auto-names' suffixes. The plan keeps them (its manifests stay applicable: the real
// validators of test/real apply them) and marks each where it appears: a `# simulated: <what>` comment in the
// YAML files, `[simulated: <what>]` in place of the value in the diagram. `simulated.yaml` lists them all, and
// tools/plan-diff compares a plan's simulated values by what they stand for, never by value.
import { Document, visit } from "yaml";

/** Simulated value → what it stands for (e.g. "VPC id of EKS cluster eks-lab5"). */
export type Simulated = Map<string, string>;

const WORD = /[A-Za-z0-9]/;

/**
 * The simulated values in `text`, longest first and never overlapping (an ARN is one value, not an account id
 * and a name inside it), each matched as a whole: not glued to a letter or digit on either side.
 */
export function findSimulated(text: string, simulated: Simulated): { at: number; value: string; what: string }[] {
    const found: { at: number; value: string; what: string }[] = [];
    const taken: boolean[] = [];
    const values = [...simulated.keys()].sort((a, b) => b.length - a.length || a.localeCompare(b));
    for (const value of values) {
        for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + 1)) {
            const end = at + value.length;
            if (WORD.test(text[at - 1] ?? "") || WORD.test(text[end] ?? "")) continue;
            if (taken.slice(at, end).some(Boolean)) continue;
            for (let i = at; i < end; i++) taken[i] = true;
            found.push({ at, value, what: simulated.get(value)! });
        }
    }
    return found.sort((a, b) => a.at - b.at);
}

/** `text` with each simulated value replaced by `[simulated: <what>]`. */
export function replaceSimulated(text: string, simulated: Simulated): string {
    let out = "";
    let last = 0;
    for (const f of findSimulated(text, simulated)) {
        out += text.slice(last, f.at) + `[simulated: ${f.what}]`;
        last = f.at + f.value.length;
    }
    return out + text.slice(last);
}

/** Every string of a plain value (a parsed plan document) with its simulated values replaced. */
export function normalizeSimulated(value: unknown, simulated: Simulated): unknown {
    if (simulated.size === 0) return value;
    if (typeof value === "string") return replaceSimulated(value, simulated);
    if (Array.isArray(value)) return value.map((v) => normalizeSimulated(v, simulated));
    if (value && typeof value === "object")
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalizeSimulated(v, simulated)]));
    return value;
}

/**
 * One YAML document, keys sorted, each string that holds a simulated value followed by a
 * `# simulated: <what>` comment. `seen` collects the simulated values written (for simulated.yaml).
 */
export function markedYaml(value: unknown, simulated: Simulated, seen?: Set<string>): string {
    const doc = new Document(value, { sortMapEntries: true });
    visit(doc, {
        Scalar(key, node) {
            if (key === "key" || typeof node.value !== "string") return;
            const found = findSimulated(node.value, simulated);
            if (found.length === 0) return;
            for (const f of found) seen?.add(f.value);
            node.comment = ` simulated: ${[...new Set(found.map((f) => f.what))].join("; ")}`;
        },
    });
    return doc.toString({ lineWidth: 0 });
}
