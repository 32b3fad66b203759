// The command line as one file: dist/cli/crnnc.js, bundled by esbuild from the compiled
// dist/cli/bin.js. Loading crnnc's ~140 modules and chevrotain's ~600 (lodash-es) one by one as
// ES modules was most of every command's start-up (`crnnc --help` took ≈ 1 s); one bundled file
// loads in a fraction of that (bench/startup.mjs). The heavy libraries that only some commands
// use stay outside and load on demand: libSBML (WebAssembly), vega and vega-lite (plots),
// prettier. The bundle sits in dist/cli/ like the modules it replaces, so the paths they find
// beside themselves (../../stdlib, ../../data, the workers in dist/sweep and dist/ensemble,
// package.json) resolve the same. The library (dist/index.js) and the worker threads stay
// unbundled.
//
//   npx tsc -p . && node scripts/bundle.mjs

import { build } from "esbuild";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

await build({
  entryPoints: { crnnc: join(ROOT, "dist/cli/bin.js") },
  outdir: join(ROOT, "dist/cli"),
  // The commands a run does not use (sim, SBML, fmt, sweep) are chunks loaded on demand.
  splitting: true,
  chunkNames: "crnnc-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["libsbmljs_stable", "vega", "vega-lite", "prettier", "prettier/*"],
  // ES modules bundled for node need `require` for the CommonJS parts.
  banner: { js: 'import { createRequire as __crnncRequire } from "node:module"; const require = __crnncRequire(import.meta.url);' },
  logLevel: "warning",
  legalComments: "none",
});
