// Runs a sweep's grid on a pool of worker threads (worker.ts), with a resume log: every
// finished run is appended to OUT/points.jsonl as one JSON line, and runs whose key (source
// hash, network, iterations, point, seed) is already in any log of OUT are not run again.
// OUT/summary.json and OUT/summary.csv (summary.ts) are rewritten atomically after each run and
// at the end. With a shard (shard.ts) only its slice of the runs is made, logged in
// OUT/points-I.jsonl, and the summaries are left to `collect` (collect.ts); the shard ends by
// writing OUT/shard-I.json. Every process writes OUT/sweep.json, what `collect` needs.
// Aborting `signal` stops handing out runs; the ones under way finish and are kept.
//
//   await runSweep({ file: "examples/sine.crnn", axes: [{ name: "epsilon", values: [0, 0.02] }],
//                    seeds: [1, 2], iterations: 100, workers: 2, out: "sweep-sine", ... }, { log })

import { workerFile } from "../util/worker-file.js";
import { Worker } from "node:worker_threads";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { VERSION } from "../version.js";
import { expandGrid, expandRuns, pointLabel, runKey, type Axis, type Point, type Run, type SolverSettings } from "./grid.js";
import { summarise, summaryCsv, type SummaryRow } from "./summary.js";
import type { Job, RunRecord } from "./point.js";
import { duration } from "../util/duration.js";
import { logFiles, logName, shardPlan, statusName, writeManifest, type Shard, type ShardStatus, type SweepManifest } from "./shard.js";

export { LOG_NAME } from "./shard.js";

export interface SweepConfig {
  file: string;
  target?: string;
  /** Network and dataset names, for the summary. */
  network: string;
  dataset: string;
  axes: Axis[];
  seeds: number[];
  iterations: number;
  /** Hash of the sources (point.ts sourceHash), part of every run's key. */
  hash: string;
  /** Integrator settings for every run (part of the key when given). */
  solver?: SolverSettings;
  workers: number;
  out: string;
  /** Run only this slice of the runs (`--shard I/N`), logged in OUT/points-I.jsonl. */
  shard?: Shard;
  /** Expected cost of one run at each point, in grid order: what shards are balanced by (equal when absent). */
  costs?: number[];
  /** The sensitivity plot was asked for: recorded in OUT/sweep.json, so that `collect` draws it too. */
  plot?: boolean;
}

/** What a summary says about its sweep (a config and a manifest both have it). */
export type SummarySource = Pick<SweepConfig, "file" | "network" | "dataset" | "hash" | "iterations" | "solver" | "axes" | "seeds">;

export interface SweepHooks {
  /** Progress and notes, one line each (stderr). */
  log?: (line: string) => void;
  /** Abort it to stop handing out runs: the ones under way finish and are kept, the outcome is marked `interrupted`. */
  signal?: AbortSignal;
  /** Called with each record as it is appended (tests count runs with it). */
  onRecord?: (r: RunRecord) => void;
}

export interface SweepOutcome {
  total: number;
  /** Runs found in the log, not run again. */
  resumed: number;
  /** Runs finished in this session. */
  ran: number;
  failed: { run: Run; label: string; error: string }[];
  interrupted: boolean;
  rows: SummaryRow[];
  points: Point[];
  files: { log: string; json: string; csv: string };
  wallMs: number;
  /** Sources compiled and models built, over all workers (value axes change values, not the CRN: one of each per structure and worker). */
  compilations: { compiles: number; models: number };
}

/** How often a run under way writes its checkpoint (see Job.checkpoints). */
const CHECKPOINT_SECONDS = 60;

/**
 * The records of a sweep's resume log (`OUT/points.jsonl`): one per finished run; a torn last
 * line, from a crash, is skipped and counted.
 *
 * @example
 * ```ts
 * import { readLog } from "crnnc";
 * const { records } = readLog("sweep-sine/points.jsonl");
 * for (const r of records) console.log(r.point, r.seed, r.averageTrainError);
 * ```
 */
export function readLog(path: string): { records: RunRecord[]; skipped: number } {
  if (!existsSync(path)) return { records: [], skipped: 0 };
  const records: RunRecord[] = [];
  let skipped = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      const r = JSON.parse(line) as RunRecord;
      if (typeof r.key === "string") records.push(r);
      else skipped++;
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

/**
 * The records of every resume log in a sweep's folder (points.jsonl and each shard's
 * points-I.jsonl) by key, and how many unreadable lines `own` (the log this process appends
 * to) has: the others may be written by shards running now.
 */
export function readLogs(dir: string, own?: string): { done: Map<string, RunRecord>; skipped: number } {
  const done = new Map<string, RunRecord>();
  let skipped = 0;
  for (const path of logFiles(dir)) {
    const r = readLog(path);
    if (path === own) skipped = r.skipped;
    for (const rec of r.records) if (!done.has(rec.key)) done.set(rec.key, rec);
  }
  return { done, skipped };
}

/** The key of each of a sweep's runs. */
export function keyOf(s: Pick<SweepConfig, "hash" | "network" | "iterations" | "solver">, points: readonly Point[], r: Run): string {
  return runKey(s.hash, s.network, s.iterations, points[r.point]!, r.seed, s.solver);
}

/**
 * Write OUT/summary.json and OUT/summary.csv (atomically) from the finished runs in `done`;
 * returns the rows. The same sweep gives the same bytes, whichever processes made its runs.
 */
export function writeSummaries(s: SummarySource, out: string, done: ReadonlyMap<string, RunRecord>, failed: number): SummaryRow[] {
  const points = expandGrid(s.axes);
  const rows = summarise(points, s.seeds, (p, seed) => done.get(keyOf(s, points, { point: p, seed })));
  const summary = {
    format: "crnnc-sweep-summary",
    crnnc: VERSION,
    file: s.file,
    network: s.network,
    dataset: s.dataset,
    hash: s.hash,
    iterations: s.iterations,
    solver: { method: "rodas5", rtol: 1e-6, atol: 1e-9, ...s.solver },
    axes: s.axes,
    seeds: s.seeds,
    runs: { total: points.length * s.seeds.length, done: rows.reduce((a, x) => a + x.runs, 0), failed },
    spread: "sd: sample standard deviation (n − 1) over the seeds; min and max over the seeds",
    points: rows,
  };
  writeFileAtomic(join(out, "summary.json"), JSON.stringify(summary, null, 1) + "\n");
  writeFileAtomic(join(out, "summary.csv"), summaryCsv(s.axes, rows));
  return rows;
}

/** The manifest of a sweep (OUT/sweep.json): its config without the workers, the folder and the slice. */
export function manifestOf(cfg: SweepConfig): SweepManifest {
  return {
    format: "crnnc-sweep",
    file: cfg.file,
    ...(cfg.target !== undefined ? { target: cfg.target } : {}),
    network: cfg.network,
    dataset: cfg.dataset,
    hash: cfg.hash,
    iterations: cfg.iterations,
    ...(cfg.solver ? { solver: cfg.solver } : {}),
    axes: cfg.axes,
    seeds: cfg.seeds,
    ...(cfg.costs ? { costs: cfg.costs } : {}),
    ...(cfg.shard ? { shards: cfg.shard.count } : {}),
    ...(cfg.plot ? { plot: true } : {}),
  };
}

/** The runs of a sweep and, when sharded, the shard (1-based) of each, as every process computes them. */
export function planRuns(s: Pick<SweepConfig, "axes" | "seeds" | "costs">, shards?: number): { points: Point[]; runs: Run[]; shardOf?: number[] } {
  const points = expandGrid(s.axes);
  const runs = expandRuns(points, s.seeds);
  if (shards === undefined) return { points, runs };
  return {
    points,
    runs,
    shardOf: shardPlan(
      runs.map((r) => s.costs?.[r.point] ?? 1),
      shards,
    ),
  };
}

/**
 * Run a sweep's grid on a pool of worker threads, as `crnnc sweep` does, from a full config
 * (see {@link sweepConfig}, or {@link sweep} to do both in one call). Every finished run is
 * appended to `OUT/points.jsonl` and runs already there are not run again (resume);
 * `summary.json` and `summary.csv` are rewritten after each run. Aborting `hooks.signal` stops
 * handing out runs: the ones under way finish and are kept, and the outcome is `interrupted`.
 *
 * @example
 * ```ts
 * import { runSweep, sweepConfig } from "crnnc";
 * const { config } = sweepConfig("examples/sine.crnn", { over: { period: [10, 20] }, seeds: [1], iterations: 50, workers: 1, out: "sweep-out" });
 * const stop = new AbortController();
 * const outcome = await runSweep(config, { signal: stop.signal, onRecord: () => stop.abort() });
 * console.log(outcome.interrupted, outcome.ran);   // true 1
 * ```
 */
export async function runSweep(cfg: SweepConfig, hooks: SweepHooks = {}): Promise<SweepOutcome> {
  const t0 = performance.now();
  const log = hooks.log ?? (() => {});
  mkdirSync(cfg.out, { recursive: true });
  // Runs under way keep checkpoints here: a sweep killed in a long point resumes it on the next run.
  const checkpointDir = join(cfg.out, "checkpoints");
  mkdirSync(checkpointDir, { recursive: true });
  const files = { log: join(cfg.out, logName(cfg.shard)), json: join(cfg.out, "summary.json"), csv: join(cfg.out, "summary.csv") };
  writeManifest(cfg.out, manifestOf(cfg));
  const plan = planRuns(cfg, cfg.shard?.count);
  const points = plan.points;
  // This process's runs: all of them, or its shard's slice.
  const runs = plan.shardOf ? plan.runs.filter((_, i) => plan.shardOf![i] === cfg.shard!.index) : plan.runs;
  const shardText = cfg.shard ? ` (shard ${cfg.shard.index}/${cfg.shard.count})` : "";

  // Resume: the records of every log in OUT for this file (same sources) and iteration count.
  const { done, skipped } = readLogs(cfg.out, files.log);
  if (skipped) log(`note: ${skipped} unreadable line${skipped === 1 ? "" : "s"} in ${files.log} ignored (a run cut short by a crash is run again)`);
  const pending = runs.filter((r) => !done.has(keyOf(cfg, points, r)));
  const resumed = runs.length - pending.length;
  // A torn last line would swallow the next one: start appending on a fresh line.
  if (existsSync(files.log)) {
    const text = readFileSync(files.log, "utf8");
    if (text.length && !text.endsWith("\n")) appendFileSync(files.log, "\n");
  }

  const rows = () => summarise(points, cfg.seeds, (p, seed) => done.get(keyOf(cfg, points, { point: p, seed })));
  const failed: SweepOutcome["failed"] = [];
  let finished = 0;
  // A shard leaves the summaries to `collect`: the shards running beside it would overwrite each other's.
  const writeSummary = () => void (cfg.shard ? undefined : writeSummaries(cfg, cfg.out, done, failed.length));
  writeSummary();

  const workers = Math.max(0, Math.min(cfg.workers, pending.length));
  log(
    `sweep ${cfg.file}${shardText}: ${points.length} point${points.length === 1 ? "" : "s"} × ${cfg.seeds.length} seed${cfg.seeds.length === 1 ? "" : "s"} = ${plan.runs.length} run${plan.runs.length === 1 ? "" : "s"}` +
      `${cfg.shard ? `, ${runs.length} in this shard` : ""}${resumed ? `, ${resumed} already in ${files.log}` : ""}; ${pending.length} to run on ${workers} worker${workers === 1 ? "" : "s"}`,
  );

  let interrupted = false;
  const counts = new Map<Worker, { compiles: number; models: number }>();
  if (pending.length) {
    const url = workerFile(import.meta.url, "sweep");
    await new Promise<void>((resolveAll) => {
      let next = 0;
      /** The run each busy worker is on. */
      const busy = new Map<Worker, Run>();
      const pool = new Set<Worker>();
      const finish = () => {
        if (busy.size > 0) return;
        for (const w of pool) void w.terminate();
        pool.clear();
        resolveAll();
      };
      const dispatch = (w: Worker) => {
        if (hooks.signal?.aborted) interrupted = next < pending.length;
        if (next >= pending.length || hooks.signal?.aborted) return finish();
        const run = pending[next++]!;
        busy.set(w, run);
        const job: Job = {
          file: cfg.file,
          ...(cfg.target !== undefined ? { target: cfg.target } : {}),
          point: points[run.point]!,
          seed: run.seed,
          iterations: cfg.iterations,
          ...(cfg.solver ? { solver: cfg.solver } : {}),
          checkpoints: { dir: checkpointDir, seconds: CHECKPOINT_SECONDS },
        };
        w.postMessage(job);
      };
      const progress = (run: Run, what: string) => {
        finished++;
        const elapsed = performance.now() - t0;
        const left = pending.length - finished;
        const eta = left > 0 ? `  ETA ${duration((elapsed / finished) * left)}` : "";
        log(
          `[${String(resumed + finished).padStart(String(runs.length).length)}/${runs.length}] ${pointLabel(points[run.point]!)} seed ${run.seed}: ${what}${eta}`,
        );
      };
      const fail = (run: Run, error: string, what: string) => {
        failed.push({ run, label: pointLabel(points[run.point]!), error });
        progress(run, what);
      };
      const spawn = (): Worker => {
        const w = new Worker(url);
        pool.add(w);
        w.on("message", (msg: { record?: RunRecord; error?: string; counts?: { compiles: number; models: number } }) => {
          if (msg.counts) counts.set(w, msg.counts);
          const run = busy.get(w)!;
          busy.delete(w);
          const rec = msg.record;
          if (rec && rec.hash !== cfg.hash) {
            fail(run, `${cfg.file} (or a file it imports) changed during the sweep`, "the source changed during the sweep; stopping");
            next = pending.length;
          } else if (rec) {
            appendFileSync(files.log, JSON.stringify(rec) + "\n");
            done.set(rec.key, rec);
            hooks.onRecord?.(rec);
            writeSummary();
            const e = rec.averageTrainError === null ? "-" : rec.averageTrainError.toPrecision(4);
            const v = rec.finalValidationError === null ? "" : `, validation E ${rec.finalValidationError.toPrecision(4)}`;
            progress(run, `${rec.stopped?.reason === "blowup" ? `blew up (${rec.stopped.message}); ` : ""}avg train E ${e}${v} (${duration(rec.wallMs)})`);
          } else fail(run, msg.error ?? "unknown error", `failed: ${(msg.error ?? "").split("\n")[0]}`);
          dispatch(w);
        });
        // A crashed worker (out of memory, a bug): its run failed; carry on with a fresh worker.
        w.on("error", (e) => {
          pool.delete(w);
          const run = busy.get(w);
          busy.delete(w);
          if (run) fail(run, `worker crashed: ${e.message}`, `worker crashed: ${e.message}`);
          dispatch(spawn());
        });
        return w;
      };
      for (let i = 0; i < workers; i++) dispatch(spawn());
    });
  }
  const r = rows();
  writeSummary();
  if (cfg.shard) {
    const status: ShardStatus = {
      shard: `${cfg.shard.index}/${cfg.shard.count}`,
      runs: runs.length,
      resumed,
      ran: finished - failed.length,
      failed: failed.map((f) => ({ point: points[f.run.point]!, seed: f.run.seed, error: f.error })),
      interrupted,
    };
    writeFileAtomic(join(cfg.out, statusName(cfg.shard.index)), JSON.stringify(status, null, 1) + "\n");
  }
  const compilations = { compiles: 0, models: 0 };
  for (const c of counts.values()) {
    compilations.compiles += c.compiles;
    compilations.models += c.models;
  }
  return {
    total: runs.length,
    resumed,
    ran: finished - failed.length,
    failed,
    interrupted,
    rows: r,
    points,
    files,
    wallMs: performance.now() - t0,
    compilations,
  };
}
