// CrossMeshExport and CrossMeshConsumer (issue 26) under a REAL Pulumi engine (CLI, Node.js language host,
// kubernetes and tls providers from test/real/build.sh) against four local control planes (test/real/clusters-up.sh
// aks onprem): "eks" exports, "gke", "aks" and "onprem" consume, each an adopted egress gateway with its own trust
// domain. What the mocks cannot show: the engine's own create/update/replace/delete decisions when one consumer is
// added or removed, StackReferences between real stacks, what lands on each cluster.
//
// 1. One program (consumers-program/): the export on eks, consumers on gke and aks. up; a second preview is clean.
// 2. Separate stacks, one file backend: the exporter's (exporter-program/, given the EKS kubeconfig only) and one per
//    consumer (consumer-program/, its own cluster's kubeconfig only, its grant read through a StackReference). up,
//    then a clean preview of each.
// 3. A third consumer (onprem) added to the exporter: its certificates and AuthorizationPolicy created, the Gateway
//    updated, the shared credential Secret moved to a new content-addressed name (the engine's one replace), nothing
//    of another consumer changed (engine steps; uid/resourceVersion of every crossmesh object on every cluster); the
//    other consumers' previews clean; then onprem's own stack up.
// 4. A consumer (aks) removed: its CA gone from the live credential Secret's ca.crt (parsed certificate by
//    certificate, compared with the export's `consumers` output), its AuthorizationPolicy gone, the Gateway no longer
//    pins its identity, the other consumers' objects untouched and their previews clean.
// 5. No private key in plain text in any state; destroy of every stack leaves nothing on any cluster.
//
//   node --import tsx --test --test-reporter=spec test/engine/consumers.test.ts     (npm run test:engine)
// Skipped, with the reason, when the binaries are missing. Not part of `npm test`. A summary of every step, with
// each stack's creates/updates/replaces/deletes, lands in $REAL_HOME/work/consumers-report.json.
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import * as path from "node:path";
import {
    ENGINE_BINARIES,
    EngineSession,
    type EngineStack,
    type ObjectVersions,
    ROOT,
    type StackChanges,
    TOOLS,
    changedObjects,
    clustersRunning,
    changesOf,
    countsOf,
    plainPrivateKeys,
    replacedObjects,
    sh,
    skipReason,
    stepsOf,
    supersededSecrets,
    tool,
} from "./harness";

const SKIP = skipReason(ENGINE_BINARIES);
if (SKIP) console.log(`# consumers real-engine test skipped: ${SKIP}`);
const opts = { skip: SKIP };

/** The clusters beyond eks and gke. */
const EXTRA_CLUSTERS = ["aks", "onprem"];
/** The hosts the exporter grants each consumer (as exporter-program/ decides them), which each stack imports. */
const HOSTS: Record<string, string[]> = {
    gke: ["orders-1.external", "orders-2.external"],
    aks: ["orders-1.external"],
    onprem: ["orders-2.external"],
};
/** The links' labels (`crossmesh.io/link`): the one-program export and consumers, the separate stacks'. */
const LINKS = ["ledger", "ledger-gke", "ledger-aks", "orders", ...Object.keys(HOSTS).map((c) => `orders-${c}`)];

let s: EngineSession;
let kc: Record<string, string>;
let startedClusters = false;
let exporter: EngineStack;
const consumers: Record<string, EngineStack> = {};
/** Everything the report gets beside the steps. */
const figures: Record<string, unknown> = {};

before(() => {
    if (SKIP) return;
    startedClusters = !clustersRunning();
    const kube = tool("clusters-up.sh", EXTRA_CLUSTERS);
    kc = Object.fromEntries(
        ["eks", "gke", ...EXTRA_CLUSTERS].map((c) => [c, kube[`${c.toUpperCase()}_KUBECONFIG`]!] as const),
    );
    tool("seed-adopted.sh", [kc.eks, "ingress"]);
    for (const c of ["gke", ...EXTRA_CLUSTERS]) tool("seed-adopted.sh", [kc[c], "egress"]);
    s = new EngineSession(path.join(__dirname, "consumers-program"), { eks: kc.eks, gke: kc.gke, ...kc });
    // Objects a crashed earlier run of this file left behind (its links only: other files' objects stay).
    for (const k of Object.values(kc))
        s.kubectl(
            k,
            "delete",
            "secrets,gateways.networking.istio.io,virtualservices.networking.istio.io,destinationrules.networking.istio.io,serviceentries.networking.istio.io,authorizationpolicies.security.istio.io",
            "-A",
            "-l",
            `crossmesh.io/link in (${LINKS.join(",")})`,
            "--wait=true",
        );
    s.watch();
    s.pulumi("stack", "init", "local");
    s.pulumi("config", "set", "consumers", "gke,aks");
    exporter = s.project(path.join(__dirname, "exporter-program")).stack("local", { EKS_KUBECONFIG: kc.eks });
    exporter.init({ consumers: "gke,aks" });
    const consumerProject = s.project(path.join(__dirname, "consumer-program"));
    for (const c of Object.keys(HOSTS)) {
        consumers[c] = consumerProject.stack(c, { CONSUMER_KUBECONFIG: kc[c] });
        consumers[c].init({ consumer: c, exporterStack: exporter.qualifiedName, hosts: HOSTS[c].join(",") });
    }
});

after(() => {
    if (SKIP || !s) return;
    // Stacks a failed step left up: the consumers first (they read the exporter), then the exporter.
    for (const stack of [...Object.values(consumers), exporter])
        if (stack && stack.resources().length > 0) {
            const r = stack.pulumiMayFail("destroy", "--yes", "--skip-preview");
            if (r.status !== 0) console.log(`# cleanup destroy of ${stack.name} failed: ${r.stderr.slice(-500)}`);
        }
    s.finish("consumers-report.json", figures);
    if (startedClusters) sh(path.join(TOOLS, "clusters-down.sh"), EXTRA_CLUSTERS, { cwd: ROOT, allowFail: true });
});

/** Every crossmesh object on every cluster, by cluster, with uid and resourceVersion. */
function snapshot(): Record<string, ObjectVersions> {
    return Object.fromEntries(Object.entries(kc).map(([c, k]) => [c, s.versions(k)]));
}
/** `<cluster>: <object> changed|gone` for each object of `before` not as it was, and the new objects. */
function compare(before: Record<string, ObjectVersions>) {
    const now = snapshot();
    return {
        /** How many objects `before` held, on all clusters. */
        compared: Object.values(before).reduce((n, v) => n + v.size, 0),
        changed: Object.keys(kc).flatMap((c) => changedObjects(before[c], now[c]).map((o) => `${c}: ${o}`)),
        added: Object.keys(kc).flatMap((c) =>
            [...now[c].keys()].filter((k) => !before[c].has(k)).map((k) => `${c}: ${k}`),
        ),
    };
}
/** The names of the resources a stack's changes list (`<type> <name>` → name). */
const names = (list: string[]) => list.map((x) => x.split(" ")[1]);
/** Resources of the exporter's stack that belong to consumer `c`: its component, certificates and policy. */
const ofConsumer = (c: string) =>
    new RegExp(`^(orders-${c}(-client-.+)?|orders-export-authorization-policy-orders-consumer-${c})$`);
/**
 * What a change of the exporter's consumers did to everyone else, as a step's result: the objects on any cluster that
 * changed beyond `expected` (`<cluster>: <object> changed|gone` lines the change is meant to make), and the
 * exporter's own changes to resources of the `untouched` consumers.
 */
function exporterChangeResult(
    seen: ReturnType<typeof compare>,
    done: StackChanges,
    steps: { op: string; urn: string }[],
    expected: RegExp,
    untouched: string[],
) {
    const others = [
        ...seen.changed.filter((o) => !expected.test(o)),
        ...[...done.create, ...done.update, ...done.replace, ...done.delete].filter((x) =>
            untouched.some((c) => ofConsumer(c).test(x.split(" ")[1])),
        ),
    ];
    return {
        stacks: { exporter: done },
        othersChanged: others,
        replacedKubernetesObjects: replacedObjects(steps),
        supersededSecrets: supersededSecrets(steps),
        detail: `of ${seen.compared} crossmesh objects on the ${Object.keys(kc).length} clusters, changed: ${seen.changed.join("; ")}; new: ${seen.added.join("; ")}`,
    };
}
/** Prints a stack's changes, one line per resource. */
function printChanges(stack: string, c: StackChanges) {
    console.log(`# ${stack}: ${countsOf(c)} (engine: ${JSON.stringify(c.engine)})`);
    for (const op of ["create", "update", "replace", "delete"] as const)
        for (const r of c[op]) console.log(`#     ${op.padEnd(7)} ${r}`);
}
/** Kubernetes providers in a stack's state (the clusters its program reaches), by name. */
const kubernetesProviders = (stack: EngineStack) =>
    stack
        .resources()
        .filter((r) => r.type === "pulumi:providers:kubernetes")
        .map((r) => r.urn.split("::").pop()!);
/** The engine's plain update: nothing replaced, updated or deleted. */
function onlyCreates(c: StackChanges, what: string) {
    assert.deepEqual([c.update, c.replace, c.delete], [[], [], []], `${what}: only creates`);
}

test("one program: an export on eks, consumers on gke and aks; up, then a clean preview", opts, async () => {
    const r = await s.step("one program: up", () => {
        const out = s.pulumi("up", "--yes", "--skip-preview", "--json").stdout;
        const c = changesOf(out);
        printChanges("one program", c);
        onlyCreates(c, "one program");
        return {
            stacks: { "one-program": c },
            replacedKubernetesObjects: replacedObjects(stepsOf(out)),
            detail: `${c.create.length} resources created`,
        };
    });
    assert.deepEqual(r.deletedLinkSecrets, []);
    const eks = s.leftovers(kc.eks);
    for (const want of [
        /secret\/ledger-link-[0-9a-f]{10}$/,
        /authorizationpolicy.*\/ledger-consumer-gke$/,
        /authorizationpolicy.*\/ledger-consumer-aks$/,
    ])
        assert.ok(
            eks.some((o) => want.test(o)),
            `${want} on eks`,
        );
    for (const c of ["gke", "aks"])
        assert.ok(
            s.leftovers(kc[c]).some((o) => new RegExp(`secret/ledger-${c}-link-[0-9a-f]{10}$`).test(o)),
            `the ${c} consumer's credential on ${c}`,
        );
    await s.step("one program: preview --expect-no-changes", () => ({
        stacks: { "one-program": changesOf(s.pulumi("preview", "--expect-no-changes", "--json").stdout) },
    }));
});

test(
    "separate stacks: the exporter's (EKS kubeconfig only) and each consumer's (its own only, StackReference); up, then clean previews",
    opts,
    async () => {
        await s.step("exporter stack: up (EKS kubeconfig only)", () => {
            assert.deepEqual(exporter.kubeconfigVariables, ["EKS_KUBECONFIG"], "the exporter is given eks only");
            const { done } = exporter.up();
            printChanges("exporter", done);
            onlyCreates(done, "exporter");
            assert.deepEqual(kubernetesProviders(exporter), ["eks"], "one cluster reached: eks");
            return { stacks: { exporter: done }, detail: `kubeconfigs given: ${exporter.kubeconfigVariables}` };
        });
        for (const c of ["gke", "aks"])
            await s.step(`consumer ${c} stack: up (its kubeconfig only)`, () => {
                const stack = consumers[c];
                assert.deepEqual(stack.kubeconfigVariables, ["CONSUMER_KUBECONFIG"]);
                const { done } = stack.up();
                printChanges(c, done);
                onlyCreates(done, c);
                assert.deepEqual(kubernetesProviders(stack), [c], `one cluster reached: ${c}`);
                assert.ok(
                    stack
                        .resources()
                        .some(
                            (r) =>
                                r.type === "pulumi:pulumi:StackReference" &&
                                r.urn.endsWith(`::${exporter.qualifiedName}`),
                        ),
                    "the grant read through a StackReference to the exporter's stack",
                );
                assert.ok(
                    s.leftovers(kc[c]).some((o) => new RegExp(`secret/orders-${c}-link-[0-9a-f]{10}$`).test(o)),
                    `its credential Secret on ${c}`,
                );
                return { stacks: { [c]: done } };
            });
        await s.step("exporter, gke, aks: preview --expect-no-changes", () => ({
            stacks: {
                exporter: exporter.previewClean(),
                gke: consumers.gke.previewClean(),
                aks: consumers.aks.previewClean(),
            },
        }));
    },
);

test(
    "a third consumer (onprem): O(1) changes on the exporter, nothing of another consumer changed, their previews clean; then its own stack up",
    opts,
    async () => {
        const before = snapshot();
        let added: string[] = [];
        const r = await s.step("exporter: add consumer onprem", () => {
            exporter.pulumi("config", "set", "consumers", "gke,aks,onprem");
            const { planned, done, steps } = exporter.up();
            printChanges("exporter (preview)", planned);
            printChanges("exporter (up)", done);
            const seen = compare(before);
            added = seen.added;
            // The Gateway and the credential Secret are the export's, shared by every consumer: expected to move.
            const shared =
                /^eks: (Gateway\/istio-ingress\/orders-export changed|Secret\/istio-ingress\/orders-link-[0-9a-f]{10} gone)$/;
            figures.addConsumer = { planned, done, objects: seen };
            return exporterChangeResult(seen, done, steps, shared, ["gke", "aks"]);
        });
        const done = r.stacks!.exporter;
        // O(1): the new consumer's own resources, the Gateway, the shared Secret's move; nothing else.
        assert.deepEqual(
            names(done.create).filter((n) => !ofConsumer("onprem").test(n)),
            [],
            "every resource created is the new consumer's",
        );
        assert.deepEqual(
            done.create.map((x) => x.split(" ")[0]).sort(),
            [
                "crossmesh:index:ExportConsumer",
                "kubernetes:security.istio.io/v1:AuthorizationPolicy",
                "tls:index/certRequest:CertRequest",
                "tls:index/locallySignedCert:LocallySignedCert",
                "tls:index/privateKey:PrivateKey",
                "tls:index/privateKey:PrivateKey",
                "tls:index/selfSignedCert:SelfSignedCert",
            ],
            "its component, CA (key, certificate), leaf (key, request, certificate) and policy",
        );
        assert.deepEqual(done.update, [
            "kubernetes:networking.istio.io/v1:Gateway orders-export-gateway-orders-export",
        ]);
        assert.deepEqual(done.replace, ["kubernetes:core/v1:Secret orders-export-secret-orders-link"]);
        assert.equal(done.engine.replace, 1, "the engine counts one replace: the credential Secret's move");
        assert.deepEqual(done.delete, []);
        assert.deepEqual(r.othersChanged, [], "nothing of another consumer changed");
        assert.deepEqual(r.replacedKubernetesObjects, [], "no Kubernetes object replaced but the credential's move");
        assert.deepEqual(r.supersededSecrets, ["orders-export-secret-orders-link"]);
        assert.deepEqual(r.deletedLiveSecrets, [], "no Secret deleted while a Gateway named it");
        assert.deepEqual(
            added.filter(
                (o) =>
                    !/^eks: (Secret\/istio-ingress\/orders-link-[0-9a-f]{10}|AuthorizationPolicy\/istio-ingress\/orders-consumer-onprem)$/.test(
                        o,
                    ),
            ),
            [],
            "new on the clusters: the moved Secret and the new consumer's policy",
        );
        assert.equal(added.length, 2, added.join("; "));

        await s.step("consumers gke, aks: preview --expect-no-changes (onprem added)", () => ({
            stacks: { gke: consumers.gke.previewClean(), aks: consumers.aks.previewClean() },
        }));
        await s.step("consumer onprem stack: up (its kubeconfig only)", () => {
            const { done: up } = consumers.onprem.up();
            printChanges("onprem", up);
            onlyCreates(up, "onprem");
            assert.deepEqual(kubernetesProviders(consumers.onprem), ["onprem"]);
            return { stacks: { onprem: up } };
        });
        await s.step("exporter, onprem: preview --expect-no-changes", () => ({
            stacks: { exporter: exporter.previewClean(), onprem: consumers.onprem.previewClean() },
        }));
    },
);

/** The export's live credential: the Secret its Gateway names, and that Gateway's pinned client identities. */
function liveCredential() {
    const gateway = JSON.parse(
        s.kubectl(kc.eks, "-n", "istio-ingress", "get", "gateways.networking.istio.io", "orders-export", "-o", "json")
            .stdout,
    );
    const tls = gateway.spec.servers[0].tls as { credentialName: string; subjectAltNames: string[] };
    const secret = JSON.parse(
        s.kubectl(kc.eks, "-n", "istio-ingress", "get", "secret", tls.credentialName, "-o", "json").stdout,
    );
    const caCrt = Buffer.from(secret.data["ca.crt"], "base64").toString("utf8");
    const cas = (caCrt.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map(
        (pem) => new X509Certificate(pem),
    );
    return { secret: tls.credentialName, subjectAltNames: tls.subjectAltNames, cas };
}
/** The export's `consumers` output: each consumer's name, identity and client CA. */
function exportedConsumers(): { name: string; spiffeId: string; clientCaPem: string }[] {
    return JSON.parse(exporter.pulumi("stack", "output", "consumers", "--json").stdout);
}
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

test(
    "removing a consumer (aks): its CA leaves the live ca.crt, its policy and pinned identity go, the others' objects are untouched",
    opts,
    async () => {
        const listed = exportedConsumers();
        const ca = Object.fromEntries(listed.map((c) => [c.name, fingerprint(c.clientCaPem)]));
        const spiffe = Object.fromEntries(listed.map((c) => [c.name, c.spiffeId]));
        const live = liveCredential();
        assert.deepEqual(
            live.cas.map((x) => x.fingerprint256),
            [ca.gke, ca.aks, ca.onprem],
            "before: ca.crt holds every consumer's CA, in order",
        );
        assert.deepEqual(live.subjectAltNames, [spiffe.gke, spiffe.aks, spiffe.onprem]);
        const before = snapshot();
        let seen: ReturnType<typeof compare> = { compared: 0, changed: [], added: [] };
        const r = await s.step("exporter: remove consumer aks", () => {
            exporter.pulumi("config", "set", "consumers", "gke,onprem");
            const { planned, done, steps } = exporter.up();
            printChanges("exporter (preview)", planned);
            printChanges("exporter (up)", done);
            seen = compare(before);
            // Expected to go or move: the revoked consumer's policy, and the export's shared Gateway and Secret.
            const expected =
                /^eks: (Gateway\/istio-ingress\/orders-export changed|Secret\/istio-ingress\/orders-link-[0-9a-f]{10} gone|AuthorizationPolicy\/istio-ingress\/orders-consumer-aks gone)$/;
            figures.removeConsumer = { planned, done, objects: seen };
            return exporterChangeResult(seen, done, steps, expected, ["gke", "onprem"]);
        });
        const done = r.stacks!.exporter;
        assert.deepEqual(done.create, []);
        assert.deepEqual(done.update, [
            "kubernetes:networking.istio.io/v1:Gateway orders-export-gateway-orders-export",
        ]);
        assert.deepEqual(done.replace, ["kubernetes:core/v1:Secret orders-export-secret-orders-link"]);
        assert.equal(done.engine.replace, 1);
        assert.deepEqual(
            names(done.delete).filter((n) => !ofConsumer("aks").test(n)),
            [],
            "every resource deleted is the removed consumer's",
        );
        assert.equal(done.delete.length, 7, "its component, 5 certificate resources, its policy");
        assert.deepEqual(r.othersChanged, [], "nothing of another consumer changed");
        assert.deepEqual(r.replacedKubernetesObjects, [], "no Kubernetes object replaced but the credential's move");
        assert.deepEqual(r.supersededSecrets, ["orders-export-secret-orders-link"]);
        assert.deepEqual(r.deletedLiveSecrets, []);

        const after = liveCredential();
        assert.notEqual(after.secret, live.secret, "the credential moved to a new content-addressed name");
        assert.deepEqual(
            after.cas.map((x) => x.fingerprint256),
            [ca.gke, ca.onprem],
            "after: ca.crt holds the remaining consumers' CAs only",
        );
        assert.ok(!after.cas.some((x) => x.fingerprint256 === ca.aks), "the removed consumer's CA is gone");
        assert.deepEqual(after.subjectAltNames, [spiffe.gke, spiffe.onprem], "the Gateway pins the others only");
        assert.deepEqual(
            exportedConsumers().map((c) => [c.name, fingerprint(c.clientCaPem)]),
            [
                ["gke", ca.gke],
                ["onprem", ca.onprem],
            ],
        );
        const ap = s.kubectl(kc.eks, "-n", "istio-ingress", "get", "authorizationpolicy", "orders-consumer-aks");
        assert.match(ap.stderr, /NotFound/, "its AuthorizationPolicy is gone");
        assert.deepEqual(seen.added, [`eks: Secret/istio-ingress/${after.secret}`]);
        figures.caCrt = {
            before: { secret: live.secret, subjects: live.cas.map((x) => x.subject), sans: live.subjectAltNames },
            after: { secret: after.secret, subjects: after.cas.map((x) => x.subject), sans: after.subjectAltNames },
        };
        console.log(
            `# ca.crt before (${live.secret}): ${live.cas.map((x) => x.fingerprint256.slice(0, 11)).join(", ")}`,
        );
        console.log(
            `# ca.crt after  (${after.secret}): ${after.cas.map((x) => x.fingerprint256.slice(0, 11)).join(", ")}`,
        );
        console.log(
            `# consumer CAs: ${Object.entries(ca)
                .map(([c, f]) => `${c} ${f.slice(0, 11)}`)
                .join(", ")}`,
        );

        await s.step("consumers gke, onprem: preview --expect-no-changes (aks removed)", () => ({
            stacks: { gke: consumers.gke.previewClean(), onprem: consumers.onprem.previewClean() },
        }));
        await s.step("consumer aks stack: its program refuses (no grant left)", () => {
            const run = consumers.aks.pulumiMayFail("preview");
            assert.notEqual(run.status, 0, "its preview fails");
            assert.match(run.stdout + run.stderr, /grants nothing to "aks" \(its consumers: gke, onprem\)/);
            return { detail: "its preview fails naming the missing grant; its objects stay until it is destroyed" };
        });
    },
);

test("no private key in plain text in any stack's state", opts, async () => {
    await s.step("states: no plain private key", () => {
        const states = {
            "one-program": s.pulumi("stack", "export").stdout,
            exporter: exporter.exported(),
            ...Object.fromEntries(Object.entries(consumers).map(([c, stack]) => [c, stack.exported()])),
        };
        for (const [stack, state] of Object.entries(states))
            assert.deepEqual(plainPrivateKeys(state), [], `${stack}: private keys appear only encrypted`);
        return {
            detail: Object.entries(states)
                .map(([stack, state]) => `${stack} ${state.length} bytes`)
                .join(", "),
        };
    });
});

test("destroy of every stack leaves nothing on any cluster", opts, async () => {
    await s.step("destroy", () => {
        const stacks: Record<string, StackChanges> = {};
        for (const [c, stack] of Object.entries(consumers))
            stacks[c] = changesOf(stack.pulumi("destroy", "--yes", "--skip-preview", "--json").stdout);
        stacks.exporter = changesOf(exporter.pulumi("destroy", "--yes", "--skip-preview", "--json").stdout);
        stacks["one-program"] = changesOf(s.pulumi("destroy", "--yes", "--skip-preview", "--json").stdout);
        for (const [cluster, k] of Object.entries(kc))
            assert.deepEqual(s.leftovers(k), [], `nothing left on ${cluster}`);
        for (const stack of [...Object.values(consumers), exporter]) assert.deepEqual(stack.resources(), []);
        const state = JSON.parse(s.pulumi("stack", "export").stdout) as { deployment: { resources?: unknown[] } };
        assert.deepEqual(state.deployment.resources ?? [], []);
        return { stacks };
    });
});
