// The checks of one link against its two live clusters: gateway pods and their disruption budget, the
// link Secret (is it the certificate the stack issued, does it trust the peer, when does it end), every
// applied object present and unchanged, the EKS load balancer and the GKE ServiceEntries that point at it.
import type { Check } from "../report";
import { CheckState } from "../report";
import type { LinkEnd } from "../../common/types";
import type { AppliedObject, DeployedLink } from "../deployment";
import { Cluster, ClusterUnreachable, LiveObject } from "../cluster";
import { CheckOptions, EksFacts, check, keyOf } from "./common";
import { secretChecks } from "./credentials";
import { gatewayChecks } from "./gateway";
import { loadBalancerCheck, serviceEntryChecks } from "./load-balancer";
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

/** Every check of one side; a cluster that cannot be reached gives one `unknown` check saying so. */
export async function checkSide(
    link: DeployedLink,
    side: LinkEnd,
    cluster: Cluster,
    opts: CheckOptions,
    eks: EksFacts = {},
): Promise<{ checks: Check[]; facts: EksFacts }> {
    const objects = link.objects.filter((o) => o.side === side);
    try {
        const live = await liveObjects(cluster, objects);
        const checks = [
            ...(await gatewayChecks(side, cluster, objects)),
            ...secretChecks(side, link, objects, live, opts),
            ...driftChecks(side, objects, live),
            ...verificationChecks(side, objects, live),
        ];
        const facts: EksFacts = {};
        if (side === "eks") {
            const lb = await loadBalancerCheck(link, cluster);
            checks.push(lb.check);
            facts.liveHostname = lb.hostname;
        } else {
            checks.push(...serviceEntryChecks(link, objects, live, eks));
        }
        return { checks, facts };
    } catch (e) {
        if (!(e instanceof ClusterUnreachable)) throw e;
        return {
            checks: [
                check(side, {
                    check: "cluster",
                    state: CheckState.Unknown,
                    detail: e.message,
                    fix: `check the ${side.toUpperCase()} kubeconfig/context given to crossmesh status and your credentials (kubectl --kubeconfig … get ns)`,
                }),
            ],
            facts: {},
        };
    }
}
