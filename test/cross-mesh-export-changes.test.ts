// Adding or removing one consumer of a CrossMeshExport changes that consumer's resources and the few the export
// shares among all consumers — nothing of another consumer. The same program (the export, and each consumer's side
// on its own cluster) runs once per consumer list under the provider simulator, on one clock (the simulated tls
// provider derives keys and certificates from names and inputs, as one real stack keeps them from one `up` to the
// next), and the inputs every resource was registered with are compared run against run, as `pulumi preview`
// would compare them with the stack's state.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "node:crypto";
import { defaultWorld, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import type { ExportConsumerArgs } from "../components";
import { kubeProvider } from "./support/providers";
import { contentNamed } from "./support/link-fixture";

const NOW = new Date();
const LAMBDA = "lambda.external";
const INVENTORY = "inventory.external";
const CONSUMERS: Record<string, ExportConsumerArgs & { caller: string }> = {
    gke: {
        name: "gke",
        hosts: [LAMBDA, INVENTORY],
        trustDomain: "gke.example.org",
        egressCidrs: ["203.0.113.0/28"],
        caller: "shop",
    },
    aks: {
        name: "aks",
        hosts: [INVENTORY],
        trustDomain: "aks.example.org",
        egressCidrs: ["198.51.100.0/28"],
        caller: "warehouse",
    },
    onprem: {
        name: "onprem",
        hosts: [INVENTORY],
        trustDomain: "onprem.example.org",
        egressCidrs: ["192.0.2.0/28"],
        caller: "erp",
    },
};
/** Where each consumer's side runs: the simulator's clusters, and an on-premises one it treats as any other. */
const KUBECONFIG: Record<string, string> = { onprem: "apiVersion: v1\nclusters:\n- name: onprem-lab\n" };

interface Registered {
    /** Name of the resource's parent (the component it belongs to). */
    parent: string;
    /** Its inputs as the provider receives them (secrets unwrapped: a key that changes is a change). */
    inputs: Record<string, any>;
}
type Run = Map<string, Registered>;

/** One program run with these consumers, on a fresh simulated monitor: every custom resource, by `type name`. */
async function run(names: string[]): Promise<{ resources: Run; clientCaPems: Record<string, string> }> {
    const sim = startSimulation({ world: defaultWorld({ now: () => NOW }) });
    const aws = await import("@pulumi/aws");
    const k8s = await import("@pulumi/kubernetes");
    const { CrossMeshExport, CrossMeshConsumer } = await import("../components");
    const exp = new CrossMeshExport(
        "shared",
        {
            clusterName: "eks-lab5",
            awsRegion: "eu-west-1",
            services: [
                { host: LAMBDA, upstream: { hostname: "lambda.internal.example.org" } },
                { host: INVENTORY, upstream: { hostname: "inventory.internal.example.org" } },
            ],
            consumers: names.map((n) => {
                const { caller: _caller, ...args } = CONSUMERS[n];
                return args;
            }),
        },
        { providers: [await kubeProvider("eks", "eks"), new aws.Provider("aws", { region: "eu-west-1" })] },
    );
    const sides = await Promise.all(
        names.map(async (n) => {
            const c = CONSUMERS[n];
            const provider = KUBECONFIG[n]
                ? new k8s.Provider(n, { kubeconfig: KUBECONFIG[n] })
                : await kubeProvider(n, n as "gke" | "aks");
            return new CrossMeshConsumer(
                `${n}-side`,
                {
                    grant: exp.grantFor(n),
                    trustDomain: c.trustDomain,
                    services: c.hosts.map((host) => ({ host, allowedSources: [{ namespace: c.caller }] })),
                },
                { provider },
            );
        }),
    );
    const [consumers] = await Promise.all([valueOf(exp.consumers), ...sides.map((s) => valueOf(s.spiffeId))]);
    await settle();
    const nameOf = (urn: string) => urn.split("::").pop()!;
    const resources: Run = new Map(
        sim.graph.resources
            .filter((r) => r.custom)
            .map((r) => [
                `${r.type} ${r.name}`,
                { parent: nameOf(r.parent), inputs: unsecret(r.rawInputs) as Record<string, any> },
            ]),
    );
    assert.equal(resources.size, sim.graph.resources.filter((r) => r.custom).length, "no two resources share a name");
    return { resources, clientCaPems: Object.fromEntries(consumers.map((c) => [c.name, c.clientCaPem])) };
}

/** The paths at which two values differ (a list of another length differs as a whole). */
function changedPaths(a: unknown, b: unknown, path = ""): string[] {
    if (JSON.stringify(a) === JSON.stringify(b)) return [];
    const bothObjects = a && b && typeof a === "object" && typeof b === "object";
    if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) return [path];
    if (Array.isArray(a) && a.length !== (b as unknown[]).length) return [path];
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])];
    return keys.flatMap((k) =>
        changedPaths(
            (a as Record<string, unknown>)[k],
            (b as Record<string, unknown>)[k],
            Array.isArray(a)
                ? `${path}[${k}]`
                : /^[A-Za-z_]\w*$/.test(k)
                  ? path
                      ? `${path}.${k}`
                      : k
                  : `${path}["${k}"]`,
        ),
    );
}

interface Diff {
    added: string[];
    removed: string[];
    /** `type name` → the input paths that differ. */
    changed: Record<string, string[]>;
}
function diff(before: Run, after: Run): Diff {
    const changed: Record<string, string[]> = {};
    for (const [key, r] of after) {
        const old = before.get(key);
        if (old) {
            const paths = changedPaths(old.inputs, r.inputs);
            if (paths.length > 0) changed[key] = paths;
        }
    }
    return {
        added: [...after.keys()].filter((k) => !before.has(k)).sort(),
        removed: [...before.keys()].filter((k) => !after.has(k)).sort(),
        changed,
    };
}

const GATEWAY = "kubernetes:networking.istio.io/v1:Gateway shared-export-gateway-shared-export";
const CREDENTIAL = "kubernetes:core/v1:Secret shared-export-secret-shared-link";
const LOAD_BALANCER = "kubernetes:core/v1:Service shared-istio-load-balancer";
const policyOf = (n: string) =>
    `kubernetes:security.istio.io/v1:AuthorizationPolicy shared-export-authorization-policy-shared-consumer-${n}`;
/** The certificates of a consumer, as the export issues them: its CA and leaf, each a key, a CSR, a certificate. */
const tlsOf = (n: string) =>
    [
        `tls:index/privateKey:PrivateKey shared-${n}-client-ca-key`,
        `tls:index/selfSignedCert:SelfSignedCert shared-${n}-client-ca`,
        `tls:index/privateKey:PrivateKey shared-${n}-client-key`,
        `tls:index/certRequest:CertRequest shared-${n}-client-csr`,
        `tls:index/locallySignedCert:LocallySignedCert shared-${n}-client-cert`,
    ].sort();
/** What the export shares among all its consumers, and how it changes when one comes or goes. */
const SHARED_CHANGES = {
    [CREDENTIAL]: ["metadata.name", 'stringData["ca.crt"]'],
    [LOAD_BALANCER]: ["spec.loadBalancerSourceRanges"],
    [GATEWAY]: ["spec.servers[0].tls.credentialName", "spec.servers[0].tls.subjectAltNames"],
};
/** Everything of consumer `n`: its certificates, its policy, its side on its own cluster (and that cluster's provider). */
const consumersOwn = (r: Run, n: string) =>
    [...r.entries()]
        .filter(
            ([key, v]) =>
                key === policyOf(n) ||
                v.parent === `shared-${n}` ||
                key.endsWith(` ${n}`) ||
                key.split(" ")[1].startsWith(`${n}-side`),
        )
        .map(([key]) => key)
        .sort();

const pems = (bundle: string) => bundle.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
const fingerprints = (bundle: string) => pems(bundle).map((p) => new crypto.X509Certificate(p).fingerprint256);
const caCrt = (r: Run) => r.get(CREDENTIAL)!.inputs.stringData["ca.crt"] as string;

// Run one after the other: each run owns the (global) mock monitor while it lasts.
const runs = (async () => {
    const base = await run(["gke", "aks"]);
    const added = await run(["gke", "aks", "onprem"]);
    const removed = await run(["gke"]);
    return { base, added, removed };
})();

test("onprem added: only onprem's resources are new; the shared Gateway, credential and load balancer change; nothing of gke or aks", async () => {
    const { base, added: after } = await runs;
    const d = diff(base.resources, after.resources);
    assert.deepEqual(d.removed, []);
    assert.deepEqual(d.added, consumersOwn(after.resources, "onprem"));
    // Its certificates are its own, under its own component; its policy; its side.
    for (const key of [...tlsOf("onprem"), policyOf("onprem")]) assert.ok(d.added.includes(key), key);
    assert.deepEqual(
        tlsOf("onprem").map((k) => after.resources.get(k)!.parent),
        tlsOf("onprem").map(() => "shared-onprem"),
    );
    assert.ok(d.added.some((k) => k.startsWith("kubernetes:core/v1:Secret onprem-side-import-")));
    assert.deepEqual(d.changed, SHARED_CHANGES);
    // Not vacuous: gke's and aks's resources are in both runs, the same.
    for (const n of ["gke", "aks"]) {
        const own = consumersOwn(base.resources, n);
        assert.ok(own.length > 0 && own.includes(policyOf(n)) && tlsOf(n).every((k) => own.includes(k)), n);
        assert.deepEqual(consumersOwn(after.resources, n), own);
    }
    // How the shared ones change: onprem's identity pinned, its CA trusted, its CIDRs admitted.
    const sans = after.resources.get(GATEWAY)!.inputs.spec.servers[0].tls.subjectAltNames;
    assert.deepEqual(
        [...sans].sort(),
        ["aks", "gke", "onprem"].map((n) => `spiffe://${n}.example.org/ns/istio-egress/sa/istio-egressgateway`).sort(),
    );
    assert.deepEqual(
        [...fingerprints(caCrt(after.resources))].sort(),
        ["gke", "aks", "onprem"].flatMap((n) => fingerprints(after.clientCaPems[n])).sort(),
    );
    assert.deepEqual([...after.resources.get(LOAD_BALANCER)!.inputs.spec.loadBalancerSourceRanges].sort(), [
        "192.0.2.0/28",
        "198.51.100.0/28",
        "203.0.113.0/28",
    ]);
    assert.match(after.resources.get(CREDENTIAL)!.inputs.metadata.name, contentNamed("shared-link"));
    assert.equal(
        after.resources.get(CREDENTIAL)!.inputs.stringData["tls.crt"],
        base.resources.get(CREDENTIAL)!.inputs.stringData["tls.crt"],
        "the server certificate is not reissued",
    );
    assert.deepEqual(after.clientCaPems.gke, base.clientCaPems.gke, "gke keeps its CA");
    assert.deepEqual(after.clientCaPems.aks, base.clientCaPems.aks, "aks keeps its CA");
});

test("aks removed: its certificates, policy and side are gone, its CA no longer trusted; gke untouched", async () => {
    const { base, removed } = await runs;
    const d = diff(base.resources, removed.resources);
    assert.deepEqual(d.added, []);
    assert.deepEqual(d.removed, consumersOwn(base.resources, "aks"));
    for (const key of [...tlsOf("aks"), policyOf("aks")]) assert.ok(d.removed.includes(key), key);
    assert.deepEqual(d.changed, SHARED_CHANGES);
    assert.deepEqual(consumersOwn(removed.resources, "gke"), consumersOwn(base.resources, "gke"));
    assert.deepEqual(fingerprints(caCrt(removed.resources)), fingerprints(base.clientCaPems.gke), "gke's CA alone");
    assert.deepEqual(removed.resources.get(GATEWAY)!.inputs.spec.servers[0].tls.subjectAltNames, [
        "spiffe://gke.example.org/ns/istio-egress/sa/istio-egressgateway",
    ]);
    assert.deepEqual(removed.resources.get(LOAD_BALANCER)!.inputs.spec.loadBalancerSourceRanges, ["203.0.113.0/28"]);
});
