// IstioInstall's settings with defaults applied and every value checked, from plain arguments. The
// component calls it once its Output arguments resolve; the real-helm render test calls it directly, so
// both feed Helm exactly the same values.
import { requireCidr } from "../common/validation";
import type { GatewayRole } from "../common/types";
import {
    DEFAULT_ISTIO_VERSION,
    ISTIO_HELM_REPO,
    InstallSettings,
    ROLE_DEFAULTS,
    DEFAULT_TRUST_DOMAINS,
    revisionOf,
} from "./charts";
import type { IstioInstallArgs } from "./args";
import {
    requireGatewayName,
    requireGatewayNamespace,
    requireIstioVersion,
    requireOutboundTrafficPolicy,
    requireRevision,
    requireTrustDomain,
} from "./validate";

/** IstioInstallArgs with every Input already resolved to its plain value. */
export type PlainInstallArgs = Omit<
    IstioInstallArgs,
    | "gatewayRole"
    | "version"
    | "revision"
    | "trustDomain"
    | "outboundTrafficPolicy"
    | "gatewayName"
    | "gatewayNamespace"
    | "loadBalancerSourceRanges"
    | "adoptExisting"
    | "existingGateway"
> & {
    version?: string;
    revision?: string;
    trustDomain?: string;
    outboundTrafficPolicy?: string;
    gatewayName?: string;
    gatewayNamespace?: string;
    loadBalancerSourceRanges?: string[];
};

/**
 * Defaults applied and every value checked, including those that were Outputs at construction (a
 * failure here fails the deployment: the limit of validating Outputs).
 */
export function installSettings(gatewayRole: GatewayRole, args: PlainInstallArgs): InstallSettings {
    const defaults = ROLE_DEFAULTS[gatewayRole];
    const version = args.version ?? DEFAULT_ISTIO_VERSION;
    requireIstioVersion("version", version);
    const revision = args.revision ?? revisionOf(version);
    requireRevision("revision", revision);
    const trustDomain = args.trustDomain ?? DEFAULT_TRUST_DOMAINS[gatewayRole];
    requireTrustDomain("trustDomain", trustDomain);
    const outboundTrafficPolicy = args.outboundTrafficPolicy ?? "ALLOW_ANY";
    requireOutboundTrafficPolicy("outboundTrafficPolicy", outboundTrafficPolicy);
    const gatewayName = args.gatewayName ?? defaults.gatewayName;
    requireGatewayName("gatewayName", gatewayName);
    const gatewayNamespace = args.gatewayNamespace ?? defaults.gatewayNamespace;
    requireGatewayNamespace("gatewayNamespace", gatewayNamespace);
    const loadBalancerSourceRanges = (args.loadBalancerSourceRanges ?? []).map((cidr, i) =>
        requireCidr(`loadBalancerSourceRanges[${i}]`, cidr),
    );
    return {
        gatewayRole,
        version,
        revision,
        trustDomain,
        outboundTrafficPolicy,
        gatewayName,
        gatewayNamespace,
        loadBalancerSourceRanges,
        // Plain arguments, checked up front by validateIstioInstallArgs.
        highAvailability: args.highAvailability ?? true,
        chartRepository: args.chartRepository ?? ISTIO_HELM_REPO,
        imageRegistry: args.imageRegistry,
        imagePullSecrets: args.imagePullSecrets ?? [],
        extraValues: args.values ?? {},
        retainedVersions: args.retainedVersions ?? [],
    };
}
