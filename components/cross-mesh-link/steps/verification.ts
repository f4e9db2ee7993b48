// Step 4 (optional): the end-to-end check. A Job in the GKE mesh calls every exported host as an app
// does; the Kubernetes provider waits for it, so `pulumi up` fails when the link does not answer.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { curlImage } from "../../istio-install/client-pods";
import type { CrossMeshLinkArgs } from "../args";
import type { ExportTarget } from "../targets";
import { VerifyTarget, verifyNamespace, verifyObjects } from "../verify";
import type { Meshes } from "./meshes";
import type { ResolvedLink } from "./resolve";

/**
 * Creates the check and returns the Job's name. The Job waits for everything else: no data says
 * "routes are in place", so this is the one place where waiting on whole components is right.
 */
export function verifyLink(
    parent: pulumi.ComponentResource,
    name: string,
    args: CrossMeshLinkArgs,
    resolved: ResolvedLink,
    meshes: Meshes,
    targets: ExportTarget[],
    fingerprintOf: pulumi.Output<unknown>,
    everything: pulumi.Resource[],
): pulumi.Output<string> {
    const checks: VerifyTarget[] = args.services.map((s, i) => ({
        host: s.host,
        ...((s.expectBodyContains ?? targets[i].defaultExpectBody)
            ? { expectBodyContains: s.expectBodyContains ?? targets[i].defaultExpectBody }
            : {}),
    }));
    // The Job is immutable: a new name whenever the link changes replaces it, so the check runs again — also
    // after an Istio upgrade (the control-plane revision is part of it), with the new revision's sidecar.
    const fingerprint = pulumi
        .all([fingerprintOf, meshes.gke.revision])
        .apply(([f, controlPlane]) =>
            crypto.createHash("sha256").update(JSON.stringify({ f, checks, controlPlane })).digest("hex"),
        );
    const image = curlImage({ imageRegistry: args.istio?.imageRegistry });
    // The namespace carries the stable tag (its label survives upgrades).
    const objects = pulumi.all([fingerprint, meshes.gke.injectionRevision]).apply(([linkFingerprint, revision]) =>
        verifyObjects({
            targets: checks,
            revision,
            linkFingerprint,
            image,
            namespace: resolved.verifyNamespace,
            serviceAccount: resolved.verifyServiceAccount,
            ...(args.podPlacement ? { placement: args.podPlacement } : {}),
        }),
    );
    const gke = { parent, provider: args.gkeProvider };
    // The namespace and account wait only for the GKE mesh's injector (the revision); only the Job waits for the whole link.
    const nsObject = verifyNamespace("", resolved.verifyNamespace);
    const ns = new k8s.core.v1.Namespace(
        `${name}-verify-ns`,
        {
            metadata: {
                name: nsObject.metadata.name,
                labels: meshes.gke.injectionRevision.apply(
                    (revision) => verifyNamespace(revision, resolved.verifyNamespace).metadata.labels ?? {},
                ),
            },
        },
        gke,
    );
    const sa = new k8s.core.v1.ServiceAccount(
        `${name}-verify-sa`,
        {
            metadata: { name: resolved.verifyServiceAccount, namespace: ns.metadata.name },
        },
        gke,
    );
    const job = new k8s.batch.v1.Job(
        `${name}-verify`,
        {
            metadata: objects.apply((o) => o.job.metadata),
            spec: objects.apply((o) => o.job.spec as k8s.types.input.batch.v1.JobSpec),
        },
        // The name is fixed by the fingerprint, so a re-run of an unchanged link's check (`pulumi up --replace`
        // on this Job once a failure's cause is fixed) must delete the finished Job before creating it again.
        { ...gke, dependsOn: [sa, ...everything], deleteBeforeReplace: true },
    );
    return job.metadata.name;
}
