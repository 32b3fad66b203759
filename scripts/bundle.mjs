// The command line as one file: dist/cli/crnnc-main.cjs, bundled by esbuild from the compiled
// dist/cli/bin.js, and run by dist/cli/crnnc.js (scripts/cli-loader.mjs) from V8's code cache. Loading crnnc's ~140 modules and chevrotain's ~600 (lodash-es) one by one as
// ES modules was most of every command's start-up (`crnnc --help` took ≈ 1 s); one bundled file
// loads in a fraction of that (bench/startup.mjs). The heavy libraries that only some commands
// use stay outside and load on demand: libSBML (WebAssembly), vega and vega-lite with the plots
// (dist/plot), prettier. The bundle sits in dist/cli/ like the modules it replaces, so the paths they find
// beside themselves (../../stdlib, ../../data, the workers in dist/sweep and dist/ensemble,
// package.json) resolve the same. The library (dist/index.js) stays unbundled; the worker
// threads are bundled beside the CLI (sweep-worker.js, ensemble-worker.js), which finds them there. Beside the bundle: the stdlib's ASTs (crnnc-HASH.json, below).
//
//   npx tsc -p . && node scripts/bundle.mjs

import { build } from "esbuild";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
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

// The command line: one CommonJS file, which Node compiles from V8's code cache (see
// scripts/cli-loader.mjs, the `crnnc` command that loads it). The plots stay ES modules that
// the bundle imports from dist/plot and dist/sweep when a report is asked for: vega has
// top-level await, which a CommonJS bundle cannot require.
const plotsStayModules = {
  name: "plots-stay-modules",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/(plot|sweep)\/[a-z-]+\.js$/ }, (args) => {
      if (args.kind !== "dynamic-import") return undefined;
      const target = resolve(dirname(args.importer), args.path);
      if (!/^(plot\/|sweep\/plot\.js$)/.test(relative(join(ROOT, "dist"), target).split(sep).join("/"))) return undefined;
      // Relative to the bundle in dist/cli, as it was to its importer (dist/cli or dist/sweep).
      return { path: `../${relative(join(ROOT, "dist"), target).split(sep).join("/")}`, external: true };
    });
  },
};
await build({
  entryPoints: [join(ROOT, "dist/cli/bin.js")],
  outfile: join(OUT, "crnnc-main.cjs"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["libsbmljs_stable", "vega", "vega-lite", "prettier", "prettier/*"],
  plugins: [plotsStayModules],
  // Where the modules bundled here look for what sits beside them (stdlib, data, the workers).
  define: { CRNNC_STDLIB_ASTS: JSON.stringify(stdFile), "import.meta.url": "__crnncUrl" },
  banner: { js: 'var __crnncUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
  legalComments: "none",
});
// The entry's `#!` line would be a syntax error inside the loader's function wrapper, and the
// plots' `import()` goes through the loader's (a script compiled from a code cache has no
// dynamic import of its own in Node 20); the loader sits beside the bundle, so the paths hold.
const mainFile = join(OUT, "crnnc-main.cjs");
const main = readFileSync(mainFile, "utf8").replace(/^#!.*\n/, "");
const kept = main.match(/\bimport\(/g)?.length ?? 0;
const plots = main.match(/\bimport\("\.\.\/(plot|sweep)\/[a-z-]+\.js"\)/g)?.length ?? 0;
if (kept !== plots) throw new Error(`the CLI bundle has ${kept - plots} import() besides the plots': route them through the loader too`);
writeFileSync(mainFile, main.replace(/\bimport\(("\.\.\/(plot|sweep)\/[a-z-]+\.js")\)/g, "__crnncImport($1)"));
copyFileSync(join(ROOT, "scripts/cli-loader.mjs"), join(OUT, "crnnc.js"));
chmodSync(join(OUT, "crnnc.js"), 0o755);

// The worker threads of sweeps and ensembles: ES modules sharing their chunks. A worker that
// loaded the unbundled modules spent ≈ 0.5 s starting, which --runs 1000 on 2 threads felt.
await build({
  entryPoints: {
    "sweep-worker": join(ROOT, "dist/sweep/worker.js"),
    "ensemble-worker": join(ROOT, "dist/ensemble/worker.js"),
  },
  outdir: OUT,
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

// The code cache: the bytecode of one short training run's functions (parsing, checking,
// lowering, the simulator, the trainer), written by the loader at that run's exit.
execFileSync(process.execPath, [join(OUT, "crnnc.js"), "sim", join(ROOT, "examples/xor.crnn"), "--iterations", "3", "--quiet"], {
  env: { ...process.env, CRNNC_WRITE_CODE_CACHE: join(OUT, "crnnc-main.cache") },
  stdio: ["ignore", "ignore", "inherit"],
});
