// The shared check behind every "bad input" test: constructing must throw a pulumi.InputPropertyError
// that names the field and says how to fix it, and nothing may have been registered (not even the
// component), so a failed `pulumi up` leaves nothing half-built.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { GraphRecorder } from "../../tools/simulator/recorder";
import { settle } from "../../tools/simulator";

/** Returns the error's reason, for tests that assert more about it. */
export async function expectRefused(
    graph: GraphRecorder,
    construct: () => unknown,
    propertyPath: string,
    fix: RegExp,
): Promise<string> {
    await settle();
    const before = graph.resources.map((r) => r.urn);
    let caught: unknown;
    try {
        construct();
    } catch (e) {
        caught = e;
    }
    assert.ok(pulumi.InputPropertyError.isInstance(caught), `expected an InputPropertyError, got ${String(caught)}`);
    assert.equal(caught.propertyPath, propertyPath);
    assert.match(caught.reason, fix);
    await settle();
    assert.deepEqual(
        graph.resources.map((r) => r.urn),
        before,
        "nothing was registered",
    );
    return caught.reason;
}

/** One refusal case of a table: the args that differ from a valid base, the field it names and the fix it says. */
export interface Refusal<A> {
    /** What is wrong, as the test's name. */
    readonly name: string;
    readonly args: A;
    readonly path: string;
    readonly fix: RegExp;
}

/**
 * Registers one test per case (table-driven): `prepare(case.args)` does the set-up (imports, providers) and
 * returns the construction; constructing is refused at `case.path` with a reason matching `case.fix`, and
 * nothing is registered.
 */
export function refusalTable<A>(
    graph: GraphRecorder,
    cases: readonly Refusal<A>[],
    prepare: (args: A) => Promise<() => unknown>,
): void {
    for (const c of cases)
        test(`refused: ${c.name}`, async () => {
            const construct = await prepare(c.args);
            await expectRefused(graph, construct, c.path, c.fix);
        });
}
