// Plain-text tables for the benchmark's stdout (aligned columns, numbers right-aligned).

export function table(header: string[], rows: (string | number)[][]): string {
    const cells = [header, ...rows.map((r) => r.map(String))];
    const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
    const numeric = header.map(
        (_, c) =>
            rows.length > 0 &&
            rows.every((r) => typeof r[c] === "number" || /^[\d.,\s×%+-]+[a-zA-Z%]*$/.test(String(r[c]))),
    );
    const line = (r: string[]) =>
        r
            .map((v, c) => (numeric[c] ? v.padStart(widths[c]) : v.padEnd(widths[c])))
            .join("  ")
            .trimEnd();
    return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/** Seconds as "m:ss" with the seconds figure too: 185.3 → "3:05 (185.3 s)". */
export function minutes(seconds: number): string {
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds - m * 60);
    return `${m}:${String(s).padStart(2, "0")} (${seconds.toFixed(1)} s)`;
}
