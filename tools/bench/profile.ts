// Where the program's own time goes: runs the stack program with N services in a child under
// `node --cpu-prof` and prints the top self-time entries of the program's span (module loading left out),
// grouped by area (our folders, each SDK), by file and by function, plus the inclusive time under each
// of crossmesh's folders.
// With --floor, also profiles the floor (tools/bench/floor.ts) replaying the same run and prints where the
// program spends more than the floor, by function: the program's own cost.
// Usage: npx tsx tools/bench/profile.ts [--services 100] [--stack dev] [--top 25] [--floor] [--child-node-args "..."]
//        npx tsx tools/bench/profile.ts --profile some.cpuprofile [--window startUs,endUs]   (summarize only)
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "../simulator/stack";
import { runTsChild } from "./scale";
import { table } from "./table";

interface CallFrame {
    functionName: string;
    url: string;
    lineNumber: number;
}
interface ProfileNode {
    id: number;
    callFrame: CallFrame;
    children?: number[];
}
interface CpuProfile {
    nodes: ProfileNode[];
    startTime: number;
    endTime: number;
    samples: number[];
    timeDeltas: number[];
}

function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

/** A file as a reader names it: repo-relative, `node_modules/<package>/…`, or node's own. */
export function fileOf(url: string): string {
    if (!url) return "(native)";
    const p = url.replace(/^file:\/\//, "");
    const nm = p.lastIndexOf("node_modules/");
    if (nm >= 0) return p.slice(nm);
    if (p.startsWith(REPO_ROOT)) return path.relative(REPO_ROOT, p);
    return p;
}

/** The coarse area of a file: one of crossmesh's folders, an npm package, node itself. */
export function areaOf(file: string): string {
    if (file.startsWith("(")) return file;
    if (file.startsWith("node:")) return "node (internal)";
    const nm = /^node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/(bin|runtime|output|resource|log|cmd)\b)?/.exec(file);
    if (nm) return nm[2] ? `${nm[1]}/${nm[2]}` : nm[1];
    const ours = /^(components\/[^/]+|tools\/[^/]+|stacks)\//.exec(file);
    if (ours) return ours[1];
    return file;
}

const SPECIAL = new Set(["(garbage collector)", "(program)", "(idle)", "(root)"]);

export interface ProfileSummary {
    totalMs: number;
    byArea: [string, number][];
    byFile: [string, number][];
    byFunction: [string, number][];
    /** Time with a frame of this crossmesh folder anywhere on the stack (each sample counted once per folder). */
    inclusiveOurs: [string, number][];
    /** The same per crossmesh function (components/, stacks/): where the program's own code spends, callees included. */
    inclusiveOurFunctions: [string, number][];
}

export function summarize(profile: CpuProfile, window?: [number, number]): ProfileSummary {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const self = new Map<number, number>();
    const inclusive = new Map<string, number>();
    const inclusiveFn = new Map<string, number>();
    let t = profile.startTime;
    let total = 0;
    for (let i = 0; i < profile.samples.length; i++) {
        // timeDeltas[i] is the time since the previous sample; the sample at i covers the interval up to
        // the next one, which is the usual (and Chrome's) attribution.
        t += profile.timeDeltas[i];
        const dt = profile.timeDeltas[i + 1] ?? 0;
        if (window && (t < window[0] || t > window[1])) continue;
        const id = profile.samples[i];
        const frame = byId.get(id)!.callFrame;
        if (frame.functionName === "(idle)") continue;
        self.set(id, (self.get(id) ?? 0) + dt);
        total += dt;
        const seen = new Set<string>();
        for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
            const cf = byId.get(n)!.callFrame;
            const file = fileOf(cf.url);
            const area = areaOf(file);
            if (!/^(components|stacks)/.test(area)) continue;
            const fn = `${cf.functionName || "(anonymous)"}  ${file}`; // tsx's output has no useful lines
            for (const k of [area, fn]) {
                if (seen.has(k)) continue;
                seen.add(k);
                const m = k === area ? inclusive : inclusiveFn;
                m.set(k, (m.get(k) ?? 0) + dt);
            }
        }
    }
    const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
    const byArea = new Map<string, number>();
    const byFile = new Map<string, number>();
    const byFunction = new Map<string, number>();
    for (const [id, us] of self) {
        const f = byId.get(id)!.callFrame;
        const file = SPECIAL.has(f.functionName) ? f.functionName : fileOf(f.url);
        add(byArea, areaOf(file), us);
        add(byFile, file, us);
        const fn = SPECIAL.has(f.functionName)
            ? f.functionName
            : `${f.functionName || "(anonymous)"}  ${file}${f.url ? `:${f.lineNumber + 1}` : ""}`;
        add(byFunction, fn, us);
    }
    const sorted = (m: Map<string, number>) =>
        [...m.entries()].map(([k, v]) => [k, v / 1000] as [string, number]).sort((a, b) => b[1] - a[1]);
    return {
        totalMs: total / 1000,
        byArea: sorted(byArea),
        byFile: sorted(byFile),
        byFunction: sorted(byFunction),
        inclusiveOurs: sorted(inclusive),
        inclusiveOurFunctions: sorted(inclusiveFn),
    };
}

export function render(s: ProfileSummary, top: number, title: string): string {
    const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1)}%`;
    const rows = (xs: [string, number][]) => xs.slice(0, top).map(([k, ms]) => [ms.toFixed(0), pct(ms), k]);
    return [
        `# ${title}: ${s.totalMs.toFixed(0)} ms of CPU samples in the program's span`,
        ``,
        `## Self time by area`,
        table(["ms", "share", "area"], rows(s.byArea)),
        ``,
        `## Inclusive time under crossmesh's folders (a frame of the folder anywhere on the stack)`,
        table(["ms", "share", "folder"], rows(s.inclusiveOurs)),
        ``,
        `## Inclusive time of crossmesh's functions (top ${top})`,
        table(["ms", "share", "function  file:line"], rows(s.inclusiveOurFunctions)),
        ``,
        `## Self time by file (top ${top})`,
        table(["ms", "share", "file"], rows(s.byFile)),
        ``,
        `## Self time by function (top ${top})`,
        table(["ms", "share", "function  file:line"], rows(s.byFunction)),
    ].join("\n");
}

/** Runs a child under --cpu-prof and reads its main profile and program window. */
async function profiled(
    script: string,
    args: string[],
    extra: string[],
    what: string,
): Promise<{ profile: CpuProfile; window?: [number, number]; ms: number; file: string }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-prof-"));
    const sample = await runTsChild<{ windowUs: [number, number]; programMs?: number; wallMs?: number }>(
        script,
        args,
        [...extra, "--cpu-prof", "--cpu-prof-dir", dir, "--cpu-prof-interval", "500"],
        what,
    );
    // Only the main thread's profile (the largest; workers, if any, write their own files).
    const file = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".cpuprofile"))
        .map((f) => path.join(dir, f))
        .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
    if (!file) throw new Error(`no .cpuprofile written in ${dir}`);
    const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
    let window: [number, number] | undefined = sample.windowUs;
    if (window[1] < profile.startTime || window[0] > profile.endTime) window = undefined; // another clock
    return { profile, window, ms: sample.programMs ?? sample.wallMs ?? 0, file };
}

/** Where the program's self time exceeds the floor's, by function (and by area). */
function renderDifference(program: ProfileSummary, floor: ProfileSummary, top: number): string {
    const diff = (a: [string, number][], b: [string, number][]) => {
        const m = new Map(a);
        for (const [k, v] of b) m.set(k, (m.get(k) ?? 0) - v);
        return [...m.entries()].sort((x, y) => y[1] - x[1]);
    };
    const rows = (xs: [string, number][]) => xs.slice(0, top).map(([k, ms]) => [ms.toFixed(0), k]);
    return [
        `# Program − floor: ${program.totalMs.toFixed(0)} − ${floor.totalMs.toFixed(0)} = ${(program.totalMs - floor.totalMs).toFixed(0)} ms of CPU samples (${(program.totalMs / floor.totalMs).toFixed(2)}×)`,
        ``,
        `## Self time the program spends beyond the floor, by area`,
        table(["ms", "area"], rows(diff(program.byArea, floor.byArea))),
        ``,
        `## … by function (top ${top})`,
        table(["ms", "function  file:line"], rows(diff(program.byFunction, floor.byFunction))),
    ].join("\n");
}

async function main() {
    const top = Number(arg("top", "25"));
    const given = arg("profile", "");
    let profile: CpuProfile;
    let window: [number, number] | undefined;
    let title: string;
    if (given) {
        profile = JSON.parse(fs.readFileSync(given, "utf8")) as CpuProfile;
        const w = arg("window", "");
        window = w ? (w.split(",").map(Number) as [number, number]) : undefined;
        title = `profile ${given}`;
    } else {
        const services = Number(arg("services", "100"));
        const stack = arg("stack", "dev");
        const extra = arg("child-node-args", "").split(" ").filter(Boolean);
        const run = await profiled(
            path.join(__dirname, "scale-child.ts"),
            [String(services), stack],
            extra,
            `profile run with ${services} services`,
        );
        ({ profile, window } = run);
        title =
            `stack "${stack}", ${services} services (program ${run.ms.toFixed(0)} ms wall; profile ${run.file}` +
            (window ? ` --window ${window.join(",")})` : `; whole process: the window is not on the profile's clock)`);
        if (process.argv.includes("--floor")) {
            const recording = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-rec-")), "program.json");
            const floorChild = path.join(__dirname, "floor-child.ts");
            await runTsChild(
                floorChild,
                ["program", String(services), stack, "--record", recording],
                extra,
                "recording",
            );
            const floor = await profiled(floorChild, ["floor", recording, stack], extra, "floor profile run");
            const p = summarize(profile, window);
            const f = summarize(floor.profile, floor.window);
            console.log(render(p, top, title));
            console.log(`\n${render(f, top, `the floor of the same run (profile ${floor.file})`)}`);
            console.log(`\n${renderDifference(p, f, top)}`);
            return;
        }
    }
    console.log(render(summarize(profile, window), top, title));
}

if (require.main === module) {
    main().catch((e) => {
        console.error(e instanceof Error ? (e.stack ?? e.message) : e);
        process.exit(1);
    });
}
