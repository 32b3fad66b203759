// Conveniences of the library API over the stages: train a compiled IR in one call, its
// protocol made from the train block's dataset (loaded here) unless one is given.
//
//   const run = train(compileFile("examples/xor.crnn").ir!, { iterations: 300 });

import type { CRN } from "./ir/types.js";
import type { Dataset, Protocol } from "./ir/protocol.js";
import { loadDataset } from "./data/datasets.js";
import { makeProtocol, type ProtocolOptions } from "./train/protocol.js";
import * as T from "./train/trainer.js";
import { csvText } from "./util/csv.js";

/** The options of `train` and `trainAsync`: the trainer's (solver, readout, `onProgress`, `signal`, checkpoints …) and the protocol's (seed, order, iterations). */
export interface TrainCallOptions extends T.TrainOptions, ProtocolOptions {
  /** The protocol to run (default: made from the dataset, the seed and the order). */
  protocol?: Protocol;
  /** Train on this dataset instead of the train block's. */
  dataset?: Dataset;
}

/**
 * The protocol a run of `ir` uses: the given one, or the train block's dataset (loaded here,
 * split by the train block) in the given order, with the given seed and iteration count.
 *
 * @example
 * ```ts
 * import { compileFile, protocolFor } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const protocol = protocolFor(ir, { order: "cyclic", iterations: 500 });
 * console.log(protocol.data.train.length, protocol.iterations);   // 4 500
 * ```
 */
export function protocolFor(ir: CRN, opts: TrainCallOptions = {}): Protocol {
  if (opts.protocol) return opts.protocol;
  if (!ir.train) throw new TypeError(`\`${ir.name}\` has no train block`);
  const seed = opts.seed ?? ir.train.seed;
  const data = opts.dataset ?? loadDataset(ir.train.dataset, ir.train.split, seed);
  return makeProtocol(ir, data, { ...opts, seed });
}

/**
 * Train a compiled train block in one pot (paper §3.3): per iteration, put the protocol's sample
 * on the inputs and targets and integrate the whole CRN for one period T. Synchronous; see
 * {@link trainAsync} to keep the event loop turning. `onProgress` is called after every
 * iteration; aborting `signal` (from `onProgress`, say) ends the run after the current
 * iteration with `stopped.reason === "interrupted"` and the results so far.
 *
 * @example
 * ```ts
 * import { compileFile, train } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const stop = new AbortController();
 * const run = train(ir, {
 *   iterations: 300,
 *   signal: stop.signal,
 *   onProgress: (p) => {
 *     if (p.last && p.last.trainError < 0.01) stop.abort();   // good enough: stop early
 *   },
 * });
 * console.log(run.iterationsRun, run.averageTrainError, run.weights.w, run.stopped?.reason);
 * ```
 */
export function train(ir: CRN, opts: TrainCallOptions = {}): T.TrainResult {
  return T.train(ir, protocolFor(ir, opts), opts);
}

/**
 * {@link train}, yielding to the event loop about every 50 ms: timers, I/O and signal handlers
 * run while a long training goes on, so an `AbortSignal` can stop it from anywhere
 * (`AbortSignal.timeout(ms)`, a Ctrl-C handler, a web request's cancellation).
 *
 * @example
 * ```ts
 * import { compileFile, trainAsync } from "crnnc";
 * const ir = compileFile("examples/sine.crnn").ir!;
 * const run = await trainAsync(ir, { signal: AbortSignal.timeout(10_000) });   // at most ~10 s
 * if (run.stopped?.reason === "interrupted") console.log(`stopped after ${run.iterationsRun} iterations`);
 * ```
 */
export function trainAsync(ir: CRN, opts: TrainCallOptions = {}): Promise<T.TrainResult> {
  return T.trainAsync(ir, protocolFor(ir, opts), opts);
}

/** The columns of a training history as CSV (`crnnc sim --csv`). */
const HISTORY_COLUMNS = ["iteration", "time", "trainError", "trainAccuracy", "validationError", "validationAccuracy"] as const;

/**
 * A run's history as the CSV `crnnc sim --csv` writes: one line per evaluation with iteration,
 * time, train error and accuracy, validation error and accuracy (empty where there is none).
 *
 * @example
 * ```ts
 * import { compileFile, train, historyCsv } from "crnnc";
 * const run = train(compileFile("examples/xor.crnn").ir!, { iterations: 100 });
 * console.log(historyCsv(run.history).split("\n")[0]);   // iteration,time,trainError,trainAccuracy,validationError,validationAccuracy
 * ```
 */
export function historyCsv(history: readonly T.Evaluation[]): string {
  return csvText(
    HISTORY_COLUMNS,
    history.map((e) => HISTORY_COLUMNS.map((c) => e[c])),
  );
}
