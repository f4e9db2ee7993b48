// The gateway pods a link's Gateway selects, and the disruption budget that keeps one through a drain.
import type { Check } from "../report";
import { CheckState } from "../report";
import type { AppliedObject, ClusterSide } from "../deployment";
import { Cluster, conditionOf, labelsMatch } from "../cluster";
import { isIstioKind } from "../drift";
import { check } from "./common";

/** The gateway pods the link's Gateway selects: Ready out of desired, and a budget that keeps one through a drain. */
export async function gatewayChecks(side: ClusterSide, cluster: Cluster, objects: AppliedObject[]): Promise<Check[]> {
    const gw = objects.find((o) => o.kind === "Gateway" && isIstioKind(o.apiVersion));
    const spec = gw?.fields.spec as { selector?: Record<string, string> } | undefined;
    if (!gw?.namespace || !spec?.selector) return [];
    const selector = spec.selector;
    const selectorText = Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    const where = `${gw.namespace} (${selectorText})`;
    const pods = (await cluster.list("v1", "Pod", gw.namespace, selectorText)).filter(
        (p) => !p.metadata.annotations?.["crossmesh.io/probe"],
    );
    const ready = pods.filter((p) => !p.metadata.deletionTimestamp && conditionOf(p, "Ready")).length;
    const deployments = (await cluster.list("apps/v1", "Deployment", gw.namespace)).filter((d) =>
        labelsMatch(selector, d.spec?.template?.metadata?.labels),
    );
    const desired = deployments.length ? deployments.reduce((n, d) => n + (d.spec?.replicas ?? 1), 0) : pods.length;
    const podCheck = check(side, {
        check: "gateway-pods",
        state: ready === 0 ? CheckState.Fail : ready < desired ? CheckState.Warn : CheckState.Ok,
        detail: `${ready}/${desired} gateway pods Ready in ${where}`,
        ...(ready < desired || ready === 0
            ? {
                  fix: `kubectl -n ${gw.namespace} get pods -l ${selectorText}; kubectl -n ${gw.namespace} describe pods -l ${selectorText} (scheduling, image pulls, istiod reachable)`,
              }
            : {}),
    });
    const podLabels = pods[0]?.metadata.labels ?? selector;
    const pdb = (await cluster.list("policy/v1", "PodDisruptionBudget", gw.namespace)).find((b) => {
        const m: Record<string, string> = b.spec?.selector?.matchLabels ?? {};
        return Object.keys(m).length > 0 && labelsMatch(m, podLabels);
    });
    const budget = pdb
        ? `${pdb.spec.minAvailable !== undefined ? `minAvailable ${pdb.spec.minAvailable}` : `maxUnavailable ${pdb.spec.maxUnavailable}`}, ${pdb.status?.disruptionsAllowed ?? "?"} disruption(s) allowed`
        : "";
    const pdbCheck = check(side, {
        check: "gateway-disruption-budget",
        state: pdb ? CheckState.Ok : CheckState.Warn,
        detail: pdb
            ? `PodDisruptionBudget ${gw.namespace}/${pdb.metadata.name}: ${budget}`
            : `no PodDisruptionBudget selects the gateway pods in ${where}`,
        ...(pdb
            ? {}
            : {
                  fix: "a node drain may evict every gateway pod at once: install with highAvailability (the default) or add a PodDisruptionBudget",
              }),
    });
    return [podCheck, pdbCheck];
}
