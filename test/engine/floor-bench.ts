// The program against its floor under the real engine (issue 27): `up` of test/engine/program (a CrossMeshLink
// over adopted Istio with N upstream services) against test/engine/floor-program — a logic-free replay of exactly
// what the program registered (tools/bench/floor.ts) — on the same two local control planes, in pairs, alternating
// which goes first, each `up` from an empty stack (a destroy, untimed, between), after one untimed round of each.
//   npm run bench:engine [-- --services 100 --pairs 4 --floor full|data --components dist|source]
// The program loads crossmesh as a package user's program does, from the built package (`npm run build`, then
// the scratch tree's components/ is dist/: its .js run, its .d.ts type-check the program); `--components source`
// has ts-node compile and type-check crossmesh's TypeScript sources inside the `up`, as the engine tests do.
// `--floor data`: the floor without the program's explicit dependsOn (data alone orders it), to see what crossmesh's
// own ordering costs.
// Prints, per pair, each `up`'s wall time and CPU (user + system of the CLI, the language host and the provider
// plugins: the command's reaped children, from /usr/bin/time) and the ratios, and the CPU of the program's own
// Node.js process (where crossmesh runs); then the medians.
// Needs the real-engine binaries (test/real/build.sh); starts the clusters if they are not running and stops
// what it started.
import * as fs from "node:fs";
import * as path from "node:path";
import { median } from "../../tools/bench/scale";
import { EngineSession, BIN, ROOT, TOOLS, clustersRunning, sh, skipReason, tool, ENGINE_BINARIES } from "./harness";

function arg(name: string, fallback: string): string {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** A child process's mode: what the program sends the monitor, under the simulator, as a floor Recording. */
async function record(services: number, out: string): Promise<void> {
    const { runProgram } = await import("../../tools/simulator/stack");
    const run = await runProgram({
        project: "crossmesh-engine",
        stack: "program",
        config: { services: String(services) },
        recordRequests: true,
        program: async () => ({ ...(await import("./program/index")) }),
    });
    fs.writeFileSync(out, JSON.stringify({ steps: run.graph.requests }));
    console.log(`recorded ${run.graph.requests.length} requests`);
    process.exit(0);
}

const PULUMI = path.join(BIN, "pulumi");
/** The two stacks, each in its own project folder with its own environment. */
type Which = "program" | "floor";
interface Where {
    cwd: string;
    env: NodeJS.ProcessEnv;
}
/** The CLI on one of the stacks. */
const cli = (stack: Which, where: Where, ...args: string[]) =>
    sh(PULUMI, [...args, "--stack", stack, "--non-interactive"], where);

interface Sample {
    wallS: number;
    cpuS: number;
    /** CPU of the program's own process (the Node.js program the language host starts). */
    programCpuS: number;
    resources: number;
}

/** Preloaded into the program's Node.js process: appends its CPU (user + system, µs) to a file at exit. */
const CPU_REPORTER = `const fs = require("node:fs");
process.on("exit", () => {
    const { user, system } = process.cpuUsage();
    fs.appendFileSync(process.env.FLOOR_BENCH_CPU, (user + system) + "\\n");
});
`;

/**
 * `pulumi up` of a stack, timed with /usr/bin/time (wall, and CPU of every process it waited for), the program's
 * own process's CPU reported by a preload (NODE_OPTIONS reaches it through the language host).
 */
function timedUp(s: EngineSession, stack: Which, { cwd, env }: Where): Sample {
    const times = path.join(s.scratch, "time.txt");
    const reporter = path.join(s.scratch, "cpu-reporter.cjs");
    const reported = path.join(s.scratch, "program-cpu.txt");
    fs.writeFileSync(reporter, CPU_REPORTER);
    fs.rmSync(reported, { force: true });
    const nodeOptions = [env.NODE_OPTIONS, `--require ${reporter}`].filter(Boolean).join(" ");
    sh(
        "/usr/bin/time",
        ["-f", "%e %U %S", "-o", times, PULUMI, "up", "--yes", "--skip-preview", "--stack", stack, "--non-interactive"],
        { cwd, env: { ...env, NODE_OPTIONS: nodeOptions, FLOOR_BENCH_CPU: reported } },
    );
    const programCpuS = fs.existsSync(reported)
        ? fs
              .readFileSync(reported, "utf8")
              .split("\n")
              .filter(Boolean)
              .reduce((sum, us) => sum + Number(us) / 1e6, 0)
        : NaN;
    const [wall, user, system] = fs.readFileSync(times, "utf8").trim().split("\n").pop()!.split(" ").map(Number);
    const state = JSON.parse(cli(stack, { cwd, env }, "stack", "export").stdout);
    return { wallS: wall!, cpuS: user! + system!, programCpuS, resources: state.deployment.resources?.length ?? 0 };
}

async function main(): Promise<void> {
    if (process.argv[2] === "record") return record(Number(process.argv[3]), process.argv[4]!);
    const services = Number(arg("services", "100"));
    const pairs = Number(arg("pairs", "4"));
    const floorKind = arg("floor", "full");
    if (floorKind !== "full" && floorKind !== "data") throw new Error("--floor: full or data");
    const components = arg("components", "dist");
    if (components !== "dist" && components !== "source") throw new Error("--components: dist or source");
    const missing = skipReason(ENGINE_BINARIES);
    if (missing) throw new Error(missing);

    const alive = clustersRunning();
    const kube = tool("clusters-up.sh");
    tool("seed-adopted.sh", [kube.EKS_KUBECONFIG!, "ingress"]);
    tool("seed-adopted.sh", [kube.GKE_KUBECONFIG!, "egress"]);
    const s = new EngineSession(path.join(__dirname, "program"), {
        eks: kube.EKS_KUBECONFIG!,
        gke: kube.GKE_KUBECONFIG!,
    });
    try {
        s.clearLeftovers();
        // The floor's program imports tools/bench/floor.ts from the scratch tree, as the program imports components/.
        fs.symlinkSync(path.join(ROOT, "tools"), path.join(s.scratch, "tools"));
        if (components === "dist") {
            sh("npm", ["run", "build"], { cwd: ROOT });
            fs.rmSync(path.join(s.scratch, "components"), { recursive: true, force: true });
            fs.symlinkSync(path.join(ROOT, "dist"), path.join(s.scratch, "components"));
        }
        const floor = s.project(path.join(__dirname, "floor-program"));
        const recording = path.join(s.scratch, "recording.json");
        const rec = sh(process.execPath, ["--import", "tsx", __filename, "record", String(services), recording], {
            cwd: ROOT,
            env: s.env,
        });
        console.log(`# ${rec.stdout.trim()} (the program under the simulator, ${services} services)`);
        const where: Record<Which, Where> = {
            program: { cwd: s.work, env: s.env },
            floor: { cwd: floor.work, env: { ...s.env, FLOOR_RECORDING: recording, FLOOR_DEPENDS_ON: floorKind } },
        };
        cli("program", where.program, "stack", "init");
        cli("program", where.program, "config", "set", "services", String(services));
        cli("floor", where.floor, "stack", "init");
        const run = (which: Which) => timedUp(s, which, where[which]);
        const destroy = (which: Which) => cli(which, where[which], "destroy", "--yes", "--skip-preview");
        // One untimed round of each first: the first `up` on fresh clusters pays for cold caches (the plugins'
        // binaries, the API servers' first writes of each kind), which would fall on whichever ran first.
        for (const which of ["floor", "program"] as const) {
            run(which);
            destroy(which);
        }
        console.log(
            `\n## up: program vs floor under the real engine — ${services} services, ${pairs} pairs on the same clusters, alternating order after an untimed round of each; crossmesh from ${components === "dist" ? "the built package" : "its sources"}; floor: ${floorKind === "full" ? "the same requests, dependsOn included" : "the same requests without explicit dependsOn"}\n`,
        );
        console.log(
            "| pair | first | program wall | floor wall | wall ratio | program CPU | floor CPU | CPU ratio | its Node.js process: program / floor | resources |",
        );
        console.log("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        const wallRatios: number[] = [];
        const cpuRatios: number[] = [];
        const programCpu: { program: number[]; floor: number[] } = { program: [], floor: [] };
        for (let i = 0; i < pairs; i++) {
            const order: Which[] = i % 2 === 0 ? ["program", "floor"] : ["floor", "program"];
            const got: Partial<Record<Which, Sample>> = {};
            for (const which of order) {
                got[which] = run(which);
                destroy(which);
            }
            const p = got.program!;
            const f = got.floor!;
            if (p.resources !== f.resources)
                throw new Error(`the floor made ${f.resources} resources, the program ${p.resources}`);
            wallRatios.push(p.wallS / f.wallS);
            cpuRatios.push(p.cpuS / f.cpuS);
            programCpu.program.push(p.programCpuS);
            programCpu.floor.push(f.programCpuS);
            console.log(
                `| ${i + 1} | ${order[0]} | ${p.wallS.toFixed(1)} s | ${f.wallS.toFixed(1)} s | ${(p.wallS / f.wallS).toFixed(2)}× | ${p.cpuS.toFixed(1)} s | ${f.cpuS.toFixed(1)} s | ${(p.cpuS / f.cpuS).toFixed(2)}× | ${p.programCpuS.toFixed(1)} / ${f.programCpuS.toFixed(1)} s | ${p.resources} |`,
            );
        }
        console.log(
            `\nmedian of the pairs' ratios: wall ${median(wallRatios).toFixed(2)}×, CPU ${median(cpuRatios).toFixed(2)}×; the Node.js process's CPU, median: program ${median(programCpu.program).toFixed(1)} s, floor ${median(programCpu.floor).toFixed(1)} s (load average now ${fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")})`,
        );
    } finally {
        s.stopWatches();
        if (!alive) sh(path.join(TOOLS, "clusters-down.sh"), [], { cwd: ROOT, allowFail: true });
    }
}

main().catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
});
