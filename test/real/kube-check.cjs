// Real-API-server check of a crossmesh plan (driven by kube-check.sh).
//
//   node kube-check.cjs check PLANDIR OUTDIR     # the cluster files of one plan (eks.yaml, gke.yaml, consumer.yaml)
//   node kube-check.cjs negative PLANDIR OUTDIR  # mutated objects that must be rejected
//
// Needs KUBECONFIG pointing at a running kube-apiserver with Istio's CRDs installed.
// For each cluster file: namespaces first (dry-run create, then server-side apply), namespaces the
// objects need but the plan does not declare are created as preconditions, then every other object
// is created with --dry-run=server (warnings, defaulting) and server-side applied for real with
// --validate=strict. The stored objects are read back and compared with what was sent: a field sent
// but not stored (pruned) or stored with another value is a defect signal. Afterwards everything,
// namespaces included, is deleted (namespaces finalized by hand: there is no namespace controller).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
// The npm package "yaml": the repository's own (node_modules after `npm ci`, found from this file's folder),
// else one in the working directory or under $REAL_HOME/node.
const YAML = (() => {
    for (const p of [__dirname, process.cwd(), path.join(process.env.REAL_HOME || "", "node")]) {
        try {
            return require(require.resolve("yaml", { paths: [p] }));
        } catch {
            /* next */
        }
    }
    console.error("kube-check: npm package 'yaml' not found: run `npm ci` in the repository");
    process.exit(2);
})();

const KUBECONFIG = process.env.KUBECONFIG;
if (!KUBECONFIG) {
    console.error("KUBECONFIG not set");
    process.exit(2);
}
const FIELD_MANAGER = "crossmesh-check";

const KUBECTL = process.env.KUBECTL || "kubectl";
function kubectl(args, input) {
    const r = spawnSync(KUBECTL, ["--kubeconfig", KUBECONFIG, ...args], {
        input,
        encoding: "utf8",
        maxBuffer: 64 << 20,
        timeout: 60000,
    });
    const err = (r.stderr || "") + (r.error ? String(r.error) : "");
    const lines = err.split("\n").filter((l) => l.trim() !== "");
    return {
        rc: r.status === null ? 124 : r.status,
        out: r.stdout || "",
        warnings: lines.filter((l) => /^Warning: /.test(l)),
        errors: lines.filter((l) => !/^Warning: /.test(l)),
    };
}

const objId = (o) =>
    `${o.kind} ${o.metadata && o.metadata.namespace ? o.metadata.namespace + "/" : ""}${o.metadata && o.metadata.name}`;
const slug = (o) => objId(o).replace(/[^A-Za-z0-9.-]+/g, "_");

let namespacedKinds = null;
function kindIsNamespaced(o) {
    if (!namespacedKinds) {
        namespacedKinds = new Map();
        for (const scope of ["true", "false"]) {
            const r = kubectl(["api-resources", `--namespaced=${scope}`, "--no-headers", "-o", "wide"]);
            for (const line of r.out.split("\n")) {
                const f = line.trim().split(/\s+/);
                if (f.length < 4) continue;
                // NAME SHORTNAMES? APIVERSION NAMESPACED KIND VERBS...
                const i = f.findIndex((x) => x === "true" || x === "false");
                if (i < 2) continue;
                namespacedKinds.set(
                    `${f[i - 1].includes("/") ? f[i - 1].split("/")[0] : ""}/${f[i + 1]}`,
                    f[i] === "true",
                );
            }
        }
    }
    const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
    const v = namespacedKinds.get(`${group}/${o.kind}`);
    return v === undefined ? true : v;
}

// ---------------------------------------------------------------- namespace cleanup
let nsResources = null;
function wipeNamespace(ns) {
    if (kubectl(["get", "namespace", ns, "-o", "name"]).rc !== 0) return;
    if (!nsResources) {
        nsResources = kubectl(["api-resources", "--namespaced=true", "--verbs=list,delete", "-o", "name"])
            .out.split("\n")
            .filter((x) => x && !/^events(\.|$)/.test(x))
            .join(",");
    }
    kubectl(["delete", nsResources, "--all", "-n", ns, "--wait=false", "--ignore-not-found"]);
    kubectl(["delete", "namespace", ns, "--wait=false", "--ignore-not-found"]);
    const got = kubectl(["get", "namespace", ns, "-o", "json"]);
    if (got.rc === 0) {
        const o = JSON.parse(got.out);
        o.spec = { ...(o.spec || {}), finalizers: [] };
        kubectl(["replace", "--raw", `/api/v1/namespaces/${ns}/finalize`, "-f", "-"], JSON.stringify(o));
    }
    for (let i = 0; i < 50; i++) {
        if (kubectl(["get", "namespace", ns, "-o", "name"]).rc !== 0) return;
        spawnSync("sleep", ["0.2"]);
    }
    throw new Error(`namespace ${ns} did not go away`);
}
function leftovers(namespaces) {
    const res = kubectl(["api-resources", "--namespaced=true", "--verbs=list", "-o", "name"])
        .out.split("\n")
        .filter((x) => x && !/^events(\.|$)/.test(x))
        .join(",");
    const out = [];
    for (const ns of namespaces) {
        const r = kubectl(["get", res, "-n", ns, "-o", "name", "--ignore-not-found"]);
        for (const l of r.out.split("\n")) if (l.trim()) out.push(`${ns}: ${l.trim()}`);
        if (kubectl(["get", "namespace", ns, "-o", "name"]).rc === 0) out.push(`namespace ${ns} still exists`);
    }
    return out;
}

// ---------------------------------------------------------------- sent vs stored
function normalizeSent(o) {
    const c = JSON.parse(JSON.stringify(o));
    if (c.kind === "Secret" && c.apiVersion === "v1" && c.stringData) {
        c.data = { ...(c.data || {}) };
        for (const [k, v] of Object.entries(c.stringData))
            c.data[k] = Buffer.from(String(v), "utf8").toString("base64");
        delete c.stringData; // write-only field, merged into data by the server
    }
    return c;
}
const IGNORED_STORED = [
    /^metadata\.(uid|resourceVersion|generation|creationTimestamp|managedFields)(\.|\[|$)/,
    /^status(\.|$)/,
];
function diffObjects(sent, stored) {
    const pruned = [],
        changed = [],
        added = [];
    const walk = (a, b, p) => {
        if (a !== null && typeof a === "object" && !Array.isArray(a)) {
            if (b === null || typeof b !== "object" || Array.isArray(b)) {
                changed.push(`${p}: sent ${JSON.stringify(a)} stored ${JSON.stringify(b)}`);
                return;
            }
            for (const k of Object.keys(a)) {
                const q = p ? `${p}.${k}` : k;
                if (!(k in b)) pruned.push(`${q} (sent ${JSON.stringify(a[k])})`);
                else walk(a[k], b[k], q);
            }
            for (const k of Object.keys(b)) {
                const q = p ? `${p}.${k}` : k;
                if (!(k in a) && !IGNORED_STORED.some((re) => re.test(q))) added.push(`${q} = ${JSON.stringify(b[k])}`);
            }
            return;
        }
        if (Array.isArray(a)) {
            if (!Array.isArray(b)) {
                changed.push(`${p}: sent ${JSON.stringify(a)} stored ${JSON.stringify(b)}`);
                return;
            }
            if (a.length !== b.length) changed.push(`${p}: sent ${a.length} items, stored ${b.length}`);
            for (let i = 0; i < Math.min(a.length, b.length); i++) walk(a[i], b[i], `${p}[${i}]`);
            return;
        }
        if (a !== b) changed.push(`${p}: sent ${JSON.stringify(a)} stored ${JSON.stringify(b)}`);
    };
    walk(sent, stored, "");
    return { pruned, changed, added };
}

// ---------------------------------------------------------------- one cluster file
function checkFile(label, file, outDir) {
    const res = {
        label,
        applied: 0,
        rejected: 0,
        warnings: 0,
        pruned: 0,
        fileProblems: 0,
        objects: [],
        preconditions: [],
        notes: [],
    };
    const text = fs.readFileSync(file, "utf8");
    const docs = YAML.parseAllDocuments(text);
    const objs = [];
    docs.forEach((d, i) => {
        if (d.errors && d.errors.length) {
            res.rejected++;
            res.objects.push({
                id: `(YAML document ${i + 1})`,
                status: "REJECTED",
                errors: d.errors.map(String),
                warnings: [],
            });
            return;
        }
        const o = d.toJSON();
        if (o === null || o === undefined) return; // empty document
        if (typeof o !== "object" || !o.apiVersion || !o.kind || !o.metadata) {
            res.fileProblems = 1;
            res.notes.push(
                `plan file: YAML document ${i + 1} is not a Kubernetes object (${JSON.stringify(o).slice(0, 80)}): skipped`,
            );
            return;
        }
        objs.push(o);
    });
    const seen = new Map();
    for (const o of objs) {
        const k = `${o.apiVersion.split("/").length > 1 ? o.apiVersion.split("/")[0] + "/" : ""}${objId(o)}`;
        seen.set(k, (seen.get(k) || 0) + 1);
    }
    for (const [k, n] of seen)
        if (n > 1) {
            res.fileProblems = 1;
            res.notes.push(`plan file: ${k} appears ${n} times (the later apply overwrites the earlier)`);
        }
    const isNs = (o) => o.apiVersion === "v1" && o.kind === "Namespace";
    const nsObjs = objs.filter(isNs);
    const rest = objs.filter((o) => !isNs(o));
    const declared = new Set(nsObjs.map((o) => o.metadata.name));
    const needed = new Set();
    for (const o of rest) {
        if (!kindIsNamespaced(o)) continue;
        if (!o.metadata.namespace)
            res.notes.push(`${objId(o)} has no metadata.namespace: it lands in the kubeconfig's namespace ("default")`);
        needed.add(o.metadata.namespace || "default");
    }
    const preconditions = [...needed].filter((n) => !declared.has(n) && n !== "default");
    const allNs = [...new Set([...declared, ...preconditions])];

    // fresh namespace set
    for (const ns of allNs) wipeNamespace(ns);
    const dir = path.join(outDir, label);
    fs.mkdirSync(dir, { recursive: true });

    const sentById = new Map();
    const runOne = (o) => {
        const entry = { id: objId(o), status: "OK", errors: [], warnings: [] };
        const json = JSON.stringify(o);
        fs.writeFileSync(path.join(dir, `${slug(o)}.sent.json`), JSON.stringify(o, null, 2) + "\n");
        const dry = kubectl(["create", "--dry-run=server", "--validate=strict", "-o", "json", "-f", "-"], json);
        for (const w of dry.warnings) entry.warnings.push(`[dry-run create] ${w}`);
        if (dry.rc !== 0) entry.errors.push(...dry.errors.map((e) => `[dry-run create] ${e}`));
        else fs.writeFileSync(path.join(dir, `${slug(o)}.dryrun.json`), dry.out);
        const app = kubectl(
            ["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "--validate=strict", "-f", "-"],
            json,
        );
        for (const w of app.warnings) entry.warnings.push(`[apply --server-side] ${w}`);
        if (app.rc !== 0) entry.errors.push(...app.errors.map((e) => `[apply --server-side] ${e}`));
        if (entry.errors.length) {
            entry.status = "REJECTED";
            res.rejected++;
        }
        if (app.rc === 0) {
            res.applied++;
            sentById.set(entry.id, o);
        }
        // count distinct warning texts per object (dry-run and apply usually repeat the same one)
        res.warnings += new Set(entry.warnings.map((w) => w.replace(/^\[[^\]]+\] /, ""))).size;
        res.objects.push(entry);
        return entry;
    };

    for (const o of nsObjs) runOne(o);
    for (const ns of preconditions) {
        const r = kubectl(["create", "namespace", ns]);
        res.preconditions.push(`${ns}${r.rc === 0 ? "" : " (create failed: " + r.errors.join(" ") + ")"}`);
    }
    for (const o of rest) runOne(o);

    // the plan file as a whole, as `kubectl apply -f FILE` would take it (server dry run)
    const whole = kubectl([
        "apply",
        "--server-side",
        `--field-manager=${FIELD_MANAGER}`,
        "--dry-run=server",
        "--validate=strict",
        "-f",
        file,
    ]);
    if (whole.rc !== 0) {
        res.fileProblems = 1;
        res.notes.push(
            `plan file: \`kubectl apply --server-side --dry-run=server --validate=strict -f ${file}\` exits ${whole.rc}: ${whole.errors.join(" | ")}`,
        );
    }

    // read back and compare
    for (const entry of res.objects) {
        const o = sentById.get(entry.id);
        if (!o) continue;
        const got = kubectl(["get", "-f", "-", "-o", "json"], JSON.stringify(o));
        if (got.rc !== 0) {
            entry.diff = { error: got.errors.join(" ") };
            continue;
        }
        let stored = JSON.parse(got.out);
        if (stored.kind === "List" && Array.isArray(stored.items)) stored = stored.items[0]; // `get -f` answers a List
        fs.writeFileSync(path.join(dir, `${slug(o)}.stored.json`), JSON.stringify(stored, null, 2) + "\n");
        const d = diffObjects(normalizeSent(o), stored);
        entry.diff = d;
        res.pruned += d.pruned.length + d.changed.length;
    }

    // clean up: objects, then namespaces (plan's and preconditions)
    for (const o of [...rest].reverse())
        kubectl(["delete", "-f", "-", "--wait=false", "--ignore-not-found"], JSON.stringify(o));
    for (const ns of allNs) wipeNamespace(ns);
    const left = leftovers(allNs);
    if (left.length) res.notes.push(`cleanup left: ${left.join("; ")}`);
    return res;
}

function printResult(res) {
    const lines = [];
    lines.push(
        `== ${res.label}: ${res.objects.length} objects, ${res.applied} applied, ${res.rejected} rejected, ${res.warnings} warnings, ${res.pruned} pruned/altered fields${res.fileProblems ? ", plan file has problems (see notes)" : ""}`,
    );
    if (res.preconditions.length)
        lines.push(
            `   precondition namespaces (used by the plan, not declared in it; created by the check): ${res.preconditions.join(", ")}`,
        );
    for (const n of res.notes) lines.push(`   note: ${n}`);
    for (const e of res.objects) {
        lines.push(`   ${e.status.padEnd(8)} ${e.id}`);
        for (const x of e.errors) lines.push(`            ${x}`);
        for (const w of e.warnings) lines.push(`            ${w}`);
        if (e.diff) {
            if (e.diff.error) lines.push(`            read-back failed: ${e.diff.error}`);
            for (const p of e.diff.pruned || []) lines.push(`            PRUNED  ${p}`);
            for (const c of e.diff.changed || []) lines.push(`            ALTERED ${c}`);
            if (process.env.KUBE_CHECK_SHOW_DEFAULTS === "1")
                for (const a of e.diff.added || []) lines.push(`            default ${a}`);
            else if ((e.diff.added || []).length)
                lines.push(
                    `            (${e.diff.added.length} server-defaulted fields; KUBE_CHECK_SHOW_DEFAULTS=1 lists them)`,
                );
        }
    }
    return lines.join("\n");
}

/**
 * The cluster files of a plan: one per cluster the stack touches (eks.yaml and gke.yaml for a link, eks.yaml for an
 * export, consumer.yaml for a consumer), i.e. every YAML file but the plan's own summaries. A link plan must have both.
 */
function clusterFiles(planDir) {
    const summaries = new Set(["helm-releases.yaml", "aws.yaml", "providers.yaml", "outputs.yaml", "simulated.yaml"]);
    const found = fs.readdirSync(planDir).filter((f) => f.endsWith(".yaml") && !summaries.has(f));
    return found.length ? found.sort() : ["eks.yaml", "gke.yaml"];
}

// ---------------------------------------------------------------- negative path
function negative(planDir, outDir) {
    const objs = [];
    for (const f of clusterFiles(planDir)) {
        const p = path.join(planDir, f);
        if (!fs.existsSync(p)) continue;
        for (const d of YAML.parseAllDocuments(fs.readFileSync(p, "utf8"))) {
            const o = d.toJSON();
            if (o && o.kind) objs.push(o);
        }
    }
    const NS = "crossmesh-negative";
    // Minimal stand-ins for kinds a plan lacks, so every mutation runs on every plan.
    const sel = { app: "neg" };
    const FALLBACK = {
        DestinationRule: {
            apiVersion: "networking.istio.io/v1",
            kind: "DestinationRule",
            metadata: {},
            spec: {
                host: "a.example",
                trafficPolicy: {
                    portLevelSettings: [
                        { port: { number: 443 }, tls: { mode: "SIMPLE", credentialName: "ca", sni: "a.example" } },
                    ],
                },
            },
        },
        Gateway: {
            apiVersion: "networking.istio.io/v1",
            kind: "Gateway",
            metadata: {},
            spec: {
                selector: sel,
                servers: [
                    {
                        hosts: ["./a.example"],
                        port: { name: "https", number: 443, protocol: "HTTPS" },
                        tls: { mode: "SIMPLE", credentialName: "c" },
                    },
                ],
            },
        },
        ServiceEntry: {
            apiVersion: "networking.istio.io/v1",
            kind: "ServiceEntry",
            metadata: {},
            spec: {
                hosts: ["a.example"],
                location: "MESH_EXTERNAL",
                resolution: "DNS",
                ports: [{ name: "http", number: 80, protocol: "HTTP" }],
                endpoints: [{ address: "a.example" }],
            },
        },
        AuthorizationPolicy: {
            apiVersion: "security.istio.io/v1",
            kind: "AuthorizationPolicy",
            metadata: {},
            spec: { action: "ALLOW", selector: { matchLabels: sel }, rules: [{}] },
        },
        VirtualService: {
            apiVersion: "networking.istio.io/v1",
            kind: "VirtualService",
            metadata: {},
            spec: {
                hosts: ["a.example"],
                http: [{ route: [{ destination: { host: "a.example", port: { number: 80 } } }] }],
            },
        },
        PeerAuthentication: {
            apiVersion: "security.istio.io/v1",
            kind: "PeerAuthentication",
            metadata: {},
            spec: { mtls: { mode: "STRICT" } },
        },
        Service: {
            apiVersion: "v1",
            kind: "Service",
            metadata: {},
            spec: { selector: sel, ports: [{ name: "https", port: 443, targetPort: 443 }] },
        },
        Deployment: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: {},
            spec: {
                selector: { matchLabels: sel },
                template: { metadata: { labels: sel }, spec: { containers: [{ name: "c", image: "busybox" }] } },
            },
        },
        Job: {
            apiVersion: "batch/v1",
            kind: "Job",
            metadata: {},
            spec: { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } },
        },
        Secret: {
            apiVersion: "v1",
            kind: "Secret",
            metadata: {},
            type: "kubernetes.io/tls",
            stringData: { "tls.crt": "x", "tls.key": "y" },
        },
    };
    const first = (kind, pred = () => true) => {
        const o =
            objs.find((x) => x.kind === kind && pred(x)) ||
            (FALLBACK[kind] && pred(FALLBACK[kind]) ? FALLBACK[kind] : null);
        return o ? JSON.parse(JSON.stringify(o)) : null;
    };
    const cases = [];
    const add = (name, expect, o, mutate) => {
        if (!o) {
            cases.push({ name, expect, skipped: "no such object in the plan" });
            return;
        }
        o.metadata.namespace = o.kind === "Namespace" ? undefined : NS;
        o.metadata.name = `neg-${cases.length}`;
        mutate(o);
        cases.push({ name, expect, obj: o, synthetic: !objs.some((x) => x.kind === o.kind) });
    };
    add(
        "DestinationRule: unknown field tls.sniHost (strict field validation)",
        "reject",
        first("DestinationRule", (o) => o.spec.trafficPolicy),
        (o) => {
            o.spec.trafficPolicy.portLevelSettings[0].tls.sniHost = "x.example";
        },
    );
    add("Gateway: server without hosts (schema: required)", "reject", first("Gateway"), (o) => {
        delete o.spec.servers[0].hosts;
    });
    add(
        "Gateway: tls with credentialName and credentialNames (CEL)",
        "reject",
        first("Gateway", (o) => o.spec.servers[0].tls && o.spec.servers[0].tls.credentialName),
        (o) => {
            o.spec.servers[0].tls.credentialNames = ["other"];
        },
    );
    add("ServiceEntry: port 70000 (CEL 0 < self <= 65535)", "reject", first("ServiceEntry"), (o) => {
        o.spec.ports[0].number = 70000;
    });
    add(
        "ServiceEntry: DNS_ROUND_ROBIN with two endpoints (CEL)",
        "reject",
        first("ServiceEntry", (o) => o.spec.endpoints),
        (o) => {
            o.spec.resolution = "DNS_ROUND_ROBIN";
            o.spec.endpoints.push({ ...o.spec.endpoints[0], address: "b.example" });
        },
    );
    add("AuthorizationPolicy: selector and targetRef (CEL)", "reject", first("AuthorizationPolicy"), (o) => {
        o.spec.targetRef = { kind: "Gateway", group: "gateway.networking.k8s.io", name: "x" };
    });
    add("VirtualService: route destination port as string (schema type)", "reject", first("VirtualService"), (o) => {
        o.spec.http[0].route[0].destination.port.number = "443";
    });
    add(
        "DestinationRule: tls SIMPLE with credentialName and caCertificates (istiod webhook rule, no CRD rule)",
        "accept",
        first("DestinationRule", (o) => JSON.stringify(o).includes('"credentialName"')),
        (o) => {
            const t = (o.spec.trafficPolicy.portLevelSettings || [o.spec.trafficPolicy])[0].tls;
            t.mode = "SIMPLE";
            t.caCertificates = "/etc/ca.pem";
        },
    );
    add("PeerAuthentication: portLevelMtls without selector (CEL)", "reject", first("PeerAuthentication"), (o) => {
        delete o.spec.selector;
        o.spec.portLevelMtls = { 8080: { mode: "DISABLE" } };
    });
    add("Service: unknown field spec.ports[0].targetport (strict)", "reject", first("Service"), (o) => {
        o.spec.ports[0].targetport = 443;
    });
    add(
        "Deployment: selector does not match template labels (built-in validation)",
        "reject",
        first("Deployment"),
        (o) => {
            o.spec.selector.matchLabels = { app: "other" };
        },
    );
    add("Job: restartPolicy Always (built-in validation)", "reject", first("Job"), (o) => {
        o.spec.template.spec.restartPolicy = "Always";
    });
    add(
        "Secret kubernetes.io/tls without tls.key (built-in validation)",
        "reject",
        first("Secret", (o) => o.type === "kubernetes.io/tls"),
        (o) => {
            delete o.stringData["tls.key"];
        },
    );

    wipeNamespace(NS);
    kubectl(["create", "namespace", NS]);
    let ok = 0,
        bad = 0;
    const lines = ["== negative path (mutated plan objects in namespace " + NS + ")"];
    for (const c of cases) {
        if (c.skipped) {
            lines.push(`   SKIP     ${c.name}: ${c.skipped}`);
            continue;
        }
        const r = kubectl(
            ["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "--validate=strict", "-f", "-"],
            JSON.stringify(c.obj),
        );
        const got = r.rc === 0 ? "accept" : "reject";
        const pass = got === c.expect;
        pass ? ok++ : bad++;
        lines.push(
            `   ${pass ? "as expected" : "UNEXPECTED"} (${got}) ${c.name}${c.synthetic ? " [stand-in object: the plan has no " + c.obj.kind + "]" : ""}`,
        );
        for (const e of r.errors) lines.push(`            ${e}`);
        for (const w of r.warnings) lines.push(`            ${w}`);
    }
    // Server-side apply refuses fields outside the schema whatever fieldValidation says
    // ("failed to create typed patch object"): crossmesh's provider uses SSA (enableServerSideApply).
    {
        const o = first("DestinationRule", (x) => x.spec.trafficPolicy);
        o.metadata.namespace = NS;
        o.metadata.name = "neg-ssa-ignore";
        o.spec.trafficPolicy.portLevelSettings[0].tls.sniHost = "x.example";
        const r = kubectl(
            ["apply", "--server-side", `--field-manager=${FIELD_MANAGER}`, "--validate=false", "-f", "-"],
            JSON.stringify(o),
        );
        const pass = r.rc !== 0;
        pass ? ok++ : bad++;
        lines.push(
            `   ${pass ? "as expected" : "UNEXPECTED"} (${r.rc === 0 ? "accept" : "reject"}) DestinationRule: unknown field tls.sniHost, server-side apply with --validate=false`,
        );
        for (const e of r.errors) lines.push(`            ${e}`);
    }
    // A plain create/update without strict validation (client-side apply, Helm; the server's default is
    // fieldValidation=Warn): accepted with a warning, the unknown field silently pruned. The read-back
    // diff must see it.
    {
        const o = first("DestinationRule", (x) => x.spec.trafficPolicy);
        o.metadata.namespace = NS;
        o.metadata.name = "neg-pruned";
        o.spec.trafficPolicy.portLevelSettings[0].tls.sniHost = "x.example";
        const r = kubectl(["create", "--validate=warn", "-f", "-"], JSON.stringify(o));
        const got = kubectl(["get", "-f", "-", "-o", "json"], JSON.stringify(o));
        let stored = got.rc === 0 ? JSON.parse(got.out) : null;
        if (stored && stored.kind === "List") stored = stored.items[0];
        const d = stored ? diffObjects(normalizeSent(o), stored) : { pruned: [], changed: [] };
        const pass = r.rc === 0 && d.pruned.some((p) => p.includes("sniHost"));
        pass ? ok++ : bad++;
        lines.push(
            `   ${pass ? "as expected" : "UNEXPECTED"} (${r.rc === 0 ? "accept" : "reject"}, ${d.pruned.length} pruned) DestinationRule: unknown field tls.sniHost, plain create with --validate=warn: pruned, and the read-back diff reports it`,
        );
        for (const e of r.errors) lines.push(`            ${e}`);
        for (const w of r.warnings) lines.push(`            ${w}`);
        for (const p of d.pruned) lines.push(`            PRUNED  ${p}`);
    }
    wipeNamespace(NS);
    lines.push(`kube-real negative: ${ok} as expected, ${bad} unexpected`);
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, "negative.txt"), lines.join("\n") + "\n");
    console.log(lines.join("\n"));
    return bad === 0;
}

// ---------------------------------------------------------------- main
const [cmd, planDir, outDir] = process.argv.slice(2);
if (!cmd || !planDir || !outDir) {
    console.error("usage: kube-check.cjs check|negative PLANDIR OUTDIR");
    process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
if (cmd === "negative") process.exit(negative(planDir, outDir) ? 0 : 1);

const stack = path.basename(path.resolve(planDir));
const total = { applied: 0, rejected: 0, warnings: 0, pruned: 0, fileProblems: 0 };
const files = process.env.KUBE_CHECK_FILES
    ? process.env.KUBE_CHECK_FILES.split(/\s+/).filter(Boolean)
    : clusterFiles(planDir);
const report = [];
for (const f of files) {
    const p = path.join(planDir, f);
    if (!fs.existsSync(p)) {
        report.push(`== ${stack}/${f}: missing`);
        total.rejected++;
        continue;
    }
    const res = checkFile(`${stack}-${f.replace(/\.ya?ml$/, "")}`, p, outDir);
    for (const k of Object.keys(total)) total[k] += res[k];
    const txt = printResult(res);
    report.push(txt);
    console.log(txt);
}
const summary =
    `kube-real: ${total.applied} objects applied, ${total.rejected} rejected, ${total.warnings} warnings, ${total.pruned} pruned/altered fields` +
    (total.fileProblems ? `, ${total.fileProblems} plan file(s) kubectl cannot apply as a whole (see notes)` : "");
fs.writeFileSync(path.join(outDir, "report.txt"), report.join("\n") + "\n" + summary + "\n");
fs.writeFileSync(path.join(outDir, "summary.json"), JSON.stringify(total) + "\n");
console.log(summary);
process.exit(total.rejected === 0 ? 0 : 1);
