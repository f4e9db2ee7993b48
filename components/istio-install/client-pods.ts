// What every pod crossmesh runs itself (the verification Job, the test client) shares: one pinned curl
// image that follows the same registry mirror as Istio's images, the image's real numeric user, per-pod DNS
// capture, and the user's node placement. Pure values; verify.ts and test-client.ts build their pods from them.
import { invalid, throwProblems } from "../common/validation";
import { TolerationEffect, TolerationOperator } from "../common/types";
import {
    holds,
    list,
    object,
    oneOf,
    opaque,
    problemsOf,
    record,
    string,
    type SameShape,
    type SpecArgs,
} from "../common/spec";

/**
 * curl for the pods crossmesh runs, pinned by digest (the tag is for readers; the runtime pulls the digest).
 * curlimages/curl 8.15.0 as published on Docker Hub (multi-arch index digest).
 */
export const CURL_IMAGE_REPOSITORY = "curlimages/curl";
export const CURL_IMAGE_TAG = "8.15.0";
export const CURL_IMAGE_DIGEST = "sha256:4026b29997dc7c823b51c164b71e2b51e0fd95cce4601f78202c513d97da2922";
export const CURL_IMAGE = `${CURL_IMAGE_REPOSITORY}:${CURL_IMAGE_TAG}@${CURL_IMAGE_DIGEST}`;

/**
 * The image's USER is the name `curl_user` (`adduser -S curl_user -G curl_group` on Alpine: uid 100,
 * gid 101). A kubelet refuses `runAsNonRoot` with a non-numeric image user ("cannot verify user is
 * non-root"), so the pods state the numbers.
 */
export const CURL_USER_ID = 100;
export const CURL_GROUP_ID = 101;

/** The container securityContext of every curl container crossmesh runs. */
export function curlSecurityContext(): Record<string, unknown> {
    return {
        runAsNonRoot: true,
        runAsUser: CURL_USER_ID,
        runAsGroup: CURL_GROUP_ID,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
    };
}

/**
 * The curl image to run: the user's full image reference when given, else the pinned curl under the
 * registry mirror (`<imageRegistry>/curlimages/curl:…@sha256:…`, the layout of a Docker Hub pull-through
 * cache), else Docker Hub.
 */
export function curlImage(opts: { imageRegistry?: string; image?: string } = {}): string {
    if (opts.image) return opts.image;
    return opts.imageRegistry ? `${opts.imageRegistry.replace(/\/+$/, "")}/${CURL_IMAGE}` : CURL_IMAGE;
}

/**
 * `proxy.istio.io/config` for crossmesh's own pods. DNS capture per pod: the imported hosts
 * (`http://lambda.external/`) exist only as ServiceEntries, which a sidecar answers for only with
 * ISTIO_META_DNS_CAPTURE on; an adopted mesh may not set it mesh-wide. On Istio ≥ 1.25 the addresses come
 * from istiod's allocation controller (PILOT_ENABLE_IP_AUTOALLOCATE, on by default), which a proxy uses
 * when it captures DNS, so nothing else is needed (the per-pod ISTIO_META_DNS_AUTO_ALLOCATE is deprecated).
 * holdApplicationUntilProxyStarts: the app container starts only once its sidecar can route.
 */
export function meshClientProxyConfig(): string {
    return JSON.stringify({ holdApplicationUntilProxyStarts: true, proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true" } });
}

/** A Kubernetes toleration, as in a pod spec. */
export interface Toleration {
    key?: string;
    /** "Exists" or "Equal" (default). */
    operator?: TolerationOperator;
    value?: string;
    /** "NoSchedule", "PreferNoSchedule" or "NoExecute"; empty matches all effects. */
    effect?: TolerationEffect;
    tolerationSeconds?: number;
}

/** Where crossmesh's own pods may run: a pod spec's nodeSelector and tolerations. */
export interface PodPlacement {
    /** Node labels the pods require, e.g. { "kubernetes.io/os": "linux", "pool": "system" }. */
    nodeSelector?: Record<string, string>;
    /** Taints the pods tolerate, e.g. [{ key: "dedicated", operator: "Equal", value: "system", effect: "NoSchedule" }]. */
    tolerations?: Toleration[];
}

/** The pod-spec fields of a placement; empty when none was given. */
export function placementSpec(p: PodPlacement | undefined): {
    nodeSelector?: Record<string, string>;
    tolerations?: Toleration[];
} {
    return {
        ...(p?.nodeSelector && Object.keys(p.nodeSelector).length > 0 ? { nodeSelector: { ...p.nodeSelector } } : {}),
        ...(p?.tolerations && p.tolerations.length > 0 ? { tolerations: p.tolerations.map((t) => ({ ...t })) } : {}),
    };
}

const LABEL_NAME =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const toleration = object(
    {
        key: string()
            .optional()
            .check((path, key) => {
                if (!LABEL_NAME.test(key))
                    invalid(path, `"${key}" is not a taint key; use a label key such as "dedicated".`);
            }),
        operator: oneOf(TolerationOperator, "toleration operator", {
            Equal: "the taint's value equals value; default",
            Exists: "any value of the taint's key",
        }).optional(),
        value: string()
            .optional()
            .check((path, value) => {
                if (!LABEL_VALUE.test(value)) invalid(path, `"${value}" is not a taint value.`);
            }),
        effect: oneOf(TolerationEffect, "taint effect").optional(),
        // A number the API server takes (negative counts as 0); whether it applies is `secondsForNoExecute`'s.
        tolerationSeconds: opaque<number>("a whole number of seconds").optional(),
    },
    {
        what: "{ key?, operator?, value?, effect?, tolerationSeconds? }",
        refine: [
            {
                name: "a keyless toleration matches every taint",
                check: (t, at) => {
                    if (t.key === undefined && t.operator !== "Exists")
                        invalid(
                            at("key"),
                            `a toleration without a key must use operator "Exists" (it then tolerates every taint).`,
                        );
                },
            },
            {
                name: "Exists takes no value",
                check: (t, at) => {
                    if (t.operator === "Exists" && t.value)
                        invalid(
                            at("value"),
                            `a toleration with operator "Exists" takes no value; remove value or use operator "Equal".`,
                        );
                },
            },
            {
                name: "tolerationSeconds only for NoExecute",
                check: (t, at) => {
                    if (
                        t.tolerationSeconds !== undefined &&
                        (t.effect !== "NoExecute" || !Number.isInteger(t.tolerationSeconds))
                    )
                        invalid(
                            at("tolerationSeconds"),
                            `applies only to effect "NoExecute" and is a whole number of seconds.`,
                        );
                },
            },
        ],
    },
);

/** Where crossmesh's own pods run (CrossMeshLink's `podPlacement`, ImportGateway's testClientPlacement), checked as the API server would. */
export const podPlacementFields = {
    nodeSelector: record(
        string().check((path, v) => {
            if (!LABEL_VALUE.test(v))
                invalid(
                    path,
                    `${JSON.stringify(v)} is not a label value: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit.`,
                );
        }),
    )
        .optional()
        .check((path, selector) => {
            for (const k of Object.keys(selector))
                if (!LABEL_NAME.test(k))
                    invalid(path, `"${k}" is not a Kubernetes label key; use e.g. "kubernetes.io/os" or "pool".`);
        }),
    tolerations: list(toleration, { what: "tolerations" }).optional(),
};
export const podPlacementSpec = object(podPlacementFields, { what: "{ nodeSelector?, tolerations? }" });

holds<SameShape<PodPlacement, SpecArgs<typeof podPlacementSpec>>>();
holds<SameShape<Toleration, SpecArgs<typeof toleration>>>();

/** Checks a placement, naming the user's path (e.g. "podPlacement"); the link's until it picks `podPlacementFields`. */
export function validatePlacement(path: string, p: PodPlacement | undefined): void {
    throwProblems(problemsOf(podPlacementSpec.optional(), p, path));
}

// Docker reference grammar (distribution/reference): a registry host[:port], then lowercase path components.
const REGISTRY_HOST =
    /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * A registry mirror of docker.io: `host[:port][/path]`, no scheme, no tag. The host needs a dot or a port
 * (as Docker decides what is a registry), e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub"
 * or "europe-docker.pkg.dev/my-project/dockerhub".
 */
export function requireImageRegistry(path: string, registry: string): void {
    const example = `e.g. "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub" (an ECR pull-through cache of Docker Hub) or "europe-docker.pkg.dev/my-project/dockerhub" (an Artifact Registry remote repository)`;
    if (/^[a-z]+:\/\//i.test(registry))
        invalid(path, `"${registry}" has a scheme; give the registry as an image name prefix without one, ${example}.`);
    const [host, ...components] = registry.replace(/\/+$/, "").split("/");
    if (!REGISTRY_HOST.test(host) || !(host.includes(".") || host.includes(":") || host === "localhost")) {
        invalid(path, `"${registry}" does not start with a registry host (a name with a dot or a port); ${example}.`);
    }
    const bad = components.find((c) => !PATH_COMPONENT.test(c));
    if (bad !== undefined)
        invalid(
            path,
            `"${bad}" in "${registry}" is not a repository path component (lowercase letters, digits and single separators; no tag or digest); ${example}.`,
        );
}

/** A full image reference given by the user: `[registry/]path[:tag][@sha256:…]`, with a tag or a digest. */
export function requireImageReference(path: string, image: string): void {
    const [name, digest] = image.split("@");
    if (digest !== undefined && !DIGEST.test(digest))
        invalid(path, `"${image}" has a malformed digest; use "@sha256:" and 64 hex digits.`);
    const slash = name.lastIndexOf("/");
    const colon = name.lastIndexOf(":");
    const tag = colon > slash ? name.slice(colon + 1) : undefined;
    const repo = colon > slash ? name.slice(0, colon) : name;
    if (tag !== undefined && !TAG.test(tag)) invalid(path, `"${tag}" is not an image tag.`);
    if (tag === undefined && digest === undefined)
        invalid(
            path,
            `"${image}" names no tag or digest; pin the image, e.g. "${CURL_IMAGE}" (a check must not change under you).`,
        );
    if (tag === "latest" && digest === undefined)
        invalid(
            path,
            `"${image}" is pinned to "latest", which moves; use a release tag or a digest, e.g. "${CURL_IMAGE}".`,
        );
    const parts = repo.split("/");
    const first =
        parts.length > 1 &&
        REGISTRY_HOST.test(parts[0]) &&
        (parts[0].includes(".") || parts[0].includes(":") || parts[0] === "localhost")
            ? parts.slice(1)
            : parts;
    if (first.length === 0 || !first.every((c) => PATH_COMPONENT.test(c)))
        invalid(path, `"${image}" is not an image reference; use e.g. "${CURL_IMAGE}".`);
}

/**
 * A pull secret's name: a Kubernetes Secret name (a DNS subdomain). The Secret must exist, of type
 * kubernetes.io/dockerconfigjson, in each namespace whose pods pull from the mirror.
 */
export function requireSecretName(path: string, name: string): void {
    const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    if (!SUBDOMAIN.test(name) || name.length > 253)
        invalid(
            path,
            `${JSON.stringify(name)} is not a Secret name: lowercase letters, digits, '-' and '.', e.g. "mirror-pull".`,
        );
}
