// The arguments of CrossMeshConsumer: one consumer mesh's side of an export, built from its grant. Nothing here is
// specific to GKE: any Kubernetes cluster running Istio (or where crossmesh installs it) can consume.
import type { AdoptedGatewayArgs, LinkPodPlacementArgs } from "../cross-mesh-link/args";
import type { ExportIstioSettings } from "../cross-mesh-export/args";
import type { ConsumerGrant } from "../cross-mesh-export/outputs";
import type { ImportedServiceArgs } from "../import-gateway";
import type * as pulumi from "@pulumi/pulumi";

/** One granted host this mesh imports, and who in it may call the host. */
export interface ConsumerServiceArgs extends ImportedServiceArgs {}

export interface CrossMeshConsumerArgs {
    /**
     * What the export granted this consumer: `CrossMeshExport.grants[<name>]`, in the same program or read from the
     * exporter's stack through a StackReference (TypeScript `ref.requireOutput("grants").apply((g) => g[name])`, Python
     * `ref.require_output("grants")[name]`). A secret: keep a grant built by hand secret too (`pulumi.secret`).
     */
    grant: pulumi.Input<ConsumerGrant>;
    /** The hosts to import (each granted to this consumer) and who may call each; nothing else can. */
    services: ConsumerServiceArgs[];
    /**
     * SPIFFE trust domain of this mesh (meshConfig.trustDomain): the callers' principals, and the identity the export
     * issued (`consumers[].trustDomain` there; checked against the grant).
     */
    trustDomain: string;
    /** Adopt the cluster's running egress gateway instead of installing Istio. */
    existingGateway?: AdoptedGatewayArgs;
    /** Istio release of the install. Default "1.30.3". */
    istioVersion?: string;
    /** Installation settings (HA, mirrors, extra chart values). */
    istio?: ExportIstioSettings;
    /** Mesh-wide STRICT mTLS in this mesh (owned by its IstioInstall: one per cluster). Default false. */
    strictMtls?: boolean;
    /** With strictMtls and an adopted mesh: its root namespace (meshConfig.rootNamespace). Default "istio-system". */
    meshRootNamespace?: string;
    /** The installed mesh allows only registered destinations (outboundTrafficPolicy REGISTRY_ONLY). Default false. */
    registryOnly?: boolean;
    /** Deploy the seed's `sleep` client, admitted to every imported host. Default false. */
    deployTestClient?: boolean;
    /** Node placement of the pods crossmesh runs here (the test client). */
    podPlacement?: LinkPodPlacementArgs;
}
