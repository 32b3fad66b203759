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

import type { CompiledModel, JacFn } from "./model.js";
import { BlockTriangularSolver } from "./linear.js";
import { IntegrationError, prepareSolver } from "./rosenbrock.js";
import { generateGrouped } from "./kernels.js";
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
  private readonly jac: JacFn;
  private readonly jv: Float64Array;
  private readonly cv: Float64Array;
  private readonly r: Float64Array;
  private readonly a: Float64Array;
  /** Per reaction: the mean a_r·τ of its firings in this leap, and the firings drawn. */
  private readonly lam: Float64Array;
  private readonly K: Float64Array;
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
    // The Rosenbrock integrators' generated Jacobian and straight-line solves (the generic loops
    // were a fifth of a leap).
    prepareSolver(this.solver, md.n, "auto");
    this.jac = generateGrouped(md).jac;
    this.jv = new Float64Array(md.jCol.length);
    this.cv = new Float64Array(md.cRow.length);
    this.r = new Float64Array(md.n);
    this.a = new Float64Array(md.m);
    this.lam = new Float64Array(md.m);
    this.K = new Float64Array(md.m);
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
        const { a, lam, K } = this;
        this.props(a);
        for (let q = 0; q < md.m; q++) {
          const aq = a[q]!;
          if (!(aq >= 0)) throw new IntegrationError(`reaction ${q}'s propensity is ${aq} (a stochastic simulation needs a finite, non-negative rate)`, t);
          lam[q] = aq * tau;
        }
        rng.poissonMany(lam, K, NORMAL_ABOVE);
        r.fill(0);
        const { nStart, ns, nv } = md;
        for (let q = 0; q < md.m; q++) {
          const k = K[q]!;
          if (k === 0) continue;
          this.events += k;
          const w = k / (Ω * tau);
          for (let e = nStart[q]!; e < nStart[q + 1]!; e++) r[ns[e]!] = r[ns[e]!]! + nv[e]! * w;
        }
        // J_U (the weak update coupling) stays explicit: its reactions act through their Poisson draws alone.
        if (++this.sinceJacobian >= this.jacobianEvery || tau !== this.factoredTau) {
          this.jac(x, jv, cv);
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
