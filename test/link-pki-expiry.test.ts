// Certificate expiry warnings during an update. Under the simulator with its clock set back, LinkPki
// issues certificates whose end is near the real "now" the component compares with: the way an update
// weeks after the last one sees them. Near the end (renewal window + margin) the update warns with the
// date and what to do; a fresh link does not warn; the thresholds hold for leaves and CAs.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import { settle, startSimulation, valueOf, defaultWorld } from "../tools/simulator";

const DAY = 86_400_000;
let offsetMs = 0;
startSimulation({ world: defaultWorld({ now: () => new Date(Date.now() - offsetMs) }) });

const warnings: string[] = [];
const consoleWarn = console.warn;
console.warn = (...args: unknown[]) => {
    warnings.push(args.map(String).join(" "));
};

/** Builds a link while the simulated clock is `daysAgo` in the past, and returns the warnings it logged. */
async function linkIssued(name: string, daysAgo: number, args: Record<string, unknown> = {}): Promise<string[]> {
    const { LinkPki } = await import("../components/link-pki");
    offsetMs = daysAgo * DAY;
    const from = warnings.length;
    const pki = new LinkPki(name, {
        exportedHosts: ["lambda.external"],
        leafValidityDays: 60,
        leafRenewBeforeDays: 20,
        ...args,
    });
    await Promise.all([
        valueOf(pki.serverCertExpiresAt),
        valueOf(pki.clientCertExpiresAt),
        valueOf(pki.serverCaExpiresAt),
        valueOf(pki.clientCaExpiresAt),
    ]);
    await settle();
    await new Promise((r) => setTimeout(r, 10));
    return warnings.slice(from);
}

let fresh: string[], soon: string[], inWindow: string[], expired: string[], caSoon: string[];
before(async () => {
    fresh = await linkIssued("fresh", 0); // ends in 60 days: 40 before the window opens
    soon = await linkIssued("soon", 35); // ends in 25 days: the 20-day window opens in 5, inside the 7-day margin
    inWindow = await linkIssued("window", 50); // ends in 10 days: inside the window, yet not renewed
    expired = await linkIssued("expired", 61);
    caSoon = await linkIssued("ca", 60, { caValidityDays: 90 }); // CAs end in 30 days = their default 30-day window
    console.warn = consoleWarn;
});

test("a freshly issued link logs no expiry warning", () => {
    assert.deepEqual(
        fresh.filter((w) => w.includes("crossmesh")),
        [],
    );
});

test("a leaf within its renewal window + margin: a warning with the date the next up renews it", () => {
    const leaves = soon.filter((w) => /leaf certificate expires at/.test(w));
    assert.equal(leaves.length, 2, soon.join("\n"));
    const renewFrom = new Date(Date.now() + 5 * DAY).toISOString().slice(0, 10);
    for (const w of leaves) assert.match(w, new RegExp(`the first \`pulumi up\` from ${renewFrom}T\\S+ renews it`));
    assert.ok(
        soon.every((w) => !/CA/.test(w)),
        "the CAs are years away",
    );
});

test("a leaf inside its window says the update should have replaced it; an expired one says run up now", () => {
    assert.equal(inWindow.filter((w) => /inside its 20-day renewal window/.test(w)).length, 2, inWindow.join("\n"));
    assert.equal(
        expired.filter((w) => /leaf certificate expired at .*run it now/.test(w)).length,
        2,
        expired.join("\n"),
    );
});

test("a CA near its window warns too, and says how to rotate it without an outage", () => {
    const cas = caSoon.filter((w) => /crossmesh (server|client) CA/.test(w));
    assert.equal(cas.length, 2, caSoon.join("\n"));
    for (const w of cas) assert.match(w, /serverTrustsExtraCaPems\/clientTrustsExtraCaPems/);
});

test("the thresholds: renewal window + 7 days margin, exclusive beyond", async () => {
    const { expiryWarning } = await import("../components/link-pki/expiry");
    const now = new Date("2026-06-01T00:00:00Z");
    const end = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
    const leaf = (days: number) =>
        expiryWarning({ what: "leaf", kind: "leaf", validityEndTime: end(days), renewBeforeDays: 20 }, now);
    assert.equal(leaf(27.01), undefined);
    assert.match(leaf(27)!, /renews it/);
    assert.match(leaf(20)!, /inside its 20-day renewal window/);
    assert.match(leaf(0)!, /expired/);
});
