// Runs the real stack program (stacks/index.ts) under the simulator, the way the Pulumi language host
// does (`runInPulumiStack`), with config read from stacks/Pulumi.<stack>.yaml. Used by the stack
// tests, the offline plan and the benchmarks. One run per process: the program is a module and runs
// once when imported.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { Simulation, settle, startSimulation } from "./index";
import { SimWorld } from "./world";

export const REPO_ROOT = path.join(__dirname, "..", "..");
const PROJECT = "crossmesh";

export interface StackConfigFile {
    config: Record<string, string>;
    secretKeys: string[];
}

/**
 * Reads stacks/Pulumi.<stack>.yaml as the CLI would hand it to the program: every value a string
 * (objects as JSON). Encrypted values (`secure: …`) cannot be decrypted offline; they become a
 * placeholder that is still marked secret, so redaction and secrecy are exercised.
 */
export function readStackConfigFile(stack: string): StackConfigFile {
    const file = path.join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file))
        throw new Error(`no stack file ${path.relative(REPO_ROOT, file)} (stacks: ${listStacks().join(", ")})`);
    const doc = parse(fs.readFileSync(file, "utf8")) ?? {};
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries<any>(doc.config ?? {})) {
        if (value && typeof value === "object" && "secure" in value) {
            config[key] = `<encrypted ${key}>`;
            secretKeys.push(key);
        } else {
            config[key] = typeof value === "string" ? value : JSON.stringify(value);
        }
    }
    return { config, secretKeys };
}

export function listStacks(): string[] {
    return fs
        .readdirSync(path.join(REPO_ROOT, "stacks"))
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => Boolean(s))
        .sort();
}

export interface StackRun extends Simulation {
    /** The stack's exported outputs, resolved. */
    outputs: Record<string, unknown>;
}

export interface RunStackOptions {
    stack: string;
    /** Replaces or adds `crossmesh:` config values (JSON-encoded unless strings). */
    overrides?: Record<string, unknown>;
    /** Config keys to mark secret in addition to the stack file's `secure` values. */
    secretKeys?: string[];
    world?: SimWorld;
    /** Keep every request the program sends the monitor, as sent (`graph.requests`), e.g. for the bench's floor. */
    recordRequests?: boolean;
    /**
     * Another program to run in place of stacks/index.ts, under the same simulator and config (the bench's
     * floor program); it returns the stack's outputs.
     */
    program?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}

export async function runStack(options: RunStackOptions): Promise<StackRun> {
    const file = readStackConfigFile(options.stack);
    const config: Record<string, unknown> = { ...file.config };
    for (const [k, v] of Object.entries(options.overrides ?? {})) config[k.includes(":") ? k : `${PROJECT}:${k}`] = v;
    return runProgram({
        project: PROJECT,
        stack: options.stack,
        config,
        secretKeys: [...file.secretKeys, ...(options.secretKeys ?? [])],
        world: options.world,
        recordRequests: options.recordRequests,
        program:
            options.program ??
            (async () => {
                const program = await import(path.join(REPO_ROOT, "stacks", "index"));
                // A program that sets `module.exports` (`export =`) has its outputs as the default export.
                return { ...(program.default ?? program) };
            }),
    });
}

export interface RunProgramOptions extends Pick<RunStackOptions, "world" | "recordRequests" | "secretKeys"> {
    project: string;
    stack: string;
    /** The config as the language host hands it over: `project:key` (or `key`) to value. */
    config: Record<string, unknown>;
    /** The program (e.g. a module's import): returns the stack's outputs. */
    program: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** Any Pulumi program under the simulator, as the language host runs it (e.g. the engine tests' programs). */
export async function runProgram(options: RunProgramOptions): Promise<StackRun> {
    const sim = startSimulation({
        world: options.world,
        project: options.project,
        stack: options.stack,
        config: options.config,
        secretKeys: options.secretKeys,
    });
    sim.graph.keepRequests = options.recordRequests ?? false;
    const outputs = await pulumi.runtime.runInPulumiStack(async () => options.program());
    await settle();
    return { ...sim, outputs: (outputs ?? {}) as Record<string, unknown> };
}
