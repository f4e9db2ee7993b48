// The `kubernetes` provider: objects come back as the API server stores them (with uid, namespace and
// generated names), LoadBalancer Services get the address their cloud would give them, Helm releases
// resolve only chart versions that exist, and Jobs report completion as the provider waits for it.
import * as ipaddr from "ipaddr.js";
import { SimWorld, digest } from "./world";

type Inputs = Record<string, any>;
export interface Created {
    id: string;
    state: Inputs;
}

export type ClusterKind = "eks" | "gke";

/** Istio chart versions the simulated Helm repository serves. */
export const ISTIO_CHART_VERSIONS = [
    "1.28.0",
    "1.28.1",
    "1.28.2",
    "1.28.3",
    "1.29.0",
    "1.29.1",
    "1.29.2",
    "1.30.0",
    "1.30.1",
    "1.30.2",
    "1.30.3",
];
const ISTIO_REPO = "https://istio-release.storage.googleapis.com/charts";
const HELM_REPOS: Record<string, string[]> = {
    [ISTIO_REPO]: ["base", "istiod", "gateway", "cni", "ztunnel"],
};

/**
 * Where a Release's chart comes from: `repositoryOpts.repo` plus a chart name, or a full `oci://…/<chart>`
 * reference with no repositoryOpts (how Helm, and so the Release resource, takes OCI charts).
 */
function chartSource(inputs: Inputs): { repo: string | undefined; chart: string } {
    const chart = String(inputs.chart ?? "");
    if (chart.startsWith("oci://")) {
        if (inputs.repositoryOpts?.repo)
            throw new Error(
                `helm: an oci:// chart (${chart}) takes no repositoryOpts.repo (${inputs.repositoryOpts.repo})`,
            );
        const slash = chart.lastIndexOf("/");
        return { repo: chart.slice(0, slash), chart: chart.slice(slash + 1) };
    }
    return { repo: inputs.repositoryOpts?.repo, chart };
}

/**
 * A mirror (a private HTTPS Helm repository or an OCI registry on a cluster without internet egress) is
 * modelled as serving what Istio's repository serves: same charts, same versions. Any other scheme is
 * unreachable, as the public repository would be from such a cluster.
 */
function isIstioMirror(repo: string | undefined): repo is string {
    return repo !== undefined && /^(https|oci):\/\/[a-z0-9.-]+(:\d+)?(\/[^\s?#]*)?$/i.test(repo);
}

const CLUSTER_SCOPED = new Set([
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
]);

/** Which cloud a provider's kubeconfig (or context name) points at. */
export function clusterKindOf(provider: Inputs | undefined): ClusterKind {
    const text = `${provider?.kubeconfig ?? ""} ${provider?.context ?? ""} ${provider?.cluster ?? ""} ${provider?.resourceName ?? ""}`;
    if (/eks\.amazonaws\.com|arn:aws:eks:|\beks\b|eks-/.test(text)) return "eks";
    return "gke";
}

export class KubernetesSimulator {
    constructor(private readonly world: SimWorld) {}

    newResource(
        type: string,
        name: string,
        inputs: Inputs,
        provider: Inputs | undefined,
        readId?: string,
    ): Created | undefined {
        if (type === "pulumi:providers:kubernetes") {
            if (!inputs.kubeconfig && !inputs.context)
                throw new Error(
                    "kubernetes provider: neither kubeconfig nor context is set, so it would use the ambient ~/.kube/config",
                );
            return { id: digest(`provider/${name}`, 36), state: inputs };
        }
        if (type === "kubernetes:helm.sh/v3:Release") return this.helmRelease(name, inputs);
        if (!type.startsWith("kubernetes:")) return undefined;
        if (readId && Object.keys(inputs).length === 0) return this.readExisting(type, readId, provider);

        const kind = type.split(":")[2];
        const apiVersion = type.split(":")[1].replace(/^core\//, "");
        const metadata: Inputs = { ...(inputs.metadata ?? {}) };
        metadata.name ??= `${name}-${digest(`${type}/${name}`, 8)}`;
        if (!CLUSTER_SCOPED.has(kind)) metadata.namespace ??= "default";
        metadata.uid = `${digest(`uid/${type}/${metadata.namespace}/${metadata.name}`, 8)}-${digest(`uid2/${metadata.name}`, 4)}-4${digest(`u3/${metadata.name}`, 3)}-8${digest(`u4/${metadata.name}`, 3)}-${digest(`u5/${metadata.name}`, 12)}`;
        metadata.resourceVersion = "1";
        metadata.generation = 1;
        metadata.creationTimestamp = this.world.clock
            .now()
            .toISOString()
            .replace(/\.\d{3}Z$/, "Z");
        const state: Inputs = {
            ...inputs,
            apiVersion: inputs.apiVersion ?? apiVersion,
            kind: inputs.kind ?? kind,
            metadata,
        };
        if (kind === "Service") state.status = this.serviceStatus(state, clusterKindOf(provider));
        if (kind === "Service") state.spec = { ...state.spec, clusterIP: this.clusterIp(metadata) };
        if (kind === "Job")
            state.status = { succeeded: 1, active: 0, conditions: [{ type: "Complete", status: "True" }] };
        if (kind === "Deployment")
            state.status = { replicas: state.spec?.replicas ?? 1, readyReplicas: state.spec?.replicas ?? 1 };
        const id = CLUSTER_SCOPED.has(kind) ? metadata.name : `${metadata.namespace}/${metadata.name}`;
        return { id, state };
    }

    /**
     * `Resource.get(name, "<namespace>/<name>")`: what is already in the cluster. Modelled for Services
     * only: an existing gateway Service of type LoadBalancer, made (on EKS) by the AWS Load Balancer
     * Controller as an internet-facing NLB, with the address its cloud gives it.
     */
    private readExisting(type: string, id: string, provider: Inputs | undefined): Created {
        const kind = type.split(":")[2];
        const [namespace, name] = id.includes("/") ? id.split("/", 2) : ["default", id];
        if (kind !== "Service")
            throw new Error(
                `simulator: reading an existing ${kind} (${id}) is not modelled (add it in tools/simulator/kubernetes.ts)`,
            );
        const metadata: Inputs = {
            name,
            namespace,
            uid: `${digest(`uid/existing/${id}`, 8)}-0000-4000-8000-${digest(`uid/existing2/${id}`, 12)}`,
            resourceVersion: "1",
            annotations: {
                "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            },
        };
        const state: Inputs = {
            apiVersion: "v1",
            kind,
            metadata,
            spec: { type: "LoadBalancer", ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 443 }] },
        };
        state.status = this.serviceStatus(state, clusterKindOf(provider));
        state.spec.clusterIP = this.clusterIp(metadata);
        return { id, state };
    }

    private clusterIp(metadata: Inputs): string {
        const h = digest(`ip/${metadata.namespace}/${metadata.name}`, 4);
        return `10.96.${parseInt(h.slice(0, 2), 16)}.${(parseInt(h.slice(2), 16) % 254) + 1}`;
    }

    private serviceStatus(svc: Inputs, cluster: ClusterKind): Inputs {
        const spec = svc.spec ?? {};
        for (const range of spec.loadBalancerSourceRanges ?? []) {
            if (!ipaddr.isValidCIDR(range))
                throw new Error(
                    `Service "${svc.metadata.name}" is invalid: spec.loadBalancerSourceRanges: Invalid value: "${range}"`,
                );
        }
        if (spec.type !== "LoadBalancer") return { loadBalancer: {} };
        const { namespace, name } = svc.metadata;
        if (cluster === "gke") {
            const h = digest(`gke-lb/${namespace}/${name}`, 4);
            return {
                loadBalancer: {
                    ingress: [
                        { ip: `34.${parseInt(h.slice(0, 2), 16)}.${parseInt(h.slice(2), 16)}.${7}`, ipMode: "VIP" },
                    ],
                },
            };
        }
        const annotations: Record<string, string> = svc.metadata.annotations ?? {};
        const region = this.world.region;
        if (annotations["service.beta.kubernetes.io/aws-load-balancer-type"] === "external") {
            // AWS Load Balancer Controller: an NLB named k8s-<namespace>-<name>-<hash>.
            const scheme = annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] ?? "internal";
            const lbName = `k8s-${namespace.slice(0, 8)}-${name.slice(0, 8)}-${digest(`nlb/${namespace}/${name}`, 10)}`;
            const host = `${lbName}-${digest(`nlb-dns/${namespace}/${name}`, 16)}.elb.${region}.amazonaws.com`;
            return { loadBalancer: { ingress: [{ hostname: scheme === "internal" ? `internal-${host}` : host }] } };
        }
        // Without the controller's annotations, the legacy in-tree controller makes a Classic ELB.
        return {
            loadBalancer: {
                ingress: [
                    {
                        hostname: `${digest(`clb/${namespace}/${name}`, 32)}-${parseInt(digest(`clb#/${name}`, 7), 16)}.${region}.elb.amazonaws.com`,
                    },
                ],
            },
        };
    }

    private helmRelease(name: string, inputs: Inputs): Created {
        const { repo, chart } = chartSource(inputs);
        const charts =
            (repo !== undefined ? HELM_REPOS[repo] : undefined) ??
            (isIstioMirror(repo) ? HELM_REPOS[ISTIO_REPO] : undefined);
        if (!charts)
            throw new Error(
                `helm: repository "${repo}" is not reachable from the simulator (known: ${Object.keys(HELM_REPOS).join(", ")}, or a mirror of ${ISTIO_REPO} over https:// or oci://)`,
            );
        if (!charts.includes(chart)) throw new Error(`helm: chart "${chart}" not found in ${repo}`);
        if (charts === HELM_REPOS[ISTIO_REPO] && !ISTIO_CHART_VERSIONS.includes(inputs.version)) {
            throw new Error(`helm: chart "${chart}" version "${inputs.version}" not found in ${repo}`);
        }
        const releaseName = inputs.name ?? `${name}-${digest(`release/${name}`, 8)}`;
        const namespace = inputs.namespace ?? "default";
        return {
            id: `${namespace}/${releaseName}`,
            state: {
                ...inputs,
                name: releaseName,
                namespace,
                status: {
                    name: releaseName,
                    namespace,
                    chart,
                    version: inputs.version,
                    appVersion: inputs.version,
                    revision: 1,
                    status: "deployed",
                },
            },
        };
    }
}
