// Every GitHub workflow passes actionlint with 0 problems: syntax, expressions, job needs, action
// inputs of well-known actions (pulumi/actions, setup-gcloud…), permissions, and shellcheck of `run:`
// scripts when shellcheck is installed. actionlint is built once with `go install` into
// ~/.cache/crossmesh-tools (override with CROSSMESH_TOOLS_DIR) and reused; without Go the test is
// skipped with the reason printed.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";

const ROOT = path.join(__dirname, "..");
/** A release the Go module proxy serves (`go list -m -versions github.com/rhysd/actionlint`). */
export const ACTIONLINT_VERSION = "v1.7.12";
const TOOLS = process.env.CROSSMESH_TOOLS_DIR ?? path.join(os.homedir(), ".cache", "crossmesh-tools");
const BIN_DIR = path.join(TOOLS, `actionlint-${ACTIONLINT_VERSION}`);
const BIN = path.join(BIN_DIR, "actionlint");

const workflows = fs
    .readdirSync(path.join(ROOT, ".github", "workflows"))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();

function haveGo(): boolean {
    return spawnSync("go", ["version"], { encoding: "utf8" }).status === 0;
}

/** The cached binary, or a fresh `go install` (about 25 s cold on a 2-core machine, most of it downloads). */
function actionlint(): string | undefined {
    if (fs.existsSync(BIN)) return BIN;
    if (!haveGo()) return undefined;
    fs.mkdirSync(BIN_DIR, { recursive: true });
    const started = Date.now();
    const build = spawnSync("go", ["install", `github.com/rhysd/actionlint/cmd/actionlint@${ACTIONLINT_VERSION}`], {
        env: { ...process.env, GOBIN: BIN_DIR, GOFLAGS: "-buildvcs=false" },
        encoding: "utf8",
        timeout: 300_000,
    });
    assert.equal(build.status, 0, `go install actionlint@${ACTIONLINT_VERSION} failed: ${build.stderr}`);
    console.log(`# built actionlint ${ACTIONLINT_VERSION} in ${((Date.now() - started) / 1000).toFixed(1)} s → ${BIN}`);
    return BIN;
}

const bin = actionlint();
const skip = bin
    ? false
    : "Go is not installed (needed to build actionlint with `go install`); install Go ≥ 1.22 to run this check";
if (skip) console.log(`# skipped: ${skip}`);

test("the repository has the workflows the docs describe", () => {
    assert.deepEqual(workflows, ["drift.yml", "plan-comment.yml", "preview.yml", "up.yml"]);
});

test(`actionlint ${ACTIONLINT_VERSION} reports 0 problems on every workflow`, { skip, timeout: 120_000 }, () => {
    const run = spawnSync(bin!, ["-no-color", ...workflows.map((f) => path.join(".github", "workflows", f))], {
        cwd: ROOT,
        encoding: "utf8",
    });
    assert.equal(run.stdout + run.stderr, "", "actionlint problems");
    assert.equal(run.status, 0);
});

test("actionlint catches a broken workflow (so a pass above means something)", { skip }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-actionlint-"));
    fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    const broken = fs
        .readFileSync(path.join(ROOT, ".github", "workflows", "preview.yml"), "utf8")
        .replace("edit-pr-comment: true", "edit-pr-comments: true");
    fs.writeFileSync(path.join(dir, ".github", "workflows", "preview.yml"), broken);
    const run = spawnSync(bin!, ["-no-color", path.join(".github", "workflows", "preview.yml")], {
        cwd: dir,
        encoding: "utf8",
    });
    assert.equal(run.status, 1);
    assert.match(run.stdout, /input "edit-pr-comments" is not defined in action "pulumi\/actions@v6"/);
});
