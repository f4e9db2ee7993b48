// The provider simulator: Pulumi mocks that behave like the aws, kubernetes, tls and random providers,
// plus a recorder of the dependency graph. Call `startSimulation()` BEFORE importing any code that
// creates resources (use a dynamic `import()`), so the SDK runs against the simulated monitor.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { AwsSimulator } from "./aws";
import { KubernetesSimulator } from "./kubernetes";
import { Invented } from "./invented";
import { GraphRecorder, SECRET_SIG, SECRET_VALUE, unsecret } from "./recorder";
import * as tls from "./tls";
import { SimWorld, defaultWorld, digest } from "./world";

export { GraphRecorder, RecordedResource, SECRET_SIG, plainMatches, unsecret } from "./recorder";
export { Invented } from "./invented";
export { SimWorld, defaultWorld, digest } from "./world";
export { clusterKindOf, ISTIO_CHART_VERSIONS } from "./kubernetes";

type Inputs = Record<string, any>;

export class ProviderSimulator implements pulumi.runtime.Mocks {
    readonly aws: AwsSimulator;
    readonly kubernetes: KubernetesSimulator;
    /** Every value the simulator made up (IDs, ARNs, the account, hostnames…), for the offline plan to mark. */
    readonly invented = new Invented();
    /** Provider resources by ID: the kubeconfig/region a resource's `provider` reference points at. */
    private readonly providers = new Map<string, Inputs>();

    constructor(readonly world: SimWorld) {
        this.aws = new AwsSimulator(world);
        this.kubernetes = new KubernetesSimulator(world);
        this.invented.addWorld(world);
    }

    async newResource(
        args: pulumi.runtime.MockResourceArgs,
    ): Promise<{ id: string | undefined; state: Record<string, any> }> {
        const { type, name } = args;
        // The mock monitor hands inputs over with secret markers; a provider sees plain values.
        const inputs = unsecret(args.inputs) as Inputs;
        if (!args.custom) return { id: undefined, state: {} }; // components have no provider
        const provider = args.provider ? this.providers.get(args.provider.split("::").pop()!) : undefined;
        const created = await this.create(type, name, inputs, provider, args.id);
        if (!created) throw new Error(`simulator: no model for resource type ${type} (add one in tools/simulator)`);
        this.invented.addResource(type, name, inputs, created, args.id);
        // Remember what a provider points at (its name too: "eks"/"gke" when the kubeconfig is encrypted).
        if (type.startsWith("pulumi:providers:")) this.providers.set(created.id, { ...inputs, resourceName: name });
        return { id: created.id, state: created.state };
    }

    private async create(
        type: string,
        name: string,
        inputs: Inputs,
        provider: Inputs | undefined,
        readId?: string,
    ): Promise<{ id: string; state: Inputs } | undefined> {
        const clock = this.world.clock;
        switch (type) {
            case "pulumi:pulumi:StackReference":
                return stackReference(String(inputs.name), clock.now(), this.invented);
            case "pulumi:providers:tls":
            case "pulumi:providers:random":
                return { id: digest(`provider/${name}`, 36), state: inputs };
            case "tls:index/privateKey:PrivateKey": {
                const state = tls.privateKey(inputs, name);
                return { id: state.id, state };
            }
            case "tls:index/selfSignedCert:SelfSignedCert": {
                const state = await tls.selfSignedCert(inputs, clock, name);
                return { id: state.id, state };
            }
            case "tls:index/certRequest:CertRequest": {
                const state = await tls.certRequest(inputs);
                return { id: digest(state.certRequestPem, 40), state };
            }
            case "tls:index/locallySignedCert:LocallySignedCert": {
                const state = await tls.locallySignedCert(inputs, clock, name);
                return { id: state.id, state };
            }
            case "random:index/randomId:RandomId": {
                const bytes = crypto.randomBytes(inputs.byteLength);
                const b64 = bytes.toString("base64url");
                return {
                    id: b64,
                    state: {
                        ...inputs,
                        hex: bytes.toString("hex"),
                        b64Url: b64,
                        b64Std: bytes.toString("base64"),
                        dec: BigInt("0x" + bytes.toString("hex")).toString(),
                    },
                };
            }
            case "random:index/randomString:RandomString":
            case "random:index/randomPassword:RandomPassword": {
                const alphabet =
                    (inputs.lower === false ? "" : "abcdefghijklmnopqrstuvwxyz") +
                    (inputs.upper === false ? "" : "ABCDEFGHIJKLMNOPQRSTUVWXYZ") +
                    (inputs.numeric === false ? "" : "0123456789") +
                    (inputs.special === false ? "" : "!@#$%&*()-_=+[]{}<>:?");
                const result = Array.from(crypto.randomBytes(inputs.length), (b) => alphabet[b % alphabet.length]).join(
                    "",
                );
                return { id: type.endsWith("RandomPassword") ? "none" : result, state: { ...inputs, result } };
            }
        }
        if (type.startsWith("aws:") || type === "pulumi:providers:aws") return this.aws.newResource(type, name, inputs);
        if (type.startsWith("kubernetes:") || type === "pulumi:providers:kubernetes")
            return this.kubernetes.newResource(type, name, inputs, provider, readId);
        return undefined;
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
        try {
            const result = args.token.startsWith("aws:")
                ? this.aws.call(args.token, unsecret(args.inputs) as Inputs)
                : undefined;
            if (!result) throw new Error(`simulator: no model for invoke ${args.token} (add one in tools/simulator)`);
            this.invented.addInvoke(args.token, unsecret(args.inputs) as Inputs, result);
            return result;
        } catch (e) {
            // The SDK reports a failed invoke by the gRPC error's `details`, as a real provider sends it.
            throw Object.assign(e as Error, { details: (e as Error).message });
        }
    }
}

export interface SimulationOptions {
    world?: SimWorld;
    project?: string;
    stack?: string;
    /** Stack config as `key: value` without the project prefix (objects are JSON-encoded). */
    config?: Record<string, unknown>;
    /** Config keys whose values are secrets. */
    secretKeys?: string[];
    preview?: boolean;
}

export interface Simulation {
    simulator: ProviderSimulator;
    graph: GraphRecorder;
    world: SimWorld;
}

/** Points the Pulumi SDK at the simulator and starts recording. Call before importing code under test. */
export function startSimulation(options: SimulationOptions = {}): Simulation {
    const world = options.world ?? defaultWorld();
    const project = options.project ?? "crossmesh";
    const simulator = new ProviderSimulator(world);
    pulumi.runtime.setMocks(simulator, project, options.stack ?? "test", options.preview ?? false);
    const config: Record<string, string> = {};
    for (const [k, v] of Object.entries(options.config ?? {})) {
        config[k.includes(":") ? k : `${project}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
    }
    pulumi.runtime.setAllConfig(
        config,
        (options.secretKeys ?? []).map((k) => (k.includes(":") ? k : `${project}:${k}`)),
    );
    const graph = new GraphRecorder();
    graph.install();
    return { simulator, graph, world };
}

/** Waits until every registration and invoke the program started has completed. */
export async function settle(): Promise<void> {
    const waitForRPCs = (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs;
    for (let i = 0; i < 3; i++) {
        await waitForRPCs();
        await new Promise((r) => setImmediate(r));
    }
}

/** The resolved value of an Output (unknowns are not modelled: the simulator runs as an update). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return (output as unknown as { promise(): Promise<T> }).promise();
}

/** True when the Output is marked secret. */
export function isSecret<T>(output: pulumi.Output<T>): Promise<boolean> {
    return pulumi.isSecret(output);
}

/**
 * A StackReference to a stack of this project (`<organization>/crossmesh/<stack>`): its outputs, from running that
 * stack's program under the simulator in a child process (tools/simulator/stack-outputs.ts). Another project's
 * stack, or a stack that has no config file here, is refused as the engine refuses an unknown stack.
 */
async function stackReference(name: string, now: Date, invented: Invented): Promise<{ id: string; state: Inputs }> {
    const [, project, stack] = name.split("/");
    if (project !== "crossmesh" || !stack)
        throw new Error(
            `simulator: StackReference "${name}": only this project's stacks (<org>/crossmesh/<stack>) are modelled`,
        );
    const { execFile } = await import("node:child_process");
    const path = await import("node:path");
    const root = path.join(__dirname, "..", "..");
    const out = await new Promise<string>((resolve, reject) =>
        execFile(
            process.execPath,
            ["--import", "tsx", path.join(__dirname, "stack-outputs.ts"), stack, now.toISOString()],
            { cwd: root, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) =>
                error
                    ? reject(
                          new Error(`StackReference "${name}": unknown stack or its program failed: ${stderr.trim()}`),
                      )
                    : resolve(stdout),
        ),
    );
    const read = JSON.parse(out) as {
        outputs: Inputs;
        secretOutputNames: string[];
        invented: { value: unknown; what: string; byValue?: boolean }[];
    };
    for (const v of read.invented) invented.add(v.value, v.what, v.byValue);
    const { secretOutputNames } = read;
    // The referenced stack's secret outputs stay secrets in this stack's state too, as the engine keeps them.
    const outputs = Object.fromEntries(
        Object.entries(read.outputs).map(([k, v]) => [
            k,
            secretOutputNames.includes(k) ? { [SECRET_SIG]: SECRET_VALUE, value: v } : v,
        ]),
    );
    return { id: name, state: { name, outputs, secretOutputNames } };
}
