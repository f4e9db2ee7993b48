// The GKE side of a link as one object list: the Secret and Istio objects that let apps call `http://<host>` in
// plaintext while the egress gateway carries the request to the EKS gateway over the link's mutual TLS,
// and only listed workloads may do so. Identities come from plain values (link name, hosts); payloads
// from the values that resolve later (the client credential, the EKS load balancer's hostname, the
// callers). ImportGateway creates exactly these entries; the tests build them with plain values.
import type { GatewayRef, TlsBundle } from "../common/types";
import type {
    IstioObject,
    AuthorizationPolicySpec,
    DestinationRuleSpec,
    GatewaySpec,
    ServiceEntrySpec,
    VirtualServiceSpec,
} from "../common/istio-types";
import {
    type SecretObject,
    credentialSecretName,
    linkIdentities,
    deferredCredentialSecret,
    deferredIstio,
} from "../link-routing/objects";
import { authorityValues, gatewayServiceHost, objectName, subsetName } from "../link-routing/names";
import { type DeferredObject, type Sources, buildDeferred } from "../common/deferred";

/** A workload (namespace, optionally one service account) that may call an imported host. */
export interface AllowedSource {
    namespace: string;
    serviceAccount?: string;
}

export interface ImportedService {
    host: string;
    allowedSources: AllowedSource[];
}

/** What names the objects of the GKE side: all plain, known before anything resolves. */
export interface ImportObjectsSettings<N = string> {
    linkName: string;
    /** The egress gateway's namespace (an Output in the component: it orders the objects after istiod). */
    namespace: N;
    credentialName: string;
    hosts: string[];
}

/** What the payloads read; each object waits for what it reads only. */
export interface ImportValues {
    gateway: GatewayRef;
    /** Trust domain of the GKE mesh: principals are `<trustDomain>/ns/<ns>/sa/<sa>`. */
    trustDomain: string;
    remotePort: number;
    /** The EKS gateway's load balancer hostname: the one value that comes from the other cluster. */
    remoteHostname: string;
    /** The client credential (a secret). */
    bundle: TlsBundle;
    /** The credential Secret's name: `credentialSecretName(credentialName, bundle)`. */
    credentialSecret: string;
    /** Each imported host with its callers, in the order of the settings. */
    services: ImportedService[];
}

/** Every object of the GKE side (no test client), typed. */
export type ImportObject =
    | SecretObject
    | IstioObject<"ServiceEntry" | "DestinationRule" | "Gateway" | "VirtualService" | "AuthorizationPolicy">;

/** The values as ImportGateway holds them: each service's callers wait on their own Outputs. */
export type ImportSources = Sources<ImportValues, "services">;

/** The whole side with resolved values: the shape the fixtures and the request tracer use. */
export interface ImportSettings {
    linkName: string;
    gateway: GatewayRef;
    credentialName: string;
    remotePort: number;
    services: ImportedService[];
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
export function egressGatewayRef(linkName: string, gateway: Pick<GatewayRef, "namespace">): string {
    return `${gateway.namespace}/${importNames.gateway(linkName)}`;
}

/**
 * Namespaces that must see the host's routing: the egress gateway's own ("." — the gateway applies the
 * gateway half of the VirtualService) and each allowed namespace (their sidecars apply the mesh half).
 * Other namespaces do not even resolve the host.
 */
export function visibleTo(svc: ImportedService): string[] {
    return [".", ...new Set(svc.allowedSources.map((a) => a.namespace))];
}

/** Every object of the GKE side, in creation order. */
export function importObjectList<N>(s: ImportObjectsSettings<N>): DeferredObject<ImportSources, N, ImportObject>[] {
    const id = linkIdentities(s.linkName, s.namespace);
    return [
        // The server CA as ca.crt: what the origination verifies the EKS gateway with.
        deferredCredentialSecret<ImportSources, N>(id, s.credentialName),
        ...s.hosts.flatMap((host, i) => [
            // The ServiceEntry alone reads the EKS load balancer hostname: the one edge across clusters.
            deferredIstio(
                id,
                "ServiceEntry",
                importNames.host(s.linkName, host),
                (v: ImportSources) => ({ svc: v.services[i], hostname: v.remoteHostname, port: v.remotePort }),
                (r) => remoteServiceEntrySpec(r.svc, r.hostname, r.port),
            ),
            deferredIstio(
                id,
                "DestinationRule",
                importNames.host(s.linkName, host),
                (v: ImportSources) => ({ gateway: v.gateway, credentialSecret: v.credentialSecret }),
                (r) => originationDestinationRuleSpec(host, r.credentialSecret, r.gateway),
            ),
            deferredIstio(
                id,
                "VirtualService",
                importNames.host(s.linkName, host),
                (v: ImportSources) => ({ gateway: v.gateway, svc: v.services[i] }),
                (r) => importVirtualServiceSpec(s.linkName, r.gateway, r.svc),
            ),
        ]),
        deferredIstio(
            id,
            "Gateway",
            importNames.gateway(s.linkName),
            (v: ImportSources) => v.gateway,
            (gateway) => egressGatewaySpec(s.linkName, s.hosts, gateway),
        ),
        deferredIstio(
            id,
            "DestinationRule",
            importNames.egressDestinationRule(s.linkName),
            (v: ImportSources) => ({ gateway: v.gateway, services: v.services }),
            (r) => egressGatewayDestinationRuleSpec(r.gateway, r.services),
        ),
        deferredIstio(
            id,
            "AuthorizationPolicy",
            importNames.authorizationPolicy(s.linkName),
            (v: ImportSources) => ({ gateway: v.gateway, trustDomain: v.trustDomain, services: v.services }),
            (r) => importAuthorizationPolicySpec(r.gateway, r.trustDomain, r.services),
        ),
    ];
}

/**
 * The imported host in the GKE registry: plain HTTP on 80 inside the mesh, so apps speak no TLS; its one
 * endpoint is the EKS gateway's load balancer, whose port `http` is mapped to the link port (443).
 * DNS capture answers the host's lookups, so apps need no real DNS record for it.
 */
function remoteServiceEntrySpec(svc: ImportedService, remoteHostname: string, remotePort: number): ServiceEntrySpec {
    return {
        hosts: [svc.host],
        ports: [{ number: MESH_PORT, name: "http", protocol: "HTTP" }],
        resolution: "DNS",
        location: "MESH_EXTERNAL",
        endpoints: [{ address: remoteHostname, ports: { http: remotePort } }],
        exportTo: visibleTo(svc),
    };
}

/**
 * mTLS origination at the egress gateway: the link's client credential, SNI = the exported host (the EKS
 * Gateway routes on it) and the server certificate must carry that host as a SAN. Exported only to the
 * egress namespace and selecting the gateway's pods: a `credentialName` is readable only by a gateway, so
 * no sidecar (even one in this namespace) may pick this rule up (istioctl's IST0129).
 */
function originationDestinationRuleSpec(
    host: string,
    credentialName: string,
    gateway: Pick<GatewayRef, "selectorLabels">,
): DestinationRuleSpec {
    return {
        host,
        exportTo: ["."],
        workloadSelector: { matchLabels: { ...gateway.selectorLabels } },
        trafficPolicy: {
            portLevelSettings: [
                {
                    port: { number: MESH_PORT },
                    tls: { mode: "MUTUAL", credentialName, sni: host, subjectAltNames: [host] },
                },
            ],
        },
    };
}

/**
 * The egress gateway's listener for the sidecar→gateway hop: 443, terminating Istio mTLS, so the gateway
 * learns the caller's SPIFFE identity for the AuthorizationPolicy. `./<host>`: only VirtualServices in
 * the egress namespace may bind these hosts here.
 */
function egressGatewaySpec(linkName: string, hosts: string[], gateway: GatewayRef): GatewaySpec {
    return {
        selector: { ...gateway.selectorLabels },
        servers: [
            {
                port: { number: EGRESS_GATEWAY_PORT, name: `https-${linkName}`, protocol: "HTTPS" },
                hosts: hosts.map((h) => `./${h}`),
                tls: { mode: "ISTIO_MUTUAL" },
            },
        ],
    };
}

/**
 * One subset per host on the egress gateway Service: ISTIO_MUTUAL with `sni` = the host, which is what
 * selects the Gateway server's filter chain (without it: `filter_chain_not_found`).
 */
function egressGatewayDestinationRuleSpec(gateway: GatewayRef, services: ImportedService[]): DestinationRuleSpec {
    return {
        host: gatewayServiceHost(gateway),
        exportTo: [".", ...new Set(services.flatMap((svc) => visibleTo(svc).slice(1)))],
        subsets: services.map((svc) => ({
            name: subsetName(svc.host),
            trafficPolicy: {
                portLevelSettings: [
                    { port: { number: EGRESS_GATEWAY_PORT }, tls: { mode: "ISTIO_MUTUAL", sni: svc.host } },
                ],
            },
        })),
    };
}

/** Sidecars (mesh, port 80) → egress gateway subset on 443; egress gateway (443) → the host on 80, i.e. the EKS LB. */
function importVirtualServiceSpec(linkName: string, gateway: GatewayRef, svc: ImportedService): VirtualServiceSpec {
    const gw = egressGatewayRef(linkName, gateway);
    return {
        hosts: [svc.host],
        gateways: ["mesh", gw],
        exportTo: visibleTo(svc),
        http: [
            {
                match: [{ gateways: ["mesh"], port: MESH_PORT }],
                route: [
                    {
                        destination: {
                            host: gatewayServiceHost(gateway),
                            subset: subsetName(svc.host),
                            port: { number: EGRESS_GATEWAY_PORT },
                        },
                    },
                ],
            },
            {
                match: [{ gateways: [gw], port: EGRESS_GATEWAY_PORT }],
                route: [{ destination: { host: svc.host, port: { number: MESH_PORT } } }],
            },
        ],
    };
}

/**
 * Who may call: one ALLOW rule per host, from the listed service accounts (principals) or whole
 * namespaces. Everything else reaching the egress gateway is denied — an ALLOW policy denies what it does
 * not match; on a shared egress gateway, other egress routes need ALLOW policies of their own.
 */
function importAuthorizationPolicySpec(
    gateway: GatewayRef,
    trustDomain: string,
    services: ImportedService[],
): AuthorizationPolicySpec {
    return {
        selector: { matchLabels: { ...gateway.selectorLabels } },
        action: "ALLOW",
        rules: services.map((svc) => {
            const principals = svc.allowedSources
                .filter((a) => a.serviceAccount)
                .map((a) => `${trustDomain}/ns/${a.namespace}/sa/${a.serviceAccount}`);
            const namespaces = svc.allowedSources.filter((a) => !a.serviceAccount).map((a) => a.namespace);
            const from = [
                ...(principals.length ? [{ source: { principals } }] : []),
                ...(namespaces.length ? [{ source: { namespaces } }] : []),
            ];
            return { from, to: [{ operation: { hosts: authorityValues(svc.host) } }] };
        }),
    };
}

/** The values of the GKE side, resolved (what `importObjectList`'s entries read). */
export function importValues(s: ImportSettings, bundle: TlsBundle, remoteHostname: string): ImportValues {
    return {
        gateway: s.gateway,
        trustDomain: s.trustDomain,
        remotePort: s.remotePort,
        remoteHostname,
        bundle,
        credentialSecret: credentialSecretName(s.credentialName, bundle),
        services: s.services,
    };
}

/** Every object of the GKE side built from resolved values (no test client): the entries of `importObjectList`. */
export function importObjects(s: ImportSettings, bundle: TlsBundle, remoteHostname: string): ImportObject[] {
    const objects = importObjectList({
        linkName: s.linkName,
        namespace: s.gateway.namespace,
        credentialName: s.credentialName,
        hosts: s.services.map((svc) => svc.host),
    });
    const values = importValues(s, bundle, remoteHostname);
    return objects.map((p) => buildDeferred(p, values));
}
