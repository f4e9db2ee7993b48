// CrossMeshConsumer's spec: the grant (checked against this mesh once known), the imported services (ImportGateway's
// own fields), and IstioInstall's fields and rules for the one mesh, on the consumer's paths.
import { requireTrustDomain } from "../common/identity";
import { boolean, holds, list, object, opaque, problemsFrom, string } from "../common/spec";
import type { Refinement, SameShape, SpecArgs } from "../common/spec";
import { invalid, requireKubernetesName, throwProblems } from "../common/validation";
import { istioSettingsFields, linkFields, retainedPublished } from "../cross-mesh-link/spec";
import { meshInstallArgs } from "../cross-mesh-link/steps/meshes";
import { exportIstioPath } from "../cross-mesh-export/spec";
import type { ConsumerGrant } from "../cross-mesh-export/outputs";
import { everyHostHasCallers, importedServiceFields } from "../import-gateway/spec";
import { existingGatewaySpec, extraValuesField, istioInstallRules } from "../istio-install/spec";
import { podPlacementSpec } from "../istio-install/client-pods";
import { hostsNameDistinctObjects, serviceList } from "../link-routing/spec";
import type { CrossMeshConsumerArgs } from "./args";
import { consumerMesh } from "./resolve";

export const consumerFields = {
    grant: opaque<ConsumerGrant>("a consumer grant")
        .input()
        .required(
            "give the export's grant for this consumer: CrossMeshExport's grants[\"<name>\"], or the exporter stack's output read through a StackReference.",
        ),
    services: list(object(importedServiceFields, { what: "{ host, allowedSources }" }), {
        ...serviceList,
        emptyFix:
            'list at least one granted host to import, e.g. [{ host: "lambda.external", allowedSources: [{ namespace: "shop" }] }].',
        what: "hosts to import",
    }).required(
        'list the granted hosts to import, e.g. [{ host: "lambda.external", allowedSources: [{ namespace: "shop" }] }].',
    ),
    trustDomain: string()
        .required(
            "give this mesh's SPIFFE trust domain (meshConfig.trustDomain), as the export's consumers[].trustDomain names it, e.g. \"gke-prod.example.org\".",
        )
        .check(requireTrustDomain),
    existingGateway: existingGatewaySpec("egress").optional(),
    istioVersion: linkFields.istioVersion,
    istio: object({ ...istioSettingsFields, values: extraValuesField() }).optional(),
    strictMtls: boolean().default(false),
    meshRootNamespace: string().optional().check(requireKubernetesName),
    registryOnly: boolean().default(false),
    deployTestClient: boolean().default(false),
    podPlacement: podPlacementSpec.optional(),
};

type Consumer = CrossMeshConsumerArgs;

/** cluster.local names no mesh across a link: the exporting side would rewrite it to its own. */
const ownTrustDomain: Refinement<Consumer> = {
    name: "a trust domain of its own",
    check: (a, at) => {
        if (a.trustDomain === "cluster.local")
            invalid(
                at("trustDomain"),
                '"cluster.local" cannot name a consumer mesh: Istio rewrites cluster.local principals to the exporting mesh\'s own trust domain. Move the mesh to a distinct trust domain first (meshConfig.trustDomain with trustDomainAliases: ["cluster.local"]), and give that here and in the export.',
            );
    },
};

/** IstioInstall's rules on this mesh, on the consumer's paths. */
const istioRules: Refinement<Consumer> = {
    name: "the Istio install's own rules",
    check: (a, at) => {
        const install = meshInstallArgs(consumerMesh(a));
        throwProblems(
            istioInstallRules.flatMap((rule) => problemsFrom(() => rule.check(install, (f) => at(exportIstioPath(f))))),
        );
    },
};

export const consumerSpec = object(consumerFields, {
    refine: [hostsNameDistinctObjects, everyHostHasCallers, ownTrustDomain, istioRules, retainedPublished],
});

holds<SameShape<CrossMeshConsumerArgs, SpecArgs<typeof consumerSpec>>>();

/**
 * The grant against this consumer, once known: every imported host is granted, and the identity the export issued is
 * this mesh's egress gateway's (else the export admits a name this gateway does not carry). Fails naming the field.
 */
export function requireGrantFits(
    grant: ConsumerGrant,
    a: Pick<Consumer, "services" | "trustDomain">,
    gateway: { namespace: string; serviceAccount: string },
): void {
    const granted = new Set(grant.hosts);
    throwProblems([
        ...a.services.flatMap((s, i) =>
            problemsFrom(() => {
                if (!granted.has(s.host))
                    invalid(
                        `services[${i}].host`,
                        `"${s.host}" is not granted to consumer "${grant.consumer}" (granted: ${grant.hosts.join(", ")}); ask the exporter to add it to that consumer's hosts, or import a granted host.`,
                    );
            }),
        ),
        ...problemsFrom(() => {
            const mine = {
                trustDomain: a.trustDomain,
                gatewayNamespace: gateway.namespace,
                gatewayServiceAccount: gateway.serviceAccount,
            };
            const theirs = {
                trustDomain: grant.trustDomain,
                gatewayNamespace: grant.gatewayNamespace,
                gatewayServiceAccount: grant.gatewayServiceAccount,
            };
            const differs = (Object.keys(mine) as (keyof typeof mine)[]).filter((k) => mine[k] !== theirs[k]);
            if (differs.length > 0)
                invalid(
                    differs[0] === "trustDomain" ? "trustDomain" : "grant",
                    `the export issued consumer "${grant.consumer}" the identity ${grant.spiffeId}, but this mesh's egress gateway is ${differs.map((k) => `${k} "${mine[k]}"`).join(", ")}; make the export's consumers[].${differs.join("/")} match this mesh (or this consumer's trustDomain/existingGateway match the grant).`,
                );
        }),
    ]);
}
