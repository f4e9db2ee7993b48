// Up-front checks of ImportGatewayArgs, before the component registers anything.
import * as pulumi from "@pulumi/pulumi";
import { invalid, known, requireConcreteHostname, requireKubernetesName } from "../common/validation";
import { requireServiceHosts, requireGatewaySide, requirePort } from "../link-routing/validate";
import type { ImportGatewayArgs } from "./args";
import { requireTrustDomain } from "../common/identity";

/** `linkName`: the given one, or the default derived from the component name. */
export function validateImportGatewayArgs(
    linkName: string,
    args: ImportGatewayArgs,
    opts: pulumi.ComponentResourceOptions | undefined,
): void {
    requireGatewaySide("ImportGateway", linkName, args, opts);
    if (args.clientBundle === undefined)
        invalid(
            "clientBundle",
            "give the client credential (LinkPki's clientBundle): tls.crt, tls.key and the server CA as ca.crt.",
        );
    if (args.remoteGatewayHostname === undefined) {
        invalid(
            "remoteGatewayHostname",
            "give the EKS ingress gateway's load balancer hostname, straight from its Service status (IstioInstall's loadBalancerHostname), so this side waits for exactly that.",
        );
    }
    if (known(args.remoteGatewayHostname)) requireConcreteHostname("remoteGatewayHostname", args.remoteGatewayHostname);
    if (known(args.remotePort)) requirePort("remotePort", args.remotePort);
    if (args.trustDomain === undefined)
        invalid(
            "trustDomain",
            "give the GKE mesh's trust domain (meshConfig.trustDomain): callers' principals are <trustDomain>/ns/<ns>/sa/<sa>.",
        );
    if (known(args.trustDomain)) requireTrustDomain("trustDomain", args.trustDomain);
    if (args.testClientImage !== undefined && !/^[\w.\-/:@]+$/.test(args.testClientImage)) {
        invalid(
            "testClientImage",
            `"${args.testClientImage}" is not an image reference; use e.g. "curlimages/curl:8.15.0".`,
        );
    }

    if (!Array.isArray(args.services))
        invalid(
            "services",
            'give a list of hosts to import, e.g. [{ host: "lambda.external", allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }] }].',
        );
    requireServiceHosts(
        "services",
        args.services.map((s) => s.host),
    );
    args.services.forEach((svc, i) => {
        const path = `services[${i}].allowedSources`;
        if (!Array.isArray(svc.allowedSources) || svc.allowedSources.length === 0) {
            invalid(
                path,
                `nobody may call "${svc.host}": list who may, e.g. [{ namespace: "shop", serviceAccount: "checkout" }] for one workload, or [{ namespace: "shop" }] for every workload of a namespace.`,
            );
        }
        svc.allowedSources.forEach((src, j) => {
            if (src.namespace === undefined) invalid(`${path}[${j}].namespace`, "give the caller's namespace.");
            if (known(src.namespace)) requireKubernetesName(`${path}[${j}].namespace`, src.namespace);
            if (known(src.serviceAccount)) requireKubernetesName(`${path}[${j}].serviceAccount`, src.serviceAccount);
        });
    });
}
