// The rate-law convention, stated once: mass action without combinatorial factors, as in the
// paper and COPASI. A reaction Σ n_i S_i → ... at rate constant k proceeds at k · Π x_i^{n_i},
// so `2 X -> X @ k` contributes −k·x² to dx/dt. Rate laws (`@ rate(expr)`) are their expression.
//
//   reactionRate(2X -> X @ 3, x = 2)  =  3 · 2²  =  12

import { evalExpr } from "./expr.js";
import { constValue, paramValues } from "./parameters.js";
import type { CRN, IRExpr, Reaction, Tag } from "./types.js";

/** A rate law's value at state x with parameter values p. */
export function evalIRExpr(e: IRExpr, x: ArrayLike<number>, p: ArrayLike<number>): number {
  return evalExpr(e, (l) => (l.k === "species" ? x[l.s]! : p[l.p]!));
}

/**
 * A reaction's rate at state x with parameter values p: k · Π x_i^{n_i} for mass action (no
 * combinatorial factors, as in the paper and COPASI), the expression for a rate law.
 *
 * @example
 * ```ts
 * import { compile, paramValues, reactionRate } from "crnnc";
 * const ir = compile("crn c {\n  2 X -> X @ 3\n}\n").ir!;
 * console.log(reactionRate(ir.reactions[0]!, [2], paramValues(ir)));   // 3 · 2² = 12
 * ```
 */
export function reactionRate(r: Reaction, x: ArrayLike<number>, p: ArrayLike<number>): number {
  if (r.rate.kind === "law") return evalIRExpr(r.rate.expr, x, p);
  let v = constValue(r.rate.k, p);
  for (const t of r.reactants) {
    const c = x[t.s]!;
    v *= t.n === 1 ? c : t.n === 2 ? c * c : c ** t.n;
  }
  return v;
}

export interface Rhs {
  /** dx/dt for every species. */
  dx: Float64Array;
  /** For each species, the largest |contribution| of a single reaction: the scale dx is small against. */
  scale: Float64Array;
}

/**
 * The right-hand side dx/dt of the CRN's ODE at state x (optionally of some sub-networks only),
 * and per species the largest single contribution, the scale dx is small against.
 *
 * @example
 * ```ts
 * import { compile, massActionRhs } from "crnnc";
 * const ir = compile("crn c {\n  A -> B @ 2\n}\n").ir!;
 * console.log(massActionRhs(ir, [1, 0]).dx);   // Float64Array [ -2, 2 ]
 * ```
 */
export function massActionRhs(ir: CRN, x: ArrayLike<number>, tags?: readonly Tag[]): Rhs {
  const n = ir.species.length;
  const p = paramValues(ir);
  const dx = new Float64Array(n);
  const scale = new Float64Array(n);
  for (const r of ir.reactions) {
    if (tags && !tags.includes(r.tag)) continue;
    const v = reactionRate(r, x, p);
    for (const t of r.reactants) {
      dx[t.s]! -= t.n * v;
      scale[t.s] = Math.max(scale[t.s]!, Math.abs(t.n * v));
    }
    for (const t of r.products) {
      dx[t.s]! += t.n * v;
      scale[t.s] = Math.max(scale[t.s]!, Math.abs(t.n * v));
    }
  }
  return { dx, scale };
}
