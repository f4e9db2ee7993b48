// TEMPORARY compatibility for CrossMeshLink's validate.ts (and test/stack-config's DEPRECATED_LAMBDA_RUNTIMES):
// LambdaAlb is declared by its spec (spec.ts). Goes once the link picks `lambdaFunctionFields`/`oneCodeSource`.
import { problemsOf } from "../common/spec";
import { throwProblems } from "../common/validation";
import type { LambdaFunctionArgs } from "./function";
import { lambdaFunctionSpec } from "./spec";

export { DEPRECATED_LAMBDA_RUNTIMES, LAMBDA_RUNTIMES, LOG_RETENTION_DAYS } from "./spec";

/** One function's settings; `at` prefixes the field names in errors (e.g. "functions[2]."). */
export function validateLambdaFunctionArgs(args: LambdaFunctionArgs, at: string): void {
    throwProblems(problemsOf(lambdaFunctionSpec, args, at.replace(/\.$/, "")));
}
