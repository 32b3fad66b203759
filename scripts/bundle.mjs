// The command line as one file: dist/cli/crnnc.js, bundled by esbuild from the compiled
// dist/cli/bin.js. Loading crnnc's ~140 modules and chevrotain's ~600 (lodash-es) one by one as
// ES modules was most of every command's start-up (`crnnc --help` took ≈ 1 s); one bundled file
// loads in a fraction of that (bench/startup.mjs). The heavy libraries that only some commands
// use stay outside and load on demand: libSBML (WebAssembly), vega and vega-lite (plots),
// prettier. The bundle sits in dist/cli/ like the modules it replaces, so the paths they find
// beside themselves (../../stdlib, ../../data, the workers in dist/sweep and dist/ensemble,
// package.json) resolve the same. The library (dist/index.js) stays unbundled; the worker
// threads are bundled beside the CLI (sweep-worker.js, ensemble-worker.js), which finds them there. Beside the bundle: the stdlib's ASTs (crnnc-HASH.json, below).
//
//   npx tsc -p . && node scripts/bundle.mjs

import { build } from "esbuild";
import { createHash } from "node:crypto";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const OUT = join(ROOT, "dist/cli");

// The chunks of earlier builds: their names change with their content, so they would pile up.
for (const f of readdirSync(OUT)) if (/^crnnc-[A-Z0-9]+\.(js|json)$/.test(f)) rmSync(join(OUT, f));

// The stdlib's ASTs, parsed now by the compiled parser, in a JSON file beside the bundle: the CLI
// then parses only the user's files (src/load/loader.ts, prebuiltStd; it uses an AST only for the
// very text it was parsed from). Its name carries its content's hash and is compiled into the
// bundle, so a bundle always reads the ASTs of its own build.
const { stdlibAstsJson } = await import(pathToFileURL(join(ROOT, "dist/load/loader.js")).href);
const stdJson = stdlibAstsJson();
const stdFile = `crnnc-${createHash("sha256").update(stdJson).digest("hex").slice(0, 8).toUpperCase()}.json`;
writeFileSync(join(OUT, stdFile), stdJson);

await build({
  // The worker threads of sweeps and ensembles too (sharing the chunks): a worker that loaded the
  // unbundled modules spent ≈ 0.5 s starting, which --runs 1000 on 2 threads felt.
  entryPoints: {
    crnnc: join(ROOT, "dist/cli/bin.js"),
    "sweep-worker": join(ROOT, "dist/sweep/worker.js"),
    "ensemble-worker": join(ROOT, "dist/ensemble/worker.js"),
  },
  outdir: OUT,
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
  define: { CRNNC_STDLIB_ASTS: JSON.stringify(stdFile) },
  logLevel: "warning",
  legalComments: "none",
});
