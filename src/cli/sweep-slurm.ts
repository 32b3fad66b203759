// `crnnc sweep FILE … --slurm`: a sweep as a Slurm job array. Writes DIR/sweep.json and
// DIR/sweep.sbatch (sweep/slurm.ts: array task I runs `crnnc sweep … --shard I/N`), submits
// with sbatch only the shards that still have runs missing from DIR's logs (so the same command
// again finishes what a killed or failed task left), prints the job id and the collect command.
// With --wait it waits for the array (polling squeue), reports each failed task with its log
// (DIR/logs/shard-I.out), and collects: the same summary.json a run on one machine writes.
//
//   crnnc sweep examples/sine.crnn --over h=2,4 --seeds 3 --shards 3 --slurm --wait
//   → submitted job 42: array tasks 1-3 of 3 … 6 of 6 runs done; sweep-sine/summary.json, …

import { existsSync, mkdirSync, rmSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../util/atomic.js";
import { manifestOf, planRuns, readLogs, keyOf, type SweepConfig } from "../sweep/sweep.js";
import { readStatus, statusName, writeManifest } from "../sweep/shard.js";
import {
  arraySpec,
  haveSbatch,
  sbatchScript,
  SCRIPT_NAME,
  shellQuote,
  submit,
  taskLogPath,
  taskStates,
  waitForJob,
  type SlurmOptions,
} from "../sweep/slurm.js";
import { collectCli } from "./sweep-collect.js";
import type { IO } from "./io.js";

/** The installed CLI the array tasks run: beside this module when bundled or built, else the repository's build. */
function cliPath(): string {
  for (const u of [new URL("./crnnc.js", import.meta.url), new URL("../../dist/cli/crnnc.js", import.meta.url)]) {
    const p = fileURLToPath(u);
    if (existsSync(p)) return p;
  }
  throw new Error("cannot find dist/cli/crnnc.js for the array tasks: build crnnc first (npm run build)");
}

export interface SubmitOptions extends SlurmOptions {
  shards?: number;
  wait: boolean;
  dryRun: boolean;
  quiet: boolean;
  io: IO;
}

export async function submitSweep(config: SweepConfig, args: readonly string[], opts: SubmitOptions): Promise<number> {
  const { io } = opts;
  const dir = resolve(config.out);
  const total = config.axes.reduce((n, a) => n * a.values.length, 1) * config.seeds.length;
  const shards = Math.min(opts.shards ?? Math.min(1000, Math.ceil(total / (opts.cpusPerTask ?? 1))), total);
  mkdirSync(join(dir, "logs"), { recursive: true });
  const sharded: SweepConfig = { ...config, out: dir, shard: { index: 1, count: shards } };
  writeManifest(dir, manifestOf(sharded));

  const script = join(dir, SCRIPT_NAME);
  const name = basename(config.file, extname(config.file));
  writeFileAtomic(script, sbatchScript({ dir, cwd: process.cwd(), node: process.execPath, cli: cliPath(), args, shards, name }, opts));

  // The shards with a run in no log of DIR: only they are submitted.
  const { points, runs, shardOf } = planRuns(sharded, shards);
  const { done } = readLogs(dir);
  const todo = [...new Set(runs.flatMap((r, i) => (done.has(keyOf(config, points, r)) ? [] : [shardOf![i]!])))].sort((a, b) => a - b);
  const missing = runs.filter((r) => !done.has(keyOf(config, points, r))).length;
  const collect = `crnnc sweep collect ${shellQuote(config.out)}`;
  io.stderr(
    `sweep ${config.file}: ${runs.length} run${runs.length === 1 ? "" : "s"} in ${shards} shard${shards === 1 ? "" : "s"}` +
      `${missing < runs.length ? `, ${runs.length - missing} already done` : ""}; script ${script}\n`,
  );
  if (opts.dryRun) {
    io.stdout(
      todo.length
        ? `dry run: would submit sbatch --array=${arraySpec(todo, opts.arrayLimit)} ${shellQuote(script)}\n`
        : `dry run: every run is done; nothing to submit\n`,
    );
    return 0;
  }
  if (todo.length === 0) {
    io.stderr(`every run is in ${dir}'s logs: nothing to submit; collecting\n`);
    return collectCli([config.out], { quiet: opts.quiet || undefined, plot: undefined }, io);
  }
  if (!haveSbatch()) {
    io.stderr(`crnnc: sbatch is not on the PATH: submit ${script} from a Slurm login node (the script is written; --dry-run only writes it)\n`);
    return 1;
  }
  // Each submitted shard writes its status anew; an old one would say it had finished.
  for (const s of todo) rmSync(join(dir, statusName(s)), { force: true });
  const spec = arraySpec(todo, opts.arrayLimit);
  const r = await submit(script, todo, opts.arrayLimit);
  if (!r.jobId) {
    io.stderr(`crnnc: sbatch failed (exit ${r.code}): ${r.stderr.trim()}\n`);
    return 1;
  }
  io.stdout(
    `submitted job ${r.jobId}: array tasks ${spec} (${todo.length} of ${shards} shard${shards === 1 ? "" : "s"}, ${missing} run${missing === 1 ? "" : "s"} to make); logs ${taskLogPath(dir, "%a")}\n` +
      (opts.wait ? `waiting for it (Ctrl-C stops waiting, not the job); then: ${collect}\n` : `when it is done: ${collect}\n`),
  );
  if (!opts.wait) return 0;
  const stop = new AbortController();
  const unhook = io.onSigint?.(() => stop.abort());
  try {
    await waitForJob(r.jobId, stop.signal);
  } finally {
    unhook?.();
  }
  if (stop.signal.aborted) {
    io.stderr(`\ncrnnc: stopped waiting; job ${r.jobId} goes on (squeue -j ${r.jobId}); then: ${collect}\n`);
    return 130;
  }

  // Which tasks failed: Slurm's end state, and the shard's own status file (a task killed or cut off by its time limit writes none).
  const states = taskStates(r.jobId);
  let bad = 0;
  for (const s of todo) {
    const st = states.get(s);
    const status = readStatus(dir, s);
    const ok = (!st || st.state === "COMPLETED") && status !== undefined && !status.interrupted && status.failed.length === 0;
    if (ok) continue;
    bad++;
    const what = st ? `${st.state}${st.exitCode !== "0:0" ? `, exit ${st.exitCode}` : ""}` : status ? "ended with failed runs" : "did not finish";
    io.stderr(`crnnc: array task ${r.jobId}_${s} (shard ${s}/${shards}) ${what}; its log: ${taskLogPath(dir, s)}\n`);
  }
  if (bad) io.stderr(`crnnc: ${bad} array task${bad === 1 ? "" : "s"} failed; the same command again submits only the shards with runs missing\n`);
  return collectCli([config.out], { quiet: opts.quiet || undefined, plot: undefined }, io);
}
