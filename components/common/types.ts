import * as pulumi from "@pulumi/pulumi";

/**
 * Where an Istio gateway runs, as the routing objects need to know it. `IstioInstall` produces one
 * (as Outputs); an adopted, pre-existing Istio is described by the user with plain values.
 */
export interface GatewayRefInput {
    /** Namespace of the gateway pods: `credentialName` secrets and gateway-scoped objects live here. */
    namespace: pulumi.Input<string>;
    /** Pod labels of the gateway; every Gateway `selector` and policy `selector` uses exactly these. */
    selectorLabels: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Name of the gateway's Kubernetes Service (the mesh→gateway hop targets `<name>.<ns>.svc.cluster.local`). */
    serviceName: pulumi.Input<string>;
    /** Service account of the gateway pods: its SPIFFE identity is `<trustDomain>/ns/<namespace>/sa/<serviceAccount>`. */
    serviceAccount: pulumi.Input<string>;
}

/** The same, resolved: what builders receive. */
export interface GatewayRef {
    namespace: string;
    selectorLabels: Record<string, string>;
    serviceName: string;
    serviceAccount: string;
}

/** The files of a gateway TLS credential, with the key names Istio's SDS accepts. */
export interface TlsBundle {
    "tls.crt": string;
    "tls.key": string;
    "ca.crt": string;
}
