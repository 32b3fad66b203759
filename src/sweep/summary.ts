// Aggregation of a sweep's runs per grid point: mean, sample standard deviation (n − 1), min
// and max over the seeds of each metric, in grid order, and the same table as CSV. Runs are
// taken in seed order, so the numbers do not depend on which worker finished first.
//
//   stat([0.1, 0.3])  →  { n: 2, mean: 0.2, sd: 0.1414…, min: 0.1, max: 0.3 }

import type { Axis, Point } from "./grid.js";
import type { RunRecord } from "./point.js";

export interface Stat {
  /** Runs with a finite value (a blown-up run may have none). */
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single run. */
  sd: number;
  min: number;
  max: number;
}

/** The metrics a sweep summarises per point (mean, sd, min, max over the seeds). */
export const METRICS = ["averageTrainError", "finalTrainError", "finalTrainAccuracy", "finalValidationError", "finalValidationAccuracy"] as const;
export type Metric = (typeof METRICS)[number];

export interface SummaryRow {
  /** Position in grid order (0-based). */
  index: number;
  point: Point;
  /** Settings in effect, from the first finished run (absent until one finishes). */
  settings?: RunRecord["settings"];
  /** Finished runs and their seeds; blow-ups among them. */
  runs: number;
  seeds: number[];
  blowups: number;
  /** Per metric, null when no run has a value for it (e.g. no validation set). */
  metrics: Record<Metric, Stat | null>;
}

export function stat(xs: readonly (number | null)[]): Stat | null {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  if (v.length === 0) return null;
  const mean = v.reduce((a, x) => a + x, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
  return { n: v.length, mean, sd, min: Math.min(...v), max: Math.max(...v) };
}

/** One row per point, in grid order; `recordOf(point, seed)` finds a finished run. */
export function summarise(points: readonly Point[], seeds: readonly number[], recordOf: (point: number, seed: number) => RunRecord | undefined): SummaryRow[] {
  return points.map((point, index) => {
    const recs = seeds.map((s) => recordOf(index, s)).filter((r): r is RunRecord => r !== undefined);
    const metrics = Object.fromEntries(METRICS.map((m) => [m, stat(recs.map((r) => r[m]))])) as Record<Metric, Stat | null>;
    return {
      index,
      point,
      ...(recs[0] ? { settings: recs[0].settings } : {}),
      runs: recs.length,
      seeds: recs.map((r) => r.seed),
      blowups: recs.filter((r) => r.stopped?.reason === "blowup").length,
      metrics,
    };
  });
}

/**
 * A sweep's summary rows as CSV (what `summary.csv` holds): the axes, runs, blow-ups, then
 * mean, sd, min and max of each metric.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { summaryCsv, sweep } from "crnnc";
 * const axes = [{ name: "epsilon", values: [0, 0.02] }];
 * const outcome = await sweep("examples/sine.crnn", { over: axes, iterations: 50, out: "sweep-sine" });
 * writeFileSync("table.csv", summaryCsv(axes, outcome.rows));
 * ```
 */
export function summaryCsv(axes: readonly Axis[], rows: readonly SummaryRow[]): string {
  const parts = ["mean", "sd", "min", "max"] as const;
  const header = ["point", ...axes.map((a) => a.name), "runs", "blowups", ...METRICS.flatMap((m) => parts.map((p) => `${m}_${p}`))];
  const lines = [header.join(",")];
  for (const r of rows) {
    const cells = [String(r.index), ...axes.map((a) => String(r.point[a.name])), String(r.runs), String(r.blowups)];
    for (const m of METRICS) for (const p of parts) cells.push(r.metrics[m] ? String(r.metrics[m]![p]) : "");
    lines.push(cells.join(","));
  }
  return lines.join("\n") + "\n";
}

/**
 * A sweep's summary rows as the aligned text table `crnnc sweep` prints.
 *
 * @example
 * ```ts
 * import { summaryTable, sweep } from "crnnc";
 * const axes = [{ name: "epsilon", values: [0, 0.02] }];
 * const outcome = await sweep("examples/sine.crnn", { over: axes, iterations: 50, out: "sweep-sine" });
 * console.log(summaryTable(axes, outcome.rows));
 * ```
 */
export function summaryTable(axes: readonly Axis[], rows: readonly SummaryRow[]): string {
  const g = (x: number) => x.toPrecision(3);
  const spread = (s: Stat | null, pct = false) => {
    if (!s) return "-";
    const f = pct ? (x: number) => `${(x * 100).toFixed(1)}%` : g;
    return s.n > 1 ? `${f(s.mean)} ± ${f(s.sd)} [${f(s.min)}, ${f(s.max)}]` : f(s.mean);
  };
  const hasVal = rows.some((r) => r.metrics.finalValidationError);
  const hasAcc = rows.some((r) => r.metrics.finalValidationAccuracy);
  const header = [
    ...axes.map((a) => a.name),
    "runs",
    "avg train E (mean ± sd [min, max])",
    ...(hasVal ? ["validation E"] : []),
    ...(hasAcc ? ["validation accuracy"] : []),
  ];
  const body = rows.map((r) => [
    ...axes.map((a) => String(r.point[a.name])),
    `${r.runs}${r.blowups ? ` (${r.blowups} blew up)` : ""}`,
    spread(r.metrics.averageTrainError),
    ...(hasVal ? [spread(r.metrics.finalValidationError)] : []),
    ...(hasAcc ? [spread(r.metrics.finalValidationAccuracy, true)] : []),
  ]);
  const w = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(w[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), ...body.map(line)].join("\n") + "\n";
}
