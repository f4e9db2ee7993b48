// Step 5 (opt-in): signals for the monitoring the clusters already run — alert rules on both clusters
// (a failing host, a certificate near its end) and a Grafana dashboard for the whole link. Object names
// are plain; the namespace resolves with the gateway, the payload (certificate ends, upstreams) with
// the outputs it reads.
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AlertRulesFormat } from "../../common/types";
import { customObject, objectResourceName } from "../../common/kube";
import { MONITORING_DEFAULTS } from "../../link-monitoring/args";
import { linkDashboard } from "../../link-monitoring/dashboard";
import { dashboardObject, rulesObject } from "../../link-monitoring/objects";
import { sideRuleGroups } from "../../link-monitoring/rules";
import type { LinkPki } from "../../link-pki";
import type { CrossMeshLinkArgs } from "../args";
import type { ExportTarget } from "../targets";
import type { Meshes, Side } from "./meshes";
import type { ResolvedLink } from "./resolve";

export function monitorLink(
    parent: pulumi.ComponentResource,
    name: string,
    args: CrossMeshLinkArgs,
    resolved: ResolvedLink,
    meshes: Meshes,
    pki: LinkPki,
    targets: ExportTarget[],
): void {
    const m = args.monitoring;
    if (!m) return;
    const settings = { ...MONITORING_DEFAULTS, ...m };
    const hosts = args.services.map((s) => s.host);
    const upstreams = pulumi.all(targets.map((t) => t.upstreamHost));
    const sides = {
        eks: {
            provider: args.eksProvider,
            namespace: m.namespace !== undefined ? pulumi.output(m.namespace) : meshes.eks.gateway.namespace,
            destinations: upstreams,
            certificates: pulumi.all([pki.serverCertExpiresAt, pki.serverCaExpiresAt]),
        },
        gke: {
            provider: args.gkeProvider,
            namespace: m.namespace !== undefined ? pulumi.output(m.namespace) : meshes.gke.gateway.namespace,
            destinations: pulumi.output(hosts),
            certificates: pulumi.all([pki.clientCertExpiresAt, pki.clientCaExpiresAt]),
        },
    };
    // Built once with the namespace left out: what names the object (known now); the real one carries the payload.
    const identity = { linkName: resolved.linkName, namespace: "", ...(m.labels ? { labels: m.labels } : {}) };
    const create = (
        s: Side,
        object: ReturnType<typeof rulesObject>,
        payload: pulumi.Output<ReturnType<typeof rulesObject>>,
    ) => {
        const opts = { parent, provider: sides[s].provider };
        const resourceName = objectResourceName(`${name}-${s}-monitoring`, object);
        const metadata = { ...object.metadata, namespace: sides[s].namespace };
        if (object.kind === "ConfigMap")
            new k8s.core.v1.ConfigMap(
                resourceName,
                { metadata, data: payload.apply((o) => o.data as Record<string, string>) },
                opts,
            );
        else
            customObject(
                resourceName,
                { apiVersion: object.apiVersion, kind: object.kind, metadata },
                payload.apply((o) => o.spec),
                opts,
            );
    };
    for (const s of ["eks", "gke"] as const) {
        const format: AlertRulesFormat | undefined = m.alerts;
        if (format === undefined) continue;
        const payload = pulumi
            .all([sides[s].namespace, sides[s].destinations, sides[s].certificates])
            .apply(([gatewayNamespace, destinations, [leaf, ca]]) =>
                rulesObject(
                    identity,
                    format,
                    sideRuleGroups({
                        linkName: resolved.linkName,
                        side: s,
                        gatewayNamespace,
                        destinations,
                        certificates: [
                            { certificate: "leaf", expiresAt: leaf },
                            { certificate: "ca", expiresAt: ca },
                        ],
                        certificateWarnDays: settings.certificateWarnDays,
                        errorRatio: settings.errorRatio,
                    }),
                ),
            );
        create(s, rulesObject(identity, format, []), payload);
    }
    if (m.dashboard) {
        const s: Side = settings.dashboardCluster;
        const dashboard = (eksNs: string, ups: string[], gkeNs: string) =>
            dashboardObject(
                identity,
                linkDashboard({
                    linkName: resolved.linkName,
                    eks: { gatewayNamespace: eksNs, upstreams: ups },
                    gke: { gatewayNamespace: gkeNs, hosts },
                }),
            );
        const payload = pulumi
            .all([meshes.eks.gateway.namespace, upstreams, meshes.gke.gateway.namespace])
            .apply(([eksNs, ups, gkeNs]) => dashboard(eksNs, ups, gkeNs));
        create(s, dashboard("", [], ""), payload);
    }
}
