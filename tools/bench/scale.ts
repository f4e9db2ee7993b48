// Scale runs: the stack program for N exported services, each run in a fresh child process (the
// program is a module and runs once per process), and the statistics over the runs.
import { execFile } from "node:child_process";
import * as path from "node:path";

/** What one child run reports (scale-child.ts prints it as JSON on its last line). */
export interface ScaleSample {
    services: number;
    /** Loading the components and provider SDK modules (before the program runs). */
    importMs: number;
    /** Config read, component construction and registration of every resource, until all RPCs settle. */
    programMs: number;
    /** CPU (user + system) of the child over the same span as programMs. */
    programCpuMs: number;
    /** The child process from spawn to exit (node + tsx start-up included), measured by the parent. */
    processMs: number;
    /** Every registered resource, components and the stack included. */
    resources: number;
    /** Custom resources: what the providers create. */
    customResources: number;
    /** Peak resident set size of the child, MiB. */
    maxRssMiB: number;
    /** Resident set size once the modules are loaded, before the program runs, MiB. */
    rssBaseMiB: number;
    /** The program's span on the monotonic clock, µs (as V8's CPU profiles count time). */
    windowUs: [number, number];
}

/** `services` config for N Lambda-backed hosts svc1.external … svcN.external, callable from `apps`. */
export function servicesOverride(
    n: number,
): { host: string; lambda: Record<string, never>; allowedSources: { namespace: string }[] }[] {
    return Array.from({ length: n }, (_, i) => ({
        host: `svc${i + 1}.external`,
        lambda: {},
        allowedSources: [{ namespace: "apps" }],
    }));
}

export function median(values: number[]): number {
    if (values.length === 0) throw new Error("median of nothing");
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Resources added per extra service between consecutive sizes, e.g. sizes [1, 10] with counts
 * [40, 130] → [10]. Constant growth means every entry is the same.
 */
export function perServiceIncrements(points: { services: number; count: number }[]): number[] {
    const sorted = [...points].sort((a, b) => a.services - b.services);
    return sorted.slice(1).map((p, i) => (p.count - sorted[i].count) / (p.services - sorted[i].services));
}

const CHILD = path.join(__dirname, "scale-child.ts");

/** Runs the stack program once in a fresh `node --import tsx` process. */
export function runChild(services: number, stack: string, nodeArgs: string[] = []): Promise<ScaleSample> {
    return runTsChild<Omit<ScaleSample, "processMs">>(
        CHILD,
        [String(services), stack],
        nodeArgs,
        `scale run with ${services} services`,
    );
}

/**
 * Runs `script` in a fresh `node --import tsx` process and parses the JSON it prints on its last line;
 * `processMs` is the child from spawn to exit, measured here.
 */
export function runTsChild<T extends object>(
    script: string,
    args: string[],
    nodeArgs: string[],
    what: string,
): Promise<T & { processMs: number }> {
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            [...nodeArgs, "--import", "tsx", script, ...args],
            { maxBuffer: 64 * 1024 * 1024 },
            (err, stdout, stderr) => {
                const processMs = Number(process.hrtime.bigint() - started) / 1e6;
                if (err) return reject(new Error(`${what} failed: ${stderr.trim() || err.message}`));
                const last = stdout.trim().split("\n").pop() ?? "";
                try {
                    resolve({ ...(JSON.parse(last) as T), processMs });
                } catch {
                    reject(new Error(`${what} printed no result: ${stdout.slice(-500)}${stderr.slice(-500)}`));
                }
            },
        );
    });
}
