// The IR validator: the invariants every pass must keep. Tests run it after each pass; it
// returns the problems found (empty when the IR is well formed) rather than throwing.
//
//   validateIR({ species: [{ id: "1X", ... }], ... })  →  ["species 0: `1X` is not a valid SBML id"]

import { forEachLeaf, type Expr } from "./expr.js";
import { constValue } from "./parameters.js";
import type { CRN } from "./types.js";
import { PARAM_ROLES, ROLES, TAGS } from "./types.js";
import { SBML_ID } from "./naming.js";

/**
 * Check the invariants every IR keeps (ids, indices, roles, layers): the problems found, empty
 * when the IR is well formed. Useful after building or changing an IR by hand.
 *
 * @example
 * ```ts
 * import { compileFile, validateIR } from "crnnc";
 * console.log(validateIR(compileFile("examples/xor.crnn").ir!));   // []
 * ```
 */
export function validateIR(ir: CRN): string[] {
  const problems: string[] = [];
  const n = ir.species.length;
  const np = ir.parameters.length;
  const ids = new Map<string, number>();
  // An imported model keeps SBML's meaning: values of any sign, any positive stoichiometry in a rate law.
  const sbml = ir.imported !== undefined;
  ir.species.forEach((s, i) => {
    if (!SBML_ID.test(s.id)) problems.push(`species ${i}: \`${s.id}\` is not a valid SBML id`);
    if (ids.has(s.id)) problems.push(`species ${i}: id \`${s.id}\` repeats species ${ids.get(s.id)}`);
    ids.set(s.id, i);
    if (!ROLES.includes(s.role)) problems.push(`species ${s.id}: unknown role ${s.role}`);
    if (!(s.init >= 0 || sbml) || !Number.isFinite(s.init)) problems.push(`species ${s.id}: initial value ${s.init}`);
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

  // Parameters: unique ids (one namespace with the species, as in SBML), values in range, and
  // a derived value that is what its expression says.
  const values = ir.parameters.map((p) => p.value);
  const leafProblem = (where: string, allowSpecies: boolean, allowArg: boolean) => (l: { k: string; s?: number; p?: number }) => {
    if (l.k === "param" && !(Number.isInteger(l.p) && l.p! >= 0 && l.p! < np)) problems.push(`${where}: refers to parameter ${l.p}`);
    else if (l.k === "species" && (!allowSpecies || !(Number.isInteger(l.s) && l.s! >= 0 && l.s! < n))) problems.push(`${where}: refers to species ${l.s}`);
    else if (l.k === "arg" && !allowArg) problems.push(`${where}: an argument outside a function`);
    else if (l.k !== "param" && l.k !== "species" && l.k !== "arg") problems.push(`${where}: unknown leaf ${l.k}`);
  };
  const checkExpr = <L extends { k: string }>(e: Expr<L>, where: string, species: boolean, arg = false) =>
    forEachLeaf(e, leafProblem(where, species, arg) as (l: L) => void);
  const pids = new Set<string>();
  ir.parameters.forEach((p, i) => {
    const where = `parameter ${p.id}`;
    if (!SBML_ID.test(p.id)) problems.push(`parameter ${i}: \`${p.id}\` is not a valid SBML id`);
    if (pids.has(p.id) || ids.has(p.id)) problems.push(`${where}: id repeats another parameter or a species`);
    pids.add(p.id);
    if (!PARAM_ROLES.includes(p.role)) problems.push(`${where}: unknown role ${p.role}`);
    if (!Number.isFinite(p.value)) problems.push(`${where}: value ${p.value}`);
    else if (p.role === "rate" && p.value < 0 && !sbml) problems.push(`${where}: negative rate constant ${p.value}`);
    else if (p.role === "protocol" && !(p.value > 0)) problems.push(`${where}: value ${p.value}`);
    if (p.expr) {
      checkExpr(p.expr, where, false);
      if (!problems.some((q) => q.startsWith(where))) {
        const v = constValue(p.expr, values);
        if (!Object.is(v, p.value)) problems.push(`${where}: value ${p.value} but its expression gives ${v}`);
      }
    }
  });

  ir.reactions.forEach((r, i) => {
    const where = `reaction ${i}`;
    for (const side of [r.reactants, r.products]) {
      const seen = new Set<number>();
      for (const t of side) {
        if (!(Number.isInteger(t.s) && t.s >= 0 && t.s < n)) problems.push(`${where}: species index ${t.s} out of range`);
        if (!((Number.isInteger(t.n) || (sbml && r.rate.kind === "law")) && t.n > 0 && Number.isFinite(t.n))) problems.push(`${where}: coefficient ${t.n}`);
        if (seen.has(t.s)) problems.push(`${where}: species ${ir.species[t.s]?.id} appears twice on one side`);
        seen.add(t.s);
      }
    }
    if (r.rate.kind === "mass") {
      const before = problems.length;
      checkExpr(r.rate.k, where, false);
      if (problems.length === before) {
        const k = constValue(r.rate.k, values);
        if (!((k >= 0 || sbml) && Number.isFinite(k))) problems.push(`${where}: rate constant ${k}`);
      }
    } else if (r.rate.kind === "law") checkExpr(r.rate.expr, where, true);
    else problems.push(`${where}: unknown rate kind`);
    if (!TAGS.includes(r.tag)) problems.push(`${where}: unknown tag ${r.tag}`);
    if (!r.origin?.template || !r.origin.span) problems.push(`${where}: no origin`);
    const same = r.reactants.length === r.products.length && r.reactants.every((t) => r.products.some((p) => p.s === t.s && p.n === t.n));
    if (same) problems.push(`${where}: reactants and products are the same (the reaction does nothing)`);
  });

  if (ir.imported) {
    const im = ir.imported;
    for (const sym of im.symbols) {
      checkExpr(sym.value, `symbol ${sym.id}`, true);
      if (sym.amount) checkExpr(sym.amount, `symbol ${sym.id}`, true);
      if (sym.size) checkExpr(sym.size, `symbol ${sym.id}`, true);
    }
    for (const ev of im.events) {
      const where = `event ${ev.id}`;
      for (const e of [ev.trigger, ev.delay, ev.priority]) if (e) checkExpr(e, where, true);
      for (const a of ev.assignments) {
        checkExpr(a.value, where, true);
        if (a.scale) checkExpr(a.scale, where, true);
        const t = a.target;
        if (t.k === "species" ? !(t.s >= 0 && t.s < n) : !(t.p >= 0 && t.p < np)) problems.push(`${where}: assigns to ${t.k} ${t.k === "species" ? t.s : t.p}`);
      }
    }
    if (im.time !== undefined && !(im.time >= 0 && im.time < n)) problems.push(`imported: time is species ${im.time}`);
  }

  ir.layers?.forEach((l, i) => {
    const a = l.activation;
    if (!a) return;
    for (const [name, p] of Object.entries(a.params))
      if (!(p >= 0 && p < np)) problems.push(`layer ${i}: activation parameter ${name} refers to parameter ${p}`);
    if (a.closed) checkExpr(a.closed, `layer ${i}: closed form`, false, true);
  });
  if (ir.train) {
    const t = ir.train;
    const bad = (what: string, v: unknown) => problems.push(`train: ${what} ${String(v)}`);
    if (!(Number.isInteger(t.iterations) && t.iterations >= 1)) bad("iterations", t.iterations);
    if (!(t.split > 0 && t.split <= 1)) bad("split", t.split);
    if (!(Number.isInteger(t.seed) && t.seed >= 0)) bad("seed", t.seed);
    if (!(Number.isInteger(t.evaluate) && t.evaluate >= 1)) bad("evaluate", t.evaluate);
    for (const [k, d] of Object.entries(t.init)) for (const [f, v] of Object.entries(d)) if (f !== "kind" && !Number.isFinite(v)) bad(`init ${k} ${f}`, v);
    for (const f of ["shift", "scale"] as const) if (t.dataset[f] !== undefined && !Number.isFinite(t.dataset[f])) bad(`dataset ${f}`, t.dataset[f]);
    if (t.noise) {
      if (!(t.noise.epsilon >= 0 && Number.isFinite(t.noise.epsilon))) bad("noise epsilon", t.noise.epsilon);
      if (!(t.noise.resample > 0 && Number.isFinite(t.noise.resample))) bad("noise resample", t.noise.resample);
      if (!(t.noise.hold > 0 && t.noise.hold <= t.noise.resample)) bad("noise hold", t.noise.hold);
    }
    for (const [k, p] of Object.entries(ir.train.params))
      if (p !== undefined && !(p >= 0 && p < np)) problems.push(`train: ${k} refers to parameter ${p}`);
      else if (p !== undefined && ir.parameters[p]!.role === "activation") problems.push(`train: ${k} is an activation parameter`);
  }
  return problems;
}
