// The stack config's zod schema, derived from a component's spec (components/common/spec.ts): the same
// fields, types, enums and defaults, so a config key and a component field cannot drift apart. A config
// holds plain values only, so an Input field is its plain type here. The values' meaning (ranges, names,
// cross-field rules) stays the spec's checks, run by the component's validator on the parsed config.
import { z } from "zod";
import type { Field } from "../components/common/spec";

type AnyField = Field<unknown, boolean, boolean>;

/** The zod type of one field (optional when the field is). */
export function zodOf(field: AnyField): z.ZodTypeAny {
    const { shape, flags } = field;
    let t: z.ZodTypeAny;
    switch (shape.kind) {
        case "string":
            t = z.string();
            break;
        case "number":
            t = z.number();
            break;
        case "boolean":
            t = z.boolean();
            break;
        case "enum":
            t = z.nativeEnum(shape.values as unknown as z.EnumLike);
            break;
        case "list":
            t = z.array(zodOf(shape.of!));
            break;
        case "record":
            t = z.record(zodOf(shape.of!));
            break;
        case "object":
            t = zodObject(shape.fields!);
            break;
        case "opaque":
            t = z.unknown();
            break;
    }
    return flags.optional ? t.optional() : t;
}

/** The zod types of `fields`, key for key: the shape of a zod object. */
export function zodShape(fields: Readonly<Record<string, AnyField>>): z.ZodRawShape {
    return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, zodOf(f)]));
}

/** A strict zod object of `fields` (a config key the component does not take is refused). */
export function zodObject(fields: Readonly<Record<string, AnyField>>): z.ZodObject<z.ZodRawShape, "strict"> {
    return z.object(zodShape(fields)).strict();
}
