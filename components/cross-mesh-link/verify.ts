// The deploy-time end-to-end check: a Job in the GKE mesh calls every exported host the way an app
// does (plain HTTP to http://<host>/, through the sidecar, the egress gateway and the link) and fails
// unless each answers 2xx (and, when given, with the expected text). The Kubernetes provider waits for
// the Job, so `pulumi up` fails when the link does not work end to end.
import type { KubeObject, ObjectSpec } from "../common/kube";
import {
    CURL_IMAGE,
    PodPlacement,
    curlSecurityContext,
    meshClientProxyConfig,
    placementSpec,
} from "../istio-install/client-pods";

/** Defaults for a standalone check; a link passes names derived from its own name so two links never collide. */
export const VERIFY_NAMESPACE = "crossmesh-verify";
export const VERIFY_SERVICE_ACCOUNT = "crossmesh-verify";
/** curl, pinned by digest: the check must not change under us. The same image as the test client. */
export const VERIFY_IMAGE = CURL_IMAGE;

export interface VerifyTarget {
    host: string;
    /** Text the answer must contain; undefined = any 2xx answer. */
    expectBodyContains?: string;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The check script. Each host is tried for up to `attempts` × 5 s (routes and certificates take a
 * moment to reach the proxies). `CROSSMESH_VERIFY_CONNECT_TO` (host:port) redirects connections, so
 * tests can run the very same script against a local server.
 */
export function verifyScript(targets: VerifyTarget[], attempts = 24): string {
    const checks = targets.map(
        (t) => `check ${shellQuote(t.host)} ${shellQuote(t.expectBodyContains ?? "")} || failed=1`,
    );
    return [
        "set -u",
        "failed=0",
        "check() {",
        "  host=$1; expect=$2; body=''",
        `  i=0; while [ $i -lt ${attempts} ]; do`,
        "    i=$((i+1))",
        '    if body=$(curl -sS --fail --max-time 10 ${CROSSMESH_VERIFY_CONNECT_TO:+--connect-to "$host:80:$CROSSMESH_VERIFY_CONNECT_TO"} "http://$host/crossmesh-verify" 2>&1); then',
        '      if [ -z "$expect" ] || printf \'%s\' "$body" | grep -qF -- "$expect"; then echo "ok   $host"; return 0; fi',
        "    fi",
        `    [ $i -lt ${attempts} ] && sleep \${CROSSMESH_VERIFY_INTERVAL:-5}`,
        "  done",
        '  echo "FAIL $host: wanted a 2xx answer${expect:+ containing \\"$expect\\"}; last answer: $(printf \'%s\' "$body" | head -c 300)" >&2',
        "  return 1",
        "}",
        ...checks,
        "# Let the sidecar go, or the Job never completes (harmless without one).",
        "curl -fsS -X POST http://127.0.0.1:15020/quitquitquit >/dev/null 2>&1 || true",
        "exit $failed",
        "",
    ].join("\n");
}

export interface VerifyObjectsArgs {
    targets: VerifyTarget[];
    /** Istio revision of the GKE mesh, so the Job's pod gets that revision's sidecar. */
    revision: string;
    /** Changes whenever the link changes, so the Job is replaced and the check runs again. */
    linkFingerprint: string;
    /** The Job's namespace (created for it, sidecar-injected). Default "crossmesh-verify". */
    namespace?: string;
    /** The Job's service account, the identity the link admits. Default "crossmesh-verify". */
    serviceAccount?: string;
    /** The curl image; default the pinned curl (see `curlImage` for a registry mirror). */
    image?: string;
    /** nodeSelector and tolerations of the Job's pod. */
    placement?: PodPlacement;
}

/** The Job's namespace: sidecar injection by the GKE mesh's revision. Depends on nothing but that. */
export function verifyNamespace(revision: string, namespace: string = VERIFY_NAMESPACE): KubeObject {
    return { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { "istio.io/rev": revision } } };
}

export function verifyObjects(args: VerifyObjectsArgs): {
    namespace: KubeObject;
    serviceAccount: KubeObject;
    job: KubeObject & { spec: ObjectSpec };
} {
    const namespace = args.namespace ?? VERIFY_NAMESPACE;
    const serviceAccount = args.serviceAccount ?? VERIFY_SERVICE_ACCOUNT;
    return {
        namespace: verifyNamespace(args.revision, namespace),
        serviceAccount: {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name: serviceAccount, namespace },
        },
        job: {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: {
                name: `crossmesh-verify-${args.linkFingerprint.slice(0, 10)}`,
                namespace,
                labels: { app: "crossmesh-verify" },
            },
            spec: {
                backoffLimit: 2,
                activeDeadlineSeconds: 900,
                template: {
                    metadata: {
                        labels: { app: "crossmesh-verify", "sidecar.istio.io/inject": "true" },
                        annotations: {
                            // The app container starts only once its sidecar routes, and the sidecar answers
                            // DNS for the imported hosts even where the mesh does not capture DNS.
                            "proxy.istio.io/config": meshClientProxyConfig(),
                            "crossmesh.io/link-fingerprint": args.linkFingerprint,
                        },
                    },
                    spec: {
                        serviceAccountName: serviceAccount,
                        restartPolicy: "Never",
                        ...placementSpec(args.placement),
                        containers: [
                            {
                                name: "verify",
                                image: args.image ?? VERIFY_IMAGE,
                                command: ["/bin/sh", "-c", verifyScript(args.targets)],
                                // The kubelet keeps the script's last lines (its FAIL lines) in the pod's
                                // status, so the provider's error for a failed Job, and `pulumi up`, show them.
                                terminationMessagePolicy: "FallbackToLogsOnError",
                                securityContext: curlSecurityContext(),
                            },
                        ],
                    },
                },
            },
        },
    };
}
