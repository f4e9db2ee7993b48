// What a composite that creates AWS resources adds to them: its tags on every one, and the check that the region
// it was told is its AWS provider's.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { tagAwsResources } from "../../common/tags";
import type { ServedHostArgs } from "../args";
import { kindOf } from "../targets";

/**
 * `awsRegion` against the AWS provider the composite's resources use: a region that differs would allow another
 * region's API endpoints than the one the Lambdas run in. Checked when the composite creates AWS resources (then
 * that provider is configured); fails the deployment naming the field.
 */
export function awsRegionChecked(
    parent: pulumi.ComponentResource,
    region: string | undefined,
    services: readonly ServedHostArgs[],
): pulumi.Output<void> {
    if (region === undefined || !services.some((s) => kindOf(s)?.albFunction !== undefined))
        return pulumi.output(undefined);
    return aws.getRegionOutput({}, { parent }).region.apply((actual) => {
        if (actual !== region)
            throw new pulumi.InputPropertyError({
                propertyPath: "awsRegion",
                reason: `"${region}" is not the region of the AWS provider the link uses ("${actual}"): the AWS egress would allow ${region}'s API endpoints while the Lambdas run in ${actual}. Set awsRegion to "${actual}", or give the link an AWS provider for ${region} (opts.providers).`,
            });
    });
}

/** A composite's options with its tags transformation added (after the caller's own). */
export function withTags(
    opts: pulumi.ComponentResourceOptions | undefined,
    tags: Record<string, string> | undefined,
): pulumi.ComponentResourceOptions | undefined {
    if (tags === undefined || Object.keys(tags).length === 0) return opts;
    return { ...opts, transformations: [...(opts?.transformations ?? []), tagAwsResources(tags)] };
}
