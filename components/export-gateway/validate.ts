// TEMPORARY: test/link-pki.test.ts imports requireClientSpiffeId from here; it lives in ./spec now.
// Delete this file once that import reads "../components/export-gateway/spec".
export { requireClientSpiffeId } from "./spec";
