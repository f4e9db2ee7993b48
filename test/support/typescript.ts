// One cache of parsed (and bound) source files for every TypeScript program a test process builds. Reading
// the @pulumi/* declarations is most of a program's cost (@pulumi/aws alone is 30 MB of .d.ts), and the
// tests that build programs (typecheck, api-types, docs, examples) run in one process under `npm test`
// (test/typescript-programs.ts), so each declaration file is parsed once for all of them.
//
// A parsed file is shared only where the TypeScript language service shares it (its DocumentRegistry):
// between programs whose options give the same source-file key (getKeyForCompilationSettings: target,
// module, jsx, … and the options the binder reports under). A declaration file is also shared between keys
// that differ only in the binder's reporting options (alwaysStrict, noFallthroughCasesInSwitch,
// allowUnusedLabels, allowUnreachableCode): the binder reads them only in statements, case clauses and
// labels, which a .d.ts does not have, and ignores alwaysStrict for declaration files. A file is reused only
// while its text is the text it was parsed from.
import * as ts from "typescript";

/** Options a parse depends on; for a declaration file, the whole of its source-file key. */
const PARSE_OPTIONS = [
    "target",
    "module",
    "jsx",
    "importHelpers",
    "moduleResolution",
    "jsxImportSource",
    "moduleDetection",
];

type TypeScript = typeof ts;
/** Per TypeScript module (ours, or a consumer's own copy): its registry and parsed files, never mixed. */
const caches = new WeakMap<
    TypeScript,
    { registry: ts.DocumentRegistry; parsed: Map<string, { text: string; file: ts.SourceFile }> }
>();

/**
 * A compiler host (ts.createCompilerHost's, for these options) whose source files come from the shared
 * cache. Its readFile may be replaced afterwards (virtual files): source files are read through it.
 * `typescript`: the TypeScript module to build it with (default: the repository's own).
 */
export function sharedCompilerHost(options: ts.CompilerOptions, typescript: TypeScript = ts): ts.CompilerHost {
    let cache = caches.get(typescript);
    if (!cache) caches.set(typescript, (cache = { registry: typescript.createDocumentRegistry(), parsed: new Map() }));
    const { registry, parsed } = cache;
    const host = typescript.createCompilerHost(options, true);
    const sourceKey = registry.getKeyForCompilationSettings(options);
    const declarationKey = PARSE_OPTIONS.map((o) => String(options[o])).join("|");
    host.getSourceFile = (fileName, languageVersionOrOptions, onError) => {
        let text: string | undefined;
        try {
            text = host.readFile(fileName);
        } catch (e) {
            onError?.((e as Error).message);
        }
        if (text === undefined) return undefined;
        const settings = /\.d\.[cm]?ts$/.test(fileName) ? `d.ts ${declarationKey}` : sourceKey;
        const key = `${settings}\0${JSON.stringify(languageVersionOrOptions)}\0${fileName}`;
        const hit = parsed.get(key);
        if (hit?.text === text) return hit.file;
        const file = typescript.createSourceFile(fileName, text, languageVersionOrOptions, true);
        parsed.set(key, { text, file });
        return file;
    };
    return host;
}

/** tsconfig.json (or another config file) as tsc reads it; an unreadable config fails the caller. */
export function parseConfig(
    configFile: string,
    extend: ts.CompilerOptions = {},
    typescript: TypeScript = ts,
): ts.ParsedCommandLine {
    const problems: string[] = [];
    const config = typescript.getParsedCommandLineOfConfigFile(configFile, extend, {
        ...typescript.sys,
        onUnRecoverableConfigFileDiagnostic: (d) =>
            problems.push(typescript.flattenDiagnosticMessageText(d.messageText, "\n")),
    });
    if (!config) throw new Error(`${configFile}: ${problems.join("\n")}`);
    return config;
}
