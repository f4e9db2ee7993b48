// The package's source entry point for the component provider host: `pulumi package add` runs this
// repository as a source plugin, and the host infers the schema from the TypeScript classes it finds
// from here. Programs import the built `dist/` (package.json `main`/`exports`), which has the same API.
export * from "./components";
