// What `pulumi stack export` (without --show-secrets) would print after the simulated `up`: every
// resource with its URN, type, parent, provider reference, inputs and outputs, secrets as ciphertext
// (so nothing reading this export can see a secret's value), reads marked `external`.
import * as crypto from "node:crypto";
import type { StackExport, StateResource } from "../../components/status/deployment";
import { GraphRecorder, SECRET_SIG, SECRET_VALUE } from "./recorder";

/** Output properties the real providers mark secret whatever their inputs were. */
const SECRET_OUTPUTS = /^(privateKey\w*|caPrivateKeyPem|kubeconfig|stringData|data)$/;

/** Secret values become what the CLI exports: the marker and a ciphertext that says nothing. */
function encrypt(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(encrypt);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SECRET_SIG] === SECRET_VALUE)
            return {
                [SECRET_SIG]: SECRET_VALUE,
                ciphertext: `v1:${crypto
                    .createHash("sha256")
                    .update(JSON.stringify(o.value ?? null))
                    .digest("base64")
                    .slice(0, 24)}`,
            };
        if (Object.getPrototypeOf(o) !== Object.prototype) return {};
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, encrypt(v)]));
    }
    return value;
}

const secret = (value: unknown) => encrypt({ [SECRET_SIG]: SECRET_VALUE, value });

/** Provider properties as the state holds them: those the provider's schema marks secret encrypted. */
function providerOutputs(
    state: Record<string, unknown> | undefined,
    kubernetesSecret: boolean,
): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(state ?? {}).map(([k, v]) => [
            k,
            SECRET_OUTPUTS.test(k) && (kubernetesSecret || !["data", "stringData"].includes(k))
                ? secret(v)
                : encrypt(v),
        ]),
    );
}

export function stackExport(graph: GraphRecorder): StackExport {
    const resources: StateResource[] = graph.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        custom: r.custom,
        ...(r.id ? { id: r.id } : {}),
        ...(r.parent ? { parent: r.parent } : {}),
        ...(r.provider ? { provider: r.provider } : {}),
        ...(r.external ? { external: true } : {}),
        inputs: (r.custom ? providerOutputs(r.rawInputs, false) : encrypt(r.rawInputs)) as Record<string, unknown>,
        outputs: r.custom
            ? providerOutputs(r.state, r.type === "kubernetes:core/v1:Secret")
            : (encrypt(r.rawOutputs ?? {}) as Record<string, unknown>),
    }));
    return { deployment: { resources } };
}
