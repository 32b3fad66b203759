// Small facts about IR reactions and rate laws that several stages need: the net change of each
// species in a reaction, and the species a rate law reads.
//
//   netChange(2 X + W -> 3 X + W)  →  { X: +1 }      speciesInExpr(k * A * step(B - 1))  →  {A, B}

import type { IRExpr, Reaction } from "./types.js";

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
  if (e.k === "species") out.add(e.s);
  else if (e.k === "neg") speciesInExpr(e.a, out);
  else if (e.k === "bin") (speciesInExpr(e.a, out), speciesInExpr(e.b, out));
  else if (e.k === "fn") e.args.forEach((a) => speciesInExpr(a, out));
  return out;
}
