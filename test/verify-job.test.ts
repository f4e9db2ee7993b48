// The deploy-time check script, run for real (sh + curl) against local HTTP servers standing in for
// the exported hosts: it must pass only when every host answers 2xx with the expected text.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { spawn } from "node:child_process";
import { verifyObjects, verifyScript } from "../components/cross-mesh-link/verify";

async function serve(status: number, body: string): Promise<{ port: number; hosts: string[]; close(): Promise<void> }> {
    const hosts: string[] = [];
    const server = http.createServer((req, res) => {
        hosts.push(String(req.headers.host));
        res.writeHead(status, { "content-type": "text/html" }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return {
        port: (server.address() as AddressInfo).port,
        hosts,
        close: () => new Promise((r) => server.close(() => r())),
    };
}

/** Runs the script asynchronously: the servers answering it live in this process's event loop. */
function runScript(script: string, port: number): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn("sh", ["-c", script], {
            env: { ...process.env, CROSSMESH_VERIFY_CONNECT_TO: `127.0.0.1:${port}`, CROSSMESH_VERIFY_INTERVAL: "0" },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

test("passes when every host answers with the expected text, asking each by its own Host", async () => {
    const s = await serve(200, "<p>Hello World from Lambda</p>");
    const run = await runScript(
        verifyScript(
            [{ host: "lambda.external", expectBodyContains: "Hello World from Lambda" }, { host: "orders.external" }],
            2,
        ),
        s.port,
    );
    await s.close();
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /ok {3}lambda\.external\nok {3}orders\.external/);
    assert.deepEqual(s.hosts, ["lambda.external", "orders.external"]);
});

test("fails, naming the host, when the answer lacks the expected text", async () => {
    const s = await serve(200, "<p>default backend</p>");
    const run = await runScript(
        verifyScript([{ host: "lambda.external", expectBodyContains: "Hello World from Lambda" }], 2),
        s.port,
    );
    await s.close();
    assert.equal(run.status, 1);
    assert.match(
        run.stderr,
        /FAIL lambda\.external: wanted a 2xx answer containing "Hello World from Lambda"; last answer: <p>default backend<\/p>/,
    );
    assert.equal(s.hosts.length, 2, "retried");
});

test("fails on a non-2xx answer such as an RBAC denial", async () => {
    const s = await serve(403, "RBAC: access denied");
    const run = await runScript(verifyScript([{ host: "lambda.external" }], 1), s.port);
    await s.close();
    assert.equal(run.status, 1);
    assert.match(run.stderr, /FAIL lambda\.external/);
});

test("expected text with quotes reaches curl's caller intact", async () => {
    const s = await serve(200, `it's "fine"`);
    const run = await runScript(verifyScript([{ host: "q.external", expectBodyContains: `it's "fine"` }], 1), s.port);
    await s.close();
    assert.equal(run.status, 0, run.stderr);
});

test("the Job runs in a sidecar-injected namespace of the mesh's revision, as its own service account", () => {
    const o = verifyObjects({
        targets: [{ host: "lambda.external" }],
        revision: "1-30",
        linkFingerprint: "0123456789abcdef",
    });
    assert.equal(o.namespace.metadata.labels?.["istio.io/rev"], "1-30");
    assert.equal(o.job.metadata.name, "crossmesh-verify-0123456789");
    assert.equal(o.job.spec.template.spec.serviceAccountName, o.serviceAccount.metadata.name);
    assert.equal(o.job.spec.template.spec.restartPolicy, "Never");
    assert.equal(o.job.spec.template.metadata.annotations["crossmesh.io/link-fingerprint"], "0123456789abcdef");
    assert.match(
        o.job.spec.template.spec.containers[0].image,
        /^curlimages\/curl:8\.\d+\.\d+@sha256:[0-9a-f]{64}$/,
        "pinned by digest",
    );
});
