// The exact stochastic simulation algorithm (Gillespie's direct method) on a compiled model,
// behind the integrators' interface: `integrate(x, t0, t1)` takes concentrations, runs molecule
// counts n = round(x·Ω) event by event to t1, and hands back n/Ω — so the trainer, the
// schedules and the SBML events driver run stochastically without knowing it.
//
// Propensities (issue 15): crnnc's deterministic convention is mass action without
// combinatorial factors, on concentrations. The propensity whose mean-field limit is that ODE
// is, for a reaction with reactant orders m_i at rate constant k,
//     a = k · Ω^(1 − Σm) · Π n_i (n_i − 1) ⋯ (n_i − m_i + 1)       (2 X -> … at k: a = (k/Ω)·n(n−1)),
// and a rate law f(x) fires at a = Ω · f(n/Ω). An imported SBML model is already in amounts
// (Ω = 1) and its kinetic law *is* the propensity (SBML's stochastic reading: `k * X * X` means
// k·n², with no falling factorial), so `combinatorial` is off for it.
//
// Selection is a sum tree over the propensities (O(log M) to pick and to update), and after
// each event only the reactions that read a species it changed are recomputed (the dependency
// graph) — O(d log M) per event, not O(M); parent sums are recomputed, not incremented, so the
// total never drifts. Discarding the waiting time that overshoots t1 is exact (it is
// memoryless), so an interval ends exactly at t1 and the next one starts there.
//
//   new Gillespie(compileModel(ir), { volume: 1000, seed: 1 }).integrate(x, 0, 300)

import type { CompiledModel } from "./model.js";
import { IntegrationError, type Integrator, type IntegratorSnapshot, type StepperStats } from "./rosenbrock.js";
import { Rng, UNIFORM_53 } from "../util/rng.js";

export interface StochasticOptions {
  /** Ω: molecules per unit concentration (default 1: the state is in molecules). */
  volume?: number;
  seed?: number;
  /** Falling factorials in mass-action propensities (crnnc's convention); off for SBML models, whose laws are the propensities. */
  combinatorial?: boolean;
  /** Give up after this many events in one `integrate` call (default 2·10⁹). */
  maxEvents?: number;
}

export function newStats(): StepperStats {
  return { steps: 0, rejected: 0, rhsEvals: 0, jacEvals: 0, singular: 0, crossings: 0 };
}

/** The reaction structure both stochastic methods read: integer changes, propensity factors, dependencies. */
export class StochasticModel {
  readonly n: number;
  readonly m: number;
  /** Ω^(1 − Σm) for a mass-action reaction, Ω for a rate law. */
  readonly scale: Float64Array;
  /** Reactions to recompute after reaction r fires: deps[depStart[r] .. depStart[r+1]). */
  readonly depStart: Int32Array;
  readonly deps: Int32Array;
  /** Concentrations n/Ω, which rate laws read. */
  readonly x: Float64Array;
  readonly counts: Float64Array;

  constructor(
    readonly md: CompiledModel,
    readonly volume: number,
    readonly combinatorial: boolean,
  ) {
    const { n, m, rStart, rn, nStart, nv, ns, isLaw } = md;
    this.n = n;
    this.m = m;
    this.scale = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      let order = 0;
      for (let e = rStart[r]!; e < rStart[r + 1]!; e++) order += rn[e]!;
      this.scale[r] = isLaw[r] ? volume : volume ** (1 - order);
      for (let q = nStart[r]!; q < nStart[r + 1]!; q++)
        if (!Number.isInteger(nv[q]!))
          throw new RangeError(`reaction ${r} changes species ${ns[q]} by ${nv[q]}: a stochastic simulation needs whole molecules`);
    }
    // Who reads each species: mass-action reactants and rate laws' dependencies.
    const readers: number[][] = Array.from({ length: n }, () => []);
    for (let r = 0; r < m; r++) if (!isLaw[r]) for (let e = rStart[r]!; e < rStart[r + 1]!; e++) readers[md.rs[e]!]!.push(r);
    for (const lj of md.lawJac) for (const s of lj.deps) readers[s]!.push(lj.r);
    const starts: number[] = [];
    const all: number[] = [];
    for (let r = 0; r < m; r++) {
      starts.push(all.length);
      const set = new Set<number>();
      for (let q = nStart[r]!; q < nStart[r + 1]!; q++) for (const d of readers[ns[q]!]!) set.add(d);
      all.push(...[...set].sort((a, b) => a - b));
    }
    starts.push(all.length);
    this.depStart = Int32Array.from(starts);
    this.deps = Int32Array.from(all);
    this.x = new Float64Array(n);
    this.counts = new Float64Array(n);
    // Species a reaction consumes and how many, where its propensity alone would not stop it at too few
    // (a rate law; SBML's powers without falling factorials; a falling factorial already does).
    this.shortGuards = Array.from({ length: m }, (_, r) => {
      const out: [number, number][] = [];
      for (let q = nStart[r]!; q < nStart[r + 1]!; q++) {
        const need = -nv[q]!;
        if (need <= 0) continue;
        let order = 0;
        for (let e = rStart[r]!; e < rStart[r + 1]!; e++) if (md.rs[e] === ns[q]) order = rn[e]!;
        if (isLaw[r] || (combinatorial ? need > order : need > 1 || order === 0)) out.push([ns[q]!, need]);
      }
      return out;
    });
  }

  /** Per reaction: [species, molecules] it consumes that its propensity does not guard. */
  readonly shortGuards: [number, number][][];

  /** Counts from concentrations (rounded to whole molecules), and the concentrations they mean. */
  load(x: Float64Array): void {
    const { counts, volume } = this;
    for (let i = 0; i < this.n; i++) {
      const c = Math.round(x[i]! * volume);
      counts[i] = c < 0 ? 0 : c;
      this.x[i] = counts[i]! / volume;
    }
  }

  /** Concentrations n/Ω into x (and into this.x, which the generated code keeps current only for the species rate laws read). */
  store(x: Float64Array): void {
    const { counts, volume } = this;
    for (let i = 0; i < this.n; i++) x[i] = this.x[i] = counts[i]! / volume;
  }

  /** Reaction r's propensity in the current state. */
  propensity(r: number): number {
    const { md, counts } = this;
    for (const [sp, need] of this.shortGuards[r]!) if (counts[sp]! < need) return 0;
    if (md.isLaw[r]) return this.scale[r]! * md.lawRates.get(r)!(this.x);
    let a = md.k[r]! * this.scale[r]!;
    const { rStart, rs, rn } = md;
    for (let e = rStart[r]!; e < rStart[r + 1]!; e++) {
      const c = counts[rs[e]!]!;
      const o = rn[e]!;
      if (o === 1) a *= c;
      else if (this.combinatorial) for (let j = 0; j < o; j++) a *= c - j > 0 ? c - j : 0;
      else a *= c ** o;
    }
    return a;
  }

  /** Apply reaction r `times` times (negative counts are clipped by the caller's choice of times). */
  fire(r: number, times = 1): void {
    const { md, counts, x, volume } = this;
    for (let q = md.nStart[r]!; q < md.nStart[r + 1]!; q++) {
      const s = md.ns[q]!;
      counts[s] = counts[s]! + times * md.nv[q]!;
      x[s] = counts[s]! / volume;
    }
  }
}

const lit = (v: number) => (Object.is(v, -0) ? "0" : `(${v})`);

/** Reaction q's propensity as code over the counts C, the concentrations X (rate laws), the rate constants K and the laws L. */
function propensityCode(mdl: StochasticModel, q: number): string {
  const md = mdl.md;
  // A reaction cannot fire without the molecules it consumes (a rate law, or SBML's k·X² at X = 1, would say otherwise).
  const enough = mdl.shortGuards[q]!.map(([sp, n]) => `(C[${sp}]>=${n}?1:0)`);
  if (md.isLaw[q]) return [...enough, lit(mdl.scale[q]!), `L[${q}](X)`].join("*");
  const f = [`K[${q}]`];
  if (mdl.scale[q] !== 1) f.push(lit(mdl.scale[q]!));
  for (let e = md.rStart[q]!; e < md.rStart[q + 1]!; e++) {
    const c = `C[${md.rs[e]}]`;
    const o = md.rn[e]!;
    if (mdl.combinatorial) for (let j = 0; j < o; j++) f.push(j ? `(${c}-${j})` : c);
    else f.push(o === 1 ? c : `${c}**${o}`);
  }
  return [...enough, ...f].join("*");
}

/** Every propensity into A at once, as straight-line generated code (the τ-leap methods need all of them every leap). Returns A's sum. */
export function compilePropensities(mdl: StochasticModel): (A: Float64Array) => number {
  const md = mdl.md;
  const body = Array.from({ length: mdl.m }, (_, q) => `A[${q}]=${propensityCode(mdl, q)};`).join("");
  const laws = Array.from({ length: mdl.m }, (_, q) => md.lawRates.get(q));
  const f = new Function("C", "X", "K", "L", `return function props(A){${body}let s=0;for(let q=0;q<A.length;q++)s+=A[q];return s;};`)(
    mdl.counts,
    mdl.x,
    md.k,
    laws,
  );
  return f as (A: Float64Array) => number;
}

/**
 * For each reaction, a generated function that fires it and recomputes the propensities of the
 * reactions that read what it changed, each written into the sum tree with its path to the root
 * unrolled (constant indices). Generic loops over the model's arrays cost ~40% of an event;
 * straight-line code per reaction is what V8 optimises best (as for the rate laws).
 */
function compileFire(mdl: StochasticModel, bodies: readonly string[], tree: Float64Array, fail: (r: number, a: number) => never): (() => void)[] {
  const laws = Array.from({ length: mdl.m }, (_, q) => mdl.md.lawRates.get(q));
  return new Function("T", "C", "X", "K", "L", "fail", `return [${bodies.map((b) => `function(){let a;${b}}`).join(",\n")}];`)(
    tree,
    mdl.counts,
    mdl.x,
    mdl.md.k,
    laws,
    fail,
  );
}

/** Per reaction, the straight-line code that fires it: its changes to the counts, its dependents' propensities, their tree paths. */
function fireBodies(mdl: StochasticModel, P: number): string[] {
  const { md } = mdl;
  const lawRead = new Set<number>();
  for (const lj of md.lawJac) for (const s of lj.deps) lawRead.add(s);
  const prop = (q: number) => propensityCode(mdl, q);
  const fns: string[] = [];
  for (let r = 0; r < mdl.m; r++) {
    const body: string[] = [];
    for (let q = md.nStart[r]!; q < md.nStart[r + 1]!; q++) {
      const sp = md.ns[q]!;
      body.push(`C[${sp}]+=${lit(md.nv[q]!)};`);
      if (lawRead.has(sp)) body.push(`X[${sp}]=C[${sp}]/${lit(mdl.volume)};`);
    }
    // The dependents' leaves, then each of their ancestors once, children before parents (a parent's index is smaller).
    const ancestors = new Set<number>();
    for (let d = mdl.depStart[r]!; d < mdl.depStart[r + 1]!; d++) {
      const q = mdl.deps[d]!;
      body.push(`a=${prop(q)};`);
      if (md.isLaw[q]) body.push(`if(!(a>=0))fail(${q},a);`);
      body.push(`T[${P + q}]=a;`);
      for (let i = (P + q) >> 1; i >= 1; i >>= 1) ancestors.add(i);
    }
    for (const i of [...ancestors].sort((a, b) => b - a)) body.push(`T[${i}]=T[${2 * i}]+T[${2 * i + 1}];`);
    fns.push(body.join(""));
  }
  return fns;
}

/** The event loop of a small model, generated whole (see `Gillespie`): returns the events fired; `out[0]` is the time reached. */
type Loop = (t: number, t1: number, maxEvents: number, onStep: ((t: number) => void) | undefined, out: Float64Array) => number;

/**
 * The whole event loop of a model whose firing code is small, generated as one function: each
 * reaction's code sits in a `switch` case, so V8 compiles the draw, the selection and the
 * firing together (a call through the array of per-reaction functions cannot be inlined, and on
 * a two-reaction model it was a third of an event). The same draws, in the same order, as the
 * generic loop; large models keep the per-reaction functions, which V8 optimises one by one.
 */
function compileLoop(
  mdl: StochasticModel,
  bodies: readonly string[],
  P: number,
  tree: Float64Array,
  W: Int32Array,
  fail: (r: number, a: number) => never,
): Loop | undefined {
  if (bodies.reduce((n, b) => n + b.length, 0) > LOOP_CODE_LIMIT) return undefined;
  const cases = bodies.map((b, r) => `case ${r}:${b}break;`).join("\n");
  // The tree's descent, unrolled: its depth is known.
  const descend = "{const left=T[2*i];if(u<left)i=2*i;else{u-=left;i=2*i+1;}}".repeat(Math.log2(P));
  const src = `return function loop(t,t1,maxEvents,onStep,out){
let s0=W[0],s1=W[1],s2=W[2],s3=W[3],fired=0,a=0,w=0,z=0,hi=0,uni=0;
try{for(;;){const a0=T[1];if(!(a0>0))break;
${UNIFORM_53}const tau=-Math.log(1-uni)/a0;if(t+tau>=t1)break;
${UNIFORM_53}t+=tau;let u=uni*a0;let i=1;
${descend}
let r=i-${P};while(r>0&&!(T[${P}+r]>0))r--;
switch(r){${cases}}
if(++fired>maxEvents){out[0]=t;return -1;}
if(onStep!==undefined)onStep(t);}}
finally{W[0]=s0;W[1]=s1;W[2]=s2;W[3]=s3;out[0]=t;}
return fired;};`;
  const laws = Array.from({ length: mdl.m }, (_, q) => mdl.md.lawRates.get(q));
  return new Function("T", "C", "X", "K", "L", "W", "fail", src)(tree, mdl.counts, mdl.x, mdl.md.k, laws, W, fail) as Loop;
}

/** Largest firing code (characters) generated into one loop function; beyond it V8 would not optimise the function well. */
const LOOP_CODE_LIMIT = 12_000;

/**
 * What the stochastic integrators share: the reaction structure, the generator, the counters,
 * and the checkpoint and reseeding that go with them. A snapshot holds the generator's words, so
 * a resumed or reseeded run draws exactly what an uninterrupted or fresh one would.
 */
export abstract class StochasticIntegrator implements Integrator {
  readonly stats: StepperStats = newStats();
  readonly model: StochasticModel;
  protected readonly rng: Rng;
  /** Reaction events fired since the last reset. */
  events = 0;
  /** Leaps taken since the last reset (τ-leaping; the exact SSA takes none). */
  leaps = 0;

  constructor(md: CompiledModel, opts: StochasticOptions) {
    this.model = new StochasticModel(md, opts.volume ?? 1, opts.combinatorial ?? true);
    this.rng = new Rng(opts.seed ?? 1);
  }

  abstract integrate(x: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void): void;

  /** Start a new, independent run on the same compiled model: the generator seeded afresh, the counters cleared. */
  reseed(seed: number): void {
    this.rng.setState(new Rng(seed).state());
    this.reset();
  }

  snapshot(): IntegratorSnapshot {
    const [rng0, rng1, rng2, rng3] = this.rng.state();
    return { lastH: 0, stats: { ...this.stats }, extra: { rng0, rng1, rng2, rng3, leaps: this.leaps, events: this.events } };
  }

  restore(s: IntegratorSnapshot): void {
    Object.assign(this.stats, s.stats);
    const e = s.extra;
    if (e) {
      this.rng.setState([e.rng0!, e.rng1!, e.rng2!, e.rng3!]);
      this.leaps = e.leaps ?? 0;
      this.events = e.events ?? 0;
    }
  }

  reset(): void {
    Object.assign(this.stats, newStats());
    this.leaps = this.events = 0;
  }
}

/** A generated propensity that is not a number ≥ 0 (the loop adds the time). */
class PropensityError extends Error {}

/** Rotate a 32-bit word left (int32 in, int32 out): xoshiro128**, inline in the event loop. */
function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Gillespie's direct method with a sum tree and a dependency graph. */
export class Gillespie extends StochasticIntegrator {
  /** The sum tree: leaves at [P, P + m), parents at i = (leaf >> k); tree[1] is the total. */
  private readonly tree: Float64Array;
  private readonly P: number;
  private readonly maxEvents: number;
  private readonly fire: (() => void)[];
  private readonly loop: Loop | undefined;
  private readonly out = new Float64Array(1);

  constructor(md: CompiledModel, opts: StochasticOptions = {}) {
    super(md, opts);
    let P = 1;
    while (P < Math.max(1, md.m)) P *= 2;
    this.P = P;
    this.tree = new Float64Array(2 * P);
    this.maxEvents = opts.maxEvents ?? 2e9;
    const fail = (r: number, a: number): never => {
      throw new PropensityError(`reaction ${r}'s propensity is ${a}`);
    };
    // The firing code, generated once: one loop function for a small model, one function per reaction otherwise.
    const bodies = fireBodies(this.model, P);
    this.loop = compileLoop(this.model, bodies, P, this.tree, this.rng.words, fail);
    this.fire = this.loop ? [] : compileFire(this.model, bodies, this.tree, fail);
  }

  private set(r: number, a: number, t: number): void {
    if (!(a >= 0)) throw new IntegrationError(`reaction ${r}'s propensity is ${a} (a stochastic simulation needs a finite, non-negative rate)`, t);
    const tree = this.tree;
    let i = this.P + r;
    tree[i] = a;
    for (i >>= 1; i >= 1; i >>= 1) tree[i] = tree[2 * i]! + tree[2 * i + 1]!;
  }

  integrate(x: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void): void {
    const mdl = this.model;
    mdl.load(x);
    const { tree, P, rng, fire } = this;
    const m = mdl.m;
    tree.fill(0);
    for (let r = 0; r < m; r++) tree[P + r] = mdl.propensity(r);
    for (let r = 0; r < m; r++) if (!(tree[P + r]! >= 0)) this.set(r, tree[P + r]!, t0);
    for (let i = P - 1; i >= 1; i--) tree[i] = tree[2 * i]! + tree[2 * i + 1]!;
    if (this.loop) return this.runLoop(this.loop, x, t0, t1, onStep);
    let t = t0;
    let fired = 0;
    // The generator's state in locals, stepped inline (the same stream as Rng.next(): two
    // xoshiro128** outputs make one 53-bit uniform); written back however the loop ends.
    const W = rng.words;
    let s0 = W[0]!;
    let s1 = W[1]!;
    let s2 = W[2]!;
    let s3 = W[3]!;
    const maxEvents = this.maxEvents;
    try {
      for (;;) {
        const a0 = tree[1]!;
        if (!(a0 > 0)) break;
        // Two 53-bit uniforms as Rng.next() makes them (two xoshiro128** steps each, inline on the
        // locals: 10% faster than calling it), the second drawn only for an event that happens.
        let uni = 0;
        let tau = 0;
        for (let draw = 0; draw < 2; draw++) {
          let hi = 0;
          for (let k = 0; k < 2; k++) {
            const w = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
            const sh = s1 << 9;
            s2 ^= s0;
            s3 ^= s1;
            s1 ^= s2;
            s0 ^= s3;
            s2 ^= sh;
            s3 = rotl(s3, 11);
            if (k === 0) hi = w >>> 5;
            else uni = (hi * 67108864 + (w >>> 6)) / 9007199254740992;
          }
          if (draw === 0) {
            tau = -Math.log(1 - uni) / a0;
            if (t + tau >= t1) break;
          }
        }
        if (t + tau >= t1) break;
        const u2 = uni;
        t += tau;
        // Descend the tree to the reaction whose cumulative propensity covers u·a0.
        let u = u2 * a0;
        let i = 1;
        while (i < P) {
          const left = tree[2 * i]!;
          if (u < left) i = 2 * i;
          else {
            u -= left;
            i = 2 * i + 1;
          }
        }
        let r = i - P;
        // Rounding can leave u past the last positive leaf: step back to one that can fire.
        while (r > 0 && !(tree[P + r]! > 0)) r--;
        fire[r]!();
        if (++fired > maxEvents) throw new IntegrationError(`more than ${maxEvents} events in one interval`, t);
        if (onStep) {
          mdl.store(x);
          onStep(t, x);
        }
      }
    } catch (e) {
      // A rate law gave a propensity that is not a number ≥ 0: say when.
      if (e instanceof PropensityError) throw new IntegrationError(`${e.message} (a stochastic simulation needs a finite, non-negative rate)`, t);
      throw e;
    } finally {
      W[0] = s0;
      W[1] = s1;
      W[2] = s2;
      W[3] = s3;
      this.stats.steps += fired;
      this.events += fired;
      mdl.store(x);
    }
  }

  /** The generated loop of a small model (`compileLoop`): the same events as the generic loop below. */
  private runLoop(loop: Loop, x: Float64Array, t0: number, t1: number, onStep?: (t: number, x: Float64Array) => void): void {
    const mdl = this.model;
    const step = onStep && ((t: number) => (mdl.store(x), onStep(t, x)));
    let fired = 0;
    try {
      fired = loop(t0, t1, this.maxEvents, step, this.out);
      if (fired < 0) {
        fired = this.maxEvents + 1;
        throw new IntegrationError(`more than ${this.maxEvents} events in one interval`, this.out[0]!);
      }
    } catch (e) {
      if (e instanceof PropensityError) throw new IntegrationError(`${e.message} (a stochastic simulation needs a finite, non-negative rate)`, this.out[0]!);
      throw e;
    } finally {
      this.stats.steps += fired;
      this.events += fired;
      mdl.store(x);
    }
  }
}
