// Preloaded (`node -r`) into @pulumi/pulumi's own `cmd/run`, the entry the Node.js language host starts
// for `pulumi preview`/`up`: it points the SDK at the provider simulator instead of the engine's resource
// monitor (run with `--monitor mock`), so a test can load a stack exactly as the CLI does — same working
// directory, tsconfig lookup, ts-node type-checking and config environment — without an engine.
// The simulator is TypeScript: it is required lazily, on the first registration, once cmd/run has
// registered ts-node (plain JS here, so this file itself needs no loader).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const pulumi = require("@pulumi/pulumi");

const recordFile = process.env.CROSSMESH_CLI_RECORD;
// cmd/run copies its flags into the environment only after preloads ran: read them from argv.
const flag = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
};
const simulatorDir = path.join(__dirname, "..", "..", "tools", "simulator");
const registered = [];
let simulator;
function sim() {
    if (!simulator) {
        const { ProviderSimulator } = require(simulatorDir);
        const { defaultWorld } = require(path.join(simulatorDir, "world"));
        simulator = new ProviderSimulator(defaultWorld());
    }
    return simulator;
}

pulumi.runtime.setMocks(
    {
        newResource: (args) => {
            registered.push({ type: args.type, name: args.name, custom: args.custom });
            return sim().newResource(args);
        },
        call: (args) => sim().call(args),
    },
    flag("project"),
    flag("stack"),
    process.argv.includes("--dry-run"),
);

// The engine's monitor answers the SDK's shutdown handshake; the mock monitor has no such call.
const monitor = pulumi.runtime.getMonitor();
if (monitor && !monitor.signalAndWaitForShutdown)
    monitor.signalAndWaitForShutdown = (_req, callback) => callback(null, {});

process.on("exit", () => {
    if (recordFile)
        fs.writeFileSync(recordFile, JSON.stringify({ registered, sdk: require.resolve("@pulumi/pulumi") }));
});
