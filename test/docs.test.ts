// The docs are true about the repository: every relative link and every repository path they name exists, and
// every crossmesh name the user-facing docs mention is exported from the package (components/index.ts) — a
// name a user reads about and cannot import is a broken promise.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import { parseConfig, sharedCompilerHost } from "./support/typescript";

const ROOT = path.join(__dirname, "..");
const DOCS = [
    "README.md",
    "CONTRIBUTING.md",
    "CHANGELOG.md",
    "docs/ARCHITECTURE.md",
    "docs/operating.md",
    "docs/istio-production.md",
    "examples/README.md",
    "test/engine/README.md",
    "test/real/README.md",
];
/** What a user reads to use the package: the names there must be importable. */
const USER_DOCS = ["README.md", "docs/operating.md", "docs/istio-production.md", "examples/README.md"];

const text = (doc: string) => fs.readFileSync(path.join(ROOT, doc), "utf8");
const exists = (p: string) => fs.existsSync(path.join(ROOT, p));

/** Markdown links to files of the repository, resolved from the document's folder. */
function relativeLinks(doc: string): string[] {
    return [...text(doc).matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1]!)
        .filter((href) => !/^[a-z]+:|^#/.test(href))
        .map((href) => path.normalize(path.join(path.dirname(doc), href.split("#")[0]!)));
}

const TOP = ["components/", "tools/", "test/", "stacks/", "docs/", ".github/", ".ci/"];
/** Paths of the repository named in code spans (`test/real/build.sh kwok` names test/real/build.sh). */
function namedPaths(doc: string): string[] {
    return [...text(doc).matchAll(/`([^`\n]+)`/g)]
        .map((m) =>
            m[1]!
                .trim()
                .split(/\s+/)[0]!
                .replace(/[.,:;)]+$/, ""),
        )
        .filter((p) => TOP.some((t) => p.startsWith(t)) && !/[<>*…{}$]/.test(p));
}

/**
 * Names the package exports (values and types), read by the TypeScript checker from components/index.ts
 * (under the repository's compiler options, so its parsed files are shared with the other programs).
 */
function publicNames(): Set<string> {
    const index = path.join(ROOT, "components", "index.ts");
    const { options } = parseConfig(path.join(ROOT, "tsconfig.json"));
    const program = ts.createProgram({ rootNames: [index], options, host: sharedCompilerHost(options) });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(index)!)!;
    return new Set(checker.getExportsOfModule(module).map((s) => s.name));
}

/** Names declared `export`ed somewhere in components/: crossmesh's own vocabulary. */
function declaredNames(): Set<string> {
    const names = new Set<string>();
    const walk = (dir: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) walk(p);
            else if (p.endsWith(".ts"))
                for (const m of fs
                    .readFileSync(p, "utf8")
                    .matchAll(/^export (?:declare )?(?:const|function|class|interface|type|enum) (\w+)/gm))
                    names.add(m[1]!);
        }
    };
    walk(path.join(ROOT, "components"));
    return names;
}

/** The paths `found` in each doc that do not exist, as `<doc>: <path>`. */
const missingIn = (found: (doc: string) => string[]) =>
    DOCS.flatMap((doc) =>
        found(doc)
            .filter((p) => !exists(p))
            .map((p) => `${doc}: ${p}`),
    );

test("every relative link in the docs points at a file of the repository", () => {
    assert.deepEqual(missingIn(relativeLinks), []);
});

test("every repository path the docs name exists", () => {
    assert.deepEqual(missingIn(namedPaths), []);
});

test("every crossmesh name the user-facing docs mention can be imported from the package", () => {
    const exported = publicNames();
    const declared = declaredNames();
    const unexported = USER_DOCS.flatMap((doc) =>
        [...new Set([...text(doc).matchAll(/`(\w+)`/g)].map((m) => m[1]!))]
            .filter((name) => declared.has(name) && !exported.has(name))
            .map((name) => `${doc}: ${name}`),
    );
    assert.deepEqual(unexported, []);
});

test("a release agrees with itself: package.json's version has its CHANGELOG section and is what the README installs", () => {
    const { version } = JSON.parse(text("package.json")) as { version: string };
    assert.match(
        text("CHANGELOG.md"),
        new RegExp(`^## \\[${version.replace(/\./g, "\\.")}\\] - \\d{4}-\\d{2}-\\d{2}$`, "m"),
    );
    const installs = [
        ...text("README.md").matchAll(/crossmesh[#@]v(\d+\.\d+\.\d+)|crossmesh-(\d+\.\d+\.\d+)\.tgz/g),
    ].map((m) => m[1] ?? m[2]);
    assert.ok(installs.length >= 3, `the README's install lines name a version: ${installs.join(", ")}`);
    assert.deepEqual([...new Set(installs)], [version], "every install line names the package's version");
});
