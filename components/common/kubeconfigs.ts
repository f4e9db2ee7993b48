// Kubeconfigs that hold no credential: each authenticates with the cloud's official exec plugin, so the
// same file serves a laptop and a CI runner (and `crossmesh status`). The shipped stacks build theirs with
// these; your own programs and scripts may too.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

/**
 * A kubeconfig for an EKS cluster, built from the cluster's endpoint and CA, authenticating with
 * `aws eks get-token` (the AWS CLI on the machine running Pulumi). JSON is valid YAML, so no YAML
 * library is needed for it.
 */
export function eksKubeconfig(clusterName: string, region: string, provider: aws.Provider): pulumi.Output<string> {
    const cluster = aws.eks.getClusterOutput({ name: clusterName }, { provider });
    return pulumi.secret(
        pulumi.all([cluster.endpoint, cluster.certificateAuthorities]).apply(([endpoint, cas]) =>
            JSON.stringify({
                apiVersion: "v1",
                kind: "Config",
                clusters: [
                    { name: clusterName, cluster: { server: endpoint, "certificate-authority-data": cas[0].data } },
                ],
                users: [
                    {
                        name: clusterName,
                        user: {
                            exec: {
                                apiVersion: "client.authentication.k8s.io/v1beta1",
                                command: "aws",
                                args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region],
                                interactiveMode: "Never",
                            },
                        },
                    },
                ],
                contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
                "current-context": clusterName,
            }),
        ),
    );
}

/**
 * A kubeconfig for a GKE cluster from its name, endpoint and CA (none of them secret), authenticating
 * with the official `gke-gcloud-auth-plugin`, as `gcloud container clusters get-credentials` writes it.
 * The plugin takes whatever gcloud is logged in as: a person's `gcloud auth login`, or on a runner the
 * Workload Identity Federation credentials of google-github-actions/auth. No credential is stored.
 */
export function gkeClusterKubeconfig(cluster: { name: string; endpoint: string; caData: string }): string {
    const server = cluster.endpoint.startsWith("https://") ? cluster.endpoint : `https://${cluster.endpoint}`;
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            {
                name: cluster.name,
                cluster: { server, "certificate-authority-data": cluster.caData.replace(/\s+/g, "") },
            },
        ],
        users: [
            {
                name: cluster.name,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "gke-gcloud-auth-plugin",
                        installHint:
                            "Install gke-gcloud-auth-plugin: `gcloud components install gke-gcloud-auth-plugin` (see docs/operating.md)",
                        provideClusterInfo: true,
                        interactiveMode: "Never",
                    },
                },
            },
        ],
        contexts: [{ name: cluster.name, context: { cluster: cluster.name, user: cluster.name } }],
        "current-context": cluster.name,
    });
}
