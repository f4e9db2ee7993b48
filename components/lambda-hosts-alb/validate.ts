// TEMPORARY compatibility for CrossMeshLink's validate.ts and spec.ts: LambdaHostsAlb is declared by its
// spec (spec.ts), the host-name rule is common/names' `requireDistinctHostSlugs`. Goes once the link
// imports them from there.
export { requireDistinctHostSlugs } from "../common/names";
export { MAX_FUNCTIONS_PER_ALB, MAX_HOST_HEADER_LENGTH, requireHostHeaderLength } from "./spec";
