// Drift: is a live object still what the stack applied? Pure. Istio's kinds are compared exactly (their
// CRDs default nothing, so any extra field was added by hand); built-in kinds as a subset (the API server
// fills in defaults). Secret values in the state stay encrypted and are never compared here.
import { isSecretValue } from "./deployment";

/** True when the object's API group is Istio's: exact comparison. */
export function isIstioKind(apiVersion: string): boolean {
    return /\.istio\.io\//.test(apiVersion);
}

/**
 * The first path at which `live` differs from `applied` (`spec.rules[0].from`), or undefined when it
 * does not. `exact`: fields present live but never applied count as a difference too.
 */
export function firstDifference(applied: unknown, live: unknown, path: string, exact: boolean): string | undefined {
    if (isSecretValue(applied)) return undefined;
    if (Array.isArray(applied)) {
        if (!Array.isArray(live) || live.length !== applied.length) return path;
        for (let i = 0; i < applied.length; i++) {
            const d = firstDifference(applied[i], live[i], `${path}[${i}]`, exact);
            if (d) return d;
        }
        return undefined;
    }
    if (typeof applied === "object" && applied !== null) {
        if (typeof live !== "object" || live === null || Array.isArray(live)) return path;
        const a = applied as Record<string, unknown>;
        const l = live as Record<string, unknown>;
        for (const key of Object.keys(a)) {
            if (a[key] === undefined || a[key] === null) continue;
            const d = firstDifference(a[key], l[key], path ? `${path}.${key}` : key, exact);
            if (d) return d;
        }
        if (exact) {
            const added = Object.keys(l).find((k) => a[k] === undefined && l[k] !== undefined && l[k] !== null);
            if (added) return path ? `${path}.${added}` : added;
        }
        return undefined;
    }
    return applied === live ? undefined : path;
}
