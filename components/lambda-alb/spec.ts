// LambdaAlb's spec: the internal ALB's fields and the Lambda function's fields, their defaults and checks,
// and the cross-field rules, declared once. LambdaHostsAlb embeds both (the function's per host), the link
// picks the function's. What is only known after a look-up (the subnets of an EKS VPC) is checked in
// `network.ts`, before the ALB that would use it is registered.
import * as fs from "node:fs";
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { invalid, requireCidr, requireConcreteHostname } from "../common/validation";
import { HttpListenerMode } from "../common/types";
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
import type { LambdaFunctionArgs } from "./function";

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
    memorySize: integer(128, 10240, "MB (AWS Lambda's limits)").input().default(128),
    timeout: integer(1, 900, "seconds (AWS Lambda's limits)").input().default(10),
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
};

/** The code comes from one place: an Archive or a path. */
export const oneCodeSource: Refinement<Pick<LambdaFunctionArgs, "code" | "codePath">> = {
    name: "one source of code",
    check: (f, at) => {
        if (f.code !== undefined && f.codePath !== undefined)
            invalid(at("codePath"), "give either code (an Archive) or codePath (a directory or .zip), not both.");
    },
};

/** One function's spec, on its own. */
export const lambdaFunctionSpec = object(lambdaFunctionFields, { refine: [oneCodeSource] });

holds<SameShape<LambdaFunctionArgs, SpecArgs<typeof lambdaFunctionSpec>>>();

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
    { refine: [...internalAlbRules, oneCodeSource] },
);

holds<SameShape<LambdaAlbArgs, SpecArgs<typeof lambdaAlbSpec>>>();
