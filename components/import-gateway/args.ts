// import-gateway: the component's args and output types (its public contract), apart from the component so its
// validator and builders can import them without importing the component.
import type * as pulumi from "@pulumi/pulumi";
import type { GatewayRefInput, TlsBundle } from "../common/types";
import type { PodPlacement } from "../istio-install/client-pods";

export interface AllowedSourceArgs {
    /** Namespace of the callers. */
    namespace: pulumi.Input<string>;
    /** One service account in that namespace; omit to admit every workload of the namespace. */
    serviceAccount?: pulumi.Input<string>;
}

export interface ImportedServiceArgs {
    /** The exported host, e.g. "lambda.external" (plain: it names objects). Apps call http://<host>/. */
    host: string;
    /** Who may call it. At least one; everything not listed is denied. */
    allowedSources: AllowedSourceArgs[];
}

export interface ImportGatewayArgs {
    /** The GKE egress gateway (IstioInstall's output, or an adopted gateway described by hand). */
    gateway: GatewayRefInput;
    /** Client credential: certificate (URI SAN = the egress gateway's SPIFFE id), key, and the server CA as ca.crt (LinkPki's clientBundle). */
    clientBundle: pulumi.Input<TlsBundle>;
    /** Name of the credential Secret in the egress namespace. Default "<linkName>-link". Must not end in "-cacert". */
    credentialName?: string;
    /** The EKS ingress gateway's load balancer hostname, from its Service status: the only thing this side waits for from EKS. */
    remoteGatewayHostname: pulumi.Input<string>;
    /** Port of the EKS gateway's link listener. Default 443. */
    remotePort?: pulumi.Input<number>;
    /** The hosts to import and who may call each. */
    services: ImportedServiceArgs[];
    /** Trust domain of the GKE mesh (meshConfig.trustDomain), for callers' principals. */
    trustDomain: pulumi.Input<string>;
    /** Deploy a `sleep` curl client in namespace "sleep", admitted to every imported host. Default false. */
    deployTestClient?: boolean;
    /** Image of the test client. Default: the pinned curl image crossmesh's own pods use (CURL_IMAGE). */
    testClientImage?: string;
    /** nodeSelector and tolerations of the test client's pod (e.g. the link's podPlacement). */
    testClientPlacement?: PodPlacement;
    /**
     * Istio revision for the test client's sidecar injection (`istio.io/rev`), e.g. IstioInstall's
     * `revision`, which resolves once the injector is installed; the client waits for it and for
     * nothing else. Unset: default injection, and the client waits for the gateway as a whole.
     */
    istioRevision?: pulumi.Input<string>;
    /**
     * Prefix of every object name, so several links can share the gateway. Default: the component name
     * as a DNS label (CrossMeshLink passes its own name, so both gateways of a link share it).
     */
    linkName?: string;
}
