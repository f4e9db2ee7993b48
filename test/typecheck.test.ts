// The repository type-checks: the program of tsconfig.json (components, stacks, tests, tools) has no
// diagnostic, exactly as `tsc --noEmit -p tsconfig.json` (`npm run typecheck`) reports them: the config
// file's, the options', and every file's syntactic, global and semantic ones. Run in-process so that under
// `npm test` it shares its parsed files with the other tests that build programs (test/support/typescript.ts).
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as ts from "typescript";
import { parseConfig, sharedCompilerHost } from "./support/typescript";

const ROOT = path.join(__dirname, "..");

test("the repository type-checks: tsc --noEmit -p tsconfig.json reports nothing", () => {
    const config = parseConfig(path.join(ROOT, "tsconfig.json"));
    const program = ts.createProgram({
        rootNames: config.fileNames,
        options: config.options,
        projectReferences: config.projectReferences,
        configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(config),
        host: sharedCompilerHost(config.options),
    });
    // Not vacuous: the program holds every part of the repository.
    for (const part of ["components", "stacks", "test", "tools"])
        assert.ok(
            config.fileNames.some((f) => path.relative(ROOT, f).split(path.sep)[0] === part),
            `tsconfig.json includes ${part}/`,
        );
    const diagnostics = ts.getPreEmitDiagnostics(program);
    assert.equal(
        ts.formatDiagnostics(diagnostics, {
            getCanonicalFileName: (f) => f,
            getCurrentDirectory: () => ROOT,
            getNewLine: () => "\n",
        }),
        "",
    );
});
