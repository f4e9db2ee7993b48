// The link's own decisions, resolved once from its args and defaults: every step reads these.
import { defaultLinkName, objectName } from "../../link-routing/names";
import { ROLE_DEFAULTS } from "../../istio-install/charts";
import type { LinkSettings } from "../args";
import { DEFAULT_EKS_TRUST_DOMAIN, DEFAULT_GKE_TRUST_DOMAIN, DEFAULT_ISTIO_VERSION } from "../defaults";

export interface ResolvedLink {
    /** Prefix of every Kubernetes object name of this link: the component name as a DNS label. */
    linkName: string;
    eksTrustDomain: string;
    gkeTrustDomain: string;
    istioVersion: string;
    outboundTrafficPolicy: "ALLOW_ANY" | "REGISTRY_ONLY";
    verify: boolean;
    /** The verification Job's namespace and service account: per link, so links never share them. */
    verifyNamespace: string;
    verifyServiceAccount: string;
    /** The GKE egress gateway's identity, known from plain values: the client certificate names it. */
    egressNamespace: string;
    egressServiceAccount: string;
}

export function resolveLink(name: string, args: LinkSettings): ResolvedLink {
    const linkName = defaultLinkName(name);
    // The gateway chart names its service account after the release, i.e. the gateway.
    const egress = args.gkeExistingGateway
        ? {
              namespace: args.gkeExistingGateway.namespace as string,
              serviceAccount: args.gkeExistingGateway.serviceAccount as string,
          }
        : { namespace: ROLE_DEFAULTS.egress.gatewayNamespace, serviceAccount: ROLE_DEFAULTS.egress.gatewayName };
    return {
        linkName,
        eksTrustDomain: args.eksTrustDomain ?? DEFAULT_EKS_TRUST_DOMAIN,
        gkeTrustDomain: args.gkeTrustDomain ?? DEFAULT_GKE_TRUST_DOMAIN,
        istioVersion: args.istioVersion ?? DEFAULT_ISTIO_VERSION,
        outboundTrafficPolicy: args.registryOnly ? "REGISTRY_ONLY" : "ALLOW_ANY",
        verify: args.verify === true,
        verifyNamespace: objectName(linkName, "verify"),
        verifyServiceAccount: objectName(linkName, "verify"),
        egressNamespace: egress.namespace,
        egressServiceAccount: egress.serviceAccount,
    };
}
