// The far end of the link: the EKS gateway's load balancer now, and the GKE ServiceEntries that must point at it.
import type { Check } from "../report";
import { CheckState } from "../report";
import { AppliedObject, DeployedLink, objectLabel } from "../deployment";
import type { Cluster, LiveObject } from "../cluster";
import { isIstioKind } from "../drift";
import { EksFacts, check, keyOf } from "./common";

/** The EKS gateway's load balancer: still the hostname the GKE side was given, and who may connect. */
export async function loadBalancerCheck(
    link: DeployedLink,
    cluster: Cluster,
): Promise<{ check: Check; hostname?: string }> {
    const [svcName, ns] = (link.eksIngressGateway ?? "").split(".");
    if (!svcName || !ns)
        return {
            check: check("eks", {
                check: "load-balancer",
                state: CheckState.Unknown,
                detail: "the stack recorded no gateway Service",
            }),
        };
    const [svc] = await cluster.get(ns, [{ apiVersion: "v1", kind: "Service", name: svcName }]);
    const label = `Service ${ns}/${svcName}`;
    if (!svc)
        return {
            check: check("eks", {
                check: "load-balancer",
                state: CheckState.Fail,
                object: label,
                detail: `${label} is missing: nothing receives the link's connections`,
                fix: "restore the gateway (pulumi up on the stack; for an adopted gateway, its own installation)",
            }),
        };
    const ingress = (svc.status?.loadBalancer?.ingress ?? [])[0] as { hostname?: string; ip?: string } | undefined;
    const hostname = ingress?.hostname ?? ingress?.ip;
    const ranges: string[] = svc.spec?.loadBalancerSourceRanges ?? [];
    const exposure = ranges.length ? `source ranges ${ranges.join(", ")}` : "open to any address (mTLS still required)";
    if (!hostname)
        return {
            check: check("eks", {
                check: "load-balancer",
                state: CheckState.Fail,
                object: label,
                detail: `${label} has no load balancer address in its status`,
                fix: "the AWS Load Balancer Controller has not provisioned the NLB: kubectl -n kube-system logs deploy/aws-load-balancer-controller",
            }),
        };
    const same = hostname === link.eksGatewayHostname;
    return {
        hostname,
        check: check("eks", {
            check: "load-balancer",
            state: same ? CheckState.Ok : CheckState.Fail,
            object: label,
            detail: same
                ? `${hostname}; ${exposure}`
                : `the load balancer is now ${hostname}, the stack gave the GKE side ${link.eksGatewayHostname ?? "nothing"}`,
            ...(same ? {} : { fix: "run `pulumi up` on the stack: the GKE ServiceEntries follow the new hostname" }),
        }),
    };
}

/** Each imported host's ServiceEntry points at the EKS load balancer as it is now, not as it was. */
export function serviceEntryChecks(
    link: DeployedLink,
    objects: AppliedObject[],
    live: Map<string, LiveObject>,
    eks: EksFacts,
): Check[] {
    return objects
        .filter((o) => o.kind === "ServiceEntry" && isIstioKind(o.apiVersion))
        .flatMap((o) => {
            const got = live.get(keyOf(o));
            if (!got) return []; // reported by the drift check
            const host = ((got.spec?.hosts ?? []) as string[])[0];
            const address = ((got.spec?.endpoints ?? []) as { address?: string }[])[0]?.address;
            const target = eks.liveHostname;
            if (!link.hosts.includes(host)) return [];
            if (target === undefined)
                return [
                    check("gke", {
                        check: "service-entry",
                        state: CheckState.Unknown,
                        host,
                        object: objectLabel(o),
                        detail: `points at ${address}; the EKS load balancer could not be read to compare`,
                    }),
                ];
            const same = address === target;
            return [
                check("gke", {
                    check: "service-entry",
                    state: same ? CheckState.Ok : CheckState.Fail,
                    host,
                    object: objectLabel(o),
                    detail: same
                        ? `${host} → ${address}, the EKS load balancer now`
                        : `${host} → ${address}, but the EKS load balancer is now ${target}: calls go nowhere`,
                    ...(same
                        ? {}
                        : { fix: "run `pulumi up` on the stack to point the GKE side at the load balancer of now" }),
                }),
            ];
        });
}
