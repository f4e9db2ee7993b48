// What both gateway components declare alike: the link name that prefixes every object, an explicit
// credential Secret name, the gateway reference, exported hosts, and the rules on them. ExportGateway's and
// ImportGateway's specs embed these fields; CrossMeshLink can pick them from either.
import type { GatewayRefInput } from "../common/types";
import { invalid, requireConcreteHostname, requireKubernetesName } from "../common/validation";
import {
    type Refinement,
    holds,
    integer,
    object,
    record,
    string,
    type SameShape,
    type ObjectArgs,
} from "../common/spec";
import { requireDistinctHostSlugs } from "../common/names";
import { MAX_LINK_NAME, defaultLinkName } from "./names";
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

/** Selector labels must be non-empty: an empty selector would bind a Gateway to every proxy. */
export function requireSelectorLabels(path: string, labels: Readonly<Record<string, unknown>>): void {
    if (Object.keys(labels).length === 0)
        invalid(
            path,
            'is empty: a Gateway or policy with an empty selector applies to every proxy. Give the gateway pods\' labels, e.g. { app: "istio-ingressgateway", istio: "ingressgateway" } (kubectl get pods -n <ns> --show-labels).',
        );
}

const gatewayName = (field: string) =>
    string().input().required(`missing; give the gateway's ${field}.`).check(requireKubernetesName);

/** A gateway reference's fields: names checked now when plain, when known otherwise; selector labels never empty. */
export const gatewayRefFields = {
    namespace: gatewayName("namespace"),
    selectorLabels: record(string().input())
        .input()
        .required('missing; give the gateway pods\' labels, e.g. { istio: "ingressgateway" }.')
        .check(requireSelectorLabels),
    serviceName: gatewayName("serviceName"),
    serviceAccount: gatewayName("serviceAccount"),
};

/** A gateway reference (IstioInstall's `gateway` output, or an adopted gateway written down). */
export const gatewayRef = object(gatewayRefFields, {
    what: "namespace, selectorLabels, serviceName and serviceAccount",
}).required(
    "give the gateway: namespace, selectorLabels, serviceName and serviceAccount (IstioInstall outputs one; for an adopted Istio write them down).",
);

holds<SameShape<GatewayRefInput, ObjectArgs<typeof gatewayRefFields>>>();

/** The fields both gateway components share. */
export const gatewaySideFields = {
    gateway: gatewayRef,
    credentialName: string().optional().check(requireCredentialName),
    linkName: string().optional().check(requireLinkName),
};

/** An exported host: a concrete lowercase FQDN (SNI routing and certificate SANs need it), plain (it names objects). */
export const exportedHost = string()
    .required('give the exported host, e.g. "lambda.external": it names objects and certificate names.')
    .plain("it names objects and certificate names, so it must be known before anything is created")
    .check(requireConcreteHostname);

/** A TCP port (a link or upstream port). */
export const port = () => integer(1, 65535, "ports");

/** How `list(…, serviceList)` refuses an empty list and the same host twice. */
export const serviceList = {
    emptyFix: 'list at least one service to export, e.g. [{ host: "lambda.external", … }].',
    unique: (s: { host: string }) => s.host,
};

/** Hosts stay distinct after dots become hyphens: they name objects and subsets (the one rule, common/names). */
export const hostsNameDistinctObjects: Refinement<{ services: readonly { host: string }[] }> = {
    name: "hosts name distinct objects",
    check: (a, at) =>
        requireDistinctHostSlugs(
            at("services"),
            a.services.map((s) => s.host),
            "object names",
        ),
};

/** The link name a gateway component uses: `args.linkName` as given (the spec checks it), else its own name's default. */
export function linkNameOf(componentName: string, args: unknown): string {
    const given = (args as { linkName?: unknown } | undefined)?.linkName;
    return typeof given === "string" ? given : defaultLinkName(componentName);
}
