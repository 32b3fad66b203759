// A schedule read back from SBML, simulated as `train()` does it: at the start of iteration k
// the species of the schedule take the values of position (k − 1) mod N, then the whole CRN is
// integrated over one period T, nothing reset. Returns the state at t = 0, T, 2T, ...
//
//   simulateSchedule(ir, { period: 50, species: [0, 5], values: [[0.2, 0.19], ...] }, { iterations: 5 })

import type { CRN } from "../ir/types.js";
import { compileModel } from "./model.js";
import { makeIntegrator, type SolverOptions } from "./simulate.js";

export interface Schedule {
  period: number;
  species: number[];
  values: number[][];
}

export function simulateSchedule(ir: CRN, sch: Schedule, opts: SolverOptions & { iterations: number }): { t: number[]; values: Float64Array[] } {
  const md = compileModel(ir, { splitUpdateCatalysis: true });
  const integ = makeIntegrator(md, opts);
  const x = Float64Array.from(ir.species, (s) => s.init);
  const t = [0];
  const values = [Float64Array.from(x)];
  const N = sch.values.length;
  for (let k = 1; k <= opts.iterations; k++) {
    const v = sch.values[(k - 1) % N]!;
    sch.species.forEach((s, q) => (x[s] = v[q]!));
    integ.integrate(x, (k - 1) * sch.period, k * sch.period);
    t.push(k * sch.period);
    values.push(Float64Array.from(x));
  }
  return { t, values };
}
