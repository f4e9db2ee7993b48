// Typed stack configuration. One schema gives the types and the checks; every failure names the
// config key (as `pulumi config` spells it) and how to fix it, before any resource is registered.
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isConcreteHostname } from "../components/common/validation";
import * as ipaddr from "ipaddr.js";

const PROJECT = "crossmesh";

const k8sName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, "must be a Kubernetes name: at most 63 lowercase letters, digits and inner hyphens");
const hostname = z.string().refine(isConcreteHostname, "must be a concrete lowercase DNS name with two or more labels, e.g. \"lambda.external\" (no wildcards)");
const cidr = z.string().refine((c) => ipaddr.isValidCIDR(c), "must be a CIDR block such as \"203.0.113.0/24\"");
const trustDomain = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,253}[a-z0-9])?$/, "must be a SPIFFE trust domain: lowercase letters, digits, dots and hyphens, e.g. \"gke.example.org\"");

const source = z.object({
    namespace: k8sName,
    serviceAccount: k8sName.optional(),
}).strict();

const lambda = z.object({
    runtime: z.string().optional(),
    codePath: z.string().optional(),
    handler: z.string().optional(),
    memorySize: z.number().int().min(128, "must be 128–10240 MB").max(10240, "must be 128–10240 MB").optional(),
    timeout: z.number().int().min(1, "must be 1–900 s").max(900, "must be 1–900 s").optional(),
}).strict();

const upstream = z.object({
    hostname,
    port: z.number().int().min(1).max(65535).default(443),
    /** PEM of the private CA that signed the upstream's certificate; omit for a publicly trusted one. */
    caPem: z.string().includes("BEGIN CERTIFICATE", { message: "must be a PEM certificate" }).optional(),
}).strict();

const service = z.object({
    host: hostname,
    lambda: lambda.optional(),
    upstream: upstream.optional(),
    allowedSources: z.array(source).min(1, "must list at least one {namespace, serviceAccount?} that may call the host (nothing else can)"),
    expectBodyContains: z.string().optional(),
}).strict().superRefine((s, ctx) => {
    if ((s.lambda === undefined) === (s.upstream === undefined)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["lambda"], message: "give exactly one of `lambda` (crossmesh creates a function behind an internal ALB) or `upstream` (an existing internal HTTPS endpoint)" });
    }
});

const adoptedIstio = z.object({
    namespace: k8sName,
    selectorLabels: z.record(z.string()).refine((l) => Object.keys(l).length > 0, "must hold the gateway pods' labels, e.g. {\"istio\": \"ingressgateway\"}"),
    serviceName: k8sName,
    serviceAccount: k8sName,
    /** EKS only: the LoadBalancer Service in front of the adopted ingress gateway, if not `serviceName`. */
    loadBalancerServiceName: k8sName.optional(),
}).strict();

const pki = z.object({
    keyAlgorithm: z.enum(["ECDSA", "RSA"]).default("ECDSA"),
    rsaBits: z.union([z.literal(2048), z.literal(3072), z.literal(4096)]).optional(),
    caValidityDays: z.number().int().positive().optional(),
    leafValidityDays: z.number().int().positive().optional(),
    leafRenewBeforeDays: z.number().int().positive().optional(),
    serverTrustsExtraCaPems: z.array(z.string()).optional(),
    clientTrustsExtraCaPems: z.array(z.string()).optional(),
}).strict();

/**
 * A GKE cluster reached from anywhere gcloud credentials exist (a laptop after `gcloud auth login`, a
 * runner after google-github-actions/auth): crossmesh builds the kubeconfig, whose user runs the official
 * `gke-gcloud-auth-plugin`. Endpoint and CA are not secret; the kubeconfig holds no credential.
 */
const gkeCluster = z.object({
    /** `gcloud container clusters describe NAME --location L --format='value(name)'`; also names the kubeconfig entries. */
    name: z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, "must be a GKE cluster name: lowercase letters, digits and hyphens"),
    /** `--format='value(endpoint)'` (an IP or DNS name, optionally with https://). */
    endpoint: z.string().regex(/^(https:\/\/)?[A-Za-z0-9.-]+(:\d+)?$/, "must be the cluster's API endpoint, e.g. \"34.76.1.2\" or \"https://34.76.1.2\""),
    /** `--format='value(masterAuth.clusterCaCertificate)'`: the cluster CA, base64 PEM as gcloud prints it. */
    caData: z.string().regex(/^[A-Za-z0-9+/=\s]{100,}$/, "must be the base64 cluster CA from `gcloud container clusters describe … --format='value(masterAuth.clusterCaCertificate)'`"),
}).strict();

const awsEgress = z.object({
    services: z.array(z.string()).default([]),
    extraHosts: z.array(z.string()).optional(),
    imds: z.boolean().default(false),
    mode: z.enum(["passthrough", "originate"]).default("passthrough"),
}).strict();

export const DEFAULT_SERVICES = [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }];

export const stackConfigSchema = z.object({
    awsRegion: z.string().regex(/^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov)-[a-z]+-\d$/, "must be an AWS region such as \"eu-west-1\""),
    eksClusterName: z.string().min(1, "must name the EKS cluster whose VPC hosts the ALB"),
    eksKubeconfig: z.string().optional(),
    eksContext: z.string().optional(),
    gkeKubeconfig: z.string().optional(),
    gkeContext: z.string().optional(),
    gkeCluster: gkeCluster.optional(),
    services: z.array(service).min(1, "must list at least one exported service").default(DEFAULT_SERVICES),
    istioVersion: z.string().regex(/^1\.\d+\.\d+$/, "must be an Istio release such as \"1.30.3\"").default("1.30.3"),
    eksIstio: adoptedIstio.optional(),
    gkeIstio: adoptedIstio.optional(),
    eksTrustDomain: trustDomain.default("eks.crossmesh.local"),
    gkeTrustDomain: trustDomain.default("gke.crossmesh.local"),
    consumerEgressCidrs: z.array(cidr).default([]),
    pki: pki.default({}),
    verify: z.boolean().default(false),
    strictMtls: z.boolean().default(false),
    deployTestClient: z.boolean().default(false),
    registryOnly: z.boolean().default(false),
    eksAwsEgress: awsEgress.optional(),
}).strict().superRefine((c, ctx) => {
    if (c.gkeKubeconfig === undefined && c.gkeCluster === undefined && c.gkeContext === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["gkeKubeconfig"], message: "is required to reach the GKE cluster: set crossmesh:gkeCluster to {name, endpoint, caData} (works on a laptop and a CI runner; see docs/operating.md), or `pulumi config set --secret crossmesh:gkeKubeconfig \"$(cat gke.kubeconfig)\"`, or set crossmesh:gkeContext to a context of your ~/.kube/config" });
    }
    if (c.eksTrustDomain === c.gkeTrustDomain) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["gkeTrustDomain"], message: `must differ from crossmesh:eksTrustDomain ("${c.eksTrustDomain}"): the two meshes share no root of trust` });
    }
    const seen = new Map<string, number>();
    c.services.forEach((s, i) => {
        if (seen.has(s.host)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["services", i, "host"], message: `"${s.host}" is exported twice (also services[${seen.get(s.host)}]); export each host once` });
        seen.set(s.host, i);
    });
    if (c.pki.keyAlgorithm === "ECDSA" && c.pki.rsaBits !== undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["pki", "rsaBits"], message: "only applies to keyAlgorithm \"RSA\"; remove it or set pki.keyAlgorithm to \"RSA\"" });
    }
});

export type StackConfig = z.infer<typeof stackConfigSchema>;

/** Keys whose values must be stored encrypted (`pulumi config set --secret`). */
const SECRET_KEYS = ["eksKubeconfig", "gkeKubeconfig"];

function configPath(path: (string | number)[]): string {
    return `${PROJECT}:` + path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

function closest(key: string, candidates: string[]): string | undefined {
    const distance = (a: string, b: string) => {
        const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
        for (let j = 1; j <= b.length; j++) d[0][j] = j;
        for (let i = 1; i <= a.length; i++) for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        return d[a.length][b.length];
    };
    const best = candidates.map((c) => [c, distance(key.toLowerCase(), c.toLowerCase())] as const).sort((x, y) => x[1] - y[1])[0];
    return best && best[1] <= 3 ? best[0] : undefined;
}

/** The schema of a key without its optional/default/refinement wrappers. */
function baseType(schema: z.ZodTypeAny): z.ZodTypeAny {
    if (schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) return baseType(schema._def.innerType);
    if (schema instanceof z.ZodEffects) return baseType(schema._def.schema);
    return schema;
}

/**
 * Pulumi stores every config value as a string; objects, lists, numbers and booleans as JSON. A key
 * whose schema is a string keeps its text as given (`istioVersion: 1.30` must not become a number).
 */
function decode(schema: z.ZodTypeAny, raw: string): unknown {
    if (baseType(schema) instanceof z.ZodString) return raw;
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/**
 * Reads and checks the `crossmesh:` config of the current stack. `raw` defaults to the stack's config
 * (`pulumi.runtime.allConfig()`); `isSecret` to the runtime's own knowledge of secret keys.
 */
export function readStackConfig(
    raw: Record<string, string> = pulumi.runtime.allConfig(),
    isSecret: (key: string) => boolean = (k) => (pulumi.runtime as unknown as { isConfigSecret(k: string): boolean }).isConfigSecret(k),
): StackConfig {
    const shape = stackConfigSchema._def.schema.shape as Record<string, z.ZodTypeAny>;
    const known = Object.keys(shape);
    const values: Record<string, unknown> = {};
    for (const [fullKey, value] of Object.entries(raw)) {
        const [namespace, key] = fullKey.split(":");
        if (namespace !== PROJECT) continue;
        if (!known.includes(key)) {
            const hint = closest(key, known);
            throw new pulumi.InputPropertyError({ propertyPath: fullKey, reason: `is not a crossmesh config key${hint ? `; did you mean ${PROJECT}:${hint}?` : ""} Known keys: ${known.join(", ")}.` });
        }
        if (SECRET_KEYS.includes(key) && !isSecret(fullKey)) {
            throw new pulumi.InputPropertyError({ propertyPath: fullKey, reason: `holds cluster credentials and must be encrypted: run \`pulumi config set --secret ${fullKey} "$(cat <file>)"\`.` });
        }
        values[key] = decode(shape[key], value);
    }
    const parsed = stackConfigSchema.safeParse(values);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const key = configPath(issue.path);
        const message = issue.code === "unrecognized_keys" ? `has unknown field(s) ${issue.keys.join(", ")}; remove them (see README, "Configuration")` : issue.message;
        throw new pulumi.InputPropertyError({ propertyPath: key, reason: `${message} (set with \`pulumi config set ${issue.path.length > 1 ? "--path " : ""}${key} …\`)` });
    }
    return parsed.data;
}
