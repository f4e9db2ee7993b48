// Up-front checks of AwsEgressArgs, before the component registers anything. Everything that decides
// which objects exist (region, services, extra hosts, imds, mode, namespace) must be a plain value when
// the program runs; only `exportTo` may be an Output, and its entries are then checked when known.
import * as pulumi from "@pulumi/pulumi";
import * as ipaddr from "ipaddr.js";
import { requireKubernetesProvider } from "../common/kube";
import {
    invalid,
    known,
    knownArray,
    requireConcreteHostname,
    requireIntegerInRange,
    requireKubernetesName,
    requireUnique,
} from "../common/validation";
import { AWS_SERVICES, AwsEndpoint, ExtraHost, IMDS, IMDS_ALIASES, partitionOf, resolveEndpoints } from "./endpoints";
import { dnsLabel } from "../common/names";
import { objectName } from "./objects";
import { AwsEgressMode, AwsService, EndpointProtocol, enumValues, isEnumValue } from "../common/types";
import type { AwsEgressArgs, AwsEgressExtraHostArgs } from "./args";

/** @deprecated Use the `EndpointProtocol` enum. */
export const EXTRA_HOST_PROTOCOLS: EndpointProtocol[] = enumValues(EndpointProtocol);

/** What the component builds from, once the args passed. */
export interface AwsEgressPlan {
    /** Prefix of every object name: the component name as a DNS label. */
    namePrefix: string;
    mode: string;
    namespace: string;
    endpoints: AwsEndpoint[];
}

function plain<T>(path: string, value: pulumi.Input<T> | undefined, what: string): T | undefined {
    if (value === undefined) return undefined;
    if (!known(value)) {
        return invalid(
            path,
            `pass ${what} as a plain value, not an Output: it decides which Istio objects exist, so it must be known when the program runs.`,
        );
    }
    return value;
}

function plainList<T>(path: string, value: pulumi.Input<pulumi.Input<T>[]> | undefined, what: string): T[] {
    const list = plain(path, value, "the list") ?? [];
    if (!Array.isArray(list)) invalid(path, `pass a list of ${what}.`);
    return (list as pulumi.Input<T>[]).map((v, i) => plain(`${path}[${i}]`, v, what) as T);
}

export function validateAwsEgressArgs(
    name: string,
    args: AwsEgressArgs,
    opts: pulumi.ComponentResourceOptions | undefined,
): AwsEgressPlan {
    const namePrefix = dnsLabel(name, 40) || "aws-egress";
    requireKubernetesProvider("AwsEgress", opts);
    const mode = plain("mode", args.mode, "a mode string") ?? "passthrough";
    if (!isEnumValue(AwsEgressMode, mode)) {
        invalid(
            "mode",
            `"${mode}" is not a mode: use "passthrough" (the app speaks HTTPS; the mesh only allows it) or "originate" (the app speaks plain HTTP to port 443 and its sidecar originates TLS).`,
        );
    }
    const namespace = plain("namespace", args.namespace, "a namespace name");
    if (namespace === undefined)
        invalid(
            "namespace",
            "give the namespace the ServiceEntries and DestinationRules live in (usually the app's own namespace).",
        );
    requireKubernetesName("namespace", namespace);

    const region = plain("region", args.region, "a region string");
    const services = plainList<AwsService>("awsServices", args.awsServices, "service names");
    const extraHosts = plainList<AwsEgressExtraHostArgs>("extraHosts", args.extraHosts, "host objects").map((h, i) =>
        checkExtraHost(`extraHosts[${i}]`, h, mode),
    );
    const imds = plain("imds", args.imds, "a boolean") ?? false;

    if (region === undefined && services.length > 0) {
        invalid(
            "region",
            `give the AWS region whose endpoints the services (${services.join(", ")}) are called in, e.g. "us-east-1".`,
        );
    }
    if (region !== undefined) {
        const partition = partitionOf(region);
        if (typeof partition === "string") invalid("region", `${partition}.`);
        services.forEach((name, i) =>
            checkService(`awsServices[${i}]`, name, region, partition.id, partition.dnsSuffix),
        );
    }
    requireUnique("awsServices", services);
    if (services.length === 0 && extraHosts.length === 0 && !imds) {
        invalid(
            "awsServices",
            'nothing to allow: list at least one AWS service (e.g. ["dynamodb", "sts"]), an extra host, or set imds: true.',
        );
    }

    const endpoints = resolveEndpoints(region, services, extraHosts, imds);
    // The table lists services, then extra hosts, then IMDS: the field each endpoint came from.
    const paths = [
        ...services.map((_, i) => `awsServices[${i}]`),
        ...extraHosts.map((_, i) => `extraHosts[${i}].host`),
        ...(imds ? ["imds"] : []),
    ];
    // A host registered twice would make two ServiceEntries fight over one name (and two DRs over its TLS).
    const hosts = new Map<string, string>();
    const names = new Map<string, string>();
    endpoints.forEach((e, i) => {
        const first = hosts.get(e.host);
        if (first !== undefined) {
            invalid(
                paths[i],
                `"${e.host}" is already allowed by ${first}; list each host once (a named service already covers its regional endpoint).`,
            );
        }
        hosts.set(e.host, paths[i]);
        // Object names replace dots by dashes; two hosts that differ only there would share a name.
        const name = objectName(namePrefix, e);
        const clash = names.get(name);
        if (clash !== undefined)
            invalid(
                paths[i],
                `"${e.host}" would get the same object name "${name}" as ${clash}; list one of them in a second AwsEgress.`,
            );
        names.set(name, paths[i]);
    });

    knownArray<string>(args.exportTo)?.forEach((ns, i) => {
        if (known(ns)) checkExportTo(`exportTo[${i}]`, ns);
    });
    const exportTo = knownArray<string>(args.exportTo);
    if (exportTo !== undefined) {
        if (exportTo.length === 0)
            invalid(
                "exportTo",
                'an empty list would default to every namespace; name the namespaces that may call these endpoints, "." for the objects\' own namespace, or "*" for all.',
            );
        if (exportTo.every((v) => known(v))) requireUnique("exportTo", exportTo as string[]);
    }
    return { namePrefix, mode, namespace, endpoints };
}

/** Checks one exportTo entry; used up front and, for Outputs, when the value is known. */
export function checkExportTo(path: string, ns: string): void {
    if (ns === "." || ns === "*") return;
    requireKubernetesName(path, ns);
}

function checkService(path: string, name: string, region: string, partition: string, dnsSuffix: string): void {
    if (!isEnumValue(AwsService, name)) {
        const guess = /^[a-z0-9-]+$/.test(name)
            ? `${name}.${region}.${dnsSuffix}`
            : `<endpoint>.${region}.${dnsSuffix}`;
        invalid(
            path,
            `"${name}" is not a service AwsEgress knows (${Object.keys(AWS_SERVICES).join(", ")}). For another service give its full endpoint host in extraHosts, e.g. { host: "${guess}" } (check the exact name in the AWS endpoints reference).`,
        );
    }
    const def = AWS_SERVICES[name];
    if (def.partitions && !def.partitions.includes(partition)) {
        invalid(
            path,
            `"${name}" does not exist in the ${partition} partition (region ${region}); use "sts", the regional endpoint.`,
        );
    }
}

function checkExtraHost(path: string, entry: AwsEgressExtraHostArgs, mode: string): ExtraHost {
    if (entry === null || typeof entry !== "object") invalid(path, "give an object { host, port?, protocol? }.");
    const host = plain(`${path}.host`, entry.host, "a host name");
    if (host === undefined || typeof host !== "string")
        invalid(
            `${path}.host`,
            'give the endpoint\'s fully qualified host name, e.g. "textract.us-east-1.amazonaws.com".',
        );
    const port = plain(`${path}.port`, entry.port, "a port number") ?? 443;
    const protocol = plain(`${path}.protocol`, entry.protocol, "a protocol string") ?? "HTTPS";
    const wantsTls = protocol !== "HTTP" || mode === "originate";

    if (IMDS_ALIASES.includes(host)) {
        invalid(
            `${path}.host`,
            wantsTls
                ? `"${host}" is the instance metadata service, which only speaks plain HTTP on port ${IMDS.port} inside the instance: it has no TLS endpoint, so it can neither be reached over HTTPS nor TLS-originated (originate mode). Remove it from extraHosts and set imds: true; AwsEgress registers it as plain HTTP in either mode.`
                : `"${host}" is the instance metadata service; remove it from extraHosts and set imds: true (AwsEgress registers it by address, which Istio requires for an IP).`,
        );
    }
    if (host.includes("*")) {
        const s3 = /\.s3[.-]/.test(host)
            ? ' For S3 buckets, use path-style addressing (SDK option forcePathStyle / addressing_style=path) with the "s3" service, or list each bucket host.'
            : "";
        invalid(
            `${path}.host`,
            `"${host}" is a wildcard: Istio cannot route HTTPS (SNI) to a wildcard ServiceEntry host with DNS resolution, nor verify a certificate for it. Name each endpoint concretely, e.g. "dynamodb.us-east-1.amazonaws.com", or use awsServices: ["dynamodb"].${s3}`,
        );
    }
    if (ipaddr.isValid(host.replace(/^\[|\]$/g, ""))) {
        invalid(
            `${path}.host`,
            `"${host}" is an IP address; Istio's ServiceEntry hosts are DNS names. Give the endpoint's host name (the one its certificate names).`,
        );
    }
    requireConcreteHostname(`${path}.host`, host);
    if (typeof port !== "number") invalid(`${path}.port`, "give the port as a number, e.g. 443.");
    requireIntegerInRange(`${path}.port`, port, 1, 65535, "ports");
    if (!isEnumValue(EndpointProtocol, protocol)) {
        invalid(
            `${path}.protocol`,
            `"${protocol}" is not a protocol: use "HTTPS" (the endpoint speaks TLS on its port; default) or "HTTP" (plain HTTP).`,
        );
    }
    if (protocol === "HTTPS" && port === 80) {
        invalid(
            `${path}.port`,
            `HTTPS on port 80 does not match: AWS endpoints serve TLS on 443 and plain HTTP on 80. Use port 443 (or the endpoint's real TLS port), or protocol "HTTP" if it really speaks plain HTTP.`,
        );
    }
    if (protocol === "HTTP" && port === 443) {
        invalid(
            `${path}.protocol`,
            mode === "originate"
                ? `"HTTP" on port 443 does not match: protocol describes the endpoint, which speaks TLS on 443. Write "HTTPS"; in originate mode AwsEgress itself lets the app send plain HTTP to port 443 and has the sidecar originate TLS.`
                : `"HTTP" on port 443 does not match: port 443 speaks TLS. Write "HTTPS" (passed through by SNI), or port 80 for a plain-HTTP endpoint; for plain HTTP from the app with TLS to the endpoint, use mode "originate".`,
        );
    }
    return { host, port, protocol };
}
