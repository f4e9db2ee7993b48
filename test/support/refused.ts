// The shared check behind every "bad input" test: constructing must throw a pulumi.InputPropertyError
// that names the field and says how to fix it, and nothing may have been registered (not even the
// component), so a failed `pulumi up` leaves nothing half-built.
import * as assert from "node:assert/strict";
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
