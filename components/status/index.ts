// `crossmesh status` as a library: read what a stack deployed, compare every link with both live clusters,
// optionally probe it end to end, and say how healthy it is. The CLI (cli.ts) is a thin shell over this.
import { execFile } from "node:child_process";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { checkSide, CheckOptions } from "./checks";
import { Cluster, ClusterUnreachable, KubectlOptions, kubectlCluster } from "./cluster";
import { DeployedLink, StackExport, linksIn } from "./deployment";
import { ProbeOptions, runProbe } from "./probe";
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
export { AppliedObject, DeployedLink, StackExport, StateResource, linksIn } from "./deployment";
export { ProbeOptions, ProbeSample, parseProbeLog, probeVerdict } from "./probe";

export interface CheckDeploymentOptions {
    /** The stack's name, for the report. */
    stack: string;
    eks: Cluster;
    gke: Cluster;
    /** Run the end-to-end probe (pods in the GKE mesh); false skips it. Default: on. */
    probe?: boolean | ProbeOptions;
    /** Default DEFAULT_WARN_DAYS. */
    warnDays?: number;
    /** The clock certificates are judged by; default now. */
    now?: Date;
}

/** Checks every CrossMeshLink of a stack's exported state against both clusters. */
export async function checkDeployment(state: StackExport, opts: CheckDeploymentOptions): Promise<StatusReport> {
    const now = opts.now ?? new Date();
    const checkOpts: CheckOptions = { now, warnDays: opts.warnDays ?? DEFAULT_WARN_DAYS };
    const links = linksIn(state);
    const errors: string[] = links.length
        ? []
        : [`stack ${opts.stack} holds no CrossMeshLink (deployed yet? the right stack and project directory?)`];
    const statuses: LinkStatus[] = [];
    for (const link of links) statuses.push(await checkLink(link, opts, checkOpts));
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
    const eks = await checkSide(link, "eks", opts.eks, checkOpts);
    const gke = await checkSide(link, "gke", opts.gke, checkOpts, eks.facts);
    const checks: Check[] = [...eks.checks, ...gke.checks];
    let probe: ProbeFigures[] = [];
    if (opts.probe !== false) {
        const gkeReachable = !gke.checks.some((c) => c.check === "cluster");
        if (!gkeReachable) {
            checks.push({
                side: "probe",
                check: "probe",
                state: CheckState.Unknown,
                detail: "not run: the GKE cluster is unreachable",
                fix: "fix the GKE cluster access first (see the gke/cluster check)",
            });
        } else {
            try {
                const r = await runProbe(
                    link,
                    opts.gke,
                    opts.probe === true || opts.probe === undefined ? {} : opts.probe,
                );
                checks.push(...r.checks);
                probe = r.figures;
            } catch (e) {
                if (!(e instanceof ClusterUnreachable)) throw e;
                checks.push({
                    side: "probe",
                    check: "probe",
                    state: CheckState.Unknown,
                    detail: `not run: ${e.message}`,
                    fix: "fix the GKE cluster access, then run status again",
                });
            }
        }
    }
    return {
        link: link.name,
        urn: link.urn,
        verdict: verdictOf(checks.map((c) => c.state)),
        ...(link.eksGatewayHostname ? { eksGatewayHostname: link.eksGatewayHostname } : {}),
        hosts: link.hosts,
        checks,
        probe,
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

export interface CheckStackOptions extends Omit<CheckDeploymentOptions, "eks" | "gke"> {
    /** The Pulumi project directory; default the current one. */
    cwd?: string;
    eks: Cluster | Omit<KubectlOptions, "name">;
    gke: Cluster | Omit<KubectlOptions, "name">;
}

const isCluster = (c: Cluster | Omit<KubectlOptions, "name">): c is Cluster => typeof (c as Cluster).get === "function";

/** `crossmesh status` as a function: reads the stack, checks both clusters; never throws for an unhealthy link. */
export async function checkStack(opts: CheckStackOptions): Promise<StatusReport> {
    const eks = isCluster(opts.eks) ? opts.eks : kubectlCluster({ name: "eks", ...opts.eks });
    const gke = isCluster(opts.gke) ? opts.gke : kubectlCluster({ name: "gke", ...opts.gke });
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
    return checkDeployment(state, { ...opts, eks, gke });
}
