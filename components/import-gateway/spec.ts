// ImportGateway's spec: every field, its type, default and checks, and the cross-field rules, declared once.
// Hosts name objects (plain); the callers, the far gateway's hostname and port, the trust domain and the
// credential may be Outputs (checked when known). CrossMeshLink picks its fields from here (its
// `services[].allowedSources[]` are `allowedSourceFields`).
import { invalid, requireConcreteHostname, requireKubernetesName } from "../common/validation";
import { requireTrustDomain } from "../common/identity";
import type { TlsBundle } from "../common/types";
import type { PodPlacement } from "../istio-install/client-pods";
import {
    type Refinement,
    boolean,
    holds,
    list,
    object,
    opaque,
    string,
    type SameShape,
    type SpecArgs,
} from "../common/spec";
import { exportedHost, gatewaySideFields, hostsNameDistinctObjects, port, serviceList } from "../link-routing/spec";
import { DEFAULT_TEST_CLIENT_IMAGE } from "./test-client";
import type { ImportGatewayArgs, ImportedServiceArgs } from "./args";

/** A caller: a namespace, optionally one service account in it. */
export const allowedSourceFields = {
    namespace: string().input().required("give the caller's namespace.").check(requireKubernetesName),
    serviceAccount: string().input().optional().check(requireKubernetesName),
};

const allowCallers = (host: string) =>
    `nobody may call ${host}: list who may, e.g. [{ namespace: "shop", serviceAccount: "checkout" }] for one workload, or [{ namespace: "shop" }] for every workload of a namespace.`;

/** One imported host and who may call it. */
export const importedServiceFields = {
    host: exportedHost,
    allowedSources: list(object(allowedSourceFields, { what: "{ namespace, serviceAccount? }" }), {
        what: "callers",
    }).required(allowCallers("this host")),
};

/** Someone may call each host: an empty list would deny everything (worded with the host). */
export const everyHostHasCallers: Refinement<{ services: readonly ImportedServiceArgs[] }> = {
    name: "someone may call each host",
    check: (a, at) =>
        a.services.forEach((svc, i) => {
            if (svc.allowedSources.length === 0)
                invalid(at(`services[${i}].allowedSources`), allowCallers(`"${svc.host}"`));
        }),
};

function requireImageName(path: string, image: string): void {
    if (!/^[\w.\-/:@]+$/.test(image))
        invalid(path, `"${image}" is not an image reference; use e.g. "curlimages/curl:8.15.0".`);
}

/** The fields CrossMeshLink may pick. */
export const importGatewayFields = {
    ...gatewaySideFields,
    clientBundle: opaque<TlsBundle>("the client credential")
        .input()
        .required("give the client credential (LinkPki's clientBundle): tls.crt, tls.key and the server CA as ca.crt."),
    remoteGatewayHostname: string()
        .input()
        .required(
            "give the EKS ingress gateway's load balancer hostname, straight from its Service status (IstioInstall's loadBalancerHostname), so this side waits for exactly that.",
        )
        .check(requireConcreteHostname),
    remotePort: port().input().default(443),
    services: list(object(importedServiceFields, { what: "{ host, allowedSources }" }), {
        ...serviceList,
        what: 'hosts to import, e.g. [{ host: "lambda.external", allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }] }]',
    }).required(
        'give a list of hosts to import, e.g. [{ host: "lambda.external", allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }] }].',
    ),
    trustDomain: string()
        .input()
        .required(
            "give the GKE mesh's trust domain (meshConfig.trustDomain): callers' principals are <trustDomain>/ns/<ns>/sa/<sa>.",
        )
        .check(requireTrustDomain),
    deployTestClient: boolean().default(false),
    testClientImage: string().default(DEFAULT_TEST_CLIENT_IMAGE).check(requireImageName),
    testClientPlacement: opaque<PodPlacement>("nodeSelector and tolerations").optional(),
    istioRevision: string().input().optional(),
};

export const importGatewaySpec = object(importGatewayFields, {
    refine: [hostsNameDistinctObjects, everyHostHasCallers],
});

holds<SameShape<ImportGatewayArgs, SpecArgs<typeof importGatewaySpec>>>();
