// One-pot training (paper §3.3, §4): per iteration k, put a training sample's input on X⁰ and
// its target on Ŷ, and integrate the whole CRN over [(k−1)T, kT) — everything else carries
// over, nothing is reset. Every `evaluate` iterations, the error E(t) (paper eq. 17) and the
// accuracy A(t) (D.4) of the network with the current weights w = W.p − W.m, b = B.p − B.m.
// With a noise block, rate constants follow paper eq. 18 on the grid k·t0 (noise.ts).
//
//   train(ir, { iterations: 2000 })  →  { history: [{ iteration: 0, trainError: 0.31, ... }, ...] }

import type { CRN } from "../ir/types.js";
import { compileModel, type CompiledModel } from "./model.js";
import { makeIntegrator, toSteadyState, type SolverOptions } from "./simulate.js";
import { NetworkLayout } from "./network.js";
import { loadDataset, type Dataset, type Sample } from "../data/datasets.js";
import { Rng } from "../util/rng.js";
import { samplePermutation } from "../data/order.js";
import { IntegrationError, Rosenbrock, type Integrator } from "./rosenbrock.js";
import { NoiseSchedule } from "./noise.js";
import { BlowupError, checkState, integrationBlowup } from "./blowup.js";

export { BlowupError };

export interface TrainOptions extends SolverOptions {
  iterations?: number;
  seed?: number;
  /** Output readout for E(t) and A(t): the closed form of the network (default) or the forward CRN's steady state. */
  readout?: "closed" | "crn";
  /** Sample order: iid draws (default) or a fresh permutation every epoch. */
  order?: "random" | "epoch" | "sbml";
  /** With order "sbml": walk these training-set indices instead of the seeded permutation (SBML read-back). */
  sequence?: number[];
  /** Called after every iteration (cheap) and with each new evaluation. */
  onProgress?: (p: Progress) => void;
  /** Set `.stop = true` (e.g. from a SIGINT handler) to end after the current iteration. */
  signal?: { stop: boolean };
  /** Species ids whose concentrations are recorded at every accepted step. */
  trace?: string[];
  /** Concentration above which the run counts as blown up (default 1e12). */
  maxConcentration?: number;
  /** Use this dataset instead of the train block's (tests, benchmarks). */
  dataset?: Dataset;
  /**
   * Noise runs: cross each noise segment with the run's integrator under error control, its
   * first step carried over from the last segment of the same kind ("controlled", default);
   * with `noiseSubsteps` fixed ROS34PW2 steps per segment and no error control ("fixed": 2×
   * faster early on, but unchecked — on a long noisy run it diverged where the controlled steps
   * did not); or restart the integrator at every switch ("adaptive", for checking).
   */
  noiseIntegration?: "controlled" | "fixed" | "adaptive";
  noiseSubsteps?: number;
}

export interface Evaluation {
  iteration: number;
  time: number;
  trainError: number;
  trainAccuracy?: number;
  validationError?: number;
  validationAccuracy?: number;
}

export interface Progress {
  iteration: number;
  iterations: number;
  elapsedMs: number;
  last?: Evaluation;
}

export interface TrainResult {
  network: string;
  settings: NonNullable<CRN["train"]> & { method: string; rtol: number; atol: number; readout: string; order: string };
  dataset: { name: string; train: number; validation: number; classification?: string };
  history: Evaluation[];
  /** Mean train error over the last 10 evaluations (paper §5.3). */
  averageTrainError: number;
  iterationsRun: number;
  /** First iteration after which the train accuracy was 1 (classification) and stayed so at every later evaluation. */
  solvedAt?: number;
  /** Final weights w[ℓ][i][j] (node i of layer ℓ+1 from node j of layer ℓ) and biases b[ℓ][i]. */
  weights: { w: number[][][]; b: number[][] };
  timings: { compileMs: number; simulateMs: number; msPerIteration: number };
  stats: { steps: number; rejected: number; rhsEvals: number; jacEvals: number };
  /** With `noiseIntegration: "fixed"`: its steps, how many exceeded the tolerance by their own error estimate, and the largest estimate. */
  fixedStepErrors?: { steps: number; overTolerance: number; max: number };
  stopped?: { reason: "interrupted" | "blowup"; message: string; time: number; species?: string };
  trace?: { species: string[]; t: number[]; values: number[][] };
  finalState: Float64Array;
}

export function train(ir: CRN, opts: TrainOptions = {}): TrainResult {
  const it = trainer(ir, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/**
 * Train, yielding to the event loop about every `sliceMs` so that signals (Ctrl-C) and
 * progress output are handled while a long run goes on.
 */
export async function trainAsync(ir: CRN, opts: TrainOptions = {}, sliceMs = 50): Promise<TrainResult> {
  const it = trainer(ir, opts);
  let mark = performance.now();
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
    if (performance.now() - mark > sliceMs) {
      await new Promise((res) => setImmediate(res));
      mark = performance.now();
    }
  }
}

/**
 * Bumped whenever a change to the simulator changes its results (not only its speed). Sweeps
 * mix it into their resume key, so a resumed sweep never reuses runs of an older simulator.
 * 2: noise segments are error-controlled by default (they were fixed steps).
 */
export const SIMULATOR_REVISION = 2;

/** The training loop as a generator: one `yield` per iteration. */
export function* trainer(ir: CRN, opts: TrainOptions = {}): Generator<Progress, TrainResult, void> {
  if (ir.kind !== "train" || !ir.train || !ir.layers) throw new TypeError(`\`${ir.name}\` has no train block`);
  const t0 = performance.now();
  const settings = ir.train;
  const iterations = opts.iterations ?? settings.iterations;
  const seed = opts.seed ?? settings.seed;
  const method = opts.method ?? "rodas5";
  const rtol = opts.rtol ?? 1e-6;
  const atol = opts.atol ?? 1e-9;
  const readout = opts.readout ?? "closed";
  const order = opts.order ?? "random";
  const data = opts.dataset ?? loadDataset(settings.dataset, settings.split, seed);
  const net = NetworkLayout.of(ir);
  if (readout === "closed" && net.noClosedForm.length)
    throw new TypeError(`activation ${net.noClosedForm.join(", ")} has no closed form: use readout "crn"`);
  const md = compileModel(ir, { splitUpdateCatalysis: true });
  const integ = makeIntegrator(md, { ...opts, method, rtol, atol });
  const x = Float64Array.from(ir.species, (s) => s.init);
  const noise = settings.noise && settings.noise.epsilon > 0 ? new NoiseSchedule(ir, md, settings.noise, seed) : undefined;
  const noiseMode = opts.noiseIntegration ?? "controlled";
  // Controlled segments use the run's own integrator (Rodas5 by default: over a 1300-iteration
  // noisy sine run, whose growing weight rails make it stiff, it needed 11 600 steps per
  // iteration against ROS34PW2's 64 000, bench/noise.mjs); fixed steps need a W-method. dopri5
  // restarts at every switch.
  const noiseStepping =
    noise && noiseMode === "fixed"
      ? { stepper: new Rosenbrock(md, { method: "ros34pw2", rtol, atol }), mode: "fixed" as const, substeps: opts.noiseSubsteps ?? 1 }
      : noise && noiseMode === "controlled" && integ instanceof Rosenbrock
        ? { stepper: integ, mode: "controlled" as const, substeps: 1 }
        : undefined;
  const forwardReadout = readout === "crn" ? new ForwardReadout(ir, net, opts) : undefined;
  const rng = new Rng(seed);
  const limit = opts.maxConcentration ?? 1e12;
  const traceIdx = (opts.trace ?? []).map((id) => {
    const i = ir.species.findIndex((s) => s.id === id);
    if (i < 0) throw new RangeError(`--trace: no species \`${id}\``);
    return i;
  });
  const trace = traceIdx.length ? { species: opts.trace!, t: [] as number[], values: [] as number[][] } : undefined;
  const record = trace ? (t: number, s: Float64Array) => (trace.t.push(t), trace.values.push(traceIdx.map((i) => s[i]!))) : undefined;
  record?.(0, x);

  const history: Evaluation[] = [];
  const evaluate = (iteration: number, time: number) => {
    const params = net.parameters(x);
    const out = (s: Sample) => (forwardReadout ? forwardReadout.output(x, s.x) : net.forward(params, s.x));
    const e = (set: Sample[]) => errorAndAccuracy(set, out, data.classification);
    const tr = e(data.train);
    const ev: Evaluation = { iteration, time, trainError: tr.error, ...(tr.accuracy !== undefined ? { trainAccuracy: tr.accuracy } : {}) };
    if (data.validation.length) {
      const va = e(data.validation);
      ev.validationError = va.error;
      if (va.accuracy !== undefined) ev.validationAccuracy = va.accuracy;
    }
    history.push(ev);
    return ev;
  };

  const tCompiled = performance.now();
  let last = evaluate(0, 0);
  let stopped: TrainResult["stopped"];
  let k = 0;
  let perm: number[] = [];
  const T = settings.period;
  for (k = 1; k <= iterations; k++) {
    // Choose the sample: iid draws, or walk a fresh permutation each epoch.
    let idx: number;
    if (order === "sbml") {
      // The fixed permutation the SBML schedule encodes (data/order.ts), repeated every epoch.
      if (perm.length === 0) perm = opts.sequence ?? samplePermutation(data.train.length, seed);
      idx = perm[(k - 1) % perm.length]!;
    } else if (order === "epoch") {
      if (perm.length === 0) perm = rng.permutation(data.train.length);
      idx = perm.pop()!;
    } else idx = rng.int(data.train.length);
    const s = data.train[idx]!;
    net.inputs.forEach((sp, j) => (x[sp] = s.x[j]!));
    net.targets.forEach((sp, i) => (x[sp] = s.y[i]!));
    const ta = (k - 1) * T;
    try {
      if (noise) noise.integrate(integ, x, ta, ta + T, record, noiseStepping);
      else integ.integrate(x, ta, ta + T, record);
      checkState(ir, x, ta + T, limit);
    } catch (e) {
      if (e instanceof BlowupError || e instanceof IntegrationError) {
        const b = e instanceof BlowupError ? e : integrationBlowup(ir, x, e.message, e.t, limit);
        stopped = { reason: "blowup", message: `${b.message} (iteration ${k}, t = ${fmt(b.time)})`, time: b.time, ...(b.species ? { species: b.species } : {}) };
        break;
      }
      throw e;
    }
    if (k % settings.evaluate === 0 || k === iterations) last = evaluate(k, k * T);
    const progress = { iteration: k, iterations, elapsedMs: performance.now() - tCompiled, last };
    opts.onProgress?.(progress);
    yield progress;
    if (opts.signal?.stop) {
      stopped = { reason: "interrupted", message: `interrupted after iteration ${k}`, time: k * T };
      if (history[history.length - 1]!.iteration !== k) evaluate(k, k * T);
      break;
    }
  }
  const done = performance.now();
  const iterationsRun = stopped?.reason === "blowup" ? k - 1 : Math.min(k, iterations);
  const lastTen = history.slice(-10);
  const params = net.parameters(x);
  return {
    network: ir.name,
    settings: { ...settings, iterations, seed, method, rtol, atol, readout, order },
    dataset: { name: data.name, train: data.train.length, validation: data.validation.length, ...(data.classification ? { classification: data.classification } : {}) },
    history,
    averageTrainError: lastTen.reduce((a, e) => a + e.trainError, 0) / lastTen.length,
    iterationsRun,
    ...solvedAt(history),
    weights: { w: params.w.map((w, l) => Array.from({ length: net.sizes[l + 1]! }, (_, i) => [...w.subarray(i * net.sizes[l]!, (i + 1) * net.sizes[l]!)])), b: params.b.map((b) => [...b]) },
    timings: { compileMs: tCompiled - t0, simulateMs: done - tCompiled, msPerIteration: (done - tCompiled) / Math.max(1, iterationsRun) },
    stats: sumStats(integ, noiseStepping?.stepper === integ ? undefined : noiseStepping?.stepper),
    ...(noiseStepping?.mode === "fixed" ? { fixedStepErrors: { ...noiseStepping.stepper.fixedErrors } } : {}),
    ...(stopped ? { stopped } : {}),
    ...(trace ? { trace } : {}),
    finalState: x,
  };
}

function sumStats(...xs: (Integrator | undefined)[]): TrainResult["stats"] {
  const out = { steps: 0, rejected: 0, rhsEvals: 0, jacEvals: 0 };
  for (const x of xs) if (x) for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] += x.stats[k];
  return out;
}

function solvedAt(history: Evaluation[]): { solvedAt?: number } {
  if (history.length === 0 || history[history.length - 1]!.trainAccuracy !== 1) return {};
  let i = history.length - 1;
  while (i > 0 && history[i - 1]!.trainAccuracy === 1) i--;
  return { solvedAt: history[i]!.iteration };
}

/** Mean squared error (paper eq. 17) and accuracy (D.4: threshold 1/2 or argmax). */
export function errorAndAccuracy(set: Sample[], out: (s: Sample) => Float64Array, kind: Dataset["classification"]): { error: number; accuracy?: number } {
  let err = 0;
  let hits = 0;
  for (const s of set) {
    const y = out(s);
    for (let i = 0; i < y.length; i++) err += (y[i]! - s.y[i]!) ** 2;
    if (kind === "threshold") hits += Math.abs(y[0]! - s.y[0]!) <= 0.5 ? 1 : 0;
    else if (kind === "onehot") hits += argmax(y) === argmax(s.y) ? 1 : 0;
  }
  const n = Math.max(1, set.length);
  return { error: err / n, ...(kind ? { accuracy: hits / n } : {}) };
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

function fmt(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toPrecision(6);
}

/** The `crn` readout: the forward sub-CRN alone, integrated to steady state for each input. */
class ForwardReadout {
  private readonly md: CompiledModel;
  private readonly integ: Integrator;
  private readonly map: Int32Array;
  private readonly state: Float64Array;
  private readonly net: NetworkLayout;
  private readonly local: Map<number, number>;
  private readonly inp: Int32Array;

  constructor(ir: CRN, net: NetworkLayout, opts: SolverOptions) {
    const keep = new Set<number>();
    const reactions = ir.reactions.filter((r) => r.tag === "forward");
    for (const r of reactions) for (const t of [...r.reactants, ...r.products]) keep.add(t.s);
    for (const s of [...net.inputs, ...net.outputs, ...net.outputsM]) if (s >= 0) keep.add(s);
    const ids = [...keep].sort((a, b) => a - b);
    const local = new Map(ids.map((s, i) => [s, i]));
    const sub: CRN = {
      ...ir,
      kind: "network",
      species: ids.map((s) => ir.species[s]!),
      reactions: reactions.map((r) => ({ ...r, reactants: r.reactants.map((t) => ({ s: local.get(t.s)!, n: t.n })), products: r.products.map((t) => ({ s: local.get(t.s)!, n: t.n })) })),
    };
    this.md = compileModel(sub);
    this.integ = makeIntegrator(this.md, { ...opts, rtol: Math.min(opts.rtol ?? 1e-8, 1e-8), atol: 1e-12 });
    this.map = Int32Array.from(ids);
    this.state = new Float64Array(ids.length);
    this.net = net;
    this.local = local;
    this.inp = Int32Array.from(net.inputs, (s) => local.get(s)!);
  }

  output(x: Float64Array, input: Float64Array): Float64Array {
    for (let i = 0; i < this.map.length; i++) this.state[i] = x[this.map[i]!]!;
    this.inp.forEach((s, j) => (this.state[s] = input[j]!));
    toSteadyState(this.md, this.integ, this.state, 1e-10, 1e5);
    return this.net.readOutputs(this.state, (s) => this.local.get(s)!);
  }
}
