// AwsEgress's spec: every field, its type, default and checks, and the cross-field rules, declared once.
// Everything that decides which objects exist is plain; only `exportTo` may be an Output (its entries
// are checked when known). CrossMeshLink embeds the picked fields (`eksAwsEgress`) from here.
import * as ipaddr from "ipaddr.js";
import { invalid, requireConcreteHostname, requireKubernetesName } from "../common/validation";
import { AwsEgressMode, AwsService, EndpointProtocol } from "../common/types";
import {
    boolean,
    holds,
    integer,
    list,
    object,
    oneOf,
    string,
    type Refinement,
    type SameShape,
    type SpecArgs,
} from "../common/spec";
import { AWS_SERVICES, IMDS, IMDS_ALIASES, partitionOf, resolveEndpoints } from "./endpoints";
import { objectName } from "./objects";
import { dnsLabel } from "../common/names";
import type { AwsEgressArgs, AwsEgressExtraHostArgs } from "./args";

const extraHostName = string()
    .required('give the endpoint\'s fully qualified host name, e.g. "textract.us-east-1.amazonaws.com".')
    .check(requireEndpointHost);

/** HTTPS on 80 or HTTP on 443 describes no real endpoint (`mode` words the fix for originate). */
function protocolMatchesPort(mode: AwsEgressMode): Refinement<AwsEgressExtraHostArgs> {
    return {
        name: "the protocol matches the port",
        check: (h, at) => {
            const port = h.port ?? 443;
            if (h.protocol !== "HTTP" && port === 80)
                invalid(
                    at("port"),
                    `HTTPS on port 80 does not match: AWS endpoints serve TLS on 443 and plain HTTP on 80. Use port 443 (or the endpoint's real TLS port), or protocol "HTTP" if it really speaks plain HTTP.`,
                );
            if (h.protocol === "HTTP" && port === 443)
                invalid(
                    at("protocol"),
                    mode === "originate"
                        ? `"HTTP" on port 443 does not match: protocol describes the endpoint, which speaks TLS on 443. Write "HTTPS"; in originate mode AwsEgress itself lets the app send plain HTTP to port 443 and has the sidecar originate TLS.`
                        : `"HTTP" on port 443 does not match: port 443 speaks TLS. Write "HTTPS" (passed through by SNI), or port 80 for a plain-HTTP endpoint; for plain HTTP from the app with TLS to the endpoint, use mode "originate".`,
                );
        },
    };
}

const extraHost = object(
    {
        host: extraHostName,
        port: integer(1, 65535, "ports").default(443),
        protocol: oneOf(EndpointProtocol, "protocol", {
            HTTPS: "the endpoint speaks TLS on its port; default",
            HTTP: "plain HTTP",
        }).default("HTTPS"),
    },
    // Whether the protocol matches the port is worded by mode: a rule of the whole args (extraHostsInMode).
    { what: "{ host, port?, protocol? }" },
);

/** Checks one exportTo entry: a namespace name, "." (the objects' own namespace) or "*" (all). */
export function checkExportTo(path: string, ns: string): void {
    if (ns === "." || ns === "*") return;
    requireKubernetesName(path, ns);
}

/** The fields CrossMeshLink embeds (as `eksAwsEgress`), the same spec either way. */
export const awsEgressFields = {
    namespace: string()
        .required(
            "give the namespace the ServiceEntries and DestinationRules live in (usually the app's own namespace).",
        )
        .check(requireKubernetesName),
    region: string()
        .optional()
        .check((path, region) => {
            const partition = partitionOf(region);
            if (typeof partition === "string") invalid(path, `${partition}.`);
        }),
    awsServices: list(
        oneOf(AwsService, "service", {}, (name) => {
            const guess = /^[a-z0-9-]+$/.test(name)
                ? `${name}.<region>.amazonaws.com`
                : `<endpoint>.<region>.amazonaws.com`;
            return `"${name}" is not a service AwsEgress knows (${Object.keys(AWS_SERVICES).join(", ")}). For another service give its full endpoint host in extraHosts, e.g. { host: "${guess}" } (check the exact name in the AWS endpoints reference).`;
        }),
        { unique: (s) => s, what: "service names" },
    ).optional(),
    extraHosts: list(extraHost, { what: "host objects" }).optional(),
    imds: boolean().default(false),
    mode: oneOf(AwsEgressMode, "mode", {
        passthrough: "the app speaks HTTPS; the mesh only allows it",
        originate: "the app speaks plain HTTP to port 443 and its sidecar originates TLS",
    }).default(AwsEgressMode.Passthrough),
    exportTo: list(string().input().check(checkExportTo), {
        emptyFix:
            'an empty list would default to every namespace; name the namespaces that may call these endpoints, "." for the objects\' own namespace, or "*" for all.',
        unique: (ns) => ns,
    })
        .input()
        .optional(),
};

type EgressSettings = Pick<AwsEgressArgs, "region" | "awsServices" | "extraHosts" | "imds" | "mode">;

/** Each named service exists in the region's partition; a region is given when services are. */
export const servicesInRegion: Refinement<EgressSettings> = {
    name: "services need a region they exist in",
    check: (a, at) => {
        const services = a.awsServices ?? [];
        if (a.region === undefined) {
            if (services.length > 0)
                invalid(
                    at("region"),
                    `give the AWS region whose endpoints the services (${services.join(", ")}) are called in, e.g. "us-east-1".`,
                );
            return;
        }
        const partition = partitionOf(a.region);
        if (typeof partition === "string") return;
        services.forEach((name, i) => {
            const only = AWS_SERVICES[name].partitions;
            if (only && !only.includes(partition.id))
                invalid(
                    at(`awsServices[${i}]`),
                    `"${name}" does not exist in the ${partition.id} partition (region ${a.region}); use "sts", the regional endpoint.`,
                );
        });
    },
};

/** Something is allowed at all. */
export const somethingToAllow: Refinement<EgressSettings> = {
    name: "something to allow",
    check: (a, at) => {
        if ((a.awsServices ?? []).length === 0 && (a.extraHosts ?? []).length === 0 && !a.imds)
            invalid(
                at("awsServices"),
                'nothing to allow: list at least one AWS service (e.g. ["dynamodb", "sts"]), an extra host, or set imds: true.',
            );
    },
};

/** Extra hosts' protocols read in the mode given (HTTP on 443 is worded for originate mode). */
export const extraHostsInMode: Refinement<EgressSettings> = {
    name: "extra hosts match the mode",
    check: (a, at) =>
        (a.extraHosts ?? []).forEach((h, i) =>
            protocolMatchesPort(a.mode ?? "passthrough").check(h, (f) => at(`extraHosts[${i}].${f}`)),
        ),
};

/** Each host once, and no two hosts that collapse to one object name (`namePrefix` is the component's). */
export function hostsOnce(namePrefix: string): Refinement<EgressSettings> {
    return {
        name: "each host once",
        check: (a, at) => {
            const services = a.awsServices ?? [];
            const extra = a.extraHosts ?? [];
            // Endpoints resolve in a known region only (servicesInRegion refuses the rest).
            if (services.length > 0 && (a.region === undefined || typeof partitionOf(a.region) === "string")) return;
            const endpoints = resolveEndpoints(a.region, services, extraHostsOf(extra), a.imds ?? false);
            // The table lists services, then extra hosts, then IMDS: the field each endpoint came from.
            const paths = [
                ...services.map((_, i) => at(`awsServices[${i}]`)),
                ...extra.map((_, i) => at(`extraHosts[${i}].host`)),
                ...(a.imds ? [at("imds")] : []),
            ];
            const hosts = new Map<string, string>();
            const names = new Map<string, string>();
            endpoints.forEach((e, i) => {
                const first = hosts.get(e.host);
                if (first !== undefined)
                    invalid(
                        paths[i],
                        `"${e.host}" is already allowed by ${first}; list each host once (a named service already covers its regional endpoint).`,
                    );
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
        },
    };
}

/** The extra hosts with their defaults, as the endpoint table takes them. */
export function extraHostsOf(extra: readonly AwsEgressExtraHostArgs[]) {
    return extra.map((h) => ({ host: h.host, port: h.port ?? 443, protocol: h.protocol ?? "HTTPS" }));
}

/** Prefix of every object name: the component name as a DNS label. */
export const namePrefixOf = (name: string) => dnsLabel(name, 40) || "aws-egress";

/** AwsEgress's spec for a component named `name` (its object names take part in one rule). */
export function awsEgressSpec(name: string) {
    return object(awsEgressFields, {
        refine: [servicesInRegion, somethingToAllow, extraHostsInMode, hostsOnce(namePrefixOf(name))],
    });
}

holds<SameShape<AwsEgressArgs, SpecArgs<ReturnType<typeof awsEgressSpec>>>>();

function requireEndpointHost(path: string, host: string): void {
    if (IMDS_ALIASES.includes(host))
        invalid(
            path,
            `"${host}" is the instance metadata service, which only speaks plain HTTP on port ${IMDS.port} inside the instance: it has no TLS endpoint, so it cannot be reached over HTTPS nor TLS-originated. Remove it from extraHosts and set imds: true; AwsEgress registers it by address as plain HTTP in either mode.`,
        );
    if (host.includes("*")) {
        const s3 = /\.s3[.-]/.test(host)
            ? ' For S3 buckets, use path-style addressing (SDK option forcePathStyle / addressing_style=path) with the "s3" service, or list each bucket host.'
            : "";
        invalid(
            path,
            `"${host}" is a wildcard: Istio cannot route HTTPS (SNI) to a wildcard ServiceEntry host with DNS resolution, nor verify a certificate for it. Name each endpoint concretely, e.g. "dynamodb.us-east-1.amazonaws.com", or use awsServices: ["dynamodb"].${s3}`,
        );
    }
    if (ipaddr.isValid(host.replace(/^\[|\]$/g, "")))
        invalid(
            path,
            `"${host}" is an IP address; Istio's ServiceEntry hosts are DNS names. Give the endpoint's host name (the one its certificate names).`,
        );
    requireConcreteHostname(path, host);
}
