// Blow-up detection: a non-finite or runaway concentration ends a run with a message that says
// when and which species, so the caller can keep and write what it computed so far.
//
//   checkState(ir, x, 1200, 1e12)  →  throws BlowupError("concentration of W0_1_0_p ran away to 3.2e12 ...")

import type { CRN } from "../ir/types.js";

export class BlowupError extends Error {
  constructor(
    message: string,
    readonly time: number,
    readonly species?: string,
  ) {
    super(message);
  }
}

/** Throw a BlowupError if some concentration is not finite or exceeds `limit`. */
export function checkState(ir: CRN, x: Float64Array, t: number, limit: number): void {
  let worst = -1;
  for (let q = 0; q < x.length; q++) {
    const v = x[q]!;
    if (!Number.isFinite(v)) throw new BlowupError(`concentration of ${ir.species[q]!.id} is not finite`, t, ir.species[q]!.id);
    if (v > limit && (worst < 0 || v > x[worst]!)) worst = q;
  }
  if (worst >= 0) throw new BlowupError(`concentration of ${ir.species[worst]!.id} ran away to ${x[worst]!.toExponential(3)} (limit ${limit.toExponential(0)})`, t, ir.species[worst]!.id);
}
