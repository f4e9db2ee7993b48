// The source entry the component provider host's schema inference reads: `pulumi package add` runs this
// repository as a source plugin; the analyzer looks for package.json's `exports`/`main` among the TypeScript
// sources, finds only built files there (dist/), and falls back to this index.ts. The process itself runs
// package.json `main` (dist/plugin.js, from components/plugin.ts), which serves the same components.
export * from "./components";
