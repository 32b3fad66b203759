// The switches of a model's rate laws, and how the integrators step across them exactly.
//
// `step(a)`, the comparisons, and the kinks of `max`, `min` and `abs` make a rate law's
// right-hand side jump (or its derivative jump) where a switching function g(x) changes sign:
// step(a) at a = 0, max(a, b) at a − b = 0. An adaptive method stepping over such a point
// loses its order and its error estimate, and the answer is wrong at any tolerance (issue 12's
// `0 -> c @ rate(k3 * step(a - 1))`: 0.1404 instead of 0.2·ln 2 = 0.1386). So the integrators
// freeze every switch in the state it has at a step's start (the law code reads `mode`), which
// makes the right-hand side smooth within the step; after the step they look for a switch whose
// truth changed, locate the earliest crossing by re-taking the step with a shorter h (Illinois
// on the switching functions: the crossing is found to the method's own accuracy, without an
// interpolant), stop there, and go on with the switch flipped. A pulse crossed twice within one
// step leaves the end unchanged; the step's interpolant, sampled at eighths, shows it, and the
// step is shortened to end inside it. Outside an integration every
// switch is live, so a steady-state readout or a plain rate evaluation sees the law as written.
//
//   0 -> c @ rate(k3 * step(a - 1))  →  one switch, g = a − 1, true while g ≥ 0

import { exprTree } from "../ir/expr.js";
import { speciesInExpr } from "../ir/queries.js";
import type { IRExpr } from "../ir/types.js";
import { compileLaw } from "./law-codegen.js";

/** Switch j's mode: 2 evaluated live, 1 frozen true, 0 frozen false. */
export const LIVE = 2;

/**
 * Located crossings in a row, each shorter than 1e-9 of the interval, after which the switches
 * that keep flipping are left live (a sliding mode: a node whose rails sit at 0 flips its
 * `step(X.p − X.m)` back and forth at every step, and locating each flip would never end).
 */
const CHATTER_CROSSINGS = 20;

/** An accepted step's interpolant is checked at θ = k/8 (see `SwitchTracker.firstFlip`). */
const INTERIOR_SAMPLES = 8;

/**
 * `locate` first tries θ·h·(1 ± this) around the interpolant's crossing: the cubic Hermite
 * interpolant is good to about this much on the steps the tolerances allow, so the two trials
 * usually bracket the crossing and the Illinois iterations start from a narrow interval.
 */
const GUESS_WIDTH = 1e-4;

export interface SwitchSet {
  count: number;
  mode: Uint8Array;
  /** Truth of switch j is g_j(x) > 0 when strict, g_j(x) ≥ 0 otherwise. */
  strict: Uint8Array;
  g: ((x: Float64Array) => number)[];
  /** The law nodes that read each switch (the law code generator's map). */
  index: Map<IRExpr, number>;
  /** g_j as text, for diagnostics. */
  text: string[];
  /** The species the switching functions read (the interpolant is formed on these only). */
  deps: Int32Array;
}

const COMPARE: Record<string, { flip: boolean; strict: boolean }> = {
  "<": { flip: true, strict: true },
  "<=": { flip: true, strict: false },
  ">": { flip: false, strict: true },
  ">=": { flip: false, strict: false },
};

/** The switches of these laws (undefined if there are none): one per distinct switching function. */
export function findSwitches(laws: Iterable<IRExpr>, params: Float64Array): SwitchSet | undefined {
  const index = new Map<IRExpr, number>();
  const byKey = new Map<string, number>();
  const gs: IRExpr[] = [];
  const strict: number[] = [];
  const minus = (a: IRExpr, b: IRExpr): IRExpr => ({ k: "bin", op: "-", a, b });

  const add = (node: IRExpr, g: IRExpr, isStrict: boolean) => {
    if (!speciesInExpr(g).size) return;
    const key = `${isStrict ? ">" : ">="} ${JSON.stringify(exprTree(g, (l) => l))}`;
    let j = byKey.get(key);
    if (j === undefined) {
      byKey.set(key, (j = gs.length));
      gs.push(g);
      strict.push(isStrict ? 1 : 0);
    }
    index.set(node, j);
  };
  const walk = (e: IRExpr): void => {
    if (e.k === "bin") {
      walk(e.a);
      walk(e.b);
      const c = COMPARE[e.op];
      if (c) add(e, c.flip ? minus(e.b, e.a) : minus(e.a, e.b), c.strict);
    } else if (e.k === "neg") walk(e.a);
    else if (e.k === "fn") {
      for (const a of e.args) walk(a);
      const [a, b] = e.args;
      if (e.f === "step" || e.f === "abs") add(e, a!, false);
      else if (e.f === "max") add(e, minus(a!, b!), false);
      else if (e.f === "min") add(e, minus(b!, a!), false);
    }
  };
  for (const law of laws) walk(law);
  if (!gs.length) return undefined;
  return {
    count: gs.length,
    mode: new Uint8Array(gs.length).fill(LIVE),
    strict: Uint8Array.from(strict),
    g: gs.map((g) => compileLaw(g, [], params).rate),
    index,
    text: gs.map((g) => JSON.stringify(exprTree(g, (l) => l))),
    deps: Int32Array.from(gs.reduce((all, g) => speciesInExpr(g, all), new Set<number>())).sort(),
  };
}

/**
 * An integrator's view of the switches over one integration: freeze them at a step's start,
 * see whether a step crossed one, and locate the earliest crossing.
 */
export class SwitchTracker {
  /** Switches left live because they flipped in ever tinier steps (sliding). */
  private readonly chatter: Uint8Array;
  private tinyInRow = 0;
  /** The switches that flipped in the last located crossing. */
  private lastFlipped: number[] = [];

  constructor(readonly sw: SwitchSet) {
    this.chatter = new Uint8Array(sw.count);
  }

  private truth(j: number, x: Float64Array): boolean {
    const g = this.sw.g[j]!(x);
    return this.sw.strict[j] ? g > 0 : g >= 0;
  }

  /** Freeze every switch (but the sliding ones) in its state at x. */
  freeze(x: Float64Array): void {
    const { mode } = this.sw;
    for (let j = 0; j < mode.length; j++) mode[j] = this.chatter[j] ? LIVE : this.truth(j, x) ? 1 : 0;
  }

  /** Every switch live again (the end of an integration). */
  release(): void {
    this.sw.mode.fill(LIVE);
    this.chatter.fill(0);
    this.tinyInRow = 0;
  }

  /** Some frozen switch has another truth at x. */
  crossed(x: Float64Array): boolean {
    const { mode } = this.sw;
    for (let j = 0; j < mode.length; j++) if (mode[j] !== LIVE && this.truth(j, x) !== (mode[j] === 1)) return true;
    return false;
  }

  /**
   * The first θ ∈ (0, 1] at which a frozen switch has flipped on the step's interpolant, or 0
   * if none has: sampled at eighths (the end is x1 itself), then, with `refine`, bisected to
   * 2⁻²¹ between the samples. The interpolant is the cubic Hermite one through (x0, f0) and
   * (x1, f1), or without f1 the quadratic through x0, f0 and x1 (no extra rate evaluation: the
   * Rosenbrock methods check every step's interior with it). Without `refine` it finds a pulse
   * crossed twice within a step, which leaves the end unchanged; with it, `locate`'s first
   * guess. `buf` is scratch.
   */
  firstFlip(x0: Float64Array, f0: Float64Array, x1: Float64Array, f1: Float64Array | undefined, h: number, buf: Float64Array, refine: boolean): number {
    // Only the species the switching functions read are interpolated; the rest of buf is not read.
    const deps = this.sw.deps;
    const at = (th: number): Float64Array => {
      const t2 = th * th;
      if (!f1) {
        const a = th * h;
        for (let i = 0; i < deps.length; i++) {
          const q = deps[i]!;
          buf[q] = x0[q]! + a * f0[q]! + t2 * (x1[q]! - x0[q]! - h * f0[q]!);
        }
        return buf;
      }
      const t3 = t2 * th;
      const h00 = 2 * t3 - 3 * t2 + 1;
      const h10 = (t3 - 2 * t2 + th) * h;
      const h01 = -2 * t3 + 3 * t2;
      const h11 = (t3 - t2) * h;
      for (let i = 0; i < deps.length; i++) {
        const q = deps[i]!;
        buf[q] = h00 * x0[q]! + h10 * f0[q]! + h01 * x1[q]! + h11 * f1[q]!;
      }
      return buf;
    };
    let prev = 0;
    for (let k = 1; k <= INTERIOR_SAMPLES; k++) {
      const th = k / INTERIOR_SAMPLES;
      if (!this.crossed(k === INTERIOR_SAMPLES ? x1 : at(th))) {
        prev = th;
        continue;
      }
      if (!refine) return th;
      let lo = prev;
      let hi = th;
      for (let it = 0; it < 21; it++) {
        const mid = 0.5 * (lo + hi);
        if (this.crossed(at(mid))) hi = mid;
        else lo = mid;
      }
      return hi;
    }
    return 0;
  }

  /**
   * The smallest distance from flipping of the switches in `set` (≤ 0 where one has flipped).
   * `locate` follows only the switches that flipped over the step: a switch that sits at g = 0
   * without flipping (both rails of a leaky ReLU at 0) would pin the margin at 0 and turn the
   * Illinois iterations into plain bisection.
   */
  private margin(x: Float64Array, set: readonly number[]): number {
    const { mode, g } = this.sw;
    let m = Infinity;
    for (const j of set) {
      const v = g[j]!(x);
      const s = mode[j] === 1 ? v : -v;
      if (s < m) m = s;
    }
    return m;
  }

  /**
   * The step size, at most h, whose end lies just past the earliest crossing (within `tol` of it).
   * `trial(h')` takes the step of size h' from the same start and returns its end state, or
   * undefined if it failed. Known: the step of size h, which ended at `end`, crossed. `guess`
   * (θ ∈ (0, 1), from `firstFlip`) brackets the crossing with two trials around θh first.
   */
  locate(h: number, x0: Float64Array, end: Float64Array, trial: (h: number) => Float64Array | undefined, tol: number, guess = 0): number {
    const { mode } = this.sw;
    const set: number[] = [];
    for (let j = 0; j < mode.length; j++) if (mode[j] !== LIVE && this.truth(j, end) !== (mode[j] === 1)) set.push(j);
    this.lastFlipped = set;
    let lo = 0;
    let hi = h;
    let flo = Math.max(this.margin(x0, set), 0);
    let fhi = Math.min(this.margin(end, set), 0);
    let side = 0;
    if (guess > 0 && guess < 1) {
      for (const c of [guess * h * (1 + GUESS_WIDTH), guess * h * (1 - GUESS_WIDTH)]) {
        if (!(c > lo && c < hi)) continue;
        const y = trial(c);
        if (y && !this.crossed(y)) {
          lo = c;
          flo = Math.max(this.margin(y, set), 0);
        } else {
          hi = c;
          if (y) fhi = Math.min(this.margin(y, set), 0);
        }
      }
    }
    for (let it = 0; it < 80 && hi - lo > tol; it++) {
      let c = flo - fhi > 0 ? lo + ((hi - lo) * flo) / (flo - fhi) : 0.5 * (lo + hi);
      if (!(c > lo && c < hi)) c = 0.5 * (lo + hi);
      // Regula falsi approaches the root from one side; a trial tol/2 inside the far end then
      // closes the bracket (as CVODE's root finder does).
      if (c - lo < 0.5 * tol) c = lo + 0.5 * tol;
      else if (hi - c < 0.5 * tol) c = hi - 0.5 * tol;
      const y = trial(c);
      if (y && !this.crossed(y)) {
        lo = c;
        flo = Math.max(this.margin(y, set), 0);
        if (side === 1) fhi *= 0.5;
        side = 1;
      } else {
        hi = c;
        fhi = y ? Math.min(this.margin(y, set), 0) : fhi;
        if (side === -1) flo *= 0.5;
        side = -1;
      }
    }
    return hi;
  }

  /**
   * After an accepted step of size h (of an interval of length `span`) that ended at `end`,
   * now x (x is `end` clipped at zero): refreeze when a crossing was `located`, or when the clip
   * at zero flipped a switch (g = X.p − X.m from −1e-15 to 0). Returns whether the switches
   * changed (the caller then evaluates f and the Jacobian afresh).
   *
   * A switch that keeps flipping within ever tinier steps slides along its surface: after
   * CHATTER_CROSSINGS located crossings in a row, each under 1e-9 of the interval, the
   * switches of the last one stay live for the rest of the interval (as without location).
   */
  accepted(end: Float64Array, x: Float64Array, located: boolean, h: number, span: number): boolean {
    if (!located) {
      this.tinyInRow = 0;
      if (!this.clipped(end) || !this.crossed(x)) return false;
      this.freeze(x);
      return true;
    }
    this.freeze(x);
    this.tinyInRow = h < 1e-9 * span ? this.tinyInRow + 1 : 0;
    if (this.tinyInRow >= CHATTER_CROSSINGS) {
      // The switches of the last located crossing (the modes are already refrozen, so they cannot tell).
      for (const j of this.lastFlipped) {
        this.chatter[j] = 1;
        this.sw.mode[j] = LIVE;
      }
      this.tinyInRow = 0;
    }
    return true;
  }

  /** Some species a switch reads went below zero at `end` (so the clip may have moved a switch). */
  private clipped(end: Float64Array): boolean {
    const deps = this.sw.deps;
    for (let i = 0; i < deps.length; i++) if (end[deps[i]!]! < 0) return true;
    return false;
  }
}
