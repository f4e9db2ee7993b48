// The optional `sleep` client of the seed: a curl pod with a sidecar in its own namespace, to try the
// link with `kubectl exec -n sleep deploy/sleep -- curl -s http://lambda.external/`.
import {
    CURL_IMAGE,
    PodPlacement,
    curlSecurityContext,
    meshClientProxyConfig,
    placementSpec,
} from "../istio-install/client-pods";
import { LinkObject, meta } from "../link-routing/objects";
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

export function testClientObjects(
    linkName: string,
    image: string,
    revision: string | undefined,
    options: TestClientOptions = {},
): LinkObject[] {
    const ns = meta(linkName, TEST_CLIENT_NAMESPACE);
    const podLabels = { app: TEST_CLIENT_NAME, ...(revision ? { "istio.io/rev": revision } : {}) };
    return [
        {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { ...ns, labels: { ...ns.labels, ...injectionLabels(revision) } },
        },
        { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(linkName, TEST_CLIENT_NAME, TEST_CLIENT_NAMESPACE) },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: meta(linkName, TEST_CLIENT_NAME, TEST_CLIENT_NAMESPACE),
            spec: {
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
            },
        },
    ];
}
