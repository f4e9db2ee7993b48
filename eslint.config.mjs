// Lint: eslint's and typescript-eslint's recommended rules (syntax-level, fast), run by `npm test`.
// The few rules turned off are house decisions, each with its reason.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["node_modules/", "dist/", "plan/", "test/fixtures/consumer/program/node_modules/", "**/*.cjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        rules: {
            // The composite's settings groups are `interface X extends Pick<Child, …> {}`: named types the
            // component provider host can turn into schema types (a type alias would stay anonymous).
            "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
            // Unused values are caught by the compiler (noUnusedLocals/Parameters); `_`-prefixed ones are intended.
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
        },
    },
    {
        // Simulator and test code read provider payloads by path; `any` is deliberate there (not in components/).
        files: ["tools/**/*.ts", "test/**/*.ts", "stacks/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
);
