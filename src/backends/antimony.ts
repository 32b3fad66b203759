// The Antimony backend (`--emit antimony`): the text Tellurium users type (`te.loada(text)`),
// written so that libAntimony reads it back into the model the SBML backend writes — the same
// ids, names, SBO terms of species, reactions and parameters, initial values, units (on every
// number, as in the SBML), initial assignments (Antimony's `=`, not the assignment rule `:=`),
// catalysts as modifiers (a species the rate law reads but the reaction does not list is one)
// and the schedule event. The model is named as the SBML model (never after a function such as
// `divide`); ids another tool would misread are renamed as in the SBML (ids.ts).
//
//   r0: => q; cell * k * a                    (a catalyses: libAntimony makes it a modifier)
//   k_o2 = k / M_ref; k_o2 has per_M_per_second
//   next_sample: at (time >= (iter + 1 dimensionless) * T), t0=false, persistent=true, fromTrigger=true: iter = iter + 1 dimensionless, ...

import type { CRN } from "../ir/types.js";
import { orderText, planSbml, renamedText, scheduleFormula, sourceName, unitId, PAPER, type SbmlOptions } from "./sbml/model.js";
import { SBO, sboNumber } from "./sbml/sbo.js";
import { formatNumber } from "./reactions.js";
import { VERSION } from "../version.js";

/**
 * The CRN as Antimony (`crnnc compile --emit antimony`), the text Tellurium users load with
 * `te.loada`: the same model as {@link emitSbml} writes (ids, names, units, SBO terms, the
 * training schedule as an event when `opts.protocol` is given). Synchronous; needs no libSBML.
 *
 * @example
 * ```ts
 * import { compileFile, emitAntimony, protocolFor, VERSION } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const text = emitAntimony(ir, { version: VERSION, protocol: protocolFor(ir, { order: "cyclic" }) });
 * ```
 */
export function emitAntimony(ir: CRN, opts: SbmlOptions = {}): string {
  const plan = planSbml(ir, opts);
  const L: string[] = [];
  const sch = plan.schedule;
  const named = (id: string, name: string, sbo: string) => `${id} is "${name.replace(/"/g, "'")}"; ${id}.sboTerm = ${sboNumber(sbo)}`;
  L.push(
    `// ${ir.kind} ${ir.name} from ${sourceName(ir.source)}, written by crnnc ${opts.version ?? VERSION}: ${ir.species.length} species, ${ir.reactions.length} reactions`,
  );
  L.push(`// the construction is ${PAPER}`);
  if (ir.layers) L.push(`// network shape ${ir.layers.map((l) => l.size).join("-")}; weights read back as w = W.p - W.m, biases as b = B.p - B.m`);
  L.push("// mass action without combinatorial factors, concentrations in mole/litre, one compartment `cell` of 1 litre");
  if (plan.renamed.length) L.push(`// ${renamedText(plan.renamed)}`);
  if (sch)
    L.push(
      `// schedule: event next_sample every ${sch.periodId} = ${formatNumber(sch.period)} s puts the next sample on the inputs and targets. ${orderText(sch)} Simulate to ${formatNumber(sch.iterations * sch.period)} for ${sch.iterations} iterations.`,
    );
  L.push(`model ${plan.modelId}()`, "");
  // `dimensionless` is declared as a unit: a number's unit that libAntimony does not know is made a parameter.
  L.push(
    "  // units",
    "  unit substance = mole",
    "  unit time_unit = second",
    "  unit volume = litre",
    "  unit extent = mole",
    "  unit dimensionless = dimensionless",
  );
  // Species are in molar: the unit is declared even when no parameter has it (the SBML writes the species' units as mole).
  const dims: typeof plan.dims = plan.dims.some((d) => unitId(d) === "molar") || !plan.species.length ? plan.dims : [[1, 0], ...plan.dims];
  for (const d of dims) {
    const parts = [d[0] ? `mole^${d[0]}` : "", d[0] ? `litre^${-d[0]}` : "", d[1] ? `second^${d[1]}` : ""].filter(Boolean);
    L.push(`  unit ${unitId(d)} = ${parts.join(" * ")}`);
  }
  L.push("", "  // the pot", `  compartment cell = 1 litre; cell has litre; ${named("cell", "the pot", SBO.compartment)}`, "");
  L.push("  // species (concentrations)");
  for (const s of plan.species) L.push(`  species ${s.id} in cell = ${formatNumber(s.init)} molar; ${s.id} has molar; ${named(s.id, s.name, SBO.species)}`);
  L.push("", "  // parameters (a value that follows others is an initial assignment)");
  for (const p of plan.params) {
    const unit = unitId(p.dim);
    const value = p.derived ? [p.derived.base, ...Array(p.derived.divisions).fill("M_ref")].join(" / ") : (p.formula ?? `${formatNumber(p.value)} ${unit}`);
    L.push(`  ${p.derived || p.formula ? "" : "const "}${p.id} = ${value}; ${p.id} has ${unit}; ${named(p.id, p.note, p.sbo)}`);
  }
  if (sch)
    L.push(
      "",
      "  // schedule",
      `  var iter = 0 dimensionless; iter has dimensionless; ${named("iter", "iter: iterations completed", SBO.parameter)}`,
      `  var pos = 0 dimensionless; pos has dimensionless; ${named("pos", "pos: position in the sample sequence of the sample now in the pot", SBO.parameter)}`,
    );
  L.push("", "  // reactions (catalysts appear only in the rate law: libAntimony makes them modifiers)");
  const side = (ts: [string, number][]) => ts.map(([s, n]) => (n === 1 ? s : `${n} ${s}`)).join(" + ");
  for (const r of plan.reactions) {
    L.push(`  ${r.id}: ${side(r.reactants)} => ${side(r.products)}; ${r.formula}; ${named(r.id, r.name, SBO.reaction)}`);
  }
  if (sch) {
    const N = sch.values.length;
    const assigns = [
      "iter = iter + 1 dimensionless",
      `pos = ${N > 1 ? `piecewise(pos + 1 dimensionless, pos < ${N - 1} dimensionless, 0 dimensionless)` : "0 dimensionless"}`,
    ];
    sch.species.forEach((s, q) => assigns.push(`${plan.ids[s]} = ${scheduleFormula(sch, q, "molar")}`));
    L.push("", "  // every T: the next training sample (values at the trigger time)");
    L.push(`  next_sample: at (time >= (iter + 1 dimensionless) * ${sch.periodId}), t0=false, persistent=true, fromTrigger=true: ${assigns.join(",\n      ")}`);
    L.push('  next_sample is "every period T: the next training sample on the inputs and targets"');
  }
  L.push("end", "");
  return L.join("\n");
}
