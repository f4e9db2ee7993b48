// A well-formed Istio version that the official chart repository does not serve fails in Helm, as a
// real `helm install` would; the validator only checks the format. A failed registration leaves the
// Pulumi runtime with RPCs that never complete, so the program runs in its own process: this file,
// started again with ISTIO_INSTALL_PROGRAM set, is that program.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { startSimulation } from "../tools/simulator";
import { kubeProvider } from "./support/providers";

interface ProgramRun {
    errors: string[];
    registered: { type: string; name: string }[];
}

async function program(args: Record<string, unknown>): Promise<ProgramRun> {
    const sim = startSimulation();
    const errors: string[] = [];
    process.on("unhandledRejection", (e) => errors.push(e instanceof Error ? e.message : String(e)));
    const { IstioInstall } = await import("../components/istio-install");
    const provider = await kubeProvider("eks", "eks");
    new IstioInstall("program", args as never, { provider });
    // The failed registration never answers, so wait for the program to go quiet instead.
    let seen = -1;
    for (let quiet = 0; quiet < 10;) {
        await new Promise((r) => setTimeout(r, 20));
        quiet = sim.graph.resources.length + errors.length === seen ? quiet + 1 : 0;
        seen = sim.graph.resources.length + errors.length;
    }
    return { errors, registered: sim.graph.resources.map((r) => ({ type: r.type, name: r.name })) };
}

function run(args: Record<string, unknown>): ProgramRun {
    const child = spawnSync(process.execPath, ["--import", "tsx", __filename], {
        cwd: path.join(__dirname, ".."),
        encoding: "utf8",
        env: { ...process.env, ISTIO_INSTALL_PROGRAM: JSON.stringify(args) },
    });
    if (!child.stdout) throw new Error(`the program printed nothing: ${child.stderr}`);
    return JSON.parse(child.stdout) as ProgramRun;
}

if (process.env.ISTIO_INSTALL_PROGRAM) {
    program(JSON.parse(process.env.ISTIO_INSTALL_PROGRAM)).then((result) => {
        process.stdout.write(JSON.stringify(result));
        process.exit(0);
    });
} else {
    test("Istio 1.30.99 (well-formed, not published) fails in the simulated Helm repository; nothing after base is installed", () => {
        const result = run({ gatewayRole: "ingress", version: "1.30.99" });
        assert.ok(
            result.errors.some((e) =>
                /helm: chart "base" version "1\.30\.99" not found in https:\/\/istio-release\.storage\.googleapis\.com\/charts/.test(
                    e,
                ),
            ),
            `errors: ${result.errors.join(" | ")}`,
        );
        const releases = result.registered.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
        assert.deepEqual(releases, [], "no release registered: base failed, istiod and the gateway wait for it");
        assert.ok(
            result.registered.some((r) => r.type === "kubernetes:core/v1:Service"),
            "the NLB Service does not depend on the releases, so it proceeds, as in a real run",
        );
    });

    test("the same program with a published version registers all three releases (the check above can pass only for the version)", () => {
        const result = run({ gatewayRole: "ingress", version: "1.30.2" });
        assert.deepEqual(result.errors, []);
        assert.deepEqual(
            result.registered
                .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
                .map((r) => r.name)
                .sort(),
            ["program-base", "program-gateway", "program-istiod-1-30"],
        );
    });
}
