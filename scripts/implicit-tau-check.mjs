// The leap of implicit τ-leaping against runaways (docs/results.md, "XOR under intrinsic noise"):
// examples/xor.crnn with rail annihilation at Ω = 10⁵, seeds 1–3, 3000 iterations, at each leap
// τ given (default 0.25 and 0.125), one run after another; prints a line per run (iterations
// run, how it stopped, final E and accuracy, the iteration from which it classified every sample
// to the end) and a markdown table. The study (scripts/ssa-study.mjs) runs at τ = 0.25, where two
// of these three runs run away; at 0.125 none does.
//
//   npx tsc -p . && node scripts/implicit-tau-check.mjs [--tau 0.25,0.125] [--volume 100000] [--iterations 3000]

import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const TAUS = opt("--tau", "0.25,0.125").split(",").map(Number);
const VOLUME = Number(opt("--volume", "100000"));
const ITERATIONS = Number(opt("--iterations", "3000"));
const { compileFile, train } = await import(pathToFileURL(join(ROOT, "dist/index.js")).href);

const rows = [];
for (const tau of TAUS)
  for (const seed of [1, 2, 3]) {
    const ir = compileFile(join(ROOT, "examples/xor.crnn"), { annihilate: 1, seed }).ir;
    const t0 = Date.now();
    const r = train({ ...ir, train: { ...ir.train, evaluate: 100 } }, { seed, iterations: ITERATIONS, method: "implicit-tau", volume: VOLUME, tau });
    const last = r.history.at(-1);
    const from = r.history.findIndex((_, i) => r.history.slice(i).every((g) => g.trainAccuracy === 1));
    const row = {
      tau,
      seed,
      iterationsRun: r.iterationsRun,
      stopped: r.stopped?.message,
      E: last?.trainError,
      accuracy: last?.trainAccuracy,
      heldFrom: from >= 0 ? r.history[from].iteration : null,
      seconds: (Date.now() - t0) / 1000,
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
console.log(`\n| τ | seed | iterations run | ran away | final E | final accuracy | 100% from iteration |\n| ---: | ---: | ---: | --- | ---: | ---: | ---: |`);
for (const r of rows)
  console.log(
    `| ${r.tau} | ${r.seed} | ${r.iterationsRun} | ${r.stopped ? "yes" : "no"} | ${r.E?.toFixed(3)} | ${Math.round(100 * (r.accuracy ?? 0))}% | ${r.heldFrom ?? "—"} |`,
  );
