// The GKE side of a link as one plan: the Secret and Istio objects that let apps call `http://<host>` in
// plaintext while the egress gateway carries the request to the EKS gateway over the link's mutual TLS,
// and only listed workloads may do so. Identities come from plain values (link name, hosts); payloads
// from the values that resolve later (the client credential, the EKS load balancer's hostname, the
// callers). ImportGateway creates exactly these entries; the tests build them with plain values.
import { ISTIO_NETWORKING_V1, ISTIO_SECURITY_V1 } from "../common/kube";
import type { GatewayRef, TlsBundle } from "../common/types";
import { LinkObject, credentialData, credentialSecretName } from "../link-routing/objects";
import { authorityValues, gatewayServiceHost, linkLabels, objectName, subsetName } from "../link-routing/names";
import { PlannedIdentity, PlannedObject, buildPlanned } from "../link-routing/plan";

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
export interface ImportPlanSettings<N = string> {
    linkName: string;
    /** The egress gateway's namespace (an Output in the component: it orders the objects after istiod). */
    namespace: N;
    credentialName: string;
    hosts: string[];
}

/** What the payloads read; each object waits for its own slots only. */
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
export function importPlan<N>(s: ImportPlanSettings<N>): PlannedObject<ImportValues, N>[] {
    const id = (apiVersion: string, kind: string, name: string, type?: string): PlannedIdentity<N> => ({
        apiVersion,
        kind,
        metadata: { name, namespace: s.namespace, labels: linkLabels(s.linkName) },
        ...(type ? { type } : {}),
    });
    const everyService = s.hosts.map((_, i) => `services.${i}` as const);
    return [
        {
            // kubernetes.io/tls with ca.crt beside the pair: what Istio reads for MUTUAL (ca.crt = the server CA).
            identity: id("v1", "Secret", s.credentialName, "kubernetes.io/tls"),
            nameFrom: "credentialSecret",
            reads: ["bundle"],
            payload: (v) => ({ stringData: credentialData(v.bundle) }),
        },
        ...s.hosts.flatMap((host, i): PlannedObject<ImportValues, N>[] => [
            {
                // The ServiceEntry alone reads the EKS load balancer hostname: the one edge across clusters.
                identity: id(ISTIO_NETWORKING_V1, "ServiceEntry", importNames.host(s.linkName, host)),
                reads: [`services.${i}`, "remoteHostname", "remotePort"],
                payload: (v) => ({ spec: remoteServiceEntrySpec(v.services[i], v.remoteHostname, v.remotePort) }),
            },
            {
                identity: id(ISTIO_NETWORKING_V1, "DestinationRule", importNames.host(s.linkName, host)),
                reads: ["gateway", "credentialSecret"],
                payload: (v) => ({ spec: originationDestinationRuleSpec(host, v.credentialSecret, v.gateway) }),
            },
            {
                identity: id(ISTIO_NETWORKING_V1, "VirtualService", importNames.host(s.linkName, host)),
                reads: ["gateway", `services.${i}`],
                payload: (v) => ({ spec: importVirtualServiceSpec(s.linkName, v.gateway, v.services[i]) }),
            },
        ]),
        {
            identity: id(ISTIO_NETWORKING_V1, "Gateway", importNames.gateway(s.linkName)),
            reads: ["gateway"],
            payload: (v) => ({ spec: egressGatewaySpec(s.linkName, s.hosts, v.gateway) }),
        },
        {
            identity: id(ISTIO_NETWORKING_V1, "DestinationRule", importNames.egressDestinationRule(s.linkName)),
            reads: ["gateway", ...everyService],
            payload: (v) => ({ spec: egressGatewayDestinationRuleSpec(v.gateway, v.services) }),
        },
        {
            identity: id(ISTIO_SECURITY_V1, "AuthorizationPolicy", importNames.authorizationPolicy(s.linkName)),
            reads: ["gateway", "trustDomain", ...everyService],
            payload: (v) => ({ spec: importAuthorizationPolicySpec(v.gateway, v.trustDomain, v.services) }),
        },
    ];
}

/**
 * The imported host in the GKE registry: plain HTTP on 80 inside the mesh, so apps speak no TLS; its one
 * endpoint is the EKS gateway's load balancer, whose port `http` is mapped to the link port (443).
 * DNS capture answers the host's lookups, so apps need no real DNS record for it.
 */
function remoteServiceEntrySpec(
    svc: ImportedService,
    remoteHostname: string,
    remotePort: number,
): Record<string, unknown> {
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
): Record<string, unknown> {
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
function egressGatewaySpec(linkName: string, hosts: string[], gateway: GatewayRef): Record<string, unknown> {
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
function egressGatewayDestinationRuleSpec(gateway: GatewayRef, services: ImportedService[]): Record<string, unknown> {
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
function importVirtualServiceSpec(
    linkName: string,
    gateway: GatewayRef,
    svc: ImportedService,
): Record<string, unknown> {
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
): Record<string, unknown> {
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

/** Every object of the GKE side built from resolved values (no test client): the entries of `importPlan`. */
export function importObjects(s: ImportSettings, bundle: TlsBundle, remoteHostname: string): LinkObject[] {
    const plan = importPlan({
        linkName: s.linkName,
        namespace: s.gateway.namespace,
        credentialName: s.credentialName,
        hosts: s.services.map((svc) => svc.host),
    });
    const values: ImportValues = {
        gateway: s.gateway,
        trustDomain: s.trustDomain,
        remotePort: s.remotePort,
        remoteHostname,
        bundle,
        credentialSecret: credentialSecretName(s.credentialName, bundle),
        services: s.services,
    };
    return plan.map((p) => buildPlanned(p, values));
}
