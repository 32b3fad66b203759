// The IR validator: the invariants every pass must keep. Tests run it after each pass; it
// returns the problems found (empty when the IR is well formed) rather than throwing.
//
//   validateIR({ species: [{ id: "1X", ... }], ... })  →  ["species 0: `1X` is not a valid SBML id"]

import type { CRN, IRExpr } from "./types.js";
import { TAGS } from "./types.js";
import { SBML_ID } from "./naming.js";

const ROLES = new Set(["input", "target", "node", "weight", "bias", "slope", "aux", "gradient", "catalyst", "species"]);

export function validateIR(ir: CRN): string[] {
  const problems: string[] = [];
  const n = ir.species.length;
  const ids = new Map<string, number>();
  ir.species.forEach((s, i) => {
    if (!SBML_ID.test(s.id)) problems.push(`species ${i}: \`${s.id}\` is not a valid SBML id`);
    if (ids.has(s.id)) problems.push(`species ${i}: id \`${s.id}\` repeats species ${ids.get(s.id)}`);
    ids.set(s.id, i);
    if (!ROLES.has(s.role)) problems.push(`species ${s.id}: unknown role ${s.role}`);
    if (!(s.init >= 0) || !Number.isFinite(s.init)) problems.push(`species ${s.id}: initial value ${s.init}`);
    if ((s.role === "weight" || s.role === "bias") && (s.rail === undefined || s.layer === undefined || s.index === undefined))
      problems.push(`species ${s.id}: a ${s.role} needs rail, layer and index`);
    if (s.role === "weight" && s.from === undefined) problems.push(`species ${s.id}: a weight needs its source index`);
  });
  ir.species.forEach((s) => {
    if (s.rail === undefined) return;
    const other = s.id.slice(0, -1) + (s.rail === "p" ? "m" : "p");
    if (!s.id.endsWith(`_${s.rail}`)) problems.push(`species ${s.id}: rail ${s.rail} but id does not end in _${s.rail}`);
    else if (!ids.has(other)) problems.push(`species ${s.id}: its other rail \`${other}\` is missing`);
  });
  const checkExpr = (e: IRExpr, where: string): void => {
    if (e.k === "species" && !(e.s >= 0 && e.s < n)) problems.push(`${where}: rate law refers to species ${e.s}`);
    else if (e.k === "neg") checkExpr(e.a, where);
    else if (e.k === "bin") (checkExpr(e.a, where), checkExpr(e.b, where));
    else if (e.k === "fn") e.args.forEach((a) => checkExpr(a, where));
  };
  ir.reactions.forEach((r, i) => {
    const where = `reaction ${i}`;
    for (const side of [r.reactants, r.products]) {
      const seen = new Set<number>();
      for (const t of side) {
        if (!(Number.isInteger(t.s) && t.s >= 0 && t.s < n)) problems.push(`${where}: species index ${t.s} out of range`);
        if (!(Number.isInteger(t.n) && t.n >= 1)) problems.push(`${where}: coefficient ${t.n}`);
        if (seen.has(t.s)) problems.push(`${where}: species ${ir.species[t.s]?.id} appears twice on one side`);
        seen.add(t.s);
      }
    }
    if (r.rate.kind === "mass" && !(r.rate.k >= 0 && Number.isFinite(r.rate.k))) problems.push(`${where}: rate constant ${r.rate.k}`);
    if (r.rate.kind === "law") checkExpr(r.rate.expr, where);
    if (!TAGS.includes(r.tag)) problems.push(`${where}: unknown tag ${r.tag}`);
    if (!r.origin?.template || !r.origin.span) problems.push(`${where}: no origin`);
    const same =
      r.reactants.length === r.products.length &&
      r.reactants.every((t) => r.products.some((p) => p.s === t.s && p.n === t.n));
    if (same) problems.push(`${where}: reactants and products are the same (the reaction does nothing)`);
  });
  for (const [k, v] of Object.entries(ir.rates)) if (!(v >= 0) || !Number.isFinite(v)) problems.push(`rate ${k} = ${v}`);
  return problems;
}
