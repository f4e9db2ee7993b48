// Typed stack configuration. The zod schema (schema.ts) checks the SHAPE of each `crossmesh:` key (known keys,
// types, no stray fields) and is checked at compile time against CrossMeshLink's own args type; what the
// values MEAN (ranges, host names, CIDRs, regions, Istio releases, trust domains, …) is checked by the
// component's own validator, on exactly the args the stack will pass, before any provider or resource
// exists. Every problem is reported at once, each naming its config key and the fix.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { LinkSettings } from "../components/cross-mesh-link/args";
import type { CrossMeshExportArgs } from "../components/cross-mesh-export/args";
import type { CrossMeshConsumerArgs } from "../components/cross-mesh-consumer/args";
import { RENAMED_FIELDS, linkSettingsSpec } from "../components/cross-mesh-link/spec";
import { exportSpec } from "../components/cross-mesh-export/spec";
import { consumerSpec } from "../components/cross-mesh-consumer/spec";
import { problemsOf } from "../components/common/spec";
import { Problem, throwProblems } from "../components/common/validation";
import {
    ConsumerStackConfig,
    ExportStackConfig,
    LINK_NAME,
    PROJECT,
    STACK_ROLES,
    StackConfig,
    StackRole,
    consumerConfigSchema,
    exportConfigSchema,
    stackConfigSchema,
} from "./schema";

/** Keys whose values must be stored encrypted (`pulumi config set --secret`). */
const SECRET_KEYS = ["eksKubeconfig", "gkeKubeconfig", "kubeconfig"];

/** `crossmesh:services[0].lambda.memorySize`, as `pulumi config set --path` spells it. */
export function configKey(path: string | (string | number)[]): string {
    const text =
        typeof path === "string"
            ? path
            : path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
    return `${PROJECT}:${text}`;
}

function setHint(key: string): string {
    return ` (set with \`pulumi config set ${key.includes(".") || key.includes("[") ? "--path " : ""}${key} …\`)`;
}

function distance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
    }
    return d[a.length][b.length];
}

function closest(key: string, candidates: string[]): string | undefined {
    const best = candidates
        .map((c) => [c, distance(key.toLowerCase(), c.toLowerCase())] as const)
        .sort((x, y) => x[1] - y[1])[0];
    return best && best[1] <= 3 ? best[0] : undefined;
}

/** The schema of a key without its optional/default wrappers. */
function baseType(schema: z.ZodTypeAny): z.ZodTypeAny {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return baseType(schema._def.innerType);
    return schema;
}

/**
 * Pulumi stores every config value as a string; objects, lists, numbers and booleans as JSON. A key
 * whose schema is a string keeps its text as given (`istioVersion: 1.30` must not become a number).
 */
function decode(schema: z.ZodTypeAny, raw: string): unknown {
    if (baseType(schema) instanceof z.ZodString) return raw;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

function zodProblems(error: z.ZodError): Problem[] {
    return error.issues.map((issue) => {
        const key = configKey(issue.path);
        const message =
            issue.code === "unrecognized_keys"
                ? `has unknown field(s) ${issue.keys.join(", ")}; remove them (see README, "Configuration")`
                : issue.message === "Required"
                  ? "is required"
                  : issue.message.replace(/^Expected /, "must be ");
        return { propertyPath: key, reason: `${message}${setHint(key)}.` };
    });
}

/** The link's settings in a stack config, as CrossMeshLink takes them. */
export function linkSettings(c: StackConfig): LinkSettings {
    const {
        role: _r,
        eksKubeconfig: _a,
        eksContext: _b,
        gkeKubeconfig: _c,
        gkeContext: _d,
        gkeCluster: _e,
        ...link
    } = c as StackConfig & { role?: StackRole };
    return link;
}

/** The export's settings in an export stack's config, as CrossMeshExport takes them. */
export function exportSettings(c: ExportStackConfig): CrossMeshExportArgs {
    const { role: _r, eksKubeconfig: _a, eksContext: _b, ...settings } = c as ExportStackConfig & { role?: StackRole };
    return settings;
}

/** The consumer's settings in a consumer stack's config, as CrossMeshConsumer takes them (but the grant). */
export function consumerSettings(c: ConsumerStackConfig): Omit<CrossMeshConsumerArgs, "grant"> {
    const {
        role: _r,
        exportStack: _s,
        consumer: _n,
        kubeconfig: _a,
        context: _b,
        gkeCluster: _c,
        ...settings
    } = c as ConsumerStackConfig & { role?: StackRole };
    return settings;
}

/** The role of the current stack (`crossmesh:role`, default "link"); an unknown one is refused by the schema. */
export function stackRole(raw: Record<string, string> = pulumi.runtime.allConfig()): StackRole {
    const role = raw[`${PROJECT}:role`];
    return (STACK_ROLES as readonly string[]).includes(role ?? "") ? (role as StackRole) : "link";
}

type Raw = Record<string, string>;
type IsSecret = (key: string) => boolean;

const runtimeIsSecret: IsSecret = (k) =>
    (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret(k);

/** What a role's config is checked by: its keys, and the component spec (and access rules) its values must meet. */
interface RoleConfig<C> {
    schema: z.ZodObject<z.ZodRawShape>;
    problems(c: C): Problem[];
}

/** The component's own problems with the settings a stack passes, on the stack's config keys. */
function specProblems(problems: Problem[]): Problem[] {
    return problems.map((p) => ({
        propertyPath: configKey(p.propertyPath),
        reason: `${p.reason}${setHint(configKey(p.propertyPath))}`,
    }));
}

const ROLE_CONFIGS: { [R in StackRole]: RoleConfig<never> } = {
    link: {
        schema: stackConfigSchema as never,
        problems: (c: StackConfig) => [
            ...(c.gkeKubeconfig === undefined && c.gkeCluster === undefined && c.gkeContext === undefined
                ? [
                      {
                          propertyPath: configKey("gkeCluster"),
                          reason: 'is required to reach the GKE cluster: set crossmesh:gkeCluster to {name, endpoint, caData} (works on a laptop and a CI runner; see docs/operating.md), or `pulumi config set --secret crossmesh:gkeKubeconfig "$(cat gke.kubeconfig)"`, or set crossmesh:gkeContext to a context of your ~/.kube/config.',
                      },
                  ]
                : []),
            // What the values mean is CrossMeshLink's to judge: its spec, its messages, the user's keys.
            ...specProblems(problemsOf(linkSettingsSpec(LINK_NAME), linkSettings(c))),
        ],
    },
    export: {
        schema: exportConfigSchema as never,
        problems: (c: ExportStackConfig) => specProblems(problemsOf(exportSpec(LINK_NAME), exportSettings(c))),
    },
    consumer: {
        schema: consumerConfigSchema as never,
        problems: (c: ConsumerStackConfig) => [
            ...(c.kubeconfig === undefined && c.gkeCluster === undefined && c.context === undefined
                ? [
                      {
                          propertyPath: configKey("kubeconfig"),
                          reason: 'is required to reach this consumer\'s cluster: `pulumi config set --secret crossmesh:kubeconfig "$(cat cluster.kubeconfig)"`, or set crossmesh:context to a context of your ~/.kube/config, or (GKE) crossmesh:gkeCluster to {name, endpoint, caData}.',
                      },
                  ]
                : []),
            // The grant comes from the export stack at run time; every other setting is checked now.
            ...specProblems(
                problemsOf(consumerSpec, { ...consumerSettings(c), grant: {} }).filter(
                    (p) => p.propertyPath !== "grant",
                ),
            ),
        ],
    },
};

/**
 * Reads and checks the `crossmesh:` config of the current stack as a link stack. `raw` defaults to the stack's
 * config (`pulumi.runtime.allConfig()`); `isSecret` to the runtime's own knowledge of secret keys.
 */
export function readStackConfig(
    raw: Raw = pulumi.runtime.allConfig(),
    isSecret: IsSecret = runtimeIsSecret,
): StackConfig {
    return readRoleConfig("link", raw, isSecret);
}

/** Reads and checks an export stack's config (`crossmesh:role: export`). */
export function readExportConfig(
    raw: Raw = pulumi.runtime.allConfig(),
    isSecret: IsSecret = runtimeIsSecret,
): ExportStackConfig {
    return readRoleConfig("export", raw, isSecret);
}

/** Reads and checks a consumer stack's config (`crossmesh:role: consumer`). */
export function readConsumerConfig(
    raw: Raw = pulumi.runtime.allConfig(),
    isSecret: IsSecret = runtimeIsSecret,
): ConsumerStackConfig {
    return readRoleConfig("consumer", raw, isSecret);
}

function readRoleConfig<C>(role: StackRole, raw: Raw, isSecret: IsSecret): C {
    const { schema, problems: meaning } = ROLE_CONFIGS[role] as unknown as RoleConfig<C>;
    const shape = schema.shape as Record<string, z.ZodTypeAny>;
    const known = Object.keys(shape);
    const values: Record<string, unknown> = {};
    const problems: Problem[] = [];
    for (const [fullKey, value] of Object.entries(raw)) {
        const [namespace, key = ""] = fullKey.split(":");
        if (namespace !== PROJECT) {
            // `crosmesh:awsRegion` would otherwise be ignored without a word.
            if (distance(namespace.toLowerCase(), PROJECT) <= 2) {
                problems.push({
                    propertyPath: fullKey,
                    reason: `is in namespace "${namespace}", not "${PROJECT}", so crossmesh would ignore it; did you mean ${PROJECT}:${key}? Run \`pulumi config rm ${fullKey}\` and set ${PROJECT}:${key}.`,
                });
            }
            continue;
        }
        if (role === "link" && RENAMED_FIELDS[key] !== undefined) {
            problems.push({
                propertyPath: fullKey,
                reason: `was renamed ${PROJECT}:${RENAMED_FIELDS[key]} in crossmesh 1.0; move the value: \`pulumi config get ${fullKey}\` then \`pulumi config set --path ${PROJECT}:${RENAMED_FIELDS[key]} …\` (or rename the key in Pulumi.<stack>.yaml) and \`pulumi config rm ${fullKey}\`.`,
            });
            continue;
        }
        if (!known.includes(key)) {
            const hint = closest(key, known);
            problems.push({
                propertyPath: fullKey,
                reason: `is not a crossmesh config key${role === "link" ? "" : ` of a ${role} stack`}${hint ? `; did you mean ${PROJECT}:${hint}?` : "."} Known keys: ${known.join(", ")}.`,
            });
            continue;
        }
        if (SECRET_KEYS.includes(key) && !isSecret(fullKey)) {
            problems.push({
                propertyPath: fullKey,
                reason: `holds cluster credentials and must be encrypted: run \`pulumi config set --secret ${fullKey} "$(cat <file>)"\`.`,
            });
        }
        values[key] = decode(shape[key], value);
    }
    const parsed = schema.safeParse(values);
    if (!parsed.success) problems.push(...zodProblems(parsed.error));
    if (parsed.success) problems.push(...meaning(parsed.data as C));
    throwProblems(problems);
    return parsed.data as C;
}
