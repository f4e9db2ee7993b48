// What a StackReference to one of this project's stacks reads: that stack's outputs, from running its program under
// the simulator in a process of its own (as the engine runs each stack's program apart), on the caller's clock.
// Prints JSON: { outputs, secretOutputNames } — the state a StackReference resource has — and the values that
// stack's simulator invented.
import { defaultWorld } from "./world";
import { runStack } from "./stack";
import { SECRET_SIG, SECRET_VALUE, unsecret } from "./recorder";

const [stack, now] = process.argv.slice(2);

runStack({ stack, world: defaultWorld({ now: () => new Date(now) }) })
    .then((run) => {
        const raw = (run.graph.resources.find((r) => r.type === "pulumi:pulumi:Stack")?.rawOutputs ?? {}) as Record<
            string,
            unknown
        >;
        const secret = (v: unknown) => JSON.stringify(v).includes(`"${SECRET_SIG}":"${SECRET_VALUE}"`);
        process.stdout.write(
            JSON.stringify({
                outputs: unsecret(raw),
                secretOutputNames: Object.keys(raw).filter((k) => secret(raw[k])),
                // What that stack's simulator made up, so the caller's plan marks it where it shows.
                invented: run.simulator.invented.entries(),
            }),
        );
        process.exit(0);
    })
    .catch((e: unknown) => {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    });
