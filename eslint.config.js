// ESLint for the TypeScript sources and tests (typescript-eslint's recommended rules). The
// import directions between stages are checked by dependency-cruiser (.dependency-cruiser.cjs);
// formatting is prettier's (`npm run format:check`).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "docs/", "web/dist/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        performance: "readonly",
        setImmediate: "readonly",
        URL: "readonly",
        WebAssembly: "readonly",
        TextEncoder: "readonly",
        TextDecoder: "readonly",
        structuredClone: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        Buffer: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
      // Walking a chain of scopes starts from `this`: not the closure alias the rule is about.
      "@typescript-eslint/no-this-alias": "off",
    },
  },
);
