// Small facts about IR reactions and expressions that several stages need: the net change of
// each species in a reaction, the species a rate law reads, and the parameters anything reads.
//
//   netChange(2 X + W -> 3 X + W)  →  { X: +1 }      speciesInExpr(k * A * step(B - 1))  →  {A, B}

import { forEachLeaf, type Expr } from "./expr.js";
import type { CRN, IRExpr, Reaction } from "./types.js";

/** Net stoichiometric change of each species in a reaction (species with no net change left out). */
export function netChange(r: Reaction): Map<number, number> {
  const net = new Map<number, number>();
  for (const t of r.reactants) net.set(t.s, (net.get(t.s) ?? 0) - t.n);
  for (const t of r.products) net.set(t.s, (net.get(t.s) ?? 0) + t.n);
  for (const [s, d] of net) if (d === 0) net.delete(s);
  return net;
}

/** The species a rate law reads. */
export function speciesInExpr(e: IRExpr, out = new Set<number>()): Set<number> {
  forEachLeaf(e, (l) => {
    if (l.k === "species") out.add(l.s);
  });
  return out;
}

/** The parameters an expression reads. */
export function paramsInExpr<L extends { k: string }>(e: Expr<L>, out = new Set<number>()): Set<number> {
  forEachLeaf(e, (l) => {
    if (l.k === "param") out.add((l as unknown as { p: number }).p);
  });
  return out;
}

/** The parameters a reaction's rate reads. */
export function paramsOfReaction(r: Reaction, out = new Set<number>()): Set<number> {
  return r.rate.kind === "mass" ? paramsInExpr(r.rate.k, out) : paramsInExpr(r.rate.expr, out);
}

/** How many reactions read each parameter. */
export function parameterUses(ir: CRN): Int32Array {
  const uses = new Int32Array(ir.parameters.length);
  const seen = new Set<number>();
  for (const r of ir.reactions) {
    seen.clear();
    for (const p of paramsOfReaction(r, seen)) uses[p]!++;
  }
  return uses;
}
