// Dormand–Prince 5(4): the explicit adaptive method for non-stiff runs (`--method dopri5`),
// with the standard FSAL tableau and error control on rtol/atol. Cheap per step, but on a
// stiff training CRN its stability limit forces tiny steps; use the Rosenbrock-W method there.
//
//   new DormandPrince(model, { rtol: 1e-8 }).integrate(x, 0, 10)

import { rhs, type CompiledModel } from "./model.js";
import { SwitchTracker } from "./switches.js";
import { StepController } from "./controller.js";
import {
  clearStats,
  failedAttempts,
  IntegrationError,
  MAX_FAILED_ATTEMPTS,
  MAX_INTERIOR_RETRIES,
  startingStep,
  type Integrator,
  type IntegratorSnapshot,
  type StepperOptions,
  type StepperStats,
} from "./rosenbrock.js";

const A: number[][] = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
const B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0];
const BHAT = [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40];

export class DormandPrince implements Integrator {
  readonly stats: StepperStats = { steps: 0, rejected: 0, rhsEvals: 0, jacEvals: 0, singular: 0, crossings: 0 };
  private readonly k: Float64Array[];
  private readonly ytmp: Float64Array;
  private readonly ynew: Float64Array;
  private readonly rtol: number;
  private readonly atol: number;
  private readonly hmax: number;
  private readonly maxSteps: number;
  lastH = 0;
  /** The rate laws' switches, located during integration (switches.ts); undefined without any. */
  private readonly tracker: SwitchTracker | undefined;
  private readonly controller: StepController;

  reset(): void {
    clearStats(this.stats);
    this.lastH = 0;
  }

  snapshot(): IntegratorSnapshot {
    return { lastH: this.lastH, stats: { ...this.stats } };
  }

  restore(s: IntegratorSnapshot): void {
    this.lastH = s.lastH;
    Object.assign(this.stats, s.stats);
  }

  constructor(
    private readonly md: CompiledModel,
    opts: StepperOptions = {},
  ) {
    this.rtol = opts.rtol ?? 1e-6;
    this.atol = opts.atol ?? 1e-9;
    this.hmax = opts.hmax ?? Infinity;
    this.maxSteps = opts.maxSteps ?? 10_000_000;
    this.k = Array.from({ length: 7 }, () => new Float64Array(md.n));
    this.ytmp = new Float64Array(md.n);
    this.ynew = new Float64Array(md.n);
    this.tracker = md.switches ? new SwitchTracker(md.switches) : undefined;
    this.controller = new StepController(5, opts.controller ?? "pi");
  }

  integrate(x: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void): void {
    if (!(t1 - t0 > 0)) return;
    const tr = this.tracker;
    tr?.freeze(x);
    try {
      this.run(x, t0, t1, onStep);
    } finally {
      tr?.release();
    }
  }

  /** One step of size h from x (k[0] = f(x)) into ynew; returns the error norm. */
  private attempt(x: Float64Array, h: number): number {
    const { md, k, ytmp, ynew, rtol, atol } = this;
    const n = md.n;
    for (let i = 1; i < 7; i++) {
      ytmp.set(x);
      const ai = A[i]!;
      for (let j = 0; j < i; j++) {
        const a = ai[j]! * h;
        if (a === 0) continue;
        const kj = k[j]!;
        for (let q = 0; q < n; q++) ytmp[q]! += a * kj[q]!;
      }
      rhs(md, ytmp, k[i]!);
      this.stats.rhsEvals++;
    }
    // Stage 7's argument is the 5th-order solution (FSAL).
    ynew.set(ytmp);
    let sum = 0;
    for (let q = 0; q < n; q++) {
      let e = 0;
      for (let i = 0; i < 7; i++) e += (B[i]! - BHAT[i]!) * k[i]![q]!;
      e *= h;
      const sc = atol + rtol * Math.max(Math.abs(x[q]!), Math.abs(ynew[q]!));
      sum += (e / sc) ** 2;
    }
    return Math.sqrt(sum / n);
  }

  private run(x: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void): void {
    const { md, k, ynew, rtol, atol } = this;
    const tr = this.tracker;
    const n = md.n;
    const span = t1 - t0;
    rhs(md, x, k[0]!);
    this.stats.rhsEvals++;
    let h = this.lastH > 0 ? Math.min(this.lastH, span) : Math.min(startingStep(x, k[0]!, rtol, atol, span), span);
    h = Math.min(h, this.hmax);
    let t = t0;
    let steps = 0;
    let failedInRow = 0;
    let interiorInRow = 0;
    const ctl = this.controller;
    ctl.start();
    const tried = { h: NaN, err: NaN };
    const trial = (hh: number) => {
      const e = this.attempt(x, hh);
      tried.h = hh;
      tried.err = e;
      return Number.isFinite(e) ? ynew : undefined;
    };
    while (t < t1) {
      if (++steps > this.maxSteps) throw new IntegrationError(`too many steps (${this.maxSteps}) between t = ${t0} and ${t1}`, t);
      let last = t + h >= t1;
      if (last) h = t1 - t;
      let err = this.attempt(x, h);
      if (!Number.isFinite(err)) {
        this.stats.rejected++;
        if (++failedInRow > MAX_FAILED_ATTEMPTS || h < 1e-14 * Math.max(1, Math.abs(t)))
          throw failedAttempts("the step gave non-finite values", t, h, failedInRow, [ynew, ...k]);
        ctl.failed();
        h *= 0.25;
        continue;
      }
      failedInRow = 0;
      // A switch flipped within the step: stop the step at the earliest crossing (switches.ts).
      let resume = 0;
      let switched = false;
      if (err <= 1 && tr) {
        if (tr.crossed(ynew)) {
          const guess = tr.firstFlip(x, k[0]!, ynew, k[6]!, h, this.ytmp, true);
          const hc = tr.locate(h, x, ynew, trial, 1e-10 * h, guess);
          if (hc < h) {
            resume = h;
            h = hc;
            last = false;
          }
          // The last trial is often the step to the crossing itself.
          err = tried.h === h ? tried.err : this.attempt(x, h);
          switched = err <= 1;
        } else if (interiorInRow < MAX_INTERIOR_RETRIES) {
          // A pulse crossed twice within the step: the interpolant on f(x) = k₀ and f(y₁) = k₆ (FSAL) shows it.
          const th = tr.firstFlip(x, k[0]!, ynew, k[6]!, h, this.ytmp, false);
          if (th > 0) {
            interiorInRow++;
            this.stats.rejected++;
            ctl.failed();
            h *= th;
            continue;
          }
        }
      }
      if (err <= 1) {
        t = last ? t1 : t + h;
        interiorInRow = 0;
        // Clip at zero (why it is safe: Rosenbrock.accept in rosenbrock.ts); after a clip f(x) is not k₆.
        let clipped = false;
        for (let q = 0; q < n; q++) {
          const v = ynew[q]!;
          if (v < 0 && md.clip) clipped = true;
          x[q] = v > 0 || !md.clip ? v : 0;
        }
        if (tr) {
          if (switched) {
            this.stats.crossings++;
            ctl.start();
          }
          switched = tr.accepted(ynew, x, switched, h, span);
        }
        // After a switch f(x) is another function: evaluate it afresh (no FSAL).
        if (clipped || switched) {
          rhs(md, x, k[0]!);
          this.stats.rhsEvals++;
        } else k[0]!.set(k[6]!);
        this.stats.steps++;
        onStep?.(t, x);
        if (!last) this.lastH = resume > 0 ? resume : h;
        h = Math.min(this.hmax, resume > 0 ? resume : h * ctl.accepted(h, err));
      } else {
        this.stats.rejected++;
        h *= ctl.rejected(err);
        if (h < 1e-14 * Math.max(1, Math.abs(t)))
          throw new IntegrationError("the step size underflowed: the system is too stiff, or a concentration diverges", t);
      }
    }
  }
}
