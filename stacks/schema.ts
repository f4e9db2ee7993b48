// The stack config's shape: every `crossmesh:` key, its type and no stray fields (zod), derived from
// CrossMeshLink's own spec (which the compiler holds equal to its settings type). What the values mean is the component's validator's job
// (see config.ts, which reads the config through this schema).
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { LinkSettings } from "../components/cross-mesh-link/args";
import type { CrossMeshExportArgs } from "../components/cross-mesh-export/args";
import type { CrossMeshConsumerArgs } from "../components/cross-mesh-consumer/args";
import { exportSpec } from "../components/cross-mesh-export/spec";
import { consumerFields } from "../components/cross-mesh-consumer/spec";
import { SEED_SERVICES } from "../components/cross-mesh-link/defaults";
import { linkSettingsSpec } from "../components/cross-mesh-link/spec";
import { zodOf, zodShape } from "./spec-zod";

export const PROJECT = "crossmesh";
/** The name of the stack's component — CrossMeshLink, CrossMeshExport or CrossMeshConsumer (object names derive from it). */
export const LINK_NAME = "crossmesh";

/**
 * What a stack deploys: "link" (default) both ends of one link; "export" the exporting side of a link with several
 * consumer meshes; "consumer" one consumer mesh's side, from the grant an export stack publishes for it.
 */
export const STACK_ROLES = ["link", "export", "consumer"] as const;
export type StackRole = (typeof STACK_ROLES)[number];
const roleKey = { role: z.enum(STACK_ROLES).optional() };

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

/** The keys that describe the link itself: CrossMeshLink's own spec, field for field (stacks/spec-zod.ts). */
const linkKeys = linkSettingsSpec(LINK_NAME).fields;
const linkShape = {
    ...zodShape(linkKeys as never),
    // The stack creates the AWS provider from it, so it is required here (the link alone may omit it).
    awsRegion: z.string(),
    // A stack without services deploys the seed's hello-world Lambda.
    services: z.array(zodOf(linkKeys.services.shape.of as never)).default(() => structuredClone(SEED_SERVICES)),
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

export const stackConfigSchema = z.object({ ...roleKey, ...linkShape, ...accessKeys }).strict();

/** A checked stack config: the link's settings (equal to CrossMeshLink's spec, held at compile time) and the access keys. */
export type StackConfig = pulumi.Unwrap<LinkSettings> & { awsRegion: string } & z.infer<z.ZodObject<typeof accessKeys>>;

/** An export stack's keys: CrossMeshExport's spec, the region its AWS provider needs, and how to reach EKS. */
const exportKeys = exportSpec(LINK_NAME).fields;
const exportAccessKeys = { eksKubeconfig: z.string().optional(), eksContext: z.string().optional() };
export const exportConfigSchema = z
    .object({ ...roleKey, ...zodShape(exportKeys as never), awsRegion: z.string(), ...exportAccessKeys })
    .strict();

/** A checked export stack config. */
export type ExportStackConfig = pulumi.Unwrap<CrossMeshExportArgs> & { awsRegion: string } & z.infer<
        z.ZodObject<typeof exportAccessKeys>
    >;

/**
 * A consumer stack's keys: CrossMeshConsumer's spec but the grant (read from the export stack), which export stack
 * and which of its consumers, and how to reach this consumer's cluster (any Kubernetes: a kubeconfig or a context;
 * a GKE cluster by name).
 */
const { grant: _grant, ...consumerKeys } = consumerFields;
void _grant;
const consumerAccessKeys = {
    kubeconfig: z.string().optional(),
    context: z.string().optional(),
    gkeCluster: gkeCluster.optional(),
};
export const consumerConfigSchema = z
    .object({
        ...roleKey,
        ...zodShape(consumerKeys as never),
        /** The export stack, as a StackReference names it: "<organization>/crossmesh/<stack>". */
        exportStack: z
            .string()
            .regex(
                /^[^/\s]+\/[^/\s]+\/[^/\s]+$/,
                'must name the export stack as "<organization>/<project>/<stack>", e.g. "acme/crossmesh/export" ("organization/crossmesh/export" on a self-managed backend)',
            ),
        /** This consumer's name in the export (its consumers[].name). */
        consumer: z.string(),
        ...consumerAccessKeys,
    })
    .strict();

/** A checked consumer stack config. */
export type ConsumerStackConfig = pulumi.Unwrap<Omit<CrossMeshConsumerArgs, "grant">> & {
    exportStack: string;
    consumer: string;
} & z.infer<z.ZodObject<typeof consumerAccessKeys>>;
