// The package's layering, read from the import statements with the TypeScript parser: common/ at the bottom,
// the leaf components on it, CrossMeshLink over them, status and the entry points on top. Nothing imports
// upward, no folder depends on itself through others, no file-level import cycle, and neither the product
// nor the tools ever import test code.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..");
const LAYERS: Record<string, number> = {
    common: 0,
    ...Object.fromEntries(
        [
            "aws-egress",
            "lambda-alb",
            "lambda-hosts-alb",
            "link-pki",
            "istio-install",
            "link-routing",
            "link-monitoring",
            "export-gateway",
            "import-gateway",
        ].map((f) => [f, 1]),
    ),
    "cross-mesh-link": 2,
    "cross-mesh-export": 2,
    "cross-mesh-consumer": 2,
    status: 3,
    index: 4,
    plugin: 5,
};

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? (e.name === "node_modules" ? [] : tsFiles(p)) : p.endsWith(".ts") ? [p] : [];
    });
}

/** Relative imports of a file, resolved to files; `runtime` leaves out `import type`. */
function importsOf(file: string, runtime: boolean): string[] {
    const src = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
    return src.statements.flatMap((n) => {
        if (!(ts.isImportDeclaration(n) || ts.isExportDeclaration(n))) return [];
        if (!n.moduleSpecifier || !ts.isStringLiteral(n.moduleSpecifier) || !n.moduleSpecifier.text.startsWith("."))
            return [];
        if (runtime && (ts.isImportDeclaration(n) ? n.importClause?.isTypeOnly : n.isTypeOnly)) return [];
        const target = path.resolve(path.dirname(file), n.moduleSpecifier.text);
        return [fs.existsSync(`${target}.ts`) ? `${target}.ts` : path.join(target, "index.ts")];
    });
}

const components = tsFiles(path.join(ROOT, "components"));
const folderOf = (f: string) => path.relative(path.join(ROOT, "components"), f).split(path.sep)[0].replace(/\.ts$/, "");

test("every components/ folder has a layer, and nothing imports a higher layer", () => {
    const upward: string[] = [];
    for (const f of components) {
        const from = folderOf(f);
        assert.ok(from in LAYERS, `components/${from} has no layer in test/layering.test.ts`);
        for (const t of importsOf(f, false)) {
            const to = folderOf(t);
            if (LAYERS[to] > LAYERS[from]) upward.push(`${path.relative(ROOT, f)} imports ${to}`);
        }
    }
    assert.deepEqual(upward, []);
});

test("no folder depends on itself through others, and no file-level import cycle", () => {
    const folders = new Map<string, Set<string>>();
    const files = new Map(components.map((f) => [f, importsOf(f, true)]));
    for (const [f, targets] of files)
        for (const t of targets)
            if (folderOf(t) !== folderOf(f))
                (folders.get(folderOf(f)) ?? folders.set(folderOf(f), new Set()).get(folderOf(f))!).add(folderOf(t));
    const cycles = (graph: Map<string, Iterable<string>>): string[] => {
        const state = new Map<string, "open" | "done">();
        const found: string[] = [];
        const visit = (n: string, trail: string[]) => {
            state.set(n, "open");
            for (const m of graph.get(n) ?? []) {
                if (state.get(m) === "open") found.push([...trail.slice(trail.indexOf(m)), m].join(" → "));
                else if (!state.has(m)) visit(m, [...trail, m]);
            }
            state.set(n, "done");
        };
        for (const n of graph.keys()) if (!state.has(n)) visit(n, [n]);
        return found;
    };
    assert.deepEqual(cycles(folders), [], "folder cycles");
    assert.deepEqual(
        cycles(files).map((c) => c.replaceAll(ROOT + path.sep, "")),
        [],
        "file cycles (runtime imports)",
    );
});

test("the product, the stacks and the tools never import test code; the product never imports tools or stacks", () => {
    const bad: string[] = [];
    for (const dir of ["components", "stacks", "tools"])
        for (const f of tsFiles(path.join(ROOT, dir)))
            for (const t of importsOf(f, false)) {
                const top = path.relative(ROOT, t).split(path.sep)[0];
                if (top === "test" || (dir === "components" && (top === "tools" || top === "stacks")))
                    bad.push(`${path.relative(ROOT, f)} imports ${path.relative(ROOT, t)}`);
            }
    assert.deepEqual(bad, []);
});
