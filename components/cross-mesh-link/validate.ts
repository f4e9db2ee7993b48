// The whole link, checked before anything registers, by its spec (spec.ts): the link's own fields and
// rules and its children's picked fields, each rule once, on the path the user wrote. Independent
// checks all run, so one `pulumi up` reports every problem at once.
import { checkArgs, problemsFrom, problemsOf, type Refinement } from "../common/spec";
import { invalid, throwProblems } from "../common/validation";
import { validateIstioInstallArgs } from "../istio-install/validate";
import { validatePlacement } from "../istio-install/client-pods";
import { requirePublishedIstioVersion } from "../istio-install/releases";
import { validateLinkPkiArgs } from "../link-pki/validate";
import { validateMonitoring } from "../link-monitoring/validate";
import type { CrossMeshLinkArgs, LinkSettings } from "./args";
import { Side, istioFieldPath, istioInstallArgs } from "./steps/meshes";
import { linkPkiArgs, pkiFieldPath } from "./steps/pki";
import { LinkPlan, planLink } from "./steps/plan";
import { linkSettingsSpec, linkSpec } from "./spec";

export { AWS_REGIONS, RENAMED_FIELDS, requireAwsRegion } from "./spec";

type Settings = LinkSettings;

/** Runs a child's validator with its paths renamed to the user's (until the child's spec is picked). */
function childRule(name: string, run: (a: Settings) => void, rename: (p: string) => string): Refinement<Settings> {
    return {
        name,
        check: (a) =>
            // The hosts are the link's (services[].host), checked by its own rule, not again by a child's.
            throwProblems(
                problemsFrom(() => run(a))
                    .map((p) => ({ ...p, propertyPath: rename(p.propertyPath) }))
                    .filter((p) => !p.propertyPath.startsWith("services")),
            ),
    };
}

function childRules(name: string): Refinement<Settings>[] {
    const sides: Side[] = ["eks", "gke"];
    return [
        {
            name: "an Istio version crossmesh supports and Istio published",
            check: (a, at) => {
                (Array.isArray(a.istio?.retainedVersions) ? a.istio.retainedVersions : []).forEach((v, i) => {
                    if (typeof v === "string") requirePublishedIstioVersion(at(`istio.retainedVersions[${i}]`), v);
                });
            },
        },
        {
            name: "placement and monitoring",
            check: (a) =>
                throwProblems([
                    ...problemsFrom(() => validatePlacement("podPlacement", a.podPlacement)),
                    ...problemsFrom(() => validateMonitoring("monitoring", a.monitoring)),
                ]),
        },
        ...sides.map((side) =>
            childRule(
                `the ${side} Istio install's settings`,
                (a) => validateIstioInstallArgs(istioInstallArgs(side, a, planLink(name, a)), CHECKED_BY_THE_LINK),
                (p) => istioFieldPath(side, p),
            ),
        ),
        childRule(
            "the link's certificate settings",
            (a) => validateLinkPkiArgs(linkPkiArgs(a, planLink(name, a))),
            pkiFieldPath,
        ),
    ];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CHECKED_BY_THE_LINK: any = {
    provider: { __pulumiResource: true, __pulumiCustomResource: true, getPackage: () => "kubernetes" },
};

/** Validates everything and returns the link's resolved plan; throws every problem found at once. */
export function validateCrossMeshLinkArgs(name: string, args: CrossMeshLinkArgs): LinkPlan {
    if (!args || typeof args !== "object")
        invalid("args", "give the link's settings: eksProvider, gkeProvider, eksClusterName and services.");
    checkArgs(linkSpec(name, childRules(name)), args);
    return planLink(name, args);
}

/**
 * Every check of the link's settings (all but the providers, which the link checks itself): what a
 * stack program runs on its config before it creates any provider.
 */
export function validateLinkSettings(name: string, args: LinkSettings): void {
    throwProblems(problemsOf(linkSettingsSpec(name, childRules(name)), args));
}
