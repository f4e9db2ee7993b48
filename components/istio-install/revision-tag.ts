// The revision tag "default": the injection webhook that makes namespaces labelled `istio-injection=enabled`
// (and pods labelled `sidecar.istio.io/inject=true`) get the current revision's sidecars — what
// `istioctl tag set default --revision <rev>` writes, and what the istiod chart renders from `revisionTags`
// (templates/revision-tags-mwc.yaml). crossmesh keeps it as its own object instead of inside the istiod
// release: the release is per revision, so during a minor upgrade two revisions' releases run side by side,
// and only one of them may own the tag. The tag moves to the new revision once its istiod is installed.
import type { HelmValues } from "./charts";
import { ISTIO_SYSTEM_NAMESPACE } from "./charts";
import { MANAGED_BY_CROSSMESH } from "../common/kube";

/**
 * The tag crossmesh keeps on the revision it installs: the stable name workloads use (`istio-injection=enabled`
 * or `istio.io/rev=default`), which follows every upgrade, unlike a revision ("1-30") that stops matching at the
 * next minor.
 */
export const REVISION_TAG = "default";
const TAG = REVISION_TAG;
/** The tag's webhook configuration, named as `istioctl tag set` and the chart name it: a plain, fixed name. */
export const REVISION_TAG_WEBHOOK = `istio-revision-tag-${TAG}`;

/** Where the revision's injector answers: its in-cluster Service, or the istiod chart's `istiodRemote` URL. */
function injectorClientConfig(revision: string, istiodValues: HelmValues | undefined): Record<string, unknown> {
    const remote = (istiodValues?.istiodRemote ?? {}) as HelmValues;
    const caBundle =
        typeof remote.injectionCABundle === "string" && remote.injectionCABundle ? remote.injectionCABundle : undefined;
    const target =
        typeof remote.injectionURL === "string" && remote.injectionURL
            ? { url: remote.injectionURL }
            : {
                  service: {
                      name: `istiod-${revision}`,
                      namespace: ISTIO_SYSTEM_NAMESPACE,
                      path: typeof remote.injectionPath === "string" ? remote.injectionPath : "/inject",
                      port: 443,
                  },
              };
    return { ...target, ...(caBundle ? { caBundle } : {}) };
}

const NOT_OPTED_OUT = { key: "sidecar.istio.io/inject", operator: "NotIn", values: ["false"] };

/**
 * The tag's MutatingWebhookConfiguration, webhook for webhook as the istiod chart renders it for
 * `revisionTags: [default]`: namespaces labelled `istio.io/rev=default` or `istio-injection=enabled`, and pods
 * labelled `istio.io/rev=default` or `sidecar.istio.io/inject=true` in unlabelled namespaces. `istiodValues`
 * are the user's extra istiod values: an `istiodRemote.injectionURL` there points the tag where it points the
 * revision's own webhook.
 */
export function revisionTagWebhook(revision: string, istiodValues?: HelmValues) {
    const webhook = (name: string, namespaceSelector: unknown[], objectSelector: unknown[]) => ({
        name,
        clientConfig: injectorClientConfig(revision, istiodValues),
        sideEffects: "None",
        rules: [{ operations: ["CREATE"], apiGroups: [""], apiVersions: ["v1"], resources: ["pods"] }],
        failurePolicy: "Fail",
        reinvocationPolicy: "Never",
        admissionReviewVersions: ["v1"],
        namespaceSelector: { matchExpressions: namespaceSelector },
        objectSelector: { matchExpressions: objectSelector },
    });
    return {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "MutatingWebhookConfiguration",
        metadata: {
            name: REVISION_TAG_WEBHOOK,
            labels: { ...MANAGED_BY_CROSSMESH, "istio.io/tag": TAG, "istio.io/rev": revision, app: "sidecar-injector" },
        },
        webhooks: [
            webhook(
                "rev.namespace.sidecar-injector.istio.io",
                [
                    { key: "istio.io/rev", operator: "In", values: [TAG] },
                    { key: "istio-injection", operator: "DoesNotExist" },
                ],
                [NOT_OPTED_OUT],
            ),
            webhook(
                "rev.object.sidecar-injector.istio.io",
                [
                    { key: "istio.io/rev", operator: "DoesNotExist" },
                    { key: "istio-injection", operator: "DoesNotExist" },
                ],
                [NOT_OPTED_OUT, { key: "istio.io/rev", operator: "In", values: [TAG] }],
            ),
            webhook(
                "namespace.sidecar-injector.istio.io",
                [{ key: "istio-injection", operator: "In", values: ["enabled"] }],
                [NOT_OPTED_OUT],
            ),
            webhook(
                "object.sidecar-injector.istio.io",
                [
                    { key: "istio-injection", operator: "DoesNotExist" },
                    { key: "istio.io/rev", operator: "DoesNotExist" },
                ],
                [
                    { key: "sidecar.istio.io/inject", operator: "In", values: ["true"] },
                    { key: "istio.io/rev", operator: "DoesNotExist" },
                ],
            ),
        ],
    };
}
