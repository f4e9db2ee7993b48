// Each shipped stack can be previewed and updated from a CI runner, which has no ~/.kube/config: run
// under the simulator with an empty HOME, every Kubernetes provider gets a kubeconfig (kept secret)
// whose user runs an official exec plugin — `aws eks get-token` for EKS, `gke-gcloud-auth-plugin`
// for GKE — with no credential inside and no context of a local kubeconfig.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { listStacks } from "../tools/simulator/stack";
import { runFixture } from "./support/run-fixture";

interface ProviderSeen { name: string; kubeconfigSecret: boolean; kubeconfig?: any; context?: string }
interface Result { providers?: ProviderSeen[]; kubeDirCreated?: boolean; error?: string }

const EXPECTED_PLUGIN: Record<string, { command: string; args?: RegExp }> = {
    eks: { command: "aws", args: /^eks get-token --cluster-name \S+ --region [a-z0-9-]+$/ },
    gke: { command: "gke-gcloud-auth-plugin" },
};

for (const stack of listStacks()) {
    test(`stack ${stack}: every cluster is reached through an official exec plugin, with no local context`, () => {
        const result = runFixture<Result>("runner-providers.ts", stack);
        assert.equal(result.error, undefined, `the stack fails on a runner: ${result.error}`);
        const providers = [...result.providers!].sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(providers.map((p) => p.name), ["eks", "gke"]);
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
            if (EXPECTED_PLUGIN[p.name].args) assert.match((user.exec.args ?? []).join(" "), EXPECTED_PLUGIN[p.name].args!);
        }
        assert.equal(result.kubeDirCreated, false, "nothing reads or writes ~/.kube");
    });
}
