// Each consumer of an export, on the export's EKS gateway: its own AuthorizationPolicy admits exactly its identity
// for exactly its hosts, the gateway's credential trusts its client CA, the Gateway pins its identity, and its
// certificates are not near their end. Every check names the consumer (`consumer`).
import type { Check } from "../report";
import { CheckState } from "../report";
import { AppliedObject, DeployedExport, DeployedExportConsumer, objectLabel } from "../deployment";
import type { Cluster, LiveObject } from "../cluster";
import { isIstioKind } from "../drift";
import { principalOf } from "../../common/identity";
import { CheckOptions, check, keyOf } from "./common";
import { certsIn, decode, expiryCheck } from "./credentials";

const REFRESH =
    "run `pulumi up --refresh` on the export stack to re-create it (a plain `pulumi up` does not see that it is gone)";

interface PolicyRule {
    from?: { source?: Record<string, unknown> & { principals?: string[] } }[];
    to?: { operation?: Record<string, unknown> & { hosts?: string[] } }[];
}

/** Whom an ALLOW policy's rules admit, and for which hosts; "anyone"/"any host" where a rule does not narrow it. */
function admission(spec: { rules?: PolicyRule[] } | undefined): { principals: string[]; hosts: string[] } {
    const principals = new Set<string>();
    const hosts = new Set<string>();
    for (const rule of spec?.rules ?? []) {
        if (!rule.from?.length) principals.add("anyone");
        for (const f of rule.from ?? []) {
            for (const p of f.source?.principals ?? []) principals.add(p === "*" ? "anyone" : p);
            const others = Object.keys(f.source ?? {}).filter((k) => k !== "principals");
            if (others.length || !f.source?.principals) principals.add(`any ${others.join("/") || "source"}`);
        }
        if (!rule.to?.length) hosts.add("any host");
        for (const t of rule.to ?? []) {
            for (const h of t.operation?.hosts ?? []) hosts.add(h === "*" ? "any host" : h);
            if (!t.operation?.hosts) hosts.add("any host");
        }
    }
    return { principals: [...principals].sort(), hosts: [...hosts].sort() };
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
    a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
/** `orders.external, orders.external:*` → `orders.external`: the hosts as the user wrote them. */
const shownHosts = (authorities: readonly string[]) => [...new Set(authorities.map((h) => h.replace(/:\*$/, "")))];

/** The consumer's AuthorizationPolicy: present, ALLOW, its identity only, its hosts only. */
function policyCheck(c: DeployedExportConsumer, label: string, ap: LiveObject | undefined): Check {
    const base = { check: "consumer-policy", consumer: c.name, object: label };
    if (!ap)
        return check("eks", {
            ...base,
            state: CheckState.Fail,
            detail: `${label} is missing: the gateway refuses every call of consumer ${c.name} (403 RBAC: access denied)`,
            fix: `${REFRESH}; then find out who deleted it`,
        });
    if (!c.spiffeId)
        return check("eks", {
            ...base,
            state: CheckState.Unknown,
            detail: `${label} present; the stack recorded no identity of consumer ${c.name} to compare it with`,
            fix: "run `pulumi up` on the export stack once with this crossmesh version",
        });
    const want = { principals: [principalOf(c.spiffeId)], hosts: c.hosts.flatMap((h) => [h, `${h}:*`]) };
    const got = admission(ap.spec);
    const action: string = ap.spec?.action ?? "ALLOW";
    const wrong: string[] = [];
    if (action !== "ALLOW") wrong.push(`its action is ${action}, not ALLOW`);
    else if (!ap.spec?.rules?.length) wrong.push("it has no rule: it admits nobody");
    else {
        if (!sameSet(got.principals, want.principals))
            wrong.push(`it admits ${got.principals.join(", ")} (only ${want.principals[0]} should be)`);
        if (!sameSet(got.hosts, want.hosts))
            wrong.push(`for ${shownHosts(got.hosts).join(", ")} (exactly ${c.hosts.join(", ")} should be)`);
    }
    if (wrong.length === 0)
        return check("eks", {
            ...base,
            state: CheckState.Ok,
            detail: `${label} admits only ${c.spiffeId} for ${c.hosts.join(", ")}`,
        });
    return check("eks", {
        ...base,
        state: CheckState.Fail,
        detail: `${label} of consumer ${c.name} does not admit exactly its identity for exactly its hosts: ${wrong.join("; ")}`,
        fix: `undo the hand edit: delete the policy and ${REFRESH.replace("run ", "")}`,
    });
}

/** The gateway credential's ca.crt holds the consumer's client CA: without it, its handshake fails. */
function trustCheck(
    c: DeployedExportConsumer,
    secret: AppliedObject | undefined,
    live: Map<string, LiveObject>,
): Check {
    const base = { check: "consumer-trust", consumer: c.name };
    const ca = certsIn(c.clientCaPem)[0];
    if (!secret)
        return check("eks", {
            ...base,
            state: CheckState.Unknown,
            detail: `the stack recorded no credential Secret of the gateway to look for consumer ${c.name}'s client CA in`,
            fix: "run `pulumi up` on the export stack once with this crossmesh version",
        });
    const label = objectLabel(secret);
    const got = live.get(keyOf(secret));
    if (!got)
        return check("eks", {
            ...base,
            state: CheckState.Fail,
            object: label,
            detail: `${label} is missing: consumer ${c.name}'s handshake fails`,
            fix: REFRESH,
        });
    if (!ca)
        return check("eks", {
            ...base,
            state: CheckState.Unknown,
            object: label,
            detail: `the stack recorded no client CA of consumer ${c.name} to look for in ca.crt`,
            fix: "run `pulumi up` on the export stack once with this crossmesh version",
        });
    const trusts = certsIn(decode(got.data?.["ca.crt"])).some((t) => t.fingerprint === ca.fingerprint);
    return check("eks", {
        ...base,
        state: trusts ? CheckState.Ok : CheckState.Fail,
        object: label,
        detail: trusts
            ? `ca.crt holds consumer ${c.name}'s client CA (SHA-256 ${ca.fingerprint.slice(0, 23)}…)`
            : `ca.crt of ${label} does not hold consumer ${c.name}'s client CA (SHA-256 ${ca.fingerprint.slice(0, 23)}…): its handshake fails`,
        ...(trusts ? {} : { fix: "`pulumi up --refresh` on the export stack restores the trust bundle" }),
    });
}

/** The Gateway pins the client certificate to the consumers' identities: this one's must be among them. */
function identityCheck(c: DeployedExportConsumer, gw: AppliedObject | undefined, live: Map<string, LiveObject>): Check {
    const base = { check: "consumer-identity", consumer: c.name };
    if (!gw || !c.spiffeId)
        return check("eks", {
            ...base,
            state: CheckState.Unknown,
            detail: `the stack recorded no ${gw ? `identity of consumer ${c.name}` : "Gateway"} to compare`,
            fix: "run `pulumi up` on the export stack once with this crossmesh version",
        });
    const label = objectLabel(gw);
    const got = live.get(keyOf(gw));
    if (!got)
        return check("eks", {
            ...base,
            state: CheckState.Fail,
            object: label,
            detail: `${label} is missing: no consumer can connect`,
            fix: REFRESH,
        });
    const pinned = ((got.spec?.servers ?? []) as { tls?: { subjectAltNames?: string[] } }[]).flatMap(
        (s) => s.tls?.subjectAltNames ?? [],
    );
    const ok = pinned.includes(c.spiffeId);
    return check("eks", {
        ...base,
        state: ok ? CheckState.Ok : CheckState.Fail,
        object: label,
        detail: ok
            ? `the Gateway's subjectAltNames pin ${c.spiffeId}`
            : `the Gateway's subjectAltNames do not hold consumer ${c.name}'s identity ${c.spiffeId}: its handshake is refused`,
        ...(ok ? {} : { fix: `undo the hand edit: delete the Gateway and ${REFRESH.replace("run ", "")}` }),
    });
}

/** The consumer's certificates, as the export issued them: not within the warning window. */
function expiryChecks(c: DeployedExportConsumer, opts: CheckOptions): Check[] {
    const leaf = c.clientCertExpiresAt
        ? expiryCheck(
              "eks",
              `client certificate of consumer ${c.name}`,
              new Date(c.clientCertExpiresAt),
              opts,
              `run \`pulumi up\` on the export stack (it renews the certificate inside its renewal window), then on consumer ${c.name}'s stack: its gateway holds the certificate of its own last up`,
          )
        : check("eks", {
              check: "certificate-expiry",
              state: CheckState.Unknown,
              detail: `the stack recorded no end of consumer ${c.name}'s client certificate`,
              fix: "run `pulumi up` on the export stack once with this crossmesh version",
          });
    const ca = c.clientCaExpiresAt
        ? [
              expiryCheck(
                  "eks",
                  `client CA of consumer ${c.name}`,
                  new Date(c.clientCaExpiresAt),
                  opts,
                  `rotate consumer ${c.name}'s client CA (pulumi up on the export stack inside caRenewBeforeDays, then on ${c.name}'s stack; see docs/operating.md)`,
              ),
          ]
        : [];
    return [leaf, ...ca].map((x) => ({ ...x, consumer: c.name }));
}

/** Every consumer's checks on the export's EKS side, in the order of the consumers. */
export async function exportConsumerChecks(
    exp: DeployedExport,
    cluster: Cluster,
    live: Map<string, LiveObject>,
    opts: CheckOptions,
): Promise<Check[]> {
    const gw = exp.objects.find((o) => o.kind === "Gateway" && isIstioKind(o.apiVersion));
    const secret = exp.objects.find((o) => o.kind === "Secret" && o.fields.type === "kubernetes.io/tls");
    const checks: Check[] = [];
    for (const c of exp.consumers) {
        // The policy as applied (its namespace), else by its name in the gateway's namespace.
        const applied = exp.objects.find((o) => o.kind === "AuthorizationPolicy" && o.name === c.policyName);
        const namespace = applied?.namespace ?? gw?.namespace;
        const ref = { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", name: c.policyName, namespace };
        const label = objectLabel(ref);
        const ap = applied ? live.get(keyOf(applied)) : (await cluster.get(namespace, [ref]))[0];
        checks.push(
            policyCheck(c, label, ap),
            trustCheck(c, secret, live),
            identityCheck(c, gw, live),
            ...expiryChecks(c, opts),
        );
    }
    return checks;
}
