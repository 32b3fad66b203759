// One-pot training (paper §3.3, §4), driven by a protocol (ir/protocol.ts): per iteration k, put
// the protocol's sample on the input species X⁰ and the target species Ŷ, and integrate the
// whole CRN over [(k−1)T, kT) — everything else carries over, nothing is reset. At the
// protocol's evaluation points, the error E(t) (paper eq. 17) and the accuracy A(t) (D.4) of
// the network with the current weights w = W.p − W.m, b = B.p − B.m. With a noise block, rate
// constants follow paper eq. 18 on the grid k·t0 (noise.ts). The same loop runs a schedule read
// back from SBML without a network (`runSchedule`): samples on, integrate, nothing to evaluate.
//
//   train(ir, makeProtocol(ir, xor), { rtol: 1e-6 })  →  { history: [{ iteration: 0, trainError: 0.31, ... }, ...] }

import type { CRN, TrainSettings } from "../ir/types.js";
import type { Protocol, Sample } from "../ir/protocol.js";
import { isEvaluation, sampleIndex } from "../ir/protocol.js";
import { trainParam } from "../ir/parameters.js";
import { Engine } from "../sim/engine.js";
import type { SolverOptions } from "../sim/simulate.js";
import { IntegrationError, Rosenbrock, type Integrator } from "../sim/rosenbrock.js";
import { BlowupError, checkState, integrationBlowup } from "../sim/blowup.js";
import { NoiseSchedule } from "./noise.js";
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, runIdentity, type Checkpoint } from "./checkpoint.js";
import { NetworkLayout, ForwardReadout, errorAndAccuracy, forwardSubnetwork } from "./readout.js";

export { BlowupError };

/** Models compiled for one network structure, reused across runs (a sweep's worker keeps one per structure). */
export interface Prepared {
  main: Engine;
  /** The forward sub-CRN, for the `crn` readout (made when first needed). */
  forward?: Engine;
}

/**
 * Compile the models a training run of `ir` needs, to reuse across runs of the same structure
 * (other seeds, other parameter values): pass the result as `prepared`.
 *
 * @example
 * ```ts
 * import { compileFile, prepare, train, withParameters } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const prepared = prepare(ir);
 * for (const eta of [0.001, 0.002, 0.004]) console.log(train(withParameters(ir, { eta }), { iterations: 50, prepared }).averageTrainError);
 * ```
 */
export function prepare(ir: CRN): Prepared {
  return { main: new Engine(ir) };
}

export interface TrainOptions extends SolverOptions {
  /** Output readout for E(t) and A(t): the activations' closed forms (default) or the forward CRN's steady state. */
  readout?: "closed" | "crn";
  /** Called after every iteration (cheap) and with each new evaluation. */
  onProgress?: (p: Progress) => void;
  /**
   * Abort it (e.g. from a SIGINT handler, a timer or `onProgress`) to end the run after the
   * current iteration: the result holds what was done, `stopped.reason` is "interrupted", and a
   * checkpoint (if any) is written first. It is read after each iteration, so a signal already
   * aborted at the start still runs one. `trainAsync` yields to the event loop about every
   * 50 ms, so timers and other events can abort it while it runs.
   */
  signal?: AbortSignal;
  /** Species ids whose concentrations are recorded at every accepted step. */
  trace?: string[];
  /** Concentration above which the run counts as blown up (default 1e12). */
  maxConcentration?: number;
  /**
   * Noise runs: cross each noise segment with the run's integrator under error control, its
   * first step carried over from the last segment of the same kind ("controlled", default);
   * with `noiseSubsteps` fixed ROS34PW2 steps per segment and no error control ("fixed": 2×
   * faster early on, but unchecked — on a long noisy run it diverged where the controlled steps
   * did not); or restart the integrator at every switch ("adaptive", for checking).
   */
  noiseIntegration?: "controlled" | "fixed" | "adaptive";
  noiseSubsteps?: number;
  /** Models compiled before for this network's structure: the run loads this IR's values into them. */
  prepared?: Prepared;
  /** Notes for the user about how the run is made (e.g. the readout falling back to the CRN), each said once. */
  onNote?: (message: string) => void;
  /**
   * Write a checkpoint (checkpoint.ts) after every `every` iterations, or when `seconds` have
   * passed since the last one (checked after each iteration), and after the last iteration if
   * `final` is set.
   */
  checkpoint?: { every?: number; seconds?: number; final?: boolean; write: (cp: Checkpoint) => void };
  /** Continue the run this checkpoint was taken from (its identity must match: RangeError otherwise). */
  resume?: Checkpoint;
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

/** What a run used: the train block's settings with η and T read from the parameters, the protocol and the integrator. */
export type RunSettings = Omit<TrainSettings, "params"> & {
  eta: number;
  period: number;
  annihilate?: number;
  order: Protocol["order"];
  method: string;
  rtol: number;
  atol: number;
  readout: "closed" | "crn";
};

export interface TrainResult {
  network: string;
  settings: RunSettings;
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
  /** Integrator work; `crossings`: rate-law switch crossings located (sim/switches.ts). */
  stats: { steps: number; rejected: number; rhsEvals: number; jacEvals: number; crossings: number };
  /** With `noiseIntegration: "fixed"`: its steps, how many exceeded the tolerance by their own error estimate, and the largest estimate. */
  fixedStepErrors?: { steps: number; overTolerance: number; max: number };
  stopped?: { reason: "interrupted" | "blowup"; message: string; time: number; species?: string };
  trace?: { species: string[]; t: number[]; values: number[][] };
  finalState: Float64Array;
}

export function train(ir: CRN, protocol: Protocol, opts: TrainOptions = {}): TrainResult {
  const it = trainer(ir, protocol, opts);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/**
 * Train, yielding to the event loop about every `sliceMs` so that signals (Ctrl-C) and
 * progress output are handled while a long run goes on.
 */
export async function trainAsync(ir: CRN, protocol: Protocol, opts: TrainOptions = {}, sliceMs = 50): Promise<TrainResult> {
  const it = trainer(ir, protocol, opts);
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
 * 3: rate-law switches are located (issue 12), and the step controller no longer grows after a rejection.
 */
export const SIMULATOR_REVISION = 3;

/**
 * The readout a run will use: the activations' closed forms when every layer has one, else
 * the forward CRN's steady state, with a note saying why.
 *
 * @example
 * ```ts
 * import { compileFile, chooseReadout } from "crnnc";
 * console.log(chooseReadout(compileFile("examples/xor.crnn").ir!));   // { readout: "closed" }
 * ```
 */
export function chooseReadout(ir: CRN, wanted: "closed" | "crn" = "closed"): { readout: "closed" | "crn"; note?: string } {
  if (wanted === "crn") return { readout: "crn" };
  const missing = NetworkLayout.of(ir).noClosedForm;
  if (!missing.length) return { readout: "closed" };
  const names = missing.map((n) => `\`${n}\``).join(", ");
  return {
    readout: "crn",
    note: `activation ${names} declares no closed form (\`closed(z) = ...\`): E and accuracy are read from the forward CRN's steady state (--readout crn)`,
  };
}

/**
 * The training loop as a generator, one `yield` (a {@link Progress}) per iteration, returning
 * the {@link TrainResult}: drive it yourself to interleave training with other work.
 * `train` and `trainAsync` run it to the end.
 *
 * @example
 * ```ts
 * import { compileFile, protocolFor, trainer } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const it = trainer(ir, protocolFor(ir, { iterations: 100 }));
 * let r = it.next();
 * while (!r.done) r = it.next();
 * console.log(r.value.averageTrainError);
 * ```
 */
export function* trainer(ir: CRN, protocol: Protocol, opts: TrainOptions = {}): Generator<Progress, TrainResult, void> {
  if (ir.kind !== "train" || !ir.train || !ir.layers) throw new TypeError(`\`${ir.name}\` has no train block`);
  const t0 = performance.now();
  const { params: _p, ...block } = ir.train;
  void _p;
  const method = opts.method ?? "rodas5";
  const rtol = opts.rtol ?? 1e-6;
  const atol = opts.atol ?? 1e-9;
  const { readout, note } = chooseReadout(ir, opts.readout);
  if (note) opts.onNote?.(note);
  const iterations = protocol.iterations;
  const data = protocol.data;
  const net = NetworkLayout.of(ir);
  const prepared = opts.prepared ?? prepare(ir);
  prepared.main.load(ir);
  const md = prepared.main.md;
  // A stochastic method's reaction events are seeded by the run's seed (the protocol's), unless told otherwise.
  const integ = prepared.main.integrator({ ...opts, method, rtol, atol, seed: opts.seed ?? protocol.seed });
  const x = Float64Array.from(ir.species, (s) => s.init);
  const noise = block.noise && block.noise.epsilon > 0 ? new NoiseSchedule(ir, md, block.noise, protocol.seed) : undefined;
  const noiseMode = opts.noiseIntegration ?? "controlled";
  // Controlled segments use the run's own integrator (Rodas5 by default: over a 1300-iteration
  // noisy sine run, whose growing weight rails make it stiff, it needed 11 600 steps per
  // iteration against ROS34PW2's 64 000, bench/noise.mjs); fixed steps need a W-method. dopri5
  // restarts at every switch.
  const noiseStepping =
    noise && noiseMode === "fixed"
      ? {
          stepper: prepared.main.integrator({ method: "ros34pw2", rtol, atol, ...(opts.controller ? { controller: opts.controller } : {}) }) as Rosenbrock,
          mode: "fixed" as const,
          substeps: opts.noiseSubsteps ?? 1,
        }
      : noise && noiseMode === "controlled" && integ instanceof Rosenbrock
        ? { stepper: integ, mode: "controlled" as const, substeps: 1 }
        : undefined;
  let forwardReadout: ForwardReadout | undefined;
  if (readout === "crn") {
    const { sub, ids } = forwardSubnetwork(ir, net);
    prepared.forward ??= new Engine(sub, {});
    forwardReadout = new ForwardReadout(prepared.forward, sub, ids, net, { ...opts, method, rtol, atol });
  }
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

  const T = trainParam(ir, "period")!;
  const identity = runIdentity(
    ir,
    protocol,
    { method, rtol, atol, readout, noise: opts.noiseIntegration ?? "controlled", substeps: opts.noiseSubsteps ?? 1 },
    SIMULATOR_REVISION,
  );
  const noiseStepper = noiseStepping?.stepper === integ ? undefined : noiseStepping?.stepper;
  const snapshot = (k: number): Checkpoint => ({
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    identity,
    iteration: k,
    x: [...x],
    history: history.map((e) => ({ ...e })),
    ...(trace ? { trace: { species: trace.species, t: [...trace.t], values: trace.values.map((v) => [...v]) } } : {}),
    integrator: integ.snapshot(),
    ...(noiseStepper ? { noiseStepper: noiseStepper.snapshot() } : {}),
    ...(noise ? { noise: noise.snapshot() } : {}),
    ...(forwardReadout ? { readout: forwardReadout.snapshot() } : {}),
  });
  const tCompiled = performance.now();
  let last: Evaluation;
  let first = 1;
  const cp = opts.resume;
  if (cp) {
    if (cp.identity !== identity) throw new RangeError("the checkpoint is from another run (a different file, seed, setting or solver)");
    if (cp.iteration > iterations) throw new RangeError(`the checkpoint is at iteration ${cp.iteration}, past this run's ${iterations}`);
    x.set(cp.x);
    history.push(...(cp.history as Evaluation[]));
    if (trace && cp.trace) {
      trace.t.splice(0, trace.t.length, ...cp.trace.t);
      trace.values.splice(0, trace.values.length, ...cp.trace.values);
    }
    integ.restore(cp.integrator);
    if (noiseStepper && cp.noiseStepper) noiseStepper.restore(cp.noiseStepper);
    if (noise && cp.noise) noise.restore(cp.noise);
    if (forwardReadout && cp.readout) forwardReadout.restore(cp.readout);
    last = history[history.length - 1]!;
    first = cp.iteration + 1;
  } else last = evaluate(0, 0);
  const every = opts.checkpoint?.every;
  const seconds = opts.checkpoint?.seconds;
  let lastCheckpoint = performance.now();
  // With annihilation the rails stay near 1: nothing to say.
  let railsNoted = Boolean(trainParam(ir, "annihilate"));
  let stopped: TrainResult["stopped"];
  let k: number;
  for (k = first; k <= iterations; k++) {
    const ta = (k - 1) * T;
    try {
      step(protocol, k, x, integ, ta, ta + T, record, noise, noiseStepping);
      checkState(ir, x, ta + T, limit);
    } catch (e) {
      if (e instanceof BlowupError || e instanceof IntegrationError) {
        const b = e instanceof BlowupError ? e : integrationBlowup(ir, x, e.message, e.t, limit, e.species);
        stopped = {
          reason: "blowup",
          message: `${b.message} (iteration ${k}, t = ${fmt(b.time)})`,
          time: b.time,
          ...(b.species ? { species: b.species } : {}),
        };
        break;
      }
      throw e;
    }
    if (isEvaluation(protocol, k)) {
      last = evaluate(k, k * T);
      if (!railsNoted) railsNoted = noteRails(net, ir, x, opts.onNote);
    }
    if (opts.checkpoint) {
      const now = performance.now();
      if ((every && k % every === 0) || (seconds && now - lastCheckpoint >= seconds * 1000) || (opts.checkpoint.final && k === iterations)) {
        opts.checkpoint.write(snapshot(k));
        lastCheckpoint = now;
      }
    }
    const progress = { iteration: k, iterations, elapsedMs: performance.now() - tCompiled, last };
    opts.onProgress?.(progress);
    yield progress;
    if (opts.signal?.aborted) {
      stopped = { reason: "interrupted", message: `interrupted after iteration ${k}`, time: k * T };
      // The checkpoint first: it holds the history as an uninterrupted run has it.
      if (opts.checkpoint && k < iterations) opts.checkpoint.write(snapshot(k));
      if (history[history.length - 1]!.iteration !== k) evaluate(k, k * T);
      break;
    }
  }
  const done = performance.now();
  const iterationsRun = stopped?.reason === "blowup" ? k - 1 : Math.min(k, iterations);
  const lastTen = history.slice(-10);
  const params = net.parameters(x);
  const ann = trainParam(ir, "annihilate");
  return {
    network: ir.name,
    settings: {
      ...block,
      iterations,
      seed: protocol.seed,
      eta: trainParam(ir, "eta")!,
      period: T,
      ...(ann !== undefined ? { annihilate: ann } : {}),
      order: protocol.order,
      method,
      rtol,
      atol,
      readout,
    },
    dataset: {
      name: data.name,
      train: data.train.length,
      validation: data.validation.length,
      ...(data.classification ? { classification: data.classification } : {}),
    },
    history,
    averageTrainError: lastTen.reduce((a, e) => a + e.trainError, 0) / lastTen.length,
    iterationsRun,
    ...solvedAt(history),
    weights: {
      w: params.w.map((w, l) => Array.from({ length: net.sizes[l + 1]! }, (_, i) => [...w.subarray(i * net.sizes[l]!, (i + 1) * net.sizes[l]!)])),
      b: params.b.map((b) => [...b]),
    },
    timings: { compileMs: tCompiled - t0, simulateMs: done - tCompiled, msPerIteration: (done - tCompiled) / Math.max(1, iterationsRun) },
    stats: sumStats(integ, noiseStepping?.stepper === integ ? undefined : noiseStepping?.stepper),
    ...(noiseStepping?.mode === "fixed" ? { fixedStepErrors: { ...noiseStepping.stepper.fixedErrors } } : {}),
    ...(stopped ? { stopped } : {}),
    ...(trace ? { trace } : {}),
    finalState: x,
  };
}

/** Iteration k of a protocol: its sample on the inputs and targets, then the CRN over [ta, tb). */
function step(
  protocol: Protocol,
  k: number,
  x: Float64Array,
  integ: Integrator,
  ta: number,
  tb: number,
  record: ((t: number, s: Float64Array) => void) | undefined,
  noise?: NoiseSchedule,
  noiseStepping?: Parameters<NoiseSchedule["integrate"]>[5],
): void {
  const s = protocol.data.train[sampleIndex(protocol, k)]!;
  protocol.inputs.forEach((sp, j) => (x[sp] = s.x[j]!));
  protocol.targets.forEach((sp, i) => (x[sp] = s.y[i]!));
  if (noise) noise.integrate(integ, x, ta, tb, record, noiseStepping);
  else integ.integrate(x, ta, tb, record);
}

/**
 * Walk a protocol on any CRN (e.g. an SBML schedule without crnnc's network annotations): the
 * state at t = 0, T, 2T, ... over `protocol.iterations` periods of length `period`.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { readSbml, runSchedule } from "crnnc";
 * const r = await readSbml(readFileSync("schedule.xml", "utf8"), "schedule.xml");
 * if (r.ir && r.protocol) console.log(runSchedule(r.ir, r.protocol, r.period!).values.at(-1));
 * ```
 */
export function runSchedule(
  ir: CRN,
  protocol: Protocol,
  period: number,
  opts: SolverOptions & { prepared?: Prepared } = {},
): { t: number[]; values: Float64Array[] } {
  const prepared = opts.prepared ?? prepare(ir);
  prepared.main.load(ir);
  const integ = prepared.main.integrator(opts);
  const x = Float64Array.from(ir.species, (s) => s.init);
  const t = [0];
  const values = [Float64Array.from(x)];
  for (let k = 1; k <= protocol.iterations; k++) {
    step(protocol, k, x, integ, (k - 1) * period, k * period, undefined);
    t.push(k * period);
    values.push(Float64Array.from(x));
  }
  return { t, values };
}

function sumStats(...xs: (Integrator | undefined)[]): TrainResult["stats"] {
  const out = { steps: 0, rejected: 0, rhsEvals: 0, jacEvals: 0, crossings: 0 };
  for (const x of xs) if (x) for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] += x.stats[k];
  return out;
}

/**
 * Both rails of a weight grow without bound in the paper's construction (the update reactions
 * only ever produce W.p and W.m), while w = W.p − W.m stays O(1); past RAIL_NOTE the noise,
 * which acts on each rail, and the integrator's work both grow with them, and deeper networks
 * blow up. Said once per run, with the fix. Returns whether it was said.
 */
export const RAIL_NOTE = 1e4;
function noteRails(net: NetworkLayout, ir: CRN, x: Float64Array, onNote: ((m: string) => void) | undefined): boolean {
  let worst = -1;
  for (const group of [net.wp, net.wm, net.bp, net.bm]) for (const idx of group) for (const q of idx) if (worst < 0 || x[q]! > x[worst]!) worst = q;
  if (worst < 0 || !(x[worst]! > RAIL_NOTE)) return false;
  onNote?.(
    `the weight rails have grown to ${x[worst]!.toExponential(1)} (${ir.species[worst]!.id}) while the weights stay O(1); noise acts on each rail, and deeper networks blow up this way — rail annihilation (the default, \`annihilate 1\`; this run has it off, as in the paper) adds W.p + W.m -> 0 and bounds them without changing w: drop \`annihilate 0\` or pass --annihilate 1 (docs/results.md)`,
  );
  return true;
}

function solvedAt(history: Evaluation[]): { solvedAt?: number } {
  if (history.length === 0 || history[history.length - 1]!.trainAccuracy !== 1) return {};
  let i = history.length - 1;
  while (i > 0 && history[i - 1]!.trainAccuracy === 1) i--;
  return { solvedAt: history[i]!.iteration };
}

function fmt(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toPrecision(6);
}
