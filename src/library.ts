// Conveniences of the library API over the stages: train a compiled IR in one call, its
// protocol made from the train block's dataset (loaded here) unless one is given.
//
//   const run = train(compileFile("examples/xor.crnn").ir!, { iterations: 300 });

import type { CRN } from "./ir/types.js";
import type { Dataset, Protocol } from "./ir/protocol.js";
import { loadDataset } from "./data/datasets.js";
import { makeProtocol, type ProtocolOptions } from "./train/protocol.js";
import * as T from "./train/trainer.js";

export interface TrainCallOptions extends T.TrainOptions, ProtocolOptions {
  /** The protocol to run (default: made from the dataset, the seed and the order). */
  protocol?: Protocol;
  /** Train on this dataset instead of the train block's. */
  dataset?: Dataset;
}

/** The protocol a run of `ir` uses: the given one, or the train block's dataset in the given order. */
export function protocolFor(ir: CRN, opts: TrainCallOptions = {}): Protocol {
  if (opts.protocol) return opts.protocol;
  if (!ir.train) throw new TypeError(`\`${ir.name}\` has no train block`);
  const seed = opts.seed ?? ir.train.seed;
  const data = opts.dataset ?? loadDataset(ir.train.dataset, ir.train.split, seed);
  return makeProtocol(ir, data, { ...opts, seed });
}

export function train(ir: CRN, opts: TrainCallOptions = {}): T.TrainResult {
  return T.train(ir, protocolFor(ir, opts), opts);
}

export function trainAsync(ir: CRN, opts: TrainCallOptions = {}): Promise<T.TrainResult> {
  return T.trainAsync(ir, protocolFor(ir, opts), opts);
}
