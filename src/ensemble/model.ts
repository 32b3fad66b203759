// One model of an ensemble, loaded once per thread: a .crnn file (compiled; counts at Ω per unit
// concentration, output in concentrations) or an SBML model (its amounts are the counts; output
// as `simulateSbml` reports). `run(i)` is run i of the ensemble, seeded by `runSeed(seed, i)`, so
// a run's result does not depend on which thread ran it.
//
//   const m = loadEnsembleModel({ kind: "crnn", file: "examples/divide.crnn", until: 2, points: 11, method: "ssa", volume: 100, seed: 1 });
//   m.run(0)  →  { values: Float64Array(11 × species), events: 2013 }

import { readFileSync } from "node:fs";
import { compileFile } from "../compile.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { readSbmlText } from "../backends/sbml/read.js";
import { defaultIds, runSeed, simulateModel, stochasticRefusal } from "../sbml/run.js";
import { makeIntegrator } from "../sim/simulate.js";
import { compileModel } from "../sim/model.js";
import { IntegrationError } from "../sim/rosenbrock.js";
import type { StochasticIntegrator } from "../sim/ssa.js";
import type { CRN } from "../ir/types.js";

export interface EnsembleJob {
  kind: "crnn" | "sbml";
  file: string;
  /** The block to run in a .crnn file with several. */
  target?: string;
  until: number;
  points: number;
  method: "ssa" | "tau-leap";
  /** Ω, molecules per unit concentration (.crnn models; an SBML model's counts are its amounts). */
  volume?: number;
  seed: number;
  /** SBML: every species as an amount. */
  amounts?: boolean;
}

export interface EnsembleModel {
  ids: string[];
  t: number[];
  run(i: number): { values: Float64Array; events: number };
}

/**
 * A problem with an ensemble's model (it does not compile or read, or has a part with no
 * stochastic meaning): its diagnostics, formatted, as the message.
 *
 * @example
 * ```ts
 * import { EnsembleModelError, runEnsemble } from "crnnc";
 * try {
 *   await runEnsemble({ kind: "sbml", file: "model.xml", until: 10, points: 11, method: "ssa", seed: 1 }, 100, 2);
 * } catch (e) {
 *   if (e instanceof EnsembleModelError) console.error(e.message);
 * }
 * ```
 */
export class EnsembleModelError extends Error {}

export function loadEnsembleModel(job: EnsembleJob): EnsembleModel {
  const t = Array.from({ length: job.points }, (_, i) => (job.until * i) / (job.points - 1));
  if (job.kind === "sbml") {
    const xml = readFileSync(job.file, "utf8");
    const r = readSbmlText(xml, job.file);
    if (!r.ir?.imported) throw new EnsembleModelError(formatDiagnostics(r.diagnostics, { sources: new Map([[job.file, xml]]), color: false }));
    const ir = r.ir;
    const refusal = stochasticRefusal(ir, job.file);
    if (refusal) throw new EnsembleModelError(formatDiagnostics([refusal], { sources: new Map([[job.file, xml]]), color: false }));
    const ids = defaultIds(ir);
    return {
      ids,
      t,
      run(i) {
        const one = simulateModel(ir, {
          until: job.until,
          points: job.points,
          ids,
          method: job.method,
          combinatorial: false,
          seed: runSeed(job.seed, i),
          ...(job.amounts ? { amounts: "all" as const } : {}),
        });
        if (one.stopped) throw new EnsembleModelError(`run ${i} stopped at t = ${one.stopped.time}: ${one.stopped.message}`);
        return { values: flatten(one.values), events: one.events ?? 0 };
      },
    };
  }
  const r = compileFile(job.file, job.target !== undefined ? { target: job.target } : {});
  if (!r.ir) throw new EnsembleModelError(formatDiagnostics(r.diagnostics, { sources: r.sources ?? new Map(), color: false }));
  const ir: CRN = r.ir;
  // One compiled model and one integrator per thread, reseeded for each run: compiling and
  // generating the event code once lets V8 optimise it for all the runs that follow.
  const md = compileModel(ir, { splitUpdateCatalysis: true });
  const integ = makeIntegrator(md, { method: job.method, ...(job.volume !== undefined ? { volume: job.volume } : {}), seed: 0 }) as StochasticIntegrator;
  const x0 = Float64Array.from(ir.species, (s) => s.init);
  const n = ir.species.length;
  return {
    ids: ir.species.map((s) => s.id),
    t,
    run(i) {
      integ.reseed(runSeed(job.seed, i));
      const x = Float64Array.from(x0);
      const values = new Float64Array(t.length * n);
      values.set(x, 0);
      try {
        for (let k = 1; k < t.length; k++) {
          integ.integrate(x, t[k - 1]!, t[k]!);
          values.set(x, k * n);
        }
      } catch (e) {
        if (e instanceof IntegrationError) throw new EnsembleModelError(`run ${i} stopped at t = ${e.t}: ${e.message}`);
        throw e;
      }
      return { values, events: integ.events };
    },
  };
}

function flatten(rows: Float64Array[]): Float64Array {
  const w = rows[0]?.length ?? 0;
  const out = new Float64Array(rows.length * w);
  rows.forEach((r, i) => out.set(r, i * w));
  return out;
}
