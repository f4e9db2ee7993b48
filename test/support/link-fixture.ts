// One link as the top-level component would wire it: two exported hosts (one behind a privately signed
// ALB, one behind a publicly trusted upstream), both sides' gateways as IstioInstall installs them.
import type { GatewayRef, TlsBundle } from "../../components/common/types";
import { ExportSettings, exportObjects } from "../../components/export-gateway/objects";
import { ImportSettings, importObjects } from "../../components/import-gateway/objects";
import type { LinkObject } from "../../components/link-routing/objects";

export const INGRESS: GatewayRef = {
    namespace: "istio-ingress",
    selectorLabels: { app: "istio-ingressgateway", istio: "ingressgateway" },
    serviceName: "istio-ingressgateway",
    serviceAccount: "istio-ingressgateway",
};
export const EGRESS: GatewayRef = {
    namespace: "istio-egress",
    selectorLabels: { app: "istio-egressgateway", istio: "egressgateway" },
    serviceName: "istio-egressgateway",
    serviceAccount: "istio-egressgateway",
};
export const GKE_TRUST_DOMAIN = "gke.crossmesh.test";
export const CLIENT_SPIFFE_ID = `spiffe://${GKE_TRUST_DOMAIN}/ns/istio-egress/sa/istio-egressgateway`;
export const EKS_LB = "k8s-istioing-istioing-0123456789-0123456789abcdef.elb.eu-west-1.amazonaws.com";
export const ALB = "internal-crossmesh-alb-1234567890.eu-west-1.elb.amazonaws.com";
export const PUBLIC_UPSTREAM = "orders.api.example.com";
export const HOSTS = ["lambda.external", "orders.external"];

/** PEM-shaped stand-ins: builders copy them, the tracer checks that each key is present. */
export const BUNDLE: TlsBundle = {
    certPem: "-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n",
    privateKeyPem: "-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n",
    caPem: "-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n",
};
/** BUNDLE as its Secret must carry it: the key names Istio's SDS reads. */
export const BUNDLE_SECRET_DATA = {
    "tls.crt": BUNDLE.certPem,
    "tls.key": BUNDLE.privateKeyPem,
    "ca.crt": BUNDLE.caPem,
};
export const ALB_CA = "-----BEGIN CERTIFICATE-----\nalb-ca\n-----END CERTIFICATE-----\n";

export function exportSettings(): ExportSettings {
    return {
        linkName: "crossmesh",
        gateway: INGRESS,
        credentialName: "crossmesh-link",
        services: [
            { host: HOSTS[0], upstreamHost: ALB, upstreamPort: 443, privateUpstreamCa: true },
            {
                host: HOSTS[1],
                upstreamHost: PUBLIC_UPSTREAM,
                upstreamPort: 8443,
                upstreamSni: "orders.example.com",
                privateUpstreamCa: false,
            },
        ],
        allowedClientPrincipals: [CLIENT_SPIFFE_ID],
    };
}

export function importSettings(): ImportSettings {
    return {
        linkName: "crossmesh",
        gateway: EGRESS,
        credentialName: "crossmesh-link",
        remotePort: 443,
        trustDomain: GKE_TRUST_DOMAIN,
        services: [
            {
                host: HOSTS[0],
                allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }, { namespace: "reports" }],
            },
            { host: HOSTS[1], allowedSources: [{ namespace: "shop", serviceAccount: "checkout" }] },
        ],
    };
}

export function eksObjects(s = exportSettings()): LinkObject[] {
    return exportObjects(s, BUNDLE, { [HOSTS[0]]: ALB_CA });
}

export function gkeObjects(s = importSettings()): LinkObject[] {
    return importObjects(s, BUNDLE, EKS_LB);
}

/** Deep copy, so a test can break one field without touching the fixture. */
export function copy<T>(value: T): T {
    return JSON.parse(JSON.stringify(value)) as T;
}

/** A content-addressed Secret's name: its family and the 10-digit hash of its public content. */
export function contentNamed(family: string): RegExp {
    return new RegExp(`^${family}-[0-9a-f]{10}$`);
}
