// IstioInstall: Istio on one cluster, from the official Helm charts (base → istiod → gateway, revisioned),
// with the gateway the link needs: on EKS an ingress gateway behind an NLB whose Service crossmesh owns,
// on GKE an egress gateway (ClusterIP). Or adopt a running Istio: install nothing, describe its gateway.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { customObject, objectResourceName } from "../common/kube";
import {
    ISTIO_HELM_REPO,
    ISTIO_SYSTEM_NAMESPACE,
    InstallSettings,
    IstioChart,
    chartReference,
    gatewaySelectorLabels,
    istiodReleaseName,
} from "./charts";
import { loadBalancerHostnameOf, loadBalancerService } from "./load-balancer";
import { REVISION_TAG, REVISION_TAG_WEBHOOK, revisionTagWebhook } from "./revision-tag";
import { claimMeshWideObjects, strictMtlsPolicy } from "./mesh-policy";
import { installSettings } from "./settings";
import { InstallPlan, validateIstioInstallArgs } from "./validate";
import type { ExistingGatewayArgs, GatewayRefOutput, IstioInstallArgs } from "./args";
import type { GatewayRole } from "../common/types";

export type { ExistingGatewayArgs, GatewayRefOutput, IstioInstallArgs } from "./args";
import { ReleaseSpec, releasePlan } from "./values";

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
export { ownedValues, releasePlan } from "./values";
export { installSettings } from "./settings";
export type { PlainInstallArgs } from "./settings";

export { GatewayRole, OutboundTrafficPolicy } from "../common/types";

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
        const plan = validateIstioInstallArgs(args, opts);
        claimMeshWideObjects(`IstioInstall "${name}"`, args, opts);
        super(ISTIO_INSTALL_TOKEN, name, {}, opts);

        if (plan.adopt) {
            const gw = args.existingGateway!;
            this.gateway = {
                namespace: pulumi.output(gw.namespace),
                selectorLabels: pulumi.output(gw.selectorLabels),
                serviceName: pulumi.output(gw.serviceName),
                serviceAccount: pulumi.output(gw.serviceAccount),
            };
            this.loadBalancerHostname =
                plan.gatewayRole === "ingress" ? this.readLoadBalancerHostname(name, gw) : pulumi.output(undefined);
            this.revision = pulumi.output(args.revision ?? "default");
            this.injectionRevision = this.revision;
            this.trustDomain = pulumi.output(args.trustDomain!);
            this.version = pulumi.output(args.version);
        } else {
            const settings = resolveInstallSettings(args, plan.gatewayRole);
            const installed = this.install(name, settings, plan, args.chartRepository ?? ISTIO_HELM_REPO);
            this.gateway = installed.gateway;
            this.loadBalancerHostname = installed.loadBalancerHostname;
            this.revision = installed.revision;
            this.injectionRevision = installed.injectionRevision;
            this.trustDomain = settings.trustDomain;
            this.version = settings.version;
        }
        if (plan.strictMtls) {
            // In an install the root namespace's objects need the CRDs and istiod's validating webhook:
            // `revision` resolves once istiod is installed, so the policy waits for exactly that.
            const policy = strictMtlsPolicy(args.meshRootNamespace ?? ISTIO_SYSTEM_NAMESPACE);
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

    private install(
        name: string,
        settings: pulumi.Output<InstallSettings>,
        plan: Pick<InstallPlan, "gatewayRole" | "revision" | "retainedRevisions">,
        chartRepository: string,
    ) {
        const gatewayRole = plan.gatewayRole;
        const child = { parent: this };
        const systemNamespace = new k8s.core.v1.Namespace(
            `${name}-istio-system`,
            { metadata: { name: ISTIO_SYSTEM_NAMESPACE } },
            child,
        );
        const gatewayNamespace = new k8s.core.v1.Namespace(
            `${name}-gateway-namespace`,
            { metadata: { name: settings.gatewayNamespace } },
            child,
        );

        const plans = settings.apply(releasePlan);
        const namespaces: Record<string, pulumi.Output<string>> = {
            base: systemNamespace.metadata.name,
            istiod: systemNamespace.metadata.name,
            gateway: gatewayNamespace.metadata.name,
        };
        // One Release per entry of the plan, every field from the same plan the render test feeds to the real helm.
        const release = (
            resourceName: string,
            pick: (all: ReleaseSpec[]) => ReleaseSpec,
            chart: IstioChart,
            opts: pulumi.CustomResourceOptions,
        ) => {
            const p = plans.apply(pick);
            // The source is plain (chartRepository is a plain argument), so a preview shows it even while
            // other settings are unknown; releasePlan computes the same with the same function.
            const source = chartReference(chart, chartRepository);
            return new k8s.helm.v3.Release(
                resourceName,
                {
                    name: p.name,
                    chart: source.chart,
                    version: p.version,
                    ...(source.repositoryOpts ? { repositoryOpts: source.repositoryOpts } : {}),
                    namespace: namespaces[chart],
                    values: p.values,
                },
                { parent: this, ...opts },
            );
        };
        const first = (chart: IstioChart) => (all: ReleaseSpec[]) => all.find((r) => r.chart === chart)!;

        const base = release(`${name}-base`, first("base"), "base", {});
        // istiod's objects (webhooks, its config) use base's CRDs and roles; no data expresses that order. One
        // Release resource per revision, named by it: the revision that is current today is a retained one after
        // the next minor upgrade, under the same resource (so keeping it changes nothing).
        const { revision: current, retainedRevisions: retained } = plan;
        // 0.x named the one istiod resource `<name>-istiod`: the resource of the revision it held takes that over.
        const legacy = { aliases: [{ name: `${name}-istiod` }] };
        const istiod = release(`${name}-istiod-${current}`, first("istiod"), "istiod", {
            dependsOn: [base],
            ...(retained.length === 1 ? {} : legacy),
        });
        retained.forEach((rev) =>
            release(
                `${name}-istiod-${rev}`,
                (all) => all.find((r) => r.name === istiodReleaseName(rev))!,
                "istiod",
                // A retained revision is left as it runs (its values then were its own): only its removal is ours.
                { dependsOn: [base], ignoreChanges: ["values"], ...(retained.length === 1 ? legacy : {}) },
            ),
        );
        // The gateway pods are created with `image: auto` and need istiod's injector to become proxies.
        release(`${name}-gateway`, first("gateway"), "gateway", { dependsOn: [istiod] });
        // The tag "default" moves to this revision once its istiod is installed (see revision-tag.ts).
        const tag = settings.apply((s) => revisionTagWebhook(s.revision, s.extraValues.istiod));
        const revisionTag = new k8s.admissionregistration.v1.MutatingWebhookConfiguration(
            `${name}-revision-tag`,
            {
                metadata: { name: REVISION_TAG_WEBHOOK, labels: tag.apply((t) => t.metadata.labels) },
                webhooks: tag.apply((t) => t.webhooks as k8s.types.input.admissionregistration.v1.MutatingWebhook[]),
            },
            { parent: this, dependsOn: [istiod] },
        );
        // A value that resolves once istiod is installed and tagged (the tag waits for istiod): what is built from
        // it waits for the CRDs, the validating webhook and the injector, and for nothing the gateway release adds.
        // It waits on the tag's name, not on the release's status: a preview knows the name, while a release being
        // upgraded has an unknown status there, which made every object in the gateway's namespace look replaced.
        const afterIstiod = (value: pulumi.Output<string>) =>
            pulumi.all([value, revisionTag.metadata.name]).apply(([v]) => v);

        let loadBalancerHostname: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (gatewayRole === "ingress") {
            // Waits for the namespace only: the NLB provisions while the charts install, and its hostname
            // is a direct output for the other cluster (which then waits for this Service, not the install).
            const spec = pulumi.all([settings, gatewayNamespace.metadata.name]).apply(([s, namespace]) =>
                loadBalancerService({
                    gatewayName: s.gatewayName,
                    namespace,
                    loadBalancerSourceRanges: s.loadBalancerSourceRanges,
                }),
            );
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
            selectorLabels: settings.apply((s) => gatewaySelectorLabels(s.gatewayName)),
            // The gateway's Service (crossmesh's LoadBalancer Service for ingress, the chart's ClusterIP one for
            // egress) carries the gateway's name. Taken from the settings, not read back from the Service:
            // that read would make everything naming the gateway wait for the NLB.
            serviceName: settings.gatewayName,
            // The chart creates the service account under the gateway's name (gateway.serviceAccountName).
            serviceAccount: settings.gatewayName,
        };
        return {
            gateway,
            loadBalancerHostname,
            revision: afterIstiod(settings.revision),
            injectionRevision: afterIstiod(pulumi.output(REVISION_TAG)),
        };
    }

    /** An adopted ingress gateway's NLB hostname, read from its Service in the cluster. */
    private readLoadBalancerHostname(name: string, gw: ExistingGatewayArgs): pulumi.Output<string> {
        const id = pulumi.interpolate`${gw.namespace}/${gw.loadBalancerServiceName ?? gw.serviceName}`;
        const service = k8s.core.v1.Service.get(`${name}-adopted-lb`, id, { parent: this });
        return hostnameOf(service);
    }
}

function hostnameOf(service: k8s.core.v1.Service): pulumi.Output<string> {
    return pulumi
        .all([service.metadata, service.status])
        .apply(([m, status]) => loadBalancerHostnameOf(`${m?.namespace}/${m?.name}`, status));
}

/**
 * Defaults applied and every value checked, including those that were Outputs at construction (a
 * failure here fails the deployment: the limit of validating Outputs).
 */
function resolveInstallSettings(args: IstioInstallArgs, gatewayRole: GatewayRole): pulumi.Output<InstallSettings> {
    // Every arg resolved (most are plain already); the builders then see plain values only.
    return pulumi.output(args).apply((resolved) => installSettings(gatewayRole, resolved));
}
