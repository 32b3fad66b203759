#!/usr/bin/env node
// Sweep benchmark: the wall time of one `crnnc sweep` on 1 worker thread versus N (default 2),
// each in a fresh process and a fresh output folder (nothing resumed), and the speed-up; also
// checks that both give the same results (points.jsonl without the wall times). The default
// grid is examples/sine.crnn over 7 noise levels ε × 4 seeds = 28 runs of 100 iterations.
// Before and after, it probes the parallel capacity the machine gives this session (a CPU-bound
// loop on 1 thread versus N): on a shared machine that, not the sweep, bounds the speed-up.
// Prints the figures and writes them into docs/performance.md between
// <!-- bench:sweep:start --> and <!-- bench:sweep:end -->.
//
//   npx tsc -p . && node bench/sweep.mjs [--iterations N] [--workers N] [--no-docs]

import { execFileSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, writeSection } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DOC = join(ROOT, "docs", "performance.md");
const START = "<!-- bench:sweep:start -->";
const END = "<!-- bench:sweep:end -->";
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const ITERATIONS = flag("--iterations", 100);
const WORKERS = flag("--workers", 2);
const AXIS = "epsilon=0,0.02,0.04,0.06,0.08,0.1,0.12";
const SEEDS = 4;
const FILE = "examples/sine.crnn";
const BIN = join(ROOT, "dist/cli/bin.js");

/** Newest modification time under dist/: another engineer rebuilding it mid-benchmark changes the code measured. */
function distStamp(dir = join(ROOT, "dist")) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? distStamp(p) : statSync(p).mtimeMs);
  }
  return t;
}

function autogroup() {
  try {
    return readFileSync("/proc/sys/kernel/sched_autogroup_enabled", "utf8").trim() === "1" ? "enabled on this machine" : "disabled on this machine";
  } catch {
    return "not available here";
  }
}

function sweep(workers) {
  const out = mkdtempSync(join(tmpdir(), "crnnc-bench-sweep-"));
  const cmd = [
    "sweep",
    FILE,
    "--over",
    AXIS,
    "--seeds",
    String(SEEDS),
    "--iterations",
    String(ITERATIONS),
    "--workers",
    String(workers),
    "--out",
    out,
    "--quiet",
  ];
  const load = loadavg()[0];
  const t0 = performance.now();
  execFileSync(process.execPath, [BIN, ...cmd], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const wallMs = performance.now() - t0;
  const recs = readFileSync(join(out, "points.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  rmSync(out, { recursive: true, force: true });
  const runMs = recs.reduce((a, r) => a + r.wallMs, 0);
  const results = Object.fromEntries(recs.map(({ wallMs: _w, ...r }) => [r.key, JSON.stringify(r)]));
  return { workers, wallMs, runMs, runs: recs.length, loadBefore: load, loadAfter: loadavg()[0], results, cmd: `crnnc ${cmd.slice(0, -5).join(" ")}` };
}

const SPIN = `const { parentPort, workerData } = require("node:worker_threads");
let x = 0; for (let i = 0; i < workerData; i++) x += i & 1; parentPort.postMessage(x);`;

/** Wall ms of `threads` worker threads each running the same fixed CPU-bound loop. */
async function spin(threads, n = 1e9) {
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: threads }, () => new Promise((res, rej) => new Worker(SPIN, { eval: true, workerData: n }).on("message", res).on("error", rej))),
  );
  return performance.now() - t0;
}

/**
 * How many cores' worth of work this session gets done with WORKERS threads compared to one:
 * WORKERS on an idle machine, less when other sessions keep the cores busy (Linux schedules
 * sessions fairly against each other with autogroups, whatever their thread counts).
 */
async function capacity() {
  const t1 = await spin(1);
  const tn = await spin(WORKERS);
  return (WORKERS * t1) / tn;
}

const started = new Date().toISOString().replace(/\.\d+Z$/, "Z");
const stamp = distStamp();
const capBefore = await capacity();
console.log(`parallel capacity with ${WORKERS} threads before: ${capBefore.toFixed(2)}×`);
const one = sweep(1);
console.log(`1 worker: ${(one.wallMs / 1000).toFixed(1)} s for ${one.runs} runs (sum of run times ${(one.runMs / 1000).toFixed(1)} s)`);
const many = sweep(WORKERS);
console.log(`${WORKERS} workers: ${(many.wallMs / 1000).toFixed(1)} s (sum of run times ${(many.runMs / 1000).toFixed(1)} s)`);
const capAfter = await capacity();
console.log(`parallel capacity with ${WORKERS} threads after: ${capAfter.toFixed(2)}×`);
const speedup = one.wallMs / many.wallMs;
const same = Object.keys(one.results).length === Object.keys(many.results).length && Object.entries(one.results).every(([k, v]) => many.results[k] === v);
console.log(`speed-up ${speedup.toFixed(2)}×; results identical: ${same ? "yes" : "NO"}`);
const rebuilt = distStamp() !== stamp;
if (rebuilt) console.log("WARNING: dist/ was rebuilt while the benchmark ran: the two sweeps may have run different code; run it again");

if (!args.includes("--no-docs")) {
  const m = machineInfo();
  const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
  const row = (r) =>
    `| ${r.workers} | ${r.runs} | ${s(r.wallMs)} | ${s(r.runMs)} | ${(r.runMs / r.runs / 1000).toFixed(2)} s | ${r.loadBefore.toFixed(2)} / ${r.loadAfter.toFixed(2)} |`;
  const text = [
    START,
    "## Sweeps",
    "",
    `Measured ${started} by \`node bench/sweep.mjs\` (after \`npx tsc -p .\`) on ${m.line}${m.rev ? `; crnnc at ${m.rev}` : ""}. The same sweep, each in a fresh process and output folder (nothing resumed), first on 1 worker thread and then on ${WORKERS}:`,
    "",
    `    ${one.cmd} --workers W`,
    "",
    `${one.runs} runs: 7 noise levels ε (ε > 0 adds sine.crnn's default noise block: t0 = 0.05, t1 = 0.005, on backward, nodes) × ${SEEDS} seeds, ${ITERATIONS} iterations of T = 50 each.`,
    "",
    "| workers | runs | wall time | sum of run times | mean run | load 1 min before / after |",
    "| ---: | ---: | ---: | ---: | ---: | ---: |",
    row(one),
    row(many),
    "",
    `- **speed-up** with ${WORKERS} workers: **${speedup.toFixed(2)}×** (wall time of 1 worker / wall time of ${WORKERS}). Results identical on 1 and ${WORKERS} workers (points.jsonl without the wall times): ${same ? "yes" : "**no**"}.${rebuilt ? " **dist/ was rebuilt while the benchmark ran: the sweeps may have run different code.**" : ""}`,
    `- **parallel capacity**: a fixed CPU-bound loop on ${WORKERS} threads of one process against 1 thread, work per wall time: ${capBefore.toFixed(2)}× before the sweeps and ${capAfter.toFixed(2)}× after (${WORKERS}× on an idle machine). It is what other sessions left this one at those moments (about 1× means they kept both cores busy); their jobs start and stop while the sweeps run, so the speed-up measured lies between that and the idle figure.`,
    "- **sum of run times**: the wall time of each run inside its worker (compile + train), summed; it grows with the number of workers when they compete for cores (other processes included).",
    `- **machine load**: the machine is shared with other engineers' tests, benchmarks and sweeps; the 1-minute load averages before and after each sweep are in the last column (the figure before the ${WORKERS}-worker sweep still includes the 1-worker sweep that just ended). Linux's autogroup scheduling (${autogroup()}) shares the cores fairly between sessions, not threads: while other sessions keep both cores busy, a second worker thread mostly splits this session's share with the first, so the speed-up on an idle machine is higher than measured here.`,
    END,
  ].join("\n");
  writeSection(DOC, START, END, text);
  console.log(`wrote ${DOC}`);
}
