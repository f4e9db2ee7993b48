// Follows one plaintext request from an app in the GKE mesh through the Istio objects of both clusters,
// the way the proxies would pick them, and returns every hop — or the first hop that breaks. It reads
// only the built objects (plus the gateways' pod labels and the EKS LB hostname), so a test can break
// any single link and see which hop reports it.
import type { GatewayRef } from "../../components/common/types";
import type { LinkObject } from "../../components/link-routing/objects";

export interface TraceInput {
    gke: LinkObject[];
    eks: LinkObject[];
    /** GKE egress gateway: namespace, pod labels (selectorLabels), Service name. */
    egress: GatewayRef;
    /** EKS ingress gateway. */
    ingress: GatewayRef;
    /** Hostname of the EKS ingress gateway's load balancer (its Service status). */
    eksLoadBalancerHostname: string;
    /** The calling app and the GKE mesh's trust domain (its SPIFFE identity). */
    caller: { namespace: string; serviceAccount: string; trustDomain: string };
    /** URI SAN of the link's client certificate, as the EKS gateway will see it. */
    clientSpiffeId: string;
    /** Host the app calls: `http://<host>/`. */
    host: string;
    /** Mesh root namespace of each cluster (policies there apply mesh-wide). Default istio-system. */
    rootNamespace?: string;
}

export interface Hop {
    step: string;
    /** `Kind namespace/name` of the object that carried the request on. */
    via: string;
    detail: string;
}

/** What the objects demand of the certificates on the way: the test compares these with the PKI. */
export interface Demands {
    /** SNI of the sidecar→egress gateway hop. */
    egressSni: string;
    /** SNI the egress gateway sends to the EKS gateway. */
    linkSni: string;
    /** SANs the egress gateway requires of the EKS server certificate. */
    linkServerSans: string[];
    /** URI SANs the EKS gateway accepts in the client certificate. */
    clientSans: string[];
    upstreamHost: string;
    upstreamSni: string;
    upstreamSans: string[];
    /** Secret holding the upstream CA, when the upstream is privately signed. */
    upstreamCaSecret?: string;
}

export type TraceResult =
    { ok: true; hops: Hop[]; demands: Demands } | { ok: false; hops: Hop[]; failure: { step: string; reason: string } };

class Broken extends Error {
    constructor(
        readonly step: string,
        readonly reason: string,
    ) {
        super(`${step}: ${reason}`);
    }
}

const ref = (o: LinkObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
const spec = (o: LinkObject): Record<string, any> => o.spec ?? {};

/** exportTo semantics: unset or "*" = everywhere, "." = own namespace, else listed namespaces. */
function visibleFrom(o: LinkObject, ns: string): boolean {
    const to: string[] | undefined = spec(o).exportTo;
    if (!to || to.length === 0) return true;
    return to.includes("*") || to.includes(ns) || (to.includes(".") && o.metadata.namespace === ns);
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
    if (!selector || Object.keys(selector).length === 0) return false; // an empty selector is never what we mean
    return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** `[ns/]host` of a Gateway server: does it admit `host` bound by a VirtualService in `vsNs`? */
function serverAdmits(serverHosts: string[], host: string, gatewayNs: string, vsNs?: string): boolean {
    return serverHosts.some((entry) => {
        const [nsPart, hostPart] = entry.includes("/") ? entry.split("/", 2) : ["*", entry];
        const nsOk = vsNs === undefined || nsPart === "*" || (nsPart === "." ? vsNs === gatewayNs : vsNs === nsPart);
        const hostOk =
            hostPart === "*" || hostPart === host || (hostPart.startsWith("*.") && host.endsWith(hostPart.slice(1)));
        return nsOk && hostOk;
    });
}

function refersTo(gatewayRef: string, vsNs: string, gw: LinkObject): boolean {
    return (
        gatewayRef === `${gw.metadata.namespace}/${gw.metadata.name}` ||
        (gatewayRef === gw.metadata.name && vsNs === gw.metadata.namespace)
    );
}

/** The TLS settings a DestinationRule (or one of its subsets) applies to `port`. */
function tlsFor(policy: Record<string, any> | undefined, port: number): Record<string, any> | undefined {
    const pl = (policy?.portLevelSettings ?? []).find((p: any) => p.port?.number === port);
    return pl?.tls ?? policy?.tls;
}

/** A credential Secret as Istio's SDS reads it: key pair (unless caOnly) and a CA, in the gateway namespace. */
function credential(objects: LinkObject[], name: string, ns: string, caOnly: boolean): LinkObject {
    if (name.endsWith("-cacert")) throw new Error(`credentialName "${name}" ends in -cacert`);
    const secret = objects.find((o) => o.kind === "Secret" && o.metadata.name === name && o.metadata.namespace === ns);
    if (!secret) throw new Error(`credentialName "${name}" has no Secret in namespace ${ns}`);
    const data = secret.stringData ?? {};
    const has = (k: string) => typeof data[k] === "string" && data[k].length > 0;
    const pair = (has("tls.crt") && has("tls.key")) || (has("cert") && has("key"));
    const companion = objects.find(
        (o) => o.kind === "Secret" && o.metadata.name === `${name}-cacert` && o.metadata.namespace === ns,
    );
    const ca = has("ca.crt") || has("cacert") || Boolean(companion);
    if (!caOnly && !pair) throw new Error(`Secret ${ns}/${name} has no tls.crt/tls.key (or cert/key)`);
    if (!ca) throw new Error(`Secret ${ns}/${name} has no ca.crt (or cacert)`);
    return secret;
}

function hostMatches(patterns: string[] | undefined, host: string): boolean {
    if (!patterns) return true;
    const h = host.toLowerCase();
    return patterns.some((p) => {
        const q = p.toLowerCase();
        if (q === "*") return true;
        if (q.endsWith("*")) return h.startsWith(q.slice(0, -1));
        if (q.startsWith("*")) return h.endsWith(q.slice(1));
        return q === h;
    });
}

/**
 * AuthorizationPolicy evaluation for one request at one gateway (DENY first, then: if any ALLOW policy
 * applies, one must match). Supports the fields crossmesh emits: principals, namespaces, hosts.
 */
function authorize(objects: LinkObject[], gw: GatewayRef, rootNs: string, principal: string, host: string): string {
    const policies = objects.filter(
        (o) =>
            o.kind === "AuthorizationPolicy" &&
            (o.metadata.namespace === gw.namespace || o.metadata.namespace === rootNs) &&
            (spec(o).selector === undefined || selects(spec(o).selector.matchLabels, gw.selectorLabels)),
    );
    const ruleMatches = (rule: any) => {
        const fromOk =
            !rule.from ||
            rule.from.some((f: any) => {
                const s = f.source ?? {};
                const pOk = !s.principals || s.principals.includes(principal) || s.principals.includes("*");
                const nsOk = !s.namespaces || s.namespaces.some((n: string) => principal.includes(`/ns/${n}/`));
                return pOk && nsOk;
            });
        const toOk = !rule.to || rule.to.some((t: any) => hostMatches(t.operation?.hosts, host));
        return fromOk && toOk;
    };
    const matches = (o: LinkObject) => (spec(o).rules ?? []).some(ruleMatches);
    const deny = policies.find((o) => spec(o).action === "DENY" && matches(o));
    if (deny) throw new Error(`denied by ${ref(deny)}`);
    const allows = policies.filter((o) => (spec(o).action ?? "ALLOW") === "ALLOW");
    if (allows.length === 0) return "no policy applies: allowed";
    const allow = allows.find(matches);
    if (!allow)
        throw new Error(`principal ${principal} to ${host} matches no ALLOW rule of ${allows.map(ref).join(", ")}`);
    return `allowed by ${ref(allow)}`;
}

export function traceRequest(input: TraceInput): TraceResult {
    const hops: Hop[] = [];
    const rootNs = input.rootNamespace ?? "istio-system";
    const hop = (step: string, o: LinkObject, detail: string) => hops.push({ step, via: ref(o), detail });
    const step = <T>(name: string, fn: () => T): T => {
        try {
            return fn();
        } catch (e) {
            if (e instanceof Broken) throw e;
            throw new Broken(name, (e as Error).message);
        }
    };
    const { gke, eks, host } = input;
    const appNs = input.caller.namespace;
    const egressNs = input.egress.namespace;
    const ingressNs = input.ingress.namespace;
    const egressSvcHost = `${input.egress.serviceName}.${egressNs}.svc.cluster.local`;
    try {
        step("app resolves host", () => {
            const se = gke.find(
                (o) => o.kind === "ServiceEntry" && visibleFrom(o, appNs) && spec(o).hosts?.includes(host),
            );
            if (!se) throw new Error(`no ServiceEntry for ${host} is visible from namespace ${appNs}`);
            if (!spec(se).ports?.some((p: any) => p.number === 80 && p.protocol === "HTTP"))
                throw new Error(`${ref(se)} has no HTTP port 80`);
            hop("app resolves host", se, `${host}:80 HTTP, answered by DNS capture`);
        });

        const toEgress = step("sidecar route (mesh)", () => {
            const vs = gke.find(
                (o) =>
                    o.kind === "VirtualService" &&
                    visibleFrom(o, appNs) &&
                    spec(o).hosts?.includes(host) &&
                    (!spec(o).gateways || spec(o).gateways.includes("mesh")),
            );
            if (!vs) throw new Error(`no VirtualService bound to mesh for ${host} is visible from ${appNs}`);
            const route = (spec(vs).http ?? []).find(
                (r: any) =>
                    !r.match ||
                    r.match.some(
                        (m: any) =>
                            (!m.gateways || m.gateways.includes("mesh")) && (m.port === undefined || m.port === 80),
                    ),
            );
            const dest = route?.route?.[0]?.destination;
            if (!dest) throw new Error(`${ref(vs)} has no mesh route for port 80`);
            if (dest.host !== egressSvcHost)
                throw new Error(`${ref(vs)} routes to ${dest.host}, not the egress gateway ${egressSvcHost}`);
            hop("sidecar route (mesh)", vs, `→ ${dest.host} subset ${dest.subset} port ${dest.port?.number}`);
            return { subset: dest.subset as string, port: dest.port?.number as number };
        });

        const egressSni = step("egress gateway subset", () => {
            const dr = gke.find(
                (o) => o.kind === "DestinationRule" && visibleFrom(o, appNs) && spec(o).host === egressSvcHost,
            );
            if (!dr) throw new Error(`no DestinationRule for ${egressSvcHost} is visible from ${appNs}`);
            const subset = (spec(dr).subsets ?? []).find((s: any) => s.name === toEgress.subset);
            if (!subset) throw new Error(`${ref(dr)} has no subset "${toEgress.subset}"`);
            const tls = tlsFor(subset.trafficPolicy, toEgress.port);
            if (tls?.mode !== "ISTIO_MUTUAL")
                throw new Error(
                    `subset ${toEgress.subset} port ${toEgress.port}: tls mode ${tls?.mode}, not ISTIO_MUTUAL`,
                );
            if (!tls.sni)
                throw new Error(
                    `subset ${toEgress.subset} sets no sni: the gateway would answer filter_chain_not_found`,
                );
            hop("egress gateway subset", dr, `ISTIO_MUTUAL, sni ${tls.sni}`);
            return tls.sni as string;
        });

        const egressGw = step("egress Gateway", () => {
            const candidates = gke.filter(
                (o) => o.kind === "Gateway" && selects(spec(o).selector, input.egress.selectorLabels),
            );
            if (candidates.length === 0)
                throw new Error(
                    `no Gateway selects the egress gateway pods (${JSON.stringify(input.egress.selectorLabels)})`,
                );
            for (const gw of candidates) {
                const server = (spec(gw).servers ?? []).find(
                    (s: any) =>
                        s.port?.number === toEgress.port &&
                        s.port?.protocol === "HTTPS" &&
                        s.tls?.mode === "ISTIO_MUTUAL" &&
                        serverAdmits(s.hosts ?? [], egressSni, gw.metadata.namespace!) &&
                        serverAdmits(s.hosts ?? [], host, gw.metadata.namespace!),
                );
                if (server) {
                    hop(
                        "egress Gateway",
                        gw,
                        `port ${server.port.number} HTTPS ISTIO_MUTUAL, sni ${egressSni} and host ${host} listed`,
                    );
                    return { gw, server };
                }
            }
            throw new Error(
                `no Gateway server on the egress pods takes port ${toEgress.port} HTTPS ISTIO_MUTUAL for sni ${egressSni}`,
            );
        });

        step("egress authorization", () => {
            const principal = `${input.caller.trustDomain}/ns/${appNs}/sa/${input.caller.serviceAccount}`;
            hops.push({
                step: "egress authorization",
                via: `principal ${principal}`,
                detail: authorize(gke, input.egress, rootNs, principal, host),
            });
        });

        const toRemote = step("egress gateway route", () => {
            const vs = gke.find(
                (o) =>
                    o.kind === "VirtualService" &&
                    visibleFrom(o, egressNs) &&
                    spec(o).hosts?.includes(host) &&
                    (spec(o).gateways ?? []).some((g: string) => refersTo(g, o.metadata.namespace!, egressGw.gw)) &&
                    serverAdmits(egressGw.server.hosts, host, egressGw.gw.metadata.namespace!, o.metadata.namespace),
            );
            if (!vs) throw new Error(`no VirtualService binds ${host} to ${ref(egressGw.gw)}`);
            const route = (spec(vs).http ?? []).find((r: any) =>
                (r.match ?? [{}]).some(
                    (m: any) =>
                        (!m.gateways ||
                            m.gateways.some((g: string) => refersTo(g, vs.metadata.namespace!, egressGw.gw))) &&
                        (m.port === undefined || m.port === egressGw.server.port.number),
                ),
            );
            const dest = route?.route?.[0]?.destination;
            if (!dest)
                throw new Error(
                    `${ref(vs)} has no route for the egress Gateway on port ${egressGw.server.port.number}`,
                );
            hop("egress gateway route", vs, `→ ${dest.host}:${dest.port?.number}`);
            return { host: dest.host as string, port: dest.port?.number as number };
        });

        const remote = step("remote endpoint", () => {
            const se = gke.find(
                (o) => o.kind === "ServiceEntry" && visibleFrom(o, egressNs) && spec(o).hosts?.includes(toRemote.host),
            );
            if (!se) throw new Error(`no ServiceEntry for ${toRemote.host} is visible from ${egressNs}`);
            const port = (spec(se).ports ?? []).find((p: any) => p.number === toRemote.port);
            if (!port) throw new Error(`${ref(se)} has no port ${toRemote.port}`);
            const ep = spec(se).endpoints?.[0];
            if (!ep || ep.address !== input.eksLoadBalancerHostname)
                throw new Error(
                    `${ref(se)} endpoint is ${ep?.address}, not the EKS load balancer ${input.eksLoadBalancerHostname}`,
                );
            if (spec(se).resolution !== "DNS")
                throw new Error(`${ref(se)} resolution ${spec(se).resolution}: a load balancer hostname needs DNS`);
            const target = ep.ports?.[port.name] ?? port.targetPort ?? port.number;
            hop("remote endpoint", se, `${toRemote.host}:${toRemote.port} → ${ep.address}:${target}`);
            return { address: ep.address as string, port: target as number };
        });

        const link = step("link origination", () => {
            const dr = gke.find(
                (o) => o.kind === "DestinationRule" && visibleFrom(o, egressNs) && spec(o).host === toRemote.host,
            );
            if (!dr) throw new Error(`no DestinationRule for ${toRemote.host} is visible from ${egressNs}`);
            const tls = tlsFor(spec(dr).trafficPolicy, toRemote.port);
            if (tls?.mode !== "MUTUAL")
                throw new Error(`${ref(dr)} port ${toRemote.port}: tls mode ${tls?.mode}, not MUTUAL`);
            if (!tls.credentialName) throw new Error(`${ref(dr)} names no credentialName`);
            credential(gke, tls.credentialName, egressNs, false);
            if (!tls.sni) throw new Error(`${ref(dr)} sets no sni`);
            hop(
                "link origination",
                dr,
                `MUTUAL with Secret ${egressNs}/${tls.credentialName}, sni ${tls.sni}, SANs ${(tls.subjectAltNames ?? []).join(",")}`,
            );
            return { sni: tls.sni as string, sans: (tls.subjectAltNames ?? []) as string[] };
        });

        const eksGw = step("EKS Gateway", () => {
            const candidates = eks.filter(
                (o) => o.kind === "Gateway" && selects(spec(o).selector, input.ingress.selectorLabels),
            );
            if (candidates.length === 0)
                throw new Error(
                    `no Gateway selects the ingress gateway pods (${JSON.stringify(input.ingress.selectorLabels)})`,
                );
            for (const gw of candidates) {
                const server = (spec(gw).servers ?? []).find(
                    (s: any) =>
                        s.port?.number === remote.port &&
                        s.port?.protocol === "HTTPS" &&
                        serverAdmits(s.hosts ?? [], link.sni, gw.metadata.namespace!),
                );
                if (!server) continue;
                if (server.tls?.mode !== "MUTUAL")
                    throw new Error(`${ref(gw)} port ${remote.port}: tls mode ${server.tls?.mode}, not MUTUAL`);
                credential(eks, server.tls.credentialName ?? "", ingressNs, false);
                const sans: string[] = server.tls.subjectAltNames ?? [];
                if (sans.length > 0 && !sans.includes(input.clientSpiffeId))
                    throw new Error(`${ref(gw)} accepts client SANs ${sans.join(",")}, not ${input.clientSpiffeId}`);
                hop(
                    "EKS Gateway",
                    gw,
                    `port ${remote.port} HTTPS MUTUAL with Secret ${ingressNs}/${server.tls.credentialName}, sni ${link.sni} listed`,
                );
                return { gw, server, clientSans: sans };
            }
            throw new Error(
                `no Gateway server on the ingress pods takes port ${remote.port} HTTPS for sni ${link.sni}`,
            );
        });

        step("EKS authorization", () => {
            const principal = input.clientSpiffeId.replace(/^spiffe:\/\//, "");
            hops.push({
                step: "EKS authorization",
                via: `principal ${principal}`,
                detail: authorize(eks, input.ingress, rootNs, principal, host),
            });
        });

        const upstream = step("EKS route", () => {
            const vs = eks.find(
                (o) =>
                    o.kind === "VirtualService" &&
                    visibleFrom(o, ingressNs) &&
                    spec(o).hosts?.includes(host) &&
                    (spec(o).gateways ?? []).some((g: string) => refersTo(g, o.metadata.namespace!, eksGw.gw)) &&
                    serverAdmits(eksGw.server.hosts, host, eksGw.gw.metadata.namespace!, o.metadata.namespace),
            );
            if (!vs) throw new Error(`no VirtualService binds ${host} to ${ref(eksGw.gw)}`);
            const dest = (spec(vs).http ?? [])[0]?.route?.[0]?.destination;
            if (!dest) throw new Error(`${ref(vs)} has no route`);
            hop("EKS route", vs, `→ ${dest.host}:${dest.port?.number}`);
            return { host: dest.host as string, port: dest.port?.number as number };
        });

        step("upstream entry", () => {
            const se = eks.find(
                (o) => o.kind === "ServiceEntry" && visibleFrom(o, ingressNs) && spec(o).hosts?.includes(upstream.host),
            );
            if (!se) throw new Error(`no ServiceEntry for ${upstream.host} is visible from ${ingressNs}`);
            const port = (spec(se).ports ?? []).find((p: any) => p.number === upstream.port);
            if (!port || !["HTTPS", "TLS"].includes(port.protocol))
                throw new Error(`${ref(se)} has no TLS port ${upstream.port}`);
            if (spec(se).resolution !== "DNS" || spec(se).location !== "MESH_EXTERNAL")
                throw new Error(`${ref(se)} is not an external DNS service`);
            hop("upstream entry", se, `${upstream.host}:${upstream.port} ${port.protocol}, DNS`);
        });

        const upstreamTls = step("upstream TLS", () => {
            const dr = eks.find(
                (o) => o.kind === "DestinationRule" && visibleFrom(o, ingressNs) && spec(o).host === upstream.host,
            );
            if (!dr) throw new Error(`no DestinationRule for ${upstream.host} is visible from ${ingressNs}`);
            const tls = tlsFor(spec(dr).trafficPolicy, upstream.port);
            if (tls?.mode !== "SIMPLE")
                throw new Error(`${ref(dr)} port ${upstream.port}: tls mode ${tls?.mode}, not SIMPLE`);
            if (!tls.sni) throw new Error(`${ref(dr)} sets no sni`);
            if (tls.credentialName) credential(eks, tls.credentialName, ingressNs, true);
            hop(
                "upstream TLS",
                dr,
                `SIMPLE, sni ${tls.sni}${tls.credentialName ? `, CA from Secret ${ingressNs}/${tls.credentialName}` : ", system roots"}`,
            );
            return {
                sni: tls.sni as string,
                sans: (tls.subjectAltNames ?? []) as string[],
                ca: tls.credentialName as string | undefined,
            };
        });

        return {
            ok: true,
            hops,
            demands: {
                egressSni,
                linkSni: link.sni,
                linkServerSans: link.sans,
                clientSans: eksGw.clientSans,
                upstreamHost: upstream.host,
                upstreamSni: upstreamTls.sni,
                upstreamSans: upstreamTls.sans,
                ...(upstreamTls.ca ? { upstreamCaSecret: upstreamTls.ca } : {}),
            },
        };
    } catch (e) {
        if (e instanceof Broken) return { ok: false, hops, failure: { step: e.step, reason: e.reason } };
        throw e;
    }
}
