// TEMPORARY compatibility for CrossMeshLink's validate.ts: the monitoring settings are declared by their
// spec (spec.ts). Goes once the link embeds `linkMonitoringField` (or picks `linkMonitoringFields` with
// `requireSomethingOn`).
import { problemsOf } from "../common/spec";
import { throwProblems } from "../common/validation";
import type { LinkMonitoringArgs } from "./args";
import { linkMonitoringField } from "./spec";

export function validateMonitoring(path: string, m: LinkMonitoringArgs | undefined): void {
    if (m !== undefined) throwProblems(problemsOf(linkMonitoringField, m, path));
}
