// Offline plan: runs the stack program under the provider simulator (no credentials, no Pulumi CLI)
// and writes, deterministically ordered and with secrets redacted:
//   <out>/eks.yaml, <out>/gke.yaml   Kubernetes manifests per cluster (multi-document YAML; objects the
//                                    stack only reads, e.g. an adopted gateway's Service, as comments)
//   <out>/helm-releases.yaml         Helm releases per cluster: chart, version, values
//   <out>/aws.yaml                   AWS and certificate resources with their inputs
//   <out>/outputs.yaml               the stack outputs
//   <out>/topology.md                a Mermaid diagram of the topology and request path
//   <out>/simulated.yaml             every value the simulator made up that the plan shows, and what it is
//   <out>/providers.yaml             the kubernetes providers' settings that decide update vs replace
// Values only the simulator made up (IDs, ARNs, the account, hostnames…) are kept, so the manifests stay
// applicable, and marked where they appear: `# simulated: <what>` in YAML, `[simulated: <what>]` in the diagram.
// With --base, a plan folder written before (e.g. on the main branch), it then prints the change view: per
// cluster, each object to create, update, replace or delete (tools/plan-diff).
// Usage: npm run plan -- --stack dev [--out plan/dev] [--base plan/main] [--config key=value ...]
// --config replaces or adds a `crossmesh:` key for this plan only (the value as YAML/JSON would give it: JSON when it
// parses, a string otherwise), e.g. --config eksGatewayExposure=internal --config 'consumerEgressCidrs=["10.8.0.0/14"]'.
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { defaultWorld } from "../simulator/world";
import { REPO_ROOT, listStacks, runStack } from "../simulator/stack";
import { clusterPlans, cloudResources, contentHashedNames, kubernetesSettings, redact } from "./extract";
import { diffStack, isPlanFolder, readPlan, renderText } from "../plan-diff/diff";
import { Topology, exportMermaid, gatewayExposure, isExportTopology, mermaid } from "./diagram";
import type { ExportTopology } from "../../components/cross-mesh-export";
import { runAt } from "./clock";
import { Simulated, markedYaml } from "./simulated";

/** The first line of every plan file. */
export const SIMULATED =
    "Simulated by crossmesh's offline plan (npm run plan): no cloud was called; IDs, account numbers, addresses and hostnames are the simulator's.";

/** The plan's clock: fixed, so certificate validity and timestamps are the same on every run. */
export const PLAN_EPOCH = new Date("2026-01-01T00:00:00Z");

function arg(name: string, fallback?: string): string | undefined {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Every `--config key=value` of the command line, as stack config overrides (JSON values parsed). */
function configOverrides(argv: readonly string[]): Record<string, unknown> {
    const overrides: Record<string, unknown> = {};
    argv.forEach((a, i) => {
        if (a !== "--config") return;
        const pair = argv[i + 1] ?? "";
        const eq = pair.indexOf("=");
        if (eq <= 0) throw new Error(`--config ${pair}: write key=value, e.g. --config eksGatewayExposure=internal`);
        const raw = pair.slice(eq + 1);
        let value: unknown = raw;
        try {
            value = JSON.parse(raw);
        } catch {
            // a plain string
        }
        overrides[pair.slice(0, eq).replace(/^crossmesh:/, "")] = value;
    });
    return overrides;
}

/** The second line of every plan file that shows a simulated value. */
export const MARKED =
    "Values only the simulator made up are marked `# simulated: <what>` (all listed in simulated.yaml); a real deployment gets other ones.";

async function main() {
    const stack = arg("stack");
    if (!stack) throw new Error(`usage: npm run plan -- --stack <${listStacks().join("|")}> [--out dir] [--base dir]`);
    const out = path.resolve(REPO_ROOT, arg("out", path.join("plan", stack))!);
    const base = arg("base") === undefined ? undefined : path.resolve(REPO_ROOT, arg("base")!);
    // The plan replaces its folder: a base in it would be gone before it is read.
    if (base !== undefined && (!isPlanFolder(base) || path.relative(out, base).split(path.sep)[0] !== ".."))
        throw new Error(`--base ${base}: not a plan folder outside --out ${out} (write one with npm run plan -- --out)`);
    runAt(PLAN_EPOCH); // one clock for the simulator and the program: the certificates it issues are new
    const overrides = configOverrides(process.argv);
    const run = await runStack({ stack, overrides, world: defaultWorld({ now: () => PLAN_EPOCH }) });
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    const plans = clusterPlans(run.graph);
    const invented = [
        ...run.simulator.invented.entries(),
        ...contentHashedNames(run.graph).map((n) => ({ ...n, byValue: true })),
    ];
    const simulated: Simulated = new Map(invented.map((v) => [v.value, v.what]));
    const byValue = new Set(invented.filter((v) => v.byValue).map((v) => v.value));
    const shown = new Set<string>(); // the simulated values the plan files show
    const yaml = (doc: unknown) => markedYaml(doc, simulated, shown);
    const written: string[] = [];
    // Every file says what it is: the simulator's values (IDs, the account, addresses, hostnames) stand in for the
    // clouds', and nothing was called.
    const write = (file: string, text: string) => {
        const marked = shown.size > 0 && /# simulated: /.test(text) ? `# ${MARKED}\n` : "";
        const mark = file.endsWith(".md") ? `<!-- ${SIMULATED} -->\n` : `# ${SIMULATED}\n${marked}`;
        fs.writeFileSync(path.join(out, file), mark + text);
        written.push(file);
    };
    for (const [cluster, plan] of Object.entries(plans).sort()) {
        // Objects the stack reads but does not manage go in a comment: the file stays `kubectl apply`-able.
        const header = plan.reads.length ? plan.reads.map((r) => `# read, not managed by this stack: ${r}\n`).join("") : "";
        if (plan.manifests.length) write(`${cluster}.yaml`, header + plan.manifests.map(yaml).join("---\n"));
    }
    write("helm-releases.yaml", yaml(Object.fromEntries(Object.entries(plans).sort().map(([c, p]) => [c, p.helmReleases]))));
    write("aws.yaml", yaml(cloudResources(run.graph)));
    write(
        "providers.yaml",
        "# Whether the kubernetes providers change Secret/ConfigMap data in place (else they replace the object).\n" +
            yaml(kubernetesSettings(run.graph)),
    );
    const stackResource = run.graph.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    write("outputs.yaml", yaml(redact(stackResource?.rawOutputs ?? {})));
    const topology = (run.outputs.topology ?? undefined) as Topology | ExportTopology | undefined;
    if (topology) {
        // The gateway's load balancer Service ("<name>.<namespace>"), if this stack manages it.
        const ingress = isExportTopology(topology) ? topology.ingressGateway : topology.eksIngressGateway;
        const [name, namespace] = ingress.split(".", 2);
        const service = Object.values(plans)
            .flatMap((p) => p.manifests)
            .find((m: any) => m.kind === "Service" && m.metadata?.name === name && m.metadata?.namespace === namespace);
        const exposure = gatewayExposure(service, `${namespace}/${name}`);
        const draw = isExportTopology(topology)
            ? exportMermaid(topology, { simulated, shown, exposure })
            : mermaid(topology, { simulated, shown, exposure });
        write("topology.md", "```mermaid\n" + draw + "```\n");
    }
    // The legend of the marks: each simulated value the plan shows, by what it stands for.
    const legend = [...shown].map((value) => ({
        what: simulated.get(value)!,
        value,
        ...(byValue.has(value) ? { compare: "by value" } : {}),
    }));
    legend.sort((a, b) => a.what.localeCompare(b.what) || a.value.localeCompare(b.value));
    write(
        "simulated.yaml",
        "# Every value only the simulator made up that this plan shows, and what it stands for. tools/plan-diff compares\n" +
            "# them by what they stand for (a different simulated value is no change), except `compare: by value` ones:\n" +
            "# times on the plan's one clock, where a difference is the program's.\n" +
            stringify(legend, { lineWidth: 0 }),
    );
    const overridden = Object.keys(overrides).length ? ` (config overridden: ${Object.keys(overrides).join(", ")})` : "";
    console.log(`plan for stack ${stack}${overridden}: ${run.graph.resources.filter((r) => r.custom).length} resources → ${path.relative(REPO_ROOT, out)}/{${written.join(",")}}`);
    if (base !== undefined) console.log("\n" + renderText([diffStack(stack, readPlan(base), readPlan(out))]));
    process.exit(0);
}

main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
