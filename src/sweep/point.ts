// One run of a sweep: compile the file with the point's overrides and the seed, train, and
// boil the result down to the line the resume log keeps. Pure in (file, point, seed,
// iterations): which worker runs it, and when, changes only `wallMs`.
//
//   runOne({ file: "examples/sine.crnn", point: { epsilon: 0.02 }, seed: 3, iterations: 100 })
//     →  { averageTrainError: 0.11, finalTrainError: 0.10, iterationsRun: 100, stopped: null, ... }

import { createHash } from "node:crypto";
import { compileFile, type CompileResult } from "../compile.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { train, SIMULATOR_REVISION, type TrainResult, type TrainOptions } from "../sim/train.js";
import { DatasetError } from "../data/datasets.js";
import { NetworkLayout } from "../sim/network.js";
import { pointOptions, runKey, type Point, type SolverSettings } from "./grid.js";

export interface Job {
  file: string;
  target?: string;
  point: Point;
  seed: number;
  iterations: number;
  solver?: SolverSettings;
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
  finalValidationError: number | null;
  finalValidationAccuracy: number | null;
  iterationsRun: number;
  stopped: { reason: "interrupted" | "blowup"; message: string } | null;
  wallMs: number;
}

/** Hash of a compile's sources, by display name, in name order, and of the simulator's revision. */
export function sourceHash(sources: ReadonlyMap<string, string>): string {
  const h = createHash("sha256");
  h.update(`crnnc simulator ${SIMULATOR_REVISION}\0`);
  for (const name of [...sources.keys()].sort()) h.update(`${name}\0${sources.get(name)!}\0`);
  return h.digest("hex").slice(0, 16);
}

/** A compile's error diagnostics as plain text. */
export function diagnosticText(r: CompileResult): string {
  return formatDiagnostics(r.diagnostics.filter((d) => d.severity === "error"), { sources: r.sources, color: false });
}

export class RunError extends Error {}

export function runOne(job: Job): RunRecord {
  const t0 = performance.now();
  const r = compileFile(job.file, { ...pointOptions(job.point), seed: job.seed, iterations: job.iterations, ...(job.target !== undefined ? { target: job.target } : {}) });
  if (!r.ir?.train) throw new RunError(r.ir ? `${job.file} compiles to a ${r.ir.kind}, not a train block` : diagnosticText(r));
  let res: TrainResult;
  try {
    // An activation without a closed form is read out from the forward CRN, as `crnnc sim --readout crn`.
    const readout = NetworkLayout.of(r.ir).noClosedForm.length ? "crn" : "closed";
    res = train(r.ir, { iterations: job.iterations, seed: job.seed, readout, ...(job.solver as TrainOptions | undefined) });
  } catch (e) {
    if (e instanceof DatasetError) throw new RunError(e.message);
    throw e;
  }
  const last = res.history[res.history.length - 1];
  const s = r.ir.train;
  const perLayer = new Map<string, number[]>();
  for (const l of r.ir.layers ?? []) for (const [k, v] of Object.entries(l.activation?.params ?? {})) perLayer.set(k, [...(perLayer.get(k) ?? []), v]);
  const params = Object.fromEntries([...perLayer].map(([k, vs]) => [k, vs.every((v) => v === vs[0]) ? vs[0]! : vs]));
  const hash = sourceHash(r.sources);
  const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);
  return {
    key: runKey(hash, r.ir.name, job.iterations, job.point, job.seed, job.solver),
    file: job.file,
    hash,
    iterations: job.iterations,
    point: job.point,
    seed: job.seed,
    settings: { eta: s.eta, period: s.period, epsilon: s.noise?.epsilon ?? 0, annihilate: s.annihilate ?? 0, params },
    solver: { method: res.settings.method, rtol: res.settings.rtol, atol: res.settings.atol },
    averageTrainError: num(res.averageTrainError),
    finalTrainError: num(last?.trainError),
    finalTrainAccuracy: num(last?.trainAccuracy),
    finalValidationError: num(last?.validationError),
    finalValidationAccuracy: num(last?.validationAccuracy),
    iterationsRun: res.iterationsRun,
    stopped: res.stopped ? { reason: res.stopped.reason, message: res.stopped.message } : null,
    wallMs: Math.round(performance.now() - t0),
  };
}
