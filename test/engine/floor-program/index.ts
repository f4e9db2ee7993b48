// The floor of test/engine/program: registers exactly what that program sent the resource monitor (types, names,
// parents, providers, inputs, options, dependsOn, outputs), read from the recording in FLOOR_RECORDING, through
// the SDKs' own classes and no logic (tools/bench/floor.ts). test/engine/floor-bench.ts times its `up` against
// the program's, on the same clusters. FLOOR_DEPENDS_ON=data: without the program's explicit dependsOn.
import * as fs from "node:fs";
import { Recording, replay } from "../../../tools/bench/floor";

const file = process.env.FLOOR_RECORDING;
if (!file) throw new Error("FLOOR_RECORDING is not set: give the recording test/engine/floor-bench.ts made");
const recording = JSON.parse(fs.readFileSync(file, "utf8")) as Recording;
export = replay(recording, { dependsOn: process.env.FLOOR_DEPENDS_ON !== "data" });
