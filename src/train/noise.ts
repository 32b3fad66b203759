// The paper's noise model (§5.1–5.2, eq. 18): κ_j(t; ε) = |κ_j + ε ξ_j(t)|, with ξ_j iid
// N(0, 1) redrawn at each t = k·t0 and held for t1, zero otherwise. It hits the reactions of the
// sub-networks the noise block names (`forward`, `backward`, `update`) and, for `nodes`, the
// −x² decay of every node (the "species noise" of eq. 19). Draws come from a seeded generator
// in a fixed order, so a run is reproducible. With t0 = 0.05 a period of 50 has 2000 rate
// switches, so by default each segment (the noisy hold, the quiet rest of the window) is
// crossed by the run's Rosenbrock integrator under error control, its first step the one the
// previous segment of the same kind proposed: no restart cost at the switches. `fixed` takes
// a fixed number of Rosenbrock-W steps per segment (Jacobian once per segment) without error
// control — faster, but on long runs it diverged where the controlled steps did not;
// `adaptive` restarts the integrator at every switch (for checking).
//
//   noise { epsilon 0.1  resample 0.05  hold 0.005  on backward, nodes }

import type { CRN, NoiseSettings } from "../ir/types.js";
import type { CompiledModel } from "../sim/model.js";
import type { Integrator, Rosenbrock } from "../sim/rosenbrock.js";
import { Rng } from "../util/rng.js";
import { netChange } from "../ir/queries.js";

export interface NoiseSnapshot {
  window: number;
  xi: number[];
  hNoisy: number;
  hQuiet: number;
  rng: number[];
}

export class NoiseSchedule {
  /** Indices of the noisy reactions, in IR order. */
  readonly reactions: Int32Array;
  private readonly rng: Rng;

  constructor(
    ir: CRN,
    private readonly md: CompiledModel,
    private readonly noise: NoiseSettings,
    seed: number,
  ) {
    const tags = new Set(noise.on.filter((o) => o !== "nodes"));
    const nodes = noise.on.includes("nodes");
    const chosen: number[] = [];
    ir.reactions.forEach((r, j) => {
      if (r.rate.kind !== "mass") return;
      if (tags.has(r.tag) || (nodes && isNodeDecay(ir, j))) chosen.push(j);
    });
    this.reactions = Int32Array.from(chosen);
    this.rng = new Rng((seed ^ 0x9e3779b9) >>> 0);
  }

  /**
   * Integrate over [ta, tb) through the noise grid, leaving nominal rate constants afterwards.
   * `fixed`: a W-method stepper and the number of steps per segment; else `integ` adaptively.
   */
  integrate(
    integ: Integrator,
    x: Float64Array,
    ta: number,
    tb: number,
    onStep?: (t: number, x: Float64Array) => void,
    w?: { stepper: Rosenbrock; mode: "controlled" | "fixed"; substeps: number },
  ): void {
    const { resample: t0, hold: t1 } = this.noise;
    const run = (a: number, b: number, memo: { h: number }) => {
      if (!w) integ.integrate(x, a, b, onStep);
      else if (w.mode === "fixed") w.stepper.fixedSteps(x, a, b, w.substeps, onStep);
      else w.stepper.segment(x, a, b, memo, onStep);
    };
    let t = ta;
    while (t < tb) {
      const m = Math.floor(t / t0 + 1e-9);
      const on1 = m * t0 + t1;
      if (t < on1 - 1e-12 * t0) {
        // In window m: its draw is made once, when the run first enters the window.
        if (m !== this.window) this.draw(m);
        this.apply(true);
        const end = Math.min(on1, tb);
        run(t, end, this.hNoisy);
        this.apply(false);
        t = end;
      } else {
        // The quiet part of the window, at nominal rates.
        const end = Math.min((m + 1) * t0, tb);
        run(t, end, this.hQuiet);
        t = end;
      }
    }
  }

  /** The draws and step memory a checkpoint stores (see trainer.ts). */
  snapshot(): NoiseSnapshot {
    return { window: this.window, xi: [...this.xi], hNoisy: this.hNoisy.h, hQuiet: this.hQuiet.h, rng: this.rng.state() };
  }

  restore(s: NoiseSnapshot): void {
    this.window = s.window;
    this.xi = Float64Array.from(s.xi);
    this.hNoisy.h = s.hNoisy;
    this.hQuiet.h = s.hQuiet;
    this.rng.setState(s.rng);
  }

  private window = -1;
  /** The step sizes the last noisy and quiet segments proposed (controlled stepping). */
  private readonly hNoisy = { h: 0 };
  private readonly hQuiet = { h: 0 };
  private xi = new Float64Array(0);

  private draw(m: number): void {
    this.window = m;
    if (this.xi.length !== this.reactions.length) this.xi = new Float64Array(this.reactions.length);
    for (let i = 0; i < this.xi.length; i++) this.xi[i] = this.rng.normal();
  }

  private apply(noisy: boolean): void {
    const { k, k0 } = this.md;
    const eps = this.noise.epsilon;
    const rs = this.reactions;
    for (let i = 0; i < rs.length; i++) {
      const j = rs[i]!;
      k[j] = noisy ? Math.abs(k0[j]! + eps * this.xi[i]!) : k0[j]!;
    }
  }
}

/** The activation's node decay (`2 X -> X`): a forward reaction of a `node` template that removes the node. */
function isNodeDecay(ir: CRN, j: number): boolean {
  const r = ir.reactions[j]!;
  if (r.tag !== "forward" || !r.origin.template.endsWith(".node")) return false;
  return [...netChange(r)].some(([s, d]) => d < 0 && ir.species[s]!.role === "node");
}
