// Pure builders of the GKE side of a link: from resolved values to the Secret and Istio objects that
// let apps call `http://<host>` in plaintext while the egress gateway carries the request to the EKS
// gateway over the link's mutual TLS, and only listed workloads may do so.
import type { GatewayRef, TlsBundle } from "../common/types";
import { LinkObject, credentialSecret, meta } from "../link-routing/objects";
import { NETWORKING_V1, SECURITY_V1, authorityValues, gatewayServiceHost, objectName, subsetName } from "../link-routing/names";

/** A workload (namespace, optionally one service account) that may call an imported host. */
export interface AllowedSource {
    namespace: string;
    serviceAccount?: string;
}

export interface ImportedService {
    host: string;
    allowedSources: AllowedSource[];
}

export interface ImportSettings {
    linkName: string;
    gateway: GatewayRef;
    credentialName: string;
    remotePort: number;
    services: ImportedService[];
    /** Trust domain of the GKE mesh: principals are `<trustDomain>/ns/<ns>/sa/<sa>`. */
    trustDomain: string;
}

/** The port apps use inside the mesh (plain HTTP) and the port of the sidecar→egress-gateway hop. */
export const MESH_PORT = 80;
export const EGRESS_GATEWAY_PORT = 443;

export const importNames = {
    gateway: (linkName: string) => objectName(linkName, "import"),
    authorizationPolicy: (linkName: string) => objectName(linkName, "import"),
    egressDestinationRule: (linkName: string) => objectName(linkName, "egress-gateway"),
    host: (linkName: string, host: string) => objectName(linkName, host),
};

/** `<egressNs>/<Gateway>`: how VirtualServices name the egress Gateway. */
export function egressGatewayRef(s: ImportSettings): string {
    return `${s.gateway.namespace}/${importNames.gateway(s.linkName)}`;
}

/**
 * Namespaces that must see the host's routing: the egress gateway's own ("." — the gateway applies the
 * gateway half of the VirtualService) and each allowed namespace (their sidecars apply the mesh half).
 * Other namespaces do not even resolve the host.
 */
export function visibleTo(svc: ImportedService): string[] {
    return [".", ...new Set(svc.allowedSources.map((a) => a.namespace))];
}

export function clientSecret(s: ImportSettings, bundle: TlsBundle): LinkObject {
    return credentialSecret(s.linkName, s.credentialName, s.gateway.namespace, bundle);
}

/**
 * The imported host in the GKE registry: plain HTTP on 80 inside the mesh, so apps speak no TLS; its one
 * endpoint is the EKS gateway's load balancer, whose port `http` is mapped to the link port (443).
 * DNS capture answers the host's lookups, so apps need no real DNS record for it.
 */
export function remoteServiceEntry(s: ImportSettings, svc: ImportedService, remoteHostname: string): LinkObject {
    return {
        apiVersion: NETWORKING_V1,
        kind: "ServiceEntry",
        metadata: meta(s.linkName, importNames.host(s.linkName, svc.host), s.gateway.namespace),
        spec: {
            hosts: [svc.host],
            ports: [{ number: MESH_PORT, name: "http", protocol: "HTTP" }],
            resolution: "DNS",
            location: "MESH_EXTERNAL",
            endpoints: [{ address: remoteHostname, ports: { http: s.remotePort } }],
            exportTo: visibleTo(svc),
        },
    };
}

/**
 * mTLS origination at the egress gateway: the link's client credential, SNI = the exported host (the EKS
 * Gateway routes on it) and the server certificate must carry that host as a SAN. Exported only to the
 * egress namespace: sidecars never originate this TLS themselves.
 */
export function originationDestinationRule(s: ImportSettings, svc: ImportedService): LinkObject {
    return {
        apiVersion: NETWORKING_V1,
        kind: "DestinationRule",
        metadata: meta(s.linkName, importNames.host(s.linkName, svc.host), s.gateway.namespace),
        spec: {
            host: svc.host,
            exportTo: ["."],
            trafficPolicy: {
                portLevelSettings: [{
                    port: { number: MESH_PORT },
                    tls: { mode: "MUTUAL", credentialName: s.credentialName, sni: svc.host, subjectAltNames: [svc.host] },
                }],
            },
        },
    };
}

/**
 * The egress gateway's listener for the sidecar→gateway hop: 443, terminating Istio mTLS, so the gateway
 * learns the caller's SPIFFE identity for the AuthorizationPolicy. `./<host>`: only VirtualServices in
 * the egress namespace may bind these hosts here.
 */
export function egressGateway(s: ImportSettings): LinkObject {
    return {
        apiVersion: NETWORKING_V1,
        kind: "Gateway",
        metadata: meta(s.linkName, importNames.gateway(s.linkName), s.gateway.namespace),
        spec: {
            selector: { ...s.gateway.selectorLabels },
            servers: [{
                port: { number: EGRESS_GATEWAY_PORT, name: `https-${s.linkName}`, protocol: "HTTPS" },
                hosts: s.services.map((svc) => `./${svc.host}`),
                tls: { mode: "ISTIO_MUTUAL" },
            }],
        },
    };
}

/**
 * One subset per host on the egress gateway Service: ISTIO_MUTUAL with `sni` = the host, which is what
 * selects the Gateway server's filter chain (without it: `filter_chain_not_found`).
 */
export function egressGatewayDestinationRule(s: ImportSettings): LinkObject {
    return {
        apiVersion: NETWORKING_V1,
        kind: "DestinationRule",
        metadata: meta(s.linkName, importNames.egressDestinationRule(s.linkName), s.gateway.namespace),
        spec: {
            host: gatewayServiceHost(s.gateway),
            exportTo: [".", ...new Set(s.services.flatMap((svc) => visibleTo(svc).slice(1)))],
            subsets: s.services.map((svc) => ({
                name: subsetName(svc.host),
                trafficPolicy: {
                    portLevelSettings: [{ port: { number: EGRESS_GATEWAY_PORT }, tls: { mode: "ISTIO_MUTUAL", sni: svc.host } }],
                },
            })),
        },
    };
}

/** Sidecars (mesh, port 80) → egress gateway subset on 443; egress gateway (443) → the host on 80, i.e. the EKS LB. */
export function importVirtualService(s: ImportSettings, svc: ImportedService): LinkObject {
    const gw = egressGatewayRef(s);
    return {
        apiVersion: NETWORKING_V1,
        kind: "VirtualService",
        metadata: meta(s.linkName, importNames.host(s.linkName, svc.host), s.gateway.namespace),
        spec: {
            hosts: [svc.host],
            gateways: ["mesh", gw],
            exportTo: visibleTo(svc),
            http: [
                {
                    match: [{ gateways: ["mesh"], port: MESH_PORT }],
                    route: [{ destination: { host: gatewayServiceHost(s.gateway), subset: subsetName(svc.host), port: { number: EGRESS_GATEWAY_PORT } } }],
                },
                {
                    match: [{ gateways: [gw], port: EGRESS_GATEWAY_PORT }],
                    route: [{ destination: { host: svc.host, port: { number: MESH_PORT } } }],
                },
            ],
        },
    };
}

/**
 * Who may call: one ALLOW rule per host, from the listed service accounts (principals) or whole
 * namespaces. Everything else reaching the egress gateway is denied — an ALLOW policy denies what it does
 * not match; on a shared egress gateway, other egress routes need ALLOW policies of their own.
 */
export function importAuthorizationPolicy(s: ImportSettings): LinkObject {
    return {
        apiVersion: SECURITY_V1,
        kind: "AuthorizationPolicy",
        metadata: meta(s.linkName, importNames.authorizationPolicy(s.linkName), s.gateway.namespace),
        spec: {
            selector: { matchLabels: { ...s.gateway.selectorLabels } },
            action: "ALLOW",
            rules: s.services.map((svc) => {
                const principals = svc.allowedSources.filter((a) => a.serviceAccount)
                    .map((a) => `${s.trustDomain}/ns/${a.namespace}/sa/${a.serviceAccount}`);
                const namespaces = svc.allowedSources.filter((a) => !a.serviceAccount).map((a) => a.namespace);
                const from = [
                    ...(principals.length ? [{ source: { principals } }] : []),
                    ...(namespaces.length ? [{ source: { namespaces } }] : []),
                ];
                return { from, to: [{ operation: { hosts: authorityValues(svc.host) } }] };
            }),
        },
    };
}

/** Optional mesh-wide STRICT mTLS: a PeerAuthentication named "default" in the mesh root namespace. */
export function strictMtlsPolicy(linkName: string, rootNamespace: string): LinkObject {
    return {
        apiVersion: SECURITY_V1,
        kind: "PeerAuthentication",
        metadata: meta(linkName, "default", rootNamespace),
        spec: { mtls: { mode: "STRICT" } },
    };
}

/** Every routing object of the GKE side (no Secret, no test client). */
export function importRoutingObjects(s: ImportSettings, remoteHostname: string): LinkObject[] {
    return [
        ...s.services.flatMap((svc) => [remoteServiceEntry(s, svc, remoteHostname), originationDestinationRule(s, svc), importVirtualService(s, svc)]),
        egressGateway(s),
        egressGatewayDestinationRule(s),
        importAuthorizationPolicy(s),
    ];
}
