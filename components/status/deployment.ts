// Reads what a stack deployed from its exported state (`pulumi stack export`, secrets left encrypted):
// every CrossMeshLink, found by its component type whatever the program around it exports, with the
// Kubernetes objects it applied on each cluster and the certificates it issued. Pure: no I/O here.
import { CROSS_MESH_LINK_TOKEN } from "../cross-mesh-link";
import type { LinkedService } from "../cross-mesh-link/outputs";
import type { LinkEnd } from "../common/types";

/** One resource of a Pulumi deployment (the `deployment.resources[]` of `pulumi stack export`). */
export interface StateResource {
    urn: string;
    type: string;
    custom?: boolean;
    id?: string;
    parent?: string;
    /** A read (`get()`): someone else manages it, so it is no object the stack applied. */
    external?: boolean;
    /** `<provider urn>::<provider id>` of a custom resource. */
    provider?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}

/** The part of `pulumi stack export` this reads. */
export interface StackExport {
    deployment?: { resources?: StateResource[] };
}

/** A Kubernetes object as the stack applied it. */
export interface AppliedObject {
    side: LinkEnd;
    apiVersion: string;
    kind: string;
    name: string;
    namespace?: string;
    /** The labels and annotations the stack set. */
    labels: Record<string, string>;
    annotations: Record<string, string>;
    /** Every top-level field the stack set besides identity (spec, type, …); secret values stay encrypted. */
    fields: Record<string, unknown>;
    urn: string;
}

/** One CrossMeshLink as deployed. */
export interface DeployedLink {
    name: string;
    urn: string;
    eksGatewayHostname?: string;
    hosts: string[];
    services: LinkedService[];
    /** The GKE mesh's Istio revision: what a probe pod's sidecar is injected by. */
    gkeIstioRevision?: string;
    /** The EKS gateway Service (`<service>.<namespace>`), from the link's topology. */
    eksIngressGateway?: string;
    /** Each side's issued leaf certificate (public) and the peer CA it must trust. */
    credentials: Record<LinkEnd, { certPem?: string; peerCaPem?: string; caExpiresAt?: string }>;
    objects: AppliedObject[];
}

/** Pulumi's marker of a serialized secret value. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

export function isSecretValue(v: unknown): boolean {
    return typeof v === "object" && v !== null && SECRET_SIG in v;
}

const nameOf = (urn: string) => urn.split("::").pop() ?? urn;
/** Component types whose Kubernetes children sit on the EKS / GKE cluster: how a provider is told apart. */
const SIDE_OF_COMPONENT: Record<string, LinkEnd> = {
    "crossmesh:index:ExportGateway": "eks",
    "crossmesh:index:ImportGateway": "gke",
};
/** Objects that are not the link's own applied objects to compare (Helm releases have no one object to diff). */
const NOT_COMPARED = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart"]);

const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const asRecord = (v: unknown): Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) && !isSecretValue(v) ? (v as Record<string, unknown>) : {};
const stringMap = (v: unknown): Record<string, string> =>
    Object.fromEntries(Object.entries(asRecord(v)).filter((e): e is [string, string] => typeof e[1] === "string"));

/** Every CrossMeshLink in the state, in state order. */
export function linksIn(state: StackExport): DeployedLink[] {
    const resources = state.deployment?.resources ?? [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const ancestors = (r: StateResource): StateResource[] => {
        const chain: StateResource[] = [];
        for (let p = r.parent ? byUrn.get(r.parent) : undefined; p; p = p.parent ? byUrn.get(p.parent) : undefined)
            chain.push(p);
        return chain;
    };
    return resources
        .filter((r) => r.type === CROSS_MESH_LINK_TOKEN)
        .map((link) => {
            const descendants = resources.filter((r) => ancestors(r).some((a) => a.urn === link.urn));
            return deployedLink(link, descendants, ancestors);
        });
}

function deployedLink(
    link: StateResource,
    descendants: StateResource[],
    ancestors: (r: StateResource) => StateResource[],
): DeployedLink {
    const out = link.outputs ?? {};
    const name = nameOf(link.urn);
    // Which provider is which cluster: the one the EKS-side gateway's objects use is EKS's, and so on.
    const sideOfProvider = new Map<string, LinkEnd>();
    for (const r of descendants) {
        const side = ancestors(r)
            .map((a) => SIDE_OF_COMPONENT[a.type])
            .find(Boolean);
        if (side && r.provider && r.type.startsWith("kubernetes:")) sideOfProvider.set(r.provider, side);
    }
    const objects = descendants.flatMap((r): AppliedObject[] => {
        const side = r.provider ? sideOfProvider.get(r.provider) : undefined;
        if (!side || !r.custom || r.external || !r.type.startsWith("kubernetes:") || NOT_COMPARED.has(r.type))
            return [];
        const applied = appliedObject(r, side);
        return applied ? [applied] : [];
    });
    const leaf = (suffix: string) =>
        asString(descendants.find((r) => nameOf(r.urn) === `${name}-pki-${suffix}`)?.outputs?.certPem);
    const topology = asRecord(out.topology);
    return {
        name,
        urn: link.urn,
        eksGatewayHostname: asString(out.eksGatewayHostname),
        hosts: Array.isArray(out.exportedHosts)
            ? out.exportedHosts.filter((h): h is string => typeof h === "string")
            : [],
        services: Array.isArray(out.services) ? (out.services as LinkedService[]) : [],
        gkeIstioRevision: asString(out.gkeIstioRevision),
        eksIngressGateway: asString(topology.eksIngressGateway),
        credentials: {
            eks: {
                certPem: leaf("server-cert"),
                peerCaPem: asString(out.clientCaPem),
                caExpiresAt: asString(out.serverCaExpiresAt),
            },
            gke: {
                certPem: leaf("client-cert"),
                peerCaPem: asString(out.serverCaPem),
                caExpiresAt: asString(out.clientCaExpiresAt),
            },
        },
        objects,
    };
}

/** The object as applied: identity from the live outputs (names resolved), fields from the inputs the program sent. */
function appliedObject(r: StateResource, side: LinkEnd): AppliedObject | undefined {
    const inputs = r.inputs ?? {};
    const outputs = r.outputs ?? {};
    const meta = { ...asRecord(inputs.metadata), ...asRecord(outputs.metadata) };
    const inputMeta = asRecord(inputs.metadata);
    const apiVersion = asString(outputs.apiVersion) ?? asString(inputs.apiVersion);
    const kind = asString(outputs.kind) ?? asString(inputs.kind);
    const name = asString(meta.name);
    if (!apiVersion || !kind || !name) return undefined;
    const fields = Object.fromEntries(
        Object.entries(inputs).filter(([k]) => !["apiVersion", "kind", "metadata"].includes(k) && !k.startsWith("__")),
    );
    const namespace = asString(meta.namespace);
    return {
        side,
        apiVersion,
        kind,
        name,
        ...(namespace ? { namespace } : {}),
        labels: stringMap(inputMeta.labels),
        annotations: stringMap(inputMeta.annotations),
        fields,
        urn: r.urn,
    };
}

/** `Kind namespace/name`, as every check names an object. */
export function objectLabel(o: { kind: string; name: string; namespace?: string }): string {
    return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}
