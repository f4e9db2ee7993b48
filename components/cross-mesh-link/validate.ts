// The whole link, checked before anything registers, by its spec (spec.ts): the link's own fields and
// rules and its children's picked fields and rules, each once, on the path the user wrote. Independent
// checks all run, so one `pulumi up` reports every problem at once.
import { checkArgs } from "../common/spec";
import { invalid } from "../common/validation";
import type { CrossMeshLinkArgs } from "./args";
import { ResolvedLink, resolveLink } from "./steps/resolve";
import { linkSpec } from "./spec";

/** Validates everything and returns the link's resolved settings; throws every problem found at once. */
export function validateCrossMeshLinkArgs(name: string, args: CrossMeshLinkArgs): ResolvedLink {
    if (!args || typeof args !== "object")
        invalid("args", "give the link's settings: eksProvider, gkeProvider, eksClusterName and services.");
    checkArgs(linkSpec(name), args);
    return resolveLink(name, args);
}
