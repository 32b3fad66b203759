// How large a network this process can hold. A parameter (weight or bias) of a training CRN
// brings about 2 species and 2 reactions with their IR, spans and compiled arrays; measured
// with `crnnc info` (the most memory-hungry command) on a 300-1000-2 network, 303 002
// parameters took 1.13 GB of resident memory, about 3.7 kB each. The V8 heap limit (4 GiB on
// a machine with 16 GiB or more, unless NODE_OPTIONS=--max-old-space-size raises it) bounds
// what fits; a network above ~60% of it is refused before anything is built.
//
//   maxParameters()  →  ≈ 700 000 with a 4 GiB heap

import { getHeapStatistics } from "node:v8";

/** Bytes per weight or bias at the peak of `crnnc info` (300-1000-2: 1.13 GB / 303 002). */
export const BYTES_PER_PARAMETER = 3_700;

/** The most weights + biases this process can compile and analyse without running out of memory. */
export function maxParameters(): number {
  let limit = 4 * 2 ** 30;
  try {
    limit = getHeapStatistics().heap_size_limit;
  } catch {
    /* not Node: assume the common 4 GiB */
  }
  return Math.floor((0.6 * limit) / BYTES_PER_PARAMETER);
}

/** "1.2 GB" */
export function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.round(n / 1e6)} MB`;
}
