// One run of the program or of its floor, in its own process (tools/bench/floor.ts):
//   node --import tsx tools/bench/floor-child.ts program <services> <stack> [--record <file>]
//   node --import tsx tools/bench/floor-child.ts floor <recording file> <stack> [--record <file>]
// `program` runs the stack program with N services; `floor` replays a recording under the same simulator.
// --record writes what the run sent the monitor (a Recording) to <file>: the floor replays the program's, and
// the test compares the two. Prints one JSON line (FloorSample without processMs) and exits.
import * as fs from "node:fs";
import type { Recording } from "./floor";
import { servicesOverride } from "./scale";

/** What one child run reports. Same modules loaded in both modes, so RSS compares the programs' own memory. */
export interface FloorSample {
    mode: "program" | "floor";
    /** Registration requests sent (reads and the stack included). */
    registrations: number;
    /** Wall time of the program, from before it starts until every RPC settled. */
    wallMs: number;
    /** CPU (user + system) of the child over the same span. */
    cpuMs: number;
    /** RSS after the modules loaded, before the program: the same for both modes. */
    rssBaseMiB: number;
    /** Peak RSS of the child. */
    maxRssMiB: number;
    /** The program's span on the monotonic clock, µs (as V8's CPU profiles count time). */
    windowUs: [number, number];
    processMs: number;
}

function arg(name: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main() {
    const [mode, what, stack = "dev"] = process.argv.slice(2);
    if (mode !== "program" && mode !== "floor")
        throw new Error("usage: floor-child.ts program|floor <services|file> <stack>");
    const recordTo = arg("record");
    // The same modules in both modes (the SDKs the floor's classes come from, the components, the simulator).
    await import("../../components");
    const { runStack } = await import("../simulator/stack");
    const { replay } = await import("./floor");
    let run: () => Promise<Awaited<ReturnType<typeof runStack>>>;
    if (mode === "program") {
        const services = Number(what);
        if (!Number.isInteger(services) || services < 1) throw new Error("program: services ≥ 1");
        const overrides = { services: servicesOverride(services) };
        run = () => runStack({ stack, overrides, recordRequests: Boolean(recordTo) });
    } else {
        // Parsing the recording stands for the floor program's source text: done before the clock starts.
        const recording = JSON.parse(fs.readFileSync(what, "utf8")) as Recording;
        run = () => runStack({ stack, program: () => replay(recording), recordRequests: Boolean(recordTo) });
    }
    const rssBaseMiB = process.memoryUsage.rss() / 1024 / 1024;
    const start = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const result = await run();
    const cpu = process.cpuUsage(cpu0);
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (recordTo) fs.writeFileSync(recordTo, JSON.stringify({ steps: result.graph.requests } satisfies Recording));
    const sample: Omit<FloorSample, "processMs"> = {
        mode,
        registrations: result.graph.resources.length,
        wallMs,
        cpuMs: (cpu.user + cpu.system) / 1000,
        rssBaseMiB,
        maxRssMiB: process.resourceUsage().maxRSS / 1024,
        windowUs: [Number(start / 1000n), Number(start / 1000n) + Math.round(wallMs * 1000)],
    };
    console.log(JSON.stringify(sample));
    process.exit(0);
}

main().catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
});
