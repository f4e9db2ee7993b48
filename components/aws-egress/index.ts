// AwsEgress: lets the workloads of one mesh (EKS or GKE) call exactly the AWS API endpoints listed,
// when the mesh allows only registered destinations (outboundTrafficPolicy REGISTRY_ONLY). One
// ServiceEntry per endpoint, plus one DestinationRule per endpoint whose TLS the sidecar originates.
import * as pulumi from "@pulumi/pulumi";
import { customObject, objectResourceName } from "../common/kube";
import { appUrl, awsEgressObjects, sdkEnvironment } from "./objects";
import { requireKubernetesProvider } from "../common/kube";
import { checkArgs, later, valueOr } from "../common/spec";
import { resolveEndpoints } from "./endpoints";
import { awsEgressFields, awsEgressSpec, extraHostsOf, namePrefixOf } from "./spec";
import type { AwsEgressArgs } from "./args";

export type { AwsEgressExtraHostArgs, AwsEgressArgs } from "./args";

export { AWS_SERVICES, IMDS, PARTITIONS } from "./endpoints";
export { MODES } from "./objects";

/**
 * Lets the workloads of one mesh call exactly the AWS API endpoints listed when the mesh allows only
 * registered destinations (outboundTrafficPolicy REGISTRY_ONLY): a ServiceEntry per endpoint, and a
 * DestinationRule per endpoint whose TLS the sidecar originates.
 */
export class AwsEgress extends pulumi.ComponentResource {
    /** The host names registered, in order: services, extra hosts, IMDS. */
    public readonly hosts: pulumi.Output<string[]>;
    /** For each service name, extra host, or "imds": the URL the app's client must use in this mode. */
    public readonly appEndpoints: pulumi.Output<Record<string, string>>;
    /** `AWS_ENDPOINT_URL_<SERVICE>` (and `AWS_EC2_METADATA_SERVICE_ENDPOINT`) values that pin AWS SDKs to these endpoints; give them to the app's containers. */
    public readonly sdkEnvironment: pulumi.Output<Record<string, string>>;
    /** Names of the ServiceEntries created. */
    public readonly serviceEntryNames: pulumi.Output<string[]>;
    /** Names of the DestinationRules created (originate mode). */
    public readonly destinationRuleNames: pulumi.Output<string[]>;
    /** The mode in effect. */
    public readonly mode: pulumi.Output<string>;

    constructor(name: string, args: AwsEgressArgs, opts?: pulumi.ComponentResourceOptions) {
        requireKubernetesProvider("AwsEgress", opts);
        const a = checkArgs(awsEgressSpec(name), args);
        const resolved = {
            namePrefix: namePrefixOf(name),
            namespace: a.namespace,
            mode: valueOr(awsEgressFields.mode, a.mode),
            endpoints: resolveEndpoints(
                a.region,
                a.awsServices ?? [],
                extraHostsOf(a.extraHosts ?? []),
                a.imds ?? false,
            ),
        };
        super("crossmesh:index:AwsEgress", name, {}, opts);

        const exportTo = later(awsEgressFields.exportTo, "exportTo", a.exportTo ?? ["."]);
        // Identities (kind, namespace, name) are plain; only the specs wait for exportTo.
        const objects = awsEgressObjects(resolved.endpoints, resolved, exportTo);
        objects.forEach((o) => customObject(objectResourceName(name, o), o, o.spec, { parent: this }));
        const names = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
        this.hosts = pulumi.output(resolved.endpoints.map((e) => e.host));
        this.appEndpoints = pulumi.output(
            Object.fromEntries(resolved.endpoints.map((e) => [e.key, appUrl(e, resolved.mode)])),
        );
        this.sdkEnvironment = pulumi.output(sdkEnvironment(resolved.endpoints, resolved.mode));
        this.serviceEntryNames = pulumi.output(names("ServiceEntry"));
        this.destinationRuleNames = pulumi.output(names("DestinationRule"));
        this.mode = pulumi.output(resolved.mode);
        this.registerOutputs({
            hosts: this.hosts,
            appEndpoints: this.appEndpoints,
            sdkEnvironment: this.sdkEnvironment,
            serviceEntryNames: this.serviceEntryNames,
            destinationRuleNames: this.destinationRuleNames,
            mode: this.mode,
        });
    }
}
