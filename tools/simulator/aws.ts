// The `aws` provider as far as crossmesh uses it: computed attributes in AWS's own formats (ARNs,
// `internal-…elb.amazonaws.com` names, sg-/subnet- IDs), EKS and subnet look-ups from the simulated
// world, and the service-side checks that make real deployments fail (ALB subnets in two AZs, Lambda
// limits, ACM key/certificate match, a Lambda target registered before ELB may invoke it).
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { LambdaArchitecture, TracingMode, enumValues } from "../../components/common/types";
import {
    FUNCTION_ARN,
    KMS_KEY_ARN,
    LAMBDA_MEMORY_MB,
    LAMBDA_RUNTIMES,
    LAMBDA_TIMEOUT_SECONDS,
    LAYER_VERSION_ARN,
    LOG_RETENTION_DAYS,
    MAX_LAMBDA_LAYERS,
    MAX_LAMBDA_VPC_SECURITY_GROUPS,
    MAX_LAMBDA_VPC_SUBNETS,
} from "../../components/lambda-alb/spec";
import {
    MAX_FUNCTIONS_PER_ALB as TARGET_GROUPS_PER_ALB,
    MAX_HOST_HEADER_LENGTH as HOST_HEADER_VALUE_MAX,
    MAX_RULES_PER_ALB as RULES_PER_ALB,
} from "../../components/lambda-hosts-alb/spec";
import { MAX_PRIORITY } from "../../components/lambda-hosts-alb/priority";
import { SimWorld, digest } from "./world";

export { LAMBDA_RUNTIMES };
import { tagsRefusal } from "./aws-tags";

type Inputs = Record<string, any>;
export interface Created {
    id: string;
    state: Inputs;
}

/** Lambda permissions that exist so far, keyed by function name: what ELB may invoke. */
interface AwsState {
    permissions: { functionName: string; qualifier?: string; principal: string; sourceArn?: string; action: string }[];
    /** Roles created so far (by name): their ARN and the managed policies attached to them. */
    roles: Map<string, { arn: string; policies: Set<string> }>;
    securityGroups: Map<string, { vpcId: string }>;
    functions: Map<string, Inputs>;
    /** Listener ARN → its load balancer and the rule priorities taken on it. */
    listeners: Map<string, { loadBalancerArn: string; priorities: Map<number, string> }>;
    /** Target group ARN → the one load balancer that forwards to it (ELB allows one). */
    targetGroupOwners: Map<string, string>;
}

// ELB's and Lambda's limits and lists are the product's own (components/…/spec.ts): the simulator never refuses
// what crossmesh accepts, nor accepts what it refuses, from a second copy that drifted.

/** The AWS managed policy a role needs before Lambda creates a function in a VPC. */
const VPC_ACCESS_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

function autoname(inputs: Inputs, resourceName: string, maxLength: number, type: string): string {
    if (inputs.name) {
        if (inputs.name.length > maxLength)
            throw new Error(`${type}: name "${inputs.name}" is longer than ${maxLength} characters`);
        return inputs.name;
    }
    const suffix = digest(`${type}/${resourceName}`, 7);
    return `${resourceName.slice(0, maxLength - 8)}-${suffix}`;
}

function decimalDigits(text: string, n: number): string {
    return BigInt("0x" + digest(text, 16))
        .toString()
        .padStart(n, "0")
        .slice(-n);
}

/** The SDK hands archives over with their fields as Promises, as in `pulumi.asset.FileArchive`. */
async function archiveHash(code: any): Promise<string> {
    const archivePath = await code?.path;
    const assets = await code?.assets;
    const h = crypto.createHash("sha256");
    const walk = (p: string) => {
        const st = fs.statSync(p);
        if (st.isDirectory()) for (const e of fs.readdirSync(p).sort()) walk(path.join(p, e));
        else h.update(p.split(path.sep).pop()!).update(fs.readFileSync(p));
    };
    if (archivePath && fs.existsSync(archivePath)) walk(archivePath);
    else if (assets)
        for (const [k, v] of Object.entries<any>(assets).sort())
            h.update(k).update(String((await v?.text) ?? (await v?.path) ?? ""));
    else throw new Error("aws:lambda/function: code: the archive does not exist");
    return h.digest("base64");
}

export class AwsSimulator {
    private readonly state: AwsState = {
        permissions: [],
        roles: new Map(),
        securityGroups: new Map(),
        functions: new Map(),
        listeners: new Map(),
        targetGroupOwners: new Map(),
    };

    constructor(private readonly world: SimWorld) {}

    private arn(service: string, resource: string, global = false): string {
        return `arn:aws:${service}:${global ? "" : this.world.region}:${this.world.accountId}:${resource}`;
    }

    /** One model per resource type the simulator knows; any other type is not AWS's to answer. */
    private readonly models: Record<
        string,
        (name: string, inputs: Inputs, type: string) => Created | Promise<Created>
    > = {
        "pulumi:providers:aws": (name, inputs) => this.createaws(name, inputs),
        "aws:iam/role:Role": (name, inputs, type) => this.createRole(name, inputs, type),
        "aws:iam/rolePolicy:RolePolicy": (name, inputs) => this.createRolePolicy(name, inputs),
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (name, inputs) =>
            this.createRolePolicyAttachment(name, inputs),
        "aws:cloudwatch/logGroup:LogGroup": (name, inputs, type) => this.createLogGroup(name, inputs, type),
        "aws:lambda/function:Function": (name, inputs) => this.lambdaFunction(name, inputs),
        "aws:lambda/permission:Permission": (name, inputs) => this.createPermission(name, inputs),
        "aws:ec2/securityGroup:SecurityGroup": (name, inputs, type) => this.createSecurityGroup(name, inputs, type),
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (name, inputs, type) =>
            this.createSecurityGroupIngressRule(name, inputs, type),
        "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (name, inputs, type) =>
            this.createSecurityGroupIngressRule(name, inputs, type),
        "aws:lb/loadBalancer:LoadBalancer": (name, inputs) => this.loadBalancer(name, inputs),
        "aws:lb/targetGroup:TargetGroup": (name, inputs, type) => this.createTargetGroup(name, inputs, type),
        "aws:lb/targetGroupAttachment:TargetGroupAttachment": (name, inputs) =>
            this.createTargetGroupAttachment(name, inputs),
        "aws:lb/listener:Listener": (name, inputs) => this.createListener(name, inputs),
        "aws:lb/listenerRule:ListenerRule": (name, inputs) => this.listenerRule(name, inputs),
        "aws:acm/certificate:Certificate": (name, inputs) => this.certificate(name, inputs),
    };

    newResource(type: string, name: string, inputs: Inputs): Created | undefined | Promise<Created> {
        // Tags as AWS and the provider take them: only where the type's arguments have a tags map, within AWS's rules.
        const refused = type.startsWith("aws:") && this.models[type] ? tagsRefusal(type, inputs) : undefined;
        if (refused) throw new Error(refused);
        return this.models[type]?.(name, inputs, type);
    }

    private createaws(name: string, inputs: Inputs): Created {
        return { id: digest(`provider/${name}`, 36), state: { ...inputs, region: inputs.region ?? this.world.region } };
    }

    private createRole(name: string, inputs: Inputs, type: string): Created {
        const roleName = autoname(inputs, name, 64, type);
        JSON.parse(inputs.assumeRolePolicy); // IAM rejects a malformed trust policy
        this.state.roles.set(roleName, { arn: this.arn("iam", `role/${roleName}`, true), policies: new Set() });
        return {
            id: roleName,
            state: {
                ...inputs,
                name: roleName,
                arn: this.arn("iam", `role/${roleName}`, true),
                uniqueId: "AROA" + digest(roleName, 17).toUpperCase(),
            },
        };
    }

    private createRolePolicy(name: string, inputs: Inputs): Created {
        const doc = JSON.parse(inputs.policy); // IAM rejects malformed policy documents
        if (!Array.isArray(doc.Statement) || doc.Statement.length === 0)
            throw new Error("aws:iam/rolePolicy: MalformedPolicyDocument: no statements");
        return {
            id: `${inputs.role}:${inputs.name ?? name}`,
            state: { ...inputs, name: inputs.name ?? `${name}-${digest(name, 7)}` },
        };
    }

    private createRolePolicyAttachment(_name: string, inputs: Inputs): Created {
        if (!/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/.+$/.test(String(inputs.policyArn)))
            throw new Error(`aws:iam/rolePolicyAttachment: InvalidInput: ARN ${inputs.policyArn} is not a policy ARN`);
        this.state.roles.get(inputs.role)?.policies.add(inputs.policyArn);
        return { id: `${inputs.role}-${digest(inputs.policyArn, 8)}`, state: inputs };
    }

    private createLogGroup(name: string, inputs: Inputs, type: string): Created {
        const lgName = autoname(inputs, name, 512, type);
        if (inputs.retentionInDays !== undefined && !LOG_RETENTION_DAYS.includes(inputs.retentionInDays)) {
            throw new Error(
                `aws:cloudwatch/logGroup: retention_in_days ${inputs.retentionInDays} is not one of ${LOG_RETENTION_DAYS.join(", ")}`,
            );
        }
        return { id: lgName, state: { ...inputs, name: lgName, arn: this.arn("logs", `log-group:${lgName}`) } };
    }

    /**
     * A function reference as Lambda reads it (a name or an ARN, maybe qualified), of this account and region:
     * a function created here or one the world already has. Throws ResourceNotFound otherwise.
     */
    private lambdaTarget(type: string, ref: string, qualifier?: string): { name: string; qualifier?: string } {
        const m = FUNCTION_ARN.exec(ref);
        const name = m ? m[4] : ref;
        if (m && (m[2] !== this.world.region || m[3] !== this.world.accountId))
            throw new Error(
                `${type}: ResourceNotFoundException: Function not found: ${ref} (the provider works in ${this.world.accountId}/${this.world.region})`,
            );
        if (m?.[5] !== undefined && qualifier !== undefined && m[5] !== qualifier)
            throw new Error(
                `${type}: InvalidParameterValueException: the qualifier ${qualifier} differs from the one in the function ARN (${m[5]})`,
            );
        const q = qualifier ?? m?.[5];
        const created = this.state.functions.get(name);
        const existing = this.world.lambdaFunctions?.[name];
        if (!created && !existing) throw new Error(`${type}: ResourceNotFoundException: Function not found: ${ref}`);
        if (q !== undefined && q !== "$LATEST") {
            // A created function here publishes no versions and has no aliases.
            const known = existing ? [...existing.versions, ...Object.keys(existing.aliases)] : [];
            if (!known.includes(q))
                throw new Error(`${type}: ResourceNotFoundException: Function not found: ${ref}:${q}`);
        }
        return { name, ...(q !== undefined ? { qualifier: q } : {}) };
    }

    private createPermission(name: string, inputs: Inputs): Created {
        const type = "aws:lambda/permission";
        if (inputs.qualifier === "$LATEST" || /:\$LATEST$/.test(String(inputs.function)))
            throw new Error(
                `${type}: InvalidParameterValueException: We currently do not support adding policies for $LATEST.`,
            );
        const fn = this.lambdaTarget(type, String(inputs.function), inputs.qualifier);
        const statementId = inputs.statementId ?? `terraform-${digest(name, 20)}`;
        this.state.permissions.push({
            functionName: fn.name,
            ...(fn.qualifier !== undefined ? { qualifier: fn.qualifier } : {}),
            principal: inputs.principal,
            sourceArn: inputs.sourceArn,
            action: inputs.action,
        });
        return { id: statementId, state: { ...inputs, statementId } };
    }

    private createSecurityGroup(name: string, inputs: Inputs, type: string): Created {
        const sgName = autoname(inputs, name, 255, type);
        const vpcId = inputs.vpcId ?? `vpc-default`;
        const id = `sg-${digest(`sg/${name}`, 17)}`;
        this.state.securityGroups.set(id, { vpcId });
        return {
            id,
            state: {
                ...inputs,
                name: sgName,
                vpcId,
                arn: this.arn("ec2", `security-group/${id}`),
                ownerId: this.world.accountId,
                egress: inputs.egress ?? [],
                ingress: inputs.ingress ?? [],
            },
        };
    }

    private createSecurityGroupIngressRule(name: string, inputs: Inputs, type: string): Created {
        const targets = ["cidrIpv4", "cidrIpv6", "referencedSecurityGroupId", "prefixListId"].filter(
            (k) => inputs[k] !== undefined,
        );
        if (targets.length !== 1)
            throw new Error(
                `${type}: exactly one of cidr_ipv4, cidr_ipv6, referenced_security_group_id, prefix_list_id is required (got ${targets.join(", ") || "none"})`,
            );
        const id = `sgr-${digest(`${type}/${name}`, 17)}`;
        return {
            id,
            state: { ...inputs, securityGroupRuleId: id, arn: this.arn("ec2", `security-group-rule/${id}`) },
        };
    }

    private createTargetGroup(name: string, inputs: Inputs, type: string): Created {
        const tgName = autoname(inputs, name, 32, type);
        if (
            inputs.targetType === "lambda" &&
            (inputs.port !== undefined || inputs.protocol !== undefined || inputs.vpcId !== undefined)
        ) {
            throw new Error("aws:lb/targetGroup: port, protocol and vpc_id must not be set when target_type is lambda");
        }
        const arnSuffix = `targetgroup/${tgName}/${digest(`tg/${name}`, 16)}`;
        return {
            id: this.arn("elasticloadbalancing", arnSuffix),
            state: {
                ...inputs,
                name: tgName,
                arn: this.arn("elasticloadbalancing", arnSuffix),
                arnSuffix,
                loadBalancerArns: [],
            },
        };
    }

    private createTargetGroupAttachment(_name: string, inputs: Inputs): Created {
        const type = "aws:lb/targetGroupAttachment";
        if (/^arn:[^:]+:lambda:/.test(String(inputs.targetId))) {
            if (!FUNCTION_ARN.test(String(inputs.targetId)))
                throw new Error(
                    `${type}: ValidationError: a Lambda target is registered by its function ARN, not ${inputs.targetId}`,
                );
            // An ALB invokes functions of its own account and region only.
            const fn = this.lambdaTarget(type, String(inputs.targetId));
            // ELB checks its invoke permission when the Lambda is registered (the race other IaC hits), for exactly
            // what it will invoke: an alias's or a version's permission is its own, not the function's.
            const allowed = this.state.permissions.some(
                (p) =>
                    p.functionName === fn.name &&
                    p.qualifier === fn.qualifier &&
                    p.principal === "elasticloadbalancing.amazonaws.com" &&
                    p.action === "lambda:InvokeFunction" &&
                    (p.sourceArn === undefined || p.sourceArn === inputs.targetGroupArn),
            );
            if (!allowed)
                throw new Error(
                    `${type}: AccessDenied: elasticloadbalancing principal does not have permission to invoke ${inputs.targetId} from target group ${inputs.targetGroupArn}`,
                );
        }
        return { id: `${inputs.targetGroupArn}-${digest(String(inputs.targetId), 12)}`, state: inputs };
    }

    private createListener(name: string, inputs: Inputs): Created {
        if (inputs.protocol === "HTTPS" && !inputs.certificateArn)
            throw new Error("aws:lb/listener: ValidationError: A certificate must be specified for HTTPS listeners");
        const lbArn: string = inputs.loadBalancerArn;
        const arn = lbArn.replace(":loadbalancer/", ":listener/") + "/" + digest(`listener/${name}`, 16);
        for (const a of inputs.defaultActions ?? [])
            if (a.targetGroupArn) this.bindTargetGroup(a.targetGroupArn, lbArn);
        this.state.listeners.set(arn, { loadBalancerArn: lbArn, priorities: new Map() });
        return {
            id: arn,
            state: {
                ...inputs,
                arn,
                sslPolicy:
                    inputs.protocol === "HTTPS" ? (inputs.sslPolicy ?? "ELBSecurityPolicy-2016-08") : inputs.sslPolicy,
            },
        };
    }

    private listenerRule(name: string, inputs: Inputs): Created {
        const listener = this.state.listeners.get(inputs.listenerArn);
        if (!listener) throw new Error(`aws:lb/listenerRule: ListenerNotFound: ${inputs.listenerArn}`);
        const priority = inputs.priority;
        if (!Number.isInteger(priority) || priority < 1 || priority > MAX_PRIORITY)
            throw new Error(`aws:lb/listenerRule: ValidationError: priority ${priority} is outside 1–${MAX_PRIORITY}`);
        const holder = listener.priorities.get(priority);
        if (holder !== undefined && holder !== name)
            throw new Error(`aws:lb/listenerRule: PriorityInUse: priority ${priority} is already used by ${holder}`);
        const rulesOnAlb = [...this.state.listeners.values()]
            .filter((l) => l.loadBalancerArn === listener.loadBalancerArn)
            .reduce((n, l) => n + l.priorities.size, 0);
        if (holder === undefined && rulesOnAlb >= RULES_PER_ALB)
            throw new Error(`aws:lb/listenerRule: TooManyRules: the load balancer already has ${RULES_PER_ALB} rules`);
        const conditions: any[] = inputs.conditions ?? [];
        if (conditions.length === 0)
            throw new Error("aws:lb/listenerRule: ValidationError: a rule needs at least one condition");
        for (const c of conditions) {
            for (const v of c.hostHeader?.values ?? []) {
                if (String(v).length > HOST_HEADER_VALUE_MAX)
                    throw new Error(
                        `aws:lb/listenerRule: ValidationError: host-header value "${v}" is longer than ${HOST_HEADER_VALUE_MAX} characters`,
                    );
            }
        }
        for (const a of inputs.actions ?? [])
            if (a.targetGroupArn) this.bindTargetGroup(a.targetGroupArn, listener.loadBalancerArn);
        listener.priorities.set(priority, name);
        const arn =
            String(inputs.listenerArn).replace(":listener/", ":listener-rule/") + "/" + digest(`rule/${name}`, 16);
        return { id: arn, state: { ...inputs, arn } };
    }

    /** A target group serves one load balancer; an ALB takes at most 100 of them. */
    private bindTargetGroup(targetGroupArn: string, loadBalancerArn: string): void {
        const owner = this.state.targetGroupOwners.get(targetGroupArn);
        if (owner !== undefined && owner !== loadBalancerArn)
            throw new Error(
                `aws:lb: ValidationError: target group ${targetGroupArn} is already used by load balancer ${owner}`,
            );
        const count = [...this.state.targetGroupOwners.values()].filter((o) => o === loadBalancerArn).length;
        if (owner === undefined && count >= TARGET_GROUPS_PER_ALB)
            throw new Error(
                `aws:lb: TooManyTargetGroups: load balancer ${loadBalancerArn} already has ${TARGET_GROUPS_PER_ALB} target groups`,
            );
        this.state.targetGroupOwners.set(targetGroupArn, loadBalancerArn);
    }

    private async lambdaFunction(name: string, inputs: Inputs): Promise<Created> {
        const fnName = autoname(inputs, name, 64, "aws:lambda/function");
        if (!LAMBDA_RUNTIMES.includes(inputs.runtime))
            throw new Error(
                `aws:lambda/function: InvalidParameterValueException: runtime ${inputs.runtime} is not supported`,
            );
        const memorySize = inputs.memorySize ?? 128;
        const mem = LAMBDA_MEMORY_MB;
        if (memorySize < mem.min || memorySize > mem.max)
            throw new Error(`aws:lambda/function: memory_size ${memorySize} is outside ${mem.min}–${mem.max} MB`);
        const timeout = inputs.timeout ?? 3;
        const t = LAMBDA_TIMEOUT_SECONDS;
        if (timeout < t.min || timeout > t.max)
            throw new Error(`aws:lambda/function: timeout ${timeout} is outside ${t.min}–${t.max} s`);
        if (!String(inputs.role).startsWith("arn:aws:iam::"))
            throw new Error("aws:lambda/function: role must be an IAM role ARN");
        this.checkFunctionSettings(inputs);
        const arn = this.arn("lambda", `function:${fnName}`);
        const state = {
            ...inputs,
            name: fnName,
            arn,
            memorySize,
            timeout,
            qualifiedArn: `${arn}:$LATEST`,
            invokeArn: `arn:aws:apigateway:${this.world.region}:lambda:path/2015-03-31/functions/${arn}/invocations`,
            version: "$LATEST",
            architectures: inputs.architectures ?? ["x86_64"],
            tracingConfig: inputs.tracingConfig ?? { mode: "PassThrough" },
            sourceCodeHash: await archiveHash(inputs.code),
            lastModified: this.world.clock.now().toISOString(),
        };
        this.state.functions.set(fnName, state);
        return { id: fnName, state };
    }

    /** What CreateFunction refuses in the settings beyond the code and its sizes. */
    private checkFunctionSettings(inputs: Inputs): void {
        const type = "aws:lambda/function: InvalidParameterValueException";
        const archs: unknown[] = inputs.architectures ?? [];
        const known = enumValues(LambdaArchitecture) as unknown[];
        if (archs.length > 1 || archs.some((a) => !known.includes(a)))
            throw new Error(`${type}: architectures must be one of ${known.join(", ")}, got ${JSON.stringify(archs)}`);
        const layers: string[] = inputs.layers ?? [];
        if (layers.length > MAX_LAMBDA_LAYERS)
            throw new Error(`${type}: a function takes at most ${MAX_LAMBDA_LAYERS} layers`);
        for (const l of layers) {
            const m = LAYER_VERSION_ARN.exec(l);
            if (!m) throw new Error(`${type}: ${l} is not a layer version ARN`);
            if (m[1] !== this.world.region)
                throw new Error(`${type}: layers must be in the function's region (${this.world.region}): ${l}`);
        }
        const vpc = inputs.vpcConfig;
        if (vpc) {
            const subnets: string[] = vpc.subnetIds ?? [];
            const groups: string[] = vpc.securityGroupIds ?? [];
            if (subnets.length > MAX_LAMBDA_VPC_SUBNETS || groups.length > MAX_LAMBDA_VPC_SECURITY_GROUPS)
                throw new Error(
                    `${type}: at most ${MAX_LAMBDA_VPC_SUBNETS} subnets and ${MAX_LAMBDA_VPC_SECURITY_GROUPS} security groups`,
                );
            const vpcs = new Set(
                subnets.map((id) => {
                    const s = this.world.subnets[id];
                    if (!s)
                        throw new Error(`${type}: Error occurred while DescribeSubnets. Subnet ${id} does not exist`);
                    return s.vpcId;
                }),
            );
            if (vpcs.size > 1) throw new Error(`${type}: the subnets must all be in one VPC`);
            // Lambda checks, when it creates the function, that its role may manage network interfaces.
            const roleName = String(inputs.role).split("/").pop()!;
            const role = this.state.roles.get(roleName);
            if (role && !role.policies.has(VPC_ACCESS_POLICY))
                throw new Error(
                    `${type}: The provided execution role does not have permissions to call CreateNetworkInterface on EC2`,
                );
        }
        const mode = inputs.tracingConfig?.mode;
        if (mode !== undefined && !(enumValues(TracingMode) as unknown[]).includes(mode))
            throw new Error(`${type}: tracing mode ${mode} is not one of ${enumValues(TracingMode).join(", ")}`);
        if (inputs.kmsKeyArn !== undefined && !KMS_KEY_ARN.test(inputs.kmsKeyArn))
            throw new Error(`${type}: ${inputs.kmsKeyArn} is not a KMS key ARN`);
        const reserved = inputs.reservedConcurrentExecutions;
        if (reserved !== undefined && (!Number.isInteger(reserved) || reserved < -1))
            throw new Error(`${type}: reserved concurrency ${reserved} is not -1 or a whole number`);
    }

    private loadBalancer(name: string, inputs: Inputs): Created {
        const lbName = autoname(inputs, name, 32, "aws:lb/loadBalancer");
        const type = inputs.loadBalancerType ?? "application";
        const subnetIds: string[] = inputs.subnets ?? [];
        const subnets = subnetIds.map((id) => {
            const s = this.world.subnets[id];
            if (!s) throw new Error(`aws:lb/loadBalancer: InvalidSubnet: The subnet ID '${id}' does not exist`);
            return s;
        });
        const zones = new Set(subnets.map((s) => s.availabilityZone));
        if (type === "application" && zones.size < 2)
            throw new Error(
                "aws:lb/loadBalancer: ValidationError: At least two subnets in two different Availability Zones must be specified",
            );
        const vpcIds = new Set(subnets.map((s) => s.vpcId));
        if (vpcIds.size !== 1)
            throw new Error("aws:lb/loadBalancer: InvalidConfigurationRequest: subnets must all belong to one VPC");
        const vpcId = [...vpcIds][0];
        for (const sg of inputs.securityGroups ?? []) {
            const known = this.state.securityGroups.get(sg);
            if (known && known.vpcId !== vpcId)
                throw new Error(
                    `aws:lb/loadBalancer: security group ${sg} is in ${known.vpcId}, not in the load balancer's VPC ${vpcId}`,
                );
        }
        const internal = Boolean(inputs.internal);
        const arnSuffix = `${type === "application" ? "app" : "net"}/${lbName}/${digest(`lb/${name}`, 16)}`;
        const dnsName = `${internal ? "internal-" : ""}${lbName}-${decimalDigits(`lb/${name}`, 10)}.${this.world.region}.elb.amazonaws.com`;
        return {
            id: this.arn("elasticloadbalancing", `loadbalancer/${arnSuffix}`),
            state: {
                ...inputs,
                name: lbName,
                internal,
                loadBalancerType: type,
                arn: this.arn("elasticloadbalancing", `loadbalancer/${arnSuffix}`),
                arnSuffix,
                dnsName,
                vpcId,
                zoneId: "Z32O12XQLNTSW2",
            },
        };
    }

    private certificate(name: string, inputs: Inputs): Created {
        const h = digest(`acm/${name}`, 32);
        const id = this.arn(
            "acm",
            `certificate/${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
        );
        if (inputs.certificateBody === undefined) {
            // An ACM-issued certificate: DNS validation pending until records exist.
            return {
                id,
                state: {
                    ...inputs,
                    arn: id,
                    type: "AMAZON_ISSUED",
                    status: "PENDING_VALIDATION",
                    subjectAlternativeNames: [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])],
                },
            };
        }
        const cert = new crypto.X509Certificate(inputs.certificateBody);
        const key = crypto.createPrivateKey(inputs.privateKey);
        if (!cert.checkPrivateKey(key))
            throw new Error(
                "aws:acm/certificate: ValidationException: The certificate and the private key do not match",
            );
        if (inputs.certificateChain) {
            const issuer = new crypto.X509Certificate(inputs.certificateChain);
            if (!cert.verify(issuer.publicKey))
                throw new Error(
                    "aws:acm/certificate: ValidationException: The certificate chain does not sign the certificate",
                );
        }
        const sans = (cert.subjectAltName ?? "")
            .split(", ")
            .filter((s) => s.startsWith("DNS:"))
            .map((s) => s.slice(4));
        const cn = /CN=([^\n]+)/.exec(cert.subject)?.[1];
        const keyAlgorithm =
            key.asymmetricKeyType === "ec"
                ? `EC_${key.asymmetricKeyDetails?.namedCurve}`
                : `RSA_${key.asymmetricKeyDetails?.modulusLength}`;
        return {
            id,
            state: {
                ...inputs,
                arn: id,
                type: "IMPORTED",
                status: "ISSUED",
                domainName: cn ?? sans[0],
                subjectAlternativeNames: sans,
                notBefore: new Date(cert.validFrom).toISOString(),
                notAfter: new Date(cert.validTo).toISOString(),
                keyAlgorithm,
            },
        };
    }

    call(token: string, inputs: Inputs): Inputs | undefined {
        switch (token) {
            case "aws:index/getRegion:getRegion":
                return {
                    name: this.world.region,
                    region: this.world.region,
                    id: this.world.region,
                    endpoint: `ec2.${this.world.region}.amazonaws.com`,
                    description: this.world.region,
                };
            case "aws:index/getCallerIdentity:getCallerIdentity":
                return {
                    accountId: this.world.accountId,
                    arn: `arn:aws:iam::${this.world.accountId}:user/ci`,
                    userId: "AIDA" + digest("ci", 17).toUpperCase(),
                    id: this.world.accountId,
                };
            case "aws:index/getPartition:getPartition":
                return { partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws", id: "aws" };
            case "aws:eks/getCluster:getCluster":
                return this.eksCluster(inputs.name);
            case "aws:ec2/getSubnets:getSubnets":
                return this.subnets(inputs);
            default:
                return undefined;
        }
    }

    private eksCluster(name: string): Inputs {
        const c = this.world.eksClusters[name];
        if (!c) throw new Error(`aws:eks/getCluster: reading EKS Cluster (${name}): couldn't find resource`);
        const host = digest(`eks/${name}`, 32).toUpperCase();
        return {
            id: name,
            name,
            clusterId: digest(`eks-id/${name}`, 36),
            arn: this.arn("eks", `cluster/${name}`),
            endpoint: `https://${host}.gr7.${this.world.region}.eks.amazonaws.com`,
            certificateAuthorities: [
                {
                    data: Buffer.from(
                        `-----BEGIN CERTIFICATE-----\n(eks ${name} CA)\n-----END CERTIFICATE-----\n`,
                    ).toString("base64"),
                },
            ],
            version: c.version,
            platformVersion: "eks.12",
            status: "ACTIVE",
            region: this.world.region,
            roleArn: this.arn("iam", `role/${name}-cluster-role`, true),
            identities: [{ oidcs: [{ issuer: `https://oidc.eks.${this.world.region}.amazonaws.com/id/${host}` }] }],
            vpcConfig: {
                vpcId: c.vpcId,
                subnetIds: c.subnetIds,
                clusterSecurityGroupId: c.clusterSecurityGroupId,
                securityGroupIds: [],
                endpointPrivateAccess: true,
                endpointPublicAccess: true,
                publicAccessCidrs: ["0.0.0.0/0"],
            },
            tags: {},
        };
    }

    /** ec2.getSubnets: `vpc-id`, `subnet-id`, `availability-zone` and `tag:<key>` filters, plus tags. */
    private subnets(inputs: Inputs): Inputs {
        const filters: { name: string; values: string[] }[] = inputs.filters ?? [];
        const tags: Record<string, string> = inputs.tags ?? {};
        const ids = Object.entries(this.world.subnets)
            .filter(
                ([id, s]) =>
                    filters.every((f) => {
                        if (f.name === "vpc-id") return f.values.includes(s.vpcId);
                        if (f.name === "subnet-id") return f.values.includes(id);
                        if (f.name === "availability-zone") return f.values.includes(s.availabilityZone);
                        if (f.name.startsWith("tag:")) return f.values.includes(s.tags[f.name.slice(4)]);
                        throw new Error(`aws:ec2/getSubnets: filter ${f.name} is not modelled by the simulator`);
                    }) && Object.entries(tags).every(([k, v]) => s.tags[k] === v),
            )
            .map(([id]) => id)
            .sort();
        return { ids, id: this.world.region, region: this.world.region, filters, tags };
    }
}
