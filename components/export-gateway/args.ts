// export-gateway: the component's args and output types (its public contract), apart from the component so its
// validator and builders can import them without importing the component.
import type * as pulumi from "@pulumi/pulumi";
import type { GatewayRefInput, TlsBundle } from "../common/types";

export interface ExportedServiceArgs {
    /** The name GKE callers use, e.g. "lambda.external": a concrete lowercase FQDN (it names objects, so plain). */
    host: string;
    /** DNS name of the upstream the gateway forwards to, e.g. LambdaAlb's ALB dnsName. */
    upstreamHost: pulumi.Input<string>;
    /** Upstream HTTPS port. Default 443. */
    upstreamPort?: pulumi.Input<number>;
    /**
     * PEM of the CA that signed the upstream's certificate, when it is private (e.g. LambdaAlb's own CA).
     * Stored as a CA-only Secret the gateway verifies the upstream with. Omit for a publicly trusted upstream
     * (a value that resolves to undefined counts as omitted: the CA Secret is then created empty and unused).
     */
    upstreamCaPem?: pulumi.Input<string>;
    /** SNI to send and SAN to require from the upstream. Default: upstreamHost. */
    upstreamSni?: pulumi.Input<string>;
    /**
     * Names the upstream's ServiceEntry, DestinationRule and CA Secret (a DNS label). Services with the
     * same name share one set, e.g. the hosts of one LambdaHostsAlb; they must give the same upstream
     * host, port, SNI and CA. Default: the host, one set per service.
     */
    upstreamName?: string;
}

/** One consumer mesh of an export: its identity and the hosts it may call (CrossMeshExport gives one per consumer). */
export interface ExportGatewayConsumerArgs {
    /** The consumer's name, a DNS label unique in the export: it names the consumer's AuthorizationPolicy. */
    name: string;
    /** Its client certificate's URI SAN, e.g. "spiffe://gke.example/ns/istio-egress/sa/istio-egressgateway". */
    principal: pulumi.Input<string>;
    /** The exported hosts it may call: a subset of `services[].host`. */
    hosts: string[];
}

export interface ExportGatewayArgs {
    /** The EKS ingress gateway (IstioInstall's output, or an adopted gateway described by hand). */
    gateway: GatewayRefInput;
    /** Server credential: certificate with a DNS SAN per exported host, its key, and the client CA as ca.crt (LinkPki's serverBundle). */
    serverBundle: pulumi.Input<TlsBundle>;
    /** Name of the credential Secret in the gateway namespace. Default "<linkName>-link". Must not end in "-cacert". */
    credentialName?: string;
    /** The hosts to export and their upstreams. */
    services: ExportedServiceArgs[];
    /**
     * SPIFFE ids allowed to call every exported host, exactly as the client certificate's URI SAN (LinkPki's
     * clientSpiffeId), e.g. "spiffe://gke.example/ns/istio-egress/sa/istio-egressgateway". Checked by the Gateway
     * (`subjectAltNames`) and by an ALLOW AuthorizationPolicy; nothing else may call. Exactly one of this and
     * `consumers`.
     */
    allowedClientPrincipals?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Or several consumer meshes, each admitted to its own hosts only: the Gateway pins the client certificate to
     * their identities, and each gets an ALLOW AuthorizationPolicy of its own for its hosts (so adding or removing
     * one leaves the others' policies untouched). The server credential's ca.crt must hold every consumer's CA.
     */
    consumers?: ExportGatewayConsumerArgs[];
    /**
     * Prefix of every object name, so several links can share the gateway. Default: the component name
     * as a DNS label (CrossMeshLink passes its own name, so both gateways of a link share it).
     */
    linkName?: string;
}
