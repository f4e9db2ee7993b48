// Reads what a stack deployed from its exported state (`pulumi stack export`, secrets left encrypted):
// every CrossMeshLink, CrossMeshExport and CrossMeshConsumer, found by its component type whatever the program
// around it exports, with the Kubernetes objects it applied on each cluster and the certificates it issued (or,
// for a consumer, the identity it was granted). Pure: no I/O here.
import * as crypto from "node:crypto";
import { CROSS_MESH_LINK_TOKEN } from "../cross-mesh-link";
import { CROSS_MESH_EXPORT_TOKEN } from "../cross-mesh-export";
import { CROSS_MESH_CONSUMER_TOKEN } from "../cross-mesh-consumer";
import type { LinkedService, LinkedSource } from "../cross-mesh-link/outputs";
import type { LinkEnd } from "../common/types";
import { exportNames } from "../export-gateway/objects";
import { defaultLinkName } from "../link-routing/names";

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

/** The cluster an object is on: a link's two ends, or a consumer mesh's own cluster. */
export type ClusterSide = LinkEnd | "consumer";

/** A Kubernetes object as the stack applied it. */
export interface AppliedObject {
    side: ClusterSide;
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

/** One consumer of an export as its stack recorded it (outputs `consumers[]`, certificates from the state). */
export interface DeployedExportConsumer {
    name: string;
    hosts: string[];
    spiffeId?: string;
    /** Its client CA (public): the export credential's ca.crt must hold it. */
    clientCaPem?: string;
    clientCertExpiresAt?: string;
    clientCaExpiresAt?: string;
    /** Its AuthorizationPolicy on the export gateway (`<linkName>-consumer-<name>`). */
    policyName: string;
}

/** One CrossMeshExport as deployed: its EKS side, shared by its consumers, and each consumer. */
export interface DeployedExport {
    name: string;
    urn: string;
    gatewayHostname?: string;
    hosts: string[];
    /** The gateway Service (`<service>.<namespace>`), from the export's topology. */
    ingressGateway?: string;
    /** The gateway's server certificate as issued (public), and its CA's end. */
    serverCertPem?: string;
    serverCaExpiresAt?: string;
    consumers: DeployedExportConsumer[];
    /** Every object it applied (all on the EKS cluster: side "eks"). */
    objects: AppliedObject[];
}

/** One CrossMeshConsumer as deployed: one consumer mesh's side of an export, built from its grant. */
export interface DeployedConsumer {
    name: string;
    urn: string;
    /** Its name in the export. */
    consumer?: string;
    /** The export's gateway, as the grant gave it. */
    remoteGatewayHostname?: string;
    hosts: string[];
    /** Each imported host and who may call it: what the probe calls as. */
    services: { host: string; allowedSources: LinkedSource[] }[];
    /** The identity its client certificate must carry, and that certificate's end (from the grant). */
    spiffeId?: string;
    clientCertExpiresAt?: string;
    /** The mesh's Istio revision: what a probe pod's sidecar is injected by. */
    istioRevision?: string;
    /**
     * What the export stack published (public outputs) when this stack read its grant through a StackReference, as
     * of this stack's last `up`: the server CA its credential must trust, its own client CA's end. Absent when the
     * grant came another way.
     */
    exportServerCaPem?: string;
    clientCaExpiresAt?: string;
    /** Every object it applied (all on its one cluster: side "consumer"). */
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

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((h): h is string => typeof h === "string") : []);

/** Every component of one type in the state, in state order, with its descendants. */
function componentsIn<T>(
    state: StackExport,
    type: string,
    build: (
        component: StateResource,
        descendants: StateResource[],
        ancestors: (r: StateResource) => StateResource[],
        resources: StateResource[],
    ) => T,
): T[] {
    const resources = state.deployment?.resources ?? [];
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const ancestors = (r: StateResource): StateResource[] => {
        const chain: StateResource[] = [];
        for (let p = r.parent ? byUrn.get(r.parent) : undefined; p; p = p.parent ? byUrn.get(p.parent) : undefined)
            chain.push(p);
        return chain;
    };
    return resources
        .filter((r) => r.type === type)
        .map((c) => {
            const descendants = resources.filter((r) => ancestors(r).some((a) => a.urn === c.urn));
            return build(c, descendants, ancestors, resources);
        });
}

/** Every CrossMeshLink in the state, in state order. */
export function linksIn(state: StackExport): DeployedLink[] {
    return componentsIn(state, CROSS_MESH_LINK_TOKEN, deployedLink);
}

/** The Kubernetes objects a one-cluster component applied (all through its one provider), on `side`. */
function objectsOnOneCluster(descendants: StateResource[], side: ClusterSide): AppliedObject[] {
    return descendants.flatMap((r): AppliedObject[] => {
        if (!r.custom || r.external || !r.provider || !r.type.startsWith("kubernetes:") || NOT_COMPARED.has(r.type))
            return [];
        const applied = appliedObject(r, side);
        return applied ? [applied] : [];
    });
}

/** Every CrossMeshExport in the state, in state order. */
export function exportsIn(state: StackExport): DeployedExport[] {
    return componentsIn(state, CROSS_MESH_EXPORT_TOKEN, (exp, descendants) => {
        const out = exp.outputs ?? {};
        const name = nameOf(exp.urn);
        const linkName = defaultLinkName(name);
        const certOf = (resource: string) =>
            asString(descendants.find((r) => nameOf(r.urn) === resource)?.outputs?.certPem);
        const consumers = (Array.isArray(out.consumers) ? out.consumers : []).map(asRecord).flatMap((c) => {
            const consumer = asString(c.name);
            if (!consumer) return [];
            // The end of its certificates: the outputs, else the issued certificates in the state.
            const clientCertExpiresAt =
                asString(c.clientCertExpiresAt) ?? notAfterOf(certOf(`${name}-${consumer}-client-cert`));
            const clientCaPem = asString(c.clientCaPem) ?? certOf(`${name}-${consumer}-client-ca`);
            const clientCaExpiresAt = asString(c.clientCaExpiresAt) ?? notAfterOf(clientCaPem);
            return [
                {
                    name: consumer,
                    hosts: strings(c.hosts),
                    ...(asString(c.spiffeId) ? { spiffeId: asString(c.spiffeId) } : {}),
                    ...(clientCaPem ? { clientCaPem } : {}),
                    ...(clientCertExpiresAt ? { clientCertExpiresAt } : {}),
                    ...(clientCaExpiresAt ? { clientCaExpiresAt } : {}),
                    policyName: exportNames.consumerPolicy(linkName, consumer),
                },
            ];
        });
        return {
            name,
            urn: exp.urn,
            gatewayHostname: asString(out.gatewayHostname),
            hosts: strings(out.exportedHosts),
            ingressGateway: asString(asRecord(out.topology).ingressGateway),
            serverCertPem: certOf(`${name}-server-cert`),
            serverCaExpiresAt: asString(out.serverCaExpiresAt),
            consumers,
            objects: objectsOnOneCluster(descendants, "eks"),
        };
    });
}

/** Every CrossMeshConsumer in the state, in state order. */
export function consumersIn(state: StackExport): DeployedConsumer[] {
    return componentsIn(state, CROSS_MESH_CONSUMER_TOKEN, (c, descendants, _ancestors, resources) => {
        const out = c.outputs ?? {};
        const consumer = asString(out.consumer);
        const remoteGatewayHostname = asString(out.remoteGatewayHostname);
        // The export stack's public outputs, when this stack read its grant through a StackReference to it: the
        // reference whose consumers include this one, at the gateway this consumer was granted.
        const published = resources
            .filter((r) => r.type === STACK_REFERENCE)
            .map((r) => asRecord(asRecord(r.outputs).outputs))
            .find(
                (o) =>
                    asString(o.gatewayHostname) === remoteGatewayHostname &&
                    (Array.isArray(o.consumers) ? o.consumers : []).some((x) => asRecord(x).name === consumer),
            );
        const mine = asRecord(
            (Array.isArray(published?.consumers) ? published.consumers : []).find((x) => asRecord(x).name === consumer),
        );
        const services = (Array.isArray(out.services) ? out.services : []).map(asRecord).flatMap((s) => {
            const host = asString(s.host);
            return host
                ? [
                      {
                          host,
                          allowedSources: (Array.isArray(s.allowedSources) ? s.allowedSources : []) as LinkedSource[],
                      },
                  ]
                : [];
        });
        const optional = (k: string, v: string | undefined) => (v ? { [k]: v } : {});
        return {
            name: nameOf(c.urn),
            urn: c.urn,
            ...optional("consumer", consumer),
            ...optional("remoteGatewayHostname", remoteGatewayHostname),
            hosts: strings(out.importedHosts),
            services,
            ...optional("spiffeId", asString(out.spiffeId)),
            ...optional("clientCertExpiresAt", asString(out.clientCertExpiresAt)),
            ...optional("istioRevision", asString(out.istioRevision)),
            ...optional("exportServerCaPem", asString(published?.serverCaPem)),
            ...optional("clientCaExpiresAt", asString(mine.clientCaExpiresAt)),
            objects: objectsOnOneCluster(descendants, "consumer"),
        };
    });
}

const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/** The end of validity (RFC 3339) of the first certificate of a PEM, when it parses. */
function notAfterOf(pem: string | undefined): string | undefined {
    if (!pem) return undefined;
    try {
        return new Date(new crypto.X509Certificate(pem).validTo).toISOString();
    } catch {
        return undefined;
    }
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
        hosts: strings(out.exportedHosts),
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
function appliedObject(r: StateResource, side: ClusterSide): AppliedObject | undefined {
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
