// What the simulator made up: IDs, ARNs, the account, DNS names and addresses, auto-names' random suffixes,
// certificate times on the simulator's clock. A real deployment gets other values, so the offline plan marks
// each of these where it shows it (tools/plan/simulated.ts) and the plan review compares them by what they
// stand for, never by value. Each value is described from names only (never from the value itself), so the
// same resource's value has the same description in every plan.
import type { SimWorld } from "./world";

type Inputs = Record<string, any>;

/**
 * The output properties, per resource type, that a provider computes to identify or address a resource: these
 * are the simulator's inventions whenever the program did not send the same value itself (an `aws` resource's
 * `name` is invented only when Pulumi auto-names it). Paths use `[*]` for every element of a list.
 */
const COMPUTED: { type: RegExp; paths: string[] }[] = [
    {
        type: /^aws:/,
        paths: [
            "name",
            "arn",
            "dnsName",
            "arnSuffix",
            "invokeArn",
            "qualifiedArn",
            "uniqueId",
            "ownerId",
            "securityGroupRuleId",
            "statementId",
            "id",
        ],
    },
    {
        type: /^kubernetes:core\/v1:Service$/,
        paths: ["status.loadBalancer.ingress[*].hostname", "status.loadBalancer.ingress[*].ip", "spec.clusterIP"],
    },
    { type: /^kubernetes:helm\.sh\/v3:Release$/, paths: ["name"] },
    { type: /^kubernetes:/, paths: ["metadata.name", "metadata.uid"] },
    { type: /^tls:/, paths: ["id"] },
];

/**
 * Certificate times: every certificate is issued at the simulator's clock, so its times are invented too, but
 * they are the program's validity after one fixed instant: a different time in another plan is a real change.
 */
const CLOCK_TIMES = { type: /^tls:/, paths: ["validityStartTime", "validityEndTime"] };

/** What a computed property is called in a description. */
const PROPERTY_WORDS: Record<string, string> = {
    name: "auto-name (random suffix)",
    arn: "ARN",
    dnsName: "DNS name",
    arnSuffix: "ARN suffix",
    invokeArn: "invoke ARN",
    qualifiedArn: "qualified ARN",
    uniqueId: "unique id",
    ownerId: "owner account id",
    securityGroupRuleId: "rule id",
    statementId: "statement id",
    "metadata.name": "generated name",
    "status.loadBalancer.ingress[*].hostname": "load balancer hostname",
    "status.loadBalancer.ingress[*].ip": "load balancer address",
    "spec.clusterIP": "cluster IP",
};

/** The values at `path` in `value` (`[*]` fans out over a list). */
function at(value: unknown, path: string): unknown[] {
    let current: unknown[] = [value];
    for (const part of path.split(".")) {
        const each = part.endsWith("[*]");
        const key = each ? part.slice(0, -3) : part;
        current = current.flatMap((v) => {
            const next = v && typeof v === "object" ? (v as Inputs)[key] : undefined;
            return each ? (Array.isArray(next) ? next : []) : [next];
        });
    }
    return current;
}

export interface InventedValue {
    value: string;
    /** What it stands for, from names only: "VPC id of EKS cluster eks-lab5". */
    what: string;
    /** Compare by value across plans (a time on the simulator's one clock), not by what it stands for. */
    byValue?: boolean;
}

export class Invented {
    private readonly values = new Map<string, InventedValue>();

    /** Records `value` as made up, described by `what`; the first description of a value stands. */
    add(value: unknown, what: string, byValue = false): void {
        if (typeof value !== "string" || value === "" || this.values.has(value)) return;
        this.values.set(value, byValue ? { value, what, byValue } : { value, what });
    }

    /** Every invented value, in the order they were made. */
    entries(): InventedValue[] {
        return [...this.values.values()];
    }

    /** The world's own inventions: the account and each EKS cluster's VPC, security group and subnets. */
    addWorld(world: SimWorld): void {
        this.add(world.accountId, "AWS account id");
        for (const c of Object.values(world.eksClusters)) {
            this.add(c.vpcId, `VPC id of EKS cluster ${c.name}`);
            this.add(c.clusterSecurityGroupId, `cluster security group id of EKS cluster ${c.name}`);
            for (const id of c.subnetIds) {
                const s = world.subnets[id];
                this.add(id, `subnet id of EKS cluster ${c.name} (${s?.tags.Name ?? s?.availabilityZone ?? "?"})`);
            }
        }
    }

    /**
     * A created resource's computed identifiers, unless the program sent the same value at the same path. A read
     * (`Resource.get`) sends no inputs but its ID, which names the object ("<namespace>/<name>").
     */
    addResource(
        type: string,
        name: string,
        inputs: Inputs,
        created: { id: string; state: Inputs },
        readId?: string,
    ): void {
        const kind = type.split(":")[2] ?? type;
        const meta = created.state.metadata as Inputs | undefined;
        // Kubernetes objects by what the cluster knows them as; others by their Pulumi name.
        const who = meta?.name
            ? `${kind} ${meta.namespace ? `${meta.namespace}/` : ""}${meta.name}`
            : `${kind} ${name}`;
        const whole = { ...created.state, id: created.id };
        for (const rule of COMPUTED.filter((r) => r.type.test(type))) {
            for (const path of rule.paths) {
                const sent = new Set([...at(inputs, path), ...(readId ? [readId, ...readId.split("/")] : [])]);
                for (const v of at(whole, path))
                    if (!sent.has(v)) this.add(v, `${PROPERTY_WORDS[path] ?? path} of ${who}`);
            }
        }
        // Several certificates share a time (same validity, one clock): described without naming one of them.
        if (CLOCK_TIMES.type.test(type))
            for (const path of CLOCK_TIMES.paths)
                for (const v of at(whole, path)) this.add(v, "certificate time on the simulator's clock", true);
    }

    /** An invoke's computed identifiers (e.g. the ARN and endpoint `aws:eks/getCluster` returns). */
    addInvoke(token: string, inputs: Inputs, result: Inputs): void {
        const what = `${token.split(":").pop()}${inputs.name ? ` ${inputs.name}` : ""}`;
        for (const key of ["arn", "endpoint", "clusterId", "userId"]) this.add(result[key], `${key} from ${what}`);
    }
}
