// The rate-law convention, stated once: mass action without combinatorial factors, as in the
// paper and COPASI. A reaction Σ n_i S_i → ... at rate constant k proceeds at k · Π x_i^{n_i},
// so `2 X -> X @ k` contributes −k·x² to dx/dt. Rate laws (`@ rate(expr)`) are their expression.
//
//   reactionRate(2X -> X @ 3, x = 2)  =  3 · 2²  =  12

import type { CRN, IRExpr, Reaction, Tag } from "./types.js";
import { applyFn, applyOp } from "../check/expr.js";

export function evalIRExpr(e: IRExpr, x: ArrayLike<number>): number {
  switch (e.k) {
    case "num":
      return e.v;
    case "species":
      return x[e.s]!;
    case "neg":
      return -evalIRExpr(e.a, x);
    case "bin":
      return applyOp(e.op, evalIRExpr(e.a, x), evalIRExpr(e.b, x));
    case "fn":
      return applyFn(e.f, e.args.map((a) => evalIRExpr(a, x)));
  }
}

export function reactionRate(r: Reaction, x: ArrayLike<number>): number {
  if (r.rate.kind === "law") return evalIRExpr(r.rate.expr, x);
  let v = r.rate.k;
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

/** The right-hand side of the CRN's ODE at state x, optionally over some sub-networks only. */
export function massActionRhs(ir: CRN, x: ArrayLike<number>, tags?: readonly Tag[]): Rhs {
  const n = ir.species.length;
  const dx = new Float64Array(n);
  const scale = new Float64Array(n);
  for (const r of ir.reactions) {
    if (tags && !tags.includes(r.tag)) continue;
    const v = reactionRate(r, x);
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
