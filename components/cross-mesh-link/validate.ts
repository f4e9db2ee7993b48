// Up-front checks of CrossMeshLinkArgs that the sub-components cannot make on their own: the shape
// of each exported service and the relation between the two sides.
import { invalid, known, requireConcreteHostname, requireKubernetesName, requireUnique } from "../common/validation";
import { validateLambdaFunctionArgs } from "../lambda-alb/validate";
import { requireDistinctHostSlugs, requireHostHeaderLength } from "../lambda-hosts-alb/validate";
import type { CrossMeshLinkArgs } from "./index";

export function validateCrossMeshLinkArgs(args: CrossMeshLinkArgs): void {
    if (!args.eksProvider) invalid("eksProvider", "pass the kubernetes.Provider of the EKS cluster (crossmesh never uses an ambient kubeconfig).");
    if (!args.gkeProvider) invalid("gkeProvider", "pass the kubernetes.Provider of the GKE cluster (crossmesh never uses an ambient kubeconfig).");
    if (args.eksProvider === args.gkeProvider) invalid("gkeProvider", "is the same provider as eksProvider; the link joins two separate clusters, give each its own provider.");
    if (!Array.isArray(args.services) || args.services.length === 0) {
        invalid("services", "list at least one exported service, e.g. [{ host: \"lambda.external\", lambda: {}, allowedSources: [{ namespace: \"sleep\" }] }].");
    }
    args.services.forEach((s, i) => {
        const at = `services[${i}]`;
        requireConcreteHostname(`${at}.host`, s.host);
        if ((s.lambda === undefined) === (s.upstream === undefined)) {
            invalid(`${at}.lambda`, "give exactly one of `lambda` (crossmesh creates a function behind an internal ALB) or `upstream` (an existing internal HTTPS endpoint).");
        }
        if (s.upstream && known(s.upstream.hostname)) requireConcreteHostname(`${at}.upstream.hostname`, s.upstream.hostname);
        if (s.lambda) {
            // Checked here so the error names the service, not a position inside the shared ALB.
            validateLambdaFunctionArgs(s.lambda, `${at}.lambda.`);
            requireHostHeaderLength(`${at}.host`, s.host, "the shared ALB routes it by a host-header rule, which");
        }
        if (!Array.isArray(s.allowedSources) || s.allowedSources.length === 0) {
            invalid(`${at}.allowedSources`, "list who may call this host, e.g. [{ namespace: \"shop\", serviceAccount: \"checkout\" }]; nothing else can.");
        }
        s.allowedSources.forEach((src, j) => {
            if (known(src.namespace)) requireKubernetesName(`${at}.allowedSources[${j}].namespace`, src.namespace);
            if (known(src.serviceAccount)) requireKubernetesName(`${at}.allowedSources[${j}].serviceAccount`, src.serviceAccount);
        });
    });
    const hosts = args.services.map((s) => s.host);
    requireUnique("services[].host", hosts);
    // Object and resource names replace dots with hyphens: two hosts must not collapse to one name.
    requireDistinctHostSlugs("services", hosts, "object names");
    if (args.eksIstio && args.consumerEgressCidrs !== undefined && (!Array.isArray(args.consumerEgressCidrs) || args.consumerEgressCidrs.length > 0)) {
        invalid("consumerEgressCidrs", "with an adopted EKS gateway (eksIstio) crossmesh does not own its load balancer Service, so these ranges would be ignored; set loadBalancerSourceRanges on that Service yourself and remove consumerEgressCidrs.");
    }
    if (args.eksIstio && args.gkeIstio && args.registryOnly) {
        invalid("registryOnly", "both meshes are adopted, so crossmesh installs no Istio to configure; set outboundTrafficPolicy in your own installs and remove registryOnly.");
    }
    if (args.gkeTrustDomain === "cluster.local") {
        invalid("gkeTrustDomain", "\"cluster.local\" cannot name the GKE mesh across the link: Istio rewrites cluster.local principals to the local mesh's own trust domain, so the EKS gateway could not tell the GKE gateway apart. Use a distinct domain, e.g. \"gke.example.org\" (and set the same meshConfig.trustDomain in GKE).");
    }
    if (known(args.eksTrustDomain) && known(args.gkeTrustDomain) && args.eksTrustDomain === args.gkeTrustDomain) {
        invalid("gkeTrustDomain", `equals eksTrustDomain ("${args.eksTrustDomain}"); the two meshes share no root of trust, give each its own trust domain.`);
    }
}
