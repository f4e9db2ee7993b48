// Turns a recorded simulation into what a reviewer reads: Kubernetes manifests per cluster, Helm
// releases, and a summary of the AWS resources, with secrets and key material redacted. Pure
// functions of the recorded graph, ordered deterministically.
import { createHash } from "node:crypto";
import { GraphRecorder, RecordedResource, SECRET_SIG, unsecret } from "../simulator/recorder";

export const REDACTED = "[secret]";

/** Replaces secret-marked values with a marker and PEM blocks with what they are. */
export function redact(value: unknown): unknown {
    if (typeof value === "string") {
        return value.includes("-----BEGIN") ? value.replace(/-----BEGIN ([A-Z ]+)-----[\s\S]*?-----END \1-----\n?/g, "[$1 PEM]") : value;
    }
    if (Array.isArray(value)) return value.map(redact);
    if (value && typeof value === "object") {
        const o = value as Record<string, unknown>;
        if (SECRET_SIG in o) return REDACTED;
        return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, redact(v)]));
    }
    return value;
}

export interface ClusterPlan {
    manifests: Record<string, unknown>[];
    helmReleases: Record<string, unknown>[];
    /** Objects the stack only reads (`Service.get` of an adopted gateway): "<apiVersion> <Kind> <namespace/name>". */
    reads: string[];
}

/** A `Resource.get`: recorded with the ID it reads and no inputs (the simulator reads with an empty property map). */
function isRead(r: RecordedResource): boolean {
    return r.id !== "" && Object.keys(r.rawInputs).length === 0;
}

/** Which provider (by its resource name, e.g. "eks", "gke", "aws") a resource is created with. */
export function providerName(graph: GraphRecorder, r: RecordedResource): string {
    const urn = r.provider.split("::").slice(0, -1).join("::");
    return graph.byUrn(urn)?.name ?? "default";
}

function kindOrder(kind: string): number {
    const order = ["Namespace", "ServiceAccount", "Secret", "ConfigMap", "Service", "Deployment", "Job", "PeerAuthentication", "ServiceEntry", "DestinationRule", "Gateway", "VirtualService", "AuthorizationPolicy"];
    const i = order.indexOf(kind);
    return i === -1 ? order.length : i;
}

export function clusterPlans(graph: GraphRecorder): Record<string, ClusterPlan> {
    const plans: Record<string, ClusterPlan> = {};
    const plan = (cluster: string) => (plans[cluster] ??= { manifests: [], helmReleases: [], reads: [] });
    for (const r of graph.resources) {
        if (!r.custom || !r.type.startsWith("kubernetes:")) continue;
        const cluster = providerName(graph, r);
        if (isRead(r)) {
            // Not the stack's to apply: a `{}` document would make `kubectl apply -f` reject the file.
            const [, group, kind] = r.type.split(":");
            plan(cluster).reads.push(`${group.replace(/^core\//, "")} ${kind} ${r.id}`);
            continue;
        }
        const inputs = redact(r.rawInputs) as Record<string, any>;
        if (r.type === "kubernetes:helm.sh/v3:Release") {
            plan(cluster).helmReleases.push({ name: inputs.name, namespace: inputs.namespace, chart: inputs.chart, version: inputs.version, repository: inputs.repositoryOpts?.repo, values: inputs.values ?? {} });
            continue;
        }
        const manifest: Record<string, unknown> = { apiVersion: inputs.apiVersion, kind: inputs.kind, metadata: inputs.metadata };
        for (const field of ["spec", "type", "data", "stringData"]) if (inputs[field] !== undefined) manifest[field] = inputs[field];
        if (inputs.kind === "Secret") {
            // Reviewers see which keys a Secret holds, never their values.
            const plain = unsecret(r.rawInputs) as Record<string, any>;
            for (const field of ["data", "stringData"]) {
                if (plain[field]) manifest[field] = Object.fromEntries(Object.keys(plain[field]).sort().map((k) => [k, REDACTED]));
            }
        }
        plan(cluster).manifests.push(manifest);
    }
    for (const p of Object.values(plans)) {
        p.manifests.sort((a: any, b: any) => kindOrder(a.kind) - kindOrder(b.kind) || String(a.kind).localeCompare(b.kind)
            || String(a.metadata?.namespace ?? "").localeCompare(b.metadata?.namespace ?? "") || String(a.metadata?.name).localeCompare(b.metadata?.name));
        p.reads.sort();
        p.helmReleases.sort((a: any, b: any) => String(a.namespace).localeCompare(b.namespace) || String(a.name).localeCompare(b.name));
    }
    return plans;
}

/**
 * The kubernetes providers' settings that decide whether a change of Secret or ConfigMap data is made in place or
 * by replacing the object (pulumi-kubernetes' enableSecretMutable / enableConfigMapMutable), by provider name.
 */
export function kubernetesSettings(graph: GraphRecorder): Record<string, Record<string, boolean>> {
    const settings: Record<string, Record<string, boolean>> = {};
    for (const r of graph.ofType("pulumi:providers:kubernetes")) {
        // Provider inputs reach the engine as strings ("true").
        const flag = (k: string) => String(unsecret(r.rawInputs[k]) ?? "false") === "true";
        settings[r.name] = {
            enableConfigMapMutable: flag("enableConfigMapMutable"),
            enableSecretMutable: flag("enableSecretMutable"),
        };
    }
    return settings;
}

/**
 * Names the program derives from the simulator's certificates: an immutable Secret named `<family>-<hex>` where
 * the hex starts the SHA-256 of its own certificates, joined by newlines in some order (crossmesh's
 * content-addressed credential Secrets). Checked against the Secret's content, never guessed from the shape alone.
 * A real deployment hashes other certificates; the simulator issues the same ones for the same program, so these
 * are compared by value: a new name is a new certificate.
 */
export function contentHashedNames(graph: GraphRecorder): { value: string; what: string }[] {
    const found: { value: string; what: string }[] = [];
    for (const r of graph.ofType("kubernetes:core/v1:Secret")) {
        const o = unsecret(r.rawInputs) as Record<string, any>;
        const name = String(o.metadata?.name ?? "");
        const m = /^(.+)-([0-9a-f]{6,64})$/.exec(name);
        if (!m || o.immutable !== true) continue;
        const values = [
            ...Object.values<string>(o.stringData ?? {}),
            ...Object.values<string>(o.data ?? {}).map((v) => Buffer.from(v, "base64").toString("utf8")),
        ].filter((v) => v.includes("-----BEGIN CERTIFICATE-----"));
        const orders = (xs: string[]): string[][] =>
            xs.length === 0 ? [[]] : xs.flatMap((x, i) => orders(xs.filter((_, j) => j !== i)).map((o) => [x, ...o]));
        const subsets = orders(values).flatMap((o) => o.map((_, i) => o.slice(0, i + 1)));
        const hashes = (xs: string[]) => createHash("sha256").update(xs.join("\n")).digest("hex");
        if (subsets.some((xs) => hashes(xs).startsWith(m[2]!)))
            found.push({ value: name, what: `content-addressed name of Secret ${m[1]} (a hash of the simulator's certificates)` });
    }
    return found;
}

/** AWS (and certificate) resources: type, Pulumi name, inputs as sent, redacted. */
export function cloudResources(graph: GraphRecorder): Record<string, unknown>[] {
    return graph.resources
        .filter((r) => r.custom && (r.type.startsWith("aws:") || r.type.startsWith("tls:")))
        .map((r) => ({ type: r.type, name: r.name, inputs: redact(r.rawInputs) }))
        .sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name));
}
