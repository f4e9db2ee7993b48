// `npm run bench`: the deploy critical path of the default stack against its inherent lower bound,
// and how program time, resource count and memory grow with the number of exported services.
// Usage: npm run bench [-- --runs 5 --sizes 1,10,50,100 --stack dev --child-node-args "--stack-trace-limit=2"]
import * as os from "node:os";
import { runStack } from "../simulator/stack";
import { durationOf } from "./durations";
import { deployGraphFrom, label } from "./graph";
import { criticalPathReport, ratioUnderPerturbation } from "./report";
import { ScaleSample, median, perServiceIncrements, runChild } from "./scale";
import { minutes, table } from "./table";

function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const RUNS = Number(arg("runs", "5"));
const SIZES = arg("sizes", "1,10,50,100").split(",").map(Number);
const STACK = arg("stack", "dev");
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
    await criticalPath();
    await scale();
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
