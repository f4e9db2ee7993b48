// Step 2: the link's certificates. The client identity comes from plain values (the egress gateway's
// namespace and service account), so the PKI waits for neither cluster.
import { vouch } from "../../common/spec";
import type * as pulumi from "@pulumi/pulumi";
import { LinkPki, LinkPkiArgs } from "../../link-pki";
import type { CrossMeshLinkArgs, LinkSettings } from "../args";
import type { ResolvedLink } from "./resolve";

export function linkPkiArgs(args: LinkSettings, resolved: ResolvedLink): LinkPkiArgs {
    return {
        ...args.pki,
        exportedHosts: args.services.map((s) => s.host),
        clientTrustDomain: resolved.gkeTrustDomain,
        clientNamespace: resolved.egressNamespace,
        clientServiceAccount: resolved.egressServiceAccount,
    };
}

/** LinkPki's field paths as the link's user wrote them. */
export function pkiFieldPath(childPath: string): string {
    const host = /^exportedHosts\[(\d+)\]/.exec(childPath);
    if (host) return `services[${host[1]}].host`;
    if (childPath === "exportedHosts") return "services";
    if (childPath === "clientTrustDomain") return "gkeTrustDomain";
    if (childPath === "clientNamespace") return "gkeExistingGateway.namespace";
    if (childPath === "clientServiceAccount") return "gkeExistingGateway.serviceAccount";
    return `pki.${childPath}`;
}

export function issueLinkPki(
    parent: pulumi.ComponentResource,
    name: string,
    args: CrossMeshLinkArgs,
    resolved: ResolvedLink,
): LinkPki {
    // The link checked these with LinkPki's own fields and rules, on its paths (cross-mesh-link/spec.ts).
    return new LinkPki(`${name}-pki`, vouch(linkPkiArgs(args, resolved)), { parent });
}
