// ExportGateway's spec: every field, its type and checks, and the cross-field rules, declared once.
// Hosts and upstream names are plain (they name objects); upstream settings, the credential and the
// allowed principals may be Outputs (checked when known). CrossMeshLink picks its fields from here.
import { invalid, known, requireConcreteHostname, requireKubernetesName } from "../common/validation";
import type { TlsBundle } from "../common/types";
import { type Refinement, holds, list, object, opaque, string, type SameShape, type SpecArgs } from "../common/spec";
import { MAX_CONSUMER_NAME, objectName } from "../link-routing/names";
import { exportedHost, gatewaySideFields, hostsNameDistinctObjects, port, serviceList } from "../link-routing/spec";
import type { ExportGatewayArgs, ExportGatewayConsumerArgs, ExportedServiceArgs } from "./args";

const SPIFFE_ID = /^spiffe:\/\/([a-z0-9._-]+)\/ns\/([a-z0-9-]+)\/sa\/([a-z0-9.-]+)$/;

/**
 * A client identity as it appears in the client certificate's URI SAN. `cluster.local` is refused:
 * Istio reads a principal in `cluster.local` as "this mesh's own trust domain" and rewrites it to the
 * EKS mesh's trust domain, so the policy would never match the GKE client certificate.
 */
export function requireClientSpiffeId(path: string, id: string): void {
    const m = SPIFFE_ID.exec(id);
    if (!m)
        invalid(
            path,
            `"${id}" is not a SPIFFE id; give the client certificate's URI SAN, e.g. "spiffe://gke.example/ns/istio-egress/sa/istio-egressgateway".`,
        );
    if (m[1] === "cluster.local") {
        invalid(
            path,
            `"${id}" uses the trust domain "cluster.local", which Istio rewrites to the EKS mesh's own trust domain in authorization policies, so it would never match. Give the GKE mesh (and the link's client certificate) a distinct trust domain, e.g. "spiffe://gke.example/ns/${m[2]}/sa/${m[3]}".`,
        );
    }
}

/** One exported host and its upstream. */
export const exportedServiceFields = {
    host: exportedHost,
    upstreamHost: string()
        .input()
        .required("give the upstream's DNS name, e.g. the internal ALB's dnsName.")
        .check(requireConcreteHostname),
    upstreamPort: port().input().default(443),
    upstreamCaPem: string().input().optional(),
    upstreamSni: string().input().optional().check(requireConcreteHostname),
    upstreamName: string().optional().check(requireKubernetesName),
};

const NO_PRINCIPALS =
    "list the SPIFFE ids allowed to call (the GKE egress gateway's client certificate URI SAN, e.g. LinkPki's clientSpiffeId); with none, every request would be denied.";

/** A consumer's name: a DNS label short enough to name its objects after the export's. */
export function requireConsumerName(path: string, name: string): void {
    requireKubernetesName(path, name);
    if (name.length > MAX_CONSUMER_NAME)
        invalid(
            path,
            `"${name}" is ${name.length} characters; keep a consumer's name to ${MAX_CONSUMER_NAME}: it names its objects.`,
        );
}

/** One consumer mesh of the export: its name, its identity and its hosts. */
export const exportConsumerFields = {
    name: string()
        .required('give the consumer a name, e.g. "gke-prod": it names its policy and its grant.')
        .plain("it names the consumer's objects")
        .check(requireConsumerName),
    principal: string()
        .input()
        .required("give the consumer's client certificate URI SAN (its SPIFFE id).")
        .check(requireClientSpiffeId),
    hosts: list(exportedHost, {
        emptyFix: "grant the consumer at least one exported host; remove the consumer to revoke it.",
        unique: (h: string) => h,
        what: "exported hosts",
    }).required('list the exported hosts the consumer may call, e.g. ["lambda.external"].'),
};

/** The fields CrossMeshLink may pick. */
export const exportGatewayFields = {
    ...gatewaySideFields,
    serverBundle: opaque<TlsBundle>("the server credential")
        .input()
        .required("give the server credential (LinkPki's serverBundle): tls.crt, tls.key and the client CA as ca.crt."),
    services: list(object(exportedServiceFields, { what: "{ host, upstreamHost, … }" }), {
        ...serviceList,
        what: 'services to export, e.g. [{ host: "lambda.external", upstreamHost: alb.dnsName }]',
    }).required('give a list of services to export, e.g. [{ host: "lambda.external", upstreamHost: alb.dnsName }].'),
    allowedClientPrincipals: list(string().input().check(requireClientSpiffeId), { emptyFix: NO_PRINCIPALS })
        .input()
        .optional(),
    consumers: list(object(exportConsumerFields, { what: "{ name, principal, hosts }" }), {
        emptyFix: "list at least one consumer, or give allowedClientPrincipals.",
        unique: (c: { name: string }) => c.name,
        what: "consumers",
    }).optional(),
};

type Admission = Pick<ExportGatewayArgs, "allowedClientPrincipals" | "consumers"> & Services;

/** Who may call is said once: by `allowedClientPrincipals` (every host) or by `consumers` (each its hosts). */
export const oneAdmission: Refinement<Admission> = {
    name: "exactly one of allowedClientPrincipals and consumers",
    check: (a, at) => {
        if (a.allowedClientPrincipals === undefined && a.consumers === undefined)
            invalid(at("allowedClientPrincipals"), `missing; ${NO_PRINCIPALS}`);
        if (a.allowedClientPrincipals !== undefined && a.consumers !== undefined)
            invalid(
                at("consumers"),
                "is given beside allowedClientPrincipals; give one: consumers (each admitted to its own hosts) or allowedClientPrincipals (all admitted to every host).",
            );
    },
};

/** A consumer is granted exported hosts only, and no two consumers share an identity (policies tell them apart by it). */
export const consumersGrantExportedHosts: Refinement<{
    services: readonly { host: string }[];
    consumers?: readonly ExportGatewayConsumerArgs[];
}> = {
    name: "consumers are granted exported hosts, under distinct identities",
    check: (a, at) => {
        const hosts = new Set(a.services.map((s) => s.host));
        const owner = new Map<unknown, number>();
        (a.consumers ?? []).forEach((c, i) => {
            c.hosts.forEach((h, k) => {
                if (!hosts.has(h))
                    invalid(
                        at(`consumers[${i}].hosts[${k}]`),
                        `"${h}" is not an exported host (${[...hosts].join(", ")}); export it in services first, or grant one of those.`,
                    );
            });
            if (!known(c.principal)) return;
            const seen = owner.get(c.principal);
            if (seen !== undefined)
                invalid(
                    at(`consumers[${i}].principal`),
                    `"${c.principal}" is also the identity of consumers[${seen}]; the gateway could not tell them apart. Give each consumer mesh its own trust domain.`,
                );
            owner.set(c.principal, i);
        });
    },
};

type Services = { services: readonly ExportedServiceArgs[] };

/** No upstream is itself an exported host: the gateway would route it to itself. */
export const upstreamIsNotExported: Refinement<Services> = {
    name: "an upstream is not an exported host",
    check: (a, at) => {
        const hosts = new Set<unknown>(a.services.map((s) => s.host));
        a.services.forEach((svc, i) => {
            if (known(svc.upstreamHost) && hosts.has(svc.upstreamHost))
                invalid(
                    at(`services[${i}].upstreamHost`),
                    `"${svc.upstreamHost}" is itself an exported host: the gateway would route it to itself. Point it at the real upstream (the ALB's DNS name).`,
                );
        });
    },
};

/** No upstream CA Secret name ends in "-cacert", which Istio reserves (`linkName` prefixes it). */
export function upstreamCaNameAllowed(linkName: string): Refinement<Services> {
    return {
        name: "upstream CA Secret names are not -cacert companions",
        check: (a, at) =>
            a.services.forEach((svc, i) => {
                if (!objectName(linkName, "upstream-ca", svc.upstreamName ?? svc.host).endsWith("-cacert")) return;
                const field = svc.upstreamName !== undefined ? "upstreamName" : "host";
                invalid(
                    at(`services[${i}].${field}`),
                    `the upstream CA Secret for "${svc.upstreamName ?? svc.host}" would end in "-cacert", which Istio reserves; rename the ${field}.`,
                );
            }),
    };
}

/**
 * Several hosts may share one upstream host (identical ServiceEntries/DestinationRules are harmless), but
 * not with different settings: Istio would apply only one of them. Values not yet known are skipped.
 */
export const sharedUpstreamHostAgrees: Refinement<Services> = {
    name: "services sharing an upstream host agree on its settings",
    check: (a, at) => {
        const first = new Map<string, number>();
        const settings = (s: ExportedServiceArgs) => [s.upstreamPort ?? 443, s.upstreamSni, s.upstreamCaPem];
        a.services.forEach((svc, i) => {
            if (!known(svc.upstreamHost)) return;
            const seen = first.get(svc.upstreamHost);
            if (seen === undefined) return void first.set(svc.upstreamHost, i);
            const theirs = settings(a.services[seen]);
            if (settings(svc).some((v, k) => known(v) && known(theirs[k]) && v !== theirs[k]))
                invalid(
                    at(`services[${i}]`),
                    `shares upstreamHost "${svc.upstreamHost}" with services[${seen}] but sets a different upstreamPort, upstreamSni or upstreamCaPem; give both the same upstream settings.`,
                );
        });
    },
};

/** Services sharing an upstreamName share one set of upstream objects: plain upstream hosts agree now. */
export const sharedUpstreamNameAgrees: Refinement<Services> = {
    name: "services sharing an upstreamName go to one upstream host",
    check: (a, at) => {
        const first = new Map<string, number>();
        a.services.forEach((svc, i) => {
            if (svc.upstreamName === undefined) return;
            const seen = first.get(svc.upstreamName);
            if (seen === undefined) return void first.set(svc.upstreamName, i);
            const theirs = a.services[seen].upstreamHost;
            if (known(svc.upstreamHost) && known(theirs) && svc.upstreamHost !== theirs)
                invalid(
                    at(`services[${i}].upstreamName`),
                    `"${svc.upstreamName}" is also the upstream of services[${seen}], which goes to "${theirs}", not "${svc.upstreamHost}"; services sharing an upstreamName share one upstream, so give them the same upstreamHost or different upstreamNames.`,
                );
        });
    },
};

/** ExportGateway's spec for objects named after `linkName` (the upstream CA Secret names take part in one rule). */
export function exportGatewaySpec(linkName: string) {
    return object(exportGatewayFields, {
        refine: [
            hostsNameDistinctObjects,
            upstreamIsNotExported,
            upstreamCaNameAllowed(linkName),
            sharedUpstreamHostAgrees,
            sharedUpstreamNameAgrees,
            oneAdmission,
            consumersGrantExportedHosts,
        ],
    });
}

holds<SameShape<ExportGatewayArgs, SpecArgs<ReturnType<typeof exportGatewaySpec>>>>();
