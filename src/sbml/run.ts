// Simulate an SBML model the way the SBML Test Suite and users ask for it: read the file into
// the IR (backends/sbml/read.ts), integrate it, and report each requested id over time — a
// species as a concentration unless it has only substance units or `amounts` asks for its
// amount, a compartment as its size, a parameter as its value.
//
//   await simulateSbml(xml, "00001-sbml-l3v2.xml", { until: 5, points: 51 })
//     →  { ids: ["S1", "S2"], t: [0, 0.1, ...], values: [Float64Array [1.5e-4, 0], ...], diagnostics: [] }

import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { readSbml } from "../backends/sbml/read.js";
import { simulate, type SolverOptions } from "../sim/simulate.js";

export interface SbmlSimOptions extends SolverOptions {
  /** End time; the run starts at 0. */
  until: number;
  /** Output at this many evenly spaced times including 0 and `until` (at least 2). */
  points: number;
  /** Report these species (or all: "all") as amounts rather than concentrations. */
  amounts?: "all" | ReadonlySet<string>;
  /** The ids to report, in this order (default: every species). */
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
  const ids = opts.ids ? [...opts.ids] : (r.ir?.species.map((s) => s.id) ?? []);
  if (!r.ir) return { ids, t: [], values: [], diagnostics: r.diagnostics };
  const ir = r.ir;
  const col = ids.map((id) => ir.species.findIndex((s) => s.id === id));
  const missing = ids.filter((_, j) => col[j]! < 0);
  if (missing.length)
    return {
      ids,
      t: [],
      values: [],
      diagnostics: [...r.diagnostics, { code: "E0702", severity: "error", message: `${file}: no species \`${missing.join("`, `")}\` to report` }],
    };
  const tr = simulate(ir, { ...opts, rtol: opts.rtol ?? 1e-10, atol: opts.atol ?? 1e-14 });
  return {
    ids,
    t: tr.t,
    values: tr.values.map((x) => Float64Array.from(col, (q) => x[q]!)),
    diagnostics: r.diagnostics,
    ...(tr.stopped ? { stopped: { message: tr.stopped.message, time: tr.stopped.time } } : {}),
  };
}
