// Sharding a sweep for any scheduler: `--shard I/N` runs the I-th of N deterministic slices of
// the runs (grid × seeds), balanced by expected cost, and logs them in OUT/points-I.jsonl;
// `crnnc sweep collect OUT` merges every log of the folder. A run's expected cost is the
// compiled CRN's reaction count (per structure: an activation parameter or `annihilate` can
// change it) × its period T (simulated time per sample) × its volume Ω for a stochastic
// method (events per unit time); the iterations are the same for every run of a sweep. The
// slices are the longest-first greedy assignment: runs by falling cost (grid order among
// equals), each to the least loaded shard (the lowest among equals) — the same on every
// machine that computes them, so every array task and `collect` agree without talking.
//
//   shardPlan([4, 1, 1, 1, 1], 2)   →  [1, 2, 2, 2, 2]     (shard of each run, 1-based)
//   parseShard("2/3")               →  { index: 2, count: 3 }

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { SweepUsageError, type Axis, type Point, type SolverSettings } from "./grid.js";

/** Which slice a process runs: the index-th (1-based) of count. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parse `--shard I/N` (1 ≤ I ≤ N); a SweepUsageError otherwise.
 *
 * @example
 * ```ts
 * import { parseShard } from "crnnc";
 * parseShard("3/8");   // { index: 3, count: 8 }
 * ```
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index >= 1) || index > count || count > 100_000)
    throw new SweepUsageError(`--shard needs I/N with 1 ≤ I ≤ N (the I-th of N slices, counted from 1), got \`${text}\``);
  return { index, count };
}

/**
 * The shard (1-based) of each run, given each run's expected cost: longest first, each to the
 * least loaded shard. Deterministic in (costs, count).
 *
 * @example
 * ```ts
 * import { shardPlan } from "crnnc";
 * console.log(shardPlan([1, 1, 1, 1, 1, 1], 3));   // [1, 2, 3, 1, 2, 3]
 * console.log(shardPlan([4, 1, 1, 1, 1], 2));      // [1, 2, 2, 2, 2]
 * ```
 */
export function shardPlan(costs: readonly number[], count: number): number[] {
  const order = costs.map((c, i) => ({ c: Number.isFinite(c) && c > 0 ? c : 1, i })).sort((a, b) => b.c - a.c || a.i - b.i);
  const load = new Array<number>(count).fill(0);
  const shard = new Array<number>(costs.length);
  for (const { c, i } of order) {
    let best = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[best]!) best = s;
    load[best]! += c;
    shard[i] = best + 1;
  }
  return shard;
}

/**
 * The expected cost of one run at a point, relative to the file as written: reactions × T (× Ω
 * for a stochastic method). `reactions(name, value)` is the reaction count of the CRN compiled
 * with that one structural value (undefined for a value axis); several structural axes
 * multiply their ratios to the base.
 */
export function pointCost(
  point: Point,
  base: { reactions: number; period: number },
  reactions: (name: string, value: number) => number | undefined,
  stochastic: boolean,
): number {
  let cost = Math.max(1, base.reactions);
  for (const [name, v] of Object.entries(point)) {
    const r = reactions(name, v);
    if (r !== undefined && base.reactions > 0) cost *= r / base.reactions;
    else if (name === "period" && base.period > 0) cost *= v / base.period;
    else if (name === "volume" && stochastic) cost *= v;
  }
  return cost;
}

export const LOG_NAME = "points.jsonl";
export const MANIFEST_NAME = "sweep.json";

/** The resume log a process appends to: points.jsonl, or points-I.jsonl for shard I. */
export function logName(shard?: Shard): string {
  return shard ? `points-${shard.index}.jsonl` : LOG_NAME;
}

/** The status file shard I writes when it ends (runs, failures, interruption). */
export function statusName(index: number): string {
  return `shard-${index}.json`;
}

/** Every resume log in a sweep's folder: points.jsonl, then points-1.jsonl, points-2.jsonl, ... */
export function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const shards = readdirSync(dir)
    .map((f) => /^points-(\d+)\.jsonl$/.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .sort((a, b) => Number(a[1]) - Number(b[1]))
    .map((m) => join(dir, m[0]));
  return [...(existsSync(join(dir, LOG_NAME)) ? [join(dir, LOG_NAME)] : []), ...shards];
}

/**
 * What `collect` needs to know about a sweep without its sources: written to OUT/sweep.json by
 * every process of the sweep (the same text from each). The run keys in the logs carry `hash`.
 */
export interface SweepManifest {
  format: "crnnc-sweep";
  file: string;
  target?: string;
  network: string;
  dataset: string;
  hash: string;
  iterations: number;
  solver?: SolverSettings;
  axes: Axis[];
  seeds: number[];
  /** Expected cost of one run at each point, in grid order (what the shards are balanced by). */
  costs?: number[];
  /** The number of shards, when the sweep is sharded. */
  shards?: number;
  /** The sweep asked for the sensitivity plot: collect draws it too. */
  plot?: boolean;
  /** The array tasks' logs, when submitted to Slurm: the path with `%a` for the shard. */
  taskLog?: string;
}

export function writeManifest(dir: string, m: SweepManifest): void {
  const path = join(dir, MANIFEST_NAME);
  const text = JSON.stringify(m, null, 1) + "\n";
  // Every shard writes it: leave an identical one alone (no rename under a reader).
  if (existsSync(path) && readFileSync(path, "utf8") === text) return;
  writeFileAtomic(path, text);
}

/** The manifest of a sweep's folder, or a message saying why there is none. */
export function readManifest(dir: string): SweepManifest | string {
  const path = join(dir, MANIFEST_NAME);
  if (!existsSync(path)) return `${path} does not exist: ${dir} is not the --out folder of a crnnc sweep (or of an older crnnc that did not write it)`;
  try {
    const m = JSON.parse(readFileSync(path, "utf8")) as SweepManifest;
    if (m.format !== "crnnc-sweep" || !Array.isArray(m.axes) || !Array.isArray(m.seeds)) return `${path} is not a crnnc sweep manifest`;
    return m;
  } catch (e) {
    return `${path} is not readable JSON: ${(e as Error).message}`;
  }
}

/** How shard I ended, in OUT/shard-I.json. */
export interface ShardStatus {
  shard: string;
  /** Runs in the slice, finished before this process, finished by it. */
  runs: number;
  resumed: number;
  ran: number;
  failed: { point: Point; seed: number; error: string }[];
  interrupted: boolean;
}

export function readStatus(dir: string, index: number): ShardStatus | undefined {
  const path = join(dir, statusName(index));
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ShardStatus;
  } catch {
    return undefined;
  }
}
