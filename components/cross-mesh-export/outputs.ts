// The shapes of CrossMeshExport's outputs, and the grant: what one consumer's stack needs of the export, named
// plain interfaces so every language's SDK gets them typed (CrossMeshConsumer takes a grant as its input).
import type { TlsBundle } from "../common/types";
import type { LinkedServiceHandles } from "../cross-mesh-link/outputs";

/**
 * Everything one consumer needs to build its side, published by the export for that consumer only: the far end,
 * its hosts, its identity and its credential. A secret as a whole (the credential's key): pass it through a
 * stack output and a StackReference, never print it.
 */
export interface ConsumerGrant {
    /** The consumer's name in the export. */
    consumer: string;
    /** The export's gateway load balancer: the far end of the link. */
    gatewayHostname: string;
    /** Port of the export's link listener. */
    gatewayPort: number;
    /** The hosts this consumer may call. */
    hosts: string[];
    /** The identity its client certificate carries (URI SAN): `spiffe://<trustDomain>/ns/<ns>/sa/<sa>`. */
    spiffeId: string;
    /** Trust domain of the consumer's mesh, as the export issued the identity. */
    trustDomain: string;
    /** Its egress gateway's namespace, as the identity names it (`/ns/<namespace>`). */
    gatewayNamespace: string;
    /** Its egress gateway's service account, as the identity names it (`/sa/<name>`). */
    gatewayServiceAccount: string;
    /** Its gateway credential: its client certificate and key, and the export's server CA as ca.crt. */
    clientBundle: TlsBundle;
    /** End of validity (RFC 3339) of its client certificate; the export's `up` renews it. */
    clientCertExpiresAt: string;
}

/** One consumer of the export, as public outputs show it (no key). */
export interface ExportedConsumer {
    name: string;
    hosts: string[];
    /** Its client certificate's identity, admitted by the export gateway for its hosts. */
    spiffeId: string;
    /** Its client CA (public): what the export gateway trusts for it. */
    clientCaPem: string;
    clientCertExpiresAt: string;
    clientCaExpiresAt: string;
}

/** One exported host as deployed. */
export interface ExportedService {
    host: string;
    /** Where the gateway sends the host's requests (the ALB's name or the given upstream). */
    upstreamHost: string;
    /** The Lambda function serving the host; absent for an existing upstream. */
    functionName?: string;
    /** The consumers granted the host. */
    consumers: string[];
    /** The AWS resources behind a Lambda-backed host; absent for an upstream. */
    handles?: LinkedServiceHandles;
}

/** An exported host as the diagram shows it (no AWS handles). */
export interface ExportTopologyService {
    host: string;
    upstreamHost: string;
    functionName?: string;
    consumers: string[];
}

/** A consumer as the diagram shows it. */
export interface ExportTopologyConsumer {
    name: string;
    hosts: string[];
    spiffeId: string;
}

/** The shape of the export for diagrams and reviews (named types throughout: every language's SDK reads it). */
export interface ExportTopology {
    gatewayHostname: string;
    /** `<service>.<namespace>` of the ingress gateway. */
    ingressGateway: string;
    services: ExportTopologyService[];
    consumers: ExportTopologyConsumer[];
}
