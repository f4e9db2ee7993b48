// TEMPORARY compatibility for CrossMeshLink's validate.ts: LinkPki is declared by its spec (spec.ts).
// Goes once the link picks `linkPkiFields` and the refinements `rsaBitsWithRsa`, `validityWindowsFit`.
import { checkArgs } from "../common/spec";
import type { LinkPkiArgs } from "./args";
import { linkPkiSpec } from "./spec";

/** Every check that can run on the values known at construction; throws InputPropertyError. */
export function validateLinkPkiArgs(args: LinkPkiArgs): void {
    checkArgs(linkPkiSpec, args);
}
