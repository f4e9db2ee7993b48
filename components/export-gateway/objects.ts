// The EKS side of a link as one object list: every object the ingress gateway needs to terminate the link's
// mTLS and route each exported host to its upstream. Identities come from plain values (link name,
// hosts, upstream names); payloads from the values that resolve later (the server credential, the
// upstream's DNS name, the client principals). ExportGateway creates exactly these entries; the tests
// build the same entries with plain values (`exportObjects`).
import type { GatewayRef, TlsBundle } from "../common/types";
import type {
    IstioObject,
    AuthorizationPolicySpec,
    ClientTls,
    DestinationRuleSpec,
    GatewaySpec,
    ServiceEntrySpec,
    VirtualServiceSpec,
} from "../common/istio-types";
import {
    type SecretObject,
    contentAddressedName,
    credentialSecretName,
    linkIdentities,
    deferredCredentialSecret,
    deferredIstio,
} from "../link-routing/objects";
import { authorityValues, objectName } from "../link-routing/names";
import { principalOf } from "../common/identity";
import { type Payload, type DeferredObject, type Sources, buildDeferred, deferred } from "../common/deferred";

/** One exported host and where the ingress gateway sends it. */
export interface ExportedService {
    /** The name GKE callers use, e.g. "lambda.external": SNI, Host header and server-certificate SAN. */
    host: string;
    /** The upstream's DNS name, e.g. the internal ALB's `internal-….elb.amazonaws.com`. */
    upstreamHost: string;
    upstreamPort: number;
    /** SNI sent to the upstream and the SAN its certificate must carry; the upstream host when unset. */
    upstreamSni?: string;
    /** True when the upstream's CA is private: a CA-only Secret is created and referenced. */
    privateUpstreamCa: boolean;
    /**
     * Names the upstream's objects; services with the same name share one ServiceEntry, DestinationRule
     * and CA Secret (e.g. several functions behind one ALB). Default: the host.
     */
    upstream?: string;
}

/** What names the objects of the EKS side: all plain, known before anything resolves. */
export interface ExportObjectsSettings<N = string> {
    linkName: string;
    /** The ingress gateway's namespace (an Output in the component: it orders the objects after istiod). */
    namespace: N;
    credentialName: string;
    services: Pick<ExportedService, "host" | "upstream" | "privateUpstreamCa">[];
    /** Consumer meshes, each admitted to its own hosts by a policy of its own; absent: one policy for every host. */
    consumers?: ExportConsumer[];
}

/** A consumer mesh as the objects name it: its policy's name and the hosts it may call. */
export interface ExportConsumer {
    name: string;
    hosts: string[];
}

/** What the payloads read; each object waits for what it reads only. */
export interface ExportValues {
    /** The gateway's pod labels (Gateway and policy selectors). */
    gateway: Pick<GatewayRef, "selectorLabels">;
    /** SPIFFE URIs (`spiffe://…`) of the client certificates allowed to call, as in their URI SAN. */
    allowedClientPrincipals: string[];
    /** With consumers: each consumer's SPIFFE URI, in the order of the settings' consumers. */
    consumerPrincipals: string[];
    /** The server credential (a secret). */
    bundle: TlsBundle;
    /** The credential Secret's name: `credentialSecretName(credentialName, bundle)`. */
    credentialSecret: string;
    /** Each service resolved, in the order of the settings. */
    services: ExportedService[];
    /** PEM of each private upstream CA, by upstream name. */
    upstreamCaPems: Record<string, string>;
    /** The Secret name of each private upstream CA, by upstream name (content-addressed, like the credential). */
    upstreamCaSecrets: Record<string, string>;
}

/** Every object of the EKS side, typed. */
export type ExportObject =
    | SecretObject
    | IstioObject<"ServiceEntry" | "DestinationRule" | "Gateway" | "VirtualService" | "AuthorizationPolicy">;

/** The values as ExportGateway holds them: each service, CA and CA Secret name waits on its own Outputs. */
export type ExportSources = Sources<
    ExportValues,
    "services" | "upstreamCaPems" | "upstreamCaSecrets" | "consumerPrincipals"
>;

/** The whole side with resolved values: the shape the fixtures and the request tracer use. */
export interface ExportSettings {
    linkName: string;
    gateway: GatewayRef;
    credentialName: string;
    services: ExportedService[];
    allowedClientPrincipals: string[];
    /** Consumer meshes instead of one list of principals for every host. */
    consumers?: (ExportConsumer & { principal: string })[];
}

/** Object names, shared by the builders and the validation. */
export const exportNames = {
    gateway: (linkName: string) => objectName(linkName, "export"),
    authorizationPolicy: (linkName: string) => objectName(linkName, "export"),
    consumerPolicy: (linkName: string, consumer: string) => objectName(linkName, "consumer", consumer),
    route: (linkName: string, host: string) => objectName(linkName, host),
    upstream: (linkName: string, upstream: string) => objectName(linkName, "upstream", upstream),
    upstreamCaSecret: (linkName: string, upstream: string) => objectName(linkName, "upstream-ca", upstream),
};

/** The name that keys a service's upstream objects. */
export function upstreamKeyOf(svc: Pick<ExportedService, "host" | "upstream">): string {
    return svc.upstream ?? svc.host;
}

/** The first service of each upstream: the one whose settings its shared objects carry. */
export function distinctUpstreams<S extends Pick<ExportedService, "host" | "upstream">>(services: readonly S[]): S[] {
    const first = new Map<string, S>();
    for (const svc of services) if (!first.has(upstreamKeyOf(svc))) first.set(upstreamKeyOf(svc), svc);
    return [...first.values()];
}

export function upstreamSniOf(svc: ExportedService): string {
    return svc.upstreamSni ?? svc.upstreamHost;
}

/**
 * Every object of the EKS side, in creation order. Upstream objects come from the first service that
 * names the upstream (its element of `services`); the others share them.
 */
export function exportObjectList<N>(s: ExportObjectsSettings<N>): DeferredObject<ExportSources, N, ExportObject>[] {
    const id = linkIdentities(s.linkName, s.namespace);
    const hosts = s.services.map((svc) => svc.host);
    // The first service of each upstream, with its position (one pass: no search per upstream).
    const firstOf = new Map<string, number>();
    s.services.forEach((svc, i) => {
        if (!firstOf.has(upstreamKeyOf(svc))) firstOf.set(upstreamKeyOf(svc), i);
    });
    const owners = [...firstOf].map(([key, i]) => ({ svc: s.services[i], i, key }));
    return [
        deferredCredentialSecret<ExportSources, N>(id, s.credentialName),
        ...owners
            .filter((o) => o.svc.privateUpstreamCa)
            .map((o): DeferredObject<ExportSources, N, SecretObject> =>
                // Opaque: a kubernetes.io/tls Secret must carry a key pair; Istio reads ca.crt alone as a validation context.
                deferred(
                    id("v1", "Secret", exportNames.upstreamCaSecret(s.linkName, o.key), "Opaque"),
                    (v: ExportSources) => v.upstreamCaPems[o.key],
                    (pem): Payload => ({ stringData: pem ? { "ca.crt": pem } : {} }),
                    {
                        get: (v) => v.upstreamCaSecrets[o.key],
                        bind: (v, name) => ({ ...v, upstreamCaSecrets: { ...v.upstreamCaSecrets, [o.key]: name } }),
                    },
                ),
            ),
        ...owners.flatMap((o) => [
            deferredIstio(
                id,
                "ServiceEntry",
                exportNames.upstream(s.linkName, o.key),
                (v: ExportSources) => v.services[o.i],
                upstreamServiceEntrySpec,
            ),
            deferredIstio(
                id,
                "DestinationRule",
                exportNames.upstream(s.linkName, o.key),
                (v: ExportSources) => ({
                    gateway: v.gateway,
                    svc: v.services[o.i],
                    caSecret: o.svc.privateUpstreamCa ? v.upstreamCaSecrets[o.key] : undefined,
                }),
                (r) => upstreamDestinationRuleSpec(r.svc, r.gateway, r.caSecret),
            ),
        ]),
        deferredIstio(
            id,
            "Gateway",
            exportNames.gateway(s.linkName),
            (v: ExportSources) => ({
                gateway: v.gateway,
                allowedClientPrincipals: v.allowedClientPrincipals,
                credentialSecret: v.credentialSecret,
            }),
            (r) => exportGatewaySpec(s.linkName, hosts, r),
        ),
        ...s.services.map((svc, i) =>
            deferredIstio(
                id,
                "VirtualService",
                exportNames.route(s.linkName, svc.host),
                (v: ExportSources) => v.services[i],
                (resolved) => exportVirtualServiceSpec(s.linkName, resolved),
            ),
        ),
        ...(s.consumers === undefined
            ? [
                  deferredIstio(
                      id,
                      "AuthorizationPolicy",
                      exportNames.authorizationPolicy(s.linkName),
                      (v: ExportSources) => ({
                          gateway: v.gateway,
                          allowedClientPrincipals: v.allowedClientPrincipals,
                      }),
                      (r) => exportAuthorizationPolicySpec(hosts, r),
                  ),
              ]
            : // One policy per consumer: adding, changing or removing one never touches another's.
              s.consumers.map((c, i) =>
                  deferredIstio(
                      id,
                      "AuthorizationPolicy",
                      exportNames.consumerPolicy(s.linkName, c.name),
                      (v: ExportSources) => ({ gateway: v.gateway, principal: v.consumerPrincipals[i] }),
                      (r) =>
                          exportAuthorizationPolicySpec(c.hosts, {
                              gateway: r.gateway,
                              allowedClientPrincipals: [r.principal],
                          }),
                  ),
              )),
    ];
}

/**
 * The upstream in the gateway's registry. `exportTo: ["."]` keeps it private to the gateway namespace:
 * no workload elsewhere in the EKS mesh gets a route to the ALB from it.
 */
function upstreamServiceEntrySpec(svc: ExportedService): ServiceEntrySpec {
    return {
        hosts: [svc.upstreamHost],
        ports: [{ number: svc.upstreamPort, name: "https", protocol: "HTTPS" }],
        resolution: "DNS",
        location: "MESH_EXTERNAL",
        exportTo: ["."],
    };
}

/**
 * TLS origination to the upstream. `sni` and `subjectAltNames` are explicit because Envoy checks SANs
 * (never the CN) and the upstream's name is not the exported host. A private CA comes from a CA-only
 * credential in the gateway namespace; otherwise the proxy's system roots verify the upstream. It selects
 * the gateway's pods: only the gateway calls the upstream, and only a gateway can read a `credentialName`.
 */
function upstreamDestinationRuleSpec(
    svc: ExportedService,
    gateway: Pick<GatewayRef, "selectorLabels">,
    caSecret: string | undefined,
): DestinationRuleSpec {
    const sni = upstreamSniOf(svc);
    const tls: ClientTls = { mode: "SIMPLE", sni, subjectAltNames: [sni] };
    // The resolved flag: a CA Input that resolves to nothing means a publicly trusted upstream.
    if (svc.privateUpstreamCa && caSecret !== undefined) tls.credentialName = caSecret;
    return {
        host: svc.upstreamHost,
        exportTo: ["."],
        workloadSelector: { matchLabels: { ...gateway.selectorLabels } },
        trafficPolicy: { portLevelSettings: [{ port: { number: svc.upstreamPort }, tls }] },
    };
}

/**
 * The link's listener: 443, HTTPS, MUTUAL with the link credential (its `ca.crt` is the link's client
 * CA, so only link clients complete the handshake) and `subjectAltNames` pinning the client
 * certificate's URI SAN to the allowed SPIFFE ids. Hosts are `./<host>`: only VirtualServices in the
 * gateway's own namespace may bind routes for them, so nobody else can hijack an exported name.
 */
function exportGatewaySpec(
    linkName: string,
    hosts: string[],
    v: Pick<ExportValues, "gateway" | "allowedClientPrincipals" | "credentialSecret">,
): GatewaySpec {
    const credentialName = v.credentialSecret;
    return {
        selector: { ...v.gateway.selectorLabels },
        servers: [
            {
                port: { number: 443, name: `https-${linkName}`, protocol: "HTTPS" },
                hosts: hosts.map((h) => `./${h}`),
                tls: { mode: "MUTUAL", credentialName, subjectAltNames: [...v.allowedClientPrincipals] },
            },
        ],
    };
}

/** Routes one exported host, arriving on the link Gateway, to its upstream over TLS. */
function exportVirtualServiceSpec(linkName: string, svc: ExportedService): VirtualServiceSpec {
    return {
        hosts: [svc.host],
        gateways: [exportNames.gateway(linkName)],
        exportTo: ["."],
        http: [{ route: [{ destination: { host: svc.upstreamHost, port: { number: svc.upstreamPort } } }] }],
    };
}

/**
 * Who may call: ALLOW only the allowed client principals, for the exported hosts. Istio turns each
 * principal into an Envoy RBAC `authenticated.principal_name` match on `spiffe://<principal>`, and Envoy
 * takes that name from the peer certificate of the TLS connection — at a MUTUAL gateway, the client
 * certificate that `credentialName`'s `ca.crt` just verified — using its URI SAN (else DNS SAN, else
 * subject). So `principals` are the client certificate's URI SANs without `spiffe://`.
 * An ALLOW policy makes the gateway deny everything it does not match: on a shared (adopted) ingress
 * gateway, other hosts need ALLOW policies of their own.
 */
function exportAuthorizationPolicySpec(
    hosts: string[],
    v: Pick<ExportValues, "gateway" | "allowedClientPrincipals">,
): AuthorizationPolicySpec {
    return {
        selector: { matchLabels: { ...v.gateway.selectorLabels } },
        action: "ALLOW",
        rules: [
            {
                from: [{ source: { principals: v.allowedClientPrincipals.map(principalOf) } }],
                to: [{ operation: { hosts: hosts.flatMap(authorityValues) } }],
            },
        ],
    };
}

/**
 * Every object of the EKS side built from resolved values: the entries of `exportObjectList`, nothing else.
 * Upstream CA PEMs are keyed by upstream name (the host, unless services share an upstream).
 */
export function exportObjects(
    s: ExportSettings,
    bundle: TlsBundle,
    upstreamCaPems: Record<string, string> = {},
): ExportObject[] {
    const objects = exportObjectList({
        linkName: s.linkName,
        namespace: s.gateway.namespace,
        credentialName: s.credentialName,
        services: s.services,
        ...(s.consumers ? { consumers: s.consumers } : {}),
    });
    const values: ExportValues = {
        gateway: s.gateway,
        // With consumers, the Gateway pins the certificate to every consumer's identity.
        allowedClientPrincipals: s.consumers ? s.consumers.map((c) => c.principal) : s.allowedClientPrincipals,
        consumerPrincipals: (s.consumers ?? []).map((c) => c.principal),
        bundle,
        credentialSecret: credentialSecretName(s.credentialName, bundle),
        services: s.services,
        upstreamCaPems,
        upstreamCaSecrets: Object.fromEntries(
            distinctUpstreams(s.services)
                .filter((svc) => svc.privateUpstreamCa)
                .map((svc) => upstreamKeyOf(svc))
                .map((key) => [key, upstreamCaSecretName(s.linkName, key, upstreamCaPems[key] ?? "")]),
        ),
    };
    return objects.map((p) => buildDeferred(p, values));
}

/** A private upstream CA's Secret name: content-addressed, like the link credential. */
export function upstreamCaSecretName(linkName: string, upstream: string, pem: string): string {
    return contentAddressedName(exportNames.upstreamCaSecret(linkName, upstream), [pem]);
}
