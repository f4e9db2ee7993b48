// Code-shape figures for the product (components/) and the tests: how much is validation, the longest
// functions, and how much the tests weigh. Run: `npx tsx tools/metrics/main.ts [dir]` (default: this checkout).
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const root = path.resolve(process.argv[2] ?? ".");

function files(dir: string, suffix: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory() && e.name !== "node_modules") out.push(...files(p, suffix));
        else if (e.isFile() && e.name.endsWith(suffix)) out.push(p);
    }
    return out;
}

/** Lines that are not blank and not only a comment. */
function codeLines(text: string): number {
    return text.split("\n").filter((l) => {
        const t = l.trim();
        return t !== "" && !t.startsWith("//") && !t.startsWith("*") && !t.startsWith("/*");
    }).length;
}

const product = files(path.join(root, "components"), ".ts");
const isValidation = (f: string) => /(validate|validation|spec|specs)\.ts$/.test(f) || f.includes("/spec/");
let productLines = 0;
let validationLines = 0;
let invalidCalls = 0;
let knownGuards = 0;
const functions: { name: string; lines: number; validation: boolean }[] = [];
for (const f of product) {
    const text = fs.readFileSync(f, "utf8");
    const n = codeLines(text);
    productLines += n;
    if (isValidation(f)) validationLines += n;
    invalidCalls += (text.match(/\binvalid\(/g) ?? []).length;
    knownGuards += (text.match(/\bknown\(/g) ?? []).length;
    const source = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && "body" in node && node.body) {
            const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
            const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
            const name =
                (node as ts.FunctionDeclaration).name?.getText() ??
                (ts.isConstructorDeclaration(node) ? "constructor" : "(anonymous)");
            functions.push({
                name: `${path.relative(root, f)}:${start + 1} ${name}`,
                lines: end - start + 1,
                validation: isValidation(f),
            });
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
}
functions.sort((a, b) => b.lines - a.lines);
const tests = [...files(path.join(root, "test"), ".ts")];
const testLines = tests.reduce((n, f) => n + codeLines(fs.readFileSync(f, "utf8")), 0);
const testCount = tests
    .filter((f) => f.endsWith(".test.ts"))
    .reduce((n, f) => n + (fs.readFileSync(f, "utf8").match(/^\s*(test|it)\(/gm) ?? []).length, 0);

console.log(`product code lines (components/, no blanks/comments): ${productLines}`);
console.log(`validation code lines (validate/validation/spec files): ${validationLines}`);
console.log(`invalid( calls: ${invalidCalls}; known( guards: ${knownGuards}`);
console.log(`longest functions:`);
for (const f of functions.slice(0, 5)) console.log(`  ${f.lines} lines  ${f.name}`);
console.log(`longest functions in validation files:`);
for (const f of functions.filter((x) => x.validation).slice(0, 3)) console.log(`  ${f.lines} lines  ${f.name}`);
console.log(`test code lines (test/**/*.ts): ${testLines}; literal test( calls: ${testCount}`);
