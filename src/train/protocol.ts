// Makes the training protocol (ir/protocol.ts) of a train IR: the sample sequence for every
// iteration, drawn from the seed in the order asked for. The one place where the sample order
// is decided: the trainer, the SBML and Antimony writers and SBML read-back take the result.
//
//   makeProtocol(ir, xor, { order: "epoch" })  →  sequence [3, 1, 0, 2, 2, 0, 1, 3, ...]
//   cyclic: one seeded permutation of the training set, repeated (what the SBML schedule encodes compactly)

import type { CRN } from "../ir/types.js";
import type { Dataset, Protocol, SampleOrder } from "../ir/protocol.js";
import { Rng } from "../util/rng.js";

export interface ProtocolOptions {
  /** Default: random (iid draws). */
  order?: SampleOrder;
  /** Default: the train block's seed. */
  seed?: number;
  /** Default: the train block's iterations. */
  iterations?: number;
}

/**
 * The training protocol of a train IR on a dataset: which sample is on the inputs in each
 * iteration (drawn from the seed in the order asked for: random iid draws by default, epoch
 * permutations, or one cyclic permutation) and when the error is evaluated.
 *
 * @example
 * ```ts
 * import { compileFile, loadDataset, makeProtocol } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const data = loadDataset(ir.train!.dataset, ir.train!.split, ir.train!.seed);
 * const protocol = makeProtocol(ir, data, { order: "epoch", iterations: 400 });
 * ```
 */
export function makeProtocol(ir: CRN, data: Dataset, opts: ProtocolOptions = {}): Protocol {
  if (!ir.train) throw new TypeError(`\`${ir.name}\` has no train block`);
  const order = opts.order ?? "random";
  const seed = opts.seed ?? ir.train.seed;
  const iterations = opts.iterations ?? ir.train.iterations;
  const n = data.train.length;
  if (n === 0) throw new RangeError(`dataset ${data.name} has no training samples`);
  const { inputs, targets } = scheduledSpecies(ir);
  if (data.train[0]!.x.length !== inputs.length || data.train[0]!.y.length !== targets.length)
    throw new RangeError(
      `dataset ${data.name} has ${data.train[0]!.x.length} features and ${data.train[0]!.y.length} targets, but \`${ir.name}\` has ${inputs.length} inputs and ${targets.length} outputs`,
    );
  return { order, seed, iterations, evaluate: ir.train.evaluate, data, inputs, targets, sequence: sampleSequence(order, n, seed, iterations) };
}

/**
 * The training-sample index of each iteration for a dataset of n samples (one cycle for
 * `cyclic`, which repeats).
 *
 * @example
 * ```ts
 * import { sampleSequence } from "crnnc";
 * console.log(sampleSequence("epoch", 4, 1, 8));   // two permutations of 0..3
 * ```
 */
export function sampleSequence(order: SampleOrder, n: number, seed: number, iterations: number): Int32Array {
  if (order === "cyclic") return Int32Array.from(samplePermutation(n, seed));
  const rng = new Rng(seed);
  const out = new Int32Array(iterations);
  if (order === "random") {
    for (let k = 0; k < iterations; k++) out[k] = rng.int(n);
    return out;
  }
  let perm: number[] = [];
  for (let k = 0; k < iterations; k++) {
    if (perm.length === 0) perm = rng.permutation(n);
    out[k] = perm.pop()!;
  }
  return out;
}

/** The fixed permutation of the cyclic order: seeded, walked in order and repeated every epoch. */
export function samplePermutation(n: number, seed: number): number[] {
  return new Rng((seed ^ 0x5b3105ed) >>> 0).permutation(n);
}

/** The input species X0_j and the target species Yhat_i, by index. */
export function scheduledSpecies(ir: CRN): { inputs: Int32Array; targets: Int32Array } {
  const layers = ir.layers ?? [];
  const nIn = layers[0]?.size ?? 0;
  const nOut = layers[layers.length - 1]?.size ?? 0;
  const inputs = new Int32Array(nIn).fill(-1);
  const targets = new Int32Array(nOut).fill(-1);
  ir.species.forEach((s, i) => {
    if (s.role === "input" && s.index !== undefined && s.index < nIn) inputs[s.index] = i;
    else if (s.role === "target" && s.index !== undefined && s.index < nOut) targets[s.index] = i;
  });
  if (inputs.includes(-1) || targets.includes(-1)) throw new TypeError(`\`${ir.name}\` lacks some input or target species`);
  return { inputs, targets };
}
