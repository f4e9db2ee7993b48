// Pure builders: from the endpoint table to the Istio objects that allow exactly those endpoints.
//
// passthrough: the app speaks HTTPS itself. One ServiceEntry per host, port 443 protocol TLS, so the
//   sidecar routes by SNI and never sees the plaintext.
// originate: the app speaks plain HTTP to the *real* port, http://<host>:443 (the port trick of the
//   Aspen Mesh seed). The ServiceEntry declares port 443 as HTTP, and a DestinationRule makes the
//   sidecar originate TLS on that port with SNI = host, the system CA bundle and a subjectAltNames
//   check. Istio's own task declares port 80 with targetPort 443 instead; we do not, because an app
//   configured for http://<host>:80 that runs outside the mesh (no sidecar, injection disabled) would
//   send its signed requests in clear text to AWS's port 80, which many AWS APIs accept. With the app
//   pointed at :443, the same mistake makes AWS's TLS listener reject the first request: it fails
//   closed. And an app that (wrongly) speaks TLS to an originating sidecar fails too: the sidecar
//   expects HTTP on that port.
import type * as pulumi from "@pulumi/pulumi";
import { dnsLabel } from "../common/names";
import type { AwsEndpoint } from "./endpoints";
import { AwsEgressMode, enumValues } from "../common/types";
import {
    ISTIO_API_VERSION,
    type IstioObject,
    type IstioSpecs,
    type Metadata,
    istioObject,
} from "../common/istio-types";
import { MANAGED_BY_CROSSMESH } from "../common/kube";

/** @deprecated Use the `AwsEgressMode` enum. */
export const MODES: AwsEgressMode[] = enumValues(AwsEgressMode);

/** What names the objects and decides which exist: all plain. */
export interface EgressObjectsOptions {
    /** Prefix of every object name (the component's name, as a DNS label). */
    namePrefix: string;
    /** Namespace the objects live in. */
    namespace: string;
    /** "passthrough" or "originate". */
    mode: string;
}

export interface EgressObjectOptions extends EgressObjectsOptions {
    /** Namespaces that see the objects ("." = the objects' own namespace, "*" = all). */
    exportTo: string[];
}

/** True when the sidecar originates TLS for this endpoint (originate mode, and the endpoint speaks TLS). */
export function originates(endpoint: AwsEndpoint, mode: string): boolean {
    return mode === "originate" && endpoint.protocol === "HTTPS";
}

/** The metadata.name of an endpoint's objects (its ServiceEntry and DestinationRule share it). */
export function objectName(namePrefix: string, endpoint: AwsEndpoint): string {
    return dnsLabel(`${namePrefix}-${endpoint.key}`);
}

function metadata(endpoint: AwsEndpoint, opts: EgressObjectsOptions): Metadata {
    return {
        name: objectName(opts.namePrefix, endpoint),
        namespace: opts.namespace,
        labels: { ...MANAGED_BY_CROSSMESH, "crossmesh.io/aws-egress": opts.namePrefix },
    };
}

/** The port as the sidecar sees it: TLS to pass through, or HTTP to route (and perhaps originate TLS on). */
function servicePort(endpoint: AwsEndpoint, mode: string): IstioSpecs["ServiceEntry"]["ports"][number] {
    const tlsPassthrough = endpoint.protocol === "HTTPS" && !originates(endpoint, mode);
    const protocol = tlsPassthrough ? "TLS" : "HTTP";
    return { number: endpoint.port, name: `${protocol.toLowerCase()}-${endpoint.port}`, protocol };
}

type EgressKind = "ServiceEntry" | "DestinationRule";

/** One object of the table: its identity (plain) and its spec from the namespaces it is exported to. */
interface EgressEntry<K extends EgressKind = EgressKind> {
    kind: K;
    metadata: Metadata;
    spec: (exportTo: string[]) => IstioSpecs[K];
}

function serviceEntry(endpoint: AwsEndpoint, opts: EgressObjectsOptions): EgressEntry<"ServiceEntry"> {
    return {
        kind: "ServiceEntry",
        metadata: metadata(endpoint, opts),
        spec: (exportTo) => ({
            hosts: [endpoint.host],
            ports: [servicePort(endpoint, opts.mode)],
            location: "MESH_EXTERNAL",
            exportTo,
            // A fixed link-local IP (IMDS): the app calls the address; the sidecar sends it there and nowhere else.
            ...(endpoint.address
                ? { addresses: [endpoint.address], resolution: "STATIC", endpoints: [{ address: endpoint.address }] }
                : { resolution: "DNS" }),
        }),
    };
}

/**
 * TLS origination for one endpoint. `sni` is set explicitly, and so is `subjectAltNames`: with an
 * explicit `sni` Istio does not turn on Envoy's automatic SAN check, so without the list the sidecar
 * would accept any certificate a public CA issued, for any name. `caCertificates` stays unset, which
 * Istio resolves to the proxy's system CA bundle (Amazon's endpoints chain to public roots), and
 * `insecureSkipVerify` is pinned to false.
 */
function destinationRule(endpoint: AwsEndpoint, opts: EgressObjectsOptions): EgressEntry<"DestinationRule"> {
    return {
        kind: "DestinationRule",
        metadata: metadata(endpoint, opts),
        spec: (exportTo) => ({
            host: endpoint.host,
            exportTo,
            trafficPolicy: {
                portLevelSettings: [
                    {
                        port: { number: endpoint.port },
                        tls: {
                            mode: "SIMPLE",
                            sni: endpoint.host,
                            subjectAltNames: [endpoint.host],
                            insecureSkipVerify: false,
                        },
                    },
                ],
            },
        }),
    };
}

/** Every object of the table, ServiceEntry before its DestinationRule, in table order. */
function egressEntries(endpoints: readonly AwsEndpoint[], opts: EgressObjectsOptions): EgressEntry[] {
    return endpoints.flatMap((e) =>
        originates(e, opts.mode) ? [serviceEntry(e, opts), destinationRule(e, opts)] : [serviceEntry(e, opts)],
    );
}

/** Every object for the table, ServiceEntry before its DestinationRule, in table order. */
export function buildAwsEgressObjects(
    endpoints: readonly AwsEndpoint[],
    opts: EgressObjectOptions,
): IstioObject<EgressKind>[] {
    return egressEntries(endpoints, opts).map((e) => istioObject(e.kind, e.metadata, e.spec(opts.exportTo)));
}

/**
 * The same objects for the component: each identity plain (known in a preview), each spec waiting on
 * `exportTo` only, the one value that may be an Output.
 */
export function awsEgressObjects(
    endpoints: readonly AwsEndpoint[],
    opts: EgressObjectsOptions,
    exportTo: pulumi.Output<string[]>,
) {
    return egressEntries(endpoints, opts).map((e) => ({
        apiVersion: ISTIO_API_VERSION[e.kind],
        kind: e.kind,
        metadata: e.metadata,
        spec: exportTo.apply((list) => e.spec(list)),
    }));
}

/** The URL the app's client must use for an endpoint in a mode (its SDK endpoint override). */
export function appUrl(endpoint: AwsEndpoint, mode: string): string {
    const host = endpoint.address ?? endpoint.host;
    if (originates(endpoint, mode)) return `http://${host}:${endpoint.port}`;
    if (endpoint.protocol === "HTTPS")
        return endpoint.port === 443 ? `https://${host}` : `https://${host}:${endpoint.port}`;
    return endpoint.port === 80 ? `http://${host}` : `http://${host}:${endpoint.port}`;
}

/** Environment variables that pin the AWS SDKs to exactly the allowed endpoints, in this mode. */
export function sdkEnvironment(endpoints: readonly AwsEndpoint[], mode: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const e of endpoints) if (e.sdkEndpointVariable) env[e.sdkEndpointVariable] = appUrl(e, mode);
    return env;
}
