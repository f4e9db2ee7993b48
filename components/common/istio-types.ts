// The Istio objects crossmesh writes, typed: only the fields it sets, each with the values it uses. Kept
// by hand (product code imports no generated models); test/istio-types.test.ts holds every type to the
// published CRD schemas (@kubernetes-models/istio, generated from Istio's CRDs): each spec type must be
// assignable to the schema's, and built objects must validate against it.
// Type aliases, not interfaces, so a typed object also reads as a loose `Record<string, unknown>`.
import { ISTIO_NETWORKING_V1, ISTIO_SECURITY_V1 } from "./kube";

/** `{ matchLabels }`: the pods a policy or rule applies to (never empty: an empty selector means every proxy). */
export type WorkloadSelector = { matchLabels: Record<string, string> };

/** A port by number (Istio's PortSelector). */
export type PortSelector = { number: number };

/** A named port of a Gateway server or ServiceEntry: the protocol decides how the proxy reads the traffic. */
export type Port = { number: number; name: string; protocol: "HTTP" | "HTTPS" | "TLS" };

/** networking.istio.io Gateway: a listener on the gateway pods selected. */
export type GatewaySpec = {
    selector: Record<string, string>;
    servers: {
        port: Port;
        /** `<namespace>/<host>` (`./<host>`: only routes in the Gateway's own namespace may bind). */
        hosts: string[];
        tls: { mode: "MUTUAL" | "ISTIO_MUTUAL" | "SIMPLE"; credentialName?: string; subjectAltNames?: string[] };
    }[];
};

/** networking.istio.io VirtualService: HTTP routes for hosts, on gateways and/or the mesh's sidecars. */
export type VirtualServiceSpec = {
    hosts: string[];
    gateways: string[];
    exportTo: string[];
    http: {
        match?: { gateways?: string[]; port?: number }[];
        route: { destination: { host: string; subset?: string; port?: PortSelector } }[];
    }[];
};

/** How a client proxy speaks TLS to a destination (DestinationRule's ClientTLSSettings). */
export type ClientTls = {
    mode: "SIMPLE" | "MUTUAL" | "ISTIO_MUTUAL";
    credentialName?: string;
    sni?: string;
    subjectAltNames?: string[];
    insecureSkipVerify?: boolean;
};

/** A traffic policy of per-port TLS settings (the only kind crossmesh sets). */
export type TrafficPolicy = { portLevelSettings: { port: PortSelector; tls: ClientTls }[] };

/** networking.istio.io DestinationRule: TLS towards a host, on the selected workloads, per port or subset. */
export type DestinationRuleSpec = {
    host: string;
    exportTo: string[];
    workloadSelector?: WorkloadSelector;
    trafficPolicy?: TrafficPolicy;
    subsets?: { name: string; trafficPolicy: TrafficPolicy }[];
};

/** networking.istio.io ServiceEntry: a host in the mesh's registry and where it goes. */
export type ServiceEntrySpec = {
    hosts: string[];
    ports: Port[];
    location: "MESH_EXTERNAL" | "MESH_INTERNAL";
    resolution: "DNS" | "STATIC" | "NONE";
    exportTo: string[];
    addresses?: string[];
    /** `ports` maps a port name of `ports` to the endpoint's own port number. */
    endpoints?: { address: string; ports?: Record<string, number> }[];
};

/** security.istio.io AuthorizationPolicy: who may reach which hosts on the selected workloads. */
export type AuthorizationPolicySpec = {
    selector: WorkloadSelector;
    action: "ALLOW" | "DENY";
    rules: {
        from?: { source: { principals?: string[]; namespaces?: string[] } }[];
        to?: { operation: { hosts: string[] } }[];
    }[];
};

/** security.istio.io PeerAuthentication: the mTLS a workload (or, without selector, a namespace) accepts. */
export type PeerAuthenticationSpec = {
    mtls: { mode: "STRICT" | "PERMISSIVE" | "DISABLE" };
    selector?: WorkloadSelector;
};

/**
 * networking.istio.io Sidecar: what a namespace's (or the selected workloads') proxies may reach. crossmesh
 * writes none today; the type covers the egress hosts and outbound policy one would set.
 */
export type SidecarSpec = {
    workloadSelector?: { labels: Record<string, string> };
    egress?: { hosts: string[] }[];
    outboundTrafficPolicy?: { mode: "REGISTRY_ONLY" | "ALLOW_ANY" };
};

/** The specs by kind, with the API group version crossmesh writes each in. */
export type IstioSpecs = {
    Gateway: GatewaySpec;
    VirtualService: VirtualServiceSpec;
    DestinationRule: DestinationRuleSpec;
    ServiceEntry: ServiceEntrySpec;
    Sidecar: SidecarSpec;
    AuthorizationPolicy: AuthorizationPolicySpec;
    PeerAuthentication: PeerAuthenticationSpec;
};
export type IstioKind = keyof IstioSpecs;

export const ISTIO_API_VERSION = {
    Gateway: ISTIO_NETWORKING_V1,
    VirtualService: ISTIO_NETWORKING_V1,
    DestinationRule: ISTIO_NETWORKING_V1,
    ServiceEntry: ISTIO_NETWORKING_V1,
    Sidecar: ISTIO_NETWORKING_V1,
    AuthorizationPolicy: ISTIO_SECURITY_V1,
    PeerAuthentication: ISTIO_SECURITY_V1,
} as const satisfies Record<IstioKind, string>;

/** Object metadata as builders set it. */
export type Metadata = { name: string; namespace?: string; labels?: Record<string, string> };

/** One Istio object of `kind`, typed by its spec. */
export type IstioObject<K extends IstioKind = IstioKind> = {
    [Kind in K]: {
        apiVersion: (typeof ISTIO_API_VERSION)[Kind];
        kind: Kind;
        metadata: Metadata;
        spec: IstioSpecs[Kind];
    };
}[K];

/** An Istio object of `kind` with its API version (the one place the kind picks the group version). */
export function istioObject<K extends IstioKind>(kind: K, metadata: Metadata, spec: IstioSpecs[K]): IstioObject<K> {
    return { apiVersion: ISTIO_API_VERSION[kind], kind, metadata, spec } as IstioObject<K>;
}
