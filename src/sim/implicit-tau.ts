// Implicit τ-leaping (Rathinam, Petzold, Cao & Gillespie 2003, "Stiffness in stochastic
// chemically reacting systems: the implicit tau-leaping method"), rounded to whole molecules,
// for the stiff training CRNs: explicit leaps must stay shorter than the fastest reaction's
// time scale (the division and slope reactions, ~0.1), while the weights move on the update
// reactions' scale, 10³× slower. Each leap draws K_r ~ Poisson(a_r τ) for every reaction, as
// explicit τ-leaping does, and takes the drift implicitly:
//     x' = x + Σ_r ν_r (K_r/Ω − v_r(x) τ) + τ Σ_r ν_r v_r(x'),
// linearised at x (one Newton step): (I/τ − J) Δ = Σ_r ν_r K_r / (Ωτ), then x' = x + Δ rounded to
// counts (never below zero). The Jacobian is the integrators' (block-triangular J_L; the weak
// update coupling J_U, entries of size η, stays explicit), factored once per τ and state. What
// it gives up, as any implicit leap: the fluctuations of the *fast* species are damped (their
// variance is under-estimated); the slow ones — the weights — keep theirs. The exact SSA and
// explicit τ-leaping remain the references (test/ssa.test.ts compares).
//
//   new ImplicitTauLeap(compileModel(ir, { splitUpdateCatalysis: true }), { volume: 1000, seed: 1, tau: 0.25 }).integrate(x, 0, 300)

import { jacobian, type CompiledModel } from "./model.js";
import { BlockTriangularSolver } from "./linear.js";
import { IntegrationError } from "./rosenbrock.js";
import { StochasticIntegrator, compilePropensities, type StochasticOptions } from "./ssa.js";

export interface ImplicitTauOptions extends StochasticOptions {
  /** The leap τ (default 0.25 time units; an interval shorter than τ is one leap). */
  tau?: number;
  /** Re-evaluate the Jacobian every this many leaps (default 4; the linearisation, not the draws, uses it). */
  jacobianEvery?: number;
}

/**
 * Draws with a mean above this use the normal approximation of the Poisson law, round(λ +
 * √λ·ξ) (its skewness, 1/√λ, is then below 10%; mean and variance exact): the Langevin regime,
 * and ten times cheaper.
 */
export const NORMAL_ABOVE = 100;

export class ImplicitTauLeap extends StochasticIntegrator {
  private readonly tau: number;
  private readonly solver: BlockTriangularSolver;
  private readonly jv: Float64Array;
  private readonly cv: Float64Array;
  private readonly r: Float64Array;
  private readonly a: Float64Array;
  private readonly props: (A: Float64Array) => number;
  private readonly jacobianEvery: number;
  private sinceJacobian = Infinity;
  private factoredTau = NaN;

  constructor(
    private readonly md: CompiledModel,
    opts: ImplicitTauOptions = {},
  ) {
    super(md, opts);
    this.tau = opts.tau ?? 0.25;
    this.solver = new BlockTriangularSolver(md);
    this.jv = new Float64Array(md.jCol.length);
    this.cv = new Float64Array(md.cRow.length);
    this.r = new Float64Array(md.n);
    this.a = new Float64Array(md.m);
    this.props = compilePropensities(this.model);
    this.jacobianEvery = opts.jacobianEvery ?? 4;
  }

  integrate(x: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void): void {
    const { md, rng, solver, jv, cv, r } = this;
    const mdl = this.model;
    const Ω = mdl.volume;
    mdl.load(x);
    mdl.store(x);
    // A new interval starts after a jump (a sample switch, an event): a fresh Jacobian.
    this.sinceJacobian = Infinity;
    let t = t0;
    try {
      while (t < t1) {
        const tau = Math.min(this.tau, t1 - t);
        // Poisson firings at the propensities of x; their net change, in concentration per τ.
        const { a } = this;
        this.props(a);
        r.fill(0);
        for (let q = 0; q < md.m; q++) {
          const aq = a[q]!;
          if (!(aq >= 0)) throw new IntegrationError(`reaction ${q}'s propensity is ${aq} (a stochastic simulation needs a finite, non-negative rate)`, t);
          if (aq === 0) continue;
          const lam = aq * tau;
          const K = lam > NORMAL_ABOVE ? Math.max(0, Math.round(lam + Math.sqrt(lam) * rng.normal())) : rng.poisson(lam);
          if (K === 0) continue;
          this.events += K;
          const w = K / (Ω * tau);
          for (let e = md.nStart[q]!; e < md.nStart[q + 1]!; e++) r[md.ns[e]!] = r[md.ns[e]!]! + md.nv[e]! * w;
        }
        // J_U (the weak update coupling) stays explicit: its reactions act through their Poisson draws alone.
        if (++this.sinceJacobian >= this.jacobianEvery || tau !== this.factoredTau) {
          jacobian(md, x, jv, cv);
          this.stats.jacEvals++;
          if (!solver.factor(1 / tau, jv)) throw new IntegrationError(`the implicit leap's matrix is singular at t = ${t}`, t);
          this.factoredTau = tau;
          this.sinceJacobian = 0;
        }
        solver.solve(jv, r);
        const C = mdl.counts;
        for (let i = 0; i < md.n; i++) {
          const c = Math.round(C[i]! + r[i]! * Ω);
          C[i] = c > 0 ? c : 0;
        }
        mdl.store(x);
        t += tau;
        this.leaps++;
        this.stats.steps++;
        onStep?.(t, x);
      }
    } finally {
      mdl.store(x);
    }
  }
}
