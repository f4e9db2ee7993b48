// crossmesh as a user meets it: packed (`npm pack`, which builds through `prepare`), installed as a tarball
// into a separate Pulumi TypeScript program on the newest @pulumi/pulumi 3.x, type-checked under a strict
// consumer's flags, and loaded through that program's own @pulumi/pulumi `cmd/run` — the entry the
// Node.js language host starts for `pulumi up` — under mocks. The only network use is the consumer's
// `npm install`, cached per tarball (the tarball is reproducible: same sources, same bytes).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import {
    PROGRAM_FIXTURE,
    PackResult,
    explain,
    npmEnv,
    packed,
    pruneUnused,
    run,
    withLock,
} from "./fixtures/consumer/checkout";
import { parseConfig, sharedCompilerHost } from "./support/typescript";

const CACHE = path.join(os.tmpdir(), "crossmesh-consumer-cache");

/**
 * Packs a fresh checkout: the tarball and npm's own account of what is in it. The pack is shared with
 * test/package-plugin.test.ts (one `npm pack` of the same sources, whichever test asks first).
 */
async function pack(): Promise<{ tarball: string; result: PackResult; source: string; reused: boolean }> {
    const { source, tarball, pack: ran, reused } = await packed();
    assert.equal(ran.code, 0, explain("npm pack", ran));
    const result = (JSON.parse(ran.stdout) as PackResult[])[0]!;
    return { tarball, result, source, reused };
}

/**
 * A consumer program with the tarball installed: node_modules reused while the tarball and the program (its
 * manifest and files) are unchanged. Other checkouts' test runs share the cache: an install is made under a
 * lock and marked complete last, and only installs unused for a day are removed.
 */
async function consumer(tarball: string): Promise<string> {
    const manifest = fs.readFileSync(path.join(PROGRAM_FIXTURE, "package.json"), "utf8");
    const program = fs.readdirSync(PROGRAM_FIXTURE).filter((f) => f !== "package.json");
    const hash = crypto.createHash("sha256").update(fs.readFileSync(tarball)).update(manifest);
    for (const f of program) hash.update(`\0${f}\0`).update(fs.readFileSync(path.join(PROGRAM_FIXTURE, f)));
    const key = hash.digest("hex").slice(0, 16);
    const dir = path.join(CACHE, key);
    const ready = path.join(dir, ".installed");
    fs.mkdirSync(CACHE, { recursive: true });
    if (!fs.existsSync(ready))
        await withLock(`${dir}.lock`, async () => {
            if (fs.existsSync(ready)) return;
            fs.rmSync(dir, { recursive: true, force: true });
            fs.mkdirSync(dir, { recursive: true });
            fs.copyFileSync(tarball, path.join(dir, "crossmesh.tgz"));
            fs.writeFileSync(
                path.join(dir, "package.json"),
                manifest.replace("file:CROSSMESH_TARBALL", "file:./crossmesh.tgz"),
            );
            // The program itself: the fixture's current text (part of the key).
            for (const f of program) fs.copyFileSync(path.join(PROGRAM_FIXTURE, f), path.join(dir, f));
            const installed = await run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund"], {
                cwd: dir,
                env: npmEnv(),
            });
            assert.equal(installed.code, 0, explain("npm install (consumer)", installed));
            fs.writeFileSync(ready, new Date().toISOString());
            pruneUnused(CACHE, key);
        });
    fs.utimesSync(dir, new Date(), new Date()); // last used
    return dir;
}

/** What the tarball must hold: the build of every source file, the Lambda handler, and the docs npm always adds. */
function expectedFiles(source: string): string[] {
    const built: string[] = [];
    const walk = (rel: string) => {
        for (const e of fs.readdirSync(path.join(source, "components", rel), { withFileTypes: true })) {
            const r = path.posix.join(rel, e.name);
            if (e.isDirectory()) walk(r);
            else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts"))
                built.push(`dist/${r.replace(/\.ts$/, ".js")}`, `dist/${r.replace(/\.ts$/, ".d.ts")}`);
        }
    };
    walk("");
    return [
        ...built,
        "dist/lambda-alb/handler/index.py",
        "package.json",
        "README.md",
        "LICENSE",
        "CHANGELOG.md",
    ].sort();
}

interface Checked {
    /** What tsc would print for the program's own files and crossmesh's declarations, formatted as tsc does. */
    errors: string;
    /** How many of crossmesh's declaration files the check covered. */
    declarations: number;
    /** Where `from "crossmesh"` in index.ts resolves under the configuration's module resolution. */
    crossmesh: string | undefined;
}

/**
 * `tsc --noEmit -p <config>` in the consumer, for what is ours: the program's own files and every crossmesh
 * declaration (checked under the configuration's flags unless it skips lib checks, as tsc would), with the
 * consumer's own TypeScript, in this process. The @pulumi/* declarations (3,800 files, 30 MB) are read and
 * bound as tsc reads them, once for every configuration with the same parse options, but not checked
 * themselves: their errors would not be crossmesh's, and checking them was most of four tsc runs.
 */
function checkConsumer(dir: string, config: string): Checked {
    const typescript = createRequire(path.join(dir, "package.json"))("typescript") as typeof import("typescript");
    const parsed = parseConfig(path.join(dir, config), { noEmit: true }, typescript);
    const host = sharedCompilerHost(parsed.options, typescript);
    const program = typescript.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
    const installed = path.join(dir, "node_modules", "crossmesh") + path.sep;
    const ours = program
        .getSourceFiles()
        .filter((f) => path.resolve(f.fileName).startsWith(installed) || !f.fileName.includes("/node_modules/"));
    const diagnostics = [
        ...program.getConfigFileParsingDiagnostics(),
        ...program.getOptionsDiagnostics(),
        ...program.getGlobalDiagnostics(),
        ...ours.flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)]),
    ];
    const index = program.getSourceFile(path.join(dir, "index.ts").replace(/\\/g, "/"))!;
    const specifier = index.statements
        .filter(typescript.isImportDeclaration)
        .map((d) => d.moduleSpecifier)
        .find((m) => typescript.isStringLiteral(m) && m.text === "crossmesh") as import("typescript").StringLiteral;
    const resolved = typescript.resolveModuleName(
        "crossmesh",
        index.fileName,
        parsed.options,
        typescript.sys,
        undefined,
        undefined,
        program.getModeForUsageLocation(index, specifier),
    ).resolvedModule?.resolvedFileName;
    return {
        errors: typescript.formatDiagnostics(diagnostics, host),
        declarations: ours.filter((f) => f.isDeclarationFile).length,
        crossmesh: resolved && program.getSourceFile(resolved) ? path.resolve(resolved) : undefined,
    };
}

test(
    "crossmesh packs, installs into a separate program, type-checks strictly and runs through @pulumi/pulumi's cmd/run",
    { timeout: 600_000 },
    async (t) => {
        const { tarball, result, source, reused } = await pack();
        t.diagnostic(
            `tarball ${result.filename}: ${result.size} bytes, ${result.files.length} files, ${result.unpackedSize} bytes unpacked${reused ? " (packed earlier from the same sources)" : ""}`,
        );

        await t.test("the tarball holds only what users need", () => {
            assert.deepEqual(result.files.map((f) => f.path).sort(), expectedFiles(source));
        });

        const dir = await consumer(tarball);
        // This run's own record (another checkout's run may use the same install at the same time).
        const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-consumer-record-")), "record.json");
        // The CLI-style run in its own process while this one checks the declarations: two cores.
        const [ran] = await Promise.all([
            run(
                process.execPath,
                [
                    "-r",
                    "./preload.cjs",
                    path.join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run"),
                    "--monitor",
                    "mock",
                    "--project",
                    "crossmesh-consumer",
                    "--stack",
                    "dev",
                    "--pwd",
                    dir,
                    "index.ts",
                ],
                {
                    cwd: dir,
                    env: {
                        ...process.env,
                        PULUMI_NODEJS_TYPESCRIPT: "true",
                        PULUMI_CONFIG: "{}",
                        CROSSMESH_CONSUMER_RECORD: record,
                    },
                },
            ),
        ]);
        const started = Date.now();
        const strict = checkConsumer(dir, "tsconfig.json");
        t.diagnostic(`strict check ${Date.now() - started} ms, cmd/run ${ran.ms} ms`);

        await t.test(
            "its declarations compile with 0 errors under noUncheckedIndexedAccess, exactOptionalPropertyTypes, noPropertyAccessFromIndexSignature, isolatedModules, strict, skipLibCheck false",
            () => {
                assert.equal(strict.errors, "");
                assert.ok(strict.declarations > 20, `every crossmesh declaration checked (${strict.declarations})`);
            },
        );

        await t.test("its declarations compile with 0 errors under no strict flags at all (skipLibCheck false)", () => {
            const loose = checkConsumer(dir, "tsconfig.loose.json");
            assert.equal(loose.errors, "");
            assert.equal(loose.declarations, strict.declarations);
        });

        await t.test("`npx crossmesh status` is installed as a command (bin) and answers without a stack", async () => {
            const help = await run(path.join(dir, "node_modules", ".bin", "crossmesh"), ["status", "--help"], {
                cwd: dir,
            });
            assert.equal(help.code, 0, explain("crossmesh status --help", help));
            assert.match(help.stdout, /Usage: crossmesh status --stack <name>/);
            const usage = await run(path.join(dir, "node_modules", ".bin", "crossmesh"), ["status"], { cwd: dir });
            assert.equal(usage.code, 2);
            assert.match(usage.stderr, /--stack is required/);
        });

        await t.test('`from "crossmesh"` resolves under moduleResolution node16 and bundler too', () => {
            const declarations = path.join(dir, "node_modules", "crossmesh", "dist", "index.d.ts");
            for (const config of ["tsconfig.node16.json", "tsconfig.bundler.json"]) {
                const checked = checkConsumer(dir, config);
                assert.equal(checked.errors, "", config);
                assert.equal(checked.crossmesh, declarations, `${config}: crossmesh resolves to its declarations`);
            }
        });

        await t.test(
            "cmd/run loads the program and it registers the link, a leaf component and their children, with one @pulumi/pulumi",
            () => {
                assert.equal(ran.code, 0, explain("cmd/run", ran));
                const rec = JSON.parse(fs.readFileSync(record, "utf8")) as {
                    registered: { type: string; name: string }[];
                    sdkCopies: string[];
                    crossmesh: string[];
                    archivePaths: (string | null)[];
                };
                assert.deepEqual(
                    rec.sdkCopies,
                    [path.join(dir, "node_modules", "@pulumi", "pulumi")],
                    "exactly one @pulumi/pulumi, the program's own",
                );
                const sdkVersion = (
                    JSON.parse(fs.readFileSync(path.join(rec.sdkCopies[0]!, "package.json"), "utf8")) as {
                        version: string;
                    }
                ).version;
                t.diagnostic(`@pulumi/pulumi ${sdkVersion} in the consumer`);
                assert.ok(
                    rec.crossmesh.length > 0 &&
                        rec.crossmesh.every((f) =>
                            f.startsWith(path.join(dir, "node_modules", "crossmesh", "dist") + path.sep),
                        ),
                    "crossmesh is loaded from the installed package's dist/, nothing else",
                );

                const count = (type: string) => rec.registered.filter((r) => r.type === type).length;
                const names = (type: string) =>
                    rec.registered
                        .filter((r) => r.type === type)
                        .map((r) => r.name)
                        .sort();
                assert.deepEqual(names("crossmesh:index:CrossMeshLink"), ["payments"]);
                assert.deepEqual(names("crossmesh:index:AwsEgress"), ["app-aws"]);
                assert.deepEqual(names("crossmesh:index:IstioInstall"), ["payments-eks-istio", "payments-gke-istio"]);
                for (const child of ["LinkPki", "LambdaHostsAlb", "ExportGateway", "ImportGateway"]) {
                    assert.equal(count(`crossmesh:index:${child}`), 1, `one ${child} inside the link`);
                }
                // The children that do the work: Istio from Helm on both clusters, the Lambda behind its ALB, the routing.
                assert.equal(count("kubernetes:helm.sh/v3:Release"), 6, "base, istiod and gateway on each cluster");
                assert.equal(count("aws:lambda/function:Function"), 1);
                assert.equal(count("aws:lb/loadBalancer:LoadBalancer"), 1);
                assert.equal(
                    count("kubernetes:networking.istio.io/v1:Gateway"),
                    2,
                    "the ingress side's and the egress side's Gateway",
                );
                assert.ok(
                    count("kubernetes:networking.istio.io/v1:ServiceEntry") >= 2,
                    "AwsEgress's ServiceEntries (sts, dynamodb) and the link's",
                );

                // The default Lambda code is the handler shipped inside the package.
                assert.equal(rec.archivePaths.length, 1);
                const code = rec.archivePaths[0]!;
                assert.equal(code, path.join(dir, "node_modules", "crossmesh", "dist", "lambda-alb", "handler"));
                assert.ok(fs.existsSync(path.join(code, "index.py")), "the handler asset is in the installed package");
            },
        );
    },
);
