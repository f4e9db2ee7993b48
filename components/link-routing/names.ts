// What both ends of a link agree on: object names derived from exported hosts, the
// in-cluster name of a gateway Service, SPIFFE ids and the Secret keys Istio's SDS accepts.
import { MANAGED_BY_CROSSMESH } from "../common/kube";
import { fitLabel, shortHash, slug } from "../common/names";
import type { GatewayRef } from "../common/types";

/** Longest link name: object names are the link name plus a host, within Kubernetes' 63. */
export const MAX_LINK_NAME = 30;

/** Longest consumer name of an export: it names the consumer's objects and resources after the export's name. */
export const MAX_CONSUMER_NAME = 30;

/**
 * The default link name of a gateway component: its own name as a DNS label, so two components (two
 * links) never create objects of the same name. Lowercased, other characters turned into hyphens, cut
 * to 30 characters with a short hash when longer.
 */
export function defaultLinkName(componentName: string): string {
    const label = slug(componentName) || "link";
    if (label.length <= MAX_LINK_NAME && /^[a-z]/.test(label)) return label;
    const hash = shortHash(componentName, 6);
    const head = (/^[a-z]/.test(label) ? label : `l-${label}`).slice(0, MAX_LINK_NAME - 7).replace(/-+$/, "");
    return `${head}-${hash}`;
}

/** Label put on every object, so `kubectl get -l crossmesh.io/link=<name>` lists a link's objects. */
export const LINK_LABEL = "crossmesh.io/link";

const MAX_NAME = 63;

/**
 * A DNS-label name from parts, e.g. ("crossmesh", "lambda.external") → "crossmesh-lambda-external".
 * Dots become hyphens; a name over 63 characters is cut and made unique again with a short hash.
 */
export function objectName(...parts: string[]): string {
    const joined = parts.join("-").replace(/\./g, "-");
    return fitLabel(joined, MAX_NAME, joined);
}

/** The name of the per-host DestinationRule subset (a DNS label, as Istio requires of subset names). */
export function subsetName(host: string): string {
    return objectName(host);
}

/** `<service>.<namespace>.svc.cluster.local`: the host a sidecar routes to for the mesh→gateway hop. */
export function gatewayServiceHost(gateway: Pick<GatewayRef, "serviceName" | "namespace">): string {
    return `${gateway.serviceName}.${gateway.namespace}.svc.cluster.local`;
}

/**
 * The Host-header values an AuthorizationPolicy `hosts` list needs for one exported host: the bare name
 * and, with any port, `<host>:*` (Istio matches `hosts` exactly, case-insensitively, with `*` only as a
 * prefix/suffix wildcard, so `lambda.external:80` would otherwise not match).
 */
export function authorityValues(host: string): string[] {
    return [host, `${host}:*`];
}

/** The labels every object of a link carries. */
export function linkLabels(linkName: string): Record<string, string> {
    return { ...MANAGED_BY_CROSSMESH, [LINK_LABEL]: linkName };
}
