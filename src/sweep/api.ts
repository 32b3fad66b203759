// A sweep in one call, for the library: compile the file, check every axis and value as
// `crnnc sweep` does before its first run (unknown names, values that do not compile or are out
// of range are SweepUsageErrors), fill in what runSweep's config needs (network, dataset, the
// sources' hash) and run it. The same checks back the command line (cli/sweep.ts).
//
//   const out = await sweep("examples/sine.crnn", { over: { epsilon: [0, 0.02] }, seeds: [1, 2], iterations: 100, out: "sweep-sine" })
//   out.rows[1].metrics.averageTrainError   →  { n: 2, mean: 0.0123, sd: 0.001, min: …, max: … }

import { availableParallelism } from "node:os";
import { compileFile, type CompileResult } from "../compile.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { trainParam, valueProblem } from "../ir/parameters.js";
import type { CRN } from "../ir/types.js";
import { checkAxisNames, expandGrid, parseAxis, structuralOptions, sweepable, SweepUsageError, type Axis, type SolverSettings } from "./grid.js";
import { pointCost, type Shard } from "./shard.js";
import { isStochastic } from "../sim/methods.js";
import { sourceHash } from "./point.js";
import { runSweep, type SweepConfig, type SweepHooks, type SweepOutcome } from "./sweep.js";

/** What `sweep` takes besides the file: the grid, the seeds, where to write, and runSweep's hooks (`signal`, `log`, `onRecord`). */
export interface SweepOptions extends SweepHooks {
  /**
   * The axes, first varying slowest: `{ epsilon: [0, 0.02], period: [10, 20] }` or a list of
   * `{ name, values }`. Names as for `crnnc sweep --over`: epsilon, period, eta, annihilate,
   * volume, an activation parameter or a rate constant of the compiled network.
   */
  over: Readonly<Record<string, readonly number[]>> | readonly Axis[];
  /** Seeds of each point (default: the train block's seed). */
  seeds?: readonly number[];
  /** Training iterations per run (default: the train block's). */
  iterations?: number;
  /** Integrator of every run (method, rtol, atol); given settings are part of each run's resume key. */
  solver?: SolverSettings;
  /** Worker threads (default: the available parallelism). */
  workers?: number;
  /** Output folder: points.jsonl (the resume log), summary.json, summary.csv. */
  out: string;
  /** Colour the compile's warnings in `log` (the command line on a terminal). */
  color?: boolean;
  /** The train block, when the file has several. */
  target?: string;
  /** Run only the index-th of count slices of the runs (1-based), logged in `out/points-I.jsonl`; `collect` merges them. */
  shard?: Shard;
  /** Record in `out/sweep.json` that the sensitivity plot is wanted (`collect` draws it). */
  plot?: boolean;
}

/**
 * The file of a sweep does not compile: its diagnostics, and the message formats them.
 *
 * @example
 * ```ts
 * import { sweep, SweepCompileError } from "crnnc";
 * try {
 *   await sweep("broken.crnn", { over: { period: [10, 20] }, out: "sweep-broken" });
 * } catch (e) {
 *   if (e instanceof SweepCompileError) console.error(e.message, e.diagnostics.length);
 * }
 * ```
 */
export class SweepCompileError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly sources: ReadonlyMap<string, string>,
  ) {
    super(formatDiagnostics(diagnostics, { sources, color: false }));
  }
}

/**
 * The axes as a list, each checked as an `--over NAME=v1,v2,...` would be (SweepUsageError otherwise).
 *
 * @example
 * ```ts
 * import { toAxes } from "crnnc";
 * console.log(toAxes({ epsilon: [0, 0.02], period: [10] }));   // [{ name: "epsilon", values: [0, 0.02] }, { name: "period", values: [10] }]
 * ```
 */
export function toAxes(over: SweepOptions["over"]): Axis[] {
  const list = Array.isArray(over)
    ? (over as readonly Axis[])
    : Object.entries(over as Record<string, readonly number[]>).map(([name, values]) => ({ name, values }));
  const axes = list.map((a) => {
    if (!Array.isArray(a.values) || a.values.some((v) => typeof v !== "number" || !Number.isFinite(v)))
      throw new SweepUsageError(`--over ${a.name}: values must be finite numbers`);
    return parseAxis(`${a.name}=${a.values.map(String).join(",")}`);
  });
  for (let i = 0; i < axes.length; i++)
    if (axes.findIndex((a) => a.name === axes[i]!.name) !== i) throw new SweepUsageError(`--over ${axes[i]!.name} is given twice`);
  return axes;
}

/**
 * Check axes against a compiled train IR before any run: every name must be sweepable, every
 * structural value must compile (an activation's `require`) and every rate constant be in
 * range (SweepUsageError otherwise). Returns notes for the user (ε > 0 without a noise block).
 * With `sizes`, records the reaction count of each structural value compiled (`name=value` →
 * count), for the expected cost of a run (shard.ts).
 */
export function checkAxes(file: string, target: string | undefined, ir: CRN, axes: readonly Axis[], sizes?: Map<string, number>): string[] {
  const can = sweepable(ir);
  checkAxisNames(axes, ir.name, can);
  for (const a of axes)
    for (const v of a.values) {
      const opts = structuralOptions({ [a.name]: v }, can.activation);
      if (Object.keys(opts).length) {
        const r = compileFile(file, { ...(target !== undefined ? { target } : {}), ...opts });
        const err = r.diagnostics.find((d) => d.severity === "error");
        if (err) throw new SweepUsageError(`--over ${a.name}=${v}: ${err.message}`);
        if (r.ir) sizes?.set(`${a.name}=${v}`, r.ir.reactions.length);
      } else if (can.rates.has(a.name)) {
        const why = valueProblem(
          ir.parameters.find((p) => p.id === a.name)!,
          v,
        );
        if (why) throw new SweepUsageError(`--over ${a.name}=${v}: ${why}`);
      }
    }
  const notes: string[] = [];
  if (!ir.train?.noise && axes.some((a) => a.name === "epsilon" && a.values.some((v) => v > 0)))
    notes.push(`${file} has no noise block; ε > 0 uses the default one (resample 0.05, hold 0.005, on backward, nodes)`);
  return notes;
}

/** The name of a train block's dataset, as a sweep's summary records it. */
export function datasetName(d: NonNullable<CRN["train"]>["dataset"]): string {
  return d.kind === "builtin" ? d.name : d.path;
}

/**
 * The {@link runSweep} config of a sweep over `file`, after the checks `crnnc sweep` makes
 * before its first run: throws a SweepCompileError if the file does not compile and a
 * SweepUsageError for an axis it cannot vary or a value out of range. Warnings of the compile
 * and notes go to `opts.log`.
 *
 * @example
 * ```ts
 * import { sweepConfig } from "crnnc";
 * const { config } = sweepConfig("examples/sine.crnn", { over: { h: [2, 4] }, seeds: [1, 2, 3], out: "sweep-h" });
 * console.log(config.network, config.iterations, config.hash);
 * ```
 */
export function sweepConfig(file: string, opts: SweepOptions): { config: SweepConfig; compiled: CompileResult } {
  const axes = toAxes(opts.over);
  const target = opts.target;
  const base = compileFile(file, { ...(target !== undefined ? { target } : {}) });
  if (!base.ir) throw new SweepCompileError(base.diagnostics, base.sources);
  if (base.diagnostics.length) opts.log?.(formatDiagnostics(base.diagnostics, { sources: base.sources, omitted: base.omitted, color: opts.color ?? false }));
  const ir = base.ir;
  if (ir.kind !== "train" || !ir.train) throw new SweepUsageError(`sweep trains a train block, but ${file} compiles to the ${ir.kind} \`${ir.name}\``);
  const sizes = new Map<string, number>();
  for (const n of checkAxes(file, target, ir, axes, sizes)) opts.log?.(`note: ${n}`);
  const seeds = [...(opts.seeds ?? [ir.train.seed])];
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s) || s < 0 || s > 2 ** 32 - 1))
    throw new SweepUsageError(`seeds must be integers in [0, 2^32), got [${seeds.join(", ")}]`);
  if (seeds.some((s, i) => seeds.indexOf(s) !== i)) throw new SweepUsageError(`a seed is given twice in [${seeds.join(", ")}]`);
  const iterations = opts.iterations ?? ir.train.iterations;
  if (!Number.isInteger(iterations) || iterations < 1) throw new SweepUsageError(`iterations must be a positive integer, got ${iterations}`);
  const workers = opts.workers ?? availableParallelism();
  if (!Number.isInteger(workers) || workers < 1) throw new SweepUsageError(`workers must be a positive integer, got ${workers}`);
  const solver = opts.solver && Object.keys(opts.solver).length ? { solver: { ...opts.solver } } : {};
  // What the shards of a sharded sweep are balanced by: reactions × T (× Ω) of a run at each point.
  const size = { reactions: ir.reactions.length, period: trainParam(ir, "period") ?? 1 };
  const costs = expandGrid(axes).map((p) => pointCost(p, size, (name, v) => sizes.get(`${name}=${v}`), isStochastic(opts.solver?.method)));
  return {
    config: {
      file,
      ...(target !== undefined ? { target } : {}),
      network: ir.name,
      dataset: datasetName(ir.train.dataset),
      axes,
      seeds,
      iterations,
      hash: sourceHash(base.sources),
      ...solver,
      workers,
      out: opts.out,
      costs,
      ...(opts.shard ? { shard: opts.shard } : {}),
      ...(opts.plot ? { plot: true } : {}),
    },
    compiled: base,
  };
}

/**
 * Train `file`'s train block at every point of a grid × every seed, on worker threads, and
 * summarise per point (mean, sd, min, max over the seeds). Finished runs are logged in
 * `out/points.jsonl`: the same call again resumes. Aborting `opts.signal` stops handing out
 * runs; the ones under way finish and the outcome is marked `interrupted`.
 *
 * @example
 * ```ts
 * import { sweep } from "crnnc";
 * const stop = new AbortController();
 * const outcome = await sweep("examples/sine.crnn", {
 *   over: { epsilon: [0, 0.02, 0.04] },
 *   seeds: [1, 2],
 *   iterations: 100,
 *   workers: 2,
 *   out: "sweep-sine",
 *   signal: stop.signal,
 * });
 * for (const row of outcome.rows) console.log(row.point, row.metrics.averageTrainError?.mean);
 * ```
 */
export async function sweep(file: string, opts: SweepOptions): Promise<SweepOutcome> {
  const { config } = sweepConfig(file, opts);
  return runSweep(config, {
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onRecord ? { onRecord: opts.onRecord } : {}),
  });
}
