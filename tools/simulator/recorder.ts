// Records what a program registers with the (mock) resource monitor: type, name, parent, provider,
// direct and per-property dependencies, the inputs as sent (secret markers kept) and component
// outputs. From that, graph queries such as "does A wait for B" follow Pulumi's own rules.
import * as pulumi from "@pulumi/pulumi";

/** The marker Pulumi puts on a serialized secret value. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    provider: string;
    /** Every URN this resource waits for (dependsOn and the resources its inputs came from). */
    dependencies: string[];
    /** For each input property, the URNs it was computed from. */
    propertyDependencies: Record<string, string[]>;
    /** Inputs as serialized by the SDK: secrets are `{ [SECRET_SIG]: SECRET_VALUE, value }`. */
    rawInputs: Record<string, unknown>;
    /** Outputs registered by a component with registerOutputs, serialized the same way. */
    rawOutputs?: Record<string, unknown>;
    /** The ID the simulated provider assigned (empty for components). */
    id: string;
    /** Read with `get()` (an object someone else manages), not created: `external` in Pulumi's state. */
    external?: boolean;
    /** What the simulated provider returned. */
    state?: Record<string, unknown>;
}

interface ProtoStruct {
    toJavaScript(): Record<string, unknown>;
}

/**
 * One message a program sent the resource monitor, as sent (the protobuf's `toObject()` with the inputs as
 * plain JSON): a registration, a read, or a component's outputs. Kept only when asked for
 * (`GraphRecorder.keepRequests`), for the bench's floor program that replays them.
 */
export type RecordedRequest =
    | { kind: "register"; urn: string; request: Record<string, any> }
    | { kind: "read"; urn: string; request: Record<string, any> }
    | { kind: "outputs"; urn: string; outputs: Record<string, unknown> };

/** What identifies a registration, not where in the source it was made: the source position and stack trace go. */
function requestAsSent(req: any, inputs: ProtoStruct | undefined): Record<string, any> {
    const o = req.toObject();
    delete o.sourceposition;
    delete o.stacktrace;
    delete o.parentstacktracehandle;
    if ("object" in o) o.object = inputs ? inputs.toJavaScript() : {};
    if ("properties" in o) o.properties = inputs ? inputs.toJavaScript() : {};
    return o;
}

export class GraphRecorder {
    readonly resources: RecordedResource[] = [];
    readonly invokes: { token: string }[] = [];
    /** Every request as sent, in the order the monitor answered; filled only when `keepRequests` is set. */
    readonly requests: RecordedRequest[] = [];
    keepRequests = false;
    private readonly index = new Map<string, RecordedResource>();

    install(): void {
        const monitor = pulumi.runtime.getMonitor() as any;
        if (!monitor || monitor.__crossmeshRecorder) return;
        monitor.__crossmeshRecorder = true;
        const register = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
            register(req, (err: unknown, resp: any) => {
                if (!err && resp) this.record(req, resp);
                callback(err, resp);
            });
        const read = monitor.readResource.bind(monitor);
        monitor.readResource = (req: any, callback: (err: unknown, resp: any) => void) =>
            read(req, (err: unknown, resp: any) => {
                if (!err && resp) this.record(req, resp, true);
                callback(err, resp);
            });
        const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
        monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp: any) => void) => {
            const r = this.index.get(req.getUrn());
            const outputs = req.getOutputs() as ProtoStruct | undefined;
            if (r && outputs) r.rawOutputs = outputs.toJavaScript();
            if (this.keepRequests)
                this.requests.push({
                    kind: "outputs",
                    urn: req.getUrn(),
                    outputs: outputs ? outputs.toJavaScript() : {},
                });
            return registerOutputs(req, callback);
        };
        const invoke = monitor.invoke.bind(monitor);
        monitor.invoke = (req: any, callback: (err: unknown, resp: any) => void) => {
            this.invokes.push({ token: req.getTok() });
            return invoke(req, callback);
        };
    }

    private record(req: any, resp: any, read = false): void {
        const propertyDependencies: Record<string, string[]> = {};
        if (!read) {
            req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
                propertyDependencies[key] = deps.getUrnsList();
            });
        }
        const object = (read ? req.getProperties() : req.getObject()) as ProtoStruct | undefined;
        if (this.keepRequests)
            this.requests.push({
                kind: read ? "read" : "register",
                urn: resp.getUrn(),
                request: requestAsSent(req, object),
            });
        const recorded: RecordedResource = {
            urn: resp.getUrn(),
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            custom: read ? true : req.getCustom(),
            provider: req.getProvider(),
            dependencies: read ? req.getDependenciesList() : req.getDependenciesList(),
            propertyDependencies,
            rawInputs: object ? object.toJavaScript() : {},
            id: read ? req.getId() : resp.getId(),
            ...(read ? { external: true } : {}),
            state: (resp.getObject?.() ?? resp.getProperties?.())?.toJavaScript(),
        };
        this.resources.push(recorded);
        if (!this.index.has(recorded.urn)) this.index.set(recorded.urn, recorded);
    }

    clear(): void {
        this.resources.length = 0;
        this.invokes.length = 0;
        this.requests.length = 0;
        this.index.clear();
    }

    byUrn(urn: string): RecordedResource | undefined {
        return this.index.get(urn) ?? this.resources.find((r) => r.urn === urn);
    }

    ofType(type: string): RecordedResource[] {
        return this.resources.filter((r) => r.type === type);
    }

    /** The single resource of `type` whose name satisfies `name` (a string or a predicate); throws otherwise. */
    one(type: string, name?: string | ((n: string) => boolean)): RecordedResource {
        const matches = this.ofType(type).filter(
            (r) => name === undefined || (typeof name === "string" ? r.name === name : name(r.name)),
        );
        if (matches.length !== 1) {
            throw new Error(
                `expected one ${type}${name ? ` named ${String(name)}` : ""}, found ${matches.length}: ${this.ofType(
                    type,
                )
                    .map((r) => r.name)
                    .join(", ")}`,
            );
        }
        return matches[0];
    }

    children(urn: string): RecordedResource[] {
        return this.resources.filter((r) => r.parent === urn);
    }

    descendants(urn: string): RecordedResource[] {
        const out: RecordedResource[] = [];
        const stack = [urn];
        while (stack.length) {
            const u = stack.pop()!;
            for (const c of this.children(u)) {
                out.push(c);
                stack.push(c.urn);
            }
        }
        return out;
    }

    /**
     * The resources `r` must wait for before the engine may create it, as the engine sees them:
     * every direct dependency, where depending on a component means depending on all its descendants.
     */
    waitsDirectlyFor(r: RecordedResource): Set<string> {
        const deps = new Set<string>([...r.dependencies, ...Object.values(r.propertyDependencies).flat()]);
        const out = new Set<string>();
        for (const d of deps) {
            const dep = this.byUrn(d);
            if (!dep) continue;
            if (dep.custom) out.add(d);
            for (const desc of this.descendants(d)) if (desc.custom) out.add(desc.urn);
        }
        return out;
    }

    /** True when creating `a` has to wait, directly or through a chain, for `b` (custom resources). */
    waitsFor(a: RecordedResource, b: RecordedResource): boolean {
        const seen = new Set<string>();
        const stack = [a.urn];
        while (stack.length) {
            const u = stack.pop()!;
            const r = this.byUrn(u);
            if (!r) continue;
            for (const d of this.waitsDirectlyFor(r)) {
                if (d === b.urn) return true;
                if (!seen.has(d)) {
                    seen.add(d);
                    stack.push(d);
                }
            }
        }
        return false;
    }
}

/** Unwraps secret markers: the plain value a provider receives. */
export function unsecret(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(unsecret);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SECRET_SIG] === SECRET_VALUE) return unsecret(o.value);
        if (o instanceof Promise || Object.getPrototypeOf(o) !== Object.prototype) return value; // assets, archives
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unsecret(v)]));
    }
    return value;
}

/**
 * Paths (a.b[2].c) of string values outside any secret that match `pattern`: for "no private key
 * or kubeconfig in plain state/outputs" checks.
 */
export function plainMatches(value: unknown, pattern: RegExp, path = ""): string[] {
    if (typeof value === "string") return pattern.test(value) ? [path || "."] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => plainMatches(v, pattern, `${path}[${i}]`));
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (o[SECRET_SIG] === SECRET_VALUE) return [];
        return Object.entries(o).flatMap(([k, v]) => plainMatches(v, pattern, path ? `${path}.${k}` : k));
    }
    return [];
}
