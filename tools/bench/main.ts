// `npm run bench`: the deploy critical path of the default stack against its inherent lower bound,
// and how program time, resource count and memory grow with the number of exported services.
// and the program's own cost against its floor: a logic-free program registering exactly the same resources.
// Usage: npm run bench [-- --runs 5 --sizes 1,10,50,100 --floor-sizes 10,50,100 --stack dev
//                          --sections critical,scale,floor --child-node-args "--stack-trace-limit=2"]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runStack } from "../simulator/stack";
import { durationOf } from "./durations";
import { deployGraphFrom, label } from "./graph";
import { criticalPathReport, ratioUnderPerturbation } from "./report";
import type { FloorSample } from "./floor-child";
import { ScaleSample, median, perServiceIncrements, runChild, runTsChild } from "./scale";
import { minutes, table } from "./table";

function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const RUNS = Number(arg("runs", "5"));
const SIZES = arg("sizes", "1,10,50,100").split(",").map(Number);
const STACK = arg("stack", "dev");
const FLOOR_SIZES = arg("floor-sizes", "10,50,100").split(",").map(Number);
const SECTIONS = new Set(arg("sections", "critical,scale,floor").split(","));
/** Issue #27: the program's CPU at most this many times its floor's at the largest size. */
const FLOOR_BUDGET = 1.3;
/** Extra node flags for the scale runs, to test a hypothesis (e.g. the cost of stack capture). */
const CHILD_NODE_ARGS = arg("child-node-args", "").split(" ").filter(Boolean);
/** Issue #7: 100 services must plan in under 10 s. */
const BUDGET_MS = 10_000;

async function criticalPath(): Promise<void> {
    const run = await runStack({ stack: STACK });
    const graph = deployGraphFrom(run.graph);
    const report = criticalPathReport(graph);
    console.log(
        `## Critical path — stack "${STACK}": ${report.resources} custom resources, ${report.edges} waits (${report.inherentEdges} inherent)\n`,
    );
    console.log(
        table(
            ["measure", "simulated deploy time"],
            [
                ["critical path (recorded graph)", minutes(report.critical.seconds)],
                ["inherent lower bound", minutes(report.bound.seconds)],
                ["ratio critical / bound", `${report.ratio.toFixed(3)}×`],
                ["serial sum (seed's manual procedure)", minutes(report.serialSeconds)],
                ["speed-up over serial", `${(report.serialSeconds / report.critical.seconds).toFixed(1)}×`],
            ],
        ),
    );
    const pathRows = (nodes: typeof report.critical.path) => {
        let t = 0;
        return nodes.map((n) => {
            t += n.seconds;
            return [label(n), n.seconds, t.toFixed(1), durationOf(n.kind).estimate ? "estimate" : "documented"];
        });
    };
    console.log(`\nResources on the critical path (first created first):\n`);
    console.log(table(["resource", "s", "done at s", "figure"], pathRows(report.critical.path)));
    if (report.critical.path.map((n) => n.id).join() !== report.bound.path.map((n) => n.id).join()) {
        console.log(`\nInherent lower-bound chain:\n`);
        console.log(table(["resource", "s", "done at s", "figure"], pathRows(report.bound.path)));
    }
    const tightest = report.selfInflicted.slice(0, 6);
    if (tightest.length) {
        console.log(
            `\n${report.selfInflicted.length} waits are not inherent (no rule in tools/bench/inherent.ts); the tightest — chain through the wait, and slack before it would set the deploy time:\n`,
        );
        console.log(
            table(
                ["resource", "waits for", "chain s", "slack s"],
                tightest.map((e) => [
                    label(e.dependent),
                    label(e.dependency),
                    e.throughSeconds.toFixed(1),
                    e.slackSeconds.toFixed(1),
                ]),
            ),
        );
    }
    if (report.selfInflictedOnPath.length) {
        console.log(`\nWaits on the critical path that no inherent rule explains (tools/bench/inherent.ts):`);
        for (const e of report.selfInflictedOnPath)
            console.log(`  ${label(e.dependent)}  waits for  ${label(e.dependency)}`);
    }
    console.log(
        `\nCriterion (issue #7) ratio ≤ 1.05: ${report.ratio <= 1.05 ? "met" : "NOT met — see the waits above"}`,
    );

    // The figures are estimates: does the ratio hold if they are off by up to 2× either way?
    const robust = ratioUnderPerturbation(graph, 1000, 2);
    console.log(
        `\nRobustness — ${robust.samples} random duration tables (each kind's figure ×½…×2): worst ratio ${robust.worstRatio.toFixed(3)}×, ` +
            `ratio > ${robust.threshold} in ${robust.exceeding} (${((100 * robust.exceeding) / robust.samples).toFixed(1)}%)`,
    );
    if (robust.culprits.length) {
        console.log(`Non-inherent waits on the critical path in those tables:\n`);
        console.log(
            table(
                ["resource", "waits for", "tables"],
                robust.culprits.slice(0, 6).map((e) => [label(e.dependent), label(e.dependency), e.samples]),
            ),
        );
    }
}

async function scale(): Promise<void> {
    const flags = CHILD_NODE_ARGS.length ? ` (node ${CHILD_NODE_ARGS.join(" ")})` : "";
    console.log(
        `\n## Scale — stack "${STACK}" with N Lambda-backed services (svcI.external), median of ${RUNS} runs, each in a fresh process${flags}\n`,
    );
    const bySize = new Map<number, ScaleSample[]>();
    // Sequential on purpose: parallel children would compete for the cores and distort the timings.
    for (const n of SIZES) {
        const samples: ScaleSample[] = [];
        for (let i = 0; i < RUNS; i++) samples.push(await runChild(n, STACK, CHILD_NODE_ARGS));
        bySize.set(n, samples);
    }
    const rows = SIZES.map((n) => {
        const s = bySize.get(n)!;
        return [
            n,
            s[0].resources,
            s[0].customResources,
            median(s.map((x) => x.programMs)).toFixed(0),
            median(s.map((x) => x.importMs)).toFixed(0),
            median(s.map((x) => x.processMs)).toFixed(0),
            median(s.map((x) => x.maxRssMiB)).toFixed(0),
        ];
    });
    console.log(
        table(["services", "resources", "custom", "program ms", "module load ms", "process ms", "max RSS MiB"], rows),
    );
    console.log(
        `\nprogram ms: config, construction and registration of every resource until all RPCs settle (the simulated providers' work included);`,
    );
    console.log(
        `module load ms: loading the SDKs and components first; process ms: the whole child, node + tsx start-up included.`,
    );

    const unstable = SIZES.filter((n) => new Set(bySize.get(n)!.map((s) => s.resources)).size > 1);
    if (unstable.length)
        console.log(`\nWARNING: resource count differs between runs for ${unstable.join(", ")} services`);
    const all = perServiceIncrements(SIZES.map((n) => ({ services: n, count: bySize.get(n)![0].resources })));
    const custom = perServiceIncrements(SIZES.map((n) => ({ services: n, count: bySize.get(n)![0].customResources })));
    const constant = (xs: number[]) => xs.every((x) => x === xs[0]);
    console.log(
        `\nPer-service increment (between consecutive sizes): ${all.join(", ")} resources, ${custom.join(", ")} custom — ${constant(all) && constant(custom) ? "constant (linear growth)" : "NOT constant"}`,
    );

    const programPerService = perServiceIncrements(
        SIZES.map((n) => ({ services: n, count: median(bySize.get(n)!.map((x) => x.programMs)) })),
    );
    console.log(
        `Program time per extra service (between consecutive sizes): ${programPerService.map((x) => x.toFixed(0)).join(", ")} ms`,
    );

    const largest = Math.max(...SIZES);
    const big = bySize.get(largest)!;
    const worstProcess = Math.max(...big.map((s) => s.processMs));
    console.log(
        `\n## Peak memory — ${largest} services: max RSS ${median(big.map((s) => s.maxRssMiB)).toFixed(0)} MiB median, ${Math.max(...big.map((s) => s.maxRssMiB)).toFixed(0)} MiB worst of ${big.length} runs`,
    );
    console.log(
        `${largest} services, slowest whole process: ${(worstProcess / 1000).toFixed(1)} s (budget ${BUDGET_MS / 1000} s): ${worstProcess < BUDGET_MS ? "within" : "OVER"}`,
    );
}

const FLOOR_CHILD = path.join(__dirname, "floor-child.ts");

/**
 * The program against its floor (tools/bench/floor.ts): per size, one recording run of the program, then
 * RUNS pairs of fresh processes — the program and the floor replaying the recording, in alternating order —
 * under the same simulator with the same modules loaded. Ratios per pair, then their median: machine load
 * moves both sides of a pair alike.
 */
async function programVsFloor(): Promise<void> {
    const flags = CHILD_NODE_ARGS.length ? ` (node ${CHILD_NODE_ARGS.join(" ")})` : "";
    console.log(
        `\n## Program vs floor — stack "${STACK}", N services; the floor registers exactly what the program registered (same types, names, parents, providers, inputs, options, dependsOn) with no logic; ${RUNS} paired runs, fresh processes, alternating order${flags}\n`,
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-floor-"));
    const child = (args: string[], what: string) =>
        runTsChild<FloorSample>(FLOOR_CHILD, [...args], CHILD_NODE_ARGS, what);
    const results = new Map<number, { program: FloorSample[]; floor: FloorSample[] }>();
    for (const n of FLOOR_SIZES) {
        const recording = path.join(dir, `program-${n}.json`);
        await child(["program", String(n), STACK, "--record", recording], `recording run with ${n} services`);
        const program: FloorSample[] = [];
        const floor: FloorSample[] = [];
        for (let i = 0; i < RUNS; i++) {
            const runProgram = async () =>
                program.push(await child(["program", String(n), STACK], `program run with ${n} services`));
            const runFloor = async () =>
                floor.push(await child(["floor", recording, STACK], `floor run with ${n} services`));
            if (i % 2 === 0) await runProgram().then(runFloor);
            else await runFloor().then(runProgram);
        }
        results.set(n, { program, floor });
    }
    fs.rmSync(dir, { recursive: true, force: true });

    const ratios = (n: number, key: "cpuMs" | "wallMs") => {
        const r = results.get(n)!;
        return r.program.map((p, i) => p[key] / r.floor[i][key]);
    };
    const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
    const med = (xs: FloorSample[], key: keyof FloorSample) => median(xs.map((x) => Number(x[key])));
    console.log(
        table(
            [
                "services",
                "registrations",
                "CPU ratio",
                "CPU ratio range",
                "wall ratio",
                "wall ratio range",
                "program CPU ms",
                "floor CPU ms",
                "program peak RSS MiB",
                "floor peak RSS MiB",
            ],
            FLOOR_SIZES.map((n) => {
                const r = results.get(n)!;
                return [
                    n,
                    r.program[0].registrations,
                    `${median(ratios(n, "cpuMs")).toFixed(2)}×`,
                    range(ratios(n, "cpuMs")),
                    `${median(ratios(n, "wallMs")).toFixed(2)}×`,
                    range(ratios(n, "wallMs")),
                    med(r.program, "cpuMs").toFixed(0),
                    med(r.floor, "cpuMs").toFixed(0),
                    med(r.program, "maxRssMiB").toFixed(0),
                    med(r.floor, "maxRssMiB").toFixed(0),
                ];
            }),
        ),
    );
    const mismatched = FLOOR_SIZES.filter((n) => {
        const r = results.get(n)!;
        return [...r.program, ...r.floor].some((s) => s.registrations !== r.program[0].registrations);
    });
    if (mismatched.length)
        console.log(
            `\nWARNING: the floor registered a different count than the program at ${mismatched.join(", ")} services`,
        );
    const base = median(FLOOR_SIZES.flatMap((n) => results.get(n)!.program.map((s) => s.rssBaseMiB)));
    console.log(
        `\nRatios: program ÷ floor within each pair, median (and range) of ${RUNS} pairs; CPU is the child's user + system time over the program's span, wall its hrtime. Both children load the same modules first (RSS ${base.toFixed(0)} MiB before the program), so the peak RSS difference is the program's own memory.`,
    );
    if (FLOOR_SIZES.length > 1) {
        const growth = (side: "program" | "floor", key: keyof FloorSample) =>
            perServiceIncrements(FLOOR_SIZES.map((n) => ({ services: n, count: med(results.get(n)![side], key) })));
        const p = growth("program", "cpuMs");
        const f = growth("floor", "cpuMs");
        const pr = growth("program", "maxRssMiB");
        const fr = growth("floor", "maxRssMiB");
        const spans = FLOOR_SIZES.slice(1).map((n, i) => `${FLOOR_SIZES[i]}→${n}`);
        console.log(`\nPer-service growth (between consecutive sizes, medians):\n`);
        console.log(
            table(
                [
                    "services",
                    "program CPU ms/service",
                    "floor CPU ms/service",
                    "ratio",
                    "program RSS MiB/service",
                    "floor RSS MiB/service",
                ],
                spans.map((span, i) => [
                    span,
                    p[i].toFixed(1),
                    f[i].toFixed(1),
                    `${(p[i] / f[i]).toFixed(2)}×`,
                    pr[i].toFixed(2),
                    fr[i].toFixed(2),
                ]),
            ),
        );
    }
    const largest = Math.max(...FLOOR_SIZES);
    const ratio = median(ratios(largest, "cpuMs"));
    console.log(
        `\nCriterion (issue #27) program CPU ≤ ${FLOOR_BUDGET}× the floor at ${largest} services: ${ratio.toFixed(2)}× — ${ratio <= FLOOR_BUDGET ? "met" : "NOT met"}`,
    );
}

async function main() {
    const started = Date.now();
    const load = () =>
        os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" ");
    console.log(
        `# crossmesh bench — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? "?"}), node ${process.version}, ${os.platform()} ${os.release()}, load average ${load()}\n`,
    );
    if (SECTIONS.has("critical")) await criticalPath();
    if (SECTIONS.has("scale")) await scale();
    if (SECTIONS.has("floor")) await programVsFloor();
    console.log(`\n(load average at the end: ${load()}; timings on a shared machine vary with its load)`);
    console.log(
        `(bench finished in ${((Date.now() - started) / 1000).toFixed(0)} s; durations and their sources: tools/bench/durations.ts; inherent waits: tools/bench/inherent.ts)`,
    );
    process.exit(0);
}

main().catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
});
