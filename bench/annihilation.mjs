// What rail annihilation (W.p + W.m -> 0) costs and changes, one run at a time so that the
// wall times compare: ms and Rosenbrock steps per iteration, the average train error and the
// largest weight rail, with and without it, on the sine studies' networks (noisy and
// noise-free), on examples/xor.crnn and on the deeper 3-4-4-2 networks that decided the
// default (experiments/deep-*.crnn). Prints a Markdown table; docs/results.md quotes it.
//
//   npx tsc -p . && node bench/annihilation.mjs

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compileFile } from "../dist/compile.js";
import { train } from "../dist/library.js";
import { machineInfo } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const CASES = [
  ["experiments/sine-smooth.crnn", 0.1, 200],
  ["experiments/sine-leaky.crnn", 0.1, 200],
  ["experiments/sine-smooth.crnn", 0, 1300],
  ["experiments/sine-leaky.crnn", 0, 1300],
  ["examples/xor.crnn", undefined, 3000],
  ["experiments/deep-tanh.crnn", undefined, 1500],
  ["experiments/deep-sigmoid.crnn", undefined, 1500],
  ["experiments/deep-smooth.crnn", undefined, 1500],
];

console.log(`${machineInfo().line}; seed 1 (the files' own)\n`);
console.log("| run | ms per iteration | steps per iteration | average train E | largest weight rail | |");
console.log("| --- | ---: | ---: | ---: | ---: | --- |");
for (const [file, epsilon, iterations] of CASES)
  for (const annihilate of [0, 1]) {
    const r = compileFile(join(ROOT, file), { ...(epsilon !== undefined ? { settings: { epsilon } } : {}), annihilate });
    if (!r.ir) throw new Error(`${file} does not compile`);
    const t0 = performance.now();
    const res = train(r.ir, { iterations });
    const run = res.iterationsRun;
    const ms = (performance.now() - t0) / run;
    let rail = 0;
    r.ir.species.forEach((s, i) => {
      if (s.role === "weight") rail = Math.max(rail, res.finalState[i]);
    });
    const name = `${file.replace(/^experiments\/|\.crnn$/g, "")}, ε = ${epsilon ?? 0}, ${iterations} iterations, annihilation ${annihilate ? "on" : "off"}`;
    console.log(
      `| ${name} | ${ms.toFixed(2)} | ${(res.stats.steps / run).toFixed(1)} | ${res.averageTrainError.toFixed(4)} | ${rail.toPrecision(3)} |${res.stopped ? ` blew up at iteration ${run + 1} |` : " |"}`,
    );
  }
