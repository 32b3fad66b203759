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

import { BASE_CONFIG, renderSvg, round, type Channel, type TopLevelSpec } from "./render.js";
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
  title?: string;
  width?: number;
  height?: number;
}

export function sensitivitySpec(rows: readonly SensitivityRow[], opts: SensitivityOptions): TopLevelSpec {
  const ok = (v: number, log?: boolean) => Number.isFinite(v) && (!log || v > 0);
  const data = rows
    .filter((r) => ok(r.x, opts.logX) && ok(r.mean, opts.logY) && ok(r.lo, opts.logY) && ok(r.hi, opts.logY))
    .map((r) => ({ series: r.series, x: round(r.x, 10), mean: round(r.mean), lo: round(r.lo), hi: round(r.hi) }));
  const series = [...new Set(data.map((r) => r.series))];
  const x: Channel<"x"> = { field: "x", type: "quantitative", title: opts.xTitle, scale: opts.logX ? { type: "log" } : { zero: false } };
  const yScale = opts.logY ? ({ type: "log" } as const) : { zero: false };
  const color: Channel<"color"> = {
    field: "series",
    type: "nominal",
    sort: series,
    title: opts.seriesTitle ?? null,
    legend: { orient: "right", symbolOpacity: 1, symbolType: "stroke", symbolStrokeWidth: 2 },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: BASE_CONFIG,
    title: { text: opts.title ?? `${opts.yTitle ?? "error E"} vs ${opts.xTitle}`, subtitle: `lines: mean; bands: ${opts.spread ?? "min–max"}` },
    width: opts.width ?? 480,
    height: opts.height ?? 280,
    data: { values: data },
    layer: [
      {
        mark: { type: "area", opacity: 0.18 },
        encoding: { x, y: { field: "lo", type: "quantitative", title: opts.yTitle ?? "error E", scale: yScale }, y2: { field: "hi" }, color },
      },
      {
        mark: { type: "line", point: true, strokeWidth: 1.8 },
        encoding: { x, y: { field: "mean", type: "quantitative", title: opts.yTitle ?? "error E", scale: yScale }, color },
      },
    ],
  };
}

/** The sensitivity plot as an SVG document. */
export function sensitivitySvg(rows: readonly SensitivityRow[], opts: SensitivityOptions): Promise<string> {
  return renderSvg(sensitivitySpec(rows, opts));
}

/** A self-contained HTML page: the plot and the table of its rows. */
export async function sensitivityReport(rows: readonly SensitivityRow[], opts: SensitivityOptions & { notes?: string[] }): Promise<string> {
  const svg = await sensitivitySvg(rows, opts);
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
