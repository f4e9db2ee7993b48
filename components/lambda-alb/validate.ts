// Up-front checks of LambdaAlbArgs: everything that is plain at construction is checked here, before
// the component registers anything. What is only known after a look-up (the subnets of an EKS VPC)
// is checked in `network.ts`, before the ALB that would use it is registered.
import * as fs from "node:fs";
import * as aws from "@pulumi/aws";
import {
    invalid,
    known,
    knownArray,
    requireCidr,
    requireConcreteHostname,
    requireIntegerInRange,
} from "../common/validation";
import type { InternalAlbArgs } from "./alb";
import { HttpListenerMode, isEnumValue } from "../common/types";
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

export function validateLambdaAlbArgs(args: InternalAlbArgs & LambdaFunctionArgs): void {
    validateInternalAlbArgs(args);
    validateLambdaFunctionArgs(args, "");
}

/** The ALB's network and TLS settings. */
export function validateInternalAlbArgs(args: InternalAlbArgs): void {
    const subnetIds = knownArray(args.subnetIds);
    if (args.eksClusterName === undefined && args.subnetIds === undefined) {
        invalid(
            "eksClusterName",
            "give the EKS cluster name (its VPC, private subnets and cluster security group are looked up), or give vpcId and subnetIds explicitly.",
        );
    }
    if (args.eksClusterName !== undefined && args.subnetIds !== undefined) {
        invalid("subnetIds", "give either eksClusterName (subnets are looked up) or subnetIds, not both.");
    }
    if (subnetIds !== undefined && subnetIds.length < 2) {
        invalid(
            "subnetIds",
            `an ALB needs at least two subnets in two Availability Zones; got ${subnetIds.length}. List two or more private subnets of the EKS VPC.`,
        );
    }
    if (args.subnetIds !== undefined && args.vpcId === undefined) {
        invalid(
            "vpcId",
            "with explicit subnetIds, also give the vpcId they belong to (the ALB security group is created in it).",
        );
    }
    if (args.subnetIds !== undefined && args.allowedSecurityGroupIds === undefined && args.allowedCidrs === undefined) {
        invalid(
            "allowedSecurityGroupIds",
            "with explicit subnets nothing would be allowed to reach the ALB: give the EKS cluster security group (or node security group) in allowedSecurityGroupIds, or CIDRs in allowedCidrs.",
        );
    }
    // One ingress rule per entry, so the lists themselves must be plain (their entries may be Outputs).
    for (const field of ["allowedSecurityGroupIds", "allowedCidrs"] as const) {
        if (args[field] !== undefined && !Array.isArray(args[field])) {
            invalid(
                field,
                "pass a plain list; its entries may be Outputs (e.g. [sg.id]), but the list itself must be known when the program runs.",
            );
        }
    }
    knownArray<string>(args.allowedCidrs)?.forEach((c, i) => {
        if (known(c)) requireCidr(`allowedCidrs[${i}]`, c);
    });

    if (args.certificateArn !== undefined && args.domainName === undefined) {
        invalid(
            "domainName",
            "with certificateArn, also give the domain name the certificate is for (and that resolves to the ALB): the mesh connects to that name and checks it against the certificate.",
        );
    }
    if (
        known(args.certificateArn) &&
        !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/.test(args.certificateArn)
    ) {
        invalid(
            "certificateArn",
            `"${args.certificateArn}" is not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>).`,
        );
    }
    if (known(args.domainName)) requireConcreteHostname("domainName", args.domainName);

    if (known(args.httpListener) && !isEnumValue(HttpListenerMode, args.httpListener)) {
        invalid(
            "httpListener",
            `"${args.httpListener}" is not a mode; use "off" (no port 80, the default) or "redirect" (port 80 answers with a redirect to HTTPS).`,
        );
    }
    if (known(args.certificateValidityDays))
        requireIntegerInRange("certificateValidityDays", args.certificateValidityDays, 2, 825, "days");
    if (known(args.certificateValidityDays) && known(args.certificateRenewBeforeDays)) {
        if (args.certificateRenewBeforeDays >= args.certificateValidityDays) {
            invalid(
                "certificateRenewBeforeDays",
                `${args.certificateRenewBeforeDays} days is not shorter than the validity (${args.certificateValidityDays} days); renew well inside the validity, e.g. 30 of 365.`,
            );
        }
    }
}

/** One function's settings; `at` prefixes the field names in errors (e.g. "functions[2]."). */
export function validateLambdaFunctionArgs(args: LambdaFunctionArgs, at: string): void {
    if (args.code !== undefined && args.codePath !== undefined) {
        invalid(`${at}codePath`, "give either code (an Archive) or codePath (a directory or .zip), not both.");
    }
    if (known(args.codePath) && !fs.existsSync(args.codePath)) {
        invalid(
            `${at}codePath`,
            `"${args.codePath}" does not exist; give the path of a directory or a .zip file with the function's code (relative paths are relative to the Pulumi program's working directory).`,
        );
    }
    if (known(args.runtime) && !LAMBDA_RUNTIMES.includes(args.runtime)) {
        invalid(
            `${at}runtime`,
            `"${args.runtime}" is not a Lambda runtime crossmesh supports; use one of ${LAMBDA_RUNTIMES.join(", ")}.`,
        );
    }
    if (known(args.memorySize))
        requireIntegerInRange(`${at}memorySize`, args.memorySize, 128, 10240, "MB (AWS Lambda's limits)");
    if (known(args.timeout))
        requireIntegerInRange(`${at}timeout`, args.timeout, 1, 900, "seconds (AWS Lambda's limits)");
    if (known(args.logRetentionDays) && !LOG_RETENTION_DAYS.includes(args.logRetentionDays)) {
        invalid(
            `${at}logRetentionDays`,
            `${args.logRetentionDays} is not a CloudWatch Logs retention; use one of ${LOG_RETENTION_DAYS.join(", ")} (0 = never expire).`,
        );
    }
}
