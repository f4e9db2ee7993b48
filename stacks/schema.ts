// The stack config's shape: every `crossmesh:` key, its type and no stray fields (zod), derived from
// CrossMeshLink's own spec (which the compiler holds equal to its settings type). What the values mean is the component's validator's job
// (see config.ts, which reads the config through this schema).
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { LinkSettings } from "../components/cross-mesh-link/args";
import { SEED_SERVICES } from "../components/cross-mesh-link/defaults";
import { linkSettingsSpec } from "../components/cross-mesh-link/spec";
import { zodOf, zodShape } from "./spec-zod";

export const PROJECT = "crossmesh";
/** The name of the stack's CrossMeshLink (its object names derive from it). */
export const LINK_NAME = "crossmesh";

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

export const stackConfigSchema = z.object({ ...linkShape, ...accessKeys }).strict();

/** A checked stack config: the link's settings (equal to CrossMeshLink's spec, held at compile time) and the access keys. */
export type StackConfig = pulumi.Unwrap<LinkSettings> & { awsRegion: string } & z.infer<z.ZodObject<typeof accessKeys>>;
