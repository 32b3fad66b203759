// A/B against another build of crnnc, in one process: both builds are loaded side by side and
// their compile and training runs alternate (A B, B A, ...), so a machine that speeds up or slows
// down in the meantime (these are shared, noisy machines) hits both alike. Prints, per case, each
// build's median and the median of the pairwise ratios new/base with their range, and writes
// them to docs/performance.md ("A/B"). The other build is any checkout with a built dist/:
//
//   git worktree add /tmp/base <commit> && (cd /tmp/base && npm ci)
//   npx tsc -p . && node --expose-gc bench/ab.mjs --base /tmp/base [--quick]
//
// Its train() may be the older one (src/sim/train.ts, options in one object); both are handled.

import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { machineInfo, writeSection } from "./lib.mjs";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const args = process.argv.slice(2);
const baseDir = args[args.indexOf("--base") + 1];
if (!args.includes("--base") || !baseDir || !existsSync(join(baseDir, "dist/compile.js"))) {
  console.error("usage: node --expose-gc bench/ab.mjs --base DIR [--quick]   (DIR: another crnnc checkout with dist/ built)");
  process.exit(2);
}
const quick = args.includes("--quick");

async function build(root) {
  const { compileFile } = await import(join(root, "dist/compile.js"));
  const lib = existsSync(join(root, "dist/library.js")) ? join(root, "dist/library.js") : join(root, "dist/sim/train.js");
  const { train } = await import(lib);
  return { compileFile, train };
}
const A = await build(resolve(baseDir));
const B = await build(ROOT);

const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];

/** Alternate a(), b() n times (who goes first alternates too); each returns a time. */
function pairs(a, b, n) {
  a();
  b();
  const ta = [];
  const tb = [];
  for (let i = 0; i < n; i++) {
    for (const [k, f] of i % 2
      ? [
          ["a", a],
          ["b", b],
        ]
      : [
          ["b", b],
          ["a", a],
        ]) {
      globalThis.gc?.();
      (k === "a" ? ta : tb).push(f());
    }
  }
  const r = ta.map((x, i) => tb[i] / x);
  return { base: med(ta), now: med(tb), ratio: med(r), lo: Math.min(...r), hi: Math.max(...r), n };
}
const timed = (f) => () => {
  const t = performance.now();
  f();
  return performance.now() - t;
};

const rows = [];
const run = (name, unit, p) => {
  rows.push({ name, unit, ...p });
  console.log(
    `${name}: base ${p.base.toFixed(3)} ${unit}, now ${p.now.toFixed(3)} ${unit}, ratio now/base ${p.ratio.toFixed(3)} [${p.lo.toFixed(3)}, ${p.hi.toFixed(3)}] over ${p.n} pairs`,
  );
};

for (const ex of ["xor", "mnist"]) {
  const file = join(ROOT, "examples", `${ex}.crnn`);
  run(
    `compile examples/${ex}.crnn`,
    "ms",
    pairs(
      timed(() => A.compileFile(file)),
      timed(() => B.compileFile(file)),
      quick ? 41 : 201,
    ),
  );
}
for (const [ex, iterations] of [
  ["xor", 300],
  ["mnist", 100],
]) {
  const irA = A.compileFile(join(ROOT, "examples", `${ex}.crnn`), { iterations }).ir;
  const irB = B.compileFile(join(ROOT, "examples", `${ex}.crnn`), { iterations }).ir;
  const ms = (train, ir) => () => train(ir, {}).timings.msPerIteration;
  run(`train examples/${ex}.crnn, ${iterations} iterations`, "ms/iteration", pairs(ms(A.train, irA), ms(B.train, irB), quick ? 3 : 9));
}

const git = (dir) => {
  try {
    return execFileSync("git", ["-C", dir, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return "?";
  }
};
const m = machineInfo().line;
const START = "<!-- bench:ab:start -->";
const END = "<!-- bench:ab:end -->";
writeSection(
  join(ROOT, "docs/performance.md"),
  START,
  END,
  [
    START,
    "## A/B against the previous build",
    "",
    `Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} by \`node --expose-gc bench/ab.mjs --base DIR\` on ${m}: this build (${git(ROOT)}) against ${git(baseDir)}, both loaded in one process, runs alternating; the median of the pairwise time ratios (below 1: this build is faster), with their range.`,
    "",
    "| case | base | this build | ratio this/base (median) | range | pairs |",
    "| --- | ---: | ---: | ---: | --- | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.base.toFixed(3)} ${r.unit} | ${r.now.toFixed(3)} ${r.unit} | **${r.ratio.toFixed(3)}** | ${r.lo.toFixed(3)}–${r.hi.toFixed(3)} | ${r.n} |`,
    ),
    END,
  ].join("\n"),
);
