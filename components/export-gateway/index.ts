// ExportGateway (EKS side): makes the ingress gateway terminate the link's mTLS for the exported hosts,
// admit only the allowed client identities, and route each host to its upstream (the internal ALB) over TLS.
import * as pulumi from "@pulumi/pulumi";
import { invalid } from "../common/validation";
import { claimObjects } from "../common/claims";
import { requireKubernetesProvider } from "../common/kube";
import { checkArgs, later } from "../common/spec";
import { claimsOf } from "../link-routing/claims";
import { linkNameOf } from "../link-routing/spec";
import { resolveGateway } from "../link-routing/resolve";
import { createObjects } from "../common/deferred";
import { credentialSecretSlot } from "../link-routing/resources";
import {
    ExportObjectsSettings,
    ExportSources,
    ExportedService,
    exportNames,
    exportObjectList,
    upstreamCaSecretName,
    upstreamKeyOf,
    upstreamSniOf,
} from "./objects";
import { exportConsumerFields, exportGatewayFields, exportGatewaySpec, exportedServiceFields } from "./spec";
import type { ExportGatewayArgs } from "./args";

export type { ExportedServiceArgs, ExportGatewayArgs, ExportGatewayConsumerArgs } from "./args";

export const EXPORT_GATEWAY_TOKEN = "crossmesh:index:ExportGateway";

/**
 * EKS side of a link: the ingress gateway terminates the link's mutual TLS for the exported hosts, admits
 * only the allowed client identities, and routes each host to its upstream (e.g. an internal ALB) over TLS.
 */
export class ExportGateway extends pulumi.ComponentResource {
    /** Namespace of the ingress gateway, where every object of this side lives. */
    readonly namespace: pulumi.Output<string>;
    /** Name of the Istio Gateway object serving the link. */
    readonly gatewayName: pulumi.Output<string>;
    /** Name of the live server credential Secret: `<credentialName>-<content hash>`, new at each renewal. */
    readonly credentialName: pulumi.Output<string>;
    readonly exportedHosts: pulumi.Output<string[]>;
    readonly allowedClientPrincipals: pulumi.Output<string[]>;

    constructor(name: string, args: ExportGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider("ExportGateway", opts);
        // The link name takes part in one rule (upstream CA Secret names); checkArgs refuses a bad one.
        const linkName = linkNameOf(name, args);
        const a = checkArgs(exportGatewaySpec(linkName), args);
        const settings = exportObjectsSettings(linkName, a);
        const objects = exportObjectList(settings);
        claimObjects(
            `ExportGateway "${name}"`,
            opts,
            claimsOf(objects, settings.credentialName, a.credentialName !== undefined),
        );
        super(EXPORT_GATEWAY_TOKEN, name, {}, opts);
        const { credentialName } = settings;

        const gateway = resolveGateway("gateway", a.gateway);
        // Each consumer's identity, checked once known; the Gateway pins the certificate to all of them.
        const consumerPrincipals = (a.consumers ?? []).map((c, i) =>
            later(exportConsumerFields.principal, `consumers[${i}].principal`, c.principal),
        );
        const principals: pulumi.Output<string[]> = a.consumers
            ? pulumi.all(consumerPrincipals)
            : (later(
                  exportGatewayFields.allowedClientPrincipals,
                  "allowedClientPrincipals",
                  a.allowedClientPrincipals,
              ) as pulumi.Output<string[]>);
        const checked = resolvedServices(a, settings);
        // What the payloads read; the identities need none of it. Each upstream's CA is its first service's.
        const caOf = new Map(
            a.services.map((s, i) => [upstreamKeyOf(settings.services[i]), s.upstreamCaPem] as const).reverse(),
        );
        const caPems = [...caOf].map(([key, pem]) => [key, pulumi.output(pem).apply((p) => p ?? "")] as const);
        const sources = createObjects(
            name,
            objects,
            {
                gateway,
                allowedClientPrincipals: principals,
                consumerPrincipals,
                bundle: a.serverBundle,
                credentialSecret: credentialSecretSlot(credentialName, a.serverBundle),
                services: checked,
                upstreamCaPems: Object.fromEntries(caPems),
                upstreamCaSecrets: Object.fromEntries(
                    caPems.map(([key, pem]) => [key, pem.apply((p) => upstreamCaSecretName(linkName, key, p))]),
                ),
            } satisfies ExportSources,
            { parent: this },
        );

        this.namespace = pulumi.output(a.gateway.namespace);
        this.gatewayName = pulumi.output(exportNames.gateway(linkName));
        this.credentialName = pulumi.output(sources.credentialSecret);
        this.exportedHosts = pulumi.output(a.services.map((s) => s.host));
        this.allowedClientPrincipals = principals;
        this.registerOutputs({
            namespace: this.namespace,
            gatewayName: this.gatewayName,
            credentialName: this.credentialName,
            exportedHosts: this.exportedHosts,
            allowedClientPrincipals: this.allowedClientPrincipals,
        });
    }
}

/** The plain settings that name every object; the namespace stays an Input (it carries the wait for istiod). */
function exportObjectsSettings(linkName: string, args: ExportGatewayArgs): ExportObjectsSettings<pulumi.Input<string>> {
    return {
        linkName,
        namespace: args.gateway.namespace,
        credentialName: args.credentialName ?? `${linkName}-link`,
        services: args.services.map((s) => ({
            host: s.host,
            privateUpstreamCa: s.upstreamCaPem !== undefined,
            ...(s.upstreamName !== undefined ? { upstream: s.upstreamName } : {}),
        })),
        ...(args.consumers ? { consumers: args.consumers.map((c) => ({ name: c.name, hosts: c.hosts })) } : {}),
    };
}

/**
 * Each service as the payloads read it, its Outputs resolved and checked. A service that shares an upstream
 * must agree with the service whose settings the shared objects carry (the first one naming it).
 */
function resolvedServices(
    args: ExportGatewayArgs,
    settings: ExportObjectsSettings<pulumi.Input<string>>,
): pulumi.Output<ExportedService>[] {
    const f = exportedServiceFields;
    const resolved: pulumi.Output<ExportedService>[] = args.services.map((svcArgs, i) =>
        pulumi
            .all([
                later(f.upstreamHost, `services[${i}].upstreamHost`, svcArgs.upstreamHost),
                later(f.upstreamPort, `services[${i}].upstreamPort`, svcArgs.upstreamPort),
                later(f.upstreamSni, `services[${i}].upstreamSni`, svcArgs.upstreamSni),
                svcArgs.upstreamCaPem,
            ])
            .apply(([upstreamHost, upstreamPort, upstreamSni, caPem]) => {
                // A CA that resolves to nothing (e.g. LambdaAlb with your own ACM certificate) means a publicly
                // trusted upstream: system roots verify it and the CA Secret stays empty and unreferenced.
                return {
                    ...settings.services[i],
                    upstreamHost,
                    upstreamPort: upstreamPort ?? 443,
                    privateUpstreamCa: Boolean(caPem),
                    ...(upstreamSni ? { upstreamSni } : {}),
                };
            }),
    );
    const firstOf = new Map<string, number>();
    settings.services.forEach((svc, i) => {
        if (!firstOf.has(upstreamKeyOf(svc))) firstOf.set(upstreamKeyOf(svc), i);
    });
    return resolved.map((mine, i) => {
        const key = upstreamKeyOf(settings.services[i]);
        const owner = firstOf.get(key)!;
        if (owner === i) return mine;
        return pulumi.all([mine, resolved[owner]]).apply(([m, theirs]) => {
            if (
                m.upstreamHost !== theirs.upstreamHost ||
                m.upstreamPort !== theirs.upstreamPort ||
                upstreamSniOf(m) !== upstreamSniOf(theirs) ||
                m.privateUpstreamCa !== theirs.privateUpstreamCa
            ) {
                invalid(
                    `services[${i}].upstreamName`,
                    `"${key}" is also the upstream of services[${owner}], but the two resolve to different upstream settings (${m.upstreamHost}:${m.upstreamPort} vs ${theirs.upstreamHost}:${theirs.upstreamPort}); give services that share an upstream the same host, port, SNI and CA, or different upstreamNames.`,
                );
            }
            return m;
        });
    });
}
