// AwsEgress builders without Pulumi: the endpoint table per region and partition, and the Istio
// objects per mode, checked field by field and against Istio's published CRD schemas.
import { AwsService, enumValues } from "../components/common/types";
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { AwsEndpoint, IMDS, partitionOf, resolveEndpoints } from "../components/aws-egress/endpoints";
import { appUrl, buildAwsEgressObjects, sdkEnvironment } from "../components/aws-egress/objects";
import { dnsLabel } from "../components/common/names";
import { validateIstioObject } from "./support/istio-schema";

const opts = (mode: string) => ({ namePrefix: "aws", namespace: "apps", exportTo: ["apps", "batch"], mode });
const specOf = (o: { spec?: unknown }) => o.spec as any;

// Region → the host each named service must resolve to (the SDKs' plain regional endpoints).
const EXPECTED: Record<string, Record<string, string>> = {
    "us-east-1": {
        dynamodb: "dynamodb.us-east-1.amazonaws.com",
        sts: "sts.us-east-1.amazonaws.com",
        s3: "s3.us-east-1.amazonaws.com",
        sqs: "sqs.us-east-1.amazonaws.com",
        "ecr.api": "api.ecr.us-east-1.amazonaws.com",
        logs: "logs.us-east-1.amazonaws.com",
    },
    "eu-west-1": {
        dynamodb: "dynamodb.eu-west-1.amazonaws.com",
        sts: "sts.eu-west-1.amazonaws.com",
        s3: "s3.eu-west-1.amazonaws.com",
        sqs: "sqs.eu-west-1.amazonaws.com",
        "ecr.api": "api.ecr.eu-west-1.amazonaws.com",
        logs: "logs.eu-west-1.amazonaws.com",
    },
    "cn-north-1": {
        dynamodb: "dynamodb.cn-north-1.amazonaws.com.cn",
        sts: "sts.cn-north-1.amazonaws.com.cn",
        s3: "s3.cn-north-1.amazonaws.com.cn",
        sqs: "sqs.cn-north-1.amazonaws.com.cn",
        "ecr.api": "api.ecr.cn-north-1.amazonaws.com.cn",
        logs: "logs.cn-north-1.amazonaws.com.cn",
    },
    "us-gov-west-1": {
        dynamodb: "dynamodb.us-gov-west-1.amazonaws.com",
        sts: "sts.us-gov-west-1.amazonaws.com",
        s3: "s3.us-gov-west-1.amazonaws.com",
        sqs: "sqs.us-gov-west-1.amazonaws.com",
        "ecr.api": "api.ecr.us-gov-west-1.amazonaws.com",
        logs: "logs.us-gov-west-1.amazonaws.com",
    },
};

test("regions map to their partition's DNS suffix; malformed and isolated regions do not", () => {
    assert.deepEqual(partitionOf("us-east-1"), { id: "aws", dnsSuffix: "amazonaws.com" });
    assert.deepEqual(partitionOf("eu-west-3"), { id: "aws", dnsSuffix: "amazonaws.com" });
    assert.deepEqual(partitionOf("ap-southeast-7"), { id: "aws", dnsSuffix: "amazonaws.com" });
    assert.deepEqual(partitionOf("cn-northwest-1"), { id: "aws-cn", dnsSuffix: "amazonaws.com.cn" });
    assert.deepEqual(partitionOf("us-gov-east-1"), { id: "aws-us-gov", dnsSuffix: "amazonaws.com" });
    for (const bad of [
        "us-east1",
        "US-EAST-1",
        "useast-1",
        "us-east-0",
        "mars-north-1",
        "us-iso-east-1",
        "eusc-de-east-1",
        "",
    ]) {
        assert.equal(typeof partitionOf(bad), "string", `${bad} is refused`);
    }
    assert.match(partitionOf("europe-west1") as string, /Google Cloud region/);
});

test("named services resolve to the regional endpoint of each region and partition", () => {
    for (const [region, hosts] of Object.entries(EXPECTED)) {
        const table = resolveEndpoints(region, Object.keys(hosts) as AwsService[], [], false);
        assert.deepEqual(
            table.map((e) => [e.key, e.host, e.port, e.protocol]),
            Object.entries(hosts).map(([k, h]) => [k, h, 443, "HTTPS"]),
            region,
        );
    }
    assert.equal(resolveEndpoints("us-east-1", ["sts-global"], [], false)[0].host, "sts.amazonaws.com");
    // Every table entry yields a concrete FQDN under the partition suffix (no wildcard can slip in).
    for (const name of enumValues(AwsService).filter((n) => n !== "sts-global")) {
        const [e] = resolveEndpoints("cn-north-1", [name], [], false);
        assert.match(e.host, /^[a-z0-9.-]+\.cn-north-1\.amazonaws\.com\.cn$/, name);
    }
});

test("passthrough: one ServiceEntry per endpoint, port 443 TLS (SNI-routed), DNS, MESH_EXTERNAL, no DestinationRule", () => {
    for (const [region, hosts] of Object.entries(EXPECTED)) {
        const objects = buildAwsEgressObjects(
            resolveEndpoints(region, Object.keys(hosts) as AwsService[], [], false),
            opts("passthrough"),
        );
        assert.deepEqual(
            objects.map((o) => o.kind),
            Object.keys(hosts).map(() => "ServiceEntry"),
            `${region}: only ServiceEntries`,
        );
        objects.forEach((o, i) => {
            const host = Object.values(hosts)[i];
            assert.equal(validateIstioObject(o), "networking.istio.io/ServiceEntry");
            assert.equal(o.apiVersion, "networking.istio.io/v1");
            assert.equal(o.metadata.namespace, "apps");
            assert.deepEqual(
                specOf(o),
                {
                    hosts: [host],
                    ports: [{ number: 443, name: "tls-443", protocol: "TLS" }],
                    location: "MESH_EXTERNAL",
                    resolution: "DNS",
                    exportTo: ["apps", "batch"],
                },
                `${region} ${host}`,
            );
        });
    }
});

test("originate: the app's port 443 is HTTP and a DestinationRule originates TLS there with SNI and SAN verification", () => {
    for (const [region, hosts] of Object.entries(EXPECTED)) {
        const objects = buildAwsEgressObjects(
            resolveEndpoints(region, Object.keys(hosts) as AwsService[], [], false),
            opts("originate"),
        );
        assert.equal(objects.length, 2 * Object.keys(hosts).length, region);
        Object.entries(hosts).forEach(([service, host], i) => {
            const [se, dr] = [objects[2 * i], objects[2 * i + 1]];
            for (const o of [se, dr]) validateIstioObject(o);
            assert.equal(se.kind, "ServiceEntry");
            assert.deepEqual(specOf(se).hosts, [host]);
            assert.deepEqual(
                specOf(se).ports,
                [{ number: 443, name: "http-443", protocol: "HTTP" }],
                `${host}: HTTP on 443 (the fail-closed port), no targetPort`,
            );
            assert.equal(specOf(se).resolution, "DNS");
            assert.equal(specOf(se).location, "MESH_EXTERNAL");
            assert.equal(dr.kind, "DestinationRule");
            assert.equal(dr.metadata.name, se.metadata.name, "the pair shares a name");
            assert.equal(dr.metadata.name, dnsLabel(`aws-${service}`));
            assert.deepEqual(
                specOf(dr),
                {
                    host,
                    exportTo: ["apps", "batch"],
                    trafficPolicy: {
                        portLevelSettings: [
                            {
                                port: { number: 443 },
                                tls: { mode: "SIMPLE", sni: host, subjectAltNames: [host], insecureSkipVerify: false },
                            },
                        ],
                    },
                },
                `${region} ${host}`,
            );
            assert.equal(
                specOf(dr).trafficPolicy.portLevelSettings[0].tls.caCertificates,
                undefined,
                "system CA bundle",
            );
        });
    }
});

test("IMDS is plain HTTP on port 80 by address (STATIC), in both modes, and never gets a DestinationRule", () => {
    for (const mode of ["passthrough", "originate"]) {
        const objects = buildAwsEgressObjects(resolveEndpoints(undefined, [], [], true), opts(mode));
        assert.equal(objects.length, 1, mode);
        validateIstioObject(objects[0]);
        assert.deepEqual(specOf(objects[0]), {
            hosts: ["instance-data.ec2.internal"],
            addresses: ["169.254.169.254"],
            ports: [{ number: 80, name: "http-80", protocol: "HTTP" }],
            resolution: "STATIC",
            endpoints: [{ address: "169.254.169.254" }],
            location: "MESH_EXTERNAL",
            exportTo: ["apps", "batch"],
        });
        const [imds] = resolveEndpoints(undefined, [], [], true);
        assert.equal(appUrl(imds, mode), "http://169.254.169.254");
    }
});

test("extra hosts keep their own port; plain-HTTP hosts are never originated", () => {
    const table = resolveEndpoints(
        undefined,
        [],
        [
            { host: "textract.eu-west-1.amazonaws.com", port: 443, protocol: "HTTPS" },
            { host: "api.partner.example", port: 8443, protocol: "HTTPS" },
            { host: "mirror.partner.example", port: 80, protocol: "HTTP" },
        ],
        false,
    );
    const originate = buildAwsEgressObjects(table, opts("originate"));
    originate.forEach((o) => validateIstioObject(o));
    assert.deepEqual(
        originate.map((o) => `${o.kind}/${o.metadata.name}`),
        [
            "ServiceEntry/aws-textract-eu-west-1-amazonaws-com",
            "DestinationRule/aws-textract-eu-west-1-amazonaws-com",
            "ServiceEntry/aws-api-partner-example",
            "DestinationRule/aws-api-partner-example",
            "ServiceEntry/aws-mirror-partner-example",
        ],
    );
    assert.deepEqual(specOf(originate[2]).ports, [{ number: 8443, name: "http-8443", protocol: "HTTP" }]);
    assert.deepEqual(specOf(originate[3]).trafficPolicy.portLevelSettings[0].port, { number: 8443 });
    assert.equal(specOf(originate[3]).trafficPolicy.portLevelSettings[0].tls.sni, "api.partner.example");
    assert.deepEqual(specOf(originate[4]).ports, [{ number: 80, name: "http-80", protocol: "HTTP" }]);
    const passthrough = buildAwsEgressObjects(table, opts("passthrough"));
    assert.deepEqual(
        passthrough.map((o) => specOf(o).ports[0]),
        [
            { number: 443, name: "tls-443", protocol: "TLS" },
            { number: 8443, name: "tls-8443", protocol: "TLS" },
            { number: 80, name: "http-80", protocol: "HTTP" },
        ],
    );
    assert.deepEqual(
        table.map((e) => appUrl(e, "originate")),
        [
            "http://textract.eu-west-1.amazonaws.com:443",
            "http://api.partner.example:8443",
            "http://mirror.partner.example",
        ],
    );
    assert.deepEqual(
        table.map((e) => appUrl(e, "passthrough")),
        [
            "https://textract.eu-west-1.amazonaws.com",
            "https://api.partner.example:8443",
            "http://mirror.partner.example",
        ],
    );
});

test("SDK environment pins each service to its endpoint: http://…:443 when originating, https:// when passing through", () => {
    const table = resolveEndpoints("eu-west-1", ["dynamodb", "sts", "sts-global"], [], true);
    assert.deepEqual(sdkEnvironment(table, "originate"), {
        AWS_ENDPOINT_URL_DYNAMODB: "http://dynamodb.eu-west-1.amazonaws.com:443",
        AWS_ENDPOINT_URL_STS: "http://sts.eu-west-1.amazonaws.com:443", // regional wins over sts-global
        AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://169.254.169.254",
    });
    assert.deepEqual(sdkEnvironment(table, "passthrough"), {
        AWS_ENDPOINT_URL_DYNAMODB: "https://dynamodb.eu-west-1.amazonaws.com",
        AWS_ENDPOINT_URL_STS: "https://sts.eu-west-1.amazonaws.com",
        AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://169.254.169.254",
    });
    assert.equal(IMDS.port, 80);
});

test("the schema check bites: a wrong enum or type in what the builders emit is rejected", () => {
    const [se] = buildAwsEgressObjects(
        [{ key: "k", host: "dynamodb.us-east-1.amazonaws.com", port: 443, protocol: "HTTPS" } as AwsEndpoint],
        opts("originate"),
    );
    assert.throws(() => validateIstioObject({ ...se, spec: { ...specOf(se), resolution: "DNSX" } }));
    assert.throws(() =>
        validateIstioObject({ ...se, spec: { ...specOf(se), hosts: "dynamodb.us-east-1.amazonaws.com" } }),
    );
});

test("object names are DNS labels, unique for long hosts", () => {
    const long = "a".repeat(50) + ".example.com";
    const label = dnsLabel(`aws-${long}`);
    assert.ok(label.length <= 63 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label), label);
    assert.notEqual(dnsLabel(`aws-${long}`), dnsLabel(`aws-${long}x`));
});

test("every object carries crossmesh's managed-by label and the component's own, so `kubectl get -l` finds them for cleanup", () => {
    for (const mode of ["passthrough", "originate"]) {
        const objects = buildAwsEgressObjects(resolveEndpoints("eu-west-1", ["sts", "s3"], [], true), opts(mode));
        for (const o of objects) {
            assert.deepEqual(
                o.metadata.labels,
                { "app.kubernetes.io/managed-by": "crossmesh", "crossmesh.io/aws-egress": "aws" },
                `${mode}: ${o.kind}/${o.metadata.name}`,
            );
        }
    }
});
