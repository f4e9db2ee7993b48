// The Istio releases crossmesh knows are published, per minor. A Helm release of an unpublished chart
// version fails deep inside registration with a raw provider error; checking the version against this
// list first gives the user one clear line instead. Minors without a list here are checked for format
// and support only.
import { invalid } from "../common/validation";
import { MIN_ISTIO_MINOR } from "./charts";

/** Published patch releases of the minors crossmesh has been checked with (charts base, istiod, gateway). */
export const PUBLISHED_ISTIO_RELEASES: Readonly<Record<number, readonly string[]>> = {
    28: ["1.28.0", "1.28.1", "1.28.2", "1.28.3"],
    29: ["1.29.0", "1.29.1", "1.29.2"],
    30: ["1.30.0", "1.30.1", "1.30.2", "1.30.3"],
};

/** The newest minor crossmesh knows the chart values of. */
export const MAX_ISTIO_MINOR = Math.max(...Object.keys(PUBLISHED_ISTIO_RELEASES).map(Number));

/** Checks that `version` (already MAJOR.MINOR.PATCH) is a release crossmesh can install. */
export function requirePublishedIstioVersion(path: string, version: string): void {
    const minor = Number(version.split(".")[1]);
    if (minor < MIN_ISTIO_MINOR) return; // refused by the support check, with its own reason
    if (minor > MAX_ISTIO_MINOR) {
        invalid(
            path,
            `Istio ${version} is newer than the releases this crossmesh knows (up to 1.${MAX_ISTIO_MINOR}); its charts' values may differ. Use ${PUBLISHED_ISTIO_RELEASES[MAX_ISTIO_MINOR].at(-1)} or a crossmesh release that supports 1.${minor}.`,
        );
    }
    const known = PUBLISHED_ISTIO_RELEASES[minor];
    if (known && !known.includes(version)) {
        invalid(
            path,
            `Istio ${version} is not a published release (1.${minor} has ${known.join(", ")}); Helm would fail to find its charts. Use one of those, e.g. "${known.at(-1)}".`,
        );
    }
}
