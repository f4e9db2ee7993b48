// ImportGateway (GKE side): makes each exported host callable as plain `http://<host>` from the listed
// workloads; their sidecars hand the request to the egress gateway (Istio mTLS), which originates the
// link's mutual TLS to the EKS gateway's load balancer.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { claimObjects } from "../common/claims";
import { requireKubernetesProvider } from "../common/kube";
import { checkArgs, later, valueOr } from "../common/spec";
import { claimsOf } from "../link-routing/claims";
import { linkNameOf } from "../link-routing/spec";
import { resolveGateway } from "../link-routing/resolve";
import { createObject, createObjects, payloadOf } from "../common/deferred";
import { credentialSecretSlot } from "../link-routing/resources";
import { ImportObjectsSettings, ImportSources, ImportedService, importNames, importObjectList } from "./objects";
import { TEST_CLIENT_SOURCE, testClientObjects, testClientSet } from "./test-client";
import { allowedSourceFields, importGatewayFields as f, importGatewaySpec } from "./spec";
import type { AllowedSourceArgs, ImportGatewayArgs } from "./args";

export type { AllowedSourceArgs, ImportedServiceArgs, ImportGatewayArgs } from "./args";

export const IMPORT_GATEWAY_TOKEN = "crossmesh:index:ImportGateway";

/**
 * GKE side of a link: the exported hosts become callable in the mesh (`http://<host>/`) through the egress
 * gateway, which originates the link's mutual TLS to the EKS gateway; only the allowed sources may call.
 */
export class ImportGateway extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    /** Name of the Istio Gateway object on the egress gateway. */
    readonly gatewayName: pulumi.Output<string>;
    /** Name of the live client credential Secret: `<credentialName>-<content hash>`, new at each renewal. */
    readonly credentialName: pulumi.Output<string>;
    readonly importedHosts: pulumi.Output<string[]>;
    /** The EKS load balancer hostname the ServiceEntries point at. */
    readonly remoteGatewayHostname: pulumi.Output<string>;

    constructor(name: string, args: ImportGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider("ImportGateway", opts);
        const a = checkArgs(importGatewaySpec, args);
        const settings = importObjectsSettings(linkNameOf(name, a), a);
        const objects = importObjectList(settings);
        const testClient = valueOr(f.deployTestClient, a.deployTestClient);
        claimObjects(`ImportGateway "${name}"`, opts, [
            ...claimsOf(objects, settings.credentialName, a.credentialName !== undefined),
            ...(testClient
                ? testClientObjects(settings.linkName, "", undefined).map((o) => ({ ...o, field: "deployTestClient" }))
                : []),
        ]);
        super(IMPORT_GATEWAY_TOKEN, name, {}, opts);
        const child = { parent: this };
        const { linkName, credentialName } = settings;

        const gateway = resolveGateway("gateway", a.gateway);
        const trustDomain = later(f.trustDomain, "trustDomain", a.trustDomain);
        const services = resolvedServices(a, testClient);
        const remote = later(f.remoteGatewayHostname, "remoteGatewayHostname", a.remoteGatewayHostname);
        // What the payloads read; the identities need none of it.
        const sources = createObjects(
            name,
            objects,
            {
                gateway,
                trustDomain,
                remotePort: later(f.remotePort, "remotePort", a.remotePort).apply((p) => valueOr(f.remotePort, p)),
                remoteHostname: remote,
                bundle: a.clientBundle,
                credentialSecret: credentialSecretSlot(credentialName, a.clientBundle),
                services,
            } satisfies ImportSources,
            child,
        );
        if (testClient) this.deployTestClient(name, linkName, a, gateway, child);

        this.namespace = pulumi.output(a.gateway.namespace);
        this.gatewayName = pulumi.output(importNames.gateway(linkName));
        this.credentialName = pulumi.output(sources.credentialSecret);
        this.importedHosts = pulumi.output(a.services.map((s) => s.host));
        this.remoteGatewayHostname = remote;
        this.registerOutputs({
            namespace: this.namespace,
            gatewayName: this.gatewayName,
            credentialName: this.credentialName,
            importedHosts: this.importedHosts,
            remoteGatewayHostname: this.remoteGatewayHostname,
        });
    }

    /**
     * Namespace first; the ServiceAccount and Deployment take their namespace from it (a data edge).
     * Names are plain; the namespace's injection label waits for the injector (the revision).
     */
    private deployTestClient(
        name: string,
        linkName: string,
        args: ImportGatewayArgs,
        gateway: pulumi.Output<unknown>,
        child: pulumi.CustomResourceOptions,
    ): void {
        const image = valueOr(f.testClientImage, args.testClientImage);
        // Its pods need the injector, not the gateway: with a revision that carries the injector's readiness,
        // the client starts as soon as istiod is up.
        const injector: pulumi.Output<string | undefined> =
            args.istioRevision !== undefined ? pulumi.output(args.istioRevision) : gateway.apply(() => undefined);
        const options = args.testClientPlacement ? { placement: args.testClientPlacement } : {};
        const set = testClientSet(linkName, image, options);
        const sources = { revision: injector };
        const ns = createObject(name, set.namespace.identity, payloadOf(set.namespace, sources), child);
        // The service account and Deployment take their namespace from the created namespace (a data edge).
        createObjects(name, set.inNamespace((ns as k8s.core.v1.Namespace).metadata.name), sources, child);
    }
}

/** The plain settings that name every object; the namespace stays an Input (it carries the wait for istiod). */
function importObjectsSettings(linkName: string, args: ImportGatewayArgs): ImportObjectsSettings<pulumi.Input<string>> {
    return {
        linkName,
        namespace: args.gateway.namespace,
        credentialName: args.credentialName ?? `${linkName}-link`,
        hosts: args.services.map((s) => s.host),
    };
}

/**
 * Each imported host with its callers resolved (checked once known); the test client, when deployed, may call every
 * host. A host whose callers are all plain (checked up front) is a plain value: no Output to wait on.
 */
function resolvedServices(args: ImportGatewayArgs, testClient: boolean): pulumi.Input<ImportedService>[] {
    const checked = (src: AllowedSourceArgs, path: string) =>
        pulumi.all([
            later(allowedSourceFields.namespace, `${path}.namespace`, src.namespace),
            later(allowedSourceFields.serviceAccount, `${path}.serviceAccount`, src.serviceAccount),
        ]);
    const deferred = (v: unknown) => pulumi.Output.isInstance(v) || v instanceof Promise;
    return args.services.map((s, i) => {
        const service = (srcs: [string, string | undefined][]): ImportedService => ({
            host: s.host,
            allowedSources: [
                ...srcs.map(([namespace, serviceAccount]) =>
                    serviceAccount ? { namespace, serviceAccount } : { namespace },
                ),
                ...(testClient ? [TEST_CLIENT_SOURCE] : []),
            ],
        });
        if (s.allowedSources.every((a) => !deferred(a.namespace) && !deferred(a.serviceAccount)))
            return service(
                s.allowedSources.map((a) => [a.namespace as string, a.serviceAccount as string | undefined]),
            );
        return pulumi
            .all(s.allowedSources.map((a, j) => checked(a, `services[${i}].allowedSources[${j}]`)))
            .apply((srcs) => service(srcs as [string, string | undefined][]));
    });
}
