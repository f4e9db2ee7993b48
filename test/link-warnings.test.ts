// Deploy-time warnings a user must see in `pulumi up`: an EKS gateway NLB open to the whole internet.
import * as assert from "node:assert/strict";
import { test } from "node:test";
import { settle, startSimulation } from "../tools/simulator";

startSimulation();

async function warningsOf(over: Record<string, unknown>): Promise<string[]> {
    const k8s = await import("@pulumi/kubernetes");
    const { CrossMeshLink } = await import("../components");
    const seen: string[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void seen.push(args.join(" "));
    try {
        const id = Math.random().toString(36).slice(2, 8);
        new CrossMeshLink(`w${id}`, {
            eksProvider: new k8s.Provider(`eks-${id}`, { context: "eks" }),
            gkeProvider: new k8s.Provider(`gke-${id}`, { context: "gke" }),
            eksClusterName: "eks-lab5",
            services: [
                {
                    host: `${id}.external`,
                    upstream: { hostname: "inventory.internal.example.org" },
                    allowedSources: [{ namespace: "shop" }],
                },
            ],
            ...over,
        });
        await settle();
    } finally {
        console.warn = original;
    }
    return seen;
}

test("without consumerEgressCidrs, `pulumi up` warns that the EKS NLB accepts the whole internet", async () => {
    const warnings = await warningsOf({});
    assert.ok(
        warnings.some((w) =>
            /consumerEgressCidrs is not set.*accepts connections from any address on port 443/.test(w),
        ),
        warnings.join("\n"),
    );
});

test("with consumerEgressCidrs, no such warning", async () => {
    const warnings = await warningsOf({ consumerEgressCidrs: ["203.0.113.0/28"] });
    assert.ok(!warnings.some((w) => /consumerEgressCidrs is not set/.test(w)), warnings.join("\n"));
});
