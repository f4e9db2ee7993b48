// The stack config's shape: every `crossmesh:` key, its type and no stray fields (zod), checked at compile
// time against CrossMeshLink's own settings type. What the values mean is the component's validator's job
// (see config.ts, which reads the config through this schema).
import { z } from "zod";
import type { LinkSettings } from "../components/cross-mesh-link/args";
import { SEED_SERVICES } from "../components/cross-mesh-link/defaults";
import {
    AlertRulesFormat,
    AwsEgressMode,
    AwsService,
    EndpointProtocol,
    KeyAlgorithm,
    LinkEnd,
    RsaBits,
    TolerationEffect,
    TolerationOperator,
} from "../components/common/types";

export const PROJECT = "crossmesh";
/** The name of the stack's CrossMeshLink (its object names derive from it). */
export const LINK_NAME = "crossmesh";

const labels = z.record(z.string());

const source = z.object({ namespace: z.string(), serviceAccount: z.string().optional() }).strict();
const lambda = z
    .object({
        runtime: z.string().optional(),
        codePath: z.string().optional(),
        handler: z.string().optional(),
        memorySize: z.number().optional(),
        timeout: z.number().optional(),
        environment: z.record(z.string()).optional(),
        logRetentionDays: z.number().optional(),
    })
    .strict();
const upstream = z.object({ hostname: z.string(), port: z.number().optional(), caPem: z.string().optional() }).strict();
const service = z
    .object({
        host: z.string(),
        lambda: lambda.optional(),
        upstream: upstream.optional(),
        allowedSources: z.array(source),
        expectBodyContains: z.string().optional(),
    })
    .strict();
const adoptedGateway = z
    .object({
        namespace: z.string(),
        selectorLabels: labels,
        serviceName: z.string(),
        serviceAccount: z.string(),
        loadBalancerServiceName: z.string().optional(),
    })
    .strict();
const pki = z
    .object({
        keyAlgorithm: z.nativeEnum(KeyAlgorithm).optional(),
        rsaBits: z.nativeEnum(RsaBits).optional(),
        caValidityDays: z.number().optional(),
        caRenewBeforeDays: z.number().optional(),
        leafValidityDays: z.number().optional(),
        leafRenewBeforeDays: z.number().optional(),
        serverTrustsExtraCaPems: z.array(z.string()).optional(),
        clientTrustsExtraCaPems: z.array(z.string()).optional(),
    })
    .strict();
const extraHost = z
    .object({ host: z.string(), port: z.number().optional(), protocol: z.nativeEnum(EndpointProtocol).optional() })
    .strict();
const awsEgress = z
    .object({
        awsServices: z.array(z.nativeEnum(AwsService)).optional(),
        extraHosts: z.array(extraHost).optional(),
        imds: z.boolean().optional(),
        mode: z.nativeEnum(AwsEgressMode).optional(),
    })
    .strict();
const chartValues = z.record(z.unknown());
const istio = z
    .object({
        highAvailability: z.boolean().optional(),
        chartRepository: z.string().optional(),
        imageRegistry: z.string().optional(),
        imagePullSecrets: z.array(z.string()).optional(),
        retainedVersions: z.array(z.string()).optional(),
        eksValues: z
            .object({ base: chartValues.optional(), istiod: chartValues.optional(), gateway: chartValues.optional() })
            .strict()
            .optional(),
        gkeValues: z
            .object({ base: chartValues.optional(), istiod: chartValues.optional(), gateway: chartValues.optional() })
            .strict()
            .optional(),
    })
    .strict();
const toleration = z
    .object({
        key: z.string().optional(),
        operator: z.nativeEnum(TolerationOperator).optional(),
        value: z.string().optional(),
        effect: z.nativeEnum(TolerationEffect).optional(),
    })
    .strict();
const podPlacement = z
    .object({ nodeSelector: labels.optional(), tolerations: z.array(toleration).optional() })
    .strict();
const monitoring = z
    .object({
        alerts: z.nativeEnum(AlertRulesFormat).optional(),
        dashboard: z.boolean().optional(),
        dashboardCluster: z.nativeEnum(LinkEnd).optional(),
        namespace: z.string().optional(),
        labels: labels.optional(),
        certificateWarnDays: z.number().optional(),
        errorRatio: z.number().optional(),
    })
    .strict();
// How the stack reaches GKE is the stack's, not the link's, so its values are checked here.
const gkeCluster = z
    .object({
        name: z
            .string()
            .regex(
                /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/,
                "must be a GKE cluster name: lowercase letters, digits and inner hyphens, 40 characters at most",
            ),
        endpoint: z
            .string()
            .regex(
                /^(https:\/\/)?[A-Za-z0-9.-]+(:\d+)?$/,
                "must be the cluster endpoint (an IP address or host name): `gcloud container clusters describe <name> --format='value(endpoint)'`",
            ),
        caData: z
            .string()
            .regex(
                /^[A-Za-z0-9+/=\s]{100,}$/,
                "must be the base64 cluster CA: `gcloud container clusters describe <name> --format='value(masterAuth.clusterCaCertificate)'`",
            ),
    })
    .strict();

/** The keys that describe the link itself: the same names and shapes as CrossMeshLink's args. */
const linkKeys = {
    eksClusterName: z.string(),
    awsRegion: z.string(),
    services: z.array(service).default(() => structuredClone(SEED_SERVICES) as z.input<typeof service>[]),
    istioVersion: z.string().optional(),
    istio: istio.optional(),
    eksExistingGateway: adoptedGateway.optional(),
    gkeExistingGateway: adoptedGateway.optional(),
    eksTrustDomain: z.string().optional(),
    gkeTrustDomain: z.string().optional(),
    consumerEgressCidrs: z.array(z.string()).optional(),
    pki: pki.optional(),
    verify: z.boolean().optional(),
    strictMtls: z.boolean().optional(),
    gkeMeshRootNamespace: z.string().optional(),
    deployTestClient: z.boolean().optional(),
    registryOnly: z.boolean().optional(),
    eksAwsEgress: awsEgress.optional(),
    podPlacement: podPlacement.optional(),
    monitoring: monitoring.optional(),
};

/** The keys that say how the stack reaches its clusters (not part of the link). */
const accessKeys = {
    eksKubeconfig: z.string().optional(),
    eksContext: z.string().optional(),
    gkeKubeconfig: z.string().optional(),
    gkeContext: z.string().optional(),
    /** A GKE cluster by name, endpoint and CA: the stack builds a kubeconfig using gke-gcloud-auth-plugin. */
    gkeCluster: gkeCluster.optional(),
};

export const stackConfigSchema = z.object({ ...linkKeys, ...accessKeys }).strict();
export type StackConfig = z.infer<typeof stackConfigSchema>;

// Compile-time proof that the config describes exactly CrossMeshLink's settings: a key the component
// does not take, or a shape it does not accept, fails the build (this is how a key like
// eksAwsEgress.extraHosts can no longer be accepted and dropped).
type LinkKeys = z.infer<z.ZodObject<typeof linkKeys>>;
const linkSettingsFit = (c: LinkKeys): LinkSettings => c;
void linkSettingsFit;
