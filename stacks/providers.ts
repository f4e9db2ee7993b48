// The three providers of a crossmesh stack, all explicit: nothing falls back to ambient credentials
// or ~/.kube/config's current context.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type { StackConfig } from "./schema";
import { eksKubeconfig, gkeClusterKubeconfig } from "../components";

export function awsProvider(config: StackConfig): aws.Provider {
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

export function clusterProviders(config: StackConfig, aws: aws.Provider): { eks: k8s.Provider; gke: k8s.Provider } {
    const eksConfig =
        config.eksKubeconfig ??
        (config.eksContext === undefined ? eksKubeconfig(config.eksClusterName, config.awsRegion, aws) : undefined);
    return {
        eks: kubernetesProvider("eks", eksConfig, config.eksContext),
        // Precedence: an explicit secret kubeconfig, then the cluster description (runner and laptop alike),
        // then a context of ~/.kube/config (a laptop only).
        gke:
            config.gkeKubeconfig !== undefined || config.gkeCluster === undefined
                ? kubernetesProvider("gke", config.gkeKubeconfig, config.gkeContext)
                : kubernetesProvider("gke", gkeClusterKubeconfig(config.gkeCluster), undefined),
    };
}
