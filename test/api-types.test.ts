// The public types say what the checks say: a misspelt enum value or an Output where a plain value is
// required does not compile. Each case is a small program against the package's public API, type-checked
// with the TypeScript compiler (the same options as the repository's); a case passes when the compiler
// refuses it at the named field. The first case is the control: the same programs, correct, compile clean.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as ts from "typescript";
import { sharedCompilerHost } from "./support/typescript";

const ROOT = path.join(__dirname, "..");

/** The imports every case shares, and a plain body that compiles. */
const PRELUDE = `
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AwsEgress, CrossMeshLink, IstioInstall, LinkPki } from "./components";
declare const provider: k8s.Provider;
`;

const CASES: { name: string; body: string; refused?: RegExp }[] = [
    {
        name: "control: correct programs compile",
        body: `
new AwsEgress("a", { namespace: "app", region: "eu-west-1", awsServices: ["dynamodb", "sts"], mode: "originate",
    extraHosts: [{ host: "textract.eu-west-1.amazonaws.com", protocol: "HTTPS" }], exportTo: pulumi.output(["."]) }, { provider });
new IstioInstall("i", { gatewayRole: "egress", adoptExisting: false }, { provider });
new LinkPki("p", { exportedHosts: pulumi.output(["lambda.external"]), keyAlgorithm: "RSA", rsaBits: 3072 });
new CrossMeshLink("l", { eksProvider: provider, gkeProvider: provider, eksClusterName: "eks",
    services: [{ host: "lambda.external", lambda: {}, allowedSources: [{ namespace: "sleep" }] }],
    eksAwsEgress: { awsServices: ["sqs"], mode: "passthrough" }, awsRegion: "eu-west-1" });
`,
    },
    {
        name: "AwsEgress mode misspelt",
        body: `new AwsEgress("a", { namespace: "app", imds: true, mode: "Originate" }, { provider });`,
        refused: /"Originate".*AwsEgressMode/,
    },
    {
        name: "AwsEgress unknown service name",
        body: `new AwsEgress("a", { namespace: "app", region: "eu-west-1", awsServices: ["dynamo"] }, { provider });`,
        refused: /"dynamo".*AwsService/,
    },
    {
        name: "AwsEgress extra host protocol in lower case",
        body: `new AwsEgress("a", { namespace: "app", extraHosts: [{ host: "x.example.com", protocol: "https" }] }, { provider });`,
        refused: /"https".*EndpointProtocol/,
    },
    {
        name: "AwsEgress services as an Output (they decide which objects exist)",
        body: `new AwsEgress("a", { namespace: "app", region: "eu-west-1", awsServices: pulumi.output(["sts" as const]) }, { provider });`,
        refused: /Output<.*is not assignable to type 'AwsService\[\]/s,
    },
    {
        name: "AwsEgress namespace as an Output",
        body: `new AwsEgress("a", { namespace: pulumi.output("app"), imds: true }, { provider });`,
        refused: /Output(Instance)?<string>.*is not assignable to type 'string/s,
    },
    {
        name: "IstioInstall gatewayRole as an Output",
        body: `new IstioInstall("i", { gatewayRole: pulumi.output("ingress" as const) }, { provider });`,
        refused: /Output(Instance)?<"ingress">.*is not assignable to type 'GatewayRole'/s,
    },
    {
        name: "IstioInstall adoptExisting as an Output",
        body: `new IstioInstall("i", { gatewayRole: "ingress", adoptExisting: pulumi.output(true) }, { provider });`,
        refused: /Output(Instance)?<boolean>.*is not assignable to type 'boolean/s,
    },
    {
        name: "IstioInstall gatewayRole misspelt",
        body: `new IstioInstall("i", { gatewayRole: "Ingress" }, { provider });`,
        refused: /"Ingress".*GatewayRole/,
    },
    {
        name: "LinkPki key algorithm misspelt",
        body: `new LinkPki("p", { exportedHosts: ["a.external"], keyAlgorithm: "ecdsa" });`,
        refused: /"ecdsa".*KeyAlgorithm/,
    },
    {
        name: "CrossMeshLink 0.x field eksIstio (renamed eksExistingGateway)",
        body: `new CrossMeshLink("l", { eksProvider: provider, gkeProvider: provider, eksClusterName: "eks", services: [],
    eksIstio: { namespace: "istio-ingress", selectorLabels: {}, serviceName: "gw", serviceAccount: "gw" } });`,
        refused: /'eksIstio' does not exist in type 'CrossMeshLinkArgs'/,
    },
    {
        name: "CrossMeshLink eksAwsEgress mode misspelt",
        body: `new CrossMeshLink("l", { eksProvider: provider, gkeProvider: provider, eksClusterName: "eks", services: [],
    awsRegion: "eu-west-1", eksAwsEgress: { awsServices: ["sts"], mode: "origin" } });`,
        refused: /"origin".*AwsEgressMode/,
    },
];

/** Type-checks every case in one compiler program (one file per case); returns each file's errors. */
function compile(): Map<string, string[]> {
    const parsed = ts.getParsedCommandLineOfConfigFile(
        path.join(ROOT, "tsconfig.json"),
        {},
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (d) =>
                assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n")),
        },
    )!;
    const files = new Map(CASES.map((c, i) => [path.join(ROOT, `__api_case_${i}.ts`), PRELUDE + c.body]));
    const host = sharedCompilerHost(parsed.options);
    const read = host.readFile.bind(host);
    host.readFile = (f) => files.get(path.resolve(f)) ?? read(f);
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => files.has(path.resolve(f)) || exists(f);
    const program = ts.createProgram([...files.keys()], { ...parsed.options, noUnusedLocals: false }, host);
    const errors = new Map<string, string[]>();
    for (const file of files.keys()) {
        const sf = program.getSourceFile(file)!;
        errors.set(
            file,
            [...program.getSemanticDiagnostics(sf), ...program.getSyntacticDiagnostics(sf)].map((d) =>
                ts.flattenDiagnosticMessageText(d.messageText, "\n"),
            ),
        );
    }
    return errors;
}

test("the compiler refuses what the checks refuse: misspelt enum values, Outputs where plain values are required, 0.x names", () => {
    const errors = [...compile().values()];
    CASES.forEach((c, i) => {
        if (!c.refused) return assert.deepEqual(errors[i], [], c.name);
        assert.ok(errors[i].length > 0, `${c.name}: compiled, but must not`);
        assert.ok(
            errors[i].some((e) => c.refused!.test(e)),
            `${c.name}: refused for another reason:\n${errors[i].join("\n")}`,
        );
    });
});
