// Every default of CrossMeshLink, in one place: the stack config's defaults are these same constants.
import { DEFAULT_EKS_TRUST_DOMAIN, DEFAULT_GKE_TRUST_DOMAIN, DEFAULT_ISTIO_VERSION } from "../istio-install/charts";
import type { LinkServiceArgs } from "./args";

export { DEFAULT_EKS_TRUST_DOMAIN, DEFAULT_GKE_TRUST_DOMAIN, DEFAULT_ISTIO_VERSION };
/** What the default Lambda answers: the deploy-time check looks for it. */
export const DEFAULT_LAMBDA_GREETING = "Hello World from Lambda";
/** The seed's case: one Lambda exported as lambda.external to the namespace `sleep`. */
export const SEED_SERVICES: LinkServiceArgs[] = [
    { host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] },
];
