#!/usr/bin/env node
// The `crnnc` command (dist/cli/crnnc.js, copied here by scripts/bundle.mjs): runs the bundled
// command line, dist/cli/crnnc-main.cjs, through V8's code cache, crnnc-main.cache. The cache
// holds the bytecode of every function a training run compiled when the build made it, so a
// command starts without parsing and compiling crnnc's megabyte of JavaScript again: on
// `crnnc sim examples/xor.crnn --iterations 300` that was 70 of 510 ms (bench/startup.mjs).
// A cache V8 rejects (another Node.js, other V8 flags) is ignored: the bundle compiles as
// usual. Nothing is written at run time; `CRNNC_WRITE_CODE_CACHE=FILE` (the build) writes the
// cache of this very run at exit.
//
//   node dist/cli/crnnc.js sim examples/xor.crnn

import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const file = fileURLToPath(new URL("./crnnc-main.cjs", import.meta.url));
const cacheFile = fileURLToPath(new URL("./crnnc-main.cache", import.meta.url));
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// CommonJS's wrapper on the first line, so that line numbers in stack traces stay the bundle's.
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __crnncImport) {${readFileSync(file, "utf8")}\n})`, {
  filename: file,
  cachedData,
});
const out = process.env.CRNNC_WRITE_CODE_CACHE;
if (out)
  process.on("exit", () => {
    writeFileSync(`${out}.tmp`, script.createCachedData());
    renameSync(`${out}.tmp`, out);
  });
const mod = { exports: {} };
// The plots, ES modules in dist/plot that load vega, are imported from here (scripts/bundle.mjs).
const importPlots = (specifier) => import(specifier);
script.runInThisContext()(mod.exports, createRequire(file), mod, file, fileURLToPath(new URL(".", import.meta.url)), importPlots);
