// The checks of one link against its two live clusters: gateway pods and their disruption budget, the
// link Secret (is it the certificate the stack issued, does it trust the peer, when does it end), every
// applied object present and unchanged, the EKS load balancer and the GKE ServiceEntries that point at it.
import * as crypto from "node:crypto";
import type { Check, CheckSide } from "./report";
import { CheckState } from "./report";
import { AppliedObject, ClusterSide, DeployedLink, objectLabel } from "./deployment";
import { Cluster, ClusterUnreachable, LiveObject, resourceOf } from "./cluster";
import { firstDifference, isIstioKind } from "./drift";

export interface CheckOptions {
    now: Date;
    /** A certificate with this many days left or fewer is a warning. */
    warnDays: number;
}

/** What the EKS side saw that the GKE side compares against. */
export interface EksFacts {
    /** The gateway load balancer's hostname in the Service status now; undefined when it could not be read. */
    liveHostname?: string;
}

const DAY_MS = 86_400_000;
const keyOf = (o: { kind: string; name: string; namespace?: string }) => `${o.kind}/${o.namespace ?? ""}/${o.name}`;
const check = (side: CheckSide, c: Omit<Check, "side">): Check => ({ side, ...c });

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
    side: ClusterSide,
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

/** The gateway pods the link's Gateway selects: Ready out of desired, and a budget that keeps one through a drain. */
async function gatewayChecks(side: ClusterSide, cluster: Cluster, objects: AppliedObject[]): Promise<Check[]> {
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
    const ready = pods.filter(
        (p) =>
            !p.metadata.deletionTimestamp &&
            (p.status?.conditions ?? []).some(
                (c: { type: string; status: string }) => c.type === "Ready" && c.status === "True",
            ),
    ).length;
    const matches = (labels: Record<string, string> | undefined) =>
        Object.entries(selector).every(([k, v]) => labels?.[k] === v);
    const deployments = (await cluster.list("apps/v1", "Deployment", gw.namespace)).filter((d) =>
        matches(d.spec?.template?.metadata?.labels),
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
        return Object.keys(m).length > 0 && Object.entries(m).every(([k, v]) => podLabels[k] === v);
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

interface CertFacts {
    fingerprint: string;
    notAfter: Date;
    subject: string;
}

function certsIn(pem: string | undefined): CertFacts[] {
    if (!pem) return [];
    const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
    return blocks.flatMap((b) => {
        try {
            const c = new crypto.X509Certificate(b);
            return [
                {
                    fingerprint: c.fingerprint256,
                    notAfter: new Date(c.validTo),
                    subject: c.subject.replace(/\n/g, ", "),
                },
            ];
        } catch {
            return [];
        }
    });
}

const decode = (b64: unknown) => (typeof b64 === "string" ? Buffer.from(b64, "base64").toString("utf8") : undefined);

/** Days left as an expiry check: expired fails, inside the warning window warns. */
function expiryCheck(side: ClusterSide, what: string, notAfter: Date, opts: CheckOptions, renew: string): Check {
    const days = Math.floor((notAfter.getTime() - opts.now.getTime()) / DAY_MS);
    const state = days < 0 ? CheckState.Fail : days <= opts.warnDays ? CheckState.Warn : CheckState.Ok;
    return check(side, {
        check: "certificate-expiry",
        state,
        detail: `${what} ${days < 0 ? `expired ${-days} day(s) ago` : `expires in ${days} day(s)`} (${notAfter.toISOString()})`,
        ...(state === CheckState.Ok ? {} : { fix: renew }),
    });
}

/** The link Secret: present, holding the certificate the stack issued, trusting the peer's CA, not near its end. */
function secretChecks(
    side: ClusterSide,
    link: DeployedLink,
    objects: AppliedObject[],
    live: Map<string, LiveObject>,
    opts: CheckOptions,
): Check[] {
    const secret = objects.find((o) => o.kind === "Secret" && o.fields.type === "kubernetes.io/tls");
    if (!secret) return [];
    const label = objectLabel(secret);
    const got = live.get(keyOf(secret));
    const upRenew =
        "run `pulumi up` on the stack: it renews a leaf inside its renewal window (see docs/operating.md#certificates-renewal-and-expiry)";
    if (!got)
        return [
            check(side, {
                check: "link-secret",
                state: CheckState.Fail,
                object: label,
                detail: `${label} is missing: the gateway has no link credential, every call over the link fails`,
                fix: "run `pulumi up --refresh` on the stack to re-create it (a plain `pulumi up` does not see that it is gone)",
            }),
        ];
    const issued = link.credentials[side];
    const liveLeaf = certsIn(decode(got.data?.["tls.crt"]))[0];
    const issuedLeaf = certsIn(issued.certPem)[0];
    const checks: Check[] = [];
    if (!liveLeaf) {
        checks.push(
            check(side, {
                check: "link-secret",
                state: CheckState.Fail,
                object: label,
                detail: `${label} holds no readable certificate in tls.crt`,
                fix: "run `pulumi up --refresh` on the stack to restore it",
            }),
        );
        return checks;
    }
    const same = issuedLeaf ? liveLeaf.fingerprint === issuedLeaf.fingerprint : undefined;
    checks.push(
        check(side, {
            check: "link-secret",
            state: same === undefined ? CheckState.Unknown : same ? CheckState.Ok : CheckState.Fail,
            object: label,
            detail:
                same === undefined
                    ? `${label} present; the stack's state holds no issued certificate to compare it with`
                    : same
                      ? `${label} holds the certificate the stack issued (SHA-256 ${liveLeaf.fingerprint.slice(0, 23)}…)`
                      : `${label} holds a certificate the stack did not issue (${liveLeaf.subject}; SHA-256 ${liveLeaf.fingerprint.slice(0, 23)}…, issued ${issuedLeaf!.fingerprint.slice(0, 23)}…)`,
            ...(same === false
                ? {
                      fix: "someone replaced the link credential by hand: `pulumi up --refresh` on the stack puts the issued one back",
                  }
                : {}),
        }),
    );
    const peer = certsIn(issued.peerCaPem)[0];
    const trusted = certsIn(decode(got.data?.["ca.crt"]));
    if (peer) {
        const trusts = trusted.some((c) => c.fingerprint === peer.fingerprint);
        checks.push(
            check(side, {
                check: "peer-trust",
                state: trusts ? CheckState.Ok : CheckState.Fail,
                object: label,
                detail: trusts
                    ? `ca.crt trusts the ${side === "eks" ? "GKE" : "EKS"} side's link CA`
                    : `ca.crt does not hold the ${side === "eks" ? "GKE" : "EKS"} side's link CA: the handshake with the peer fails`,
                ...(trusts ? {} : { fix: "`pulumi up --refresh` on the stack restores the trust bundle" }),
            }),
        );
    }
    checks.push(expiryCheck(side, "leaf certificate", liveLeaf.notAfter, opts, upRenew));
    if (issued.caExpiresAt)
        checks.push(
            expiryCheck(
                side,
                "link CA",
                new Date(issued.caExpiresAt),
                opts,
                "rotate the CA (pulumi up inside caRenewBeforeDays, or replace it; see docs/operating.md)",
            ),
        );
    return checks;
}

/** Every applied object present and as applied; one ok line when all are. */
function driftChecks(side: ClusterSide, objects: AppliedObject[], live: Map<string, LiveObject>): Check[] {
    const problems: Check[] = [];
    for (const o of objects) {
        const label = objectLabel(o);
        const got = live.get(keyOf(o));
        if (!got) {
            problems.push(
                check(side, {
                    check: "object",
                    state: CheckState.Fail,
                    object: label,
                    detail: `${label} is missing`,
                    fix: "`pulumi up --refresh` on the stack re-creates it (a plain `pulumi up` does not see that it is gone); then find out who deleted it",
                }),
            );
            continue;
        }
        const field =
            firstDifference(o.labels, got.metadata.labels ?? {}, "metadata.labels", false) ??
            firstDifference(o.annotations, got.metadata.annotations ?? {}, "metadata.annotations", false) ??
            Object.entries(o.kind === "Secret" ? { type: o.fields.type } : o.fields)
                .map(([k, v]) => firstDifference(v, got[k], k, isIstioKind(o.apiVersion)))
                .find(Boolean);
        if (field) {
            const writer = lastOtherWriter(got);
            problems.push(
                check(side, {
                    check: "object",
                    state: CheckState.Fail,
                    object: label,
                    field,
                    detail: `${label} changed since the stack applied it: ${field}${writer ? ` (last written by ${writer})` : ""}`,
                    fix: `undo the hand edit (kubectl edit ${resourceOf(o.apiVersion, o.kind)} ${o.namespace ? `-n ${o.namespace} ` : ""}${o.name}): \`pulumi up --refresh\` shows it but does not take back a field another field manager wrote under server-side apply; or delete the object and \`pulumi up --refresh\` re-creates it`,
                }),
            );
        }
    }
    if (problems.length) return problems;
    return [
        check(side, {
            check: "objects",
            state: CheckState.Ok,
            detail: `${objects.length} objects present and as applied`,
        }),
    ];
}

/** The newest writer of an object other than Pulumi's kubernetes provider, from server-side apply's record. */
function lastOtherWriter(o: LiveObject): string | undefined {
    const other = (o.metadata.managedFields ?? [])
        .filter((m) => m.manager && !/^pulumi/.test(m.manager))
        .sort((a, b) => (b.time ?? "").localeCompare(a.time ?? ""))[0];
    return other ? `${other.manager}${other.time ? ` at ${other.time}` : ""}` : undefined;
}

/** The deploy-time verification Job, when the link has one: did its last run pass? */
function verificationChecks(side: ClusterSide, objects: AppliedObject[], live: Map<string, LiveObject>): Check[] {
    const job = objects.find((o) => o.kind === "Job");
    const got = job ? live.get(keyOf(job)) : undefined;
    if (!job || !got) return [];
    const label = objectLabel(job);
    const passed = (got.status?.succeeded ?? 0) > 0;
    const failed = (got.status?.conditions ?? []).some(
        (c: { type: string; status: string }) => c.type === "Failed" && c.status === "True",
    );
    return [
        check(side, {
            check: "verification",
            state: passed ? CheckState.Ok : failed ? CheckState.Fail : CheckState.Unknown,
            object: label,
            detail: passed
                ? `the deploy-time check passed (${got.status?.completionTime ?? "completed"})`
                : failed
                  ? "the deploy-time check failed"
                  : "the deploy-time check has not finished",
            ...(passed ? {} : { fix: `kubectl -n ${job.namespace} logs job/${job.name} -c verify` }),
        }),
    ];
}

/** The EKS gateway's load balancer: still the hostname the GKE side was given, and who may connect. */
async function loadBalancerCheck(link: DeployedLink, cluster: Cluster): Promise<{ check: Check; hostname?: string }> {
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
function serviceEntryChecks(
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
