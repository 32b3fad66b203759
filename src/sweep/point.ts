// The runs of a sweep: compile the file once per structure (activation parameters and
// annihilation change the CRN), then for each point and seed change values on that compiled
// IR — η, T, any named rate constant, the noise level, the seed's initial weights — train, and
// boil the result down to the line the resume log keeps. Pure in (file, point, seed,
// iterations): which worker runs it, after which other runs, changes only `wallMs`.
//
//   new Runner().run({ file: "examples/xor.crnn", point: { k_div: 5 }, seed: 3, iterations: 100 })
//     →  { averageTrainError: 0.11, finalTrainError: 0.10, iterationsRun: 100, stopped: null, ... }

import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { isStochastic } from "../sim/simulate.js";
import { parseCheckpoint, type Checkpoint } from "../train/checkpoint.js";
import { compileFile, type CompileResult } from "../compile.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { train, prepare, SIMULATOR_REVISION, type Prepared, type TrainResult, type TrainOptions } from "../train/trainer.js";
import { makeProtocol } from "../train/protocol.js";
import { DatasetError, loadDataset } from "../data/datasets.js";
import { withNoiseLevel } from "../ir/noise.js";
import { initParameters } from "../passes/init-params.js";
import { withParameters } from "../ir/parameters.js";
import { compileCount } from "../sim/engine.js";
import type { CRN } from "../ir/types.js";
import { runKey, structuralOptions, sweepable, valueChanges, type Point, type SolverSettings } from "./grid.js";

export interface Job {
  file: string;
  target?: string;
  point: Point;
  seed: number;
  iterations: number;
  solver?: SolverSettings;
  /**
   * Keep a checkpoint of the run in this directory every `seconds` (a long point killed with
   * the sweep resumes from it on the next run of the same sweep, with the same result).
   */
  checkpoints?: { dir: string; seconds: number };
}

/** One line of points.jsonl. Errors are null when the run has none (e.g. no validation set). */
export interface RunRecord {
  key: string;
  file: string;
  /** Hash of every source the compile read (the file and its imports, std/ included). */
  hash: string;
  iterations: number;
  point: Point;
  seed: number;
  /** The settings in effect (after the point's overrides); a parameter whose layers differ lists one value per layer. */
  settings: { eta: number; period: number; epsilon: number; annihilate: number; params: Record<string, number | number[]> };
  /** The integrator the run used. */
  solver: { method: string; rtol: number; atol: number };
  /** Mean train error over the last 10 evaluations (paper §5.3). */
  averageTrainError: number | null;
  finalTrainError: number | null;
  finalTrainAccuracy: number | null;
  /** The first evaluation from which the train accuracy stays 100% to the end, if it does. */
  solvedAt: number | null;
  finalValidationError: number | null;
  finalValidationAccuracy: number | null;
  iterationsRun: number;
  stopped: { reason: "interrupted" | "blowup"; message: string } | null;
  wallMs: number;
}

/** Where the checkpoint of the run with this resume key lives. */
export function checkpointFile(dir: string, key: string): string {
  return join(dir, `${createHash("sha256").update(key).digest("hex").slice(0, 24)}.json`);
}

/** The checkpoint in this file, if it holds a readable one. */
function readCheckpoint(path: string): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  const cp = parseCheckpoint(readFileSync(path, "utf8"));
  return typeof cp === "string" ? undefined : cp;
}

/**
 * The hash of a compile's sources (by display name, in name order) and of the simulator's
 * revision: part of every sweep run's resume key, so edited sources are new runs.
 *
 * @example
 * ```ts
 * import { compileFile, sourceHash } from "crnnc";
 * console.log(sourceHash(compileFile("examples/sine.crnn").sources));   // 16 hex digits
 * ```
 */
export function sourceHash(sources: ReadonlyMap<string, string>): string {
  const h = createHash("sha256");
  h.update(`crnnc simulator ${SIMULATOR_REVISION}\0`);
  for (const name of [...sources.keys()].sort()) h.update(`${name}\0${sources.get(name)!}\0`);
  return h.digest("hex").slice(0, 16);
}

/** A compile's error diagnostics as plain text. */
export function diagnosticText(r: CompileResult): string {
  return formatDiagnostics(
    r.diagnostics.filter((d) => d.severity === "error"),
    { sources: r.sources, color: false },
  );
}

export class RunError extends Error {}

/** The IR of a point: the compiled structure with the point's values and the seed's initial weights. */
export function pointIR(base: CRN, point: Point, seed: number, iterations: number): CRN {
  const { parameters, epsilon } = valueChanges(point, base);
  let ir = withParameters(base, parameters);
  const t = ir.train!;
  let noise = t.noise;
  if (epsilon !== undefined) noise = withNoiseLevel(noise, epsilon);
  const { noise: _n, ...rest } = t;
  void _n;
  ir = { ...ir, train: { ...rest, ...(noise ? { noise } : {}), seed, iterations } };
  return initParameters(ir, t.init, seed);
}

/** Runs jobs, compiling each structure once and reusing its compiled models (one Runner per worker). */
export class Runner {
  /** How many times this runner compiled a source (tests check that value axes do not recompile). */
  compiles = 0;
  private readonly structures = new Map<string, { ir: CRN; sources: ReadonlyMap<string, string>; prepared?: Prepared }>();

  /** Models compiled in this process so far (by every runner). */
  get models(): number {
    return compileCount.models;
  }

  private structure(job: Job): { ir: CRN; sources: ReadonlyMap<string, string>; prepared?: Prepared } {
    const compiled = (key: string, opts: object) => {
      const hit = this.structures.get(key);
      if (hit) return hit;
      this.compiles++;
      const r = compileFile(job.file, { ...opts, ...(job.target !== undefined ? { target: job.target } : {}) });
      if (!r.ir?.train) throw new RunError(r.ir ? `${job.file} compiles to a ${r.ir.kind}, not a train block` : diagnosticText(r));
      const entry = { ir: r.ir, sources: r.sources };
      this.structures.set(key, entry);
      return entry;
    };
    // The file as written tells which axes are activation parameters; a point that sets some is another structure.
    const file = JSON.stringify([job.file, job.target ?? null]);
    const base = compiled(file, {});
    const opts = structuralOptions(job.point, sweepable(base.ir).activation);
    return Object.keys(opts).length ? compiled(JSON.stringify([file, opts]), opts) : base;
  }

  run(job: Job, hooks: Pick<TrainOptions, "signal" | "onProgress"> = {}): RunRecord {
    const t0 = performance.now();
    const base = this.structure(job);
    let ir: CRN;
    try {
      ir = pointIR(base.ir, job.point, job.seed, job.iterations);
    } catch (e) {
      if (e instanceof RangeError) throw new RunError(e.message);
      throw e;
    }
    base.prepared ??= prepare(ir);
    let res: TrainResult;
    try {
      const t = ir.train!;
      const protocol = makeProtocol(ir, loadDataset(t.dataset, t.split, job.seed), { seed: job.seed, iterations: job.iterations });
      // An activation without a closed form is read out from the forward CRN, as `crnnc sim` does.
      const opts: TrainOptions = { prepared: base.prepared, ...(job.solver as TrainOptions | undefined), ...hooks };
      // Ω of a stochastic run is an axis of the simulation, not of the model.
      if (job.point.volume !== undefined) {
        if (!isStochastic(job.solver?.method)) throw new RunError("--over volume needs --method ssa or tau-leap");
        opts.volume = job.point.volume;
      }
      const cp = job.checkpoints
        ? checkpointFile(job.checkpoints.dir, runKey(sourceHash(base.sources), ir.name, job.iterations, job.point, job.seed, job.solver))
        : undefined;
      if (cp) opts.checkpoint = { seconds: job.checkpoints!.seconds, write: (c) => writeFileAtomic(cp, JSON.stringify(c) + "\n") };
      const resume = cp ? readCheckpoint(cp) : undefined;
      try {
        res = train(ir, protocol, { ...opts, ...(resume ? { resume } : {}) });
      } catch (e) {
        // A checkpoint of another run under this name (an older simulator, say): start afresh.
        if (!(resume && e instanceof RangeError)) throw e;
        res = train(ir, protocol, opts);
      }
      // Spent once the run has an outcome; an interrupted run keeps it for the next sweep.
      if (cp && res.stopped?.reason !== "interrupted") rmSync(cp, { force: true });
    } catch (e) {
      if (e instanceof DatasetError) throw new RunError(e.message);
      throw e;
    }
    const last = res.history[res.history.length - 1];
    const perLayer = new Map<string, number[]>();
    for (const l of ir.layers ?? [])
      for (const [k, p] of Object.entries(l.activation?.params ?? {})) perLayer.set(k, [...(perLayer.get(k) ?? []), ir.parameters[p]!.value]);
    const params = Object.fromEntries([...perLayer].map(([k, vs]) => [k, vs.every((v) => v === vs[0]) ? vs[0]! : vs]));
    const hash = sourceHash(base.sources);
    const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);
    return {
      key: runKey(hash, ir.name, job.iterations, job.point, job.seed, job.solver),
      file: job.file,
      hash,
      iterations: job.iterations,
      point: job.point,
      seed: job.seed,
      settings: {
        eta: res.settings.eta,
        period: res.settings.period,
        epsilon: ir.train!.noise?.epsilon ?? 0,
        annihilate: res.settings.annihilate ?? 0,
        params,
      },
      solver: { method: res.settings.method, rtol: res.settings.rtol, atol: res.settings.atol },
      averageTrainError: num(res.averageTrainError),
      finalTrainError: num(last?.trainError),
      finalTrainAccuracy: num(last?.trainAccuracy),
      solvedAt: res.solvedAt ?? null,
      finalValidationError: num(last?.validationError),
      finalValidationAccuracy: num(last?.validationAccuracy),
      iterationsRun: res.iterationsRun,
      stopped: res.stopped ? { reason: res.stopped.reason, message: res.stopped.message } : null,
      wallMs: Math.round(performance.now() - t0),
    };
  }
}
