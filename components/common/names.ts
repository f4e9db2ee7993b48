// Names crossmesh derives from user text (component names, hosts): one slug rule and one rule for
// fitting a name into a Kubernetes length limit, so every derived name is a DNS label and stays unique.
import { createHash } from "node:crypto";
import { invalid } from "./validation";

/** Lowercase letters, digits and hyphens only: other runs become one hyphen, none at either end. */
export function slug(text: string): string {
    return text
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "");
}

/** The first `length` hex digits of the SHA-256 of `text`. */
export function shortHash(text: string, length: number): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * `label` when it fits in `max`; otherwise cut, with an 8-digit hash of `hashSource` appended, so two long
 * names that share a prefix stay distinct. The hash source is part of each caller's contract: changing it
 * renames (replaces) deployed objects.
 */
export function fitLabel(label: string, max: number, hashSource: string): string {
    if (label.length <= max) return label;
    return `${label.slice(0, max - 9).replace(/-+$/, "")}-${shortHash(hashSource, 8)}`;
}

/** A DNS label from free text; long names keep a hash of the full text so they stay unique. */
export function dnsLabel(text: string, max = 63): string {
    return fitLabel(slug(text), max, text);
}

/**
 * The one rule for names derived from hosts (a link's objects and subsets, a LambdaHostsAlb's resources):
 * each host is listed once, and no two hosts share a slug (`slug`: dots become hyphens), which would give
 * them the same names. `listPath` is the list's field path ("functions", "services"), each host is at
 * `<listPath>[i].host`; `names` says what the slugs name, for the message.
 */
export function requireDistinctHostSlugs(listPath: string, hosts: readonly string[], names: string): void {
    const seen = new Map<string, number>();
    const slugs = new Map<string, number>();
    hosts.forEach((host, i) => {
        const same = seen.get(host);
        if (same !== undefined)
            invalid(
                `${listPath}[${i}].host`,
                `"${host}" is listed twice (also ${listPath}[${same}].host); list each host once.`,
            );
        const j = slugs.get(slug(host));
        if (j !== undefined)
            invalid(
                `${listPath}[${i}].host`,
                `"${host}" and "${hosts[j]}" (${listPath}[${j}]) give the same ${names} ("${slug(host)}", dots become hyphens); rename one of them.`,
            );
        seen.set(host, i);
        slugs.set(slug(host), i);
    });
}
