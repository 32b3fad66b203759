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
  /** ssa: reaction events fired. */
  events?: number;
}

/**
 * Simulate any SBML core model with SBML's meaning (rules, events, compartments, function
 * definitions), as `crnnc sim model.xml` does: the reported ids (species, then the values that
 * change) at `points` times from 0 to `until`. A model crnnc does not simulate comes back with
 * a diagnostic naming the construct and no values.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { simulateSbml } from "crnnc";
 * const r = await simulateSbml(readFileSync("model.xml", "utf8"), "model.xml", { until: 10, points: 101 });
 * console.log(r.ids, r.values[100]);
 * ```
 */
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

/**
 * {@link simulateSbml} on an IR read already (`readSbml(...).ir`), synchronously.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { readSbml, simulateModel } from "crnnc";
 * const { ir } = await readSbml(readFileSync("model.xml", "utf8"), "model.xml");
 * if (ir?.imported) console.log(simulateModel(ir, { until: 5, points: 6, amounts: "all" }).values);
 * ```
 */
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
    ...(tr.events !== undefined ? { events: tr.events } : {}),
  };
}

export interface SbmlEnsembleOptions extends Omit<SbmlSimOptions, "method"> {
  /** Independent stochastic runs (run i is seeded by `runSeed(seed, i)`). */
  runs: number;
  /** ssa (exact; default). */
  method?: "ssa";
  /** The first run's index (a worker's share of an ensemble: runs first … first + runs − 1). */
  first?: number;
}

export interface SbmlEnsembleResult {
  ids: string[];
  t: number[];
  runs: number;
  /** mean[i][j], sd[i][j]: id j at time t[i] over the runs (sd with the n − 1 denominator). */
  mean: Float64Array[];
  sd: Float64Array[];
  /** Σx and Σx² per time and id, in run order: what workers' shares are merged from. */
  sum: Float64Array[];
  sumSq: Float64Array[];
  /** Reaction events fired over all runs. */
  events: number;
  diagnostics: Diagnostic[];
}

/** The seed of run i of an ensemble seeded by `seed`: any split of the runs over workers gives every run its own same seed. */
export function runSeed(seed: number, i: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0;
}

/**
 * An ensemble of exact stochastic runs of an SBML model (SBML's stochastic reading: each kinetic
 * law, in amount per time, is the reaction's propensity; species are molecule counts), in this
 * thread: the mean and sd over the runs per time and id. Refused: rate rules and time in the
 * math (a stochastic run has no continuous part), and whatever the reader refuses. For
 * ensembles on worker threads see {@link runEnsemble}.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { simulateSbmlEnsemble } from "crnnc";
 * const r = await simulateSbmlEnsemble(readFileSync("model.xml", "utf8"), "model.xml", { until: 10, points: 11, runs: 200, seed: 1 });
 * console.log(r.mean[10], r.sd[10]);
 * ```
 */
export async function simulateSbmlEnsemble(xml: string, file: string, opts: SbmlEnsembleOptions): Promise<SbmlEnsembleResult> {
  const r = await readSbml(xml, file);
  const empty = (diagnostics: Diagnostic[]): SbmlEnsembleResult => ({
    ids: opts.ids ? [...opts.ids] : [],
    t: [],
    runs: 0,
    mean: [],
    sd: [],
    sum: [],
    sumSq: [],
    events: 0,
    diagnostics,
  });
  if (!r.ir?.imported) return empty(r.diagnostics);
  const ir = r.ir;
  const refusal = stochasticRefusal(ir, file);
  if (refusal) return empty([...r.diagnostics, refusal]);
  const seed = opts.seed ?? 1;
  const first = opts.first ?? 0;
  let sum: Float64Array[] = [];
  let sumSq: Float64Array[] = [];
  let t: number[] = [];
  let ids: string[] = [];
  let events = 0;
  for (let i = 0; i < opts.runs; i++) {
    const one = simulateModel(ir, { ...opts, method: "ssa", combinatorial: false, seed: runSeed(seed, first + i), rtol: 1, atol: 1 });
    if (one.diagnostics.some((d) => d.severity === "error")) return empty([...r.diagnostics, ...one.diagnostics]);
    if (one.stopped)
      return empty([
        ...r.diagnostics,
        { code: "E0702", severity: "error", message: `${file}: run ${first + i} stopped at t = ${one.stopped.time}: ${one.stopped.message}` },
      ]);
    if (i === 0) {
      ids = one.ids;
      t = one.t;
      sum = one.values.map((v) => new Float64Array(v.length));
      sumSq = one.values.map((v) => new Float64Array(v.length));
    }
    one.values.forEach((v, k) =>
      v.forEach((x, j) => {
        sum[k]![j]! += x;
        sumSq[k]![j]! += x * x;
      }),
    );
    events += one.events ?? 0;
  }
  return { ids, t, runs: opts.runs, ...ensembleStats(sum, sumSq, opts.runs), sum, sumSq, events, diagnostics: r.diagnostics };
}

/**
 * Why an imported model cannot run stochastically, or undefined: a rate rule or time in the math
 * (a stochastic run has no continuous part). The one check for simulateSbmlEnsemble and ensembles.
 */
export function stochasticRefusal(ir: CRN, file: string): Diagnostic | undefined {
  const continuous = ir.reactions.find((x) => x.origin.template.startsWith("sbml rate rule") || x.origin.template === "sbml time");
  if (!continuous) return undefined;
  return {
    code: "E0702",
    severity: "error",
    message: `${file}: ${continuous.origin.template === "sbml time" ? "time in the math" : `the ${continuous.origin.template.slice(5)}`} in a stochastic simulation is outside what crnnc reads`,
    hint: "a stochastic run has no continuous part: simulate it with an ODE method",
    span: continuous.origin.span,
  };
}

/** Mean and sample sd from Σx and Σx² over n runs. */
export function ensembleStats(sum: Float64Array[], sumSq: Float64Array[], n: number): { mean: Float64Array[]; sd: Float64Array[] } {
  const mean = sum.map((s) => s.map((v) => v / n));
  const sd = sumSq.map((s2, k) => s2.map((v, j) => (n > 1 ? Math.sqrt(Math.max(0, (v - (sum[k]![j]! * sum[k]![j]!) / n) / (n - 1))) : 0)));
  return { mean, sd };
}
