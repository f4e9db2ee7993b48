// `npm test`: the format check (Prettier) and lint (eslint), and every test/*.test.ts under node's test runner,
// all at once: each check is one process on one core, and the test files run --test-concurrency at a time.
//   node --import tsx tools/test/main.ts [--concurrency N]
// - The test files run in the runner's own processes (one per file, as `node --test` runs them), the slowest
//   first (by the durations of the last run on this checkout, else by the list below), so that the last to
//   finish are short ones; the files test/typescript-programs.ts imports run in that one process, which
//   parses the large @pulumi/* declarations once for all of them (test/support/typescript.ts).
// - Prettier and eslint keep caches in node_modules/.cache, keyed by each file's content (and their version
//   and options): an unchanged file is not checked again, a changed one always is.
// - The typecheck (tsc --noEmit -p tsconfig.json) is test/typecheck.test.ts.
// Prints the checks' output and each test file's duration at the end; exits 1 if anything failed.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { finished } from "node:stream/promises";
import { run } from "node:test";
import { spec } from "node:test/reporters";

const ROOT = path.join(__dirname, "..", "..");
const TEST = path.join(ROOT, "test");
const CACHE = path.join(ROOT, "node_modules", ".cache");
const DURATIONS = path.join(CACHE, "crossmesh-tests", "durations.json");
const BUNDLE = path.join(TEST, "typescript-programs.ts");

const CHECKS: { name: string; command: string; args: string[] }[] = [
    {
        name: "format (prettier)",
        command: "prettier",
        args: ["--check", "--cache", "--cache-strategy", "content", "."],
    },
    {
        name: "lint (eslint)",
        command: "eslint",
        args: [
            "--cache",
            "--cache-strategy",
            "content",
            "--cache-location",
            path.join(CACHE, "eslint") + path.sep,
            ".",
        ],
    },
];

/** Without durations of an earlier run: the slowest files, slowest first (measured on 2 cores). */
const SLOWEST = [
    "package-consumer.test.ts",
    "preview-identity.test.ts",
    "package-plugin.test.ts",
    "typescript-programs.ts",
    "status.test.ts",
    "plan.test.ts",
    "stack-many-lambdas.test.ts",
    "crossmesh-link-validation.test.ts",
    "link-existing-functions.test.ts",
    "stack-runner.test.ts",
    "lambda-alb-validation.test.ts",
    "bench-floor.test.ts",
    "stack-cli-loader.test.ts",
    "istio-install-helm-repo.test.ts",
];

interface Ran {
    code: number | null;
    output: string;
    ms: number;
}

function check(command: string, args: string[]): Promise<Ran> {
    const started = Date.now();
    return new Promise((resolve) => {
        const exe = path.join(ROOT, "node_modules", ".bin", process.platform === "win32" ? `${command}.cmd` : command);
        const child = spawn(exe, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("error", (e) => resolve({ code: -1, output: `${output}${e.message}\n`, ms: Date.now() - started }));
        child.on("close", (code) => resolve({ code, output, ms: Date.now() - started }));
    });
}

/** The test files, each bundled one replaced by the bundle, slowest first. */
function testFiles(): string[] {
    const bundled = new Set(
        [...fs.readFileSync(BUNDLE, "utf8").matchAll(/^import "\.\/([^"]+)";$/gm)].map((m) => `${m[1]}.ts`),
    );
    const files = fs
        .readdirSync(TEST)
        .filter((f) => f.endsWith(".test.ts") && !bundled.has(f))
        .concat(path.basename(BUNDLE))
        .sort();
    let last: Record<string, number> = {};
    try {
        last = JSON.parse(fs.readFileSync(DURATIONS, "utf8")) as Record<string, number>;
    } catch {
        // No earlier run: the list above.
    }
    const rank = (f: string) => {
        if (Object.keys(last).length > 0) return -(last[f] ?? Number.MAX_SAFE_INTEGER); // a new file: first
        const i = SLOWEST.indexOf(f);
        return i < 0 ? SLOWEST.length : i;
    };
    return files
        .map((f, i) => ({ f, i, r: rank(f) }))
        .sort((a, b) => a.r - b.r || a.i - b.i)
        .map((x) => path.join(TEST, x.f));
}

async function main(): Promise<number> {
    const flag = process.argv.indexOf("--concurrency");
    const concurrency = flag > 0 ? Number(process.argv[flag + 1]) : 3;
    const started = Date.now();
    const checks = CHECKS.map((c) => check(c.command, c.args));

    let failed = false;
    const durations: Record<string, number> = {};
    const stream = run({ files: testFiles(), concurrency });
    stream.on("test:fail", () => (failed = true));
    stream.on(
        "test:complete",
        (d: { name: string; file?: string; nesting: number; details: { duration_ms: number } }) => {
            if (d.nesting === 0 && d.file !== undefined && d.name === d.file)
                durations[path.relative(TEST, d.file)] = Math.round(d.details.duration_ms);
        },
    );
    const report = stream.compose(new spec());
    report.pipe(process.stdout, { end: false });
    await finished(report);

    const slowest = Object.entries(durations).sort((a, b) => b[1] - a[1]);
    process.stdout.write(`\nTest files by duration (concurrency ${concurrency}):\n`);
    for (const [f, ms] of slowest.slice(0, 15))
        process.stdout.write(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${f}\n`);
    if (Object.keys(durations).length > 0) {
        fs.mkdirSync(path.dirname(DURATIONS), { recursive: true });
        fs.writeFileSync(DURATIONS, JSON.stringify(durations, null, 1));
    }

    for (const [i, c] of CHECKS.entries()) {
        const done = await checks[i]!;
        if (done.code !== 0) failed = true;
        process.stdout.write(`\n> ${c.command} ${c.args.join(" ")}\n${done.output}`);
        process.stdout.write(`${done.code === 0 ? "✔" : "✖"} ${c.name} (${(done.ms / 1000).toFixed(1)} s)\n`);
    }
    process.stdout.write(`\n${failed ? "✖ failed" : "✔ passed"} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return failed ? 1 : 0;
}

main().then(
    (code) => (process.exitCode = code),
    (e) => {
        console.error(e);
        process.exitCode = 1;
    },
);
