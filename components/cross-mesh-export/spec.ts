// CrossMeshExport's spec: its own fields (the consumers), the link's groups picked from CrossMeshLink's spec (served
// hosts, certificates, Istio, AWS egress), and the rules it runs for its children on its own paths: IstioInstall's
// on the one mesh, ExportGateway's admission rules on the consumers.
import { requireTrustDomain } from "../common/identity";
import { requireAwsTags } from "../common/tags";
import { boolean, holds, list, object, problemsFrom, record, string } from "../common/spec";
import type { Refinement, SameShape, SpecArgs } from "../common/spec";
import { invalid, requireCidr, requireKubernetesName, throwProblems } from "../common/validation";
import {
    awsEgressRules,
    hostsOnceAcrossServices,
    istioSettingsFields,
    lambdaArnsInRegion,
    linkAwsEgress,
    linkFields,
    linkPkiSettings,
    retainedPublished,
    servedHostFields,
    servedHostRules,
} from "../cross-mesh-link/spec";
import { consumersGrantExportedHosts, requireConsumerName } from "../export-gateway/spec";
import { exportedHost } from "../link-routing/spec";
import {
    existingGatewaySpec,
    extraValuesField,
    internalNeedsSourceRanges,
    istioInstallFields,
    istioInstallRules,
} from "../istio-install/spec";
import { GatewayExposure } from "../common/types";
import type { CrossMeshExportArgs, ExportConsumerArgs } from "./args";
import { exportMesh, resolveExport } from "./resolve";
import { meshInstallArgs } from "../cross-mesh-link/steps/meshes";

/** One consumer mesh: its name, hosts, identity and where its calls come from. */
export const exportConsumerFields = {
    name: string()
        .required('give the consumer a name, e.g. "gke-prod": it names its certificates, its policy and its grant.')
        .check(requireConsumerName),
    hosts: list(exportedHost, {
        emptyFix: "grant the consumer at least one exported host; remove the consumer to revoke it.",
        unique: (h: string) => h,
        what: "exported hosts",
    }).required('list the exported hosts the consumer may call, e.g. ["lambda.external"].'),
    trustDomain: string()
        .required(
            'give the consumer mesh\'s SPIFFE trust domain (its meshConfig.trustDomain), e.g. "gke-prod.example.org".',
        )
        .check(requireTrustDomain),
    gatewayNamespace: string().optional().check(requireKubernetesName),
    gatewayServiceAccount: string().optional().check(requireKubernetesName),
    egressCidrs: list(string().check(requireCidr), { what: "CIDR blocks" }).optional(),
};

const exportIstio = object({ ...istioSettingsFields, values: extraValuesField() });

export const exportFields = {
    clusterName: linkFields.eksClusterName,
    awsRegion: linkFields.awsRegion,
    services: list(object(servedHostFields, { refine: servedHostRules }), {
        emptyFix: 'list at least one exported service, e.g. [{ host: "lambda.external", lambda: {} }].',
        what: "services",
    }).required('list at least one exported service, e.g. [{ host: "lambda.external", lambda: {} }].'),
    consumers: list(object(exportConsumerFields, { what: "{ name, hosts, trustDomain, … }" }), {
        emptyFix:
            'list at least one consumer mesh, e.g. [{ name: "gke-prod", hosts: ["lambda.external"], trustDomain: "gke-prod.example.org" }]; an export with none admits nobody.',
        unique: (c: { name: string }) => c.name,
        what: "consumers",
    }).required(
        'list the consumer meshes, e.g. [{ name: "gke-prod", hosts: ["lambda.external"], trustDomain: "gke-prod.example.org" }].',
    ),
    istioVersion: linkFields.istioVersion,
    istio: exportIstio.optional(),
    existingGateway: existingGatewaySpec("ingress").optional(),
    trustDomain: string().optional().check(requireTrustDomain),
    exposure: istioInstallFields.exposure,
    tags: record(string()).optional().check(requireAwsTags),
    pki: linkPkiSettings.optional(),
    registryOnly: boolean().default(false),
    awsEgress: linkAwsEgress.optional(),
};

type Export = CrossMeshExportArgs;

/** ExportGateway's admission rules on the consumers: granted hosts are exported, identities are distinct. */
const consumersAdmitted: Refinement<Export> = {
    name: "consumers are granted exported hosts, under distinct identities",
    check: (a, at) => {
        const { consumers } = resolveExport("export", a);
        consumersGrantExportedHosts.check(
            {
                services: a.services,
                consumers: a.consumers.map((c, i) => ({
                    name: c.name,
                    hosts: c.hosts,
                    principal: consumers[i].spiffeId,
                })),
            },
            (f) => at(f.replace(/\.principal$/, ".trustDomain")),
        );
    },
};

/** A consumer's trust domain is its own: never the export's, never cluster.local (Istio rewrites it to the local mesh). */
const consumerTrustDomains: Refinement<Export> = {
    name: "consumer meshes have trust domains of their own",
    check: (a, at) => {
        const own = resolveExport("export", a).trustDomain;
        throwProblems(
            a.consumers.flatMap((c: ExportConsumerArgs, i) =>
                problemsFrom(() => {
                    if (c.trustDomain === "cluster.local")
                        invalid(
                            at(`consumers[${i}].trustDomain`),
                            '"cluster.local" cannot name a consumer mesh: Istio rewrites cluster.local principals to the exporting mesh\'s own trust domain, so the gateway could not tell the consumer apart. Give the consumer mesh a distinct trust domain, e.g. "gke-prod.example.org".',
                        );
                    if (c.trustDomain === own)
                        invalid(
                            at(`consumers[${i}].trustDomain`),
                            `equals the export's trust domain ("${own}"); the meshes share no root of trust, give the consumer its own.`,
                        );
                }),
            ),
        );
    },
};

/** Where calls come from: each consumer's CIDRs reach the load balancer, which an adopted gateway's is not ours. */
const consumerSources: Refinement<Export> = {
    name: "consumer sources reach a load balancer crossmesh owns",
    check: (a, at) => {
        throwProblems(
            a.consumers.flatMap((c, i) =>
                problemsFrom(() => {
                    const cidrs = c.egressCidrs ?? [];
                    if (a.existingGateway && cidrs.length > 0)
                        invalid(
                            at(`consumers[${i}].egressCidrs`),
                            "with an adopted gateway (existingGateway) crossmesh does not own its load balancer Service, so these ranges would be ignored; set loadBalancerSourceRanges on that Service yourself and remove egressCidrs.",
                        );
                    if (!a.existingGateway && a.exposure === GatewayExposure.Internal && cidrs.length === 0)
                        invalid(
                            at(`consumers[${i}].egressCidrs`),
                            "an internal NLB admits only its own VPC unless given source ranges; list this consumer's private CIDRs as they arrive over the VPN or Interconnect (its pod and node ranges).",
                        );
                }),
            ),
        );
    },
};

/**
 * IstioInstall's rules on the export's one mesh, on the export's paths. An internal NLB's source ranges are the
 * consumers' CIDRs, asked of each consumer by `consumerSources`, so IstioInstall's rule for them is not run again.
 */
const EXPORT_ISTIO_RULES = istioInstallRules.filter((rule) => rule !== internalNeedsSourceRanges);
const istioRules: Refinement<Export> = {
    name: "the Istio install's own rules",
    check: (a, at) => {
        const install = meshInstallArgs(exportMesh(a, resolveExport("export", a)));
        throwProblems(
            EXPORT_ISTIO_RULES.flatMap((rule) =>
                problemsFrom(() => rule.check(install, (f) => at(exportIstioPath(f)))),
            ),
        );
    },
};

/** IstioInstall's field paths as the export's user wrote them. */
export function exportIstioPath(childPath: string): string {
    const renames: [RegExp, string][] = [
        [/^version/, "istioVersion"],
        [/^loadBalancerSourceRanges/, "consumers"],
        [/^loadBalancerTags/, "tags"],
        [/^outboundTrafficPolicy/, "registryOnly"],
        [/^values/, "istio.values"],
        [/^(highAvailability|chartRepository|imageRegistry|imagePullSecrets|retainedVersions)/, "istio.$1"],
    ];
    for (const [from, to] of renames) if (from.test(childPath)) return childPath.replace(from, to);
    return childPath;
}

/** The export's spec for an export named `name` (the AWS egress's objects are named after it). */
export function exportSpec(name: string) {
    return object(exportFields, {
        refine: [
            hostsOnceAcrossServices,
            consumersAdmitted,
            consumerTrustDomains,
            consumerSources,
            istioRules,
            retainedPublished,
            awsEgressRules(`${name}-aws-egress`, "awsEgress"),
            lambdaArnsInRegion,
        ],
    });
}

holds<SameShape<CrossMeshExportArgs, SpecArgs<ReturnType<typeof exportSpec>>>>();
