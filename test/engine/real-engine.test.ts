// crossmesh under a REAL Pulumi engine (CLI, Node.js language host, kubernetes and tls providers built
// or linked by test/real/build.sh) against two local control planes (test/real/clusters-up.sh) standing for EKS
// and GKE, with adopted meshes. What the mocks cannot show: the provider's own create/update/replace
// decisions with unknown values in a real preview, server-side apply, secrets in the state file.
//
// Steps, each with its expectation: up; a second preview has nothing to do; refresh, then no drift;
// certificate renewal (`up --replace` on both leaf certificates), CA rotation, adding a service, changing
// who may call and removing a service replace no Kubernetes object and never delete a link Secret (a `kubectl get secrets -w` runs on both
// clusters throughout); a second link on the same clusters goes up cleanly; no private key in plain
// text in the state; destroy leaves nothing.
//
//   node --import tsx --test --test-reporter=spec test/engine/real-engine.test.ts     (npm run test:engine)
// Skipped, with the reason, when the binaries are missing. Not part of `npm test`: it needs ~5 minutes
// and binaries CI cannot build. A summary of every step lands in $REAL_HOME/work/engine-report.json.
import { after, before, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    EngineSession,
    ROOT,
    TOOLS,
    clustersRunning,
    replacedObjects,
    sh,
    skipReason,
    stepsOf,
    tool,
    ENGINE_BINARIES,
    type StepResult,
} from "./harness";

const SKIP = skipReason(ENGINE_BINARIES);
if (SKIP) console.log(`# real-engine test skipped: ${SKIP}`);

let s: EngineSession;
const EKS = () => s.kubeconfigs.eks;
const GKE = () => s.kubeconfigs.gke;
let startedClusters = false;

before(() => {
    if (SKIP) return;
    startedClusters = !clustersRunning();
    const kube = tool("clusters-up.sh");
    // Two Ready-looking gateway pods and a PDB per gateway: what `crossmesh status` reads of a gateway.
    const seedEnv = { ...process.env, GATEWAY_PODS: "2" };
    tool("seed-adopted.sh", [kube.EKS_KUBECONFIG!, "ingress"], seedEnv);
    tool("seed-adopted.sh", [kube.GKE_KUBECONFIG!, "egress"], seedEnv);
    s = new EngineSession(path.join(__dirname, "program"), { eks: kube.EKS_KUBECONFIG!, gke: kube.GKE_KUBECONFIG! });
    s.clearLeftovers();
    s.watch();
    s.pulumi("stack", "init", "local");
    s.pulumi("config", "set", "services", "2");
});

after(() => {
    if (SKIP || !s) return;
    s.finish("engine-report.json");
    for (const r of s.statusRows)
        console.log(`#   status | ${r.fault.padEnd(52)} | exit ${r.exitCode} | ${r.named.join("; ") || "all ok"}`);
    if (startedClusters) sh(path.join(TOOLS, "clusters-down.sh"), [], { cwd: ROOT, allowFail: true });
});

const opts = { skip: SKIP };
/** The link's two credential Secrets, by their Pulumi names (the resource stays; its Kubernetes name follows the content). */
const SERVER_SECRET = "payments-export-secret-payments-link";
const LINK_SECRETS = [SERVER_SECRET, "payments-import-secret-payments-link"];

/**
 * New certificates under bare providers: each credential Secret is superseded (a new Secret, the gateway
 * objects moved to it, the old one deleted after), no Secret a gateway object still named is deleted, and
 * nothing else is replaced.
 */
function assertSuperseded(r: StepResult, secrets: string[]) {
    assert.deepEqual(r.replacedKubernetesObjects, [], "no Kubernetes object replaced");
    assert.deepEqual(r.supersededSecrets, secrets, "each credential superseded by a new Secret");
    assert.deepEqual(r.deletedLiveSecrets, [], "no live link Secret deleted (watch)");
    assert.equal(
        r.deletedLinkSecrets?.length,
        secrets.length,
        "the superseded Secrets are gone once nothing names them",
    );
}
/** A link's live credential Secret, content-addressed: `payments-link-<hash>`. */
const LINK_SECRET = /secret\/payments-link-[0-9a-f]{10}$/;
/** The live link Secret's name in `namespace` (the one the link's label and the tls type pick out). */
function linkSecretName(kubeconfig: string, namespace: string): string {
    const names = s
        .kubectl(
            kubeconfig,
            "-n",
            namespace,
            "get",
            "secrets",
            "-l",
            "crossmesh.io/link=payments",
            "--field-selector",
            "type=kubernetes.io/tls",
            "-o",
            "name",
        )
        .stdout.trim()
        .split("\n")
        .filter(Boolean);
    assert.equal(names.length, 1, `one live link Secret in ${namespace}: ${names.join(", ")}`);
    return names[0].replace(/^secret\//, "");
}

test("up: the link goes up against both clusters", opts, async () => {
    const r = await s.step("up", () => {
        const out = s.pulumi("up", "--yes", "--skip-preview", "--json").stdout;
        return {
            replacedKubernetesObjects: replacedObjects(stepsOf(out)),
            detail: `${stepsOf(out).filter((step) => step.op === "create").length} resources created`,
        };
    });
    assert.ok(
        s.leftovers(EKS()).some((o) => LINK_SECRET.test(o)),
        "the EKS link Secret exists",
    );
    assert.ok(
        s.leftovers(GKE()).some((o) => LINK_SECRET.test(o)),
        "the GKE link Secret exists",
    );
    assert.deepEqual(r.deletedLinkSecrets, []);
});

test("a second preview has nothing to do", opts, async () => {
    await s.step("preview --expect-no-changes", () => void s.pulumi("preview", "--expect-no-changes"));
});

test("refresh finds no drift, and the preview after it is clean", opts, async () => {
    await s.step("refresh, then preview --expect-no-changes", () => {
        s.pulumi("refresh", "--yes", "--skip-preview");
        s.pulumi("preview", "--expect-no-changes");
    });
});

/** Injects one fault, runs status, undoes the fault (with the fix status names), and checks status is clean again. */
async function fault(
    name: string,
    inject: () => void,
    undo: () => void,
    expect: { exitCode: number; named: RegExp[] },
    extra: string[] = [],
) {
    return s.step(`status: ${name}`, () => {
        inject();
        const r = s.status(name, extra);
        assert.equal(r.exitCode, expect.exitCode, r.named.join("\n"));
        for (const n of expect.named)
            assert.ok(
                r.named.some((x) => n.test(x)),
                `${n} among:\n${r.named.join("\n")}`,
            );
        undo();
        const again = s.status(`${name}, undone`, ["--no-probe"]);
        assert.equal(again.exitCode, 0, again.named.join("\n"));
    });
}
const upRefresh = () => void s.pulumi("up", "--yes", "--skip-preview", "--refresh");
/** A hand edit of the GKE AuthorizationPolicy (admit anyone), and its undoing, with kubectl. */
const apPrincipals = (op: "add" | "remove") =>
    void s.kubectl(
        GKE(),
        "-n",
        "istio-egress",
        "patch",
        "authorizationpolicy",
        "payments-import",
        "--type=json",
        "-p",
        JSON.stringify([
            op === "add"
                ? { op: "add", path: "/spec/rules/0/from/0/source/principals/-", value: "*" }
                : { op: "remove", path: "/spec/rules/0/from/0/source/principals/1" },
        ]),
    );

test("crossmesh status: after up, every check green (exit 0)", opts, async () => {
    await s.step("status: healthy", () => {
        const r = s.status("none (after up)", ["--no-probe"]);
        assert.equal(r.exitCode, 0, r.named.join("\n"));
        const checks = r.report.links[0].checks.map((c: any) => `${c.side}/${c.check}`);
        for (const want of [
            "eks/gateway-pods",
            "eks/gateway-disruption-budget",
            "eks/link-secret",
            "gke/link-secret",
            "eks/objects",
            "gke/objects",
            "eks/load-balancer",
            "gke/service-entry",
        ])
            assert.ok(checks.includes(want), `${want} checked`);
        return { detail: `${checks.length} checks ok` };
    });
});

test("crossmesh status: each fault alone is named (exit 1), undone by the fix it names", opts, async () => {
    const deleted = await fault(
        "link Secret deleted on EKS",
        () => void s.kubectl(EKS(), "-n", "istio-ingress", "delete", "secret", linkSecretName(EKS(), "istio-ingress")),
        upRefresh,
        { exitCode: 1, named: [/^eks\/link-secret Secret istio-ingress\/payments-link-[0-9a-f]{10}$/] },
        ["--no-probe"],
    );
    // The watch method's control: a live credential deleted by hand is seen as live (the Gateway still named it).
    assert.equal(
        deleted.deletedLiveSecrets?.length,
        1,
        `seen as a live credential: ${deleted.deletedLinkSecrets?.join("; ")}`,
    );
    await fault(
        "GKE Secret's certificate swapped for another",
        () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-swap-"));
            s.sh("openssl", [
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-days",
                "30",
                "-subj",
                "/CN=impostor",
                "-keyout",
                path.join(dir, "k.pem"),
                "-out",
                path.join(dir, "c.pem"),
            ]);
            const crt = Buffer.from(fs.readFileSync(path.join(dir, "c.pem"))).toString("base64");
            // The link Secret is immutable: a patch is refused, so the impostor replaces it (delete + create).
            const name = linkSecretName(GKE(), "istio-egress");
            const patched = s.kubectl(GKE(), "-n", "istio-egress", "patch", "secret", name, "--type=merge", "-p", "{}");
            assert.equal(patched.status, 0, "an empty patch is accepted");
            const refused = s.kubectl(
                GKE(),
                "-n",
                "istio-egress",
                "patch",
                "secret",
                name,
                "--type=merge",
                "-p",
                JSON.stringify({ data: { "tls.crt": crt } }),
            );
            assert.match(refused.stderr, /immutable/, "an immutable Secret refuses new data");
            const secret = JSON.parse(
                s.kubectl(GKE(), "-n", "istio-egress", "get", "secret", name, "-o", "json").stdout,
            );
            secret.data["tls.crt"] = crt;
            delete secret.metadata.resourceVersion;
            const f = path.join(dir, "secret.json");
            fs.writeFileSync(f, JSON.stringify(secret));
            assert.equal(s.kubectl(GKE(), "replace", "--force", "-f", f).status, 0);
        },
        upRefresh,
        { exitCode: 1, named: [/^gke\/link-secret Secret istio-egress\/payments-link-[0-9a-f]{10}$/] },
        ["--no-probe"],
    );
    await fault(
        "a VirtualService deleted",
        () => void s.kubectl(EKS(), "-n", "istio-ingress", "delete", "virtualservice", "payments-payments-1-external"),
        upRefresh,
        { exitCode: 1, named: [/^eks\/object VirtualService istio-ingress\/payments-payments-1-external$/] },
        ["--no-probe"],
    );
    await fault(
        "an AuthorizationPolicy edited by hand",
        () => apPrincipals("add"),
        // Seen here: `pulumi up --refresh` does not take back a field kubectl wrote under server-side apply,
        // so the fix status names is to undo the edit.
        () => apPrincipals("remove"),
        {
            exitCode: 1,
            named: [
                /^gke\/object AuthorizationPolicy istio-egress\/payments-import \(spec\.rules\[0\]\.from\[0\]\.source\.principals\)$/,
            ],
        },
        ["--no-probe"],
    );
    const lb = (hostname: string) =>
        void s.kubectl(
            EKS(),
            "-n",
            "istio-ingress",
            "patch",
            "service",
            "istio-ingressgateway",
            "--subresource=status",
            "--type=merge",
            "-p",
            JSON.stringify({ status: { loadBalancer: { ingress: [{ hostname }] } } }),
        );
    await fault(
        "the EKS NLB hostname changed in its Service status",
        () => lb("k8s-istioing-replaced-0000000000-0000000000000000.elb.eu-west-1.amazonaws.com"),
        () => lb("k8s-istioing-istioing-0123456789-0123456789abcdef.elb.eu-west-1.amazonaws.com"),
        { exitCode: 1, named: [/^eks\/load-balancer /, /^gke\/service-entry payments-1\.external /] },
        ["--no-probe"],
    );
    await fault(
        "a leaf certificate inside the warning window (--warn-days 400)",
        () => undefined,
        () => undefined,
        { exitCode: 1, named: [/^eks\/certificate-expiry$/, /^gke\/certificate-expiry$/] },
        ["--no-probe", "--warn-days", "400"],
    );
});

test(
    "crossmesh status: one cluster unreachable → exit 2; the probe on clusters without a kubelet → not run, exit 2",
    opts,
    async () => {
        await s.step("status: GKE cluster unreachable", () => {
            const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-bad-")), "kubeconfig");
            fs.writeFileSync(
                bad,
                fs
                    .readFileSync(GKE(), "utf8")
                    .replace(/server: https:\/\/127\.0\.0\.1:\d+/, "server: https://127.0.0.1:1"),
            );
            const r = s.status("GKE cluster unreachable", ["--no-probe"], bad);
            assert.equal(r.exitCode, 2, r.named.join("\n"));
            assert.ok(r.named.some((n) => /^gke\/cluster$/.test(n)));
        });
        await s.step("status: probe as an allowed caller whose service account does not exist", () => {
            const r = s.status("probe, allowed caller shop/checkout has no service account", ["--probe-timeout", "15"]);
            assert.equal(r.exitCode, 2, r.named.join("\n"));
            const allowed = r.report.links[0].checks.find((c: any) => c.check === "probe-allowed");
            assert.match(allowed.detail, /serviceaccount "checkout" not found/);
        });
        await s.step("status: probe on clusters where pods never start", () => {
            s.kubectl(GKE(), "-n", "shop", "create", "serviceaccount", "checkout");
            const r = s.status("probe (no kubelet: pods stay Pending)", ["--probe-timeout", "15"]);
            assert.equal(r.exitCode, 2, r.named.join("\n"));
            const probe = r.report.links[0].checks.filter((c: any) => c.side === "probe");
            assert.ok(probe.length > 0 && probe.every((c: any) => c.state === "unknown"), "never reported as passed");
            assert.match(probe[0].detail, /did not run: pod .* Pending/);
            // The probe leaves nothing behind (its namespace takes the namespace controller a moment).
            let left = "";
            for (let i = 0; i < 30; i++) {
                left = s.kubectl(GKE(), "get", "pods,namespaces,serviceaccounts", "-A", "-o", "name").stdout;
                if (!/crossmesh-probe/.test(left)) break;
                spawnSync("sleep", ["1"]);
            }
            assert.doesNotMatch(left, /crossmesh-probe/);
        });
    },
);

test(
    "certificate renewal (up --replace on both leaf certificates), bare providers: no live link Secret deleted, each credential superseded, 0 other objects replaced",
    opts,
    async () => {
        const r = await s.step("renewal (replace both leaf certificates)", () => {
            const leaves = s.urnsOf("tls:index/locallySignedCert:LocallySignedCert", /-(server|client)-cert$/);
            assert.equal(leaves.length, 2, "one leaf certificate per side");
            return s.previewThenUp(leaves.flatMap((u) => ["--replace", u]));
        });
        assertSuperseded(r, LINK_SECRETS);
    },
);

test(
    "CA rotation (new CA keys and certificates on both sides), bare providers: no live link Secret deleted, each credential superseded, 0 other objects replaced",
    opts,
    async () => {
        const r = await s.step("CA rotation (replace both CAs)", () => {
            const cas = [
                ...s.urnsOf("tls:index/privateKey:PrivateKey", /-(server|client)-ca-key$/),
                ...s.urnsOf("tls:index/selfSignedCert:SelfSignedCert", /-(server|client)-ca$/),
            ];
            assert.equal(cas.length, 4, "a key and a certificate per CA");
            return s.previewThenUp(cas.flatMap((u) => ["--replace", u]));
        });
        assertSuperseded(r, LINK_SECRETS);
    },
);

test(
    "adding a service: the server credential (new SAN) superseded, no live link Secret deleted, 0 objects replaced",
    opts,
    async () => {
        const r = await s.step("add a service", () => {
            s.pulumi("config", "set", "services", "3");
            return s.previewThenUp([]);
        });
        assertSuperseded(r, [SERVER_SECRET]);
        assert.ok(
            s.leftovers(EKS()).some((o) => /virtualservice.*payments-payments-3-external$/.test(o)),
            "the new route exists",
        );
    },
);

test("changing who may call: 0 Kubernetes objects replaced, no link Secret deleted", opts, async () => {
    const r = await s.step("change allowed sources", () => {
        s.pulumi("config", "set", "callers", "billing");
        return s.previewThenUp([]);
    });
    assert.deepEqual([r.replacedKubernetesObjects, r.deletedLinkSecrets], [[], []]);
});

test("removing a service: its objects go, the rest stay in place, no live link Secret deleted", opts, async () => {
    const r = await s.step("remove a service", () => {
        s.pulumi("config", "set", "services", "2");
        return s.previewThenUp([]);
    });
    assertSuperseded(r, [SERVER_SECRET]);
    const eks = s.leftovers(EKS());
    assert.ok(!eks.some((o) => /payments-payments-3-external$/.test(o)), "the removed host's route is gone");
    assert.ok(
        eks.some((o) => /virtualservice.*payments-payments-2-external$/.test(o)),
        "the others stay",
    );
});

test("a second link on the same clusters goes up beside the first", opts, async () => {
    const r = await s.step("second link on the same clusters", () => {
        s.pulumi("config", "set", "links", "payments,orders");
        return s.previewThenUp([]);
    });
    assert.deepEqual([r.replacedKubernetesObjects, r.deletedLinkSecrets], [[], []]);
    assert.ok(
        s.leftovers(EKS()).some((o) => /secret\/orders-link-[0-9a-f]{10}$/.test(o)),
        "the second link has its own Secret",
    );
    await s.step(
        "preview --expect-no-changes (after all changes)",
        () => void s.pulumi("preview", "--expect-no-changes"),
    );
});

test(
    "a second link asking for STRICT mTLS the first owns on that mesh: refused before it registers anything",
    opts,
    async () => {
        await s.step("second link asks for strictMtls too: refused", () => {
            const urns = () =>
                (JSON.parse(s.pulumi("stack", "export").stdout).deployment.resources as { urn: string }[])
                    .map((r) => r.urn)
                    .sort(); // the engine rewrites the state in registration order: compare the sets
            const before = { state: urns(), eks: s.leftovers(EKS()), gke: s.leftovers(GKE()) };
            s.pulumi("config", "set", "strictMtls", "payments,orders");
            try {
                const run = s.pulumiMayFail("up", "--yes", "--skip-preview");
                assert.notEqual(run.status, 0, "the update fails");
                const said = run.stdout + run.stderr;
                assert.match(said, /strictMtls/);
                assert.match(
                    said,
                    /PeerAuthentication istio-system\/default, which IstioInstall "payments-gke-istio" already creates/,
                );
                assert.match(said, /keep strictMtls on one link/);
                assert.deepEqual(
                    urns(),
                    before.state,
                    "the state holds what it held: nothing registered, nothing deleted",
                );
                assert.deepEqual(
                    [s.leftovers(EKS()), s.leftovers(GKE())],
                    [before.eks, before.gke],
                    "the clusters are as they were",
                );
            } finally {
                s.pulumi("config", "rm", "strictMtls");
            }
            return { detail: "refused by the program; state and clusters unchanged" };
        });
    },
);

test("no private key in plain text in the state", opts, async () => {
    await s.step("state: no plain private key", () => {
        const state = s.pulumi("stack", "export").stdout;
        const plain = state.match(/-----BEGIN [A-Z ]*PRIVATE KEY-----/g) ?? [];
        assert.equal(plain.length, 0, "private keys appear only encrypted");
        return { detail: `${state.length} bytes of state checked` };
    });
});

test("destroy leaves nothing on either cluster", opts, async () => {
    await s.step("destroy", () => {
        s.pulumi("destroy", "--yes", "--skip-preview");
        const left = [...s.leftovers(EKS()), ...s.leftovers(GKE())];
        assert.deepEqual(left, []);
        const state = JSON.parse(s.pulumi("stack", "export").stdout) as { deployment: { resources?: unknown[] } };
        assert.deepEqual(state.deployment.resources ?? [], []);
    });
});
