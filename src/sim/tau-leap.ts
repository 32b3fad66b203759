// τ-leaping (Cao, Gillespie & Petzold 2006, "Efficient step size selection for the tau-leaping
// simulation method"), behind the integrators' interface like the exact SSA: each leap fires
// every non-critical reaction a Poisson(a_j·τ) number of times, with τ chosen so that no
// propensity changes by more than ε (relative, through the species' expected change and its
// variance), and at most one critical reaction (one that could empty a species within n_c
// firings) fires, exactly as the SSA would pick it. A leap that would drive a count below zero
// is retried at τ/2, so no count is ever negative. When τ is within a few SSA steps, exact SSA
// steps are taken instead (they are cheaper there and exact). Far fewer steps than events at
// large counts: the training CRNs at Ω = 10³ fire ~10⁶ events per unit time.
//
//   new TauLeap(compileModel(ir), { volume: 1000, seed: 1 }).integrate(x, 0, 300)

import type { CompiledModel } from "./model.js";
import { IntegrationError } from "./rosenbrock.js";
import { StochasticIntegrator, type StochasticOptions } from "./ssa.js";

export interface TauLeapOptions extends StochasticOptions {
  /** ε, the bound on the relative change of any propensity in one leap (default 0.03, as CGP). */
  epsilon?: number;
  /** n_c: a reaction that can fire fewer times than this before emptying a reactant is critical (default 10). */
  critical?: number;
}

/** Exact SSA steps taken in a row when τ is within this many mean SSA steps. */
const SSA_FACTOR = 10;
const SSA_BURST = 100;

export class TauLeap extends StochasticIntegrator {
  private readonly eps: number;
  private readonly nc: number;
  private readonly a: Float64Array;
  private readonly k: Float64Array;
  /** The leap's Poisson means a_r·τ (0 for a critical reaction, which fires exactly). */
  private readonly lam: Float64Array;
  /** Species that are some reaction's reactant (the ones τ selection bounds), with g_i's highest order. */
  private readonly reactantSpecies: Int32Array;
  private readonly hor: Int32Array;
  private readonly mu: Float64Array;
  private readonly sigma2: Float64Array;
  private readonly critical: Uint8Array;
  private readonly backup: Float64Array;

  constructor(md: CompiledModel, opts: TauLeapOptions = {}) {
    super(md, opts);
    this.eps = opts.epsilon ?? 0.03;
    this.nc = opts.critical ?? 10;
    this.a = new Float64Array(md.m);
    this.k = new Float64Array(md.m);
    this.lam = new Float64Array(md.m);
    this.critical = new Uint8Array(md.m);
    this.backup = new Float64Array(md.n);
    this.mu = new Float64Array(md.n);
    this.sigma2 = new Float64Array(md.n);
    const hor = new Int32Array(md.n);
    for (let r = 0; r < md.m; r++) {
      let order = 0;
      for (let e = md.rStart[r]!; e < md.rStart[r + 1]!; e++) order += md.rn[e]!;
      for (let e = md.rStart[r]!; e < md.rStart[r + 1]!; e++) hor[md.rs[e]!] = Math.max(hor[md.rs[e]!]!, order);
      // A rate law's reactants: the species it consumes.
      if (md.isLaw[r]) for (let q = md.nStart[r]!; q < md.nStart[r + 1]!; q++) if (md.nv[q]! < 0) hor[md.ns[q]!] = Math.max(hor[md.ns[q]!]!, 1);
    }
    const rsp: number[] = [];
    for (let i = 0; i < md.n; i++) if (hor[i]! > 0) rsp.push(i);
    this.reactantSpecies = Int32Array.from(rsp);
    this.hor = hor;
  }

  /** g_i (CGP eq. 27): how much a relative change of x_i can change the propensities of the reactions it feeds. */
  private g(i: number, x: number): number {
    const h = this.hor[i]!;
    if (h <= 1) return 1;
    if (h === 2) return x > 1 ? 2 + 1 / (x - 1) : 2;
    return x > 2 ? 3 + 1 / (x - 1) + 2 / (x - 2) : 3;
  }

  integrate(x: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void): void {
    const mdl = this.model;
    const md = mdl.md;
    mdl.load(x);
    const { a, k, rng, critical, mu, sigma2, backup, eps, nc } = this;
    const C = mdl.counts;
    const m = mdl.m;
    let t = t0;
    try {
      while (t < t1) {
        // Propensities and critical reactions.
        let a0 = 0;
        let a0c = 0;
        for (let r = 0; r < m; r++) {
          const v = mdl.propensity(r);
          if (!(v >= 0)) throw new IntegrationError(`reaction ${r}'s propensity is ${v} (a stochastic simulation needs a finite, non-negative rate)`, t);
          a[r] = v;
          a0 += v;
          let L = Infinity;
          for (let q = md.nStart[r]!; q < md.nStart[r + 1]!; q++) {
            const d = md.nv[q]!;
            if (d < 0) L = Math.min(L, Math.floor(C[md.ns[q]!]! / -d));
          }
          critical[r] = v > 0 && L < nc ? 1 : 0;
          if (critical[r]) a0c += v;
        }
        if (!(a0 > 0)) break;
        // τ' from the non-critical reactions' expected change and variance of each reactant species.
        mu.fill(0);
        sigma2.fill(0);
        for (let r = 0; r < m; r++) {
          if (critical[r] || a[r] === 0) continue;
          for (let q = md.nStart[r]!; q < md.nStart[r + 1]!; q++) {
            const s = md.ns[q]!;
            const d = md.nv[q]!;
            mu[s] = mu[s]! + d * a[r]!;
            sigma2[s] = sigma2[s]! + d * d * a[r]!;
          }
        }
        let tauP = Infinity;
        for (const i of this.reactantSpecies) {
          const bound = Math.max((eps * C[i]!) / this.g(i, C[i]!), 1);
          const mi = Math.abs(mu[i]!);
          if (mi > 0) tauP = Math.min(tauP, bound / mi);
          if (sigma2[i]! > 0) tauP = Math.min(tauP, (bound * bound) / sigma2[i]!);
        }
        if (tauP < SSA_FACTOR / a0) {
          t = this.ssaBurst(t, t1, onStep, x);
          continue;
        }
        for (;;) {
          const tauC = a0c > 0 ? -Math.log(1 - rng.next()) / a0c : Infinity;
          let tau = Math.min(tauP, tauC);
          let fireCritical = tauC <= tauP;
          if (t + tau >= t1) {
            tau = t1 - t;
            fireCritical = false;
          }
          backup.set(C);
          const lam = this.lam;
          for (let r = 0; r < m; r++) lam[r] = critical[r] ? 0 : a[r]! * tau;
          rng.poissonMany(lam, k, Infinity);
          if (fireCritical) {
            let u = rng.next() * a0c;
            let j = -1;
            for (let r = 0; r < m; r++)
              if (critical[r]) {
                j = r;
                if ((u -= a[r]!) < 0) break;
              }
            k[j] = 1;
          }
          let negative = false;
          for (let r = 0; r < m; r++) {
            const kr = k[r]!;
            if (kr === 0) continue;
            for (let q = md.nStart[r]!; q < md.nStart[r + 1]!; q++) C[md.ns[q]!] = C[md.ns[q]!]! + kr * md.nv[q]!;
            this.events += kr;
          }
          for (let i = 0; i < mdl.n; i++) if (C[i]! < 0) negative = true;
          if (!negative) {
            t += tau;
            this.leaps++;
            this.stats.steps++;
            break;
          }
          // A count went negative: undo, halve τ', draw again.
          for (let r = 0; r < m; r++) this.events -= k[r]!;
          C.set(backup);
          this.stats.rejected++;
          tauP /= 2;
        }
        mdl.store(x);
        onStep?.(t, x);
      }
    } finally {
      mdl.store(x);
    }
  }

  /** Up to SSA_BURST exact SSA events (direct method, linear search: the propensities are fresh), stopping at t1. */
  private ssaBurst(t: number, t1: number, onStep: ((t: number, x: Float64Array) => void) | undefined, x: Float64Array): number {
    const mdl = this.model;
    const { a, rng } = this;
    const m = mdl.m;
    for (let step = 0; step < SSA_BURST; step++) {
      let a0 = 0;
      for (let r = 0; r < m; r++) a0 += a[r] = mdl.propensity(r);
      if (!(a0 > 0)) return t1;
      const tau = -Math.log(1 - rng.next()) / a0;
      if (t + tau >= t1) return t1;
      t += tau;
      let u = rng.next() * a0;
      let j = 0;
      for (let r = 0; r < m; r++) {
        if (a[r]! > 0) j = r;
        if ((u -= a[r]!) < 0) break;
      }
      mdl.fire(j);
      this.events++;
      this.stats.steps++;
      if (onStep) {
        mdl.store(x);
        onStep(t, x);
      }
    }
    return t;
  }
}
