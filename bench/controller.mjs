#!/usr/bin/env node
// The step controller, measured: training runs of bench/sim.mjs's networks (XOR, MNIST 64-4-2,
// both also with noise) and the leaky-ReLU sine network (whose laws switch), each with
//   base        another build (--base DIR: the one before the controller changed),
//   standard    this build, plain controller h·0.9·err^(−1/q) (no growth after a rejection),
//   predictive  this build's default (Gustafsson for Rosenbrock; PI for Dopri5),
//   rodas5p     this build with Rodas5P in place of Rodas5,
// all in one process, the variants alternating round by round (a noisy machine hits all
// alike). Prints and writes to docs/performance.md ("Step controller") the median ms per
// iteration, the median of the pairwise ratios to base, and steps and rejections per iteration.
//
//   (git worktree add /tmp/base <commit> && cd /tmp/base && npm ci && npx tsc -p .)
//   npx tsc -p . && node --expose-gc bench/controller.mjs --base /tmp/base [--rounds N]

import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { machineInfo, writeSection } from "./lib.mjs";
import { MNIST, XOR_NOISE } from "./cases.mjs";

const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const baseDir = opt("--base");
if (!baseDir || !existsSync(join(baseDir, "dist/compile.js"))) {
  console.error("usage: node --expose-gc bench/controller.mjs --base DIR [--rounds N] [--no-docs]   (DIR: another crnnc checkout with dist/ built)");
  process.exit(2);
}
const rounds = Number(opt("--rounds", "5"));

const load = async (root) => ({
  compileFile: (await import(join(root, "dist/compile.js"))).compileFile,
  train: (await import(join(root, "dist/library.js"))).train,
});
const A = await load(resolve(baseDir));
const B = await load(ROOT);

const LEAKY = `import std/leaky_relu
network sine_leaky { input 1  dense 10 leaky_relu(alpha: 1, beta: 0.1)  dense 1 leaky_relu(alpha: 1, beta: 0.1) }
train sine_leaky on sine { eta 0.001  period 50  iterations 20  init uniform(-1, 1)  seed 1 }
`;
const dir = mkdtempSync(join(tmpdir(), "crnnc-bench-ctl-"));
const file = (name, text) => (writeFileSync(join(dir, name), text), join(dir, name));
const CASES = [
  { name: "XOR 2-10-1, 300 iterations", file: join(ROOT, "examples/xor.crnn"), iterations: 300 },
  { name: "MNIST 64-4-2, 100 iterations", file: file("mnist.crnn", MNIST(false)), iterations: 100 },
  { name: "XOR with noise, 30 iterations", file: file("xor-noise.crnn", XOR_NOISE), iterations: 30 },
  { name: "MNIST with noise, 20 iterations", file: file("mnist-noise.crnn", MNIST(true)), iterations: 20 },
  { name: "sine leaky ReLU 1-10-1, 20 iterations", file: file("leaky.crnn", LEAKY), iterations: 20 },
  { name: "sine leaky ReLU, Dopri5, 20 iterations", file: file("leaky.crnn", LEAKY), iterations: 20, solver: { method: "dopri5" } },
];
const VARIANTS = [
  { name: "base", build: A, opts: {} },
  { name: "standard", build: B, opts: { controller: "standard" } },
  { name: "predictive", build: B, opts: {} },
  // Rodas5P (Steinebach 2023) in place of Rodas5, with the default controller.
  { name: "rodas5p", build: B, opts: { method: "rodas5p" }, rosenbrockOnly: true },
];
const med = (x) => [...x].sort((p, q) => p - q)[x.length >> 1];

const rows = [];
for (const c of CASES) {
  const variants = VARIANTS.filter((v) => !(v.rosenbrockOnly && c.solver?.method === "dopri5"));
  const irs = variants.map((v) => v.build.compileFile(c.file, { iterations: c.iterations }).ir);
  const ms = variants.map(() => []);
  const stats = [];
  const once = (i) => {
    globalThis.gc?.();
    const r = variants[i].build.train(irs[i], { ...c.solver, ...variants[i].opts });
    stats[i] = { ...r.stats, iterations: r.iterationsRun };
    return r.timings.msPerIteration;
  };
  variants.forEach((_, i) => once(i)); // warm-up
  for (let k = 0; k < rounds; k++) {
    const order = variants.map((_, i) => (i + k) % variants.length);
    for (const i of order) ms[i].push(once(i));
  }
  const row = {
    name: c.name,
    variants: variants.map((v, i) => ({
      name: v.name,
      ms: med(ms[i]),
      ratio: med(ms[i].map((t, k) => t / ms[0][k])),
      steps: stats[i].steps / stats[i].iterations,
      rejected: stats[i].rejected / stats[i].iterations,
    })),
  };
  rows.push(row);
  console.log(
    `${c.name}: ` +
      row.variants
        .map((v) => `${v.name} ${v.ms.toFixed(3)} ms/it (×${v.ratio.toFixed(3)}), ${v.steps.toFixed(1)} steps, ${v.rejected.toFixed(2)} rejected`)
        .join("; "),
  );
}
rmSync(dir, { recursive: true, force: true });

if (!args.includes("--no-docs")) {
  const git = (d) => {
    try {
      return execFileSync("git", ["-C", d, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    } catch {
      return "?";
    }
  };
  const START = "<!-- bench:controller:start -->";
  const END = "<!-- bench:controller:end -->";
  writeSection(
    join(ROOT, "docs/performance.md"),
    START,
    END,
    [
      START,
      "## Step controller",
      "",
      `Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} by \`node --expose-gc bench/controller.mjs --base DIR\` on ${machineInfo().line}: base = ${git(baseDir)} (plain controller, growth allowed right after a rejection, no switch location), standard and predictive = this build (${git(ROOT)}) with \`controller: "standard"\` and its default (Gustafsson's predictive controller for the Rosenbrock methods, the PI controller for Dopri5); rodas5p = this build with Rodas5P in place of Rodas5. One process, variants alternating over ${rounds} rounds; ms per iteration is the median, the ratio the median of the pairwise ratios to base (below 1: faster). Steps and rejections are per iteration (deterministic).`,
      "",
      "| case | variant | ms / iteration | ratio to base | steps / iteration | rejected / iteration |",
      "| --- | --- | ---: | ---: | ---: | ---: |",
      ...rows.flatMap((r) =>
        r.variants.map(
          (v, i) =>
            `| ${i === 0 ? r.name : ""} | ${v.name} | ${v.ms.toFixed(3)} | ${i === 0 ? "1" : `**${v.ratio.toFixed(3)}**`} | ${v.steps.toFixed(1)} | ${v.rejected.toFixed(2)} |`,
        ),
      ),
      END,
    ].join("\n"),
  );
}
