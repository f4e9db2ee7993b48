// The spec engine (components/common/spec.ts) every component's validation runs on: what it refuses, at which
// path, with which fix, and what it lets through — as tables, one row per behaviour a component relies on.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    boolean,
    checkArgs,
    integer,
    later,
    list,
    object,
    oneOf,
    problemsOf,
    record,
    string,
    vouch,
} from "../components/common/spec";
import { invalid, requireKubernetesName } from "../components/common/validation";

const Mode = { Fast: "fast", Safe: "safe" } as const;

const spec = object(
    {
        name: string().required('give a name, e.g. "shop".').check(requireKubernetesName),
        port: integer(1, 65535, "ports").default(443),
        mode: oneOf(Mode, "mode", { fast: "no checks", safe: "checks everything" }).optional(),
        on: boolean().optional(),
        hosts: list(string(), { emptyFix: "list at least one host.", unique: (h) => h }).optional(),
        labels: record(string()).optional(),
        exportTo: list(string().input().check(requireKubernetesName)).input().optional(),
        nested: object({ size: integer(1, 10, "slots") }).optional(),
    },
    {
        renamed: { oldName: "name" },
        refine: [
            {
                name: "safe mode needs hosts",
                check: (a, at) => {
                    if (a.mode === "safe" && !a.hosts) invalid(at("hosts"), "safe mode checks hosts: list them.");
                },
            },
            {
                name: "a reserved name",
                check: (a, at) => {
                    if (a.name.toLowerCase() === "default") invalid(at("name"), '"default" is reserved.');
                },
            },
            {
                name: "a rule reading the port",
                check: (a, at) => {
                    if (a.port === 80) invalid(at("port"), "80 is plain HTTP; use 443.");
                },
            },
        ],
    },
);

const paths = (value: unknown) => problemsOf(spec, value).map((p) => `${p.propertyPath}: ${p.reason}`);

// [what, args, every problem reported as "path: reason" (regexes, in order)]
const cases: [string, Record<string, unknown>, RegExp[]][] = [
    ["a valid value passes", { name: "shop" }, []],
    ["a missing required field names the fix", {}, [/^name: give a name, e\.g\. "shop"\.$/]],
    [
        "a wrong type says what to give (and a rule reading it does not trip on it)",
        { name: 3 },
        [/^name: give a string\.$/],
    ],
    ["a rule on a valid field", { name: "default" }, [/^name: "default" is reserved\.$/]],
    ["a field's own check runs on its path", { name: "Shop" }, [/^name: "Shop" is not a valid Kubernetes name/]],
    [
        "an integer out of range",
        { name: "a", port: 70000 },
        [/^port: 70000 is out of range: use a whole number of ports from 1 to 65535\.$/],
    ],
    ["a fraction is not an integer", { name: "a", port: 1.5 }, [/^port: 1\.5 is out of range/]],
    [
        "an enum lists its values with what they do",
        { name: "a", mode: "quick" },
        [/^mode: "quick" is not a mode: use "fast" \(no checks\) or "safe" \(checks everything\)\.$/],
    ],
    ["an empty list with an emptyFix", { name: "a", hosts: [] }, [/^hosts: list at least one host\.$/]],
    ["a list's items are checked at their index", { name: "a", hosts: ["x", 2] }, [/^hosts\[1\]: give a string\.$/]],
    [
        "a unique list names the repeat and the first",
        { name: "a", hosts: ["x", "y", "x"] },
        [/^hosts\[2\]: "x" is listed twice \(also at index 0\)/],
    ],
    [
        "a record's values are checked under their key",
        { name: "a", labels: { team: 1 } },
        [/^labels\.team: give a string\.$/],
    ],
    ["nested objects report their full path", { name: "a", nested: { size: 0 } }, [/^nested\.size: 0 is out of range/]],
    [
        "an unknown key is refused, listing the settings",
        { name: "a", colour: "red" },
        [/^colour: is not a setting; the settings are name, port, mode/],
    ],
    [
        "a renamed key says its new name",
        { oldName: "a" },
        [/^oldName: renamed to name in crossmesh 1\.0/, /^name: give a name/],
    ],
    [
        "a plain field refuses an Output",
        { name: pulumi.output("a") },
        [/^name: pass it as a plain value, not an Output: it decides which objects exist/],
    ],
    ["an Input field takes an Output", { name: "a", exportTo: pulumi.output(["x"]) }, []],
    [
        "an Input list's plain items are checked now",
        { name: "a", exportTo: ["ok", "Bad"] },
        [/^exportTo\[1\]: "Bad" is not a valid Kubernetes name/],
    ],
    ["cross-field rules run once the fields pass", { name: "a", mode: "safe" }, [/^hosts: safe mode checks hosts/]],
    [
        "every problem at once: a rule runs beside a refused field it does not read",
        { name: "Bad", port: 80 },
        [/^name: "Bad"/, /^port: 80 is plain HTTP/],
    ],
    [
        "a rule that reads a refused field stays silent (that field is reported already)",
        { name: "a", mode: "slow", port: 80 },
        [/^mode: "slow" is not a mode/, /^port: 80 is plain HTTP/],
    ],
];

for (const [what, args, expected] of cases)
    test(`spec: ${what}`, () => {
        const got = paths(args);
        assert.equal(got.length, expected.length, got.join("\n"));
        expected.forEach((re, i) => assert.match(got[i], re));
    });

test("spec: checkArgs throws one InputPropertyError for one problem, InputPropertiesError for several", () => {
    assert.throws(
        () => checkArgs(spec, { name: "Bad" }),
        (e: unknown) => pulumi.InputPropertyError.isInstance(e) && e.propertyPath === "name",
    );
    assert.throws(
        () => checkArgs(spec, { name: "Bad", port: 0 }),
        (e: unknown) =>
            pulumi.InputPropertiesError.isInstance(e) &&
            e.errors.map((x) => x.propertyPath).join() === "name,port" &&
            /2 settings need fixing/.test(e.message),
    );
});

test("spec: vouched args (a composite checked them with the same rules) are not checked again", () => {
    const bad = { name: "Bad" };
    assert.throws(() => checkArgs(spec, bad));
    assert.doesNotThrow(() => checkArgs(spec, vouch({ name: "Bad" })));
});

test("spec: later() returns a plain value as it is, and checks an Output once it is known", async () => {
    const field = spec.fields.exportTo;
    const plain = ["a"];
    assert.deepEqual(await valueOf(later(field, "exportTo", plain)), ["a"]);
    const known = later(field, "exportTo", pulumi.output(["Bad"]));
    await assert.rejects(valueOf(known), /exportTo\[0\]: "Bad" is not a valid Kubernetes name/);
});

/** An Output's value; a failed apply rejects it (its other internal promises are handled here, so they stay quiet). */
function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    const internals = o as unknown as Record<string, unknown>;
    for (const key of Object.keys(internals)) {
        const p = internals[key];
        if (p instanceof Promise) p.catch(() => undefined);
    }
    return (o as unknown as { promise(): Promise<T> }).promise();
}
