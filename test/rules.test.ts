// The single-value rules every component's spec shares (`.check(rule)`), tested once against the rule, as a
// table: each row a value, the fix it must get (or null: accepted). The components' own tests check that a
// field uses the rule (one row each), not the rule's variants again.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { problemsFrom } from "../components/common/spec";
import { requireCidr, requireConcreteHostname, requireKubernetesName } from "../components/common/validation";
import { requireDistinctHostSlugs } from "../components/common/names";
import { requireTrustDomain } from "../components/common/identity";

type Rule = (path: string, value: never) => unknown;
const rows: [string, Rule, unknown, RegExp | null][] = [
    ["host", requireConcreteHostname, "lambda.external", null],
    ["host", requireConcreteHostname, "*.external", /wildcard; Istio cannot route HTTPS \(SNI\) to a wildcard/],
    [
        "host",
        requireConcreteHostname,
        "Lambda.external",
        /upper-case letters; use the lowercase form "lambda\.external"/,
    ],
    ["host", requireConcreteHostname, "lambda", /not a valid fully qualified DNS name/],
    ["host", requireConcreteHostname, "a_b.external", /not a valid fully qualified DNS name/],
    ["host", requireConcreteHostname, `${"a".repeat(64)}.external`, /not a valid fully qualified DNS name/],
    ["CIDR", requireCidr, "203.0.113.0/24", null],
    ["CIDR", requireCidr, "2001:db8::/32", null],
    ["CIDR", requireCidr, "203.0.113.5/24", /host bits set; use the network address "203\.0\.113\.0\/24"/],
    ["CIDR", requireCidr, "203.0.113.0", /not a CIDR block/],
    ["Kubernetes name", requireKubernetesName, "shop-1", null],
    ["Kubernetes name", requireKubernetesName, "Shop", /not a valid Kubernetes name: use at most 63 lowercase/],
    ["Kubernetes name", requireKubernetesName, "a".repeat(64), /not a valid Kubernetes name/],
    ["trust domain", requireTrustDomain, "gke.example.org", null],
    ["trust domain", requireTrustDomain, "GKE Mesh", /not a valid SPIFFE trust domain/],
    ["host list", (p, hosts) => requireDistinctHostSlugs(p, hosts, "object names"), ["a.external", "b.external"], null],
    [
        "host list",
        (p, hosts) => requireDistinctHostSlugs(p, hosts, "object names"),
        ["a.external", "a.external"],
        /"a\.external" is listed twice \(also list\[0\]\.host\)/,
    ],
    [
        "host list",
        (p, hosts) => requireDistinctHostSlugs(p, hosts, "object names"),
        ["a-b.external", "a.b.external"],
        /give the same object names \("a-b-external", dots become hyphens\)/,
    ],
];

for (const [rule, check, value, fix] of rows)
    test(`rule ${rule}: ${JSON.stringify(value).slice(0, 40)} ${fix ? "refused" : "accepted"}`, () => {
        const problems = problemsFrom(() => check("list", value as never));
        if (fix === null) return assert.deepEqual(problems, []);
        assert.equal(problems.length, 1, JSON.stringify(problems));
        assert.match(problems[0].reason, fix);
    });
