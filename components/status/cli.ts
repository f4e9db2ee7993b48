#!/usr/bin/env node
// `crossmesh status`: is every link of a stack up, from both sides? (An export stack: its EKS side and each
// consumer there; a consumer stack: its own mesh.) Exit 0 healthy, 1 degraded or failing (each failing check
// named with what to do), 2 could not check. `--json` prints the report (docs/status.schema.json).
// Usage: crossmesh status --help.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { DEFAULT_WARN_DAYS } from "./report";

export const USAGE = `Usage: crossmesh status --stack <name> [--role link|export|consumer] [options]

Reads what the stack deployed (pulumi stack export, secrets left encrypted) and checks it against
the live clusters it runs on. --role says what the stack holds, and so which clusters to give:

  --role link       (default) each CrossMeshLink against both clusters, then probes each exported
                    host from the GKE mesh. Give --eks-… and --gke-….
  --role export     each CrossMeshExport against its EKS cluster, and each of its consumers there
                    by name (its policy, its CA in the gateway's trust, its identity pinned, its
                    certificate's end). No probe: the callers are in the consumers' meshes.
                    Give --eks-… only.
  --role consumer   each CrossMeshConsumer against its own cluster (GKE, AKS, any), then probes
                    each imported host from that mesh. Give --consumer-… only.

  --stack <name>            the stack (as \`pulumi stack ls\` names it; org/name on Pulumi Cloud)
  --cwd <dir>               the Pulumi project directory (default: the current one)
  --eks-kubeconfig <file>   kubeconfig of the EKS cluster   | --eks-context <ctx>  a context of $KUBECONFIG
  --gke-kubeconfig <file>   kubeconfig of the GKE cluster   | --gke-context <ctx>  a context of $KUBECONFIG
  --consumer-kubeconfig <file>                              | --consumer-context <ctx>
                            the consumer mesh's cluster (a kubeconfig, or a context of $KUBECONFIG)
  --json                    print the report as JSON (schema: docs/status.schema.json)
  --json-out <file>         also write the JSON report to a file (e.g. for CI artifacts), printing the table
  --probe | --no-probe      run the end-to-end probe pods in the GKE or consumer mesh (default: --probe)
  --probe-timeout <s>       how long the probe pods may take (default 120)
  --image <ref>             the probe's curl image (e.g. from your registry mirror)
  --keep-probe              leave the probe's pods behind for debugging
  --warn-days <n>           warn when a certificate has n days left or fewer (default ${DEFAULT_WARN_DAYS})

Exit codes: 0 healthy, 1 degraded or failing, 2 could not check (cluster unreachable, stack missing, probe not run).
kubectl and the pulumi CLI must be on PATH (or set KUBECTL).
`;

type Role = "link" | "export" | "consumer";
/** The clusters each role is checked against, in the order their flags are asked for. */
const ROLE_CLUSTERS: Record<Role, ("eks" | "gke" | "consumer")[]> = {
    link: ["eks", "gke"],
    export: ["eks"],
    consumer: ["consumer"],
};
const ROLES_OF = { eks: "--role link or export", gke: "--role link", consumer: "--role consumer" } as const;
const CLUSTER_NAME = { eks: "EKS", gke: "GKE", consumer: "consumer mesh's" } as const;

function usageError(message: string): never {
    process.stderr.write(`crossmesh status: ${message}\n\n${USAGE}`);
    process.exit(2);
}

export async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    if (command === "--help" || command === "-h" || command === undefined) {
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
    }
    if (command !== "status") usageError(`unknown command "${command}"`);
    let values;
    try {
        ({ values } = parseArgs({
            args: rest,
            options: {
                stack: { type: "string" },
                role: { type: "string" },
                cwd: { type: "string" },
                "eks-kubeconfig": { type: "string" },
                "eks-context": { type: "string" },
                "gke-kubeconfig": { type: "string" },
                "gke-context": { type: "string" },
                "consumer-kubeconfig": { type: "string" },
                "consumer-context": { type: "string" },
                json: { type: "boolean" },
                "json-out": { type: "string" },
                probe: { type: "boolean" },
                "no-probe": { type: "boolean" },
                "probe-timeout": { type: "string" },
                image: { type: "string" },
                "keep-probe": { type: "boolean" },
                "warn-days": { type: "string" },
                help: { type: "boolean", short: "h" },
            },
            strict: true,
        }));
    } catch (e) {
        usageError(e instanceof Error ? e.message : String(e));
    }
    if (values.help) {
        process.stdout.write(USAGE);
        return 0;
    }
    if (!values.stack) usageError("--stack is required");
    if (values.probe && values["no-probe"]) usageError("give --probe or --no-probe, not both");
    const role = values.role ?? "link";
    if (!(role in ROLE_CLUSTERS)) usageError(`--role is link, export or consumer, got "${role}"`);
    const needs = ROLE_CLUSTERS[role as Role];
    // A cluster flag the role does not use is refused: status never checks a cluster it was not meant to.
    for (const side of ["eks", "gke", "consumer"] as const)
        for (const flag of [`${side}-kubeconfig`, `${side}-context`] as const)
            if (values[flag] !== undefined && !needs.includes(side))
                usageError(
                    `--${flag} is for ${ROLES_OF[side]}: --role ${role} checks ${needs.map((s) => `the ${CLUSTER_NAME[s]} cluster`).join(" and ")} only`,
                );
    if (role === "export")
        for (const flag of ["probe", "probe-timeout", "image", "keep-probe"] as const)
            if (values[flag] !== undefined)
                usageError(
                    `--${flag}: an export stack has no probe (its callers are in its consumers' meshes); probe each consumer's stack with --role consumer`,
                );
    const cluster = (side: "eks" | "gke" | "consumer") => {
        const kubeconfig = values[`${side}-kubeconfig`];
        const context = values[`${side}-context`];
        if (!kubeconfig && !context)
            usageError(`give --${side}-kubeconfig <file> or --${side}-context <ctx>: status never guesses a cluster`);
        return { ...(kubeconfig ? { kubeconfig } : {}), ...(context ? { context } : {}) };
    };
    const number = (flag: "warn-days" | "probe-timeout", fallback: number) => {
        const v = values[flag];
        if (v === undefined) return fallback;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0)
            usageError(`--${flag} takes a whole number of ${flag === "warn-days" ? "days" : "seconds"}, got "${v}"`);
        return n;
    };
    const clusters = Object.fromEntries(needs.map((side) => [side, cluster(side)]));
    const warnDays = number("warn-days", DEFAULT_WARN_DAYS);
    const timeoutSeconds = number("probe-timeout", 120);
    const tty = process.stderr.isTTY === true;
    let lastProgress = "";
    const onProgress = (message: string) => {
        if (tty) process.stderr.write(`\r\u001b[K${message}`);
        else if (message.split(" (")[0] !== lastProgress) process.stderr.write(`${message}\n`);
        lastProgress = message.split(" (")[0];
    };
    // Loaded only once the arguments are good: a usage error answers at once, without the Pulumi SDK.
    const { checkStack } = await import("./index");
    const { renderReport } = await import("./render");
    const report = await checkStack({
        stack: values.stack,
        ...(values.cwd ? { cwd: values.cwd } : {}),
        ...clusters,
        warnDays,
        probe: values["no-probe"]
            ? false
            : {
                  timeoutSeconds,
                  onProgress,
                  ...(values.image ? { image: values.image } : {}),
                  ...(values["keep-probe"] ? { keep: true } : {}),
              },
    });
    if (tty && lastProgress) process.stderr.write("\r\u001b[K");
    if (values["json-out"]) writeFileSync(values["json-out"], `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(
        values.json
            ? `${JSON.stringify(report, null, 2)}\n`
            : renderReport(report, { colour: process.stdout.isTTY === true }),
    );
    return report.exitCode;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (e: unknown) => {
            process.stderr.write(`crossmesh status: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
            process.exit(2);
        },
    );
}
