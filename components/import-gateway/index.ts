// ImportGateway (GKE side): makes each exported host callable as plain `http://<host>` from the listed
// workloads; their sidecars hand the request to the egress gateway (Istio mTLS), which originates the
// link's mutual TLS to the EKS gateway's load balancer.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { GatewayRefInput, TlsBundle } from "../common/types";
import { requireConcreteHostname } from "../common/validation";
import { DEFAULT_LINK_NAME } from "../link-routing/names";
import { LinkObject, pick } from "../link-routing/objects";
import { PLACEHOLDER_BUNDLE, PLACEHOLDER_GATEWAY, resolveGateway } from "../link-routing/resolve";
import { createObject, identityOf } from "../link-routing/resources";
import {
    ImportSettings, clientSecret, egressGateway, egressGatewayDestinationRule, importAuthorizationPolicy, importNames,
    importVirtualService, originationDestinationRule, remoteServiceEntry, strictMtlsPolicy,
} from "./objects";
import { DEFAULT_TEST_CLIENT_IMAGE, TEST_CLIENT_SOURCE, testClientObjects } from "./test-client";
import { requireTrustDomain, validateImportGatewayArgs } from "./validate";

export const IMPORT_GATEWAY_TOKEN = "crossmesh:index:ImportGateway";

export interface AllowedSourceArgs {
    /** Namespace of the callers. */
    namespace: pulumi.Input<string>;
    /** One service account in that namespace; omit to admit every workload of the namespace. */
    serviceAccount?: pulumi.Input<string>;
}

export interface ImportedServiceArgs {
    /** The exported host, e.g. "lambda.external" (plain: it names objects). Apps call http://<host>/. */
    host: string;
    /** Who may call it. At least one; everything not listed is denied. */
    allowedSources: AllowedSourceArgs[];
}

export interface ImportGatewayArgs {
    /** The GKE egress gateway (IstioInstall's output, or an adopted gateway described by hand). */
    gateway: GatewayRefInput;
    /** Client credential: certificate (URI SAN = the egress gateway's SPIFFE id), key, and the server CA as ca.crt (LinkPki's clientBundle). */
    clientBundle: pulumi.Input<TlsBundle>;
    /** Name of the credential Secret in the egress namespace. Default "<linkName>-link". Must not end in "-cacert". */
    credentialName?: string;
    /** The EKS ingress gateway's load balancer hostname, from its Service status: the only thing this side waits for from EKS. */
    remoteGatewayHostname: pulumi.Input<string>;
    /** Port of the EKS gateway's link listener. Default 443. */
    remotePort?: pulumi.Input<number>;
    /** The hosts to import and who may call each. */
    services: ImportedServiceArgs[];
    /** Trust domain of the GKE mesh (meshConfig.trustDomain), for callers' principals. */
    trustDomain: pulumi.Input<string>;
    /** Also create a mesh-wide PeerAuthentication "default" with mTLS STRICT. Default false. */
    enforceStrictMtls?: boolean;
    /** The mesh root namespace (where a mesh-wide PeerAuthentication goes). Default "istio-system". */
    meshRootNamespace?: string;
    /** Deploy a `sleep` curl client in namespace "sleep", admitted to every imported host. Default false. */
    deployTestClient?: boolean;
    /** Image of the test client. Default "curlimages/curl:8.15.0". */
    testClientImage?: string;
    /**
     * Istio revision for the test client's sidecar injection (`istio.io/rev`), e.g. IstioInstall's
     * `revision`, which resolves once the injector is installed; the client waits for it and for
     * nothing else. Unset: default injection, and the client waits for the gateway as a whole.
     */
    istioRevision?: pulumi.Input<string>;
    /** Prefix of every object name, so several links can share the gateway. Default "crossmesh". */
    linkName?: string;
}

export class ImportGateway extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    /** Name of the Istio Gateway object on the egress gateway. */
    readonly gatewayName: pulumi.Output<string>;
    readonly credentialName: pulumi.Output<string>;
    readonly importedHosts: pulumi.Output<string[]>;
    /** The EKS load balancer hostname the ServiceEntries point at. */
    readonly remoteGatewayHostname: pulumi.Output<string>;

    constructor(name: string, args: ImportGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        validateImportGatewayArgs(args, opts);
        super(IMPORT_GATEWAY_TOKEN, name, {}, opts);
        const child = { parent: this };
        const linkName = args.linkName ?? DEFAULT_LINK_NAME;
        const credentialName = args.credentialName ?? `${linkName}-link`;
        const testClient = args.deployTestClient === true;

        const plan: ImportSettings = {
            linkName, credentialName, gateway: PLACEHOLDER_GATEWAY, remotePort: 443, trustDomain: "",
            services: args.services.map((s) => ({ host: s.host, allowedSources: [] })),
        };
        const services = pulumi.all(args.services.map((s) => pulumi.all(s.allowedSources.map((a) => pulumi.all([a.namespace, a.serviceAccount])))
            .apply((srcs) => ({
                host: s.host,
                allowedSources: [
                    ...srcs.map(([namespace, serviceAccount]) => (serviceAccount ? { namespace, serviceAccount } : { namespace })),
                    ...(testClient ? [TEST_CLIENT_SOURCE] : []),
                ],
            }))));
        // Everything but the remote address and the credential: most objects need nothing from EKS or the PKI.
        const core: pulumi.Output<ImportSettings> = pulumi.all([resolveGateway("gateway", args.gateway), args.trustDomain, args.remotePort, services])
            .apply(([gateway, trustDomain, remotePort, svcs]) => {
                requireTrustDomain("trustDomain", trustDomain);
                return { ...plan, gateway, trustDomain, remotePort: remotePort ?? 443, services: svcs };
            });
        const remote = pulumi.output(args.remoteGatewayHostname).apply((h) => {
            requireConcreteHostname("remoteGatewayHostname", h);
            return h;
        });
        const emit = (planned: LinkObject, built: pulumi.Output<LinkObject>) => createObject(name, identityOf(planned), built, child);

        emit(clientSecret(plan, PLACEHOLDER_BUNDLE), pulumi.all([core, args.clientBundle]).apply(([s, b]) => clientSecret(s, b)));
        plan.services.forEach((planned, i) => {
            const svc = core.apply((s) => s.services[i]);
            // The ServiceEntry alone reads the EKS load balancer hostname: the one edge across clusters.
            emit(remoteServiceEntry(plan, planned, ""), pulumi.all([core, svc, remote]).apply(([s, v, h]) => remoteServiceEntry(s, v, h)));
            emit(originationDestinationRule(plan, planned), pulumi.all([core, svc]).apply(([s, v]) => originationDestinationRule(s, v)));
            emit(importVirtualService(plan, planned), pulumi.all([core, svc]).apply(([s, v]) => importVirtualService(s, v)));
        });
        emit(egressGateway(plan), core.apply(egressGateway));
        emit(egressGatewayDestinationRule(plan), core.apply(egressGatewayDestinationRule));
        emit(importAuthorizationPolicy(plan), core.apply(importAuthorizationPolicy));

        // Built from `core` too, so they wait for the Istio install that produced the gateway (CRDs, injector).
        if (args.enforceStrictMtls) {
            const root = args.meshRootNamespace ?? "istio-system";
            emit(strictMtlsPolicy(linkName, root), core.apply(() => strictMtlsPolicy(linkName, root)));
        }
        if (testClient) this.deployTestClient(name, linkName, args, core, child);

        this.namespace = pulumi.output(args.gateway.namespace);
        this.gatewayName = pulumi.output(importNames.gateway(linkName));
        this.credentialName = pulumi.output(credentialName);
        this.importedHosts = pulumi.output(args.services.map((s) => s.host));
        this.remoteGatewayHostname = remote;
        this.registerOutputs({
            namespace: this.namespace,
            gatewayName: this.gatewayName,
            credentialName: this.credentialName,
            importedHosts: this.importedHosts,
            remoteGatewayHostname: this.remoteGatewayHostname,
        });
    }

    /** Namespace first; the ServiceAccount and Deployment take their namespace from it (a data edge). */
    private deployTestClient(name: string, linkName: string, args: ImportGatewayArgs, core: pulumi.Output<ImportSettings>, child: pulumi.CustomResourceOptions): void {
        const image = args.testClientImage ?? DEFAULT_TEST_CLIENT_IMAGE;
        const planned = testClientObjects(linkName, image, undefined);
        // Its pods need the injector, not the gateway: with a revision that carries the injector's readiness,
        // the client starts as soon as istiod is up.
        const injector: pulumi.Output<string | undefined> = args.istioRevision !== undefined ? pulumi.output(args.istioRevision) : core.apply(() => undefined);
        const built = injector.apply((rev) => testClientObjects(linkName, image, rev));
        const [nsPlan, saPlan, deployPlan] = planned;
        const ns = createObject(name, identityOf(nsPlan), built.apply((o) => o[0]), child) as k8s.core.v1.Namespace;
        const inNamespace = (kind: string, objName: string) => pulumi.all([built, ns.metadata.name])
            .apply(([objs, nsName]) => { const o = pick(objs, kind, objName); return { ...o, metadata: { ...o.metadata, namespace: nsName } }; });
        createObject(name, identityOf(saPlan), inNamespace(saPlan.kind, saPlan.metadata.name), child);
        createObject(name, identityOf(deployPlan), inNamespace(deployPlan.kind, deployPlan.metadata.name), child);
    }
}
