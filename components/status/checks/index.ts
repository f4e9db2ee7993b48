// The checks of one link against its two live clusters: gateway pods and their disruption budget, the
// link Secret (is it the certificate the stack issued, does it trust the peer, when does it end), every
// applied object present and unchanged, the EKS load balancer and the GKE ServiceEntries that point at it.
// The same checks of an export's EKS side (plus each consumer's there) and of a consumer mesh's one cluster.
import type { Check } from "../report";
import { CheckState } from "../report";
import type { LinkEnd } from "../../common/types";
import type { AppliedObject, ClusterSide, DeployedConsumer, DeployedExport, DeployedLink } from "../deployment";
import { Cluster, ClusterUnreachable, LiveObject } from "../cluster";
import { CheckOptions, EksFacts, check, keyOf } from "./common";
import { exportConsumerChecks } from "./consumers";
import { SideCredential, secretChecks } from "./credentials";
import { gatewayChecks } from "./gateway";
import { linkLoadBalancer, linkServiceEntries, loadBalancerCheck, serviceEntryChecks } from "./load-balancer";
import { driftChecks, verificationChecks } from "./objects";

export { CheckOptions, EksFacts } from "./common";

/** Reads every applied object of one side, by namespace (one kubectl call per namespace). */
async function liveObjects(cluster: Cluster, objects: AppliedObject[]): Promise<Map<string, LiveObject>> {
    const byNamespace = new Map<string | undefined, AppliedObject[]>();
    for (const o of objects) byNamespace.set(o.namespace, [...(byNamespace.get(o.namespace) ?? []), o]);
    const live = new Map<string, LiveObject>();
    for (const [ns, list] of byNamespace)
        for (const o of await cluster.get(ns, list))
            live.set(keyOf({ kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace ?? ns }), o);
    return live;
}

/** The flags that give status a side's cluster. */
export const CLUSTER_FLAGS: Record<ClusterSide, string> = {
    eks: "--eks-kubeconfig <file> or --eks-context <ctx>",
    gke: "--gke-kubeconfig <file> or --gke-context <ctx>",
    consumer: "--consumer-kubeconfig <file> or --consumer-context <ctx>",
};
const CLUSTER_TITLE: Record<ClusterSide, string> = { eks: "EKS", gke: "GKE", consumer: "consumer" };

/** The one check of a side whose cluster was not given to status: unknown, never a pass. */
export function clusterNotGiven(side: ClusterSide, what: string): Check {
    return check(side, {
        check: "cluster",
        state: CheckState.Unknown,
        detail: `no ${CLUSTER_TITLE[side]} cluster was given: ${what} was not checked`,
        fix: `give ${CLUSTER_FLAGS[side]} (crossmesh status --help: which clusters each --role needs)`,
    });
}

/**
 * A side's checks common to every role (gateway pods, link Secret, drift, verification), then `more`; a cluster
 * that cannot be reached gives one `unknown` check saying so.
 */
async function onCluster(
    side: ClusterSide,
    cluster: Cluster,
    objects: AppliedObject[],
    credential: SideCredential,
    opts: CheckOptions,
    more: (live: Map<string, LiveObject>) => Promise<Check[]>,
): Promise<{ checks: Check[]; reached: boolean }> {
    try {
        const live = await liveObjects(cluster, objects);
        const checks = [
            ...(await gatewayChecks(side, cluster, objects)),
            ...secretChecks(side, credential, objects, live, opts),
            ...driftChecks(side, objects, live),
            ...verificationChecks(side, objects, live),
            ...(await more(live)),
        ];
        return { checks, reached: true };
    } catch (e) {
        if (!(e instanceof ClusterUnreachable)) throw e;
        return {
            checks: [
                check(side, {
                    check: "cluster",
                    state: CheckState.Unknown,
                    detail: e.message,
                    fix:
                        side === "consumer"
                            ? "check the consumer cluster's kubeconfig/context given to crossmesh status (--consumer-kubeconfig/--consumer-context) and your credentials (kubectl --kubeconfig … get ns)"
                            : `check the ${side.toUpperCase()} kubeconfig/context given to crossmesh status and your credentials (kubectl --kubeconfig … get ns)`,
                }),
            ],
            reached: false,
        };
    }
}

/** Every check of one side of a link; a cluster that cannot be reached gives one `unknown` check saying so. */
export async function checkSide(
    link: DeployedLink,
    side: LinkEnd,
    cluster: Cluster,
    opts: CheckOptions,
    eks: EksFacts = {},
): Promise<{ checks: Check[]; facts: EksFacts }> {
    const objects = link.objects.filter((o) => o.side === side);
    const credential: SideCredential = {
        ...link.credentials[side],
        peerName: side === "eks" ? "GKE side's link CA" : "EKS side's link CA",
        caName: "link CA",
    };
    const facts: EksFacts = {};
    const { checks } = await onCluster(side, cluster, objects, credential, opts, async (live) => {
        if (side === "gke") return serviceEntryChecks(objects, live, linkServiceEntries(link, eks));
        const lb = await loadBalancerCheck(linkLoadBalancer(link), cluster);
        facts.liveHostname = lb.hostname;
        return [lb.check];
    });
    return { checks, facts };
}

/** Every check of an export's EKS side: the shared gateway, then each consumer's policy, trust, identity and ends. */
export async function checkExportSide(exp: DeployedExport, cluster: Cluster, opts: CheckOptions): Promise<Check[]> {
    const credential: SideCredential = {
        ...(exp.serverCertPem ? { certPem: exp.serverCertPem } : {}),
        // No one peer CA: each consumer's is looked for in ca.crt by its own check (consumer-trust).
        peerName: "consumers' client CAs",
        ...(exp.serverCaExpiresAt ? { caExpiresAt: exp.serverCaExpiresAt } : {}),
        caName: "server CA",
    };
    const { checks } = await onCluster("eks", cluster, exp.objects, credential, opts, async (live) => {
        const lb = await loadBalancerCheck(
            {
                ...(exp.ingressGateway ? { ingressGateway: exp.ingressGateway } : {}),
                ...(exp.gatewayHostname ? { recordedHostname: exp.gatewayHostname } : {}),
                givenTo: "its consumers",
                followFix:
                    "run `pulumi up` on the export stack, then on each consumer's stack: their ServiceEntries follow the new hostname through their grants",
            },
            cluster,
        );
        return [lb.check, ...(await exportConsumerChecks(exp, cluster, live, opts))];
    });
    return checks;
}

/** Every check of a consumer mesh's side, on its one cluster. */
export async function checkConsumerSide(
    c: DeployedConsumer,
    cluster: Cluster,
    opts: CheckOptions,
): Promise<{ checks: Check[]; reached: boolean }> {
    const from = `the export's grant${c.consumer ? ` to ${c.consumer}` : ""}`;
    const credential: SideCredential = {
        ...(c.spiffeId
            ? {
                  granted: {
                      spiffeId: c.spiffeId,
                      ...(c.clientCertExpiresAt ? { expiresAt: c.clientCertExpiresAt } : {}),
                      from,
                  },
              }
            : {}),
        ...(c.exportServerCaPem ? { peerCaPem: c.exportServerCaPem } : {}),
        peerName: "export's server CA",
        ...(c.clientCaExpiresAt ? { caExpiresAt: c.clientCaExpiresAt } : {}),
        caName: "client CA",
        renew: {
            leaf: `the export stack's \`pulumi up\` renews this consumer's certificate inside its renewal window; then run \`pulumi up\` on this stack: its gateway holds the certificate of its own last up`,
            ca: "ask the export's owners to rotate this consumer's client CA (see docs/operating.md), then run `pulumi up` on this stack",
        },
    };
    return onCluster("consumer", cluster, c.objects, credential, opts, async (live) =>
        serviceEntryChecks(c.objects, live, {
            side: "consumer",
            hosts: c.hosts,
            ...(c.remoteGatewayHostname ? { address: c.remoteGatewayHostname } : {}),
            same: (host, address) =>
                `${host} → ${address}, the export's gateway as granted (whether it still answers there: status of the export stack)`,
            differs: (host, address, target) =>
                `${host} → ${address}, but the export's gateway is ${target} (the grant): calls go elsewhere`,
            unknown: (address) => `points at ${address}; the stack recorded no gateway of the export to compare`,
            fix: "`pulumi up --refresh` on the stack points it back at the export's gateway of the grant",
        }),
    );
}
