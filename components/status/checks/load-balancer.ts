// The far end of the link: the EKS gateway's load balancer now, and the importing side's ServiceEntries that must
// point at it (a link's GKE side: at the load balancer of now; a consumer mesh: at the gateway its grant gave it).
import type { Check } from "../report";
import { CheckState } from "../report";
import { AppliedObject, ClusterSide, DeployedLink, objectLabel } from "../deployment";
import type { Cluster, LiveObject } from "../cluster";
import { isIstioKind } from "../drift";
import { EksFacts, check, keyOf } from "./common";

/** The EKS gateway of a link or an export, as its stack recorded it. */
export interface LoadBalancerTarget {
    /** The gateway Service, `<service>.<namespace>`. */
    ingressGateway?: string;
    /** The hostname the stack recorded and gave the importing side. */
    recordedHostname?: string;
    /** Who was given it, for the report ("the GKE side"). */
    givenTo: string;
    /** What makes the importing side follow a new hostname. */
    followFix: string;
}

/** A link's EKS gateway. */
export const linkLoadBalancer = (link: DeployedLink): LoadBalancerTarget => ({
    ...(link.eksIngressGateway ? { ingressGateway: link.eksIngressGateway } : {}),
    ...(link.eksGatewayHostname ? { recordedHostname: link.eksGatewayHostname } : {}),
    givenTo: "the GKE side",
    followFix: "run `pulumi up` on the stack: the GKE ServiceEntries follow the new hostname",
});

/** The EKS gateway's load balancer: still the hostname the importing side was given, and who may connect. */
export async function loadBalancerCheck(
    link: LoadBalancerTarget,
    cluster: Cluster,
): Promise<{ check: Check; hostname?: string }> {
    const [svcName, ns] = (link.ingressGateway ?? "").split(".");
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
    const same = hostname === link.recordedHostname;
    return {
        hostname,
        check: check("eks", {
            check: "load-balancer",
            state: same ? CheckState.Ok : CheckState.Fail,
            object: label,
            detail: same
                ? `${hostname}; ${exposure}`
                : `the load balancer is now ${hostname}, the stack gave ${link.givenTo} ${link.recordedHostname ?? "nothing"}`,
            ...(same ? {} : { fix: link.followFix }),
        }),
    };
}

/** Where the importing side's ServiceEntries must point, and how the report words it. */
export interface ServiceEntryTarget {
    side: ClusterSide;
    hosts: string[];
    /** The address they must point at; undefined: it could not be read. */
    address?: string;
    /** Detail when one points there / elsewhere / the address is unknown. */
    same: (host: string, address: string) => string;
    differs: (host: string, address: string, target: string) => string;
    unknown: (address: string | undefined) => string;
    fix: string;
}

/** A link's GKE side: each host's ServiceEntry points at the EKS load balancer as it is now, not as it was. */
export const linkServiceEntries = (link: DeployedLink, eks: EksFacts): ServiceEntryTarget => ({
    side: "gke",
    hosts: link.hosts,
    ...(eks.liveHostname !== undefined ? { address: eks.liveHostname } : {}),
    same: (host, address) => `${host} → ${address}, the EKS load balancer now`,
    differs: (host, address, target) =>
        `${host} → ${address}, but the EKS load balancer is now ${target}: calls go nowhere`,
    unknown: (address) => `points at ${address}; the EKS load balancer could not be read to compare`,
    fix: "run `pulumi up` on the stack to point the GKE side at the load balancer of now",
});

/** Each imported host's ServiceEntry points at the far end's gateway. */
export function serviceEntryChecks(
    objects: AppliedObject[],
    live: Map<string, LiveObject>,
    to: ServiceEntryTarget,
): Check[] {
    return objects
        .filter((o) => o.kind === "ServiceEntry" && isIstioKind(o.apiVersion))
        .flatMap((o) => {
            const got = live.get(keyOf(o));
            if (!got) return []; // reported by the drift check
            const host = ((got.spec?.hosts ?? []) as string[])[0];
            const address = ((got.spec?.endpoints ?? []) as { address?: string }[])[0]?.address;
            const target = to.address;
            if (!to.hosts.includes(host)) return [];
            if (target === undefined)
                return [
                    check(to.side, {
                        check: "service-entry",
                        state: CheckState.Unknown,
                        host,
                        object: objectLabel(o),
                        detail: to.unknown(address),
                    }),
                ];
            const same = address === target;
            return [
                check(to.side, {
                    check: "service-entry",
                    state: same ? CheckState.Ok : CheckState.Fail,
                    host,
                    object: objectLabel(o),
                    detail: same ? to.same(host, target) : to.differs(host, String(address), target),
                    ...(same ? {} : { fix: to.fix }),
                }),
            ];
        });
}
