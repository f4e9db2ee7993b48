// The optional `sleep` client of the seed: a curl pod with a sidecar in its own namespace, to try the
// link with `kubectl exec -n sleep deploy/sleep -- curl -s http://lambda.external/`.
import {
    CURL_IMAGE,
    PodPlacement,
    curlSecurityContext,
    meshClientProxyConfig,
    placementSpec,
} from "../istio-install/client-pods";
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import type { LinkObject } from "../link-routing/objects";
import { linkLabels } from "../link-routing/names";
import { type Payload, type ObjectIdentity, type DeferredObject, buildDeferred, deferred } from "../common/deferred";
import type { AllowedSource } from "./objects";

export const TEST_CLIENT_NAMESPACE = "sleep";
export const TEST_CLIENT_NAME = "sleep";
/** curl pinned by digest, the same image as the verification Job, so a preview never changes under you. */
export const DEFAULT_TEST_CLIENT_IMAGE = CURL_IMAGE;

/** The identity the test client calls with; the component admits it to every imported host. */
export const TEST_CLIENT_SOURCE: AllowedSource = { namespace: TEST_CLIENT_NAMESPACE, serviceAccount: TEST_CLIENT_NAME };

/** Options of the test client's pod beyond its image and revision. */
export interface TestClientOptions {
    /** nodeSelector and tolerations of the client's pod. */
    placement?: PodPlacement;
}

/**
 * Sidecar injection: with a revision, the `istio.io/rev` label (on namespace and pod, as revisioned
 * installs expect); without one, the default injector's `istio-injection: enabled`.
 */
function injectionLabels(revision: string | undefined): Record<string, string> {
    return revision ? { "istio.io/rev": revision } : { "istio-injection": "enabled" };
}

/** What the test client's objects wait for: the Istio revision its injection labels name. */
export interface TestClientSources {
    revision: pulumi.Input<string | undefined>;
}

/**
 * The test client's objects: its namespace (whose injection labels wait for the revision), and the service
 * account and Deployment in a namespace given as `N` (in the component, the created namespace's name).
 */
export function testClientSet(linkName: string, image: string, options: TestClientOptions = {}) {
    const identity = <N>(apiVersion: string, kind: string, name: string, namespace?: N): ObjectIdentity<N> => ({
        apiVersion,
        kind,
        metadata: { name, ...(namespace === undefined ? {} : { namespace }), labels: linkLabels(linkName) },
    });
    return {
        namespace: deferred(
            identity<never>("v1", "Namespace", TEST_CLIENT_NAMESPACE),
            (s: TestClientSources) => s.revision,
            (revision): Payload => ({ labels: injectionLabels(revision) }),
        ),
        inNamespace: <N>(namespace: N): DeferredObject<TestClientSources, N>[] => [
            deferred(
                identity("v1", "ServiceAccount", TEST_CLIENT_NAME, namespace),
                () => ({}),
                (): Payload => ({}),
            ),
            deferred(
                identity("apps/v1", "Deployment", TEST_CLIENT_NAME, namespace),
                (s: TestClientSources) => s.revision,
                (revision): Payload => ({ spec: deploymentSpec(image, revision, options) }),
            ),
        ],
    };
}

/** The test client's objects with a known revision (what the tests read). */
export function testClientObjects(
    linkName: string,
    image: string,
    revision: string | undefined,
    options: TestClientOptions = {},
): LinkObject[] {
    const set = testClientSet(linkName, image, options);
    return [set.namespace, ...set.inNamespace(TEST_CLIENT_NAMESPACE)].map((p) => buildDeferred(p, { revision }));
}

function deploymentSpec(
    image: string,
    revision: string | undefined,
    options: TestClientOptions,
): k8s.types.input.apps.v1.DeploymentSpec {
    const podLabels = { app: TEST_CLIENT_NAME, ...(revision ? { "istio.io/rev": revision } : {}) };
    return {
        replicas: 1,
        selector: { matchLabels: { app: TEST_CLIENT_NAME } },
        template: {
            // Per-pod DNS capture: `curl http://<host>/` resolves even where the mesh does not capture DNS.
            metadata: { labels: podLabels, annotations: { "proxy.istio.io/config": meshClientProxyConfig() } },
            spec: {
                serviceAccountName: TEST_CLIENT_NAME,
                ...placementSpec(options.placement),
                containers: [
                    {
                        name: TEST_CLIENT_NAME,
                        image,
                        command: ["/bin/sleep", "3650d"],
                        imagePullPolicy: "IfNotPresent",
                        securityContext: curlSecurityContext(),
                    },
                ],
            },
        },
    };
}
