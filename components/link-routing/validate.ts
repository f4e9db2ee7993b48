// Up-front checks both gateways share. Each throws `pulumi.InputPropertyError` naming the field.
import type { GatewayRefInput } from "../common/types";
import type * as pulumi from "@pulumi/pulumi";
import { requireKubernetesProvider } from "../common/kube";
import { invalid, known, requireHostList, requireKubernetesName } from "../common/validation";
import { MAX_LINK_NAME, objectName } from "./names";
import { CONTENT_HASH_LENGTH } from "./objects";

/**
 * A credential Secret name: a valid Kubernetes name that Istio will not mistake for a CA-only companion,
 * with room for the content hash the live Secret's name ends in.
 */
export function requireCredentialName(propertyPath: string, name: string): void {
    requireKubernetesName(propertyPath, name);
    const max = 253 - 1 - CONTENT_HASH_LENGTH;
    if (name.length > max)
        invalid(
            propertyPath,
            `"${name}" is ${name.length} characters; keep it to ${max}: the live Secret is named "<credentialName>-<${CONTENT_HASH_LENGTH}-digit content hash>".`,
        );
    if (name.endsWith("-cacert")) {
        invalid(
            propertyPath,
            `"${name}" ends in "-cacert": Istio reads a Secret named <credentialName>-cacert as the CA of <credentialName>, so a credential may not be named that way. Drop the suffix, e.g. "${name.slice(0, -"-cacert".length)}".`,
        );
    }
}

/** The link name prefixes every object name; it must itself be a short DNS label. */
export function requireLinkName(propertyPath: string, name: string): void {
    requireKubernetesName(propertyPath, name);
    if (name.length > MAX_LINK_NAME)
        invalid(
            propertyPath,
            `"${name}" is ${name.length} characters; keep the link name to ${MAX_LINK_NAME} so object names (link name + host) stay readable.`,
        );
}

/**
 * Exported hosts: concrete lowercase FQDNs (SNI routing and certificate SANs need them), listed once,
 * and distinct after turning dots into hyphens (they name objects and subsets).
 */
export function requireServiceHosts(listPath: string, hosts: readonly unknown[]): string[] {
    const plain = requireHostList(
        listPath,
        hosts,
        (i) => `${listPath}[${i}].host`,
        'list at least one service to export, e.g. [{ host: "lambda.external", … }].',
    );
    const names = new Map<string, number>();
    plain.forEach((h, i) => {
        const first = names.get(objectName(h));
        if (first !== undefined)
            invalid(
                `${listPath}[${i}].host`,
                `"${h}" and "${plain[first]}" map to the same object name "${objectName(h)}"; rename one of them.`,
            );
        names.set(objectName(h), i);
    });
    return plain;
}

/** What can be checked of a gateway reference before it resolves: names and non-empty selector labels. */
export function requireGatewayRef(path: string, gateway: GatewayRefInput | undefined): void {
    if (!gateway)
        invalid(
            path,
            "give the gateway: namespace, selectorLabels, serviceName and serviceAccount (IstioInstall outputs one; for an adopted Istio write them down).",
        );
    for (const field of ["namespace", "serviceName", "serviceAccount"] as const) {
        const v = gateway[field];
        if (v === undefined) invalid(`${path}.${field}`, `missing; give the gateway's ${field}.`);
        if (known(v)) requireKubernetesName(`${path}.${field}`, v);
    }
    requireSelectorLabels(`${path}.selectorLabels`, gateway.selectorLabels);
}

/** Selector labels must be known-non-empty: an empty selector would bind a Gateway to every proxy. */
export function requireSelectorLabels(
    path: string,
    labels: GatewayRefInput["selectorLabels"] | Record<string, string> | undefined,
): void {
    if (labels === undefined)
        invalid(path, 'missing; give the gateway pods\' labels, e.g. { istio: "ingressgateway" }.');
    if (known(labels) && Object.keys(labels).length === 0) {
        invalid(
            path,
            'is empty: a Gateway or policy with an empty selector applies to every proxy. Give the gateway pods\' labels, e.g. { app: "istio-ingressgateway", istio: "ingressgateway" } (kubectl get pods -n <ns> --show-labels).',
        );
    }
}

/** A port number 1–65535. */
export function requirePort(path: string, port: unknown): void {
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
        invalid(path, `${String(port)} is not a TCP port; use a whole number from 1 to 65535.`);
    }
}

/**
 * What both gateway components check first: their cluster's provider, the link name that prefixes every
 * object, an explicit credential Secret name, and the gateway reference.
 */
export function requireGatewaySide(
    component: string,
    linkName: string,
    args: { credentialName?: string; gateway: GatewayRefInput },
    opts: pulumi.ComponentResourceOptions | undefined,
): void {
    requireKubernetesProvider(component, opts);
    requireLinkName("linkName", linkName);
    if (args.credentialName !== undefined) requireCredentialName("credentialName", args.credentialName);
    requireGatewayRef("gateway", args.gateway);
}
