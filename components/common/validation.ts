// Up-front argument checks shared by every component.
//
// The rule of the house: a component validates its args *before* `super()` registers anything, and
// every failure is a `pulumi.InputPropertyError` that names the field path and says how to fix it.
// Values that are still unknown (an Output from another resource) cannot be checked up front; the
// `known` guard lets callers check what is plain now and skip what is not.
import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";

/**
 * The error the Pulumi engine pretty-prints for a bad input. Its message repeats the path: Pulumi's
 * program loader prints an unhandled error's message (not its fields), and that line alone must tell
 * the user which setting to fix and how.
 */
export function inputError(propertyPath: string, reason: string): pulumi.InputPropertyError {
    const error = new pulumi.InputPropertyError({ propertyPath, reason });
    error.message = `${propertyPath}: ${reason}`;
    return error;
}

/** Throws the error the Pulumi engine pretty-prints for a bad input. */
export function invalid(propertyPath: string, reason: string): never {
    throw inputError(propertyPath, reason);
}

/** One refused setting: where (the user's own path) and why, with the fix. */
export interface Problem {
    propertyPath: string;
    reason: string;
}

/**
 * Runs independent checks and reports every problem at once: one InputPropertyError when there is one,
 * an InputPropertiesError listing all of them otherwise. `rename` maps a child component's field path
 * to the path the user wrote (e.g. IstioInstall's "version" is CrossMeshLink's "istioVersion").
 * Errors other than bad-input errors propagate unchanged.
 */
export function reportProblems(checks: readonly (() => void)[], rename: (path: string) => string = (p) => p): void {
    throwProblems(collectProblems(checks, rename));
}

/** The problems `checks` find, without throwing (see reportProblems). */
export function collectProblems(
    checks: readonly (() => void)[],
    rename: (path: string) => string = (p) => p,
): Problem[] {
    const problems: Problem[] = [];
    for (const check of checks) {
        try {
            check();
        } catch (e) {
            if (pulumi.InputPropertyError.isInstance(e))
                problems.push({ propertyPath: rename(e.propertyPath), reason: e.reason });
            else if (pulumi.InputPropertiesError.isInstance(e))
                problems.push(...e.errors.map((x) => ({ propertyPath: rename(x.propertyPath), reason: x.reason })));
            else throw e;
        }
    }
    return problems;
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

/** A plain array whose elements may still be Inputs; undefined when the array itself is not known. */
export function knownArray<T>(value: pulumi.Input<pulumi.Input<T>[]> | undefined): pulumi.Input<T>[] | undefined {
    return known(value) ? (value as pulumi.Input<T>[]) : undefined;
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A concrete DNS host name: lowercase labels of letters, digits and inner hyphens, at least two labels
 * (so `lambda.external` passes and `lambda` does not), at most 253 characters, no wildcard.
 */
export function isConcreteHostname(host: string): boolean {
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

/**
 * A list of exported hosts: at least one (`emptyFix` says what to give), each a plain, concrete lowercase
 * FQDN at `hostPath(i)`, none twice. Returns the hosts as strings.
 */
export function requireHostList(
    listPath: string,
    hosts: readonly unknown[],
    hostPath: (i: number) => string,
    emptyFix: string,
): string[] {
    if (hosts.length === 0) invalid(listPath, emptyFix);
    const plain = hosts.map((h, i) => {
        if (typeof h !== "string")
            invalid(
                hostPath(i),
                "give the host as a plain string: it names objects and certificate names, so it must be known before anything is created.",
            );
        requireConcreteHostname(hostPath(i), h);
        return h;
    });
    requireUnique(listPath, plain);
    return plain;
}

/** Checks that the entries of a list are unique; names the index of the first duplicate. */
export function requireUnique(propertyPath: string, values: readonly string[]): void {
    const seen = new Map<string, number>();
    values.forEach((v, i) => {
        const first = seen.get(v);
        if (first !== undefined) {
            invalid(`${propertyPath}[${i}]`, `"${v}" is listed twice (also at index ${first}); list each value once.`);
        }
        seen.set(v, i);
    });
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

/** Checks an integer within [min, max]. */
export function requireIntegerInRange(
    propertyPath: string,
    value: number,
    min: number,
    max: number,
    unit: string,
): void {
    if (!Number.isInteger(value) || value < min || value > max) {
        invalid(propertyPath, `${value} is out of range: use a whole number of ${unit} from ${min} to ${max}.`);
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
