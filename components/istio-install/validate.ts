// TEMPORARY: what CrossMeshLink's validator (cross-mesh-link/validate.ts) imports from here, as thin
// wrappers over IstioInstall's spec (spec.ts). Delete once the link picks `istioInstallFields` and the
// named refinements.
import type * as pulumi from "@pulumi/pulumi";
import { requireKubernetesProvider } from "../common/kube";
import { checkArgs } from "../common/spec";
import { type InstallPlan, installPlan, istioInstallSpec } from "./spec";
import type { IstioInstallArgs } from "./args";

export { requireIstioVersion } from "./spec";
export type { InstallPlan } from "./spec";

export function validateIstioInstallArgs(
    args: IstioInstallArgs,
    opts: pulumi.ComponentResourceOptions | undefined,
): InstallPlan {
    requireKubernetesProvider("IstioInstall", opts);
    return installPlan(checkArgs(istioInstallSpec, args));
}
