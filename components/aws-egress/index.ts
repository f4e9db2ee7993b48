// AwsEgress: lets the workloads of one mesh (EKS or GKE) call exactly the AWS API endpoints listed,
// when the mesh allows only registered destinations (outboundTrafficPolicy REGISTRY_ONLY). One
// ServiceEntry per endpoint, plus one DestinationRule per endpoint whose TLS the sidecar originates.
import * as pulumi from "@pulumi/pulumi";
import { customObject, objectResourceName } from "../common/kube";
import { appUrl, buildAwsEgressObjects, sdkEnvironment } from "./objects";
import { checkExportTo, validateAwsEgressArgs } from "./validate";

export { AWS_SERVICES, IMDS, PARTITIONS } from "./endpoints";
export { MODES } from "./objects";

/** An endpoint not in the service table, by its full host name. */
export interface AwsEgressExtraHostArgs {
    /** Fully qualified, concrete host name, e.g. "textract.us-east-1.amazonaws.com". No wildcards, no IPs. */
    host: pulumi.Input<string>;
    /** The endpoint's port. Default 443. */
    port?: pulumi.Input<number>;
    /** What the endpoint speaks on `port`: "HTTPS" (default; TLS) or "HTTP" (plain). HTTPS on 80 and HTTP on 443 are refused. */
    protocol?: pulumi.Input<string>;
}

export interface AwsEgressArgs {
    /** Namespace the ServiceEntries and DestinationRules are created in. Required. */
    namespace: pulumi.Input<string>;
    /** AWS region the services are called in, e.g. "us-east-1", "eu-west-3", "cn-north-1", "us-gov-west-1". Required with `services`. */
    region?: pulumi.Input<string>;
    /**
     * AWS services by name, resolved to their regional endpoint in `region`: dynamodb, sts, sts-global,
     * s3 (path-style only), sqs, sns, kms, secretsmanager, ssm, logs, monitoring, ecr.api, lambda, events,
     * kinesis, ec2 (see `AWS_SERVICES`). Anything else goes in `extraHosts`.
     */
    services?: pulumi.Input<pulumi.Input<string>[]>;
    /** Further endpoints by host name (S3 bucket hosts, other services, non-AWS hosts the app needs). */
    extraHosts?: pulumi.Input<pulumi.Input<AwsEgressExtraHostArgs>[]>;
    /** Allow the instance metadata service (http://169.254.169.254, plain HTTP on port 80; never TLS-originated). Default false. */
    imds?: pulumi.Input<boolean>;
    /**
     * "passthrough" (default): the app speaks HTTPS to port 443 and the sidecar passes TLS through by SNI.
     * "originate": the app speaks plain HTTP to port 443 (http://<host>:443) and the sidecar originates
     * TLS with SNI and certificate verification. IMDS and extra hosts with protocol "HTTP" stay plain HTTP.
     */
    mode?: pulumi.Input<string>;
    /**
     * Namespaces whose workloads see these objects: "." (default: only `namespace`), names, or "*" for the
     * whole mesh. May be an Output (its entries are then checked when known).
     */
    exportTo?: pulumi.Input<pulumi.Input<string>[]>;
}

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
        const plan = validateAwsEgressArgs(name, args, opts);
        super("crossmesh:index:AwsEgress", name, {}, opts);

        const exportTo = pulumi.output(args.exportTo ?? ["."]).apply((list) => {
            list.forEach((ns, i) => checkExportTo(`exportTo[${i}]`, ns)); // Output entries: checked once known
            return list;
        });
        const build = (list: string[]) =>
            buildAwsEgressObjects(plan.endpoints, {
                namePrefix: plan.namePrefix,
                namespace: plan.namespace,
                exportTo: list,
                mode: plan.mode,
            });
        // Identities (kind, namespace, name) do not depend on exportTo, so they are known now.
        const identities = build([]);
        const specs = exportTo.apply(build);
        identities.forEach((obj, i) => {
            customObject(
                objectResourceName(name, obj),
                obj,
                specs.apply((objs) => objs[i].spec),
                { parent: this },
            );
        });

        const names = (kind: string) => identities.filter((o) => o.kind === kind).map((o) => o.metadata.name);
        this.hosts = pulumi.output(plan.endpoints.map((e) => e.host));
        this.appEndpoints = pulumi.output(Object.fromEntries(plan.endpoints.map((e) => [e.key, appUrl(e, plan.mode)])));
        this.sdkEnvironment = pulumi.output(sdkEnvironment(plan.endpoints, plan.mode));
        this.serviceEntryNames = pulumi.output(names("ServiceEntry"));
        this.destinationRuleNames = pulumi.output(names("DestinationRule"));
        this.mode = pulumi.output(plan.mode);
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
