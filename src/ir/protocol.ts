// The training protocol as data (paper §3.3): which training sample is on the input and target
// species in which period, and at which iterations the network is evaluated. Made once from an
// IR, a dataset, a seed and an order (train/protocol.ts), then read by everything that needs
// it — the trainer, the SBML and Antimony writers (the schedule event), SBML read-back — so
// that none of them opens a dataset or draws a permutation itself.
//
//   { order: "random", iterations: 36000, sequence: [2, 0, 3, 3, 1, ...], data: xor, ... }
//   iteration k (1-based) puts data.train[sequence[(k − 1) mod sequence.length]] in the pot

export interface Sample {
  x: Float64Array;
  y: Float64Array;
}

export interface Dataset {
  name: string;
  train: Sample[];
  validation: Sample[];
  /** One output with 0/1 targets (threshold accuracy) or one-hot (argmax accuracy); undefined for regression. */
  classification?: "threshold" | "onehot";
}

/** iid draws (with replacement), a fresh permutation each epoch, or one fixed permutation repeated. */
export type SampleOrder = "random" | "epoch" | "cyclic";
export const SAMPLE_ORDERS: readonly SampleOrder[] = ["random", "epoch", "cyclic"];

export interface Protocol {
  order: SampleOrder;
  seed: number;
  iterations: number;
  /** Evaluations at iteration 0, at every multiple of `evaluate`, and at the last iteration. */
  evaluate: number;
  data: Dataset;
  /** Species the samples go on: `inputs[j]` takes x_j, `targets[i]` takes y_i (indices into the IR's species). */
  inputs: Int32Array;
  targets: Int32Array;
  /** The training-sample index of iteration k (1-based) is sequence[(k − 1) mod sequence.length]. */
  sequence: Int32Array;
}

/** The training sample in the pot during iteration k (1-based). */
export function sampleIndex(p: Protocol, k: number): number {
  return p.sequence[(k - 1) % p.sequence.length]!;
}

/** Is the network evaluated after iteration k (0: before the first)? */
export function isEvaluation(p: Pick<Protocol, "evaluate" | "iterations">, k: number): boolean {
  return k === 0 || k % p.evaluate === 0 || k === p.iterations;
}
