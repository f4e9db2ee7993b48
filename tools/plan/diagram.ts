// A Mermaid diagram of one link: who may call each exported host in GKE, the egress gateway, the mTLS
// hop to the EKS gateway's load balancer, and the upstreams (the shared ALB → a Lambda per Host, or an
// existing service). The gateway's load balancer says how it is exposed, read from its Service in the plan
// (gatewayExposure). Values only the simulator made up (the load balancers' hostnames, auto-named functions)
// are drawn as `[simulated: <what>]`.

import type { LinkTopology } from "../../components/cross-mesh-link";
import type { ExportTopology } from "../../components/cross-mesh-export";
import { Simulated, findSimulated, replaceSimulated } from "./simulated";

export type Topology = LinkTopology;

/** An export stack's topology: the gateway, its services and every consumer mesh. */
export function isExportTopology(t: LinkTopology | ExportTopology): t is ExportTopology {
    return "consumers" in t;
}

export interface DiagramOptions {
    /** Simulated values to draw as `[simulated: <what>]` (tools/plan/simulated.ts). */
    simulated?: Simulated;
    /** Collects the simulated values the diagram replaced. */
    shown?: Set<string>;
    /** How the EKS gateway's load balancer is exposed (gatewayExposure); unsaid when absent. */
    exposure?: Exposure;
}

/** How the EKS gateway's load balancer is exposed: what the diagram says on it. */
export interface Exposure {
    /** "NLB, internet-facing, open to 0.0.0.0/0", "NLB, internal", … */
    label: string;
    /** Who may connect, when it is internet-facing: "0.0.0.0/0" or the source ranges. */
    sources?: string[];
    /** Its ports, "TCP 443". */
    ports: string[];
}

const ANNOTATION = "service.beta.kubernetes.io/";

/**
 * How a LoadBalancer Service is exposed on AWS, from its spec and annotations as the plan has them. The AWS Load
 * Balancer Controller (aws-load-balancer-type external/nlb-ip, or the service.k8s.aws/nlb class) makes an NLB,
 * internal unless aws-load-balancer-scheme says internet-facing (its default since v2.2; an existing NLB keeps its
 * scheme when the annotation is absent); the in-tree controller makes an internet-facing load balancer unless
 * aws-load-balancer-internal is set. Sources: spec.loadBalancerSourceRanges, else the
 * load-balancer-source-ranges annotation, else anyone (0.0.0.0/0). `undefined`: a Service the plan does not hold
 * (an adopted gateway's, read not managed).
 */
export function gatewayExposure(service: Record<string, any> | undefined, name: string): Exposure {
    if (!service) return { label: `adopted Service ${name}: its exposure is not in this plan`, ports: [] };
    const spec = service.spec ?? {};
    const a: Record<string, string> = service.metadata?.annotations ?? {};
    const ports = (spec.ports ?? []).map((p: any) => `${p.protocol ?? "TCP"} ${p.port}`);
    if (spec.type !== "LoadBalancer") return { label: `no load balancer (Service type ${spec.type ?? "ClusterIP"})`, ports };
    const controller =
        ["external", "nlb-ip"].includes(a[`${ANNOTATION}aws-load-balancer-type`] ?? "") ||
        spec.loadBalancerClass === "service.k8s.aws/nlb";
    const kind = controller || a[`${ANNOTATION}aws-load-balancer-type`] === "nlb" ? "NLB" : "Classic ELB";
    const internalAnnotation = a[`${ANNOTATION}aws-load-balancer-internal`];
    const scheme =
        a[`${ANNOTATION}aws-load-balancer-scheme`] ??
        (internalAnnotation !== undefined && internalAnnotation !== "false"
            ? "internal"
            : controller
              ? "internal (no scheme annotation: the controller's default for a new NLB)"
              : "internet-facing");
    const ranges: string[] =
        spec.loadBalancerSourceRanges ??
        (a[`${ANNOTATION}load-balancer-source-ranges`] ?? "")
            .split(",")
            .map((r) => r.trim())
            .filter(Boolean);
    if (scheme !== "internet-facing")
        return { label: `${kind}, ${scheme}${ranges.length ? `, source ranges ${ranges.join(", ")}` : ""}`, ports };
    return ranges.length
        ? { label: `${kind}, internet-facing, source ranges ${ranges.join(", ")}`, sources: ranges, ports }
        : { label: `${kind}, internet-facing, open to 0.0.0.0/0`, sources: ["0.0.0.0/0"], ports };
}

const id = (s: string) => s.replace(/[^a-zA-Z0-9]/g, "_");

type Label = (s: string) => string;

/** A label function that draws simulated values as `[simulated: <what>]` and records which it drew. */
function labeller(options: DiagramOptions): Label {
    const simulated = options.simulated ?? new Map<string, string>();
    return (s: string) => {
        for (const f of findSimulated(s, simulated)) options.shown?.add(f.value);
        return replaceSimulated(s, simulated).replace(/"/g, "'");
    };
}

/** The gateway's load balancer node (`nlb`) and, when it is internet-facing, who may connect to it. */
function loadBalancerLines(what: string, hostname: string, exposure: Exposure | undefined, label: Label): string[] {
    const lines = [`  nlb["${what} ${exposure ? label(exposure.label) : "load balancer"}<br/>${label(hostname)}"]`];
    if (exposure?.sources) {
        // Who may connect to it: the internet, or only the source ranges.
        const open = exposure.sources.includes("0.0.0.0/0");
        lines.push(`  sources(["${open ? "anyone on the internet: 0.0.0.0/0" : `only ${label(exposure.sources.join(", "))}`}"])`);
        lines.push(`  sources -. "${label(exposure.ports.join(", ") || "connects")}" .-> nlb`);
        if (open) lines.push("  style nlb stroke:#d00,stroke-width:3px");
    }
    return lines;
}

type Upstream = { host: string; upstreamHost: string; functionName?: string };

/**
 * The exporting side's VPC (the ingress gateway `igw`, one node per upstream — the Lambda-backed hosts share an ALB,
 * which routes by Host to each function) and the edges from the gateway to them, each labelled by `via`.
 */
function exportSideLines(ingress: string, services: readonly Upstream[], via: (s: Upstream) => string, label: Label) {
    const upstreams = new Map<string, boolean>();
    for (const s of services) upstreams.set(s.upstreamHost, (upstreams.get(s.upstreamHost) ?? false) || Boolean(s.functionName));
    const upId = new Map([...upstreams.keys()].map((host, i) => [host, `up${i + 1}`]));
    const nodes = ['  subgraph EKS["EKS VPC"]', `    igw["ingress gateway ${label(ingress)}"]`];
    for (const [host, alb] of upstreams) nodes.push(`    ${upId.get(host)}["${alb ? "internal ALB" : "upstream"}<br/>${label(host)}"]`);
    for (const s of services) if (s.functionName) nodes.push(`    fn_${id(s.host)}["Lambda ${label(s.functionName)}"]`);
    nodes.push("  end");
    const edges = ["  nlb --> igw"];
    for (const s of services) {
        edges.push(`  igw -- "${via(s)}" --> ${upId.get(s.upstreamHost)}`);
        if (s.functionName) edges.push(`  ${upId.get(s.upstreamHost)} -- "Host: ${s.host}" --> fn_${id(s.host)}`);
    }
    return { nodes, edges };
}

export function mermaid(t: Topology, options: DiagramOptions = {}): string {
    const label = labeller(options);
    const lines = ["flowchart LR"];
    lines.push("  subgraph GKE[\"GKE mesh\"]");
    const callers = new Map<string, string>();
    for (const s of t.services) for (const src of s.allowedSources) {
        const who = `${src.namespace}${src.serviceAccount ? `/${src.serviceAccount}` : ""}`;
        callers.set(`caller_${id(who)}`, who);
    }
    for (const [nodeId, who] of [...callers].sort()) lines.push(`    ${nodeId}["workloads ${label(who)}"]`);
    lines.push(`    egw["egress gateway ${label(t.gkeEgressGateway)}"]`);
    lines.push("  end");
    lines.push(...loadBalancerLines("EKS gateway", t.eksGatewayHostname, options.exposure, label));
    const eks = exportSideLines(t.eksIngressGateway, t.services, (s) => `${s.host} → TLS`, label);
    lines.push(...eks.nodes);
    for (const s of t.services) {
        for (const src of s.allowedSources) {
            const who = `${src.namespace}${src.serviceAccount ? `/${src.serviceAccount}` : ""}`;
            lines.push(`  caller_${id(who)} -- "http://${s.host} (ISTIO_MUTUAL)" --> egw`);
        }
    }
    lines.push(`  egw == "mTLS, link PKI, SNI ${label(t.services.map((s) => s.host).join(", "))}" ==> nlb`);
    lines.push(...eks.edges);
    return lines.join("\n") + "\n";
}

/**
 * A Mermaid diagram of an export and every consumer mesh: each consumer (its identity, the hosts granted to it) calls
 * the export gateway's load balancer over mTLS with its own certificate; the gateway admits it for those hosts only.
 */
export function exportMermaid(t: ExportTopology, options: DiagramOptions = {}): string {
    const label = labeller(options);
    const lines = ["flowchart LR"];
    for (const c of t.consumers) {
        lines.push(`  subgraph consumer_${id(c.name)}["consumer ${label(c.name)}"]`);
        lines.push(`    egw_${id(c.name)}["egress gateway<br/>${label(c.spiffeId)}"]`);
        lines.push("  end");
    }
    lines.push(...loadBalancerLines("export gateway", t.gatewayHostname, options.exposure, label));
    const consumersOf = new Map(t.services.map((s) => [s.host, s.consumers.length ? s.consumers.join(", ") : "no consumer"]));
    const eks = exportSideLines(t.ingressGateway, t.services, (s) => `${s.host} (${label(consumersOf.get(s.host)!)}) → TLS`, label);
    lines.push(...eks.nodes);
    // Each consumer with its own certificate, for its own hosts (its policy admits it for those only).
    for (const c of t.consumers)
        lines.push(`  egw_${id(c.name)} == "mTLS, own client CA, SNI ${label(c.hosts.join(", "))}" ==> nlb`);
    lines.push(...eks.edges);
    return lines.join("\n") + "\n";
}
