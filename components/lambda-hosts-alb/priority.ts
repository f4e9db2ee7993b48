// Listener-rule priorities for host-routed functions. The rules match distinct exact hosts, so their
// order never changes which function answers; a priority only has to be unique on the listener and,
// above all, stable: if priorities followed list positions, removing one host would shift every later
// rule onto a priority that is freed only when the old rule is deleted, which Pulumi does last, and the
// update would fail with PriorityInUse. So each host's priority comes from a hash of its name, and a
// collision moves the later host (in list order) to the next free value.
import * as crypto from "node:crypto";

/** ELB rule priorities run from 1 to 50000. */
export const MAX_PRIORITY = 50000;

function basePriority(host: string): number {
    const h = crypto.createHash("sha256").update(host).digest();
    return 1 + (h.readUInt32BE(0) % MAX_PRIORITY);
}

/** Priority per host, in the order given; the same hosts in the same order always get the same values. */
export function rulePriorities(hosts: readonly string[]): Map<string, number> {
    const taken = new Set<number>();
    const out = new Map<string, number>();
    for (const host of hosts) {
        let p = basePriority(host);
        while (taken.has(p)) p = (p % MAX_PRIORITY) + 1;
        taken.add(p);
        out.set(host, p);
    }
    return out;
}
