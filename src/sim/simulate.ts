// Simulation of a CRN's ODE without training: integrate to a time (with sampled output), or to
// steady state. The integrator is chosen by name; the model is compiled once per call.
//
//   simulate(ir, { until: 10, points: 11 })  →  { t: [0, 1, ..., 10], values: [[...], ...] }

import type { CRN } from "../ir/types.js";
import { compileModel, rhs, type CompiledModel } from "./model.js";
import { Rosenbrock, IntegrationError, type Integrator, type StepperOptions, TABLEAUS } from "./rosenbrock.js";
import { BlowupError, checkState, integrationBlowup } from "./blowup.js";
import { DormandPrince } from "./dopri.js";
import { Gillespie, StochasticIntegrator } from "./ssa.js";
import { STOCHASTIC_METHODS, isStochastic } from "./methods.js";
import { TauLeap } from "./tau-leap.js";
import { ImplicitTauLeap } from "./implicit-tau.js";

/** The integration methods `method` takes: the Rosenbrock methods (rodas5, rodas5p, rodas4, ros34pw2), dopri5 and the stochastic ones (ssa, tau-leap, implicit-tau). */
/** The ODE integrators (deterministic); METHODS adds the stochastic simulations. */
export const ODE_METHODS = [...Object.keys(TABLEAUS), "dopri5"] as const;
export const METHODS = [...ODE_METHODS, ...STOCHASTIC_METHODS] as const;

export interface SolverOptions extends StepperOptions {
  /** rodas5 (default), rodas5p, rodas4, ros34pw2 or dopri5; ssa: the exact stochastic simulation (ssa.ts); tau-leap (tau-leap.ts). */
  method?: (typeof METHODS)[number];
  /** ssa: Ω, molecules per unit concentration (default 1). */
  volume?: number;
  /** ssa: the seed of the reaction events. */
  seed?: number;
  /** ssa: falling factorials in mass-action propensities (default true; false for SBML models). */
  combinatorial?: boolean;
  /** implicit-tau: the leap τ (default 0.25). */
  tau?: number;
}

export { isStochastic };

/**
 * An integrator for a compiled model: a Rosenbrock method (rodas5 by default), dopri5, or a
 * stochastic method (ssa, tau-leap, implicit-tau) with `volume` Ω and `seed`.
 *
 * @example
 * ```ts
 * import { compile, compileModel, makeIntegrator } from "crnnc";
 * const ir = compile("crn c {\n  A -> 0 @ 1\n  init A = 1\n}\n").ir!;
 * const x = Float64Array.from(ir.species, (s) => s.init);
 * makeIntegrator(compileModel(ir), { rtol: 1e-8 }).integrate(x, 0, 1);
 * console.log(x[0]);   // ≈ e⁻¹ = 0.3679
 * ```
 */
export function makeIntegrator(md: CompiledModel, opts: SolverOptions = {}): Integrator {
  const method = opts.method ?? "rodas5";
  if (method === "dopri5") return new DormandPrince(md, opts);
  if (isStochastic(method)) {
    const so = {
      ...(opts.volume !== undefined ? { volume: opts.volume } : {}),
      ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      ...(opts.combinatorial !== undefined ? { combinatorial: opts.combinatorial } : {}),
    };
    if (method === "ssa") return new Gillespie(md, so);
    return method === "tau-leap" ? new TauLeap(md, so) : new ImplicitTauLeap(md, { ...so, ...(opts.tau !== undefined ? { tau: opts.tau } : {}) });
  }
  if (!TABLEAUS[method]) throw new RangeError(`unknown method \`${method}\` (expected ${METHODS.join(", ")})`);
  return new Rosenbrock(md, { ...opts, method });
}

export interface SimulateOptions extends SolverOptions {
  until: number;
  /** Sample the state at this many evenly spaced times including 0 and `until` (default 2). */
  points?: number;
  /** Initial state (default: the IR's initial values). */
  x0?: Float64Array;
  /** A concentration above this counts as a blow-up (default 1e12). */
  maxConcentration?: number;
}

export interface Trajectory {
  species: string[];
  t: number[];
  /** values[i] is the state at t[i]. */
  values: Float64Array[];
  /** ssa: reaction events fired. */
  events?: number;
  /** The parameters at each time, when events change them (an imported model's). */
  params?: Float64Array[];
  /** Set when the run ended early (blow-up or integrator failure): what happened, when, where. */
  stopped?: { message: string; time: number; species?: string };
}

/**
 * Integrate a CRN from its initial values (or `x0`) to `until`, sampling `points` evenly
 * spaced times (`crnnc sim` of a crn block): deterministic with an ODE method, molecule counts
 * with `method: "ssa"` and a `volume`. A blow-up ends the run early with `stopped` set.
 *
 * @example
 * ```ts
 * import { compileFile, simulate } from "crnnc";
 * const tr = simulate(compileFile("examples/divide.crnn").ir!, { until: 1, points: 11 });
 * console.log(tr.species, tr.values[10]);
 * ```
 */
export function simulate(ir: CRN, opts: SimulateOptions): Trajectory {
  const md = compileModel(ir, { splitUpdateCatalysis: true });
  const integ = makeIntegrator(md, opts);
  // A stochastic run keeps its own counts: the integrate calls below hand them over exactly.
  const x = opts.x0 ? Float64Array.from(opts.x0) : Float64Array.from(ir.species, (s) => s.init);
  const points = Math.max(2, opts.points ?? 2);
  const t: number[] = [0];
  const values: Float64Array[] = [Float64Array.from(x)];
  const species = ir.species.map((s) => s.id);
  for (let i = 1; i < points; i++) {
    const ti = (opts.until * i) / (points - 1);
    try {
      integ.integrate(x, t[t.length - 1]!, ti);
      checkState(ir, x, ti, opts.maxConcentration ?? 1e12);
    } catch (e) {
      const b =
        e instanceof BlowupError
          ? e
          : e instanceof IntegrationError
            ? integrationBlowup(ir, x, e.message, e.t, opts.maxConcentration ?? 1e12, e.species)
            : undefined;
      if (b) return { species, t, values, stopped: { message: b.message, time: b.time, ...(b.species !== undefined ? { species: b.species } : {}) } };
      throw e;
    }
    t.push(ti);
    values.push(Float64Array.from(x));
  }
  return { species, t, values, ...(integ instanceof StochasticIntegrator ? { events: integ.events } : {}) };
}

/**
 * Integrate until the state stops changing: max |dx/dt| ≤ tol · max(1, |x|) for every species,
 * checked after each doubling interval. Returns the time it took, or Infinity if it did not
 * settle by `tmax`; `x` holds the state reached.
 *
 * @example
 * ```ts
 * import { compile, compileModel, makeIntegrator, toSteadyState } from "crnnc";
 * const ir = compile("crn c {\n  0 -> A @ 2\n  A -> 0 @ 1\n}\n").ir!;
 * const md = compileModel(ir);
 * const x = new Float64Array(ir.species.length);
 * toSteadyState(md, makeIntegrator(md), x);
 * console.log(x[0]);   // ≈ 2
 * ```
 */
export function toSteadyState(md: CompiledModel, integ: Integrator, x: Float64Array, tol = 1e-10, tmax = 1e6): number {
  const dx = new Float64Array(md.n);
  let t = 0;
  let span = 1;
  while (t < tmax) {
    integ.integrate(x, t, t + span);
    t += span;
    rhs(md, x, dx);
    let settled = true;
    for (let q = 0; q < md.n; q++) {
      if (Math.abs(dx[q]!) > tol * Math.max(1, Math.abs(x[q]!))) {
        settled = false;
        break;
      }
    }
    if (settled) return t;
    span = Math.min(span * 2, 1000);
  }
  return Infinity;
}
