// `crnnc sweep --plot`: the sensitivity plot of a sweep (paper Fig. 8) — the average train
// error against the first --over axis, one series per combination of the other axes, each a
// mean line with a min–max band over the seeds — as OUT/sensitivity.svg and a self-contained
// OUT/sensitivity.html (plot and table). Vega is loaded only when a plot is asked for.
//
//   crnnc sweep examples/sine.crnn --over epsilon=0,0.05,0.1 --over period=10,50 --seeds 4 --plot
//   → x: noise size ε, ticks at 0, 0.05, 0.1; series "period=10", "period=50"
//
// The x ticks are the swept values; an axis of positive values over two decades or more (a
// volume Ω of 100, 1000, 10000) is logarithmic. The SVG carries the title; the HTML page has
// it as its heading (and not again in the plot).

import type { Axis } from "./grid.js";
import type { Metric, SummaryRow } from "./summary.js";

const TITLES: Record<string, string> = {
  epsilon: "noise size ε",
  period: "period T (a.u.)",
  eta: "η (update rate)",
  annihilate: "annihilation rate",
  volume: "volume Ω (molecules per unit concentration)",
};

export function axisTitle(name: string): string {
  return TITLES[name] ?? `activation parameter ${name}`;
}

export interface SweepPlot {
  svg: string;
  html: string;
}

/**
 * The sensitivity plot of a sweep (paper Fig. 8; `crnnc sweep --plot`): a metric (the average
 * train error by default) against the first axis, one series per value of the others, each a
 * mean line with a min–max band over the seeds, as an SVG and a self-contained HTML page.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { sweep, sweepPlot } from "crnnc";
 * const axes = [{ name: "epsilon", values: [0, 0.02, 0.04] }];
 * const outcome = await sweep("examples/sine.crnn", { over: axes, seeds: [1, 2], iterations: 100, out: "sweep-sine" });
 * const plot = await sweepPlot(axes, outcome.rows, { network: "sine_net", file: "examples/sine.crnn", seeds: 2, iterations: 100 });
 * writeFileSync("sensitivity.svg", plot.svg);
 * writeFileSync("sensitivity.html", plot.html);
 * ```
 */
export async function sweepPlot(
  axes: readonly Axis[],
  rows: readonly SummaryRow[],
  info: { network: string; file: string; seeds: number; iterations: number },
  metric: Metric = "averageTrainError",
): Promise<SweepPlot> {
  const { sensitivitySvg, sensitivityReport } = await import("../plot/sensitivity.js");
  const [x, ...rest] = axes;
  if (!x) throw new RangeError("a sensitivity plot needs at least one --over axis");
  const data = rows.flatMap((r) => {
    const s = r.metrics[metric];
    if (!s) return [];
    const series = rest.length ? rest.map((a) => `${a.name}=${r.point[a.name]}`).join(" ") : info.network;
    return [{ series, x: r.point[x.name]!, mean: s.mean, lo: s.min, hi: s.max }];
  });
  const yTitle = metric === "averageTrainError" ? "average train error E (last 10 evaluations)" : metric;
  const logX = x.values.every((v) => v > 0) && Math.max(...x.values) / Math.min(...x.values) >= 100;
  // The same rule for the metric: a run that blew up (E of 10⁴) next to ones that learned (E of 0.04) needs a log axis to show both.
  const ys = data.flatMap((d) => [d.mean, d.lo, d.hi]).filter((v) => Number.isFinite(v));
  const logY = ys.length > 0 && ys.every((v) => v > 0) && Math.max(...ys) / Math.min(...ys) >= 100;
  const opts = {
    xTitle: axisTitle(x.name),
    xValues: x.values,
    logX,
    logY,
    yTitle,
    spread: `min–max over ${info.seeds} seed${info.seeds === 1 ? "" : "s"}`,
    ...(rest.length ? { seriesTitle: rest.map((a) => a.name).join(", ") } : {}),
    title: `${info.network}: sensitivity to ${x.name}`,
  };
  const svg = await sensitivitySvg(data, opts);
  const html = await sensitivityReport(data, {
    ...opts,
    notes: [
      `crnnc sweep ${info.file}: ${info.iterations} iterations per run, ${info.seeds} seed${info.seeds === 1 ? "" : "s"} per point; the line is the mean, the band min–max over the seeds.`,
    ],
  });
  return { svg, html };
}
