// Builds the extension before `vsce package` (its vscode:prepublish script): the client bundled
// with vscode-languageclient by esbuild into dist/extension.js (CommonJS, `vscode` left to the
// editor), and the TextMate grammar copied from the repository's grammar/ (its one source).
//
//   cd editors/vscode && npx @vscode/vsce package --no-dependencies

import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = dirname(fileURLToPath(import.meta.url));
mkdirSync(join(HERE, "syntaxes"), { recursive: true });
copyFileSync(join(HERE, "../../grammar/crnn.tmLanguage.json"), join(HERE, "syntaxes/crnn.tmLanguage.json"));
await build({
  entryPoints: [join(HERE, "src/extension.ts")],
  outfile: join(HERE, "dist/extension.js"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  minify: true,
  logLevel: "warning",
  legalComments: "none",
});
