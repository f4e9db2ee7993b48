// Day-2 changes as a real `pulumi preview` sees them. The mocks resolve every output, even in a preview,
// so a test under them cannot see what the engine sees: the outputs of a resource being replaced are
// unknown until it is created. Here the same CrossMeshLink program runs twice in its own processes:
// once as an update (the stack as deployed), then as a preview of a day-2 change in which every
// resource whose inputs changed (or that `up --replace` names) has unknown outputs. The Kubernetes
// provider replaces an object when its identity (apiVersion, kind, name, namespace) or a Secret's
// immutable `type` changes or is unknown, and — unless the provider sets enableSecretMutable, or always
// when the Secret is `immutable` — when a Secret's data changes (pulumi-kubernetes forceNewProperties).
// Under the same name that replacement deletes the live object first; under a new name the new object
// is created first and the old one deleted at the end of the update. So every identity must be known and
// unchanged, except the content-addressed credential Secrets, which must never be replaced under their
// live name; only the payload (certificate data, a Secret's new name, routes, callers) may wait.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import type { PreviewRun, RecordedInputs } from "./fixtures/preview-link";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ROOT = path.join(__dirname, "..");

/** Runs the program in its own process (one simulation per process); several runs go in parallel. */
async function runProgram(run: PreviewRun): Promise<RecordedInputs[]> {
    const child = spawn(
        process.execPath,
        ["--import", "tsx", path.join(__dirname, "fixtures", "preview-link.ts"), JSON.stringify(run)],
        { cwd: ROOT },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    await new Promise((resolve) => child.on("close", resolve));
    if (!stdout) throw new Error(`preview-link printed nothing: ${stderr}`);
    const result = JSON.parse(stdout) as { errors: string[]; resources: RecordedInputs[] };
    assert.deepEqual(result.errors, [], "the program runs to the end");
    return result.resources;
}

/** A Kubernetes object the program creates (reads of adopted objects carry no inputs). */
const isObject = (r: RecordedInputs) =>
    r.type.startsWith("kubernetes:") &&
    !r.type.startsWith("pulumi:") &&
    r.type !== "kubernetes:helm.sh/v3:Release" &&
    (r.inputs as any).metadata !== undefined;
const isRelease = (r: RecordedInputs) => r.type === "kubernetes:helm.sh/v3:Release";

/** What the provider keys the object by, as sent; the secret marker is peeled off, unknowns are kept. */
function identityOf(r: RecordedInputs): unknown {
    const i = peel(r.inputs) as Record<string, any>;
    if (isRelease(r)) return { name: i.name, namespace: i.namespace };
    const m = i.metadata;
    if (typeof m !== "object" || m === null) return { type: r.type, metadata: m };
    return {
        type: r.type,
        apiVersion: i.apiVersion,
        kind: i.kind,
        name: m.name,
        namespace: m.namespace,
        // Labels are not identity: the provider updates them in place (a revision tag moving to a new revision).
        secretType: i.type,
    };
}

function peel(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(peel);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (o["4dabf18193072939515e22adb298388d"] !== undefined) return peel(o.value);
        return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, peel(x)]));
    }
    return v;
}

const unknownIn = (v: unknown) => JSON.stringify(v).includes(UNKNOWN);

interface Day2 {
    /** Kubernetes objects (by resource name) the provider would replace, except superseded credentials. */
    replacedObjects: string[];
    /** Secrets the provider would delete and re-create under the same name: a live credential gone. */
    deletedLive: string[];
    /** Content-addressed Secrets under a new name: created first, the old one deleted after the gateways moved. */
    superseded: string[];
    /** Objects whose identity is not known in the preview. */
    unknownIdentity: string[];
    /** Upstream resources the change replaces (tls resources: every input forces a new one). */
    replacedUpstream: string[];
    after: RecordedInputs[];
}

let beforeFile = "";
let deployed: RecordedInputs[] = [];
const SCENARIOS = {
    none: {},
    renewal: { replace: ["-server-cert$", "-client-cert$"] },
    rotation: { replace: ["-ca-key$", "-ca$"] },
    addService: { change: "add-service" },
    allowedSources: { change: "allowed-sources" },
    consumerCidrs: { change: "consumer-cidrs" },
    istioMinor: { change: "istio-minor" },
    noHighAvailability: { change: "no-high-availability" },
    renewalMutableSecrets: { replace: ["-server-cert$", "-client-cert$"], mutableSecrets: true },
    rotationMutableSecrets: { replace: ["-ca-key$", "-ca$"], mutableSecrets: true },
} satisfies Record<string, PreviewRun>;
const previews = new Map<string, RecordedInputs[]>();
let twoLinks: RecordedInputs[] = [];
/** With the verification Job: deployed, then previews of no change and of a renewal. */
const verified = new Map<string, RecordedInputs[]>();

before(async () => {
    deployed = await runProgram({});
    beforeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-preview-")), "before.json");
    fs.writeFileSync(beforeFile, JSON.stringify(deployed));
    const runs = Object.entries(SCENARIOS).map(async ([name, run]) =>
        previews.set(name, await runProgram({ ...run, preview: true, before: beforeFile })),
    );
    const withVerify = (async () => {
        const file = path.join(path.dirname(beforeFile), "before-verify.json");
        fs.writeFileSync(file, JSON.stringify(await runProgram({ verify: true })));
        for (const [name, run] of Object.entries({ none: {}, renewal: SCENARIOS.renewal }))
            verified.set(name, await runProgram({ ...run, verify: true, preview: true, before: file }));
    })();
    [twoLinks] = await Promise.all([runProgram({ links: ["payments", "orders"], adopt: true }), withVerify, ...runs]);
});

function day2(scenario: keyof typeof SCENARIOS): Day2 {
    return day2Of(previews.get(scenario)!, deployed);
}

/** What the provider would do with `after` (a preview's inputs) against `before` (the deployed ones). */
function day2Of(after: RecordedInputs[], before: RecordedInputs[]): Day2 {
    const old = new Map(before.map((r) => [`${r.type}::${r.name}`, r]));
    const k8s = after.filter((r) => isObject(r) || isRelease(r));
    const contentAddressed = (r: RecordedInputs) => (peel(r.inputs) as any).immutable === true;
    const unknownIdentity = k8s.filter((r) => unknownIn(identityOf(r)) && !contentAddressed(r)).map((r) => r.name);
    const providers = after.filter((r) => r.type === "pulumi:providers:kubernetes");
    assert.equal(providers.length, 2, "the program's two kubernetes providers are recorded");
    const secretsMutable = providers.every(
        (p) => String((peel(p.inputs) as Record<string, unknown>).enableSecretMutable) === "true",
    );
    const dataOf = (r: RecordedInputs) =>
        JSON.stringify(peel({ data: (r.inputs as any).data, stringData: (r.inputs as any).stringData }));
    const identityMoves = (r: RecordedInputs, was: RecordedInputs | undefined) =>
        unknownIn(identityOf(r)) ||
        (was !== undefined && JSON.stringify(identityOf(was)) !== JSON.stringify(identityOf(r)));
    const replacedObjects: string[] = [];
    const deletedLive: string[] = [];
    const superseded: string[] = [];
    for (const r of k8s) {
        const was = old.get(`${r.type}::${r.name}`);
        if (identityMoves(r, was)) (contentAddressed(r) ? superseded : replacedObjects).push(r.name);
        else if (
            // The provider's rule for Secrets: new data means a new object under the same name (delete, then create).
            r.type === "kubernetes:core/v1:Secret" &&
            (!secretsMutable || contentAddressed(r)) &&
            was !== undefined &&
            (unknownIn(dataOf(r)) || dataOf(was) !== dataOf(r))
        )
            deletedLive.push(r.name);
    }
    const replacedUpstream = after
        .filter((r) => r.type.startsWith("tls:") && r.changed)
        .map((r) => r.name)
        .sort();
    return { replacedObjects, deletedLive, superseded: superseded.sort(), unknownIdentity, replacedUpstream, after };
}

const secretData = (rs: RecordedInputs[], name: RegExp) =>
    rs.filter((r) => r.type === "kubernetes:core/v1:Secret" && name.test(r.name)).map((r) => r.inputs.stringData);

test("the deployed program: every Kubernetes object has a known identity (sanity of the method)", () => {
    const objects = deployed.filter(isObject);
    assert.ok(objects.length >= 20, `${objects.length} objects`);
    assert.deepEqual(
        objects.filter((r) => unknownIn(identityOf(r))).map((r) => r.name),
        [],
    );
});

test("a preview with no change: nothing replaced, nothing updated", () => {
    const d = day2("none");
    assert.deepEqual([d.replacedObjects, d.replacedUpstream], [[], []]);
    assert.deepEqual(
        d.after.filter((r) => r.changed).map((r) => r.name),
        [],
        "no resource's inputs differ",
    );
});

const LINK_SECRETS = ["payments-export-secret-payments-link", "payments-import-secret-payments-link"];

/** What points at a credential: the EKS Gateway and the GKE origination DestinationRules (one per host). */
const credentialRefs = (rs: RecordedInputs[]) =>
    rs.filter(
        (r) =>
            (r.type.endsWith(":Gateway") && r.name.startsWith("payments-export-")) ||
            (r.type.endsWith(":DestinationRule") &&
                r.name.startsWith("payments-import-") &&
                !/egress-gateway/.test(r.name)),
    );

// Renewal and CA rotation, with bare providers and with the 0.x setting: the result must not depend on it.
for (const [scenario, what] of [
    ["renewal", "renewal, bare providers"],
    ["renewalMutableSecrets", "renewal, providers with enableSecretMutable"],
    ["rotation", "CA rotation, bare providers"],
    ["rotationMutableSecrets", "CA rotation, providers with enableSecretMutable"],
] as const) {
    test(`${what}: no live link Secret is deleted; each credential is superseded by a new Secret; nothing else is replaced`, () => {
        const d = day2(scenario);
        assert.deepEqual(
            d.replacedUpstream,
            /rotation/.test(scenario)
                ? [
                      "payments-pki-client-ca",
                      "payments-pki-client-ca-key",
                      "payments-pki-client-cert",
                      "payments-pki-server-ca",
                      "payments-pki-server-ca-key",
                      "payments-pki-server-cert",
                  ]
                : ["payments-pki-client-cert", "payments-pki-server-cert"],
        );
        assert.deepEqual(d.deletedLive, [], "no Secret is deleted under its live name");
        assert.deepEqual(d.superseded, LINK_SECRETS, "a new Secret per side, named by the new certificates");
        assert.deepEqual([d.unknownIdentity, d.replacedObjects], [[], []]);
        // The gateway objects move to the new name in place: their name is known, the credential they read is not yet.
        const refs = credentialRefs(d.after);
        assert.ok(refs.length >= 2, refs.map((r) => r.name).join(", "));
        for (const r of refs) assert.ok(unknownIn(r.inputs.spec) && !unknownIn(identityOf(r)), r.name);
        assert.ok(
            secretData(d.after, /-secret-payments-link$/).every(unknownIn),
            "the data waits for the new certificate",
        );
    });
}

test("the method sees a deleted live credential: a Secret under a fixed name, renewed with bare providers, would be", () => {
    // The same preview and deployment, with the credential Secrets' content addressing taken off (as 0.x named them).
    const fixedName = (rs: RecordedInputs[]) =>
        rs.map((r) => {
            if (!LINK_SECRETS.includes(r.name)) return r;
            const inputs = peel(r.inputs) as any;
            return {
                ...r,
                inputs: { ...inputs, immutable: undefined, metadata: { ...inputs.metadata, name: "payments-link" } },
            };
        });
    assert.deepEqual(day2Of(fixedName(previews.get("renewal")!), fixedName(deployed)).deletedLive.sort(), LINK_SECRETS);
});

test("with verify on, a renewal re-runs the end-to-end check (a new Job), and no change leaves it alone", () => {
    const job = (scenario: string) => verified.get(scenario)!.find((r) => r.type === "kubernetes:batch/v1:Job")!;
    assert.ok(job("none"), "the verification Job is part of the program");
    assert.ok(!unknownIn(job("none").inputs.metadata), "no change: the same Job, not run again");
    // The Job's name derives from the certificates: unknown until the renewed ones exist, i.e. a new Job runs.
    assert.ok(unknownIn(job("renewal").inputs.metadata), "renewal: the check runs again with the new certificates");
});

test("adding a service: the server certificate is re-issued for the new SAN, a new server Secret supersedes the old; the running services' objects untouched", () => {
    const d = day2("addService");
    assert.ok(d.replacedUpstream.includes("payments-pki-server-cert"), d.replacedUpstream.join(", "));
    assert.deepEqual(d.unknownIdentity, []);
    assert.deepEqual(d.replacedObjects, []);
    assert.deepEqual([d.deletedLive, d.superseded], [[], ["payments-export-secret-payments-link"]]);
    const added = d.after
        .filter((r) => isObject(r) && !deployed.some((o) => o.type === r.type && o.name === r.name))
        .map((r) => r.name);
    assert.ok(added.length >= 5 && added.every((n) => n.includes("payments-new-external")), added.join(", "));
    // The objects of the services already running keep their exact inputs (no update at all).
    const running = d.after.filter(
        (r) => isObject(r) && /payments-(v2-)?external/.test(r.name) && !r.name.includes("payments-new"),
    );
    assert.ok(running.length >= 8);
    for (const r of running.filter(
        (x) => /ServiceEntry|VirtualService|:DestinationRule/.test(x.type) && !/egress-gateway/.test(x.name),
    )) {
        assert.equal(r.changed, undefined, `${r.name} is not touched`);
    }
});

test("changing a service's allowed sources: only policy and visibility change, in place", () => {
    const d = day2("allowedSources");
    assert.deepEqual([d.replacedUpstream, d.unknownIdentity, d.replacedObjects], [[], [], []]);
    const updated = d.after.filter((r) => r.changed && isObject(r)).map((r) => r.name);
    assert.ok(
        updated.some((n) => n.includes("authorization-policy")),
        updated.join(", "),
    );
});

test("changing the consumer CIDRs (the NLB's source ranges): the load balancer hostname is unknown in the preview, no object is replaced", () => {
    const d = day2("consumerCidrs");
    const lb = d.after.find((r) => r.type === "kubernetes:core/v1:Service");
    assert.ok(lb?.changed, "the NLB Service is updated");
    // What reads the hostname (the GKE ServiceEntries) waits for it; it is payload only.
    const remoteEntries = d.after.filter(
        (r) => r.type === "kubernetes:networking.istio.io/v1:ServiceEntry" && r.name.startsWith("payments-import-"),
    );
    assert.ok(remoteEntries.length === 2 && remoteEntries.every((r) => unknownIn(r.inputs.spec)));
    assert.deepEqual([d.replacedUpstream, d.unknownIdentity, d.replacedObjects], [[], [], []]);
});

test("an Istio minor upgrade or a change of the installs' settings: the releases change, no link object is replaced", () => {
    for (const scenario of ["istioMinor", "noHighAvailability"] as const) {
        const d = day2(scenario);
        const releases = d.after.filter((r) => isRelease(r) && r.changed).map((r) => r.name);
        assert.ok(releases.length >= 2, `${scenario}: the Istio releases change (${releases.join(", ")})`);
        // Their outputs (status) are unknown in the preview; no identity of the link may wait for them.
        assert.deepEqual([d.unknownIdentity, d.replacedObjects], [[], []], scenario);
    }
    // One istiod resource per revision: the new revision's is a new resource (created beside the running one),
    // the old revision's leaves the program (deleted at the end of the update); neither is replaced.
    const upgrade = day2("istioMinor");
    const istiods = (rs: RecordedInputs[]) =>
        rs
            .filter((r) => isRelease(r) && /-istiod-/.test(r.name))
            .map((r) => `${r.name} ${(peel(r.inputs) as any).name}`);
    assert.deepEqual(istiods(deployed), [
        "payments-eks-istio-istiod-1-30 istiod-1-30",
        "payments-gke-istio-istiod-1-30 istiod-1-30",
    ]);
    assert.deepEqual(istiods(upgrade.after), [
        "payments-eks-istio-istiod-1-29 istiod-1-29",
        "payments-gke-istio-istiod-1-29 istiod-1-29",
    ]);
    assert.deepEqual(
        upgrade.replacedObjects.filter((n) => /istiod/.test(n)),
        [],
        "no istiod release replaced",
    );
});

test("two links on the same clusters (adopted meshes): no two Kubernetes objects share kind, namespace and name", () => {
    const rs = twoLinks.filter(isObject);
    const seen = new Map<string, string[]>();
    for (const r of rs) {
        const m = (peel(r.inputs) as any).metadata;
        const key = `${r.type} ${m.namespace ?? ""}/${m.name}`;
        seen.set(key, [...(seen.get(key) ?? []), r.name]);
    }
    assert.deepEqual(
        [...seen].filter(([, owners]) => owners.length > 1),
        [],
    );
    for (const link of ["payments", "orders"]) {
        assert.ok(
            rs.filter((r) => (peel(r.inputs) as any).metadata.labels?.["crossmesh.io/link"] === link).length >= 10,
            `${link} has its own objects`,
        );
    }
});
