#!/usr/bin/env node
// Ensemble benchmark (issue 15): `crnnc sim examples/divide.crnn --method ssa --runs 1000` as a
// whole process on 1 worker thread and on 2, alternating (1, 2, 1, 2, …) so that a change of
// load falls on both; the speed-up is the median of the per-pair ratios. Also checks that the
// two write the same CSV byte for byte, and measures the ceiling the machine itself sets: the
// user CPU time of the same 1000 runs as two 500-run processes at once against one 1000-run
// process (two busy cores share caches and memory, and the host has other tenants).
// Prints the figures and writes them into docs/performance.md between
// <!-- bench:ensemble:start --> and <!-- bench:ensemble:end -->.
//
//   npm run build && node bench/ensemble.mjs [--runs N] [--pairs P] [--no-docs]

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, median, numberFlag, writeSection } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DOC = join(ROOT, "docs", "performance.md");
const START = "<!-- bench:ensemble:start -->";
const END = "<!-- bench:ensemble:end -->";
const args = process.argv.slice(2);
const RUNS = numberFlag("--runs", 1000);
const PAIRS = numberFlag("--pairs", 3);
const FILE = "examples/divide.crnn";
const CLI = join(ROOT, "dist/cli/crnnc.js");
const TARGET = 1.8;

const dir = mkdtempSync(join(tmpdir(), "crnnc-bench-ensemble-"));

/** One whole `crnnc sim … --runs` process: wall seconds, user+system CPU seconds (of it and its threads), and its CSV. */
function run(runs, workers, seed = 1, tag = `${workers}`) {
  const csv = join(dir, `w${tag}.csv`);
  const argv = [CLI, "sim", FILE, "--method", "ssa", "--runs", String(runs), "--workers", String(workers), "--seed", String(seed), "--csv", csv];
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const p = spawn("/usr/bin/time", ["-f", "%U %S", process.execPath, ...argv], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => {
      const wall = (performance.now() - t0) / 1000;
      if (code !== 0) return rej(new Error(`crnnc exited ${code}: ${err}`));
      const [u, s] = err.trim().split("\n").at(-1).split(" ").map(Number);
      res({ wall, cpu: u + s, csv: readFileSync(csv, "utf8") });
    });
  });
}

const m = machineInfo();
const started = new Date().toISOString().replace(/\.\d+Z$/, "Z");
const loads = [loadavg()[0].toFixed(2)];
const one = [];
const two = [];
let same = true;
for (let k = 0; k < PAIRS; k++) {
  const a = await run(RUNS, 1);
  const b = await run(RUNS, 2);
  same &&= a.csv === b.csv;
  one.push(a);
  two.push(b);
  console.log(
    `pair ${k + 1}: 1 worker ${a.wall.toFixed(2)} s (CPU ${a.cpu.toFixed(2)} s), 2 workers ${b.wall.toFixed(2)} s (CPU ${b.cpu.toFixed(2)} s): ${(a.wall / b.wall).toFixed(3)}×`,
  );
}
loads.push(loadavg()[0].toFixed(2));
// The machine's own ceiling: the same runs as two half-size processes at once.
const [h1, h2] = await Promise.all([run(RUNS / 2, 1, 1, "h1"), run(RUNS / 2, 1, 2, "h2")]);
const ceiling = median(one.map((r) => r.cpu)) / ((h1.cpu + h2.cpu) / 2);
loads.push(loadavg()[0].toFixed(2));
rmSync(dir, { recursive: true, force: true });

const ratio = median(one.map((a, k) => a.wall / two[k].wall));
const cpuRatio = median(one.map((r) => r.cpu)) / median(two.map((r) => r.cpu));
const verdict = ratio >= TARGET ? "PASS" : "MISS";
const lines = [
  START,
  "## Ensembles on worker threads",
  "",
  `Measured ${started} by \`node bench/ensemble.mjs\` (after \`npm run build\`) on ${m.line}; crnnc at ${m.rev}. 1-minute load average ${loads.join(" / ")} (start / after the pairs / end).`,
  "",
  `\`crnnc sim ${FILE} --method ssa --runs ${RUNS} --csv OUT\` as a whole process with \`--workers 1\` (the runs on the main thread) and \`--workers 2\` (the main thread and one worker thread), ${PAIRS} pairs run alternately; the speed-up is the median of the per-pair ratios of wall-clock time. CPU is user + system time of the process and all its threads.`,
  "",
  "| workers | wall (median) | CPU (median) | runs |",
  "| ---: | ---: | ---: | ---: |",
  `| 1 | ${median(one.map((r) => r.wall)).toFixed(2)} s | ${median(one.map((r) => r.cpu)).toFixed(2)} s | ${RUNS} |`,
  `| 2 | ${median(two.map((r) => r.wall)).toFixed(2)} s | ${median(two.map((r) => r.cpu)).toFixed(2)} s | ${RUNS} |`,
  "",
  `- **Speed-up on 2 workers: ${ratio.toFixed(2)}×** (pairs: ${one.map((a, k) => (a.wall / two[k].wall).toFixed(3)).join(", ")}); target ≥ ${TARGET}×: **${verdict}**. The same CSV on 1 and 2 workers, byte for byte: ${same ? "yes" : "**no**"}.`,
  `- The machine's own share of it: the same ${RUNS} runs as two ${RUNS / 2}-run processes side by side took ${h1.cpu.toFixed(2)} s and ${h2.cpu.toFixed(2)} s of CPU, where one ${RUNS}-run process alone took ${median(one.map((r) => r.cpu)).toFixed(2)} s: two busy cores each ran ${((100 * (h1.cpu + h2.cpu)) / median(one.map((r) => r.cpu)) - 100).toFixed(0)}% slower than one alone (caches and memory shared with the other core and the host's other tenants), so two processes would give ≈ ${ceiling.toFixed(2)}× here. CPU of the 2-worker run over the 1-worker run: ${(1 / cpuRatio).toFixed(3)}.`,
  "",
  "    npm run build && node bench/ensemble.mjs [--runs N] [--pairs P] [--no-docs]",
  END,
];
const text = lines.join("\n");
console.log(text);
if (!args.includes("--no-docs")) writeSection(DOC, START, END, text);
