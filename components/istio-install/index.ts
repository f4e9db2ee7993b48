// IstioInstall: Istio on one cluster, from the official Helm charts (base → istiod → gateway, revisioned),
// with the gateway the link needs: on EKS an ingress gateway behind an NLB whose Service crossmesh owns,
// on GKE an egress gateway (ClusterIP). Or adopt a running Istio: install nothing, describe its gateway.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { customObject, objectResourceName, requireKubernetesProvider } from "../common/kube";
import { checkArgs, later } from "../common/spec";
import {
    BASE_RELEASE,
    DEFAULT_TRUST_DOMAINS,
    ISTIO_SYSTEM_NAMESPACE,
    IstioChart,
    ROLE_DEFAULTS,
    chartReference,
    gatewaySelectorLabels,
    istiodReleaseName,
} from "./charts";
import { loadBalancerHostnameOf, loadBalancerService } from "./load-balancer";
import { REVISION_TAG, REVISION_TAG_WEBHOOK, revisionTagWebhook } from "./revision-tag";
import { claimMeshWideObjects, strictMtlsPolicy } from "./mesh-policy";
import { canonicalCidr, installSettings } from "./settings";
import {
    ResolvedInstall,
    existingGatewayFields,
    internalNeedsSourceRanges,
    resolveInstall,
    istioInstallFields as fields,
    istioInstallSpec,
} from "./spec";
import type { GatewayRefOutput, IstioInstallArgs } from "./args";
import type { GatewayRole } from "../common/types";

export type { ExistingGatewayArgs, GatewayRefOutput, IstioInstallArgs } from "./args";
import { chartReleases } from "./values";

export { DEFAULT_ISTIO_VERSION, GATEWAY_ROLES, ISTIO_HELM_REPO, OUTBOUND_TRAFFIC_POLICIES } from "./charts";
export type { ExtraChartValues } from "./charts";
export {
    CURL_IMAGE,
    CURL_USER_ID,
    CURL_GROUP_ID,
    curlImage,
    curlSecurityContext,
    meshClientProxyConfig,
    placementSpec,
    validatePlacement,
    requireImageReference,
    requireImageRegistry,
} from "./client-pods";
export type { PodPlacement, Toleration } from "./client-pods";
export { ownedValues, chartReleases } from "./values";
export { installSettings } from "./settings";
export type { PlainInstallArgs } from "./settings";

export { GatewayExposure, GatewayRole, OutboundTrafficPolicy } from "../common/types";

export const ISTIO_INSTALL_TOKEN = "crossmesh:index:IstioInstall";

/**
 * Istio on one cluster from the official Helm charts (base, istiod, gateway; revisioned), with the gateway a
 * link needs: an ingress gateway behind an NLB (EKS side) or an egress gateway (GKE side). Or adopt a
 * running Istio: nothing is installed and its gateway is described.
 */
export class IstioInstall extends pulumi.ComponentResource {
    /**
     * Where the gateway runs. When installed, `namespace` resolves once istiod is installed and tagged (not
     * the gateway release), so objects placed there (secrets, Istio routing) wait for the CRDs and istiod's
     * validating webhook, and go in while the gateway pods still roll out.
     */
    public readonly gateway: GatewayRefOutput;
    /** Ingress role: the NLB's DNS name, straight from the gateway Service's status. Undefined for egress. */
    public readonly loadBalancerHostname: pulumi.Output<string | undefined>;
    /**
     * The revision workloads label themselves with (`istio.io/rev`) to get sidecars. When crossmesh
     * installs Istio it resolves once istiod (the injector) is installed, so anything built from it —
     * an injected namespace, a client Deployment — waits for the injector and nothing more.
     */
    public readonly revision: pulumi.Output<string>;
    /**
     * The `istio.io/rev` value namespaces use to get sidecars, stable across upgrades: when crossmesh installs
     * Istio, the revision tag "default" (it resolves once the tag points at the installed revision); when it
     * adopts one, the adopted revision's label value. (`istio-injection=enabled` means the same tag.)
     */
    public readonly injectionRevision: pulumi.Output<string>;
    public readonly trustDomain: pulumi.Output<string>;
    /** The installed Istio version; with adoptExisting, the `version` given (if any). */
    public readonly version: pulumi.Output<string | undefined>;

    constructor(name: string, args: IstioInstallArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider("IstioInstall", opts);
        const a = checkArgs(istioInstallSpec, args);
        const resolved = resolveInstall(a);
        claimMeshWideObjects(`IstioInstall "${name}"`, a, opts);
        super(ISTIO_INSTALL_TOKEN, name, {}, opts);

        if (resolved.adopt) {
            // Checked up front when plain; an Output is checked once known (a late failure fails the deployment).
            const gw = a.existingGateway!;
            const eg = existingGatewayFields;
            const at = (key: string) => `existingGateway.${key}`;
            this.gateway = {
                namespace: later(eg.namespace, at("namespace"), gw.namespace),
                selectorLabels: later(eg.selectorLabels, at("selectorLabels"), gw.selectorLabels),
                serviceName: later(eg.serviceName, at("serviceName"), gw.serviceName),
                serviceAccount: later(eg.serviceAccount, at("serviceAccount"), gw.serviceAccount),
            };
            this.loadBalancerHostname =
                resolved.gatewayRole === "ingress"
                    ? this.readLoadBalancerHostname(
                          name,
                          this.gateway.namespace,
                          gw.loadBalancerServiceName === undefined
                              ? this.gateway.serviceName
                              : later(
                                    eg.loadBalancerServiceName,
                                    at("loadBalancerServiceName"),
                                    gw.loadBalancerServiceName,
                                ),
                      )
                    : pulumi.output(undefined);
            this.revision = pulumi.output(a.revision ?? "default");
            this.injectionRevision = this.revision;
            this.trustDomain = later(fields.trustDomain, "trustDomain", a.trustDomain!);
            this.version = pulumi.output(a.version);
        } else {
            const installed = this.install(name, a, resolved);
            this.gateway = installed.gateway;
            this.loadBalancerHostname = installed.loadBalancerHostname;
            this.revision = installed.revision;
            this.injectionRevision = installed.injectionRevision;
            this.trustDomain = installed.trustDomain;
            this.version = pulumi.output(resolved.version);
        }
        if (resolved.strictMtls) {
            // In an install the root namespace's objects need the CRDs and istiod's validating webhook:
            // `revision` resolves once istiod is installed, so the policy waits for exactly that.
            const policy = strictMtlsPolicy(a.meshRootNamespace ?? ISTIO_SYSTEM_NAMESPACE);
            customObject(
                objectResourceName(name, policy),
                policy,
                this.revision.apply(() => policy.spec),
                { parent: this },
            );
        }

        this.registerOutputs({
            gateway: this.gateway,
            loadBalancerHostname: this.loadBalancerHostname,
            revision: this.revision,
            injectionRevision: this.injectionRevision,
            trustDomain: this.trustDomain,
            version: this.version,
        });
    }

    private install(name: string, a: IstioInstallArgs, resolved: ResolvedInstall) {
        const gatewayRole = resolved.gatewayRole;
        const child = { parent: this };
        const inputs = resolvedInputs(a, gatewayRole);
        const { gatewayName, sourceRanges } = inputs;

        const systemNamespace = new k8s.core.v1.Namespace(
            `${name}-istio-system`,
            { metadata: { name: ISTIO_SYSTEM_NAMESPACE } },
            child,
        );
        const gatewayNamespace = new k8s.core.v1.Namespace(
            `${name}-gateway-namespace`,
            { metadata: { name: inputs.namespaceName } },
            child,
        );
        const revisionTag = this.installReleases(name, a, resolved, inputs, {
            base: systemNamespace.metadata.name,
            istiod: systemNamespace.metadata.name,
            gateway: gatewayNamespace.metadata.name,
        });
        // A value that resolves once istiod is installed and tagged (the tag waits for istiod): what is built from
        // it waits for the CRDs, the validating webhook and the injector, and for nothing the gateway release adds.
        // It waits on the tag's name, not on the release's status: a preview knows the name, while a release being
        // upgraded has an unknown status there, which made every object in the gateway's namespace look replaced.
        const afterIstiod = (value: pulumi.Input<string>) =>
            pulumi.all([value, revisionTag.metadata.name]).apply(([v]) => v);

        let loadBalancerHostname: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (gatewayRole === "ingress") {
            // Waits for the namespace only: the NLB provisions while the charts install, and its hostname
            // is a direct output for the other cluster (which then waits for this Service, not the install).
            const spec = pulumi
                .all([gatewayName, sourceRanges, gatewayNamespace.metadata.name])
                .apply(([gateway, ranges, namespace]) => {
                    // Checked up front when plain (internalNeedsSourceRanges); an Output is checked once known.
                    if (a.exposure !== undefined && ranges.length === 0)
                        internalNeedsSourceRanges.check({ ...a, loadBalancerSourceRanges: ranges }, (f) => f);
                    return loadBalancerService({
                        gatewayName: gateway,
                        namespace,
                        loadBalancerSourceRanges: ranges.map(canonicalCidr),
                        ...(a.exposure !== undefined ? { exposure: a.exposure } : {}),
                        ...(a.loadBalancerTags !== undefined ? { tags: a.loadBalancerTags } : {}),
                    });
                });
            const service = new k8s.core.v1.Service(
                `${name}-load-balancer`,
                { metadata: spec.metadata, spec: spec.spec },
                child,
            );
            loadBalancerHostname = hostnameOf(service);
        }

        const gateway: GatewayRefOutput = {
            // Istio objects for this gateway need the namespace, the CRDs and istiod's validating webhook
            // (objects sent while it cannot answer are rejected), not the gateway's pods: the gateway picks
            // its configuration and credentials up whenever it starts.
            namespace: afterIstiod(gatewayNamespace.metadata.name),
            selectorLabels: gatewayName.apply(gatewaySelectorLabels),
            // The gateway's Service (crossmesh's LoadBalancer Service for ingress, the chart's ClusterIP one for
            // egress) carries the gateway's name. Taken from the argument, not read back from the Service:
            // that read would make everything naming the gateway wait for the NLB.
            serviceName: gatewayName,
            // The chart creates the service account under the gateway's name (gateway.serviceAccountName).
            serviceAccount: gatewayName,
        };
        return {
            gateway,
            loadBalancerHostname,
            trustDomain: inputs.trustDomain,
            revision: afterIstiod(resolved.revision),
            injectionRevision: afterIstiod(REVISION_TAG),
        };
    }

    /**
     * The charts' Releases (base, one istiod per revision, the gateway) and the revision tag; returns the tag,
     * which exists once the current istiod does.
     */
    private installReleases(
        name: string,
        a: IstioInstallArgs,
        resolved: ResolvedInstall,
        inputs: ResolvedInputs,
        namespaces: Record<IstioChart, pulumi.Output<string>>,
    ): k8s.admissionregistration.v1.MutatingWebhookConfiguration {
        // Only the chart values wait for all the Inputs.
        const plans = pulumi
            .all([inputs.trustDomain, inputs.policy, inputs.gatewayName, inputs.namespaceName, inputs.sourceRanges])
            .apply(([trustDomain, outboundTrafficPolicy, gatewayName, gatewayNamespace, loadBalancerSourceRanges]) =>
                chartReleases(
                    installSettings(resolved.gatewayRole, {
                        ...a,
                        trustDomain,
                        outboundTrafficPolicy,
                        gatewayName,
                        gatewayNamespace,
                        loadBalancerSourceRanges,
                    }),
                ),
            );
        // One Release per entry of the plan, its values from the same plan the render test feeds to the real
        // helm. Its name, chart and version are plain (the gateway's name is `gatewayName`): the same
        // functions give them in chartReleases, so a preview knows them even while a value is unknown.
        const release = (
            resourceName: string,
            chart: IstioChart,
            releaseName: pulumi.Input<string>,
            version: string,
            opts: pulumi.CustomResourceOptions,
        ) => {
            const source = chartReference(chart, a.chartRepository ?? fields.chartRepository.defaultValue!);
            const values = pulumi
                .all([plans, releaseName])
                .apply(([all, n]) => all.find((r) => r.chart === chart && r.name === n)!.values);
            return new k8s.helm.v3.Release(
                resourceName,
                {
                    name: releaseName,
                    chart: source.chart,
                    version,
                    ...(source.repositoryOpts ? { repositoryOpts: source.repositoryOpts } : {}),
                    namespace: namespaces[chart],
                    values,
                },
                { parent: this, ...opts },
            );
        };

        const base = release(`${name}-base`, "base", BASE_RELEASE, resolved.version, {});
        // istiod's objects (webhooks, its config) use base's CRDs and roles; no data expresses that order. One
        // Release resource per revision, named by it: the revision that is current today is a retained one after
        // the next minor upgrade, under the same resource (so keeping it changes nothing).
        const { revision: current, retainedRevisions: retained } = resolved;
        // 0.x named the one istiod resource `<name>-istiod`: the resource of the revision it held takes that over.
        const legacy = { aliases: [{ name: `${name}-istiod` }] };
        const istiod = release(`${name}-istiod-${current}`, "istiod", istiodReleaseName(current), resolved.version, {
            dependsOn: [base],
            ...(retained.length === 1 ? {} : legacy),
        });
        retained.forEach((rev, i) =>
            release(
                `${name}-istiod-${rev}`,
                "istiod",
                istiodReleaseName(rev),
                a.retainedVersions![i],
                // A retained revision is left as it runs (its values then were its own): only its removal is ours.
                { dependsOn: [base], ignoreChanges: ["values"], ...(retained.length === 1 ? legacy : {}) },
            ),
        );
        // The gateway pods are created with `image: auto` and need istiod's injector to become proxies.
        release(`${name}-gateway`, "gateway", inputs.gatewayName, resolved.version, { dependsOn: [istiod] });
        // The tag "default" moves to this revision once its istiod is installed (see revision-tag.ts).
        const tag = revisionTagWebhook(current, a.values?.istiod);
        return new k8s.admissionregistration.v1.MutatingWebhookConfiguration(
            `${name}-revision-tag`,
            {
                metadata: { name: REVISION_TAG_WEBHOOK, labels: tag.metadata.labels },
                webhooks: tag.webhooks as k8s.types.input.admissionregistration.v1.MutatingWebhook[],
            },
            { parent: this, dependsOn: [istiod] },
        );
    }

    /** An adopted ingress gateway's NLB hostname, read from its Service in the cluster. */
    private readLoadBalancerHostname(
        name: string,
        namespace: pulumi.Output<string>,
        serviceName: pulumi.Output<string>,
    ): pulumi.Output<string> {
        const id = pulumi.interpolate`${namespace}/${serviceName}`;
        const service = k8s.core.v1.Service.get(`${name}-adopted-lb`, id, { parent: this });
        return hostnameOf(service);
    }
}

function hostnameOf(service: k8s.core.v1.Service): pulumi.Output<string> {
    return pulumi
        .all([service.metadata, service.status])
        .apply(([m, status]) => loadBalancerHostnameOf(`${m?.namespace}/${m?.name}`, status));
}

type ResolvedInputs = ReturnType<typeof resolvedInputs>;

/**
 * What may be an Output, each on its own: a plain value stays plain (known now, checked up front), an Output
 * is checked once known. Names and everything plain do not wait for any other argument.
 */
function resolvedInputs(a: IstioInstallArgs, gatewayRole: GatewayRole) {
    const defaults = ROLE_DEFAULTS[gatewayRole];
    return {
        gatewayName: later(fields.gatewayName, "gatewayName", a.gatewayName ?? defaults.gatewayName),
        namespaceName: later(
            fields.gatewayNamespace,
            "gatewayNamespace",
            a.gatewayNamespace ?? defaults.gatewayNamespace,
        ),
        sourceRanges: later(
            fields.loadBalancerSourceRanges,
            "loadBalancerSourceRanges",
            a.loadBalancerSourceRanges ?? [],
        ),
        trustDomain: later(fields.trustDomain, "trustDomain", a.trustDomain ?? DEFAULT_TRUST_DOMAINS[gatewayRole]),
        policy: later(
            fields.outboundTrafficPolicy,
            "outboundTrafficPolicy",
            a.outboundTrafficPolicy ?? fields.outboundTrafficPolicy.defaultValue!,
        ),
    };
}
