// A Mermaid diagram of one link: who may call each exported host in GKE, the egress gateway, the mTLS
// hop to the EKS gateway's load balancer, and the upstreams (the shared ALB → a Lambda per Host, or an
// existing service). Values only the simulator made up (the load balancers' hostnames, auto-named functions)
// are drawn as `[simulated: <what>]`.

import type { LinkTopology } from "../../components/cross-mesh-link";
import { Simulated, findSimulated, replaceSimulated } from "./simulated";

export type Topology = LinkTopology;

export interface DiagramOptions {
    /** Simulated values to draw as `[simulated: <what>]` (tools/plan/simulated.ts). */
    simulated?: Simulated;
    /** Collects the simulated values the diagram replaced. */
    shown?: Set<string>;
}

const id = (s: string) => s.replace(/[^a-zA-Z0-9]/g, "_");

export function mermaid(t: Topology, options: DiagramOptions = {}): string {
    const simulated = options.simulated ?? new Map<string, string>();
    const label = (s: string) => {
        for (const f of findSimulated(s, simulated)) options.shown?.add(f.value);
        return replaceSimulated(s, simulated).replace(/"/g, "'");
    };
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
    lines.push(`  nlb["EKS gateway load balancer<br/>${label(t.eksGatewayHostname)}"]`);
    lines.push("  subgraph EKS[\"EKS VPC\"]");
    lines.push(`    igw["ingress gateway ${label(t.eksIngressGateway)}"]`);
    // One node per upstream: the Lambda-backed hosts share an ALB, which routes by Host to each function.
    const upstreams = new Map<string, boolean>();
    for (const s of t.services) upstreams.set(s.upstreamHost, (upstreams.get(s.upstreamHost) ?? false) || Boolean(s.functionName));
    const upId = new Map([...upstreams.keys()].map((host, i) => [host, `up${i + 1}`]));
    for (const [host, alb] of upstreams) lines.push(`    ${upId.get(host)}["${alb ? "internal ALB" : "upstream"}<br/>${label(host)}"]`);
    for (const s of t.services) if (s.functionName) lines.push(`    fn_${id(s.host)}["Lambda ${label(s.functionName)}"]`);
    lines.push("  end");
    for (const s of t.services) {
        for (const src of s.allowedSources) {
            const who = `${src.namespace}${src.serviceAccount ? `/${src.serviceAccount}` : ""}`;
            lines.push(`  caller_${id(who)} -- "http://${s.host} (ISTIO_MUTUAL)" --> egw`);
        }
    }
    lines.push(`  egw == "mTLS, link PKI, SNI ${label(t.services.map((s) => s.host).join(", "))}" ==> nlb`);
    lines.push("  nlb --> igw");
    for (const s of t.services) {
        lines.push(`  igw -- "${s.host} → TLS" --> ${upId.get(s.upstreamHost)}`);
        if (s.functionName) lines.push(`  ${upId.get(s.upstreamHost)} -- "Host: ${s.host}" --> fn_${id(s.host)}`);
    }
    return lines.join("\n") + "\n";
}
