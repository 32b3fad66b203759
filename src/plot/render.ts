// SVG rendering of the plot specs, in Node and without a browser or node-canvas: a vega-lite
// spec is compiled to vega, run by a headless vega View (renderer "none") and serialised with
// toSVG(). Text widths are vega's estimates (no canvas), so the output depends only on the spec.
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

export type { TopLevelSpec, NonNormalizedSpec };
/** One channel's definition (x, y, color, shape …) of a spec's encoding. */
export type Channel<K extends keyof Encoding<Field>> = NonNullable<Encoding<Field>[K]>;

/** Colours for series, in order (colour-blind safe: Okabe–Ito). */
export const PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"];

/** The shared look of every plot: fonts, sizes, no chart border. */
export const BASE_CONFIG: Config = {
  font: "Helvetica, Arial, sans-serif",
  background: "white",
  // No per-item aria labels (each would repeat the datum: SVGs 3× larger); axes keep theirs.
  mark: { aria: false },
  view: { stroke: "#ddd" },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal", grid: true, gridColor: "#eee" },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: "normal" },
  title: { fontSize: 14, fontWeight: "normal", anchor: "start" },
  range: { category: PALETTE },
};

export interface RenderOptions {
  /** Prefix of the ids in the SVG (clip paths, gradients); default `p` + a hash of the SVG. */
  idPrefix?: string;
}

/** Render a vega-lite spec to an SVG document (a string starting with `<svg`). */
export async function renderSvg(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<string> {
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
