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
  if (worst >= 0)
    throw new BlowupError(
      `concentration of ${ir.species[worst]!.id} ran away to ${x[worst]!.toExponential(3)} (limit ${limit.toExponential(0)})`,
      t,
      ir.species[worst]!.id,
    );
}

/**
 * What an integrator failure at time t stands for: a failing step (the step size underflowing,
 * a non-finite result) is usually the symptom of a runaway concentration, so the blow-up names
 * the species if the state shows one, and keeps the integrator's message after it.
 *
 *   integrationBlowup(ir, x, "the step size underflowed: …", 31468.7, 1e12)
 *     →  BlowupError("concentration of LX1_1_m ran away to 2.2e268 (limit 1e12); the step size underflowed: …")
 * When the state is still finite and bounded, the species the integrator saw fail first (its index) is named.
 */
export function integrationBlowup(ir: CRN, x: Float64Array, message: string, t: number, limit: number, species?: number): BlowupError {
  try {
    checkState(ir, x, t, limit);
  } catch (e) {
    if (e instanceof BlowupError) return new BlowupError(`${e.message}; ${message}`, t, e.species);
    throw e;
  }
  const id = species === undefined ? undefined : ir.species[species]?.id;
  return id ? new BlowupError(`${message}; first in ${id}`, t, id) : new BlowupError(message, t);
}
