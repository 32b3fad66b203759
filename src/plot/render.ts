// SVG rendering of the plot specs, in Node and without a browser or node-canvas: a vega-lite
// spec is compiled to vega, run by a headless vega View (renderer "none") and serialised with
// toSVG(). Text is laid out with textWidth (text-width.ts: per-character widths of the fonts that
// draw it, installed as vega's text metric), so the output depends only on the spec.
// Vega numbers clip paths and gradients from a process-wide counter; renderSvg renames every id
// to `<prefix><n>` in order of appearance, so the same spec gives the same bytes in any process
// and several SVGs inlined in one HTML page never share an id (the default prefix is a hash of
// the SVG itself).
//
//   const svg = await renderSvg(historySpec(run.history));   // "<svg xmlns=… width="…" …>…</svg>"

import * as vega from "vega";
import { compile, type Config, type TopLevelSpec } from "vega-lite";
import type { NonNormalizedSpec } from "vega-lite/types_unstable/spec/index.js";
import type { Encoding } from "vega-lite/types_unstable/encoding.js";
import type { Field } from "vega-lite/types_unstable/channeldef.js";
import type { Legend } from "vega-lite/types_unstable/legend.js";
import type { ExprRef } from "vega-lite/types_unstable/expr.js";
import type { SignalRef } from "vega";
import { textWidth } from "./text-width.js";

export type { TopLevelSpec, NonNormalizedSpec };
/** One channel's definition (x, y, color, shape …) of a spec's encoding. */
export type Channel<K extends keyof Encoding<Field>> = NonNullable<Encoding<Field>[K]>;

/** Colours for series, in order (colour-blind safe: Okabe–Ito). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];

/**
 * Dash patterns for line series, in order: the first solid, every later one dashed, so a series
 * drawn over another along the same path leaves it visible. 7 patterns against 8 colours: the
 * first 56 series all differ in colour or dash.
 */
export const DASHES: number[][] = [
  [1, 0],
  [6, 3],
  [2, 2],
  [9, 3, 2, 3],
  [4, 4],
  [1, 3],
  [12, 4],
];

/** Point shapes for series, in order (vega symbol names). */
export const SHAPES = ["circle", "square", "triangle-up", "diamond", "triangle-down", "cross", "triangle-left", "triangle-right"];

/** The shared look of every plot: fonts, sizes, no chart border. */
export const BASE_CONFIG: Config = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  // No per-item aria labels (each would repeat the datum: SVGs 3× larger); axes keep theirs.
  mark: { aria: false },
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", grid: true, gridColor: "#eee" },
  // No limit: a series name is never cut to "smooth ReLU, no a…" (the legend grows instead).
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", labelLimit: 0, titleLimit: 0, symbolStrokeWidth: 2 },
  title: { fontSize: 14, fontWeight: "normal", anchor: "start" },
  range: { category: PALETTE },
};

export interface RenderOptions {
  /** Prefix of the ids in the SVG (clip paths, gradients); default `p` + a hash of the SVG. */
  idPrefix?: string;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}

/** Vega's text metric (not in its typings): `width(item, text)` lays out every text mark. */
export const textMetrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;

/** The width vega lays a line of text out with: textWidth, at most the item's limit (vega truncates beyond). */
export function itemTextWidth(item: TextItem, text: unknown): number {
  const w = textWidth(text == null ? "" : String(text).trim(), item.fontSize != null ? +item.fontSize || 0 : 11, item.fontWeight);
  return item.limit !== undefined && item.limit > 0 ? Math.min(w, item.limit) : w;
}
textMetrics.width = itemTextWidth;

/** Render a vega-lite spec to an SVG document (a string starting with `<svg`). */
export async function renderSvg(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<string> {
  textMetrics.width = itemTextWidth;
  const vg = compile(spec).spec;
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    return normaliseIds(shortenCoordinates(svg), opts.idPrefix);
  } finally {
    view.finalize();
  }
}

/** Rename every `id="…"` (and its `url(#…)` / `href="#…"` references) to prefix + ordinal. */
export function normaliseIds(svg: string, prefix?: string): string {
  const ids: string[] = [];
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.includes(m[1]!)) ids.push(m[1]!);
  if (ids.length === 0) return svg;
  const map = new Map(ids.map((id, i) => [id, String(i + 1)]));
  // Hash with the ids blanked, so the prefix does not depend on the process-wide counter.
  const p = prefix ?? `p${fnv1a(svg.replace(/(\sid="|url\(#|href="#)[^")]+/g, "$1"))}-`;
  const rename = (id: string) => (map.has(id) ? p + map.get(id)! : id);
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_, a: string, id: string) => `${a}${rename(id)}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${rename(id)})`)
    .replace(/(href="#)([^"]+)"/g, (_, a: string, id: string) => `${a}${rename(id)}"`);
}

/** Coordinates in path data and transforms to 2 decimals (1/100 px): about a third smaller. */
export function shortenCoordinates(svg: string): string {
  return svg.replace(
    /\s(d|transform)="([^"]*)"/g,
    (_, name: string, v: string) => ` ${name}="${v.replace(/-?\d+\.\d{3,}/g, (x) => String(Number(Number(x).toFixed(2))))}"`,
  );
}

/** 32-bit FNV-1a of a string, as 8 hex digits. */
export function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** Round to `digits` significant digits: smaller specs and SVGs, same picture. */
export function round(x: number, digits = 6): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x;
}

/**
 * A log axis over data from `lo` to `hi` (> 0): ticks and labels at powers of ten when the data
 * span two decades or more (every 2nd, 3rd … power beyond 8 decades), else at 1, 2 and 5 × 10^k;
 * the domain widened to the nearest ticks outside the data. Vega's own log axis labels every
 * minor tick (0.01, 0.02, 0.03, 0.04, 0.05, 0.1, …).
 */
export function logTicks(lo: number, hi: number): { domain: [number, number]; values: number[] } {
  if (!(lo > 0) || !(hi >= lo)) throw new RangeError(`a log axis needs positive data, got ${lo} to ${hi}`);
  const decades = Math.log10(hi / lo);
  const mantissas = decades >= 2 ? [1] : [1, 2, 5];
  const every = Math.max(1, Math.ceil(decades / 8));
  const k0 = Math.floor(Math.log10(lo)) - every;
  const k1 = Math.ceil(Math.log10(hi)) + every;
  const all: number[] = [];
  for (let k = k0; k <= k1; k++) if (((k % every) + every) % every === 0) for (const m of mantissas) all.push(Number((m * 10 ** k).toPrecision(12)));
  const eps = 1e-9;
  let a = all.filter((v) => v <= lo * (1 + eps)).at(-1)!;
  let b = all.find((v) => v >= hi * (1 - eps))!;
  if (a === b) {
    // One value: the ticks either side.
    a = all.filter((v) => v < lo * (1 - eps)).at(-1)!;
    b = all.find((v) => v > hi * (1 + eps))!;
  }
  return { domain: [a, b], values: all.filter((v) => v >= a && v <= b) };
}

/** Scale and axis of a log axis for these values (the positive, finite ones). */
export function logAxis(values: readonly number[]): {
  scale: { type: "log"; domain?: [number, number]; nice: false };
  axis: { values?: number[]; format: string };
} {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values)
    if (v > 0 && Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  if (!(lo <= hi)) return { scale: { type: "log", nice: false }, axis: { format: ".12~g" } };
  const t = logTicks(lo, hi);
  return { scale: { type: "log", domain: t.domain, nice: false }, axis: { values: t.values, format: ".12~g" } };
}

/**
 * Colour, dash (lines) and shape (points) channels of the series in `field`, in `domain` order,
 * under one legend: series i gets PALETTE[i mod 8] (or `colors[i]`), DASHES[i mod 7] and
 * SHAPES[i mod 8].
 */
export function seriesChannels(
  field: string,
  domain: readonly string[],
  opts: { title?: string | null; legend?: Legend<ExprRef | SignalRef>; colors?: readonly string[] } = {},
): { color: Channel<"color">; strokeDash: Channel<"strokeDash">; shape: Channel<"shape"> } {
  const d = [...domain];
  const title = opts.title ?? null;
  // Legend entries are short strokes in the series' colour and dash.
  const legend: Legend<ExprRef | SignalRef> = {
    orient: "right",
    symbolType: "stroke",
    symbolSize: 400,
    symbolStrokeWidth: 2,
    symbolOpacity: 1,
    ...opts.legend,
  };
  return {
    color: { field, type: "nominal", title, sort: d, scale: { domain: d, range: d.map((_, i) => opts.colors?.[i] ?? PALETTE[i % PALETTE.length]!) }, legend },
    strokeDash: { field, type: "nominal", title, sort: d, scale: { domain: d, range: d.map((_, i) => DASHES[i % DASHES.length]!) }, legend },
    shape: { field, type: "nominal", title, sort: d, scale: { domain: d, range: d.map((_, i) => SHAPES[i % SHAPES.length]!) }, legend },
  };
}
