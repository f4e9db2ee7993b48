// Each shipped stack can be previewed and updated from a CI runner, which has no ~/.kube/config: run
// under the simulator with an empty HOME, every Kubernetes provider gets a kubeconfig (kept secret)
// whose user runs an official exec plugin — `aws eks get-token` for EKS, `gke-gcloud-auth-plugin`
// for GKE — with no credential inside and no context of a local kubeconfig.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { listStacks, readStackConfigFile } from "../tools/simulator/stack";
import { runFixture } from "./support/run-fixture";

interface ProviderSeen {
    name: string;
    kubeconfigSecret: boolean;
    kubeconfig?: any;
    context?: string;
}
interface Result {
    providers?: ProviderSeen[];
    kubeDirCreated?: boolean;
    error?: string;
}

const EKS = { command: "aws", args: /^eks get-token --cluster-name \S+ --region [a-z0-9-]+$/ };
const GKE = { command: "gke-gcloud-auth-plugin" };

/** The providers each role's stack creates, by name, and the plugin each reaches its cluster with. */
const EXPECTED_PLUGINS: Record<string, Record<string, { command: string; args?: RegExp }>> = {
    link: { eks: EKS, gke: GKE },
    export: { eks: EKS },
    // The shipped consumer stack is a GKE mesh (crossmesh:gkeCluster); another cloud's takes a kubeconfig.
    consumer: { consumer: GKE },
};

for (const stack of listStacks()) {
    const EXPECTED_PLUGIN = EXPECTED_PLUGINS[readStackConfigFile(stack).config["crossmesh:role"] ?? "link"];
    test(`stack ${stack}: every cluster is reached through an official exec plugin, with no local context`, () => {
        const result = runFixture<Result>("runner-providers.ts", stack);
        assert.equal(result.error, undefined, `the stack fails on a runner: ${result.error}`);
        const providers = [...result.providers!].sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(
            providers.map((p) => p.name),
            Object.keys(EXPECTED_PLUGIN).sort(),
        );
        for (const p of providers) {
            assert.equal(p.context, undefined, `${p.name}: a context of ~/.kube/config does not exist on a runner`);
            assert.ok(p.kubeconfig, `${p.name}: no kubeconfig`);
            assert.ok(p.kubeconfigSecret, `${p.name}: the kubeconfig must stay a secret in state`);
            const kc = p.kubeconfig;
            const context = kc.contexts.find((c: any) => c.name === kc["current-context"]).context;
            const user = kc.users.find((u: any) => u.name === context.user).user;
            const cluster = kc.clusters.find((c: any) => c.name === context.cluster).cluster;
            assert.match(cluster.server, /^https:\/\//, `${p.name}: API server`);
            assert.ok(cluster["certificate-authority-data"], `${p.name}: the cluster CA is pinned`);
            assert.deepEqual(Object.keys(user), ["exec"], `${p.name}: the user holds no token, key or password`);
            assert.equal(user.exec.command, EXPECTED_PLUGIN[p.name].command);
            assert.equal(user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
            assert.equal(user.exec.interactiveMode, "Never", `${p.name}: a runner cannot answer a prompt`);
            if (EXPECTED_PLUGIN[p.name].args)
                assert.match((user.exec.args ?? []).join(" "), EXPECTED_PLUGIN[p.name].args!);
        }
        assert.equal(result.kubeDirCreated, false, "nothing reads or writes ~/.kube");
    });
}

test("crossmesh:gkeCluster is a config key: {name, endpoint, caData} reaches the stack as given", async () => {
    const { readStackConfig } = await import("../stacks/config");
    const ca = Buffer.from(
        "-----BEGIN CERTIFICATE-----\n" + "A".repeat(120) + "\n-----END CERTIFICATE-----\n",
    ).toString("base64");
    const gkeCluster = { name: "gke-lab3", endpoint: "34.76.1.2", caData: ca };
    const config = readStackConfig(
        {
            "crossmesh:awsRegion": "eu-west-1",
            "crossmesh:eksClusterName": "eks-lab5",
            "crossmesh:gkeCluster": JSON.stringify(gkeCluster),
        },
        () => false,
    );
    assert.deepEqual(config.gkeCluster, gkeCluster);
});

test("the GKE kubeconfig from gkeCluster: https endpoint, CA pinned, the plugin's install hint, nothing secret inside", async () => {
    const { gkeClusterKubeconfig } = await import("../components");
    const kc = JSON.parse(gkeClusterKubeconfig({ name: "gke-lab3", endpoint: "34.76.1.2", caData: "Q0E=\n" }));
    assert.equal(kc.clusters[0].cluster.server, "https://34.76.1.2");
    assert.equal(kc.clusters[0].cluster["certificate-authority-data"], "Q0E=");
    assert.equal(kc.users[0].user.exec.command, "gke-gcloud-auth-plugin");
    assert.match(kc.users[0].user.exec.installHint, /gcloud components install gke-gcloud-auth-plugin/);
    assert.equal(
        JSON.parse(gkeClusterKubeconfig({ name: "g", endpoint: "https://10.0.0.2:443", caData: "Q0E=" })).clusters[0]
            .cluster.server,
        "https://10.0.0.2:443",
    );
});
