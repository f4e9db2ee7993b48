// One declarative spec per component: each field's type, whether it may be an Output, its enum, default,
// limits and single-value checks, and the component's cross-field rules as a short list of named
// refinements. From it come the field checks (`checkArgs`), the enum values (the enums themselves), the
// stack config's zod schema (stacks/spec-zod.ts) and, at compile time, the args interface it must equal
// (`holds<SameShape<Args, SpecArgs<typeof spec>>>()`). A composite embeds its children's specs (`pick`)
// so every rule runs once, on the user's own path.
//
// The house rule stays: everything is checked before `super()` registers anything, and every problem is
// a `pulumi.InputPropertyError` naming the user's field path and the fix — all problems at once.
import * as pulumi from "@pulumi/pulumi";
import { type Problem, invalid, throwProblems } from "./validation";
import { enumValues, isEnumValue } from "./types";

/** A single-value rule: throws `invalid(path, …)` when the value is wrong (the `require…` helpers are these). */
export type Check<T> = (path: string, value: T) => void;

/** A cross-field rule of an object: `at("field")` is that field's path as the user wrote it. */
export interface Refinement<T> {
    /** What the rule guards, in a few words (shown in docs and by tests). */
    readonly name: string;
    readonly check: (value: T, at: (field: string) => string) => void;
}

type EnumObject = Record<string, string | number>;
type FieldMap = { readonly [key: string]: Field<unknown, boolean, boolean> };

interface Shape {
    readonly kind: "string" | "number" | "boolean" | "enum" | "list" | "object" | "record" | "opaque";
    readonly values?: EnumObject;
    readonly describe?: Readonly<Record<string, string>>;
    readonly noun?: string;
    readonly of?: Field<unknown, boolean, boolean>;
    readonly fields?: FieldMap;
    readonly refinements?: readonly Refinement<never>[];
    readonly min?: number;
    readonly max?: number;
    readonly unit?: string;
    readonly emptyFix?: string;
    readonly unique?: (item: never) => string;
    readonly strict?: boolean;
    readonly what?: string;
    readonly refuse?: (value: string) => string;
    readonly renamed?: Readonly<Record<string, string>>;
}

interface Flags {
    readonly optional: boolean;
    readonly input: boolean;
    readonly missingFix?: string;
    readonly plainWhy?: string;
    readonly defaultValue?: unknown;
    readonly checks: readonly Check<never>[];
}

/**
 * A field's spec. `T` is its plain value, `Opt` whether it may be left out, `In` whether it may be an
 * Output (then it is checked when known, by `later`). Immutable: every modifier returns a new spec.
 */
export class Field<T, Opt extends boolean = false, In extends boolean = false> {
    // Type-level only (never set): what the spec's args type reads.
    declare readonly __type: T;
    declare readonly __optional: Opt;
    declare readonly __input: In;
    constructor(
        readonly shape: Shape,
        readonly flags: Flags = { optional: false, input: false, checks: [] },
    ) {}

    private with<U, O extends boolean, I extends boolean>(flags: Partial<Flags>): Field<U, O, I> {
        return new Field<U, O, I>(this.shape, { ...this.flags, ...flags });
    }
    /** May be left out. */
    optional(): Field<T, true, In> {
        return this.with({ optional: true });
    }
    /** May be left out; `value` is what the component uses then (documented once, here). */
    default(value: T): Field<T, true, In> {
        return this.with({ optional: true, defaultValue: value });
    }
    /** May be an Output or a Promise: checked now when plain, when known otherwise (see `later`). */
    input(): Field<T, Opt, true> {
        return this.with({ input: true });
    }
    /** The message when the field is missing (the fix, with an example). */
    required(fix: string): Field<T, Opt, In> {
        return this.with({ missingFix: fix });
    }
    /** Why the field must be a plain value (shown when an Output is passed). */
    plain(why: string): Field<T, Opt, In> {
        return this.with({ plainWhy: why });
    }
    /** A further single-value rule (run once the value has the right type). */
    check(rule: Check<T>): Field<T, Opt, In> {
        return this.with({ checks: [...this.flags.checks, rule as Check<never>] });
    }
    get defaultValue(): T | undefined {
        return this.flags.defaultValue as T | undefined;
    }
}

/** An object spec: its fields and refinements, to embed (`pick`) or check (`checkArgs`). */
export class ObjectField<F extends FieldMap, Opt extends boolean = false, In extends boolean = false> extends Field<
    ObjectArgs<F>,
    Opt,
    In
> {
    get fields(): F {
        return this.shape.fields as F;
    }
    /** The same object with only `keys` and the refinements given (a parent embeds a child's fields). */
    pick<K extends keyof F & string>(
        keys: readonly K[],
        refinements: readonly Refinement<ObjectArgs<Pick<F, K>>>[] = [],
    ): ObjectField<Pick<F, K>> {
        const fields = Object.fromEntries(keys.map((k) => [k, this.fields[k]])) as Pick<F, K>;
        return object(fields, { refine: refinements, strict: this.shape.strict, what: this.shape.what });
    }
    override optional(): ObjectField<F, true, In> {
        return new ObjectField(this.shape, { ...this.flags, optional: true });
    }
}

/** The args type a spec declares (an Input field is `pulumi.Input<T>`, an optional one `?:`). */
export type SpecValue<S> =
    S extends Field<infer T, boolean, infer In> ? (In extends true ? pulumi.Input<T> : T) : never;
type OptionalKeys<F extends FieldMap> = {
    [K in keyof F]: F[K] extends Field<unknown, true, boolean> ? K : never;
}[keyof F];
type Flatten<T> = { [K in keyof T]: T[K] };
export type ObjectArgs<F extends FieldMap> = Flatten<
    { -readonly [K in Exclude<keyof F, OptionalKeys<F>>]: SpecValue<F[K]> } & {
        -readonly [K in OptionalKeys<F>]?: SpecValue<F[K]>;
    }
>;
/** The args interface of an object spec. */
export type SpecArgs<S> = S extends ObjectField<infer F, boolean, boolean> ? ObjectArgs<F> : never;

/**
 * True when A and B are assignable both ways and name the same fields at every depth (optional fields
 * included, which assignability alone lets one side lack): the spec and the args interface say the same.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? SameKeys<A, B> : false) : false;

type Depth = [never, 0, 1, 2, 3, 4, 5, 6];
type Plain<T> = T extends pulumi.OutputInstance<infer U> ? U : T extends Promise<infer U> ? U : T;
type SameKeys<A, B, D extends number = 6> = [D] extends [never]
    ? true
    : [Plain<NonNullable<A>>] extends [readonly (infer E)[]]
      ? [Plain<NonNullable<B>>] extends [readonly (infer F)[]]
          ? SameKeys<E, F, Depth[D]>
          : false
      : [Plain<NonNullable<A>>] extends [pulumi.Resource | ((...args: never[]) => unknown)]
        ? true
        : [Plain<NonNullable<A>>] extends [object]
          ? [Exclude<keyof Plain<NonNullable<A>>, keyof Plain<NonNullable<B>>>] extends [never]
              ? [Exclude<keyof Plain<NonNullable<B>>, keyof Plain<NonNullable<A>>>] extends [never]
                  ? false extends {
                        [K in keyof Plain<NonNullable<A>>]: SameKeys<
                            Plain<NonNullable<A>>[K],
                            Plain<NonNullable<B>>[K & keyof Plain<NonNullable<B>>],
                            Depth[D]
                        >;
                    }[keyof Plain<NonNullable<A>>]
                      ? false
                      : true
                  : false
              : false
          : true;
/** Compile-time assertion (no runtime effect): `holds<SameShape<Args, SpecArgs<typeof spec>>>()`. */
export function holds<T extends true>(..._proof: T[]): void {}

// ---- field constructors -------------------------------------------------------------------------------

export function string(): Field<string> {
    return new Field({ kind: "string" });
}
export function boolean(): Field<boolean> {
    return new Field({ kind: "boolean" });
}
/** A whole number in [min, max] (`unit` names it in the message: "ports", "days"). */
export function integer(min: number, max: number, unit: string): Field<number> {
    return new Field({ kind: "number", min, max, unit });
}
/**
 * One of an enum's values (the enum object is the type and the check). `noun` and `describe` make the
 * refusal: `"x" is not a <noun>: use "a" (what a does) or "b" (what b does).`
 */
export function oneOf<E extends EnumObject>(
    values: E,
    noun: string,
    describe: Partial<Record<E[keyof E] & (string | number), string>> = {},
    refuse?: (value: string) => string,
): Field<E[keyof E]> {
    return new Field({ kind: "enum", values, noun, describe: describe as Record<string, string>, refuse });
}
/** A list; `emptyFix` refuses an empty one, `unique` (the key of an item) refuses the same key twice. */
export function list<T, In extends boolean>(
    of: Field<T, false, In>,
    opts: { emptyFix?: string; unique?: (item: T) => string; what?: string } = {},
): Field<(In extends true ? pulumi.Input<T> : T)[]> {
    return new Field({ kind: "list", of: of as Field<unknown, boolean, boolean>, ...opts } as Shape);
}
/** A map of names to values. */
export function record<T, In extends boolean>(
    of: Field<T, false, In>,
): Field<Record<string, SpecValue<Field<T, false, In>>>> {
    return new Field({ kind: "record", of: of as Field<unknown, boolean, boolean> });
}
/** An object of named fields; `strict` refuses unknown keys (a misspelt setting), `refine` adds cross-field rules. */
export function object<F extends FieldMap>(
    fields: F,
    opts: {
        refine?: readonly Refinement<ObjectArgs<F>>[];
        strict?: boolean;
        what?: string;
        /** Fields renamed since an earlier release (old → new): an untyped caller using one is told the new name. */
        renamed?: Readonly<Record<string, string>>;
    } = {},
): ObjectField<F> {
    return new ObjectField<F>({
        kind: "object",
        fields,
        refinements: (opts.refine ?? []) as readonly Refinement<never>[],
        strict: opts.strict ?? true,
        what: opts.what,
        renamed: opts.renamed,
    });
}
/** A value the spec does not look into (a provider, free-form chart values): only its own checks run. */
export function opaque<T>(what: string): Field<T> {
    return new Field({ kind: "opaque", what });
}

// ---- checking ----------------------------------------------------------------------------------------

const isDeferred = (v: unknown) => pulumi.Output.isInstance(v) || v instanceof Promise;
const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

function describeEnum(shape: Shape): string {
    const values = enumValues(shape.values as EnumObject).map((v) => {
        const d = shape.describe?.[String(v)];
        return d ? `"${v}" (${d})` : `"${v}"`;
    });
    return values.length <= 2
        ? values.join(" or ")
        : `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

/** The problems a rule throws (bad-input errors); anything else propagates. */
export function problemsFrom(rule: () => void): Problem[] {
    const problems: Problem[] = [];
    attempt(problems, rule);
    return problems;
}

/** Runs a rule; a bad-input error becomes a problem, anything else propagates. */
function attempt(problems: Problem[], rule: () => void): void {
    try {
        rule();
    } catch (e) {
        if (pulumi.InputPropertyError.isInstance(e)) problems.push({ propertyPath: e.propertyPath, reason: e.reason });
        else if (pulumi.InputPropertiesError.isInstance(e))
            problems.push(...e.errors.map((x) => ({ propertyPath: x.propertyPath, reason: x.reason })));
        else throw e;
    }
}

type KindCheck = (shape: Shape, value: unknown, path: string, problems: Problem[]) => void;

const typeCheck =
    (type: "string" | "boolean", fix: string): KindCheck =>
    (_shape, value, path, problems) => {
        if (typeof value !== type) problems.push({ propertyPath: path, reason: fix });
    };

/** Each kind's check of a plain value (type, limits, items), before the field's own checks. */
const KIND_CHECKS: Record<Shape["kind"], KindCheck> = {
    string: typeCheck("string", "give a string."),
    boolean: typeCheck("boolean", "give true or false."),
    number: (s, value, path, problems) => {
        if (typeof value === "number" && Number.isInteger(value) && value >= s.min! && value <= s.max!) return;
        problems.push({
            propertyPath: path,
            reason:
                typeof value === "number"
                    ? `${value} is out of range: use a whole number of ${s.unit} from ${s.min} to ${s.max}.`
                    : `give a whole number of ${s.unit} from ${s.min} to ${s.max}.`,
        });
    },
    enum: (s, value, path, problems) => {
        if (isEnumValue(s.values as EnumObject, value)) return;
        const reason = s.refuse?.(String(value)) ?? `"${String(value)}" is not a ${s.noun}: use ${describeEnum(s)}.`;
        problems.push({ propertyPath: path, reason });
    },
    list: (s, value, path, problems) => {
        if (!Array.isArray(value))
            return void problems.push({ propertyPath: path, reason: `give a list${s.what ? ` of ${s.what}` : ""}.` });
        if (value.length === 0 && s.emptyFix) problems.push({ propertyPath: path, reason: s.emptyFix });
        const ok = value.map((v, i) => checkValue(s.of!, v, `${path}[${i}]`, problems));
        if (s.unique && ok.every(Boolean) && !value.some(isDeferred)) uniqueItems(s, value, path, problems);
    },
    record: (s, value, path, problems) => {
        if (typeof value !== "object" || Array.isArray(value))
            return void problems.push({ propertyPath: path, reason: "give an object of names to values." });
        for (const [k, v] of Object.entries(value as object)) checkValue(s.of!, v, join(path, k), problems);
    },
    object: (s, value, path, problems) => {
        if (typeof value !== "object" || Array.isArray(value))
            return void problems.push({ propertyPath: path, reason: `give an object${s.what ? ` (${s.what})` : ""}.` });
        checkObject(s, value as Record<string, unknown>, path, problems);
    },
    opaque: () => undefined,
};

/** A list's items by their key (`unique`): the repeat is named, with the index of the first. */
function uniqueItems(s: Shape, items: unknown[], path: string, problems: Problem[]): void {
    const seen = new Map<string, number>();
    items.forEach((v, i) => {
        const key = (s.unique as (x: unknown) => string)(v);
        const first = seen.get(key);
        if (first === undefined) return void seen.set(key, i);
        problems.push({
            propertyPath: `${path}[${i}]`,
            reason: `"${key}" is listed twice (also at index ${first}); list each value once.`,
        });
    });
}

/** Checks `value` against `field` at `path`, appending problems; true when nothing was wrong. */
function checkValue(
    field: Field<unknown, boolean, boolean>,
    value: unknown,
    path: string,
    problems: Problem[],
): boolean {
    const before = problems.length;
    const { shape, flags } = field;
    if (value === undefined || value === null) {
        if (!flags.optional) problems.push({ propertyPath: path, reason: flags.missingFix ?? "is required." });
        return problems.length === before;
    }
    if (isDeferred(value)) {
        if (!flags.input)
            problems.push({
                propertyPath: path,
                reason: `pass it as a plain value, not an Output: ${flags.plainWhy ?? "it decides which objects exist, so it must be known when the program runs"}.`,
            });
        return problems.length === before;
    }
    KIND_CHECKS[shape.kind](shape, value, path, problems);
    // A field's checks run in order, each assuming the ones before it passed (a version's form, then its release).
    for (const rule of flags.checks) {
        if (problems.length !== before) break;
        attempt(problems, () => rule(path, value as never));
    }
    return problems.length === before;
}

function checkObject(shape: Shape, value: Record<string, unknown>, path: string, problems: Problem[]): void {
    const fields = shape.fields!;
    for (const key of Object.keys(value)) {
        if (key in fields || value[key] === undefined) continue;
        const renamed = shape.renamed?.[key];
        if (renamed)
            problems.push({
                propertyPath: join(path, key),
                reason: `renamed to ${renamed} in crossmesh 1.0; rename the field, its value stays the same.`,
            });
        else if (shape.strict)
            problems.push({
                propertyPath: join(path, key),
                reason: `is not a setting${path ? ` of ${path}` : ""}; the settings are ${Object.keys(fields).join(", ")}.`,
            });
    }
    const refused = new Set<string>();
    for (const [key, field] of Object.entries(fields))
        if (!checkValue(field, value[key], join(path, key), problems)) refused.add(key);
    const at = (f: string) => join(path, f);
    // A cross-field rule runs even when some fields were refused (every problem at once), unless it reads
    // one of them: what it would say then rests on a value already reported (or it would trip on it).
    for (const r of shape.refinements ?? []) {
        const read = new Set<string>();
        const watched = new Proxy(value, {
            get: (target, key) => {
                if (typeof key === "string") read.add(key);
                return Reflect.get(target, key);
            },
        });
        const found: Problem[] = [];
        const readRefused = () => [...read].some((k) => refused.has(k));
        try {
            attempt(found, () => r.check(watched as never, at));
        } catch (e) {
            if (!readRefused()) throw e;
        }
        if (!readRefused()) problems.push(...found);
    }
}

/** Every problem `value` has against `spec` (at `path`: "" for a component's own args). */
export function problemsOf(spec: Field<unknown, boolean, boolean>, value: unknown, path = ""): Problem[] {
    const problems: Problem[] = [];
    checkValue(spec, value, path, problems);
    return problems.map((p) => (p.propertyPath === "" ? { ...p, propertyPath: "args" } : p));
}

// Args a composite built for its child after checking the user's own fields with the child's picked
// spec: the child does not check them again (each rule runs once, on the user's path).
const vouchedArgs = new WeakSet<object>();

/** Marks args the caller has checked with the same rules (a composite passing them to its child). */
export function vouch<T extends object>(args: T): T {
    vouchedArgs.add(args);
    return args;
}

/** Checks a component's args against its spec; throws every problem at once, returns the args typed. */
export function checkArgs<F extends FieldMap>(spec: ObjectField<F>, args: unknown): ObjectArgs<F> {
    if (typeof args === "object" && args !== null && vouchedArgs.has(args)) return args as ObjectArgs<F>;
    if (args === undefined || args === null || typeof args !== "object")
        invalid("args", `give the component's settings: ${Object.keys(spec.fields).join(", ")}.`);
    throwProblems(problemsOf(spec, args));
    return args as ObjectArgs<F>;
}

/**
 * An Input field's value, its checks run once it is known: a plain value passes through as it is (it
 * was checked up front), an Output is checked inside its `apply` (a late failure fails the deployment).
 */
export function later<T>(
    field: Field<T, boolean, true>,
    path: string,
    value: pulumi.Input<T>,
): pulumi.Output<pulumi.Unwrap<T>> {
    const parts = Array.isArray(value) ? value : typeof value === "object" && value ? Object.values(value) : [];
    if (!isDeferred(value) && !parts.some(isDeferred)) return pulumi.output(value);
    const plain = new Field<T>(field.shape, { ...field.flags, input: false });
    return pulumi.output(value).apply((v) => {
        throwProblems(problemsOf(plain as Field<unknown, boolean, boolean>, v, path));
        return v;
    });
}

/** The value of `field` in `args`, or its default. */
export function valueOr<T>(field: Field<T, boolean, boolean>, value: T | undefined): T {
    return (value ?? field.defaultValue) as T;
}
