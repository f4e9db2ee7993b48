// LambdaAlb's spec: the internal ALB's fields and the Lambda function's fields, their defaults and checks,
// and the cross-field rules, declared once. LambdaHostsAlb embeds both (the function's per host), the link
// picks the function's. What is only known after a look-up (the subnets of an EKS VPC) is checked in
// `network.ts`, before the ALB that would use it is registered.
import * as fs from "node:fs";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { invalid, requireCidr, requireConcreteHostname } from "../common/validation";
import { HttpListenerMode, LambdaArchitecture, PolicyEffect, TracingMode } from "../common/types";
import {
    holds,
    integer,
    list,
    object,
    oneOf,
    opaque,
    record,
    string,
    valueOr,
    type Refinement,
    type SameShape,
    type SpecArgs,
} from "../common/spec";
import type { InternalAlbArgs } from "./alb";
import type { LambdaAlbArgs } from "./index";
import type { ExistingFunctionArgs, LambdaFunctionArgs } from "./function";

/**
 * Runtimes the AWS provider lists and AWS still accepts for new functions: the provider's own enum
 * (so a runtime AWS adds, e.g. python3.14, is accepted once the provider knows it), less the runtimes it
 * marks deprecated (a test keeps this list in step with the provider's declarations).
 */
export const DEPRECATED_LAMBDA_RUNTIMES: readonly string[] = [
    "dotnet5.0",
    "dotnet7",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "go1.x",
    "java8",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "provided",
    "python2.7",
    "python3.6",
    "python3.7",
    "python3.8",
    "ruby2.5",
    "ruby2.7",
];
export const LAMBDA_RUNTIMES: readonly string[] = Object.values(aws.lambda.Runtime).filter(
    (r) => !DEPRECATED_LAMBDA_RUNTIMES.includes(r),
);

/** CloudWatch Logs retention values (days); 0 keeps logs forever. */
export const LOG_RETENTION_DAYS = [
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const ACM_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;
const PLAIN_LIST =
    "one ingress rule per entry is created, so the list itself must be known when the program runs; its entries may be Outputs (e.g. [sg.id])";

/** Lambda: a function's memory (MB) and timeout (seconds). */
export const LAMBDA_MEMORY_MB = { min: 128, max: 10240 } as const;
export const LAMBDA_TIMEOUT_SECONDS = { min: 1, max: 900 } as const;
/** Lambda: at most 5 layers per function; a function in a VPC takes at most 16 subnets and 5 security groups. */
export const MAX_LAMBDA_LAYERS = 5;
export const MAX_LAMBDA_VPC_SUBNETS = 16;
export const MAX_LAMBDA_VPC_SECURITY_GROUPS = 5;
/** Lambda's own patterns (API reference): a layer version ARN, a KMS key, an alias name, a version. */
export const LAYER_VERSION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):layer:[a-zA-Z0-9-_]+:[0-9]+$/;
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:([a-z0-9-]+):(\d{12}):(key|alias)\/.+$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const IAM_POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/;
const IAM_ACTION = /^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/;

const pattern =
    (re: RegExp, what: string, example: string) =>
    (path: string, value: string): void => {
        if (!re.test(value)) invalid(path, `"${value}" is not ${what}; e.g. "${example}".`);
    };

/** The region an ARN names (its fourth part), for rules that compare it with the link's region. */
export function arnRegion(arn: string): string | undefined {
    return /^arn:[^:]+:[^:]+:([^:]*):/.exec(arn)?.[1] || undefined;
}

/** One statement of the inline policy crossmesh puts on the role it creates. */
export const policyStatementSpec = object(
    {
        effect: oneOf(PolicyEffect, "policy effect").default(PolicyEffect.Allow),
        actions: list(string().check(pattern(IAM_ACTION, "an IAM action", "dynamodb:GetItem")), {
            emptyFix: 'list the actions, e.g. ["dynamodb:GetItem", "dynamodb:Query"].',
            what: "IAM actions",
        }).required('list the actions, e.g. ["dynamodb:GetItem", "dynamodb:Query"].'),
        resources: list(string().input(), {
            emptyFix:
                'list the resources, e.g. ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders"] (an Output such as table.arn works).',
            what: "resource ARNs",
        }).required(
            'list the resources, e.g. ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders"] (an Output such as table.arn works).',
        ),
    },
    { what: "{ effect?, actions, resources }" },
);

/** Where a function crossmesh creates runs in a VPC (its ENIs go into these subnets, with these groups). */
export const vpcConfigSpec = object(
    {
        subnetIds: list(string().input(), {
            emptyFix:
                "list the private subnets the function's network interfaces go in (two or more Availability Zones).",
            what: "subnet IDs",
        })
            .required(
                "list the private subnets the function's network interfaces go in (two or more Availability Zones).",
            )
            .check((path, ids) => {
                if (ids.length > MAX_LAMBDA_VPC_SUBNETS)
                    invalid(path, `${ids.length} subnets; a Lambda function takes at most ${MAX_LAMBDA_VPC_SUBNETS}.`);
            }),
        securityGroupIds: list(string().input(), {
            emptyFix:
                "list the security groups of the function's network interfaces (what it may reach is their egress).",
            what: "security group IDs",
        })
            .required(
                "list the security groups of the function's network interfaces (what it may reach is their egress).",
            )
            .check((path, ids) => {
                if (ids.length > MAX_LAMBDA_VPC_SECURITY_GROUPS)
                    invalid(
                        path,
                        `${ids.length} security groups; a Lambda function takes at most ${MAX_LAMBDA_VPC_SECURITY_GROUPS}.`,
                    );
            }),
    },
    { what: "{ subnetIds, securityGroupIds }" },
);

/** One managed policy ARN (an entry of `managedPolicyArns`). */
export const managedPolicyArnField = string()
    .input()
    .check(
        pattern(IAM_POLICY_ARN, "an IAM managed policy ARN", "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"),
    );
/** One layer version ARN (an entry of `layers`). */
export const layerVersionArnField = string()
    .input()
    .check(
        pattern(LAYER_VERSION_ARN, "a Lambda layer version ARN", "arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"),
    );

/** What a function crossmesh creates may do and where it runs (beyond the code and its sizes). */
export const lambdaRuntimeEnvironmentFields = {
    managedPolicyArns: list(managedPolicyArnField, { what: "managed policy ARNs", unique: (arn) => String(arn) })
        .plain(
            "one attachment per entry is created, so the list itself must be known when the program runs; its entries may be Outputs",
        )
        .optional(),
    policyStatements: list(policyStatementSpec, { what: "policy statements" }).optional(),
    roleArn: string()
        .input()
        .optional()
        .check(pattern(IAM_ROLE_ARN, "an IAM role ARN", "arn:aws:iam::123456789012:role/orders-fn")),
    vpcConfig: vpcConfigSpec.optional(),
    layers: list(layerVersionArnField, { what: "layer version ARNs" })
        .optional()
        .check((path, layers) => {
            if (layers.length > MAX_LAMBDA_LAYERS)
                invalid(path, `${layers.length} layers; a Lambda function takes at most ${MAX_LAMBDA_LAYERS}.`);
        }),
    architecture: oneOf(LambdaArchitecture, "Lambda architecture", {
        x86_64: "the default",
        arm64: "Graviton; the code and its layers must be built for arm64",
    }).default(LambdaArchitecture.X86_64),
    reservedConcurrency: integer(1, 1_000_000, "concurrent executions (0 would stop every invocation)")
        .input()
        .optional(),
    kmsKeyArn: string()
        .input()
        .optional()
        .check(
            pattern(
                KMS_KEY_ARN,
                "a KMS key ARN",
                "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
            ),
        ),
    tracingMode: oneOf(TracingMode, "tracing mode", {
        Active: "sample and trace invocations with X-Ray",
        PassThrough: "trace only requests that arrive sampled, the default",
    }).optional(),
};

// ---- the function ------------------------------------------------------------------------------------

/** The Lambda function's fields (LambdaAlb's, each LambdaHostsAlb function's, a link service's `lambda`). */
export const lambdaFunctionFields = {
    code: opaque<pulumi.asset.Archive>("an Archive").input().optional(),
    codePath: string()
        .input()
        .optional()
        .check((path, p) => {
            if (!fs.existsSync(p))
                invalid(
                    path,
                    `"${p}" does not exist; give the path of a directory or a .zip file with the function's code (relative paths are relative to the Pulumi program's working directory).`,
                );
        }),
    handler: string().input().default("index.lambda_handler"),
    runtime: string()
        .input()
        .default("python3.13")
        .check((path, r) => {
            if (!LAMBDA_RUNTIMES.includes(r))
                invalid(
                    path,
                    `"${r}" is not a Lambda runtime crossmesh supports; use one of ${LAMBDA_RUNTIMES.join(", ")}.`,
                );
        }),
    memorySize: integer(LAMBDA_MEMORY_MB.min, LAMBDA_MEMORY_MB.max, "MB (AWS Lambda's limits)").input().default(128),
    timeout: integer(LAMBDA_TIMEOUT_SECONDS.min, LAMBDA_TIMEOUT_SECONDS.max, "seconds (AWS Lambda's limits)")
        .input()
        .default(10),
    environment: record(string().input()).input().optional(),
    logRetentionDays: integer(0, 3653, "days")
        .input()
        .default(14)
        .check((path, days) => {
            if (!LOG_RETENTION_DAYS.includes(days))
                invalid(
                    path,
                    `${days} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")} (0 = never expire).`,
                );
        }),
    ...lambdaRuntimeEnvironmentFields,
};

/** The code comes from one place: an Archive or a path. */
export const oneCodeSource: Refinement<Pick<LambdaFunctionArgs, "code" | "codePath">> = {
    name: "one source of code",
    check: (f, at) => {
        if (f.code !== undefined && f.codePath !== undefined)
            invalid(at("codePath"), "give either code (an Archive) or codePath (a directory or .zip), not both.");
    },
};

/** Permissions go on the role crossmesh creates: with your own role (`roleArn`) they are yours to grant. */
export const permissionsOnOwnRole: Refinement<
    Pick<LambdaFunctionArgs, "roleArn" | "managedPolicyArns" | "policyStatements">
> = {
    name: "permissions only on the role crossmesh creates",
    check: (f, at) => {
        if (f.roleArn === undefined) return;
        for (const key of ["managedPolicyArns", "policyStatements"] as const)
            if (f[key] !== undefined)
                invalid(
                    at(key),
                    `attaches to the role crossmesh creates, but roleArn names your own role, which crossmesh never modifies; grant these permissions on that role, or remove roleArn.`,
                );
    },
};

/** A KMS key for the environment needs an environment: Lambda drops the key otherwise (a diff on every preview). */
export const kmsKeyEncryptsEnvironment: Refinement<Pick<LambdaFunctionArgs, "kmsKeyArn" | "environment">> = {
    name: "a KMS key encrypts an environment",
    check: (f, at) => {
        if (f.kmsKeyArn !== undefined && f.environment === undefined)
            invalid(
                at("kmsKeyArn"),
                "encrypts the function's environment variables, and there are none: Lambda does not keep the key then (every preview would show it again). Give environment, or remove kmsKeyArn.",
            );
    },
};

/** The function's cross-field rules. */
export const lambdaFunctionRules = [oneCodeSource, permissionsOnOwnRole, kmsKeyEncryptsEnvironment] as const;

/** One function's spec, on its own. */
export const lambdaFunctionSpec = object(lambdaFunctionFields, { refine: lambdaFunctionRules });

holds<SameShape<LambdaFunctionArgs, SpecArgs<typeof lambdaFunctionSpec>>>();

// ---- an existing function -----------------------------------------------------------------------------

/** Lambda's function ARN (API reference), with its optional qualifier; and a bare function name. */
export const FUNCTION_ARN =
    /^arn:(aws[a-zA-Z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9-_]{1,64})(?::(\$LATEST|[a-zA-Z0-9-_]{1,128}))?$/;
const FUNCTION_NAME = /^[a-zA-Z0-9-_]{1,64}$/;
const QUALIFIER = /^[a-zA-Z0-9-_]{1,128}$/;

/** An existing function as its reference says it: by ARN (region, account, maybe a qualifier) or by name. */
export interface FunctionRef {
    name: string;
    arn?: { partition: string; region: string; account: string; qualifier?: string };
}

const LATEST_FIX =
    "an ALB cannot be allowed to invoke $LATEST (Lambda grants no permission on it); leave the qualifier out to invoke the function itself (which runs $LATEST), or name a published version or an alias";

/** Parses `function`; refuses (at `path`) what Lambda would not take as a function an ALB invokes. */
export function parseFunctionRef(path: string, fn: string): FunctionRef {
    const m = FUNCTION_ARN.exec(fn);
    if (m) {
        if (m[5] === "$LATEST") invalid(path, `"${fn}" is qualified with $LATEST: ${LATEST_FIX}.`);
        return {
            name: m[4],
            arn: { partition: m[1], region: m[2], account: m[3], ...(m[5] !== undefined ? { qualifier: m[5] } : {}) },
        };
    }
    if (FUNCTION_NAME.test(fn)) return { name: fn };
    invalid(
        path,
        fn.startsWith("arn:")
            ? `"${fn}" is not a Lambda function ARN; give arn:aws:lambda:<region>:<account>:function:<name>, optionally ending in :<alias or version> (a layer, an alias resource or another service's ARN cannot be invoked by an ALB).`
            : `"${fn}" is not a Lambda function name (1–64 letters, digits, hyphens or underscores); give the function's name in the link's account and region, or its ARN.`,
    );
}

/** A qualifier an ALB can be allowed to invoke: a published version or an alias, never $LATEST. */
export function requireQualifier(path: string, q: string): void {
    if (q === "$LATEST") invalid(path, `${LATEST_FIX}.`);
    if (!QUALIFIER.test(q))
        invalid(
            path,
            `"${q}" is not a Lambda alias or version (1–128 letters, digits, hyphens or underscores; a version is a number), e.g. "live" or "7".`,
        );
}

/** An existing function's fields: the function, and which alias or version the ALB invokes. */
export const existingFunctionFields = {
    function: string()
        .input()
        .required(
            "give the function's ARN, e.g. \"arn:aws:lambda:eu-west-1:123456789012:function:orders\", or its name in the link's account and region.",
        )
        .check((path, fn) => void parseFunctionRef(path, fn)),
    qualifier: string().input().optional().check(requireQualifier),
};

/** A qualifier in the ARN and `qualifier` say the same. */
export const oneQualifier: Refinement<ExistingFunctionArgs> = {
    name: "one qualifier",
    check: (f, at) => {
        if (typeof f.function !== "string" || typeof f.qualifier !== "string") return;
        const inArn = parseFunctionRef(at("function"), f.function).arn?.qualifier;
        if (inArn !== undefined && inArn !== f.qualifier)
            invalid(
                at("qualifier"),
                `"${f.qualifier}" differs from the qualifier in the function's ARN (":${inArn}"); give it once, in the ARN or here.`,
            );
    },
};

export const existingFunctionSpec = object(existingFunctionFields, {
    refine: [oneQualifier],
    what: "{ function: an ARN or a name, qualifier? }",
});

holds<SameShape<ExistingFunctionArgs, SpecArgs<typeof existingFunctionSpec>>>();

// ---- the internal ALB --------------------------------------------------------------------------------

/** The internal ALB's fields (LambdaAlb's and LambdaHostsAlb's). */
export const internalAlbFields = {
    eksClusterName: string().input().optional(),
    vpcId: string().input().optional(),
    subnetIds: list(string().input())
        .input()
        .optional()
        .check((path, ids) => {
            if (ids.length < 2)
                invalid(
                    path,
                    `an ALB needs at least two subnets in two Availability Zones; got ${ids.length}. List two or more private subnets of the EKS VPC.`,
                );
        }),
    allowedSecurityGroupIds: list(string().input(), { what: "security group IDs" }).plain(PLAIN_LIST).optional(),
    allowedCidrs: list(string().input().check(requireCidr), { what: "CIDR blocks" }).plain(PLAIN_LIST).optional(),
    certificateArn: string()
        .input()
        .optional()
        .check((path, arn) => {
            if (!ACM_CERTIFICATE_ARN.test(arn))
                invalid(
                    path,
                    `"${arn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>).`,
                );
        }),
    domainName: string().input().optional().check(requireConcreteHostname),
    certificateValidityDays: integer(2, 825, "days").default(365),
    certificateRenewBeforeDays: integer(0, 824, "days").default(30),
    httpListener: oneOf(HttpListenerMode, "mode", {
        off: "no port 80, the default",
        redirect: "port 80 answers with a redirect to HTTPS",
    }).default(HttpListenerMode.Off),
    tags: record(string().input()).input().optional(),
};

type Network = Pick<
    InternalAlbArgs,
    "eksClusterName" | "vpcId" | "subnetIds" | "allowedSecurityGroupIds" | "allowedCidrs"
>;

/** Where the ALB goes: the cluster's VPC (looked up), or explicit subnets in a VPC with someone allowed in. */
export const clusterOrSubnets: Refinement<Network> = {
    name: "a cluster or explicit subnets",
    check: (a, at) => {
        if (a.eksClusterName === undefined && a.subnetIds === undefined)
            invalid(
                at("eksClusterName"),
                "give the EKS cluster name (its VPC, private subnets and cluster security group are looked up), or give vpcId and subnetIds explicitly.",
            );
        if (a.eksClusterName !== undefined && a.subnetIds !== undefined)
            invalid(at("subnetIds"), "give either eksClusterName (subnets are looked up) or subnetIds, not both.");
        if (a.subnetIds !== undefined && a.vpcId === undefined)
            invalid(
                at("vpcId"),
                "with explicit subnetIds, also give the vpcId they belong to (the ALB security group is created in it).",
            );
        if (a.subnetIds !== undefined && a.allowedSecurityGroupIds === undefined && a.allowedCidrs === undefined)
            invalid(
                at("allowedSecurityGroupIds"),
                "with explicit subnets nothing would be allowed to reach the ALB: give the EKS cluster security group (or node security group) in allowedSecurityGroupIds, or CIDRs in allowedCidrs.",
            );
    },
};

/** A user certificate comes with the name it is for. */
export const certificateNamesItsDomain: Refinement<Pick<InternalAlbArgs, "certificateArn" | "domainName">> = {
    name: "a certificate names its domain",
    check: (a, at) => {
        if (a.certificateArn !== undefined && a.domainName === undefined)
            invalid(
                at("domainName"),
                "with certificateArn, also give the domain name the certificate is for (and that resolves to the ALB): the mesh connects to that name and checks it against the certificate.",
            );
    },
};

/** The self-issued certificate renews inside its validity (defaults filled in). */
export const renewalInsideValidity: Refinement<
    Pick<InternalAlbArgs, "certificateValidityDays" | "certificateRenewBeforeDays">
> = {
    name: "renewal inside the validity",
    check: (a, at) => {
        const validity = valueOr(internalAlbFields.certificateValidityDays, a.certificateValidityDays);
        const renew = valueOr(internalAlbFields.certificateRenewBeforeDays, a.certificateRenewBeforeDays);
        if (renew < validity) return;
        // Blame the field the user set: a shortened validity under the default window names the validity.
        if (a.certificateRenewBeforeDays === undefined)
            invalid(
                at("certificateValidityDays"),
                `${validity} days is not longer than the early renewal (certificateRenewBeforeDays, default ${renew} days), so every \`pulumi up\` would replace the certificate; make it longer, e.g. 365.`,
            );
        invalid(
            at("certificateRenewBeforeDays"),
            `${renew} days is not shorter than the validity (${validity} days); renew well inside the validity, e.g. 30 of 365.`,
        );
    },
};

/** The internal ALB's rules. */
export const internalAlbRules = [clusterOrSubnets, certificateNamesItsDomain, renewalInsideValidity] as const;

export const internalAlbSpec = object(internalAlbFields, { refine: internalAlbRules });

holds<SameShape<InternalAlbArgs, SpecArgs<typeof internalAlbSpec>>>();

/** LambdaAlb's spec: the ALB and its one function. */
export const lambdaAlbSpec = object(
    { ...internalAlbFields, ...lambdaFunctionFields },
    { refine: [...internalAlbRules, ...lambdaFunctionRules] },
);

holds<SameShape<LambdaAlbArgs, SpecArgs<typeof lambdaAlbSpec>>>();
