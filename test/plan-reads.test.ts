// The offline plan of a stack that adopts an existing Istio (`multi`): the adopted gateway Service is
// read (Service.get), not managed. It must not appear as an empty `{}` document, which makes
// `kubectl apply -f eks.yaml` reject the whole file, but as a comment naming what is read.
import { test, before } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

const ROOT = path.join(__dirname, "..");
let out: string;

before(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-plan-multi-"));
    const run = spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(ROOT, "tools", "plan", "main.ts"), "--stack", "multi", "--out", out],
        { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(run.status, 0, run.stderr);
});

test("every document of the cluster files is an object kubectl can apply (apiVersion, kind, metadata.name)", () => {
    for (const file of ["eks.yaml", "gke.yaml"]) {
        const docs = parseAllDocuments(fs.readFileSync(path.join(out, file), "utf8")).map((d) => d.toJSON() as any);
        assert.ok(docs.length > 0, file);
        for (const [i, o] of docs.entries()) {
            assert.ok(
                o && o.apiVersion && o.kind && o.metadata?.name,
                `${file} document ${i} is not an applicable object: ${JSON.stringify(o)}`,
            );
        }
    }
});

test("the adopted gateway Service the stack reads is named in a comment, not applied", () => {
    const text = fs.readFileSync(path.join(out, "eks.yaml"), "utf8");
    assert.match(text, /^# read, not managed by this stack: v1 Service istio-ingress\/istio-ingressgateway$/m);
    const services = parseAllDocuments(text)
        .map((d) => d.toJSON() as any)
        .filter((o) => o?.kind === "Service" && o.metadata?.name === "istio-ingressgateway");
    assert.deepEqual(services, [], "the read Service is not a manifest of the plan");
});

test("the adopted gateway's exposure is not claimed, and names the stack reads are not marked simulated", () => {
    const topology = fs.readFileSync(path.join(out, "topology.md"), "utf8");
    assert.match(
        topology,
        /nlb\["EKS gateway adopted Service istio-ingress\/istio-ingressgateway: its exposure is not in this plan<br\/>/,
    );
    assert.doesNotMatch(topology, /sources\(/);
    // The read Service's name is the program's (its ID), though the simulator made up the rest of it.
    const listed = fs.readFileSync(path.join(out, "simulated.yaml"), "utf8");
    assert.doesNotMatch(listed, /value: istio-ingressgateway$/m);
    assert.match(listed, /what: load balancer hostname of Service istio-ingress\/istio-ingressgateway/);
});
