// A model compiled once for simulation (flat arrays, generated WebAssembly, integrators) and
// reused for any number of runs on IRs of the same structure: a sweep over η, k_div or any
// named rate, another seed's initial weights, another noise draw — each is a value change
// (`load`), never a recompilation.
//
//   const e = new Engine(ir);  e.load(withParameters(ir, { k_div: 5 }));  e.integrator({ rtol: 1e-6 }).integrate(x, 0, 300)

import type { CRN } from "../ir/types.js";
import { paramValues } from "../ir/parameters.js";
import { compileModel, setParameters, type CompiledModel, type ModelOptions } from "./model.js";
import { makeIntegrator, type SolverOptions } from "./simulate.js";
import type { Integrator } from "./rosenbrock.js";

/** How many models this process has compiled (tests check that a sweep does not recompile per point). */
export const compileCount = { models: 0 };

/**
 * A model compiled once for simulation (flat arrays, generated WebAssembly, integrators) and
 * reused for any number of runs on IRs of the same structure: another seed's initial weights,
 * other rate constants, η or T are a value change (`load`), never a recompilation.
 *
 * @example
 * ```ts
 * import { compileFile, Engine, withParameters } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const e = new Engine(ir);
 * e.load(withParameters(ir, { k_div: 5 }));
 * const x = Float64Array.from(ir.species, (s) => s.init);
 * e.integrator({ rtol: 1e-6 }).integrate(x, 0, 300);
 * ```
 */
export class Engine {
  readonly md: CompiledModel;
  private readonly integrators = new Map<string, Integrator>();
  private readonly shape: string;

  constructor(ir: CRN, opts: ModelOptions = { splitUpdateCatalysis: true }) {
    this.md = compileModel(ir, opts);
    compileCount.models++;
    this.shape = shapeOf(ir);
  }

  /** Take the parameter values of `ir`, which must have the structure this engine was compiled for. */
  load(ir: CRN): void {
    const s = shapeOf(ir);
    if (s !== this.shape) throw new TypeError(`the engine was compiled for another network (${this.shape}), not ${s}`);
    setParameters(this.md, paramValues(ir));
  }

  /** An integrator with these options, as new: made once per options and reset on every call. */
  integrator(opts: SolverOptions = {}): Integrator {
    const key = JSON.stringify([
      opts.method ?? "rodas5",
      opts.rtol,
      opts.atol,
      opts.hmax,
      opts.maxSteps,
      opts.evaluation,
      opts.solve,
      opts.coupling,
      opts.controller,
      opts.volume,
      opts.seed,
      opts.combinatorial,
      opts.tau,
    ]);
    let integ = this.integrators.get(key);
    if (!integ) this.integrators.set(key, (integ = makeIntegrator(this.md, opts)));
    integ.reset();
    return integ;
  }
}

/** Enough of an IR's structure to refuse the wrong one: sizes and species ids. */
function shapeOf(ir: CRN): string {
  return `${ir.species.length} species, ${ir.reactions.length} reactions, ${ir.parameters.length} parameters, ${ir.species.length ? `${ir.species[0]!.id}…${ir.species[ir.species.length - 1]!.id}` : ""}`;
}
