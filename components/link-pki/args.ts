// link-pki: the component's args and output types (its public contract), apart from the component so its
// validator and builders can import them without importing the component.
import type * as pulumi from "@pulumi/pulumi";
import type { KeyAlgorithm, RsaBits } from "../common/types";

export interface LinkPkiArgs {
    /**
     * Hosts the EKS ingress gateway exports over this link, e.g. ["lambda.external"]: concrete lowercase
     * FQDNs, no wildcards. Each becomes a DNS SAN of the server certificate (Envoy checks SANs, not the CN).
     */
    exportedHosts: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * SPIFFE trust domain of the GKE mesh, used in the client certificate's URI SAN. Default
     * "gke.crossmesh.local", the trust domain of an IstioInstall named "gke" (and CrossMeshLink's default).
     */
    clientTrustDomain?: pulumi.Input<string>;
    /** Namespace of the GKE egress gateway pods (`/ns/<namespace>` of the SPIFFE ID). Default "istio-egress", where IstioInstall puts it. */
    clientNamespace?: pulumi.Input<string>;
    /** Service account of the GKE egress gateway pods (`/sa/<name>` of the SPIFFE ID). Default "istio-egressgateway", IstioInstall's. */
    clientServiceAccount?: pulumi.Input<string>;
    /** Key algorithm of all four keys: "ECDSA" (P-256, the default) or "RSA". */
    keyAlgorithm?: KeyAlgorithm;
    /** RSA key size, 2048 (default), 3072 or 4096; only with keyAlgorithm "RSA". */
    rsaBits?: RsaBits;
    /** Validity of both CAs in days. Default 3650 (10 years). */
    caValidityDays?: number;
    /**
     * Days before expiry from which a `pulumi up` replaces a CA (and so every certificate and both trust
     * bundles at once). Default 30: a last resort — rotate CAs ahead of time with the *TrustsExtraCaPems overlap.
     */
    caRenewBeforeDays?: number;
    /** Validity of the two leaf certificates in days. Default 90. */
    leafValidityDays?: number;
    /** Days before expiry from which a `pulumi up` renews a leaf (same key and CA; no trust change). Default 30. */
    leafRenewBeforeDays?: number;
    /**
     * Extra client CAs (PEM) the server side trusts besides this link's client CA: for a CA rotation,
     * the other generation's `clientCaPem`, so old and new GKE clients are both accepted during one rollout.
     */
    serverTrustsExtraCaPems?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Extra server CAs (PEM) the client side trusts besides this link's server CA: for a CA rotation,
     * the other generation's `serverCaPem`, so GKE accepts old and new EKS gateways during one rollout.
     */
    clientTrustsExtraCaPems?: pulumi.Input<pulumi.Input<string>[]>;
}
