// The three providers of a crossmesh stack, all explicit: nothing falls back to ambient credentials
// or ~/.kube/config's current context.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type { ConsumerStackConfig, StackConfig } from "./schema";
import { eksKubeconfig, gkeClusterKubeconfig } from "../components";

export function awsProvider(config: Pick<StackConfig, "awsRegion">): aws.Provider {
    return new aws.Provider("aws", { region: config.awsRegion as aws.Region });
}

export function kubernetesProvider(
    name: string,
    kubeconfig: pulumi.Input<string> | undefined,
    context: string | undefined,
): k8s.Provider {
    return new k8s.Provider(name, {
        // A kubeconfig holds credentials: it stays a secret in state.
        kubeconfig: kubeconfig === undefined ? undefined : pulumi.secret(kubeconfig),
        context,
        enableServerSideApply: true,
    });
}

/** The EKS cluster's provider: an explicit secret kubeconfig, a context, or one built from the cluster's name (`aws eks get-token`). */
export function eksProvider(
    config: Pick<StackConfig, "eksKubeconfig" | "eksContext" | "awsRegion"> & { clusterName: string },
    aws: aws.Provider,
): k8s.Provider {
    const eksConfig =
        config.eksKubeconfig ??
        (config.eksContext === undefined ? eksKubeconfig(config.clusterName, config.awsRegion, aws) : undefined);
    return kubernetesProvider("eks", eksConfig, config.eksContext);
}

/** A consumer cluster's provider: any Kubernetes cluster by kubeconfig or context; a GKE cluster by its description. */
export function consumerProvider(config: ConsumerStackConfig): k8s.Provider {
    return config.kubeconfig !== undefined || config.gkeCluster === undefined
        ? kubernetesProvider("consumer", config.kubeconfig, config.context)
        : kubernetesProvider("consumer", gkeClusterKubeconfig(config.gkeCluster), undefined);
}

export function clusterProviders(config: StackConfig, aws: aws.Provider): { eks: k8s.Provider; gke: k8s.Provider } {
    return {
        eks: eksProvider({ ...config, clusterName: config.eksClusterName }, aws),
        // Precedence: an explicit secret kubeconfig, then the cluster description (runner and laptop alike),
        // then a context of ~/.kube/config (a laptop only).
        gke:
            config.gkeKubeconfig !== undefined || config.gkeCluster === undefined
                ? kubernetesProvider("gke", config.gkeKubeconfig, config.gkeContext)
                : kubernetesProvider("gke", gkeClusterKubeconfig(config.gkeCluster), undefined),
    };
}
