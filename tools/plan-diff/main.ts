// Writes the PR comment body comparing two plan roots (one subdirectory per stack, from `npm run plan`), or two
// single-stack plan folders (e.g. plan/before and plan/after); with --text, the change view for a terminal instead.
// Usage: tsx tools/plan-diff/main.ts --base plans/base --head plans/head [--note "…"] [--base-ref sha]
//        [--head-ref sha] [--out comment.md]      (without --out: to stdout)
//        tsx tools/plan-diff/main.ts --base plan/before --head plan/after --text
import * as fs from "node:fs";
import { diffPlanRoots, renderComment, renderText } from "./diff";

function arg(name: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : undefined;
}

const base = arg("base");
const head = arg("head");
if (!base || !head) {
    console.error(
        "usage: tsx tools/plan-diff/main.ts --base <plan root> --head <plan root> [--text] [--note text] [--base-ref sha] [--head-ref sha] [--out file]",
    );
    process.exit(2);
}
let body: string;
try {
    const diffs = diffPlanRoots(base, head);
    body = process.argv.includes("--text")
        ? renderText(diffs)
        : renderComment(diffs, { note: arg("note") || undefined, baseRef: arg("base-ref"), headRef: arg("head-ref") });
} catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
}
const out = arg("out");
if (out) fs.writeFileSync(out, body);
else process.stdout.write(body);
