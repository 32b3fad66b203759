// Simulate an SBML model the way the SBML Test Suite and users ask for it: read the file into
// the IR (backends/sbml/read.ts), integrate it, and report each requested id over time — a
// species as a concentration unless it has only substance units or `amounts` asks for its
// amount, a compartment as its size, a parameter as its value.
//
//   await simulateSbml(xml, "00001-sbml-l3v2.xml", { until: 5, points: 51 })
//     →  { ids: ["S1", "S2"], t: [0, 0.1, ...], values: [Float64Array [1.5e-4, 0], ...], diagnostics: [] }

import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { CRN, IRExpr } from "../ir/types.js";
import { readSbml } from "../backends/sbml/read.js";
import type { SolverOptions } from "../sim/simulate.js";
import { simulateImported } from "../sim/events.js";
import { compileLaw } from "../sim/law-codegen.js";

export interface SbmlSimOptions extends SolverOptions {
  /** Seeds the choice among events due at once with equal priority. */
  seed?: number;
  /** End time; the run starts at 0. */
  until: number;
  /** Output at this many evenly spaced times including 0 and `until` (at least 2). */
  points: number;
  /** Report these species (or all: "all") as amounts rather than concentrations. */
  amounts?: "all" | ReadonlySet<string>;
  /** Report these species as concentrations, also one with only substance units (whose value is its amount). */
  concentrations?: ReadonlySet<string>;
  /** The ids to report, in this order (default: every species, then the compartments and parameters that change). */
  ids?: readonly string[];
}

export interface SbmlSimResult {
  /** The reported ids, one column each. */
  ids: string[];
  t: number[];
  /** values[i][j]: id j at time t[i]. Empty when the model was refused. */
  values: Float64Array[];
  /** Refusals (E0701 unreadable, E0702 a construct crnnc does not simulate, naming it) and warnings. */
  diagnostics: Diagnostic[];
  /** Set when the run ended early: what happened, and when. */
  stopped?: { message: string; time: number };
}

export async function simulateSbml(xml: string, file: string, opts: SbmlSimOptions): Promise<SbmlSimResult> {
  const r = await readSbml(xml, file);
  if (!r.ir?.imported) return { ids: opts.ids ? [...opts.ids] : [], t: [], values: [], diagnostics: r.diagnostics };
  const out = simulateModel(r.ir, opts);
  return { ...out, diagnostics: [...r.diagnostics, ...out.diagnostics] };
}

/**
 * The ids a model reports by default: every species, then each compartment and parameter whose
 * value changes during a run (a rule's, an event's or a rate rule's).
 */
export function defaultIds(ir: CRN): string[] {
  const im = ir.imported!;
  const changes = (e: IRExpr) =>
    e.k === "species" ||
    (e.k === "param" && im.events.some((ev) => ev.assignments.some((a) => a.target.k === "param" && a.target.p === e.p))) ||
    (e.k !== "num" && e.k !== "param");
  return im.symbols.filter((s) => s.kind === "species" || changes(s.value)).map((s) => s.id);
}

/** Simulate a model read from SBML (`ir.imported` set) and report its ids as `simulateSbml` does. */
export function simulateModel(ir: CRN, opts: SbmlSimOptions): SbmlSimResult {
  const im = ir.imported!;
  const ids = opts.ids ? [...opts.ids] : defaultIds(ir);
  const byId = new Map(im.symbols.map((s) => [s.id, s]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length)
    return {
      ids,
      t: [],
      values: [],
      diagnostics: [{ code: "E0702", severity: "error", message: `${ir.source}: no species, compartment or parameter \`${missing.join("`, `")}\` to report` }],
    };
  // Each column: the symbol's value, or a species' amount when asked for, read with the parameters of its time.
  const P = Float64Array.from(ir.parameters, (p) => p.value);
  const columns = ids.map((id) => {
    const sym = byId.get(id)!;
    const amount = sym.kind === "species" && (opts.amounts === "all" || opts.amounts?.has(id));
    const concentration = sym.kind === "species" && sym.onlySubstance && opts.concentrations?.has(id);
    const e: IRExpr = amount ? sym.amount! : concentration ? { k: "bin", op: "/", a: sym.amount!, b: sym.size! } : sym.value;
    return compileLaw(e, [], P).rate;
  });
  const tr = simulateImported(ir, { ...opts, rtol: opts.rtol ?? 1e-10, atol: opts.atol ?? 1e-14 });
  return {
    ids,
    t: tr.t,
    values: tr.values.map((x, i) => {
      if (tr.params) P.set(tr.params[i]!);
      return Float64Array.from(columns, (f) => f(x));
    }),
    diagnostics: [],
    ...(tr.stopped ? { stopped: { message: tr.stopped.message, time: tr.stopped.time } } : {}),
  };
}
