// Kubernetes providers for tests: the kubeconfigs the simulator's world knows (an EKS and a GKE cluster, and an AKS one as a further consumer),
// written once. The simulator tells the two clusters apart by the cluster name in the kubeconfig.
import type * as k8s from "@pulumi/kubernetes";

/** Kubeconfigs naming the simulator's EKS (eu-west-1 or us-east-1) and GKE clusters. */
export const KUBECONFIGS = {
    eks: "apiVersion: v1\nclusters:\n- name: arn:aws:eks:eu-west-1:123456789012:cluster/eks-lab5\n",
    eksUsEast1: "apiVersion: v1\nclusters:\n- name: arn:aws:eks:us-east-1:123456789012:cluster/eks-lab5\n",
    gke: "apiVersion: v1\nclusters:\n- name: gke_project_europe-west1_gke-lab\n",
    /** A third cluster, another cloud's: a second consumer mesh of an export. */
    aks: "apiVersion: v1\nclusters:\n- name: aks-lab\n",
} as const;

/** A kubernetes provider of the simulator's cluster `cluster`, named `name`. */
export async function kubeProvider(name: string, cluster: keyof typeof KUBECONFIGS): Promise<k8s.Provider> {
    const k8sModule = await import("@pulumi/kubernetes");
    return new k8sModule.Provider(name, { kubeconfig: KUBECONFIGS[cluster] });
}
