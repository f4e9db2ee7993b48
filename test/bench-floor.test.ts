// The bench's floor (tools/bench/floor.ts) is only a floor if it registers what the program registers: at a
// small size, the program (3 services, stack dev) and the floor replaying its recording send the resource monitor
// the same requests — every registration's type, name, parent, provider, inputs (secrets included), options
// and dependencies, and every component's outputs. Behaviour only; no timings.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { Recording, comparable, sdkClassOf } from "../tools/bench/floor";

const CHILD = path.join(__dirname, "..", "tools", "bench", "floor-child.ts");
const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", CHILD, ...args], { maxBuffer: 64 * 1024 * 1024 });
const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Recording;

describe("bench floor", () => {
    it("registers exactly what the program registers (3 services, stack dev)", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crossmesh-floor-test-"));
        try {
            const program = path.join(dir, "program.json");
            const floor = path.join(dir, "floor.json");
            await run(["program", "3", "dev", "--record", program]);
            await run(["floor", program, "dev", "--record", floor]);
            const key = (s: { kind: string; urn: string }) => `${s.kind} ${s.urn}`;
            const p = read(program).steps;
            const f = new Map(read(floor).steps.map((s) => [key(s), s]));
            assert.ok(p.filter((s) => s.kind === "register").length > 90, "the program registered its resources");
            assert.deepEqual([...f.keys()].sort(), p.map(key).sort(), "the same registrations, reads and outputs");
            for (const s of p) assert.deepEqual(comparable(f.get(key(s))!), comparable(s), key(s));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("uses the provider SDKs' own classes, as a hand-written program would", () => {
        assert.equal(sdkClassOf("aws:lambda/function:Function")?.ctor.name, "Function");
        assert.equal(sdkClassOf("kubernetes:core/v1:Secret")?.ctor.name, "Secret");
        assert.equal(sdkClassOf("kubernetes:helm.sh/v3:Release")?.ctor.name, "Release");
        assert.equal(sdkClassOf("kubernetes:rbac.authorization.k8s.io/v1:Role")?.ctor.name, "Role");
        assert.equal(sdkClassOf("kubernetes:networking.istio.io/v1:Gateway")?.generic, true);
        assert.equal(sdkClassOf("tls:index/privateKey:PrivateKey")?.ctor.name, "PrivateKey");
        assert.equal(sdkClassOf("pulumi:providers:aws"), undefined, "providers: the generic ProviderResource");
    });
});
