// Up-front checks of ExportGatewayArgs, before the component registers anything.
import * as pulumi from "@pulumi/pulumi";
import { invalid, known, knownArray, requireConcreteHostname, requireKubernetesName } from "../common/validation";
import { objectName } from "../link-routing/names";
import { requireServiceHosts, requireGatewaySide, requirePort } from "../link-routing/validate";
import type { ExportGatewayArgs } from "./args";

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

/** `linkName`: the given one, or the default derived from the component name. */
export function validateExportGatewayArgs(
    linkName: string,
    args: ExportGatewayArgs,
    opts: pulumi.ComponentResourceOptions | undefined,
): void {
    requireGatewaySide("ExportGateway", linkName, args, opts);
    if (args.serverBundle === undefined)
        invalid(
            "serverBundle",
            "give the server credential (LinkPki's serverBundle): tls.crt, tls.key and the client CA as ca.crt.",
        );
    if (!Array.isArray(args.services))
        invalid(
            "services",
            'give a list of services to export, e.g. [{ host: "lambda.external", upstreamHost: alb.dnsName }].',
        );
    const hosts = requireServiceHosts(
        "services",
        args.services.map((s) => s.host),
    );

    const plainSettings = new Map<string, { i: number; port: unknown; sni: unknown; ca: unknown }>();
    const firstWithName = new Map<string, number>();
    args.services.forEach((svc, i) => {
        const path = `services[${i}]`;
        if (svc.upstreamHost === undefined)
            invalid(`${path}.upstreamHost`, "give the upstream's DNS name, e.g. the internal ALB's dnsName.");
        if (known(svc.upstreamHost)) {
            requireConcreteHostname(`${path}.upstreamHost`, svc.upstreamHost);
            if (hosts.includes(svc.upstreamHost))
                invalid(
                    `${path}.upstreamHost`,
                    `"${svc.upstreamHost}" is itself an exported host: the gateway would route it to itself. Point it at the real upstream (the ALB's DNS name).`,
                );
        }
        if (known(svc.upstreamPort)) requirePort(`${path}.upstreamPort`, svc.upstreamPort);
        if (known(svc.upstreamSni)) requireConcreteHostname(`${path}.upstreamSni`, svc.upstreamSni);
        if (svc.upstreamName !== undefined) requireKubernetesName(`${path}.upstreamName`, svc.upstreamName);
        if (objectName(linkName, "upstream-ca", svc.upstreamName ?? svc.host).endsWith("-cacert")) {
            const field = svc.upstreamName !== undefined ? "upstreamName" : "host";
            invalid(
                `${path}.${field}`,
                `the upstream CA Secret for "${svc.upstreamName ?? svc.host}" would end in "-cacert", which Istio reserves; rename the ${field}.`,
            );
        }
        // Several hosts may share one upstream (identical ServiceEntries/DestinationRules are harmless),
        // but not with different settings: Istio would apply only one of them.
        if (known(svc.upstreamHost)) {
            const seen = plainSettings.get(svc.upstreamHost);
            const mine = { i, port: svc.upstreamPort ?? 443, sni: svc.upstreamSni, ca: svc.upstreamCaPem };
            if (
                seen &&
                [seen.port, seen.sni, seen.ca].some(
                    (v, k) =>
                        known(v) && known([mine.port, mine.sni, mine.ca][k]) && v !== [mine.port, mine.sni, mine.ca][k],
                )
            ) {
                invalid(
                    path,
                    `shares upstreamHost "${svc.upstreamHost}" with services[${seen.i}] but sets a different upstreamPort, upstreamSni or upstreamCaPem; give both the same upstream settings.`,
                );
            }
            if (!seen) plainSettings.set(svc.upstreamHost, mine);
        }
        // A shared upstreamName means one set of upstream objects: plain upstream hosts must agree now
        // (values still unknown are checked when they resolve).
        if (svc.upstreamName !== undefined) {
            const first = firstWithName.get(svc.upstreamName);
            const theirs = first !== undefined ? args.services[first].upstreamHost : undefined;
            if (first === undefined) {
                firstWithName.set(svc.upstreamName, i);
            } else if (known(svc.upstreamHost) && known(theirs) && svc.upstreamHost !== theirs) {
                invalid(
                    `${path}.upstreamName`,
                    `"${svc.upstreamName}" is also the upstream of services[${first}], which goes to "${theirs}", not "${svc.upstreamHost}"; services sharing an upstreamName share one upstream, so give them the same upstreamHost or different upstreamNames.`,
                );
            }
        }
    });

    const principals = knownArray<string>(args.allowedClientPrincipals);
    if (args.allowedClientPrincipals === undefined || (principals !== undefined && principals.length === 0)) {
        invalid(
            "allowedClientPrincipals",
            "list the SPIFFE ids allowed to call (the GKE egress gateway's client certificate URI SAN, e.g. LinkPki's clientSpiffeId); with none, every request would be denied.",
        );
    }
    principals?.forEach((p, i) => {
        if (known(p)) requireClientSpiffeId(`allowedClientPrincipals[${i}]`, p);
    });
}
