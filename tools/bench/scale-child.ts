// One scale run, in its own process: `node --import tsx tools/bench/scale-child.ts <services> [stack]`.
// Prints one JSON line (ScaleSample without processMs) and exits.
import type { ScaleSample } from "./scale";
import { servicesOverride } from "./scale";

async function main() {
    const services = Number(process.argv[2]);
    const stack = process.argv[3] ?? "dev";
    if (!Number.isInteger(services) || services < 1) throw new Error("usage: scale-child.ts <services ≥ 1> [stack]");
    const override = servicesOverride(services);

    // Module loading (provider SDKs, components) is a fixed cost, paid before the program constructs
    // anything; timed apart so `programMs` is construction + registration only. Loading these modules
    // creates no resources, so doing it before the simulator starts is safe.
    const t0 = performance.now();
    await import("../../components");
    const { runStack } = await import("../simulator/stack");
    const t1 = performance.now();
    const rssBaseMiB = process.memoryUsage.rss() / 1024 / 1024;
    const windowStart = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const run = await runStack({ stack, overrides: { services: override } });
    const cpu = process.cpuUsage(cpu0);
    const windowEnd = process.hrtime.bigint();
    const t2 = performance.now();

    const sample: Omit<ScaleSample, "processMs"> = {
        services,
        importMs: t1 - t0,
        programMs: t2 - t1,
        programCpuMs: (cpu.user + cpu.system) / 1000,
        resources: run.graph.resources.length,
        customResources: run.graph.resources.filter((r) => r.custom).length,
        maxRssMiB: process.resourceUsage().maxRSS / 1024,
        rssBaseMiB,
        // The program's window on the monotonic clock (µs), which V8's CPU profiles use too.
        windowUs: [Number(windowStart / 1000n), Number(windowEnd / 1000n)],
    };
    console.log(JSON.stringify(sample));
    // The SDK may keep handles open after the program; the run is over.
    process.exit(0);
}

main().catch((e) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
});
