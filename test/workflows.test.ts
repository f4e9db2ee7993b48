// What the workflows promise, checked against the repository rather than trusted:
// - every stack file is previewed, updated and drift-checked (no stack silently left out);
// - the scheduled `up` runs often enough that no link certificate leaves its renewal window:
//   at least every min(renewBefore)/3 days over all stacks, as the stacks' config says;
// - the Pulumi CLI is pinned to the SDK release of the lockfile;
// - least privilege: no token beyond `contents: read` in a job that installs dependencies, and the
//   PR-code jobs of the review get no write token or cloud identity.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { listStacks, readStackConfigFile } from "../tools/simulator/stack";
import { DEFAULT_CA_RENEW_BEFORE_DAYS, DEFAULT_LEAF_RENEW_BEFORE_DAYS } from "../components/link-pki/renewal";

const ROOT = path.join(__dirname, "..");
const workflow = (f: string) => parse(fs.readFileSync(path.join(ROOT, ".github", "workflows", f), "utf8"));
const WORKFLOWS = fs
    .readdirSync(path.join(ROOT, ".github", "workflows"))
    .filter((f) => f.endsWith(".yml"))
    .sort();

/** The stacks of a matrix: a list, or the all-stacks list inside a fromJSON(…) expression. */
function matrixStacks(job: any): string[] {
    const m = job.strategy.matrix.stack;
    if (Array.isArray(m)) return [...m].sort();
    const all = /'(\[[^']*\])'\s*\)\s*}}$/.exec(m);
    assert.ok(all, `cannot read the all-stacks list of ${m}`);
    return (JSON.parse(all![1]) as string[]).sort();
}

test("every stack file is previewed, updated and drift-checked", () => {
    const stacks = listStacks();
    assert.deepEqual(matrixStacks(workflow("preview.yml").jobs.preview), stacks, "preview.yml");
    assert.deepEqual(matrixStacks(workflow("up.yml").jobs.up), stacks, "up.yml");
    assert.deepEqual(matrixStacks(workflow("drift.yml").jobs.drift), stacks, "drift.yml");
    assert.deepEqual(
        [...workflow("up.yml").on.workflow_dispatch.inputs.stack.options].sort(),
        ["all", ...stacks].sort(),
        "up.yml's manual choice",
    );
});

// --- cron: the five standard fields, with *, lists, ranges and steps; GitHub runs schedules in UTC ---
function field(spec: string, min: number, max: number): Set<number> {
    const out = new Set<number>();
    for (const part of spec.split(",")) {
        const [range, stepText] = part.split("/");
        const step = stepText ? Number(stepText) : 1;
        const [lo, hi] =
            range === "*"
                ? [min, max]
                : range.includes("-")
                  ? range.split("-").map(Number)
                  : [Number(range), stepText ? max : Number(range)];
        for (let v = lo; v <= hi; v += step) out.add(v === 7 && max === 6 ? 0 : v);
    }
    return out;
}

export function cronFires(expr: string, from: Date, days: number): Date[] {
    const [mi, h, dom, mon, dow] = expr.trim().split(/\s+/);
    const minutes = field(mi, 0, 59),
        hours = field(h, 0, 23),
        doms = field(dom, 1, 31),
        months = field(mon, 1, 12),
        dows = field(dow, 0, 6);
    const out: Date[] = [];
    for (let d = 0; d < days; d++) {
        const day = new Date(from.getTime() + d * 86_400_000);
        const domOk = doms.has(day.getUTCDate()),
            dowOk = dows.has(day.getUTCDay());
        // As cron does: when both day fields are restricted, either may match.
        const dayOk = dom !== "*" && dow !== "*" ? domOk || dowOk : domOk && dowOk;
        if (!dayOk || !months.has(day.getUTCMonth() + 1)) continue;
        for (const hh of [...hours].sort((a, b) => a - b))
            for (const mm of [...minutes].sort((a, b) => a - b)) {
                out.push(new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hh, mm)));
            }
    }
    return out;
}

/** The longest time between two runs over two years (leap year and month ends included), in days. */
function longestGapDays(crons: string[]): number {
    const fires = crons
        .flatMap((c) => cronFires(c, new Date("2027-01-01T00:00:00Z"), 731))
        .map((d) => d.getTime())
        .sort((a, b) => a - b);
    assert.ok(fires.length > 1, "the schedule never runs");
    let gap = 0;
    for (let i = 1; i < fires.length; i++) gap = Math.max(gap, fires[i] - fires[i - 1]);
    return gap / 86_400_000;
}

test("the cron reader agrees with cron on known schedules (so the cadence check below can fail)", () => {
    assert.equal(longestGapDays(["0 4 * * 1"]), 7);
    assert.equal(longestGapDays(["17 4 * * 1,4"]), 4);
    assert.equal(longestGapDays(["0 0 1 * *"]), 31);
    assert.equal(
        longestGapDays(["0 0 */5 * *"]),
        5,
        "days 1, 6, … 26, 31: from the 26th of a 30-day month to the 1st is 5 days",
    );
});

test("the scheduled up keeps every certificate of every stack inside its renewal window", () => {
    const renewBefore = listStacks()
        .map((stack) => {
            const pki = JSON.parse(readStackConfigFile(stack).config["crossmesh:pki"] ?? "{}");
            // CA renewal is not configurable per stack: its default window applies to every stack.
            return {
                stack,
                days: Math.min(pki.leafRenewBeforeDays ?? DEFAULT_LEAF_RENEW_BEFORE_DAYS, DEFAULT_CA_RENEW_BEFORE_DAYS),
            };
        })
        .sort((a, b) => a.days - b.days)[0];
    const crons = (workflow("up.yml").on.schedule as { cron: string }[]).map((s) => s.cron);
    const gap = longestGapDays(crons);
    assert.ok(
        gap <= renewBefore.days / 3,
        `up.yml runs as rarely as every ${gap} days; stack ${renewBefore.stack} renews ${renewBefore.days} days ahead, so run at least every ${(renewBefore.days / 3).toFixed(1)} days`,
    );
});

test("the drift check runs nightly and fails on any change", () => {
    const drift = workflow("drift.yml");
    assert.ok(longestGapDays(drift.on.schedule.map((s: { cron: string }) => s.cron)) <= 1);
    const script = drift.jobs.drift.steps.map((s: any) => s.run ?? "").join("\n");
    assert.match(script, /pulumi preview --refresh --expect-no-changes/);
    assert.equal(drift.jobs.report.if, "failure()", "a failed check opens an issue");
});

test("the Pulumi CLI is pinned to the @pulumi/pulumi release the lockfile installs", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
    const sdk: string = lock.packages["node_modules/@pulumi/pulumi"].version;
    for (const f of ["preview.yml", "up.yml", "drift.yml"]) {
        const wf = workflow(f);
        assert.equal(String(wf.env.PULUMI_VERSION), sdk, f);
        for (const job of Object.values<any>(wf.jobs))
            for (const step of job.steps ?? []) {
                if (String(step.uses ?? "").startsWith("pulumi/actions@"))
                    assert.equal(
                        step.with["pulumi-version"],
                        "${{ env.PULUMI_VERSION }}",
                        `${f}: every pulumi/actions step`,
                    );
            }
    }
});

test("least privilege: no workflow-wide permissions; installs and PR code never get a write token or a cloud identity", () => {
    for (const f of WORKFLOWS) {
        const wf = workflow(f);
        assert.deepEqual(wf.permissions, {}, `${f}: permissions are granted per job`);
        for (const [name, job] of Object.entries<any>(wf.jobs)) {
            const scripts = (job.steps ?? []).map((s: any) => s.run ?? "").join("\n");
            const installs = /npm ci|\.ci\/run/.test(scripts);
            const perms = job.permissions ?? {};
            if (installs) assert.deepEqual(perms, { contents: "read" }, `${f} ${name} installs dependencies`);
            const writes = Object.entries(perms)
                .filter(([, v]) => v === "write")
                .map(([k]) => k);
            if (writes.length)
                assert.doesNotMatch(
                    scripts,
                    /npm ci|\.ci\/run|npm run|tsx/,
                    `${f} ${name} has ${writes} and runs repository code`,
                );
        }
    }
    const preview = workflow("preview.yml");
    assert.deepEqual(
        preview.jobs.plan.permissions,
        { contents: "read" },
        "the review of fork code has a read-only token",
    );
    assert.match(
        preview.jobs.preview.if,
        /head\.repo\.full_name == github\.repository/,
        "fork PRs skip the credentialed preview",
    );
    assert.match(preview.jobs.preview.if, /dependabot\[bot\]/, "Dependabot PRs skip the credentialed preview");
    assert.ok(preview.concurrency.group.includes("github.event.pull_request.number"), "one preview per PR at a time");
    const commenter = workflow("plan-comment.yml");
    assert.deepEqual(
        Object.keys(commenter.on),
        ["workflow_run"],
        "the commenter runs on workflow_run, never on pull_request_target",
    );
    assert.ok(
        commenter.jobs.comment.steps.every((s: any) => !String(s.uses ?? "").startsWith("actions/checkout")),
        "the commenter checks out no code",
    );
});
