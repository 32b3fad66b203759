// The Antimony backend (`--emit antimony`): the text Tellurium users type (`te.loada(text)`),
// with the same ids, parameters, units, initial values and schedule event as the SBML backend.
//
//   r0: H => H + X1_0; cell * k * H
//   at (time >= (iter + 1) * T), t0=false, persistent=true: iter = iter + 1, X0_0 = piecewise(...)

import type { CRN } from "../ir/types.js";
import { orderText, planSbml, scheduleFormula, unitId, type SbmlOptions } from "./sbml/model.js";
import { formatNumber } from "./reactions.js";

export function emitAntimony(ir: CRN, opts: SbmlOptions = {}): string {
  const plan = planSbml(ir, opts);
  const L: string[] = [];
  const sch = plan.schedule;
  L.push(`// ${ir.kind} ${ir.name} from ${ir.source}, written by crnnc ${opts.version ?? ""}: ${ir.species.length} species, ${ir.reactions.length} reactions`);
  if (ir.layers) L.push(`// network shape ${ir.layers.map((l) => l.size).join("-")}; weights read back as w = W.p - W.m, biases as b = B.p - B.m`);
  L.push("// mass action without combinatorial factors, concentrations in mole/litre, one compartment `cell` of 1 litre");
  if (sch)
    L.push(
      `// schedule: event next_sample every ${sch.periodId} = ${formatNumber(sch.period)} s puts the next sample on the inputs and targets. ${orderText(sch)} Simulate to ${formatNumber(sch.iterations * sch.period)} for ${sch.iterations} iterations.`,
    );
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(ir.name) ? ir.name : "model";
  L.push(`model ${plan.ids.includes(name) ? `${name}_model` : name}()`, "");
  L.push("  // units", "  unit substance = mole", "  unit time_unit = second", "  unit volume = litre", "  unit extent = mole");
  for (const d of plan.dims) {
    const parts = [d[0] ? `mole^${d[0]}` : "", d[0] ? `litre^${-d[0]}` : "", d[1] ? `second^${d[1]}` : ""].filter(Boolean);
    L.push(`  unit ${unitId(d)} = ${parts.join(" * ")}`);
  }
  L.push("", "  // the pot", "  compartment cell = 1 litre", "");
  L.push("  // species (concentrations)");
  for (const s of plan.species) L.push(`  species ${s.id} in cell = ${formatNumber(s.init)} molar; ${s.id} has molar; ${s.id} is "${s.name}"`);
  L.push("", "  // rate constants");
  for (const p of plan.params) {
    if (p.derived) L.push(`  ${p.id} := ${[p.derived.base, ...Array(p.derived.divisions).fill("M_ref")].join(" / ")}; ${p.id} has ${unitId(p.dim)}`);
    else if (p.formula) L.push(`  ${p.id} := ${bare(p.formula)}; ${p.id} has ${unitId(p.dim)}`);
    else L.push(`  const ${p.id} = ${formatNumber(p.value)} ${unitId(p.dim)}`);
  }
  if (sch) L.push("", "  // schedule", "  var iter = 0 dimensionless", "  var pos = 0 dimensionless");
  L.push("", "  // reactions");
  const side = (ts: [string, number][], mods: string[]) => {
    const all = [...ts.map(([s, n]) => (n === 1 ? s : `${n} ${s}`)), ...mods];
    return all.length ? all.join(" + ") : "";
  };
  for (const r of plan.reactions) {
    // Antimony lists catalysts on both sides: they then count as modifiers in the SBML it writes.
    L.push(`  ${r.id}: ${side(r.reactants, r.modifiers)} => ${side(r.products, r.modifiers)}; ${bare(r.formula)}`);
  }
  if (sch) {
    const N = sch.values.length;
    const assigns = [`iter = iter + 1`, `pos = ${N > 1 ? `piecewise(pos + 1, pos < ${N - 1}, 0)` : "0"}`];
    sch.species.forEach((s, q) => assigns.push(`${plan.ids[s]} = ${bare(scheduleFormula(sch, q, "molar"))}`));
    L.push("", "  // every T: the next training sample (values at the trigger time)");
    L.push(`  next_sample: at (time >= (iter + 1) * ${sch.periodId}), t0=false, persistent=true, fromTrigger=true: ${assigns.join(",\n      ")}`);
  }
  L.push("end", "");
  return L.join("\n");
}

/** Formulas without the units on literals (the SBML carries them; Antimony infers none from them). */
function bare(f: string): string {
  return f.replace(/(\d) (dimensionless|molar|second|(?:M\d*_|per_)\w*)/g, "$1");
}
