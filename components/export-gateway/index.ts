// ExportGateway (EKS side): makes the ingress gateway terminate the link's mTLS for the exported hosts,
// admit only the allowed client identities, and route each host to its upstream (the internal ALB) over TLS.
import * as pulumi from "@pulumi/pulumi";
import type { GatewayRefInput, TlsBundle } from "../common/types";
import { invalid, requireConcreteHostname } from "../common/validation";
import { DEFAULT_LINK_NAME } from "../link-routing/names";
import type { LinkObject } from "../link-routing/objects";
import { PLACEHOLDER_BUNDLE, PLACEHOLDER_GATEWAY, resolveGateway } from "../link-routing/resolve";
import { createObject, identityOf } from "../link-routing/resources";
import {
    ExportSettings, ExportedService, exportAuthorizationPolicy, exportGateway, exportNames, exportVirtualService,
    distinctUpstreams, serverSecret, upstreamCaSecret, upstreamDestinationRule, upstreamKeyOf, upstreamServiceEntry, upstreamSniOf,
} from "./objects";
import { requireClientSpiffeId, validateExportGatewayArgs } from "./validate";

export const EXPORT_GATEWAY_TOKEN = "crossmesh:index:ExportGateway";

export interface ExportedServiceArgs {
    /** The name GKE callers use, e.g. "lambda.external": a concrete lowercase FQDN (it names objects, so plain). */
    host: string;
    /** DNS name of the upstream the gateway forwards to, e.g. LambdaAlb's ALB dnsName. */
    upstreamHost: pulumi.Input<string>;
    /** Upstream HTTPS port. Default 443. */
    upstreamPort?: pulumi.Input<number>;
    /**
     * PEM of the CA that signed the upstream's certificate, when it is private (e.g. LambdaAlb's own CA).
     * Stored as a CA-only Secret the gateway verifies the upstream with. Omit for a publicly trusted upstream
     * (a value that resolves to undefined counts as omitted: the CA Secret is then created empty and unused).
     */
    upstreamCaPem?: pulumi.Input<string>;
    /** SNI to send and SAN to require from the upstream. Default: upstreamHost. */
    upstreamSni?: pulumi.Input<string>;
    /**
     * Names the upstream's ServiceEntry, DestinationRule and CA Secret (a DNS label). Services with the
     * same name share one set, e.g. the hosts of one LambdaHostsAlb; they must give the same upstream
     * host, port, SNI and CA. Default: the host, one set per service.
     */
    upstreamName?: string;
}

export interface ExportGatewayArgs {
    /** The EKS ingress gateway (IstioInstall's output, or an adopted gateway described by hand). */
    gateway: GatewayRefInput;
    /** Server credential: certificate with a DNS SAN per exported host, its key, and the client CA as ca.crt (LinkPki's serverBundle). */
    serverBundle: pulumi.Input<TlsBundle>;
    /** Name of the credential Secret in the gateway namespace. Default "<linkName>-link". Must not end in "-cacert". */
    credentialName?: string;
    /** The hosts to export and their upstreams. */
    services: ExportedServiceArgs[];
    /**
     * SPIFFE ids allowed to call, exactly as the client certificate's URI SAN (LinkPki's clientSpiffeId),
     * e.g. "spiffe://gke.example/ns/istio-egress/sa/istio-egressgateway". Checked by the Gateway
     * (`subjectAltNames`) and by an ALLOW AuthorizationPolicy; nothing else may call.
     */
    allowedClientPrincipals: pulumi.Input<pulumi.Input<string>[]>;
    /** Prefix of every object name, so several links can share the gateway. Default "crossmesh". */
    linkName?: string;
}

export class ExportGateway extends pulumi.ComponentResource {
    /** Namespace of the ingress gateway, where every object of this side lives. */
    readonly namespace: pulumi.Output<string>;
    /** Name of the Istio Gateway object serving the link. */
    readonly gatewayName: pulumi.Output<string>;
    /** Name of the server credential Secret. */
    readonly credentialName: pulumi.Output<string>;
    readonly exportedHosts: pulumi.Output<string[]>;
    readonly allowedClientPrincipals: pulumi.Output<string[]>;

    constructor(name: string, args: ExportGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        validateExportGatewayArgs(args, opts);
        super(EXPORT_GATEWAY_TOKEN, name, {}, opts);
        const child = { parent: this };
        const linkName = args.linkName ?? DEFAULT_LINK_NAME;
        const credentialName = args.credentialName ?? `${linkName}-link`;

        // `plan` has the final names and placeholder values: it tells which resources to create now.
        const plan: ExportSettings = {
            linkName, credentialName, gateway: PLACEHOLDER_GATEWAY, allowedClientPrincipals: [],
            services: args.services.map((s) => ({
                host: s.host, upstreamHost: "", upstreamPort: 443, privateUpstreamCa: s.upstreamCaPem !== undefined,
                ...(s.upstreamName !== undefined ? { upstream: s.upstreamName } : {}),
            })),
        };
        const principals = pulumi.output(args.allowedClientPrincipals).apply((ps) => {
            ps.forEach((p, i) => requireClientSpiffeId(`allowedClientPrincipals[${i}]`, p));
            return ps;
        });
        // What the Gateway and the policy read: no upstream, so they never wait for the ALB.
        const core: pulumi.Output<ExportSettings> = pulumi.all([resolveGateway("gateway", args.gateway), principals])
            .apply(([gateway, allowedClientPrincipals]) => ({ ...plan, gateway, allowedClientPrincipals }));
        const emit = (planned: LinkObject, built: pulumi.Output<LinkObject>) => createObject(name, identityOf(planned), built, child);

        emit(serverSecret(plan, PLACEHOLDER_BUNDLE), pulumi.all([core, args.serverBundle]).apply(([s, b]) => serverSecret(s, b)));
        // A CA that resolves to nothing (e.g. LambdaAlb with your own ACM certificate) means a publicly
        // trusted upstream: system roots verify it and the CA Secret stays empty and unreferenced.
        const resolved: pulumi.Output<ExportedService>[] = args.services.map((svcArgs, i) =>
            pulumi.all([svcArgs.upstreamHost, svcArgs.upstreamPort, svcArgs.upstreamSni, svcArgs.upstreamCaPem])
                .apply(([upstreamHost, upstreamPort, upstreamSni, caPem]) => {
                    requireConcreteHostname(`services[${i}].upstreamHost`, upstreamHost);
                    return { ...plan.services[i], upstreamHost, upstreamPort: upstreamPort ?? 443, privateUpstreamCa: Boolean(caPem), ...(upstreamSni ? { upstreamSni } : {}) };
                }));
        // Each upstream's objects come from the first service that names it; the others must agree with it.
        const owners = distinctUpstreams(plan.services);
        const ownerOf = new Map(owners.map((svc) => [upstreamKeyOf(svc), plan.services.indexOf(svc)]));
        for (const planned of owners) {
            const i = plan.services.indexOf(planned);
            const caPem = args.services[i].upstreamCaPem;
            if (caPem !== undefined) {
                // Named from the plan, not the resolved upstream: the CA is known long before the ALB's name.
                emit(upstreamCaSecret(plan, planned, ""), pulumi.all([core, caPem]).apply(([s, ca]) => upstreamCaSecret(s, planned, ca ?? "")));
            }
            const withSvc = pulumi.all([core, resolved[i]]);
            emit(upstreamServiceEntry(plan, planned), withSvc.apply(([s, v]) => upstreamServiceEntry(s, v)));
            emit(upstreamDestinationRule(plan, planned), withSvc.apply(([s, v]) => upstreamDestinationRule(s, v)));
        }
        plan.services.forEach((planned, i) => {
            const key = upstreamKeyOf(planned);
            const owner = ownerOf.get(key)!;
            const svc = owner === i ? resolved[i] : pulumi.all([resolved[i], resolved[owner]]).apply(([mine, theirs]) => {
                if (mine.upstreamHost !== theirs.upstreamHost || mine.upstreamPort !== theirs.upstreamPort || upstreamSniOf(mine) !== upstreamSniOf(theirs) || mine.privateUpstreamCa !== theirs.privateUpstreamCa) {
                    invalid(`services[${i}].upstreamName`, `"${key}" is also the upstream of services[${owner}], but the two resolve to different upstream settings (${mine.upstreamHost}:${mine.upstreamPort} vs ${theirs.upstreamHost}:${theirs.upstreamPort}); give services that share an upstream the same host, port, SNI and CA, or different upstreamNames.`);
                }
                return mine;
            });
            emit(exportVirtualService(plan, planned), pulumi.all([core, svc]).apply(([s, v]) => exportVirtualService(s, v)));
        });
        emit(exportGateway(plan), core.apply(exportGateway));
        emit(exportAuthorizationPolicy(plan), core.apply(exportAuthorizationPolicy));

        this.namespace = pulumi.output(args.gateway.namespace);
        this.gatewayName = pulumi.output(exportNames.gateway(linkName));
        this.credentialName = pulumi.output(credentialName);
        this.exportedHosts = pulumi.output(args.services.map((s) => s.host));
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
