// The single-value rules every component's spec uses (`.check(requireCidr)`, …), and how a refusal is
// thrown and reported. A component checks its args with its spec (common/spec.ts) before `super()`
// registers anything; every failure is a `pulumi.InputPropertyError` naming the field path and the fix.
import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";

/**
 * Throws the error the Pulumi engine pretty-prints for a bad input. Its message repeats the path: Pulumi's
 * program loader prints an unhandled error's message (not its fields), and that line alone must tell the
 * user which setting to fix and how.
 */
export function invalid(propertyPath: string, reason: string): never {
    const error = new pulumi.InputPropertyError({ propertyPath, reason });
    error.message = `${propertyPath}: ${reason}`;
    throw error;
}

/** One refused setting: where (the user's own path) and why, with the fix. */
export interface Problem {
    propertyPath: string;
    reason: string;
}

/** Throws the problems found, if any (see reportProblems). */
export function throwProblems(problems: readonly Problem[]): void {
    const unique = problems.filter(
        (p, i) => problems.findIndex((q) => q.propertyPath === p.propertyPath && q.reason === p.reason) === i,
    );
    if (unique.length === 0) return;
    if (unique.length === 1) invalid(unique[0].propertyPath, unique[0].reason);
    const message =
        `${unique.length} settings need fixing:\n` + unique.map((p) => `  - ${p.propertyPath}: ${p.reason}`).join("\n");
    throw new pulumi.InputPropertiesError({
        message,
        errors: unique.map((p) => ({ propertyPath: p.propertyPath, reason: p.reason })),
    });
}

/** True when `value` is a plain value now (not an Output or a Promise), so it can be checked. */
export function known<T>(value: pulumi.Input<T> | undefined): value is T {
    if (value === undefined) return false;
    if (pulumi.Output.isInstance(value)) return false;
    if (value instanceof Promise) return false;
    return true;
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A concrete DNS host name: lowercase labels of letters, digits and inner hyphens, at least two labels
 * (so `lambda.external` passes and `lambda` does not), at most 253 characters, no wildcard.
 */
function isConcreteHostname(host: string): boolean {
    if (host.length === 0 || host.length > 253) return false;
    const labels = host.split(".");
    return labels.length >= 2 && labels.every((l) => DNS_LABEL.test(l));
}

/** Checks a host that must be a concrete, lowercase FQDN; names the field and the fix. */
export function requireConcreteHostname(propertyPath: string, host: string): void {
    if (host.startsWith("*")) {
        invalid(
            propertyPath,
            `"${host}" is a wildcard; Istio cannot route HTTPS (SNI) to a wildcard host here. Name each host concretely, e.g. "lambda.external".`,
        );
    }
    if (host !== host.toLowerCase()) {
        invalid(
            propertyPath,
            `"${host}" has upper-case letters; use the lowercase form "${host.toLowerCase()}" (SNI and SAN matching is done on lowercase names).`,
        );
    }
    if (!isConcreteHostname(host)) {
        invalid(
            propertyPath,
            `"${host}" is not a valid fully qualified DNS name: use two or more dot-separated labels of a-z, 0-9 and inner hyphens, e.g. "lambda.external".`,
        );
    }
}

/** Checks an IPv4 or IPv6 CIDR such as "203.0.113.0/24"; returns the normalized form. */
export function requireCidr(propertyPath: string, cidr: string): string {
    try {
        const [addr, bits] = ipaddr.parseCIDR(cidr);
        const network =
            ipaddr.IPv4.isValid(addr.toString()) && addr.kind() === "ipv4"
                ? ipaddr.IPv4.networkAddressFromCIDR(cidr)
                : ipaddr.IPv6.networkAddressFromCIDR(cidr);
        if (network.toString() !== addr.toString()) {
            invalid(
                propertyPath,
                `"${cidr}" has host bits set; use the network address "${network.toString()}/${bits}".`,
            );
        }
        return `${addr.toString()}/${bits}`;
    } catch (e) {
        if (pulumi.InputPropertyError.isInstance(e)) throw e;
        return invalid(
            propertyPath,
            `"${cidr}" is not a CIDR block; write an address and a prefix length, e.g. "203.0.113.0/24" or "2001:db8::/32".`,
        );
    }
}

/** Checks a Kubernetes object name (RFC 1123 label; 63 characters at most). */
export function requireKubernetesName(propertyPath: string, name: string): void {
    if (!DNS_LABEL.test(name)) {
        invalid(
            propertyPath,
            `"${name}" is not a valid Kubernetes name: use at most 63 lowercase letters, digits and inner hyphens.`,
        );
    }
}
