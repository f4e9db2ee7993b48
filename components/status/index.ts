// `crossmesh status` as a library: read what a stack deployed, compare every link with both live clusters (an
// export with its EKS cluster, a consumer with its own), optionally probe it end to end, and say how healthy it
// is. The CLI (cli.ts) is a thin shell over this.
import { execFile } from "node:child_process";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { CLUSTER_FLAGS, checkConsumerSide, checkExportSide, checkSide, clusterNotGiven, CheckOptions } from "./checks";
import { Cluster, ClusterUnreachable, KubectlOptions, kubectlCluster } from "./cluster";
import {
    DeployedConsumer,
    DeployedExport,
    DeployedLink,
    StackExport,
    consumersIn,
    exportsIn,
    linksIn,
} from "./deployment";
import { ProbeOptions, ProbeTarget, runProbe } from "./probe";
import {
    Check,
    CheckState,
    DEFAULT_WARN_DAYS,
    LinkStatus,
    ProbeFigures,
    StatusReport,
    exitCodeOf,
    stackVerdict,
    verdictOf,
} from "./report";

export * from "./report";
export { Cluster, ClusterUnreachable, KubectlOptions, LiveObject, ObjectRef, kubectlCluster } from "./cluster";
export {
    AppliedObject,
    ClusterSide,
    DeployedConsumer,
    DeployedExport,
    DeployedExportConsumer,
    DeployedLink,
    StackExport,
    StateResource,
    consumersIn,
    exportsIn,
    linksIn,
} from "./deployment";
export { ProbeOptions, ProbeSample, parseProbeLog, probeVerdict } from "./probe";

export interface CheckDeploymentOptions {
    /** The stack's name, for the report. */
    stack: string;
    /**
     * The clusters, each needed by what the stack holds: a link both `eks` and `gke`, an export `eks`, a consumer its
     * own (`consumer`). A side whose cluster is not given is reported as not checked (unknown), never as passed.
     */
    eks?: Cluster;
    gke?: Cluster;
    consumer?: Cluster;
    /** Run the end-to-end probe (pods in the GKE or consumer mesh); false skips it. Default: on. */
    probe?: boolean | ProbeOptions;
    /** Default DEFAULT_WARN_DAYS. */
    warnDays?: number;
    /** The clock certificates are judged by; default now. */
    now?: Date;
}

/**
 * Checks every CrossMeshLink of a stack's exported state against both clusters, every CrossMeshExport against its
 * EKS cluster (each consumer there by name) and every CrossMeshConsumer against its own cluster.
 */
export async function checkDeployment(state: StackExport, opts: CheckDeploymentOptions): Promise<StatusReport> {
    const now = opts.now ?? new Date();
    const checkOpts: CheckOptions = { now, warnDays: opts.warnDays ?? DEFAULT_WARN_DAYS };
    const links = linksIn(state);
    const exports = exportsIn(state);
    const consumers = consumersIn(state);
    const errors: string[] =
        links.length + exports.length + consumers.length
            ? []
            : [
                  `stack ${opts.stack} holds no CrossMeshLink, CrossMeshExport or CrossMeshConsumer (deployed yet? the right stack and project directory?)`,
              ];
    const statuses: LinkStatus[] = [];
    for (const link of links) statuses.push(await checkLink(link, opts, checkOpts));
    for (const exp of exports) statuses.push(await checkExport(exp, opts, checkOpts));
    for (const c of consumers) statuses.push(await checkConsumer(c, opts, checkOpts));
    const verdict = stackVerdict(statuses, errors);
    return {
        schemaVersion: 1,
        stack: opts.stack,
        checkedAt: now.toISOString(),
        verdict,
        exitCode: exitCodeOf(verdict),
        links: statuses,
        errors,
    };
}

async function checkLink(
    link: DeployedLink,
    opts: CheckDeploymentOptions,
    checkOpts: CheckOptions,
): Promise<LinkStatus> {
    const eks = opts.eks
        ? await checkSide(link, "eks", opts.eks, checkOpts)
        : { checks: [clusterNotGiven("eks", "the link's EKS side")], facts: {} };
    const gke = opts.gke
        ? await checkSide(link, "gke", opts.gke, checkOpts, eks.facts)
        : { checks: [clusterNotGiven("gke", "the link's GKE side")] };
    const checks: Check[] = [...eks.checks, ...gke.checks];
    let probe: ProbeFigures[] = [];
    if (opts.probe !== false) {
        const gkeReachable = !gke.checks.some((c) => c.check === "cluster");
        const r = await probeFrom(link, opts.gke, gkeReachable, "gke", opts.probe);
        checks.push(...r.checks);
        probe = r.figures;
    }
    return {
        link: link.name,
        role: "link",
        urn: link.urn,
        verdict: verdictOf(checks.map((c) => c.state)),
        ...(link.eksGatewayHostname ? { eksGatewayHostname: link.eksGatewayHostname } : {}),
        hosts: link.hosts,
        checks,
        probe,
    };
}

/**
 * The probe from the importing mesh (a link's GKE side, a consumer's mesh), or why it did not run: a cluster that
 * was not given or could not be reached is an unknown probe, never a pass.
 */
async function probeFrom(
    target: ProbeTarget,
    cluster: Cluster | undefined,
    reached: boolean,
    side: "gke" | "consumer",
    probe: true | ProbeOptions | undefined,
): Promise<{ checks: Check[]; figures: ProbeFigures[] }> {
    const title = side === "gke" ? "GKE" : "consumer";
    const notRun = (detail: string, fix: string): { checks: Check[]; figures: ProbeFigures[] } => ({
        checks: [{ side: "probe", check: "probe", state: CheckState.Unknown, detail, fix }],
        figures: [],
    });
    if (!cluster) return notRun(`not run: no ${title} cluster was given`, `give ${CLUSTER_FLAGS[side]}, or --no-probe`);
    if (!reached)
        return notRun(
            `not run: the ${title} cluster is unreachable`,
            `fix the ${title} cluster access first (see the ${side}/cluster check)`,
        );
    try {
        return await runProbe(target, cluster, probe === true || probe === undefined ? {} : probe);
    } catch (e) {
        if (!(e instanceof ClusterUnreachable)) throw e;
        return notRun(`not run: ${e.message}`, `fix the ${title} cluster access, then run status again`);
    }
}

/** The consumers of an export, each with the verdict of the checks that name it. */
const consumerSummaries = (exp: DeployedExport, checks: readonly Check[]) =>
    exp.consumers.map((c) => ({
        name: c.name,
        ...(c.spiffeId ? { spiffeId: c.spiffeId } : {}),
        hosts: c.hosts,
        verdict: verdictOf(checks.filter((x) => x.consumer === c.name).map((x) => x.state)),
    }));

async function checkExport(
    exp: DeployedExport,
    opts: CheckDeploymentOptions,
    checkOpts: CheckOptions,
): Promise<LinkStatus> {
    const checks = opts.eks
        ? await checkExportSide(exp, opts.eks, checkOpts)
        : [clusterNotGiven("eks", "the export's EKS side")];
    return {
        link: exp.name,
        role: "export",
        urn: exp.urn,
        verdict: verdictOf(checks.map((c) => c.state)),
        ...(exp.gatewayHostname ? { eksGatewayHostname: exp.gatewayHostname } : {}),
        hosts: exp.hosts,
        checks,
        probe: [],
        consumers: consumerSummaries(exp, checks),
        notRun: [
            {
                side: "probe",
                check: "probe",
                reason: `an export's callers are in its consumers' meshes, not on its cluster: run crossmesh status --role consumer on each consumer's stack (${exp.consumers.map((c) => c.name).join(", ") || "none"}) to probe its hosts from there`,
            },
        ],
    };
}

async function checkConsumer(
    c: DeployedConsumer,
    opts: CheckDeploymentOptions,
    checkOpts: CheckOptions,
): Promise<LinkStatus> {
    const side = opts.consumer
        ? await checkConsumerSide(c, opts.consumer, checkOpts)
        : { checks: [clusterNotGiven("consumer", "the consumer mesh")], reached: false };
    const checks: Check[] = [...side.checks];
    let probe: ProbeFigures[] = [];
    if (opts.probe !== false) {
        const r = await probeFrom(
            {
                services: c.services,
                ...(c.istioRevision ? { gkeIstioRevision: c.istioRevision } : {}),
                mesh: "consumer",
            },
            opts.consumer,
            side.reached,
            "consumer",
            opts.probe,
        );
        checks.push(...r.checks);
        probe = r.figures;
    }
    return {
        link: c.name,
        role: "consumer",
        urn: c.urn,
        verdict: verdictOf(checks.map((x) => x.state)),
        hosts: c.hosts,
        checks,
        probe,
        ...(c.consumer ? { consumer: c.consumer } : {}),
        ...(c.remoteGatewayHostname ? { remoteGatewayHostname: c.remoteGatewayHostname } : {}),
    };
}

/** The stack could not be read (no CLI, no such stack, no access to the backend). */
export class StackUnavailable extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackUnavailable";
    }
}

/**
 * A stack's state from the user's own backend, with its secrets left encrypted: the Pulumi CLI that the
 * Automation API finds runs `pulumi stack export` in the project directory (the Automation API's own
 * `exportStack` passes `--show-secrets`, which would decrypt every private key of the link; status needs none).
 */
export async function readStack(stack: string, cwd: string): Promise<StackExport> {
    let command: string;
    try {
        command = (await PulumiCommand.get({ skipVersionCheck: true })).command;
    } catch (e) {
        throw new StackUnavailable(`no Pulumi CLI: ${e instanceof Error ? e.message : String(e)}`);
    }
    return new Promise((resolve, reject) =>
        execFile(
            command,
            ["stack", "export", "--stack", stack, "--non-interactive"],
            { cwd, maxBuffer: 512 * 1024 * 1024, env: { ...process.env, PULUMI_AUTOMATION_API: "true" } },
            (err, stdout, stderr) => {
                if (err)
                    return reject(
                        new StackUnavailable(
                            `could not read stack ${stack} in ${cwd}: ${(stderr || err.message).trim().split("\n").slice(-1)[0]}`,
                        ),
                    );
                try {
                    resolve(JSON.parse(stdout) as StackExport);
                } catch (e) {
                    reject(new StackUnavailable(`stack ${stack}: the export is not JSON (${String(e)})`));
                }
            },
        ),
    );
}

export interface CheckStackOptions extends Omit<CheckDeploymentOptions, "eks" | "gke" | "consumer"> {
    /** The Pulumi project directory; default the current one. */
    cwd?: string;
    /** A link stack needs `eks` and `gke`; an export stack `eks`; a consumer stack `consumer` (its own cluster). */
    eks?: Cluster | Omit<KubectlOptions, "name">;
    gke?: Cluster | Omit<KubectlOptions, "name">;
    consumer?: Cluster | Omit<KubectlOptions, "name">;
}

const isCluster = (c: Cluster | Omit<KubectlOptions, "name">): c is Cluster => typeof (c as Cluster).get === "function";
const clusterOf = (name: string, c: Cluster | Omit<KubectlOptions, "name"> | undefined) =>
    c === undefined ? undefined : isCluster(c) ? c : kubectlCluster({ name, ...c });

/** `crossmesh status` as a function: reads the stack, checks its clusters; never throws for an unhealthy link. */
export async function checkStack(opts: CheckStackOptions): Promise<StatusReport> {
    const eks = clusterOf("eks", opts.eks);
    const gke = clusterOf("gke", opts.gke);
    const consumer = clusterOf("consumer", opts.consumer);
    let state: StackExport;
    try {
        state = await readStack(opts.stack, opts.cwd ?? process.cwd());
    } catch (e) {
        if (!(e instanceof StackUnavailable)) throw e;
        return {
            schemaVersion: 1,
            stack: opts.stack,
            checkedAt: (opts.now ?? new Date()).toISOString(),
            verdict: "unknown",
            exitCode: 2,
            links: [],
            errors: [e.message],
        };
    }
    return checkDeployment(state, { ...opts, eks, gke, consumer });
}
