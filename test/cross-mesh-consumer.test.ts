// CrossMeshConsumer checks its grant against itself. Arguments that are wrong on their face are refused before
// anything is registered; a grant that does not fit this mesh (a host it does not grant, another identity than
// this mesh's egress gateway) is known only once the export's outputs resolve, and fails the deployment there,
// naming the field and the fix, with the consumer's credential never written and nothing routed to the export.
// A failed registration leaves the Pulumi runtime with RPCs that never complete, so the program runs in its own
// process: this file, started again with CROSS_MESH_CONSUMER_PROGRAM set, is that program. It tries the refusals
// too (one program, one load of Pulumi); the tests here read what it reports.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { ConsumerGrant, CrossMeshConsumerArgs } from "../components";

const LAMBDA = "lambda.external";
const INVENTORY = "inventory.external";
const spiffeOf = (trustDomain: string) => `spiffe://${trustDomain}/ns/istio-egress/sa/istio-egressgateway`;

/** One consumer side built from a real export's grant, and how it should end. */
interface Scenario {
    name: string;
    consumer: "gke" | "aks";
    args: Omit<CrossMeshConsumerArgs, "grant">;
    /** The field the deployment fails at and the fix it says; none: it deploys. */
    refused?: { path: string; fix: RegExp };
}

const SCENARIOS: Scenario[] = [
    {
        name: "aks imports a host its grant lacks",
        consumer: "aks",
        args: {
            trustDomain: "aks.example.org",
            services: [
                { host: INVENTORY, allowedSources: [{ namespace: "warehouse" }] },
                { host: LAMBDA, allowedSources: [{ namespace: "warehouse" }] },
            ],
        },
        refused: {
            path: "services[1].host",
            fix: /"lambda\.external" is not granted to consumer "aks" \(granted: inventory\.external\); ask the exporter to add it to that consumer's hosts, or import a granted host/,
        },
    },
    {
        name: "gke's mesh runs another trust domain than the export issued its identity in",
        consumer: "gke",
        args: {
            trustDomain: "gke-new.example.org",
            services: [{ host: LAMBDA, allowedSources: [{ namespace: "shop" }] }],
        },
        refused: {
            path: "trustDomain",
            fix: /the export issued consumer "gke" the identity spiffe:\/\/gke\.example\.org\/ns\/istio-egress\/sa\/istio-egressgateway, but this mesh's egress gateway is trustDomain "gke-new\.example\.org"; make the export's consumers\[\]\.trustDomain match this mesh/,
        },
    },
    {
        name: "gke adopts an egress gateway under another service account than the grant names",
        consumer: "gke",
        args: {
            trustDomain: "gke.example.org",
            existingGateway: {
                namespace: "istio-egress",
                selectorLabels: { istio: "egressgateway" },
                serviceName: "egress",
                serviceAccount: "egress",
            },
            services: [{ host: LAMBDA, allowedSources: [{ namespace: "shop" }] }],
        },
        refused: {
            path: "grant",
            fix: /this mesh's egress gateway is gatewayServiceAccount "egress"; make the export's consumers\[\]\.gatewayServiceAccount match/,
        },
    },
    {
        name: "aks imports its granted host (control)",
        consumer: "aks",
        args: {
            trustDomain: "aks.example.org",
            services: [{ host: INVENTORY, allowedSources: [{ namespace: "warehouse" }] }],
        },
    },
];

interface Outcome {
    /** The public output's error (what `pulumi up` reports for the component), or the identity it resolved to. */
    error?: { type: string; path: string; reason: string };
    spiffeId?: string;
    /** `Kind name` of every object the consumer registered on its cluster. */
    registered: string[];
}
/** A refusal: constructing raises these problems (one expected), and registers nothing of the component. */
interface Refused {
    problems: { path: string; reason: string }[];
    registered: string[];
}
interface ProgramRun {
    outcomes: Record<string, Outcome>;
    /** The deployment's errors (failed registrations), as the engine would print them. */
    errors: string[];
    refusals: Record<string, Refused>;
    /** The valid base of the refusals, built: the identity it resolved to, or its error. */
    base: { spiffeId?: string; error?: string };
}

/** A grant as the export publishes it; the refusals below never get to read it. */
const GRANT: ConsumerGrant = {
    consumer: "aks",
    gatewayHostname: "k8s-istioing-istioing-0123456789.elb.eu-west-1.amazonaws.com",
    gatewayPort: 443,
    hosts: [INVENTORY],
    spiffeId: spiffeOf("aks.example.org"),
    trustDomain: "aks.example.org",
    gatewayNamespace: "istio-egress",
    gatewayServiceAccount: "istio-egressgateway",
    clientBundle: { certPem: "cert", privateKeyPem: "key", caPem: "ca" },
    clientCertExpiresAt: "2030-01-01T00:00:00Z",
};
const VALID: Omit<CrossMeshConsumerArgs, "grant"> = {
    trustDomain: "aks.example.org",
    services: [{ host: INVENTORY, allowedSources: [{ namespace: "warehouse" }] }],
};

/** What is wrong, the args that differ from the valid consumer (VALID and GRANT), the one field named and the fix. */
const REFUSALS: { name: string; args: Record<string, unknown>; path: string; fix: RegExp }[] = [
    {
        name: "no grant",
        args: { grant: undefined },
        path: "grant",
        fix: /give the export's grant for this consumer: CrossMeshExport's grants\["<name>"\]/,
    },
    {
        name: "no services to import",
        args: { services: [] },
        path: "services",
        fix: /list at least one granted host to import/,
    },
    {
        name: "a consumer mesh in cluster.local",
        args: { trustDomain: "cluster.local" },
        path: "trustDomain",
        fix: /Istio rewrites cluster\.local principals.*Move the mesh to a distinct trust domain first/s,
    },
    {
        name: "an imported host nobody may call",
        args: { services: [{ host: INVENTORY, allowedSources: [] }] },
        path: "services[0].allowedSources",
        fix: /nobody may call "inventory\.external": list who may/,
    },
    {
        name: "an unknown setting (grants for grant)",
        args: { grants: { aks: GRANT } },
        path: "grants",
        fix: /is not a setting; the settings are grant, services, trustDomain/,
    },
];

/** The program (in the child process): one export, each scenario's consumer side on a cluster of its own, the refusals. */
async function program(): Promise<ProgramRun> {
    const { startSimulation, unsecret, valueOf } = await import("../tools/simulator");
    const sim = startSimulation();
    const errors: string[] = [];
    process.on("unhandledRejection", (e) => errors.push(e instanceof Error ? e.message : String(e)));
    const pulumi = await import("@pulumi/pulumi");
    const aws = await import("@pulumi/aws");
    const { kubeProvider } = await import("./support/providers");
    const { CrossMeshExport, CrossMeshConsumer } = await import("../components");
    const exp = new CrossMeshExport(
        "shared",
        {
            clusterName: "eks-lab5",
            services: [
                { host: LAMBDA, upstream: { hostname: "lambda.internal.example.org" } },
                { host: INVENTORY, upstream: { hostname: "inventory.internal.example.org" } },
            ],
            consumers: [
                {
                    name: "gke",
                    hosts: [LAMBDA, INVENTORY],
                    trustDomain: "gke.example.org",
                    egressCidrs: ["203.0.113.0/28"],
                },
                { name: "aks", hosts: [INVENTORY], trustDomain: "aks.example.org", egressCidrs: ["198.51.100.0/28"] },
            ],
        },
        { providers: [await kubeProvider("eks", "eks"), new aws.Provider("aws", { region: "eu-west-1" })] },
    );
    const sides = await Promise.all(
        SCENARIOS.map(async (s, i) => {
            const provider = await kubeProvider(`${s.consumer}-${i}`, s.consumer);
            const side = new CrossMeshConsumer(
                `side-${i}`,
                { ...s.args, grant: exp.grantFor(s.consumer) },
                { provider },
            );
            return [s.name, side] as const;
        }),
    );
    const failure = (e: any) => ({ type: e?.constructor?.name, path: e?.propertyPath, reason: e?.reason ?? String(e) });
    const results = await Promise.all(
        sides.map(([name, side]) =>
            valueOf(side.spiffeId).then(
                (spiffeId) => [name, { spiffeId }] as const,
                (e) => [name, { error: failure(e) }] as const,
            ),
        ),
    );

    // The refusals, each under a name of its own on a provider of its own.
    const problems = REFUSALS.map(async (r, i) => {
        const provider = await kubeProvider(`aks-refused-${i}`, "aks");
        try {
            new CrossMeshConsumer(
                `refused-${i}`,
                { ...VALID, grant: pulumi.secret(GRANT), ...r.args } as CrossMeshConsumerArgs,
                {
                    provider,
                },
            );
        } catch (e) {
            if (pulumi.InputPropertyError.isInstance(e)) return [{ path: e.propertyPath, reason: e.reason }];
            if (pulumi.InputPropertiesError.isInstance(e))
                return e.errors.map((x) => ({ path: x.propertyPath, reason: x.reason }));
            return [{ path: "(not a bad-input error)", reason: String(e) }];
        }
        return [];
    });
    const valid = new CrossMeshConsumer(
        "valid-base",
        { ...VALID, grant: pulumi.secret(GRANT) },
        { provider: await kubeProvider("aks-valid", "aks") },
    );
    const base = await valueOf(valid.spiffeId).then(
        (spiffeId) => ({ spiffeId }),
        (e) => ({ error: String(e) }),
    );
    const refused = await Promise.all(problems);

    // The failed registrations never answer, so wait for the program to go quiet instead.
    let seen = -1;
    for (let quiet = 0; quiet < 10;) {
        await new Promise((r) => setTimeout(r, 20));
        quiet = sim.graph.resources.length + errors.length === seen ? quiet + 1 : 0;
        seen = sim.graph.resources.length + errors.length;
    }
    const outcomes = Object.fromEntries(
        results.map(([name, r], i) => {
            const urn = sim.graph.one("crossmesh:index:CrossMeshConsumer", `side-${i}`).urn;
            const registered = sim.graph
                .descendants(urn)
                .filter((x) => x.custom && x.type !== "kubernetes:helm.sh/v3:Release")
                .map((x) => {
                    const o = unsecret(x.rawInputs) as { kind: string; metadata: { name: string } };
                    return `${o.kind} ${o.metadata.name}`;
                });
            return [name, { ...r, registered }];
        }),
    );
    const refusals = Object.fromEntries(
        REFUSALS.map((r, i) => [
            r.name,
            {
                problems: refused[i],
                registered: sim.graph.resources
                    .filter((x) => x.name === `refused-${i}` || x.name.startsWith(`refused-${i}-`))
                    .map((x) => `${x.type} ${x.name}`),
            },
        ]),
    );
    return { outcomes, errors, refusals, base };
}

/** Runs the program in a child process. */
function run(): Promise<ProgramRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["--import", "tsx", __filename], {
            cwd: path.join(__dirname, ".."),
            env: { ...process.env, CROSS_MESH_CONSUMER_PROGRAM: "1" },
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("close", () => {
            try {
                resolve(JSON.parse(out) as ProgramRun);
            } catch {
                reject(new Error(`the program printed no result: ${err}`));
            }
        });
    });
}

/** Whether an object sent to the consumer's cluster reaches for the export: its credential, an entry or origination. */
const towardExport = (registered: string) =>
    /^(Secret|ServiceEntry|DestinationRule) .*-(link|external)/.test(registered);

if (process.env.CROSS_MESH_CONSUMER_PROGRAM) {
    program().then((result) => {
        process.stdout.write(JSON.stringify(result));
        process.exit(0);
    });
} else {
    const ran = run();
    // Settled now: a test that never awaits it must not leave a rejection behind.
    ran.catch(() => undefined);

    for (const s of SCENARIOS.filter((x) => x.refused))
        test(`once the grant is known: ${s.name} — the deployment fails at ${s.refused!.path}, nothing routed to the export`, async () => {
            const { outcomes, errors } = await ran;
            const o = outcomes[s.name];
            assert.equal(o.spiffeId, undefined, "the consumer's outputs never resolve");
            assert.equal(o.error?.type, "InputPropertyError", JSON.stringify(o.error));
            assert.equal(o.error?.path, s.refused!.path);
            assert.match(o.error!.reason, s.refused!.fix);
            assert.ok(
                errors.some((e) => e.includes(`${s.refused!.path}: `) && s.refused!.fix.test(e)),
                `the deployment reports it: ${errors.slice(0, 3).join(" | ")}`,
            );
            // Nothing that needs the grant is created: no client credential, no entry or origination to the export.
            assert.deepEqual(o.registered.filter(towardExport), []);
        });

    test("the control deploys: the identity the export issued, the credential and a route to the export on its cluster", async () => {
        const { outcomes } = await ran;
        const o = outcomes["aks imports its granted host (control)"];
        assert.equal(o.error, undefined, JSON.stringify(o.error));
        assert.equal(o.spiffeId, spiffeOf("aks.example.org"));
        for (const expected of [/^Secret side-3-link-[0-9a-f]{10}$/, /^ServiceEntry side-3-inventory-external$/])
            assert.ok(
                o.registered.some((r) => expected.test(r)),
                `${expected} among ${o.registered.join(", ")}`,
            );
        // What the refused scenarios are checked for, seen here.
        assert.ok(o.registered.some(towardExport));
    });

    for (const r of REFUSALS)
        test(`refused: ${r.name} — at ${r.path}, before anything is registered`, async () => {
            const { refusals } = await ran;
            const { problems, registered } = refusals[r.name];
            assert.deepEqual(
                problems.map((p) => p.path),
                [r.path],
                `one problem, at ${r.path}: ${JSON.stringify(problems)}`,
            );
            assert.match(problems[0].reason, r.fix);
            assert.deepEqual(registered, [], "nothing of the refused consumer is registered, not even the component");
        });

    test("the valid base of the refusals deploys (so each refusal is its one change)", async () => {
        const { base } = await ran;
        assert.deepEqual(base, { spiffeId: GRANT.spiffeId });
    });
}
