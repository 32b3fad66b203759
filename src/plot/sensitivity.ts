// Sensitivity plots (paper Fig. 8): a measured quantity (the error, by default) against a swept
// parameter — the noise size ε, the period T, the smoothing h, … — one coloured series per
// variant (e.g. activation smooth_relu vs leaky_relu), each a mean line with points and a
// shaded spread band from `lo` to `hi` (min–max over seeds, or mean ± sd: the caller decides
// and says so in `spread`).
//
// Input, one row per (series, x) — the caller aggregates its runs:
//   { series: string; x: number; mean: number; lo: number; hi: number }
// Rows need no order; a row whose numbers are not finite is left out (with a log axis, also
// non-positive ones).
//
//   const rows = [{ series: "smooth_relu", x: 0.01, mean: 0.05, lo: 0.04, hi: 0.07 }, …];
//   await sensitivitySvg(rows, { xTitle: "noise size ε", logX: true })        →  "<svg …"
//   await sensitivityReport(rows, { xTitle: "noise size ε", title: "MNIST" }) →  "<!doctype html>…"

import { BASE_CONFIG, logAxis, renderSvg, round, seriesChannels, type Channel, type TopLevelSpec } from "./render.js";
import { htmlPage, table, escapeHtml } from "./html.js";

export interface SensitivityRow {
  /** The variant the row belongs to (one colour and legend entry per series). */
  series: string;
  /** The swept parameter's value. */
  x: number;
  /** The quantity's mean over the runs at x; lo ≤ mean ≤ hi is the spread band. */
  mean: number;
  lo: number;
  hi: number;
}

export interface SensitivityOptions {
  /** x axis title, with the parameter and its unit, e.g. "noise size ε" or "period T (a.u.)". */
  xTitle: string;
  /** y axis title (default "error E"). */
  yTitle?: string;
  /** Legend title (default none), e.g. "activation". */
  seriesTitle?: string;
  /** What the band shows, for the legend caption and the report (default "min–max"). */
  spread?: string;
  logX?: boolean;
  logY?: boolean;
  /**
   * Where the x ticks go: default at the swept values — the distinct x of the rows — when there
   * are at most 12 of them (a sweep over 0.001, 0.002, 0.004 is labelled 0.001, 0.002, 0.004,
   * not 0.0018, 0.0026), else vega's ticks.
   */
  xValues?: number[];
  /** A title above the plot (default none: the axis titles say what is plotted). */
  title?: string;
  width?: number;
  height?: number;
}

export function sensitivitySpec(rows: readonly SensitivityRow[], opts: SensitivityOptions): TopLevelSpec {
  const ok = (v: number, log?: boolean) => Number.isFinite(v) && (!log || v > 0);
  const kept = rows.filter((r) => ok(r.x, opts.logX) && ok(r.mean, opts.logY) && ok(r.lo, opts.logY) && ok(r.hi, opts.logY));
  const series = [...new Set(kept.map((r) => r.series))];
  // In series order, so the first series (solid) is drawn first and the dashed ones over it.
  const data = series.flatMap((s) =>
    kept
      .filter((r) => r.series === s)
      .map((r) => ({ series: r.series, shape: r.series, x: round(r.x, 10), mean: round(r.mean), lo: round(r.lo), hi: round(r.hi) })),
  );
  const xs = [...new Set(data.map((r) => r.x))].sort((a, b) => a - b);
  const ticks = opts.xValues?.filter((v) => ok(v, opts.logX)) ?? (xs.length <= 12 ? xs : undefined);
  let x: Channel<"x">;
  if (ticks?.length) {
    const lo = Math.min(...ticks, ...xs);
    const hi = Math.max(...ticks, ...xs);
    const domain = lo < hi ? [lo, hi] : opts.logX ? [lo / 2, hi * 2] : [lo - 1, hi + 1];
    x = {
      field: "x",
      type: "quantitative",
      title: opts.xTitle,
      scale: { ...(opts.logX ? { type: "log" as const } : {}), domain, nice: false, zero: false },
      axis: { values: ticks, format: ".12~g" },
    };
  } else if (opts.logX) {
    const a = logAxis(xs);
    x = { field: "x", type: "quantitative", title: opts.xTitle, scale: a.scale, axis: a.axis };
  } else x = { field: "x", type: "quantitative", title: opts.xTitle, scale: { zero: false } };
  const yTitle = opts.yTitle ?? "error E";
  const yLog = opts.logY ? logAxis(data.flatMap((r) => [r.lo, r.hi, r.mean])) : undefined;
  const yScale = yLog ? yLog.scale : { zero: false };
  const yAxis = yLog ? yLog.axis : {};
  const channels = seriesChannels("series", series, { title: opts.seriesTitle ?? null });
  // The legend shows each series' colour and dash; the points' shapes tell coinciding series
  // apart (a field of their own: vega-lite would merge a shape of "series" into the legend).
  const shape = { ...seriesChannels("shape", series).shape, legend: null } as Channel<"shape">;
  const band = `lines: mean; bands: ${opts.spread ?? "min–max"}`;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: BASE_CONFIG,
    title: opts.title ? { text: opts.title, subtitle: band } : { text: band, fontSize: 12, color: "#555" },
    width: opts.width ?? 480,
    height: opts.height ?? 280,
    data: { values: data },
    layer: [
      {
        mark: { type: "area", opacity: 0.15 },
        encoding: { x, y: { field: "lo", type: "quantitative", title: yTitle, scale: yScale, axis: yAxis }, y2: { field: "hi" }, color: channels.color },
      },
      {
        mark: { type: "line", strokeWidth: 1.8 },
        encoding: {
          x,
          y: { field: "mean", type: "quantitative", title: yTitle, scale: yScale, axis: yAxis },
          color: channels.color,
          strokeDash: channels.strokeDash,
        },
      },
      {
        mark: { type: "point", filled: false, size: 40, strokeWidth: 1.5, opacity: 1 },
        encoding: { x, y: { field: "mean", type: "quantitative", title: yTitle, scale: yScale, axis: yAxis }, color: channels.color, shape },
      },
    ],
  };
}

/** The sensitivity plot as an SVG document. */
export function sensitivitySvg(rows: readonly SensitivityRow[], opts: SensitivityOptions): Promise<string> {
  return renderSvg(sensitivitySpec(rows, opts));
}

/** A self-contained HTML page: the plot (its title is the page's heading, not drawn again) and the table of its rows. */
export async function sensitivityReport(rows: readonly SensitivityRow[], opts: SensitivityOptions & { notes?: string[] }): Promise<string> {
  const { title: _title, notes: _notes, ...plotOpts } = opts;
  const svg = await sensitivitySvg(rows, plotOpts);
  const sorted = [...rows].sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : a.x - b.x));
  const fmt = (v: number) => (Number.isFinite(v) ? String(round(v, 4)) : String(v));
  return htmlPage(opts.title ?? "crnnc sensitivity", [
    ...(opts.notes?.length ? [`<p>${opts.notes.map(escapeHtml).join("<br>")}</p>`] : []),
    `<figure>${svg}</figure>`,
    table(
      [opts.seriesTitle ?? "series", opts.xTitle, `mean ${opts.yTitle ?? "error E"}`, "lo", "hi"],
      sorted.map((r) => [r.series, fmt(r.x), fmt(r.mean), fmt(r.lo), fmt(r.hi)]),
    ),
  ]);
}
