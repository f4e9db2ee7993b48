// Runs a fixture program in a separate node process and parses the JSON it prints. The exit status is
// not used: after a failed registration the Pulumi runtime's exit hook reports the promises it left.
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export function runFixture<T>(fixture: string, ...args: string[]): T {
    const run = spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(__dirname, "..", "fixtures", fixture), ...args],
        {
            cwd: path.join(__dirname, "..", ".."),
            encoding: "utf8",
        },
    );
    if (!run.stdout) throw new Error(`fixture ${fixture} printed nothing: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
}
