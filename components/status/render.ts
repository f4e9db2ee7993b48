// The human form of a status report: the verdict first, then a compact table per side of each link,
// every failing check with what to do. Colour only when asked (the CLI asks on a TTY).
import type { Check, LinkStatus, StatusReport, Verdict } from "./report";

const SIDE_TITLE: Record<Check["side"], string> = {
    eks: "EKS (exporting side)",
    gke: "GKE (importing side)",
    probe: "Probe (calls from the GKE mesh)",
};
const MARK: Record<Check["state"], string> = { ok: "✓", warn: "!", fail: "✗", unknown: "?" };
const EXIT_MEANING = { 0: "healthy", 1: "degraded or failing", 2: "could not check" } as const;

interface Paint {
    (code: string, text: string): string;
}
const noColour: Paint = (_c, t) => t;
const ansi: Paint = (code, t) => `\u001b[${code}m${t}\u001b[0m`;
const STATE_COLOUR: Record<Check["state"], string> = { ok: "32", warn: "33", fail: "31", unknown: "35" };
const VERDICT_COLOUR: Record<Verdict, string> = { healthy: "32", degraded: "33", failing: "31", unknown: "35" };

function checkLine(c: Check, paint: Paint): string[] {
    const subject = c.host ?? c.object ?? "";
    const head = `  ${paint(STATE_COLOUR[c.state], MARK[c.state])} ${c.check.padEnd(26)} ${c.detail}`;
    const where = subject && !c.detail.includes(subject) ? ` [${subject}]` : "";
    return [head + where, ...(c.fix && c.state !== "ok" ? [`      → ${c.fix}`] : [])];
}

function linkBlock(l: LinkStatus, paint: Paint): string[] {
    const lines = [
        "",
        `${paint("1", `link ${l.link}`)}  ${paint(VERDICT_COLOUR[l.verdict], l.verdict.toUpperCase())}  hosts: ${l.hosts.join(", ") || "none"}`,
    ];
    for (const side of ["eks", "gke", "probe"] as const) {
        const checks = l.checks.filter((c) => c.side === side);
        if (!checks.length) continue;
        lines.push(` ${SIDE_TITLE[side]}`);
        for (const c of checks) lines.push(...checkLine(c, paint));
    }
    return lines;
}

export function renderReport(report: StatusReport, opts: { colour?: boolean } = {}): string {
    const paint = opts.colour ? ansi : noColour;
    const counts = report.links
        .flatMap((l) => l.checks)
        .reduce<Record<string, number>>((n, c) => ({ ...n, [c.state]: (n[c.state] ?? 0) + 1 }), {});
    const summary = (["fail", "warn", "unknown", "ok"] as const)
        .filter((s) => counts[s])
        .map((s) => `${counts[s]} ${s}`)
        .join(", ");
    const lines = [
        `${paint(VERDICT_COLOUR[report.verdict], report.verdict.toUpperCase())} — stack ${report.stack}: ${report.links.length} link(s)${summary ? `, ${summary}` : ""} (exit ${report.exitCode}: ${EXIT_MEANING[report.exitCode]})`,
        ...report.errors.map((e) => `  ${paint(STATE_COLOUR.unknown, "?")} ${e}`),
    ];
    for (const l of report.links) lines.push(...linkBlock(l, paint));
    return lines.join("\n") + "\n";
}
