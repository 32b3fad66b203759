// The grid of a sweep: `--over NAME=v1,v2,...` axes (or `NAME=start:stop:step`), their
// cartesian product in the order given (the first axis varies slowest), and the run list
// (each point × each seed). Also the canonical key of a run, which the resume log matches on.
//
//   parseAxis("epsilon=0,0.02")      →  { name: "epsilon", values: [0, 0.02] }
//   expandGrid([eps, {name: "period", values: [10, 20]}])
//     →  [{epsilon: 0, period: 10}, {epsilon: 0, period: 20}, {epsilon: 0.02, period: 10}, ...]

import { UsageError } from "../util/usage-error.js";
import type { CompileOptions } from "../compile.js";
import type { CRN } from "../ir/types.js";

/**
 * A sweep that cannot be run as asked: an axis the network cannot vary, a value out of range, a
 * malformed axis or seed list. Thrown before any run starts.
 *
 * @example
 * ```ts
 * import { sweep, SweepUsageError } from "crnnc";
 * try {
 *   await sweep("examples/sine.crnn", { over: { nosuch: [1] }, out: "sweep-x" });
 * } catch (e) {
 *   if (e instanceof SweepUsageError) console.error(e.message);
 * }
 * ```
 */
export class SweepUsageError extends UsageError {
  constructor(message: string) {
    super(message, "sweep");
  }
}

/**
 * Train-block settings a sweep can vary; any other axis name is an activation parameter or a
 * rate constant (a parameter of the compiled IR, by id: `k_div`, `k`, ...).
 */
export const SETTING_AXES = ["epsilon", "period", "eta", "annihilate"] as const;
type SettingAxis = (typeof SETTING_AXES)[number];
/** Axes of the simulation rather than the model: Ω of a stochastic run (`--method ssa|tau-leap`). */
export const SOLVER_AXES = ["volume"] as const;
const isSolverAxis = (name: string) => (SOLVER_AXES as readonly string[]).includes(name);

export interface Axis {
  name: string;
  values: number[];
}

/** A grid point: axis name → value, in axis order. */
export type Point = Record<string, number>;

export interface Run {
  /** Index of the point in grid order. */
  point: number;
  seed: number;
}

/**
 * Parse one `--over` axis: `NAME=v1,v2,...` or `NAME=start:stop:step` (stop included when the
 * steps land on it). Throws a SweepUsageError for a malformed one.
 *
 * @example
 * ```ts
 * import { parseAxis } from "crnnc";
 * console.log(parseAxis("epsilon=0:0.1:0.05"));   // { name: "epsilon", values: [0, 0.05, 0.1] }
 * ```
 */
export function parseAxis(text: string): Axis {
  const eq = text.indexOf("=");
  if (eq <= 0) throw new SweepUsageError(`--over needs NAME=v1,v2,... (or NAME=start:stop:step), got \`${text}\``);
  const name = text.slice(0, eq).trim();
  const spec = text.slice(eq + 1).trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SweepUsageError(`--over: \`${name}\` is not a parameter name`);
  if (name === "seed") throw new SweepUsageError("seeds are not an --over axis: use --seeds N (seeds 1..N) or --seed-list a,b,...");
  if (name === "iterations") throw new SweepUsageError("iterations are not an --over axis: use --iterations N");
  const values = spec.includes(":") ? range(name, spec) : spec.split(",").map((v) => number(name, v));
  if (values.length === 0) throw new SweepUsageError(`--over ${name}: no values`);
  const dup = values.find((v, i) => values.indexOf(v) !== i);
  if (dup !== undefined) throw new SweepUsageError(`--over ${name}: the value ${dup} is given twice`);
  const min = name === "period" || isSolverAxis(name) ? "positive" : SETTING_AXES.includes(name as SettingAxis) ? "non-negative" : undefined;
  for (const v of values)
    if ((min === "positive" && !(v > 0)) || (min === "non-negative" && !(v >= 0))) throw new SweepUsageError(`--over ${name}: values must be ${min}, got ${v}`);
  return { name, values };
}

function number(name: string, v: string): number {
  const x = Number(v.trim());
  if (v.trim() === "" || !Number.isFinite(x)) throw new SweepUsageError(`--over ${name}: \`${v}\` is not a number`);
  return x;
}

/** `start:stop:step`, stop included when the steps land on it (to 1e-9 of a step). */
function range(name: string, spec: string): number[] {
  const parts = spec.split(":");
  if (parts.length !== 3) throw new SweepUsageError(`--over ${name}: a range is start:stop:step, got \`${spec}\``);
  const [a, b, s] = parts.map((p) => number(name, p)) as [number, number, number];
  if (!(s > 0) || b < a) throw new SweepUsageError(`--over ${name}: a range start:stop:step needs start ≤ stop and step > 0, got \`${spec}\``);
  const n = Math.floor((b - a) / s + 1e-9);
  if (n > 10_000) throw new SweepUsageError(`--over ${name}: \`${spec}\` has ${n + 1} values; at most 10001`);
  // Round away the binary noise of a + k·s (0.1 + 2·0.1 = 0.30000000000000004).
  return Array.from({ length: n + 1 }, (_, k) => Number((a + k * s).toPrecision(12)));
}

/** Parse all `--over` values, rejecting an axis given twice. */
export function parseAxes(texts: readonly string[]): Axis[] {
  const axes = texts.map(parseAxis);
  for (let i = 0; i < axes.length; i++)
    if (axes.findIndex((a) => a.name === axes[i]!.name) !== i)
      throw new SweepUsageError(`--over ${axes[i]!.name} is given twice; list all its values in one --over`);
  return axes;
}

/**
 * The cartesian product of the axes, first axis varying slowest; no axes → one empty point.
 *
 * @example
 * ```ts
 * import { expandGrid } from "crnnc";
 * expandGrid([{ name: "epsilon", values: [0, 0.02] }, { name: "period", values: [10, 20] }]);
 * // [{ epsilon: 0, period: 10 }, { epsilon: 0, period: 20 }, { epsilon: 0.02, period: 10 }, { epsilon: 0.02, period: 20 }]
 * ```
 */
export function expandGrid(axes: readonly Axis[]): Point[] {
  let points: Point[] = [{}];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => ({ ...p, [a.name]: v })));
  return points;
}

/** Every (point, seed), point-major, seeds in the order given. */
export function expandRuns(points: readonly Point[], seeds: readonly number[]): Run[] {
  return points.flatMap((_, point) => seeds.map((seed) => ({ point, seed })));
}

/** An integer flag value in [min, 2^32). */
export function intArg(v: string, what: string, min: number): number {
  const x = Number(v.trim());
  if (v.trim() === "" || !Number.isInteger(x) || x < min || x > 2 ** 32 - 1)
    throw new SweepUsageError(`${what} needs integers in [${min}, 2^32), got \`${v}\``);
  return x;
}

export function positiveArg(v: string, what: string): number {
  const x = Number(v);
  if (!(x > 0) || !Number.isFinite(x)) throw new SweepUsageError(`${what} needs a positive number, got \`${v}\``);
  return x;
}

/** Seeds from `--seeds N` (1..N) or `--seed-list a,b,...`. */
export function parseSeeds(count: string | undefined, list: string | undefined, fallback: number): number[] {
  if (count !== undefined && list !== undefined) throw new SweepUsageError("give --seeds N or --seed-list a,b,..., not both");
  if (count !== undefined) {
    const n = intArg(count, "--seeds", 1);
    if (n > 100_000) throw new SweepUsageError(`--seeds ${n} is too many`);
    return Array.from({ length: n }, (_, i) => i + 1);
  }
  if (list !== undefined) {
    const seeds = list.split(",").map((v) => intArg(v, "--seed-list", 0));
    const dup = seeds.find((v, i) => seeds.indexOf(v) !== i);
    if (dup !== undefined) throw new SweepUsageError(`--seed-list: seed ${dup} is given twice`);
    return seeds;
  }
  return [fallback];
}

/** What a network lets a sweep vary: its activation parameters (a new CRN) and its rate constants (values of the compiled one). */
export interface Sweepable {
  activation: ReadonlySet<string>;
  rates: ReadonlySet<string>;
}

/** The activation parameters and rate constants of a compiled train IR. */
export function sweepable(ir: CRN): Sweepable {
  return {
    activation: new Set((ir.layers ?? []).flatMap((l) => Object.keys(l.activation?.params ?? {}))),
    rates: new Set(ir.parameters.filter((p) => p.role === "rate").map((p) => p.id)),
  };
}

/** Check axis names against what the network can vary: settings, an activation parameter of some layer, or a rate constant. */
export function checkAxisNames(axes: readonly Axis[], network: string, can: Sweepable): void {
  for (const a of axes) {
    if ((SETTING_AXES as readonly string[]).includes(a.name) || isSolverAxis(a.name) || can.activation.has(a.name) || can.rates.has(a.name)) continue;
    const list = [
      ...SETTING_AXES,
      ...SOLVER_AXES,
      ...[...can.activation].sort(),
      ...[...can.rates].filter((r) => !(SETTING_AXES as readonly string[]).includes(r)).sort(),
    ].join(", ");
    throw new SweepUsageError(
      `unknown --over axis \`${a.name}\`: no setting, activation parameter or rate constant of \`${network}\` has that name (sweepable: ${list})`,
    );
  }
}

/**
 * The part of a point that changes the CRN itself, as compile options: activation parameters
 * (a catalyst's concentration, a `require`) and annihilation (reactions come or go). A sweep
 * compiles once per distinct structure.
 */
export function structuralOptions(point: Point, activation: ReadonlySet<string>): Pick<CompileOptions, "params" | "annihilate"> {
  const out: Pick<CompileOptions, "params" | "annihilate"> = {};
  for (const [name, v] of Object.entries(point)) {
    if (name === "annihilate") out.annihilate = v;
    else if (isSolverAxis(name)) continue;
    else if (activation.has(name) && !(SETTING_AXES as readonly string[]).includes(name)) out.params = { ...out.params, [name]: v };
  }
  return out;
}

/** The part of a point that only changes values of a compiled IR: parameters by id (η, T, rate constants) and the noise level. */
export function valueChanges(point: Point, ir: CRN): { parameters: Record<string, number>; epsilon?: number } {
  const parameters: Record<string, number> = {};
  let epsilon: number | undefined;
  const idOf = (which: "eta" | "period") => ir.parameters[ir.train!.params[which]]!.id;
  const rates = new Set(ir.parameters.filter((p) => p.role === "rate").map((p) => p.id));
  for (const [name, v] of Object.entries(point)) {
    if (name === "epsilon") epsilon = v;
    else if (isSolverAxis(name)) continue;
    else if (name === "eta" || name === "period") parameters[idOf(name)] = v;
    else if (name !== "annihilate" && rates.has(name)) parameters[name] = v;
  }
  return { parameters, ...(epsilon !== undefined ? { epsilon } : {}) };
}

/**
 * The compile options of a point compiled on its own (checks, benchmarks, tests), everything as
 * if the file said it: settings, annihilation, rate constants by name (with `can`: the names
 * that are rates and not activation parameters) and activation parameters.
 */
export function pointOptions(point: Point, can?: Sweepable): Pick<CompileOptions, "settings" | "params" | "annihilate" | "rates"> {
  const out: Pick<CompileOptions, "settings" | "params" | "annihilate" | "rates"> = {};
  for (const [name, v] of Object.entries(point)) {
    if (name === "annihilate") out.annihilate = v;
    else if (isSolverAxis(name)) continue;
    else if ((SETTING_AXES as readonly string[]).includes(name)) out.settings = { ...out.settings, [name]: v };
    else if (can && can.rates.has(name) && !can.activation.has(name)) out.rates = { ...out.rates, [name]: v };
    else out.params = { ...out.params, [name]: v };
  }
  return out;
}

/** `epsilon=0.02 period=10` (or `(defaults)` for the empty point). */
export function pointLabel(point: Point): string {
  const parts = Object.entries(point).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(" ") : "(defaults)";
}

/** Integrator settings a sweep passes to every run (`--method`, `--rtol`, `--atol`); absent ones are the defaults. */
export interface SolverSettings {
  method?: string;
  rtol?: number;
  atol?: number;
  /** implicit-tau's leap. */
  tau?: number;
}

/**
 * The resume key of a run: the source hash, the trained network (a file may have several train
 * blocks), the iterations, the point (axis names sorted, so that reordering the --over flags
 * still matches), the seed, and the integrator settings given (none: the key of a default run,
 * unchanged from before they could be given).
 */
export function runKey(hash: string, network: string, iterations: number, point: Point, seed: number, solver: SolverSettings = {}): string {
  const sorted = Object.keys(point)
    .sort()
    .map((k) => [k, point[k]]);
  const given = (["method", "rtol", "atol", "tau"] as const).filter((k) => solver[k] !== undefined).map((k) => [k, solver[k]]);
  return JSON.stringify(given.length ? [hash, network, iterations, sorted, seed, given] : [hash, network, iterations, sorted, seed]);
}
