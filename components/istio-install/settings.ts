// IstioInstall's settings with defaults applied, from plain, checked arguments. The component calls it once
// the arguments that were Outputs resolve (`later` checked them then; plain ones were checked up front and
// are not checked again); the real-helm render test calls it directly, so both feed Helm the same values.
import * as ipaddr from "ipaddr.js";
import { valueOr } from "../common/spec";
import type { GatewayRole } from "../common/types";
import { InstallSettings, ROLE_DEFAULTS, DEFAULT_TRUST_DOMAINS } from "./charts";
import { installRevision, istioInstallFields as fields } from "./spec";
import type { IstioInstallArgs } from "./args";

/** IstioInstallArgs with every Input already resolved to its plain value. */
export type PlainInstallArgs = Omit<
    IstioInstallArgs,
    | "gatewayRole"
    | "trustDomain"
    | "outboundTrafficPolicy"
    | "gatewayName"
    | "gatewayNamespace"
    | "loadBalancerSourceRanges"
    | "adoptExisting"
    | "existingGateway"
> & {
    trustDomain?: string;
    outboundTrafficPolicy?: string;
    gatewayName?: string;
    gatewayNamespace?: string;
    loadBalancerSourceRanges?: string[];
};

/** A checked CIDR in its canonical form (e.g. IPv6 lower case and compressed), as the Service carries it. */
export function canonicalCidr(cidr: string): string {
    const [addr, bits] = ipaddr.parseCIDR(cidr);
    return `${addr.toString()}/${bits}`;
}

/** Defaults applied (the role's names and trust domain, the spec's defaults); nothing is checked here. */
export function installSettings(gatewayRole: GatewayRole, args: PlainInstallArgs): InstallSettings {
    const defaults = ROLE_DEFAULTS[gatewayRole];
    return {
        gatewayRole,
        version: valueOr(fields.version, args.version),
        revision: installRevision(args),
        trustDomain: args.trustDomain ?? DEFAULT_TRUST_DOMAINS[gatewayRole],
        outboundTrafficPolicy: args.outboundTrafficPolicy ?? fields.outboundTrafficPolicy.defaultValue!,
        gatewayName: args.gatewayName ?? defaults.gatewayName,
        gatewayNamespace: args.gatewayNamespace ?? defaults.gatewayNamespace,
        loadBalancerSourceRanges: (args.loadBalancerSourceRanges ?? []).map(canonicalCidr),
        highAvailability: valueOr(fields.highAvailability, args.highAvailability),
        chartRepository: valueOr(fields.chartRepository, args.chartRepository),
        imageRegistry: args.imageRegistry,
        imagePullSecrets: args.imagePullSecrets ?? [],
        extraValues: args.values ?? {},
        retainedVersions: args.retainedVersions ?? [],
    };
}
