// LambdaAlb under the provider simulator: what it creates in AWS, in which order, and whether the
// certificate it serves is one the EKS gateway can verify (a real TLS handshake).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { RecordedResource, plainMatches, settle, startSimulation, unsecret, valueOf } from "../tools/simulator";
import { handshake } from "./support/handshake";

const sim = startSimulation();
const lab5 = sim.world.eksClusters["eks-lab5"];
const privateSubnets = Object.entries(sim.world.subnets)
    .filter(([, s]) => s.vpcId === lab5.vpcId && s.tags["kubernetes.io/role/internal-elb"] === "1")
    .map(([id]) => id)
    .sort();

async function deploy(name: string, args: Record<string, unknown> = {}) {
    const { LambdaAlb } = await import("../components/lambda-alb");
    const component = new LambdaAlb(name, { eksClusterName: "eks-lab5", ...args });
    await valueOf(component.hostname);
    await settle();
    const mine = (type: string) => sim.graph.ofType(type).filter((r) => r.name.startsWith(`${name}-`));
    const one = (type: string, suffix: string) => sim.graph.one(type, `${name}-${suffix}`);
    return { component, mine, one };
}

const input = (r: RecordedResource, key: string) => unsecret(r.rawInputs[key]);

test("the ALB is internal, in the cluster VPC's private subnets, reachable on 443 only from the cluster SG", async () => {
    const { one, mine } = await deploy("seed");
    const alb = one("aws:lb/loadBalancer:LoadBalancer", "alb");
    assert.equal(input(alb, "internal"), true);
    assert.equal(input(alb, "loadBalancerType"), "application");
    assert.deepEqual(input(alb, "subnets"), privateSubnets);
    const sg = one("aws:ec2/securityGroup:SecurityGroup", "alb-sg");
    assert.equal(input(sg, "vpcId"), lab5.vpcId);
    assert.deepEqual(input(alb, "securityGroups"), [sg.id], "the ALB uses only the component's SG");
    assert.equal(input(sg, "ingress") ?? undefined, undefined, "no inline rules that could admit more");
    const rules = mine("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    assert.equal(rules.length, 1, "exactly one ingress rule");
    assert.equal(input(rules[0], "referencedSecurityGroupId"), lab5.clusterSecurityGroupId);
    assert.equal(input(rules[0], "fromPort"), 443);
    assert.equal(input(rules[0], "toPort"), 443);
    assert.equal(input(rules[0], "cidrIpv4"), undefined);
    assert.equal(mine("aws:lb/listener:Listener").length, 1, "no HTTP listener by default");
});

test("the target attachment waits for the ELB invoke permission, which is scoped to the target group", async () => {
    const { one } = await deploy("perm");
    const attachment = one("aws:lb/targetGroupAttachment:TargetGroupAttachment", "target");
    const permission = one("aws:lambda/permission:Permission", "allow-alb");
    const targetGroup = one("aws:lb/targetGroup:TargetGroup", "tg");
    const fn = one("aws:lambda/function:Function", "fn");
    assert.ok(sim.graph.waitsFor(attachment, permission), "attachment after permission");
    assert.equal(input(permission, "principal"), "elasticloadbalancing.amazonaws.com");
    assert.equal(input(permission, "action"), "lambda:InvokeFunction");
    assert.deepEqual(permission.propertyDependencies.sourceArn, [targetGroup.urn]);
    assert.equal(input(permission, "sourceArn"), targetGroup.state?.arn);
    assert.equal(input(targetGroup, "targetType"), "lambda");
    assert.equal(input(attachment, "targetId"), fn.state?.arn);
});

test("the default function is the seed's handler with basic, log-group-scoped execution rights", async () => {
    const { one } = await deploy("fn");
    const fn = one("aws:lambda/function:Function", "fn");
    assert.equal((input(fn, "code") as any).path, path.join(__dirname, "..", "components", "lambda-alb", "handler"));
    assert.equal(input(fn, "handler"), "index.lambda_handler");
    assert.equal(input(fn, "runtime"), "python3.13");
    const logs = one("aws:cloudwatch/logGroup:LogGroup", "logs");
    assert.equal(input(logs, "retentionInDays"), 14);
    assert.deepEqual(input(fn, "loggingConfig"), { logFormat: "Text", logGroup: logs.state?.name });
    const policy = JSON.parse(input(one("aws:iam/rolePolicy:RolePolicy", "logs"), "policy") as string);
    assert.deepEqual(policy.Statement, [
        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logs.state?.arn}:*` },
    ]);
    const trust = JSON.parse(input(one("aws:iam/role:Role", "role"), "assumeRolePolicy") as string);
    assert.deepEqual(trust.Statement[0].Principal, { Service: "lambda.amazonaws.com" });
});

test("the self-issued certificate chain wires into the HTTPS listener", async () => {
    const { one, component } = await deploy("chain");
    const alb = one("aws:lb/loadBalancer:LoadBalancer", "alb");
    const csr = one("tls:index/certRequest:CertRequest", "alb-tls-csr");
    const cert = one("tls:index/locallySignedCert:LocallySignedCert", "alb-tls-cert");
    const acm = one("aws:acm/certificate:Certificate", "alb-tls-acm");
    const listener = one("aws:lb/listener:Listener", "https");
    assert.deepEqual(csr.propertyDependencies.dnsNames, [alb.urn], "CSR names the ALB's DNS name");
    assert.deepEqual(cert.propertyDependencies.certRequestPem, [csr.urn]);
    assert.ok(acm.propertyDependencies.certificateBody.includes(cert.urn));
    assert.deepEqual(listener.propertyDependencies.certificateArn, [acm.urn]);
    assert.equal(input(listener, "certificateArn"), acm.state?.arn);
    assert.equal(input(listener, "protocol"), "HTTPS");
    assert.equal(input(listener, "port"), 443);
    assert.match(input(listener, "sslPolicy") as string, /^ELBSecurityPolicy-TLS13/);
    assert.equal(await valueOf(component.certificateArn), acm.state?.arn);
    assert.match(await valueOf(component.hostname), /^internal-.*\.eu-west-1\.elb\.amazonaws\.com$/);
    assert.equal(await valueOf(component.hostname), await valueOf(component.albDnsName));
});

test("the certificate imported into ACM verifies with the exposed CA and the ALB hostname (node:tls)", async () => {
    const { one, component } = await deploy("tls");
    const acm = one("aws:acm/certificate:Certificate", "alb-tls-acm");
    const served = { cert: input(acm, "certificateBody") as string, key: input(acm, "privateKey") as string };
    const caPem = (await valueOf(component.caPem))!;
    const hostname = await valueOf(component.hostname);
    assert.deepEqual(await handshake(served, { ca: caPem, servername: hostname }), {
        ok: true,
        peerSubjectAltName: undefined,
    });
    const wrongName = await handshake(served, { ca: caPem, servername: "lambda.external" });
    assert.equal(wrongName.ok, false);
    assert.match(wrongName.error ?? "", /Hostname\/IP does not match certificate's altnames/);
    const untrusted = await handshake(served, {
        ca: (await valueOf((await deploy("tls-other")).component.caPem))!,
        servername: hostname,
    });
    assert.equal(untrusted.ok, false, "a CA from another deployment is not trusted");
});

test("the private keys stay secret: ACM import input and component outputs", async () => {
    const { one } = await deploy("secrets");
    const acm = one("aws:acm/certificate:Certificate", "alb-tls-acm");
    assert.deepEqual(plainMatches(acm.rawInputs, /PRIVATE KEY/), []);
    assert.match(JSON.stringify(unsecret(acm.rawInputs)), /PRIVATE KEY/, "the key is there, as a secret");
    const component = sim.graph.one("crossmesh:index:LambdaAlb", "secrets");
    assert.ok(component.rawOutputs, "outputs registered");
    assert.deepEqual(plainMatches(component.rawOutputs, /PRIVATE KEY/), []);
    assert.match(String(unsecret(component.rawOutputs!.caPem)), /BEGIN CERTIFICATE/);
});

test("a user certificate and domain replace the self-issued chain", async () => {
    const certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/0b8c1f3e-1234-4cde-9abc-0123456789ab";
    const { component, mine, one } = await deploy("byo", { certificateArn, domainName: "alb.internal.example.com" });
    assert.equal(mine("tls:index/privateKey:PrivateKey").length, 0);
    assert.equal(mine("aws:acm/certificate:Certificate").length, 0);
    assert.equal(input(one("aws:lb/listener:Listener", "https"), "certificateArn"), certificateArn);
    assert.equal(await valueOf(component.hostname), "alb.internal.example.com");
    assert.equal(await valueOf(component.caPem), undefined);
});

test("httpListener=redirect adds port 80 as a redirect to HTTPS, open to the same sources", async () => {
    const { mine, one } = await deploy("redirect", { httpListener: "redirect", allowedCidrs: ["10.20.0.0/16"] });
    const http = one("aws:lb/listener:Listener", "http");
    assert.equal(input(http, "protocol"), "HTTP");
    assert.deepEqual((input(http, "defaultActions") as any[])[0], {
        type: "redirect",
        redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
    });
    const rules = mine("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        .map((r) => `${input(r, "fromPort")} ${input(r, "referencedSecurityGroupId") ?? input(r, "cidrIpv4")}`)
        .sort();
    assert.deepEqual(
        rules,
        [
            `443 10.20.0.0/16`,
            `443 ${lab5.clusterSecurityGroupId}`,
            `80 10.20.0.0/16`,
            `80 ${lab5.clusterSecurityGroupId}`,
        ].sort(),
    );
});

test("explicit VPC and subnets skip the EKS look-up", async () => {
    const before = sim.graph.invokes.length;
    const { LambdaAlb } = await import("../components/lambda-alb");
    const c = new LambdaAlb("explicit", {
        vpcId: lab5.vpcId,
        subnetIds: privateSubnets.slice(0, 2),
        allowedSecurityGroupIds: ["sg-0123456789abcdef0"],
    });
    await valueOf(c.hostname);
    await settle();
    assert.equal(sim.graph.invokes.slice(before).length, 0, "no invokes");
    const alb = sim.graph.one("aws:lb/loadBalancer:LoadBalancer", "explicit-alb");
    assert.deepEqual(input(alb, "subnets"), privateSubnets.slice(0, 2));
    const rule = sim.graph.one("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", (n) =>
        n.startsWith("explicit-"),
    );
    assert.equal(input(rule, "referencedSecurityGroupId"), "sg-0123456789abcdef0");
});
