// The fixed sample order shared by the SBML schedule and `crnnc sim --order sbml`: one seeded
// permutation of the training set, walked in order and repeated every epoch. Iteration k
// (1-based) uses training sample perm[(k − 1) mod N].
//
//   samplePermutation(4, 1)  →  e.g. [2, 0, 3, 1]: iterations 1..8 use 2 0 3 1 2 0 3 1

import { Rng } from "../util/rng.js";

export function samplePermutation(n: number, seed: number): number[] {
  return new Rng((seed ^ 0x5b3105ed) >>> 0).permutation(n);
}
