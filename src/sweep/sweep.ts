// Runs a sweep's grid on a pool of worker threads (worker.ts), with a resume log: every
// finished run is appended to OUT/points.jsonl as one JSON line, and runs whose key (source
// hash, network, iterations, point, seed) is already there are not run again. OUT/summary.json
// and OUT/summary.csv (summary.ts) are rewritten atomically after each run and at the end.
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
}

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

export const LOG_NAME = "points.jsonl";

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
  const files = { log: join(cfg.out, LOG_NAME), json: join(cfg.out, "summary.json"), csv: join(cfg.out, "summary.csv") };
  const points = expandGrid(cfg.axes);
  const runs = expandRuns(points, cfg.seeds);
  const keyOf = (r: Run) => runKey(cfg.hash, cfg.network, cfg.iterations, points[r.point]!, r.seed, cfg.solver);

  // Resume: the log's records for this file (same sources) and iteration count.
  const { records, skipped } = readLog(files.log);
  if (skipped) log(`note: ${skipped} unreadable line${skipped === 1 ? "" : "s"} in ${files.log} ignored (a run cut short by a crash is run again)`);
  const done = new Map<string, RunRecord>();
  for (const r of records) done.set(r.key, r);
  const pending = runs.filter((r) => !done.has(keyOf(r)));
  const resumed = runs.length - pending.length;
  // A torn last line would swallow the next one: start appending on a fresh line.
  if (existsSync(files.log)) {
    const text = readFileSync(files.log, "utf8");
    if (text.length && !text.endsWith("\n")) appendFileSync(files.log, "\n");
  }

  const rows = () => summarise(points, cfg.seeds, (p, seed) => done.get(runKey(cfg.hash, cfg.network, cfg.iterations, points[p]!, seed, cfg.solver)));
  const failed: SweepOutcome["failed"] = [];
  let finished = 0;
  const writeSummary = () => {
    const r = rows();
    const complete = r.reduce((a, x) => a + x.runs, 0);
    const summary = {
      format: "crnnc-sweep-summary",
      crnnc: VERSION,
      file: cfg.file,
      network: cfg.network,
      dataset: cfg.dataset,
      hash: cfg.hash,
      iterations: cfg.iterations,
      solver: { method: "rodas5", rtol: 1e-6, atol: 1e-9, ...cfg.solver },
      axes: cfg.axes,
      seeds: cfg.seeds,
      runs: { total: runs.length, done: complete, failed: failed.length },
      spread: "sd: sample standard deviation (n − 1) over the seeds; min and max over the seeds",
      points: r,
    };
    writeFileAtomic(files.json, JSON.stringify(summary, null, 1) + "\n");
    writeFileAtomic(files.csv, summaryCsv(cfg.axes, r));
  };
  writeSummary();

  const workers = Math.max(0, Math.min(cfg.workers, pending.length));
  log(
    `sweep ${cfg.file}: ${points.length} point${points.length === 1 ? "" : "s"} × ${cfg.seeds.length} seed${cfg.seeds.length === 1 ? "" : "s"} = ${runs.length} run${runs.length === 1 ? "" : "s"}` +
      `${resumed ? `, ${resumed} already in ${files.log}` : ""}; ${pending.length} to run on ${workers} worker${workers === 1 ? "" : "s"}`,
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
