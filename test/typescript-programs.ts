// The test files that build TypeScript programs, run in one process by `npm test` (tools/test/main.ts, which
// runs the files imported here only here) so that they parse the large @pulumi/* declarations once between
// them (test/support/typescript.ts). Each is a test file of its own too: `node --import tsx --test <file>`.
// The example runs (child processes) start first, while the programs are type-checked.
import "./examples.test";
import "./typecheck.test";
import "./api-types.test";
import "./docs.test";
