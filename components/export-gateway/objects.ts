// Pure builders of the EKS side of a link: from resolved values to the Secret and Istio objects the
// ingress gateway needs to terminate the link's mTLS and route each exported host to its upstream.
import type { GatewayRef, TlsBundle } from "../common/types";
import { LinkObject, caOnlySecret, credentialSecret, meta } from "../link-routing/objects";
import { NETWORKING_V1, SECURITY_V1, authorityValues, objectName, principalOf } from "../link-routing/names";

/** One exported host and where the ingress gateway sends it. */
export interface ExportedService {
    /** The name GKE callers use, e.g. "lambda.external": SNI, Host header and server-certificate SAN. */
    host: string;
    /** The upstream's DNS name, e.g. the internal ALB's `internal-….elb.amazonaws.com`. */
    upstreamHost: string;
    upstreamPort: number;
    /** SNI sent to the upstream and the SAN its certificate must carry; the upstream host when unset. */
    upstreamSni?: string;
    /** True when the upstream's CA is private: a CA-only Secret is created and referenced. */
    privateUpstreamCa: boolean;
    /**
     * Names the upstream's objects; services with the same name share one ServiceEntry, DestinationRule
     * and CA Secret (e.g. several functions behind one ALB). Default: the host.
     */
    upstream?: string;
}

export interface ExportSettings {
    linkName: string;
    gateway: GatewayRef;
    credentialName: string;
    services: ExportedService[];
    /** SPIFFE URIs (`spiffe://…`) of the client certificates allowed to call, as in their URI SAN. */
    allowedClientPrincipals: string[];
}

/** Object names, shared by builders and the component (which must know them before values resolve). */
export const exportNames = {
    gateway: (linkName: string) => objectName(linkName, "export"),
    authorizationPolicy: (linkName: string) => objectName(linkName, "export"),
    route: (linkName: string, host: string) => objectName(linkName, host),
    upstream: (linkName: string, upstream: string) => objectName(linkName, "upstream", upstream),
    upstreamCaSecret: (linkName: string, upstream: string) => objectName(linkName, "upstream-ca", upstream),
};

/** The name that keys a service's upstream objects. */
export function upstreamKeyOf(svc: ExportedService): string {
    return svc.upstream ?? svc.host;
}

/** The first service of each upstream: the one whose settings its shared objects carry. */
export function distinctUpstreams(services: readonly ExportedService[]): ExportedService[] {
    const first = new Map<string, ExportedService>();
    for (const svc of services) if (!first.has(upstreamKeyOf(svc))) first.set(upstreamKeyOf(svc), svc);
    return [...first.values()];
}

export function upstreamSniOf(svc: ExportedService): string {
    return svc.upstreamSni ?? svc.upstreamHost;
}

export function serverSecret(s: ExportSettings, bundle: TlsBundle): LinkObject {
    return credentialSecret(s.linkName, s.credentialName, s.gateway.namespace, bundle);
}

export function upstreamCaSecret(s: ExportSettings, svc: ExportedService, caPem: string): LinkObject {
    return caOnlySecret(s.linkName, exportNames.upstreamCaSecret(s.linkName, upstreamKeyOf(svc)), s.gateway.namespace, caPem);
}

/**
 * The upstream in the gateway's registry. `exportTo: ["."]` keeps it private to the gateway namespace:
 * no workload elsewhere in the EKS mesh gets a route to the ALB from it.
 */
export function upstreamServiceEntry(s: ExportSettings, svc: ExportedService): LinkObject {
    return {
        apiVersion: NETWORKING_V1,
        kind: "ServiceEntry",
        metadata: meta(s.linkName, exportNames.upstream(s.linkName, upstreamKeyOf(svc)), s.gateway.namespace),
        spec: {
            hosts: [svc.upstreamHost],
            ports: [{ number: svc.upstreamPort, name: "https", protocol: "HTTPS" }],
            resolution: "DNS",
            location: "MESH_EXTERNAL",
            exportTo: ["."],
        },
    };
}

/**
 * TLS origination to the upstream. `sni` and `subjectAltNames` are explicit because Envoy checks SANs
 * (never the CN) and the upstream's name is not the exported host. A private CA comes from a CA-only
 * credential in the gateway namespace; otherwise the proxy's system roots verify the upstream.
 */
export function upstreamDestinationRule(s: ExportSettings, svc: ExportedService): LinkObject {
    const sni = upstreamSniOf(svc);
    const tls: Record<string, unknown> = { mode: "SIMPLE", sni, subjectAltNames: [sni] };
    if (svc.privateUpstreamCa) tls.credentialName = exportNames.upstreamCaSecret(s.linkName, upstreamKeyOf(svc));
    return {
        apiVersion: NETWORKING_V1,
        kind: "DestinationRule",
        metadata: meta(s.linkName, exportNames.upstream(s.linkName, upstreamKeyOf(svc)), s.gateway.namespace),
        spec: {
            host: svc.upstreamHost,
            exportTo: ["."],
            trafficPolicy: { portLevelSettings: [{ port: { number: svc.upstreamPort }, tls }] },
        },
    };
}

/**
 * The link's listener: 443, HTTPS, MUTUAL with the link credential (its `ca.crt` is the link's client
 * CA, so only link clients complete the handshake) and `subjectAltNames` pinning the client
 * certificate's URI SAN to the allowed SPIFFE ids. Hosts are `./<host>`: only VirtualServices in the
 * gateway's own namespace may bind routes for them, so nobody else can hijack an exported name.
 */
export function exportGateway(s: ExportSettings): LinkObject {
    return {
        apiVersion: NETWORKING_V1,
        kind: "Gateway",
        metadata: meta(s.linkName, exportNames.gateway(s.linkName), s.gateway.namespace),
        spec: {
            selector: { ...s.gateway.selectorLabels },
            servers: [{
                port: { number: 443, name: `https-${s.linkName}`, protocol: "HTTPS" },
                hosts: s.services.map((svc) => `./${svc.host}`),
                tls: {
                    mode: "MUTUAL",
                    credentialName: s.credentialName,
                    subjectAltNames: [...s.allowedClientPrincipals],
                },
            }],
        },
    };
}

/** Routes one exported host, arriving on the link Gateway, to its upstream over TLS. */
export function exportVirtualService(s: ExportSettings, svc: ExportedService): LinkObject {
    return {
        apiVersion: NETWORKING_V1,
        kind: "VirtualService",
        metadata: meta(s.linkName, exportNames.route(s.linkName, svc.host), s.gateway.namespace),
        spec: {
            hosts: [svc.host],
            gateways: [exportNames.gateway(s.linkName)],
            exportTo: ["."],
            http: [{ route: [{ destination: { host: svc.upstreamHost, port: { number: svc.upstreamPort } } }] }],
        },
    };
}

/**
 * Who may call: ALLOW only the allowed client principals, for the exported hosts. Istio turns each
 * principal into an Envoy RBAC `authenticated.principal_name` match on `spiffe://<principal>`, and Envoy
 * takes that name from the peer certificate of the TLS connection — at a MUTUAL gateway, the client
 * certificate that `credentialName`'s `ca.crt` just verified — using its URI SAN (else DNS SAN, else
 * subject). So `principals` are the client certificate's URI SANs without `spiffe://`.
 * An ALLOW policy makes the gateway deny everything it does not match: on a shared (adopted) ingress
 * gateway, other hosts need ALLOW policies of their own.
 */
export function exportAuthorizationPolicy(s: ExportSettings): LinkObject {
    return {
        apiVersion: SECURITY_V1,
        kind: "AuthorizationPolicy",
        metadata: meta(s.linkName, exportNames.authorizationPolicy(s.linkName), s.gateway.namespace),
        spec: {
            selector: { matchLabels: { ...s.gateway.selectorLabels } },
            action: "ALLOW",
            rules: [{
                from: [{ source: { principals: s.allowedClientPrincipals.map(principalOf) } }],
                to: [{ operation: { hosts: s.services.flatMap((svc) => authorityValues(svc.host)) } }],
            }],
        },
    };
}

/**
 * Every object of the EKS side, Secrets included: what the trace and schema tests read. Upstream CA
 * PEMs are keyed by upstream name (the host, unless services share an upstream).
 */
export function exportObjects(s: ExportSettings, bundle: TlsBundle, upstreamCaPems: Record<string, string> = {}): LinkObject[] {
    const upstreams = distinctUpstreams(s.services);
    return [
        serverSecret(s, bundle),
        ...upstreams.filter((svc) => svc.privateUpstreamCa).map((svc) => upstreamCaSecret(s, svc, upstreamCaPems[upstreamKeyOf(svc)] ?? "")),
        ...upstreams.flatMap((svc) => [upstreamServiceEntry(s, svc), upstreamDestinationRule(s, svc)]),
        exportGateway(s),
        ...s.services.map((svc) => exportVirtualService(s, svc)),
        exportAuthorizationPolicy(s),
    ];
}
