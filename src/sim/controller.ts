// The step-size controllers the integrators share, from Hairer & Wanner (II.4, IV.8) and their
// codes DOPRI5 and RODAS. What they add to the plain rule h ← h·0.9·err^(−1/q):
//   - no growth right after a rejection (the rejected h said the error is near the limit here);
//   - "predictive" (Gustafsson): also uses the previous accepted step's error, which damps the
//     accept/reject oscillation of stiff problems (RODAS, OrdinaryDiffEq's Rosenbrock methods);
//   - "pi" (Lund stabilisation, β = 0.04): the explicit method's smoother sequence (DOPRI5).
//
//   const c = new StepController(5, "predictive");  c.start();
//   h *= c.accepted(h, 0.3);   // grow
//   h *= c.rejected(4.2);      // shrink, and the next accepted step will not grow

/** "standard": the plain rule; "predictive": Gustafsson's; "pi": Hairer's PI with β = 0.04. */
export type Controller = "standard" | "predictive" | "pi";

const SAFETY = 0.9;
const MIN_GROWTH = 0.2;
const MAX_GROWTH = 5;

export class StepController {
  private hacc = 0;
  private erracc = 0;
  private errOld = 1e-4;
  private afterReject = false;

  /** q: the error estimate's order + 1 (the exponent is 1/q). */
  constructor(
    readonly q: number,
    readonly kind: Controller,
  ) {}

  /** A fresh start (a new interval or a discontinuity): forget the history. */
  start(): void {
    this.hacc = 0;
    this.errOld = 1e-4;
    this.afterReject = false;
  }

  /** The factor for the next step after accepting a step of size h with error norm err (≤ 1). */
  accepted(h: number, err: number): number {
    const { q } = this;
    let grow: number;
    if (this.kind === "pi") {
      // DOPRI5's fac11/facold: err^(−(1/q − 0.75β)) · errOld^β with β = 0.04.
      const e = Math.max(err, 1e-10);
      grow = SAFETY * e ** -(1 / q - 0.03) * this.errOld ** 0.04;
      this.errOld = Math.max(e, 1e-4);
    } else {
      grow = err === 0 ? MAX_GROWTH : SAFETY * err ** (-1 / q);
      if (this.kind === "predictive") {
        if (this.hacc > 0 && err > 0) grow = Math.min(grow, SAFETY * (h / this.hacc) * (this.erracc / (err * err)) ** (1 / q));
        this.hacc = h;
        this.erracc = Math.max(1e-2, err);
      }
    }
    grow = Math.min(MAX_GROWTH, Math.max(MIN_GROWTH, grow));
    if (this.afterReject) grow = Math.min(grow, 1);
    this.afterReject = false;
    return grow;
  }

  /** The factor for the retry after rejecting a step with error norm err (> 1, or not finite). */
  rejected(err: number): number {
    this.afterReject = true;
    return Number.isFinite(err) && err >= 0 ? Math.max(0.1, SAFETY * err ** (-1 / this.q)) : 0.1;
  }

  /** A failed attempt (singular matrix, non-finite values) also forbids growth on the next success. */
  failed(): void {
    this.afterReject = true;
  }
}
