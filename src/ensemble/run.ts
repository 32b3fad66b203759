// An ensemble of stochastic runs on threads (the main one and workers): runs are dealt out in fixed chunks, each
// run seeded by its index, and the main thread keeps every run's values in run order — so mean,
// sd and percentiles are the same bits on 1 worker or 8. Output in the layout of the Discrete
// Stochastic Models Test Suite: per time, per id, the mean and the sample sd (n − 1).
//
//   await runEnsemble({ kind: "crnn", file, until: 10, points: 11, method: "ssa", volume: 100, seed: 1 }, 1000, 2)
//     →  { ids, t, runs: 1000, mean, sd, quantiles: { 0.05: ..., 0.5: ..., 0.95: ... }, paths, events }

import { workerFile } from "../util/worker-file.js";
import { Worker } from "node:worker_threads";
import { loadEnsembleModel, EnsembleModelError, type EnsembleJob } from "./model.js";

export { EnsembleModelError, type EnsembleJob };

export interface EnsembleResult {
  ids: string[];
  t: number[];
  runs: number;
  /** mean[i][j], sd[i][j]: id j at t[i]. */
  mean: Float64Array[];
  sd: Float64Array[];
  /** The 5th, 50th and 95th percentiles (nearest rank) per time and id. */
  quantiles: Record<"p5" | "p50" | "p95", Float64Array[]>;
  /** The first few runs' trajectories (paths[k][i][j]). */
  paths: Float64Array[][];
  events: number;
  workers: number;
  wallMs: number;
}

/** Runs per message to a worker: small enough to balance, large enough that messaging is noise. */
const CHUNK = 8;
const PATHS = 5;

/**
 * An ensemble of `runs` stochastic runs of a `.crnn` file or an SBML model on `workers` worker
 * threads (`crnnc sim FILE --method ssa --runs N`): per time and id the mean, the sd and the
 * 5th/50th/95th percentiles, and the first runs' paths. Run i is seeded from `job.seed` and i,
 * so the result does not depend on the number of workers. `onRun` is called as runs finish.
 *
 * @example
 * ```ts
 * import { runEnsemble } from "crnnc";
 * const r = await runEnsemble({ kind: "crnn", file: "examples/divide.crnn", until: 2, points: 11, method: "ssa", volume: 100, seed: 1 }, 400, 2);
 * console.log(r.ids, r.mean[10], r.quantiles.p95[10]);
 * ```
 */
export async function runEnsemble(job: EnsembleJob, runs: number, workers: number, onRun?: (done: number) => void): Promise<EnsembleResult> {
  const t0 = performance.now();
  // Loaded here too: its ids and times, and its errors before any thread starts.
  const model = loadEnsembleModel(job);
  const width = model.ids.length;
  const values: Float64Array[] = new Array(runs);
  let events = 0;
  let done = 0;
  const n = Math.max(1, Math.min(workers, Math.ceil(runs / CHUNK)));
  // The main thread runs chunks too, next to n − 1 worker threads: it has the model loaded
  // and its code warm already, and a worker more would only add its start (loading crnnc,
  // compiling the model) and its messages. Each worker holds two chunks, so that it never
  // waits for the main thread to hand it the next while it is busy with a run. On one thread
  // the main thread runs them all.
  const url = n > 1 ? workerFile(import.meta.url, "ensemble") : "";
  let next = 0;
  const take = (): number[] | undefined => {
    if (next >= runs) return undefined;
    const chunk = Array.from({ length: Math.min(CHUNK, runs - next) }, (_, k) => next + k);
    next += chunk.length;
    return chunk;
  };
  await new Promise<void>((resolve, reject) => {
    const pool: Worker[] = [];
    let live = n;
    let failed = false;
    const finish = (e?: Error) => {
      if (failed) return;
      if (e) failed = true;
      for (const w of pool) void w.terminate();
      if (e) reject(e);
      else resolve();
    };
    const ended = () => {
      if (--live === 0) finish();
    };
    for (let k = 1; k < n; k++) {
      const w = new Worker(url, { workerData: job });
      pool.push(w);
      let held = 0;
      const deal = () => {
        const chunk = take();
        if (!chunk) return false;
        held++;
        w.postMessage({ runs: chunk });
        return true;
      };
      w.on("message", (msg: { i?: number; values?: Float64Array; events?: number; done?: boolean; error?: string }) => {
        if (msg.error !== undefined) return finish(new EnsembleModelError(msg.error));
        if (msg.done) {
          held--;
          if (!deal() && held === 0) {
            void w.terminate();
            ended();
          }
          return;
        }
        values[msg.i!] = msg.values!;
        events += msg.events ?? 0;
        onRun?.(++done);
      });
      w.on("error", (e) => finish(e));
      if (!deal()) {
        void w.terminate();
        ended();
      } else deal();
    }
    // The main thread's share, a chunk at a time, letting the workers' messages in between.
    void (async () => {
      try {
        for (let chunk = take(); chunk && !failed; chunk = take()) {
          for (const i of chunk) {
            const r = model.run(i);
            values[i] = r.values;
            events += r.events;
            onRun?.(++done);
          }
          await new Promise<void>((go) => setImmediate(go));
        }
        ended();
      } catch (e) {
        finish(e as Error);
      }
    })();
  });
  // Statistics in run order: the same sums whatever thread ran which run.
  const P = model.t.length;
  const mean: Float64Array[] = [];
  const sd: Float64Array[] = [];
  const quantiles = { p5: [] as Float64Array[], p50: [] as Float64Array[], p95: [] as Float64Array[] };
  const column = new Float64Array(runs);
  for (let p = 0; p < P; p++) {
    const m = new Float64Array(width);
    const s = new Float64Array(width);
    const q5 = new Float64Array(width);
    const q50 = new Float64Array(width);
    const q95 = new Float64Array(width);
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (let i = 0; i < runs; i++) sum += column[i] = values[i]![p * width + j]!;
      const mu = sum / runs;
      let ss = 0;
      for (let i = 0; i < runs; i++) ss += (column[i]! - mu) ** 2;
      m[j] = mu;
      s[j] = runs > 1 ? Math.sqrt(ss / (runs - 1)) : 0;
      column.sort();
      const rank = (q: number) => column[Math.min(runs - 1, Math.max(0, Math.ceil(q * runs) - 1))]!;
      q5[j] = rank(0.05);
      q50[j] = rank(0.5);
      q95[j] = rank(0.95);
    }
    mean.push(m);
    sd.push(s);
    quantiles.p5.push(q5);
    quantiles.p50.push(q50);
    quantiles.p95.push(q95);
  }
  const paths = values.slice(0, PATHS).map((v) => Array.from({ length: P }, (_, p) => v.slice(p * width, (p + 1) * width)));
  return { ids: model.ids, t: model.t, runs, mean, sd, quantiles, paths, events, workers: n, wallMs: performance.now() - t0 };
}
