// CrossMeshLink: the whole seed topology as one dependency graph across two clouds. For each exported
// service, a Lambda behind a shared internal ALB (or an existing internal HTTPS upstream) in the EKS VPC;
// Istio on both clusters; the link's certificates; the export objects on EKS and the import objects
// on GKE; and, optionally, a Job that proves the path end to end during `pulumi up`.
//
// Dependencies follow data only: the AWS side, the certificates and both Istio installs start at
// once; the GKE routing waits for nothing from EKS but the gateway load balancer's hostname.
import * as crypto from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AwsEgress } from "../aws-egress";
import { ExportGateway } from "../export-gateway";
import { ImportGateway } from "../import-gateway";
import { IstioInstall } from "../istio-install";
import { ROLE_DEFAULTS } from "../istio-install/charts";
import { LambdaHostsAlb, MAX_FUNCTIONS_PER_ALB } from "../lambda-hosts-alb";
import { LinkPki } from "../link-pki";
import { validateCrossMeshLinkArgs } from "./validate";
import { VERIFY_NAMESPACE, VERIFY_SERVICE_ACCOUNT, VerifyTarget, verifyNamespace, verifyObjects } from "./verify";

/** What the default Lambda answers: the deploy-time check looks for it. */
export const DEFAULT_LAMBDA_GREETING = "Hello World from Lambda";

export interface LinkSourceArgs {
    /** Namespace of the GKE workloads that may call the host. */
    namespace: pulumi.Input<string>;
    /** One service account in that namespace; omit to admit the whole namespace. */
    serviceAccount?: pulumi.Input<string>;
}

export interface LinkLambdaArgs {
    /** Lambda runtime (default python3.13). */
    runtime?: pulumi.Input<string>;
    /** Directory or .zip with the function's code (default: the hello-world handler). */
    codePath?: pulumi.Input<string>;
    /** Entry point (default index.lambda_handler). */
    handler?: pulumi.Input<string>;
    /** Memory in MB (default 128). */
    memorySize?: pulumi.Input<number>;
    /** Timeout in seconds (default 10). */
    timeout?: pulumi.Input<number>;
}

export interface LinkUpstreamArgs {
    /** Host name of an existing internal HTTPS service reachable from the EKS cluster. */
    hostname: pulumi.Input<string>;
    /** Its port (default 443). */
    port?: pulumi.Input<number>;
    /** PEM of the private CA of its certificate; omit when a public CA signed it. */
    caPem?: pulumi.Input<string>;
}

export interface LinkServiceArgs {
    /** The name GKE apps call (`http://<host>/`), e.g. "lambda.external". */
    host: string;
    /** Create a Lambda behind an internal ALB for this host. */
    lambda?: LinkLambdaArgs;
    /** Or route to an existing internal HTTPS upstream. */
    upstream?: LinkUpstreamArgs;
    /** Who in the GKE mesh may call the host; nothing else can. */
    allowedSources: LinkSourceArgs[];
    /** Text the deploy-time check expects in the answer (default: the hello-world greeting for the default Lambda, else any 2xx). */
    expectBodyContains?: string;
}

export interface AdoptedGatewayArgs {
    /** Namespace of the existing gateway. */
    namespace: string;
    /** Labels of the existing gateway's pods. */
    selectorLabels: Record<string, string>;
    /** Its Service name. */
    serviceName: string;
    /** Its service account (its SPIFFE identity). */
    serviceAccount: string;
    /** EKS only: the LoadBalancer Service in front of it, if not `serviceName`. */
    loadBalancerServiceName?: string;
}

export interface LinkPkiSettings {
    /** "ECDSA" (P-256, default) or "RSA". */
    keyAlgorithm?: string;
    /** RSA key size: 2048, 3072 or 4096. */
    rsaBits?: number;
    caValidityDays?: number;
    leafValidityDays?: number;
    leafRenewBeforeDays?: number;
    /** Extra client CAs the EKS gateway trusts during a CA rotation. */
    serverTrustsExtraCaPems?: pulumi.Input<string>[];
    /** Extra server CAs the GKE gateway trusts during a CA rotation. */
    clientTrustsExtraCaPems?: pulumi.Input<string>[];
}

export interface LinkAwsEgressArgs {
    /** AWS services the EKS mesh's workloads may call (see AwsEgress). */
    services?: string[];
    /** Allow the instance metadata service. */
    imds?: boolean;
    /** "passthrough" (default) or "originate". */
    mode?: string;
}

export interface CrossMeshLinkArgs {
    /** Kubernetes provider of the EKS cluster (exporting side). */
    eksProvider: k8s.Provider;
    /** Kubernetes provider of the GKE cluster (importing side). */
    gkeProvider: k8s.Provider;
    /** The EKS cluster: its VPC hosts the internal ALBs. */
    eksClusterName: pulumi.Input<string>;
    /** AWS region of the EKS cluster (for the EKS mesh's AWS egress allow-list). */
    awsRegion?: pulumi.Input<string>;
    /** The exported services. */
    services: LinkServiceArgs[];
    /** Istio release both installs use (default 1.30.3). */
    istioVersion?: string;
    /** Adopt the existing EKS ingress gateway instead of installing Istio there. */
    eksIstio?: AdoptedGatewayArgs;
    /** Adopt the existing GKE egress gateway instead of installing Istio there. */
    gkeIstio?: AdoptedGatewayArgs;
    /** SPIFFE trust domain of the EKS mesh (default "eks.crossmesh.local"). */
    eksTrustDomain?: string;
    /** SPIFFE trust domain of the GKE mesh (default "gke.crossmesh.local"). */
    gkeTrustDomain?: string;
    /** Public egress CIDRs of the GKE cluster (Cloud NAT): only they may reach the EKS gateway's NLB. */
    consumerEgressCidrs?: pulumi.Input<string>[];
    /** Certificate settings of the link. */
    pki?: LinkPkiSettings;
    /** Run the end-to-end check Job in GKE during `pulumi up` (default false). */
    verify?: boolean;
    /** Mesh-wide STRICT mTLS in the GKE mesh (default false). */
    strictMtls?: boolean;
    /** Deploy the seed's `sleep` client in GKE (default false). */
    deployTestClient?: boolean;
    /** Installed meshes allow only registered destinations (outboundTrafficPolicy REGISTRY_ONLY). */
    registryOnly?: boolean;
    /** Allow-list of AWS APIs for the EKS mesh's own workloads. */
    eksAwsEgress?: LinkAwsEgressArgs;
}

/** A caller admitted to a linked host, as resolved. */
export interface LinkedSource {
    /** Namespace of the GKE workloads that may call the host. */
    namespace: string;
    /** The one service account admitted; absent when the whole namespace is. */
    serviceAccount?: string;
}

/** One exported host as deployed. */
export interface LinkedService {
    /** The name GKE apps call (`http://<host>/`). */
    host: string;
    /** Where the EKS gateway sends the host's requests (the ALB's name or the given upstream). */
    upstreamHostname: string;
    /** The Lambda function serving the host; absent for an existing upstream. */
    functionName?: string;
    /** Who in the GKE mesh may call the host. */
    allowedSources: LinkedSource[];
}

/** The shape of the link for diagrams and reviews (see tools/plan). */
export interface LinkTopology {
    eksGatewayHostname: string;
    /** `<service>.<namespace>` of the EKS ingress gateway. */
    eksIngressGateway: string;
    /** `<service>.<namespace>` of the GKE egress gateway. */
    gkeEgressGateway: string;
    services: LinkedService[];
}

export class CrossMeshLink extends pulumi.ComponentResource {
    /** Hostname of the EKS ingress gateway's load balancer (the far end of the link). */
    public readonly eksGatewayHostname: pulumi.Output<string>;
    public readonly exportedHosts: pulumi.Output<string[]>;
    public readonly services: pulumi.Output<LinkedService[]>;
    /** CA of the EKS gateway's link certificate (public). */
    public readonly serverCaPem: pulumi.Output<string>;
    /** CA of the GKE gateway's link certificate (public). */
    public readonly clientCaPem: pulumi.Output<string>;
    public readonly serverCertExpiresAt: pulumi.Output<string>;
    public readonly clientCertExpiresAt: pulumi.Output<string>;
    /** The identity the EKS gateway admits: the GKE egress gateway's SPIFFE id. */
    public readonly clientSpiffeId: pulumi.Output<string>;
    /** Name of the verification Job, when `verify` is on. */
    public readonly verificationJob: pulumi.Output<string | undefined>;
    /** Data for diagrams: gateways, the load balancer, services and their callers. */
    public readonly topology: pulumi.Output<LinkTopology>;
    /**
     * Istio revision of the EKS mesh (`istio.io/rev`): label a namespace with it to inject its workloads.
     * Resolves once istiod is installed.
     */
    public readonly eksIstioRevision: pulumi.Output<string>;
    /** Istio revision of the GKE mesh: label the namespaces of the callers with it (`istio.io/rev`) so their calls reach the link. */
    public readonly gkeIstioRevision: pulumi.Output<string>;
    /** Host names of the internal ALBs of the Lambda-backed services: one ALB per 100 functions (ELB's target-group limit per ALB). */
    public readonly lambdaAlbHostnames: pulumi.Output<string[]>;

    constructor(name: string, args: CrossMeshLinkArgs, opts?: pulumi.ComponentResourceOptions) {
        validateCrossMeshLinkArgs(args);
        super("crossmesh:index:CrossMeshLink", name, {}, opts);
        const eks = { parent: this, provider: args.eksProvider };
        const gke = { parent: this, provider: args.gkeProvider };
        const eksTrustDomain = args.eksTrustDomain ?? "eks.crossmesh.local";
        const gkeTrustDomain = args.gkeTrustDomain ?? "gke.crossmesh.local";
        const verify = args.verify === true;
        const outboundTrafficPolicy = args.registryOnly ? "REGISTRY_ONLY" : "ALLOW_ANY";

        // Istio on both clusters, independent of each other and of AWS.
        // An adopted install keeps its own mesh settings: only what crossmesh installs is configured here.
        const eksIstio = new IstioInstall(`${name}-eks-istio`, {
            gatewayRole: "ingress",
            trustDomain: eksTrustDomain,
            ...(args.eksIstio
                ? { adoptExisting: true, existingGateway: args.eksIstio }
                : { version: args.istioVersion, outboundTrafficPolicy, loadBalancerSourceRanges: args.consumerEgressCidrs }),
        }, eks);
        const gkeIstio = new IstioInstall(`${name}-gke-istio`, {
            gatewayRole: "egress",
            trustDomain: gkeTrustDomain,
            ...(args.gkeIstio
                ? { adoptExisting: true, existingGateway: args.gkeIstio }
                : { version: args.istioVersion, outboundTrafficPolicy }),
        }, gke);
        this.eksIstioRevision = eksIstio.revision;
        this.gkeIstioRevision = gkeIstio.revision;
        // The ingress role always has a load balancer; its hostname is the link's far end.
        const eksGatewayHostname = eksIstio.loadBalancerHostname.apply((h) => h as string);

        // The link's certificates. The client identity is known from plain values (the egress gateway's
        // namespace and service account), so the PKI does not wait for the GKE install.
        // The gateway chart's service account is the release (gateway) name.
        const egressIdentity = args.gkeIstio
            ? { namespace: args.gkeIstio.namespace, serviceAccount: args.gkeIstio.serviceAccount }
            : { namespace: ROLE_DEFAULTS.egress.gatewayNamespace, serviceAccount: ROLE_DEFAULTS.egress.gatewayName };
        const hosts = args.services.map((s) => s.host);
        const pki = new LinkPki(`${name}-pki`, {
            exportedHosts: hosts,
            clientTrustDomain: gkeTrustDomain,
            clientNamespace: egressIdentity.namespace,
            clientServiceAccount: egressIdentity.serviceAccount,
            ...args.pki,
        }, { parent: this });

        // The AWS side: the Lambda-backed services share one internal ALB (per 100 functions), each
        // reached by its host: one ALB to pay for and one certificate to rotate instead of one per
        // service, and far below the 50 ALBs an account gets per Region.
        const lambdaAlbs: LambdaHostsAlb[] = [];
        const albOf = new Map<string, { alb: LambdaHostsAlb; upstreamName: string }>();
        const lambdaServices = args.services.filter((s) => s.lambda);
        for (let k = 0; k * MAX_FUNCTIONS_PER_ALB < lambdaServices.length; k++) {
            const chunk = lambdaServices.slice(k * MAX_FUNCTIONS_PER_ALB, (k + 1) * MAX_FUNCTIONS_PER_ALB);
            const upstreamName = k === 0 ? "lambdas" : `lambdas-${k + 1}`;
            const alb = new LambdaHostsAlb(`${name}-${upstreamName}`, {
                eksClusterName: args.eksClusterName,
                functions: chunk.map((s) => ({ host: s.host, ...s.lambda })),
            }, { parent: this });
            lambdaAlbs.push(alb);
            for (const s of chunk) albOf.set(s.host, { alb, upstreamName });
        }
        const upstreamOf = (s: LinkServiceArgs) => {
            const shared = albOf.get(s.host);
            return shared
                ? { hostname: shared.alb.hostname, port: 443 as pulumi.Input<number>, caPem: shared.alb.caPem as pulumi.Input<string | undefined>, upstreamName: shared.upstreamName as string | undefined }
                : { hostname: s.upstream!.hostname, port: s.upstream!.port ?? 443, caPem: s.upstream!.caPem, upstreamName: undefined };
        };

        const exported = new ExportGateway(`${name}-export`, {
            gateway: eksIstio.gateway,
            serverBundle: pki.serverBundle,
            services: args.services.map((s) => {
                const up = upstreamOf(s);
                return {
                    host: s.host, upstreamHost: up.hostname, upstreamPort: up.port, upstreamCaPem: up.caPem as pulumi.Input<string> | undefined,
                    ...(up.upstreamName !== undefined ? { upstreamName: up.upstreamName } : {}),
                };
            }),
            allowedClientPrincipals: [pki.clientSpiffeId],
            linkName: name,
        }, eks);

        // The verification Job's own identity must be admitted to every host it checks.
        const verifySource = { namespace: VERIFY_NAMESPACE, serviceAccount: VERIFY_SERVICE_ACCOUNT };
        const importedServices = args.services.map((s) => ({ host: s.host, allowedSources: verify ? [...s.allowedSources, verifySource] : s.allowedSources }));
        const imported = new ImportGateway(`${name}-import`, {
            gateway: gkeIstio.gateway,
            clientBundle: pki.clientBundle,
            remoteGatewayHostname: eksGatewayHostname,
            services: importedServices,
            trustDomain: gkeTrustDomain,
            linkName: name,
            deployTestClient: args.deployTestClient === true,
            istioRevision: gkeIstio.revision,
        }, gke);

        if (args.eksAwsEgress) {
            new AwsEgress(`${name}-eks-aws-egress`, {
                namespace: "istio-system",
                region: args.awsRegion,
                services: args.eksAwsEgress.services,
                imds: args.eksAwsEgress.imds,
                mode: args.eksAwsEgress.mode,
                exportTo: ["*"],
            }, eks);
        }

        const services: pulumi.Output<LinkedService[]> = pulumi.all(args.services.map((s) => pulumi.all([
            upstreamOf(s).hostname, albOf.get(s.host)?.alb.functionNames[s.host], pulumi.output(s.allowedSources),
        ]).apply(([upstreamHostname, functionName, allowedSources]) => ({
            host: s.host, upstreamHostname, ...(functionName ? { functionName } : {}),
            allowedSources: allowedSources.map((a) => ({ namespace: a.namespace, ...(a.serviceAccount ? { serviceAccount: a.serviceAccount } : {}) })),
        }))));

        this.verificationJob = verify
            ? this.createVerification(name, args, services, eksGatewayHostname, [exported, imported, eksIstio, gkeIstio, ...lambdaAlbs])
            : pulumi.output(undefined);

        this.eksGatewayHostname = eksGatewayHostname;
        this.exportedHosts = pulumi.output(hosts);
        this.services = services;
        this.lambdaAlbHostnames = pulumi.all(lambdaAlbs.map((alb) => alb.hostname));
        this.serverCaPem = pki.serverCaPem;
        this.clientCaPem = pki.clientCaPem;
        this.serverCertExpiresAt = pki.serverCertExpiresAt;
        this.clientCertExpiresAt = pki.clientCertExpiresAt;
        this.clientSpiffeId = pki.clientSpiffeId;
        this.topology = pulumi.all([this.eksGatewayHostname, eksIstio.gateway, gkeIstio.gateway, services]).apply(([lb, eksGw, gkeGw, svc]): LinkTopology => ({
            eksGatewayHostname: lb,
            eksIngressGateway: `${eksGw.serviceName}.${eksGw.namespace}`,
            gkeEgressGateway: `${gkeGw.serviceName}.${gkeGw.namespace}`,
            services: svc,
        }));
        this.registerOutputs({
            eksGatewayHostname: this.eksGatewayHostname, exportedHosts: this.exportedHosts, services: this.services,
            serverCaPem: this.serverCaPem, clientCaPem: this.clientCaPem, serverCertExpiresAt: this.serverCertExpiresAt,
            clientCertExpiresAt: this.clientCertExpiresAt, clientSpiffeId: this.clientSpiffeId,
            verificationJob: this.verificationJob, topology: this.topology,
            eksIstioRevision: this.eksIstioRevision, gkeIstioRevision: this.gkeIstioRevision, lambdaAlbHostnames: this.lambdaAlbHostnames,
        });
    }

    /**
     * The end-to-end check runs after everything else: no data says "routes are in place", so this is
     * the one place where waiting on whole components is right.
     */
    private createVerification(name: string, args: CrossMeshLinkArgs, services: pulumi.Output<LinkedService[]>, eksGatewayHostname: pulumi.Output<string>, everything: pulumi.Resource[]): pulumi.Output<string> {
        const targets: VerifyTarget[] = args.services.map((s) => ({
            host: s.host,
            expectBodyContains: s.expectBodyContains ?? (s.lambda && s.lambda.codePath === undefined ? DEFAULT_LAMBDA_GREETING : undefined),
        }));
        const fingerprint = pulumi.all([services, eksGatewayHostname]).apply(([svc, lb]) =>
            crypto.createHash("sha256").update(JSON.stringify({ svc, lb, targets })).digest("hex"));
        const objects = pulumi.all([fingerprint, this.gkeIstioRevision]).apply(([linkFingerprint, revision]) => verifyObjects({ targets, revision, linkFingerprint }));
        const gke = { parent: this, provider: args.gkeProvider };
        // The namespace and account wait only for the GKE mesh; only the Job waits for the whole link.
        const ns = new k8s.core.v1.Namespace(`${name}-verify-ns`, {
            metadata: this.gkeIstioRevision.apply((revision) => verifyNamespace(revision).metadata),
        }, gke);
        const sa = new k8s.core.v1.ServiceAccount(`${name}-verify-sa`, {
            metadata: { name: VERIFY_SERVICE_ACCOUNT, namespace: ns.metadata.name },
        }, gke);
        const job = new k8s.batch.v1.Job(`${name}-verify`, {
            metadata: objects.apply((o) => o.job.metadata),
            spec: objects.apply((o) => o.job.spec),
        }, { ...gke, dependsOn: [sa, ...everything] });
        return job.metadata.name;
    }
}
