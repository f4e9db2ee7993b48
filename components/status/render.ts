// The human form of a status report: the verdict first, then a compact table per side of each link (an export:
// its EKS side, then each consumer by name; a consumer: its mesh), every failing check with what to do. Colour
// only when asked (the CLI asks on a TTY).
import type { Check, LinkStatus, StatusReport, Verdict } from "./report";

const SIDE_TITLE: Record<Check["side"], string> = {
    eks: "EKS (exporting side)",
    gke: "GKE (importing side)",
    consumer: "Consumer mesh (importing side)",
    probe: "Probe (calls from the GKE mesh)",
};
/** The probe's title by role: a consumer's calls come from its own mesh; an export has none of its own. */
const PROBE_TITLE: Partial<Record<LinkStatus["role"], string>> = {
    export: "Probe",
    consumer: "Probe (calls from the consumer mesh)",
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
    const role = l.role ?? "link";
    const of =
        role === "consumer" && l.consumer
            ? ` (consumer ${l.consumer} of the export at ${l.remoteGatewayHostname ?? "an unrecorded gateway"})`
            : "";
    const lines = [
        "",
        `${paint("1", `${role} ${l.link}`)}${of}  ${paint(VERDICT_COLOUR[l.verdict], l.verdict.toUpperCase())}  hosts: ${l.hosts.join(", ") || "none"}`,
    ];
    for (const side of ["eks", "gke", "consumer", "probe"] as const) {
        // An export's consumers get blocks of their own, after the side they are checked on.
        const checks = l.checks.filter((c) => c.side === side && !c.consumer);
        const notRun = (l.notRun ?? []).filter((n) => n.side === side);
        if (checks.length || notRun.length)
            lines.push(` ${side === "probe" ? (PROBE_TITLE[role] ?? SIDE_TITLE.probe) : SIDE_TITLE[side]}`);
        for (const c of checks) lines.push(...checkLine(c, paint));
        for (const n of notRun)
            lines.push(`  ${paint(STATE_COLOUR.unknown, "–")} ${n.check.padEnd(26)} not run: ${n.reason}`);
        if (side === "eks")
            for (const c of l.consumers ?? []) {
                lines.push(
                    ` ${paint("1", `consumer ${c.name}`)}  ${paint(VERDICT_COLOUR[c.verdict], c.verdict.toUpperCase())}  ${c.spiffeId ?? "no identity recorded"}  hosts: ${c.hosts.join(", ") || "none"}`,
                );
                for (const x of l.checks.filter((y) => y.consumer === c.name)) lines.push(...checkLine(x, paint));
            }
    }
    return lines;
}

/** `1 link(s)`, `1 export(s) with 2 consumer(s)`, `1 consumer(s)`: what the stack holds. */
function holds(links: readonly LinkStatus[]): string {
    const n = (role: LinkStatus["role"]) => links.filter((l) => (l.role ?? "link") === role);
    const exports = n("export");
    const parts = [
        ...(n("link").length || links.length === 0 ? [`${n("link").length} link(s)`] : []),
        ...(exports.length
            ? [
                  `${exports.length} export(s) with ${exports.reduce((k, l) => k + (l.consumers?.length ?? 0), 0)} consumer(s)`,
              ]
            : []),
        ...(n("consumer").length ? [`${n("consumer").length} consumer(s)`] : []),
    ];
    return parts.join(", ");
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
        `${paint(VERDICT_COLOUR[report.verdict], report.verdict.toUpperCase())} — stack ${report.stack}: ${holds(report.links)}${summary ? `, ${summary}` : ""} (exit ${report.exitCode}: ${EXIT_MEANING[report.exitCode]})`,
        ...report.errors.map((e) => `  ${paint(STATE_COLOUR.unknown, "?")} ${e}`),
    ];
    for (const l of report.links) lines.push(...linkBlock(l, paint));
    return lines.join("\n") + "\n";
}
