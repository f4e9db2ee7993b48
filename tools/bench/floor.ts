// The floor: a logic-free program that registers exactly what the stack program registered — same types,
// names, parents, providers, inputs (secrets included), options and dependsOn, the same component outputs and
// stack outputs — through the provider SDKs' own resource classes, so it pays what any program creating
// those resources pays (the SDK's Outputs for every property, serialization, the simulated providers) and
// nothing else. `recordingOf` turns what the simulator's recorder kept of a program run into a recording;
// `replay` is the floor program. The bench times the two side by side (tools/bench/floor-child.ts).
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { RecordedRequest } from "../simulator/recorder";

/** What a program sent the resource monitor, in the order the monitor answered (a topological order). */
export interface Recording {
    steps: RecordedRequest[];
}

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const ASSET = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE = "0def7320c3a5731c473e5ecbe6d01bc7";
const RESOURCE = "5cf8f73096256a8f31e491e813e4eb8e";
const STACK_TYPE = "pulumi:pulumi:Stack";

type Ctor = new (name: string, args: any, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The SDK package of a type token's package (loaded already by the program's modules). */
function sdk(pkg: string): any {
    return ({ aws, kubernetes: k8s, tls } as Record<string, unknown>)[pkg];
}

const classes = new Map<string, { ctor: Ctor; generic?: boolean } | undefined>();

/**
 * The SDK class a hand-written program would use for `type` (aws.lambda.Function, k8s.core.v1.Secret,
 * k8s.apiextensions.CustomResource for Istio's kinds, tls.PrivateKey, aws.Provider…), checked by its
 * `__pulumiType`; undefined when there is none (then the generic CustomResource registers it).
 */
export function sdkClassOf(type: string): { ctor: Ctor; generic?: boolean } | undefined {
    if (classes.has(type)) return classes.get(type);
    const found = ((): { ctor: Ctor; generic?: boolean } | undefined => {
        const [pkg, mod, name] = type.split(":");
        // Providers: their classes JSON-encode non-string settings, which the recording has encoded already;
        // the generic ProviderResource (below) sends them as recorded.
        if (pkg === "pulumi" && mod === "providers") return undefined;
        const root = sdk(pkg);
        if (!root) return undefined;
        let ns: any;
        if (pkg === "kubernetes") {
            const [group, version] = mod.split("/");
            const g =
                group === "core"
                    ? "core"
                    : group === "helm.sh"
                      ? "helm"
                      : group.endsWith(".k8s.io") || !group.includes(".")
                        ? group.split(".")[0]
                        : undefined;
            ns = g ? root[g]?.[version] : undefined;
            if (!ns?.[name]) return { ctor: root.apiextensions.CustomResource, generic: true };
        } else {
            const m = mod.split("/")[0];
            ns = m === "index" ? root : root[m];
        }
        const ctor = ns?.[name];
        return ctor && ctor.__pulumiType === type ? { ctor } : undefined;
    })();
    classes.set(type, found);
    return found;
}

/** The SDK's base classes, constructible (they are abstract in the type declarations only). */
class Component extends pulumi.ComponentResource {
    publish(outputs: Record<string, unknown>): void {
        this.registerOutputs(outputs);
    }
}
class Provider extends pulumi.ProviderResource {}
class Custom extends pulumi.CustomResource {}

const urnOf = (ref: string) => ref.split("::").slice(0, -1).join("::");

/**
 * The floor program: registers every recorded resource with no logic of its own. Each input that depended on
 * other resources waits for them (an Output of their URNs) and carries them as its dependencies, as the
 * program's did; explicit dependsOn, parents, providers and the options in the request are passed as such.
 * `dependsOn: false` drops the explicit dependsOn (data alone orders the resources): what the program's own
 * ordering costs. Returns the stack's outputs.
 */
export function replay(recording: Recording, options: { dependsOn?: boolean } = {}): Record<string, unknown> {
    const byUrn = new Map<string, pulumi.Resource>();
    let stackUrn = "";
    let stackOutputs: Record<string, unknown> = {};
    const resource = (urn: string): pulumi.Resource => {
        const r = byUrn.get(urn);
        if (!r) throw new Error(`floor: ${urn} is referenced before it is registered`);
        return r;
    };
    const value = (v: unknown): any => {
        if (Array.isArray(v)) return v.map(value);
        if (v && typeof v === "object") {
            const o = v as Record<string, any>;
            switch (o[SIG]) {
                case SECRET:
                    return pulumi.secret(value(o.value));
                case ASSET:
                    if (o.path) return new pulumi.asset.FileAsset(o.path);
                    if (o.text !== undefined) return new pulumi.asset.StringAsset(o.text);
                    return new pulumi.asset.RemoteAsset(o.uri);
                case ARCHIVE:
                    if (o.assets)
                        return new pulumi.asset.AssetArchive(
                            Object.fromEntries(Object.entries(o.assets).map(([k, a]) => [k, value(a)])),
                        );
                    if (o.path) return new pulumi.asset.FileArchive(o.path);
                    return new pulumi.asset.RemoteArchive(o.uri);
                case RESOURCE:
                    return resource(o.urn);
            }
            const out: Record<string, unknown> = {};
            for (const [k, x] of Object.entries(o)) out[k] = value(x);
            return out;
        }
        return v;
    };
    /** An input that came from other resources: waits for them and carries them, like the program's Output. */
    const dependent = (v: unknown, urns: string[]) => {
        const deps = urns.map(resource);
        const plain = value(v);
        return deps.length === 1
            ? deps[0].urn.apply(() => plain)
            : pulumi.all(deps.map((d) => d.urn)).apply(() => plain);
    };

    for (const step of recording.steps) {
        if (step.kind === "outputs") {
            if (step.urn === stackUrn) stackOutputs = value(step.outputs);
            else (resource(step.urn) as Component).publish(value(step.outputs));
            continue;
        }
        const req = step.request;
        if (req.type === STACK_TYPE) {
            stackUrn = step.urn;
            continue;
        }
        const opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions = {};
        if (req.parent && req.parent !== stackUrn) opts.parent = resource(req.parent);
        if (req.provider) opts.provider = resource(urnOf(req.provider)) as pulumi.ProviderResource;
        const providers = (req.providersMap ?? []) as [string, string][];
        if (providers.length)
            opts.providers = providers.map(([, ref]) => resource(urnOf(ref)) as pulumi.ProviderResource);
        if (req.protect) opts.protect = true;
        if (req.retainondelete) opts.retainOnDelete = true;
        if (req.deletebeforereplacedefined) opts.deleteBeforeReplace = req.deletebeforereplace;
        if (req.ignorechangesList?.length) opts.ignoreChanges = req.ignorechangesList;
        if (req.replaceonchangesList?.length) opts.replaceOnChanges = req.replaceonchangesList;
        if (req.deletedwith) opts.deletedWith = resource(req.deletedwith);
        if (req.customtimeouts && Object.values(req.customtimeouts).some(Boolean))
            opts.customTimeouts = req.customtimeouts;
        // Aliases the program gave (by name); the ones an SDK class adds itself (other API versions) it adds again.
        const aliases = ((req.aliasesList ?? []) as { spec?: Record<string, any> }[]).filter((a) => a.spec?.name);
        if (aliases.length)
            opts.aliases = aliases.map(({ spec }) => ({
                name: spec!.name,
                ...(spec!.type ? { type: spec!.type } : {}),
                ...(spec!.noparent ? { parent: pulumi.rootStackResource } : {}),
            }));

        const propertyDeps = new Map<string, string[]>(
            ((req.propertydependenciesMap ?? []) as [string, { urnsList: string[] }][]).map(([k, d]) => [
                k,
                d.urnsList,
            ]),
        );
        const viaInputs = new Set([...propertyDeps.values()].flat());
        const explicit = ((req.dependenciesList ?? []) as string[]).filter((u) => !viaInputs.has(u));
        if (explicit.length && options.dependsOn !== false) opts.dependsOn = explicit.map(resource);

        let created: pulumi.Resource;
        if (step.kind === "register" && !req.custom) {
            created = new Component(req.type, req.name, {}, opts);
        } else {
            const raw = (step.kind === "read" ? req.properties : req.object) as Record<string, unknown>;
            const inputs: Record<string, unknown> = {};
            for (const k of new Set([...Object.keys(raw), ...propertyDeps.keys()])) {
                const urns = propertyDeps.get(k) ?? [];
                inputs[k] = urns.length ? dependent(raw[k], urns) : value(raw[k]);
            }
            if (step.kind === "read") opts.id = req.id;
            const cls = sdkClassOf(req.type);
            if (cls) {
                created = new cls.ctor(req.name, inputs, opts);
            } else if (req.type.startsWith("pulumi:providers:")) {
                if (req.version) opts.version = req.version;
                if (req.additionalsecretoutputsList?.length)
                    opts.additionalSecretOutputs = req.additionalsecretoutputsList;
                created = new Provider(req.type.split(":")[2], req.name, inputs, opts);
            } else {
                if (req.version) opts.version = req.version;
                created = new Custom(req.type, req.name, inputs, opts);
            }
        }
        byUrn.set(step.urn, created);
    }
    return stackOutputs;
}

/**
 * A request in a form two runs can compare: lists whose order is the SDK's (dependencies) sorted, and the
 * provider references' IDs left as they are (the simulator's IDs are deterministic).
 */
export function comparable(step: RecordedRequest): unknown {
    if (step.kind === "outputs") return step;
    const r = { ...step.request };
    r.dependenciesList = [...(r.dependenciesList ?? [])].sort();
    r.propertydependenciesMap = ((r.propertydependenciesMap ?? []) as [string, { urnsList: string[] }][])
        .map(([k, d]) => [k, [...d.urnsList].sort()])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    return { kind: step.kind, urn: step.urn, request: r };
}
