// A layout checker for the SVGs renderSvg writes (vega's SVG serialisation): it walks the
// element tree with its transforms and reports
//   - clipped text: a visible <text> whose box — width from the same text-width function vega
//     laid the plot out with (`vega.textMetrics.width`), height from its font size — reaches
//     outside the SVG's width × height;
//   - truncated text: a label vega shortened to its limit ("smooth ReLU, no a…");
//   - look-alike series: two lines of one panel (or two entries of one legend) with the same
//     colour, dash and shape;
//   - hidden series: a line drawn over another one along the same path without a dash, so the
//     one below cannot be seen;
//   - a missing legend: a panel of several lines without one (a shared one only for a single panel);
//   - duplicate titles: a title, subtitle, legend title or axis title (per orientation) drawn twice.
// Used by test/plot.test.ts on every plot kind and on the committed docs/results/*.svg.

import { textMetrics } from "../src/plot/render.js";

export interface LayoutProblem {
  kind: "clipped" | "truncated" | "look-alike" | "hidden" | "duplicate-title" | "no-legend";
  detail: string;
}

type Matrix = [number, number, number, number, number, number]; // a b c d e f: x' = a x + c y + e, y' = b x + d y + f

const IDENTITY: Matrix = [1, 0, 0, 1, 0, 0];

function multiply(m: Matrix, n: Matrix): Matrix {
  return [
    m[0] * n[0] + m[2] * n[1],
    m[1] * n[0] + m[3] * n[1],
    m[0] * n[2] + m[2] * n[3],
    m[1] * n[2] + m[3] * n[3],
    m[0] * n[4] + m[2] * n[5] + m[4],
    m[1] * n[4] + m[3] * n[5] + m[5],
  ];
}

/** An SVG transform attribute (translate, rotate, scale, matrix) as a matrix. */
export function parseTransform(t: string | undefined): Matrix {
  let m = IDENTITY;
  if (!t) return m;
  for (const [, op, args] of t.matchAll(/(\w+)\s*\(([^)]*)\)/g)) {
    const a = args!
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    let n: Matrix = IDENTITY;
    if (op === "translate") n = [1, 0, 0, 1, a[0] ?? 0, a[1] ?? 0];
    else if (op === "scale") n = [a[0] ?? 1, 0, 0, a[1] ?? a[0] ?? 1, 0, 0];
    else if (op === "rotate") {
      const r = ((a[0] ?? 0) * Math.PI) / 180;
      const [cx, cy] = [a[1] ?? 0, a[2] ?? 0];
      n = multiply(multiply([1, 0, 0, 1, cx, cy], [Math.cos(r), Math.sin(r), -Math.sin(r), Math.cos(r), 0, 0]), [1, 0, 0, 1, -cx, -cy]);
    } else if (op === "matrix") n = a.slice(0, 6) as Matrix;
    m = multiply(m, n);
  }
  return m;
}

function apply(m: Matrix, x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [, k, v] of s.matchAll(/([\w:-]+)="([^"]*)"/g)) out[k!] = v!;
  return out;
}

function unescape(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

interface Node {
  name: string;
  attrs: Record<string, string>;
  matrix: Matrix;
  /** The class of the nearest vega mark group (e.g. "mark-text role-axis-title"). */
  mark: string;
  /** Key of the panel: the nearest scope or frame group. */
  panel: string;
  /** Ordinal of that mark group in the document (the labels of one axis share it). */
  group: number;
  /** Ordinal of the legend it is in, or -1. */
  legend: number;
}

export interface TextItem {
  text: string;
  role: string;
  /** Ordinal of its mark group: the labels of one axis, the entries of one legend share it. */
  group: number;
  fontSize: number;
  font: string;
  fontWeight?: string;
  /** Corners of its box in SVG coordinates. */
  box: [number, number][];
  angle: number;
}

export interface PathItem {
  mark: string;
  panel: string;
  attrs: Record<string, string>;
  /** Ordinal of the legend it is in, or -1. */
  legend: number;
  /** The path's points in SVG coordinates (its vertices: the numbers of d taken in pairs). */
  points: [number, number][];
}

/** The width vega gives `text` in this font: whatever `vega.textMetrics.width` is installed (renderSvg's). */
export function textWidth(text: string, fontSize: number, fontWeight?: string): number {
  return textMetrics.width({ fontSize, ...(fontWeight ? { fontWeight } : {}) }, text);
}

/** Every visible text item and every path of an SVG, in document order. */
export function walk(svg: string): {
  width: number;
  height: number;
  texts: TextItem[];
  paths: PathItem[];
  /** The panel of every legend. */
  legends: string[];
  /** Where each panel's origin is, in SVG coordinates. */
  origins: Map<string, [number, number]>;
} {
  const root = /^<svg [^>]*>/.exec(svg)![0];
  const width = Number(/\swidth="([\d.]+)"/.exec(root)?.[1]);
  const height = Number(/\sheight="([\d.]+)"/.exec(root)?.[1]);
  const stack: Node[] = [];
  const texts: TextItem[] = [];
  const paths: PathItem[] = [];
  const legends: string[] = [];
  const origins = new Map<string, [number, number]>();
  let scopes = 0;
  let groups = 0;
  let legendCount = 0;
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:[^>"]|"[^"]*")*?)(\/?)>|([^<]+)/g;
  let textNode: { node: Node; lines: string[]; current: string } | undefined;
  for (const m of svg.matchAll(re)) {
    const [, close, name, rest, self, content] = m;
    if (content !== undefined) {
      if (textNode) textNode.current += unescape(content);
      continue;
    }
    if (close) {
      const n = stack.pop()!;
      if (n.name === "tspan" && textNode) {
        textNode.lines.push(textNode.current);
        textNode.current = "";
      }
      if (n.name === "text" && textNode) {
        if (textNode.current.trim()) textNode.lines.push(textNode.current);
        addText(textNode.node, textNode.lines);
        textNode = undefined;
      }
      continue;
    }
    const a = attrs(rest!);
    const parent = stack.at(-1);
    const cls = a.class ?? "";
    const node: Node = {
      name: name!,
      attrs: a,
      matrix: multiply(parent?.matrix ?? IDENTITY, parseTransform(a.transform)),
      mark: cls.startsWith("mark-") ? cls : (parent?.mark ?? ""),
      group: cls.startsWith("mark-") ? groups++ : (parent?.group ?? -1),
      // A panel: a view (vega-lite's "…_group" scopes, or the root frame), not the per-series
      // groups of a line mark ("…_pathgroup") nor a legend's entries.
      panel: /role-(scope|frame)/.test(cls) && !/pathgroup/.test(cls) && (parent?.legend ?? -1) < 0 ? `${cls}#${scopes++}` : (parent?.panel ?? "root"),
      legend: /\brole-legend$/.test(cls) ? legendCount++ : (parent?.legend ?? -1),
    };
    if (/\brole-legend$/.test(cls)) legends.push(node.panel);
    // A view's group item: the first element with a transform inside its container.
    if (!origins.has(node.panel) && a.transform) origins.set(node.panel, [node.matrix[4], node.matrix[5]]);
    if (name === "path" && node.mark.includes("role-")) {
      const nums = (a.d ?? "").match(/-?\d*\.?\d+(?:e-?\d+)?/g)?.map(Number) ?? [];
      const points: [number, number][] = [];
      for (let i = 0; i + 1 < nums.length; i += 2) points.push(apply(node.matrix, nums[i]!, nums[i + 1]!));
      paths.push({ mark: node.mark, panel: node.panel, legend: node.legend, attrs: a, points });
    }
    if (self) continue;
    stack.push(node);
    if (name === "text") textNode = { node, lines: [], current: "" };
    if (name === "tspan" && textNode) textNode.current = "";
  }

  function addText(node: Node, lines: string[]): void {
    const a = node.attrs;
    if (a.opacity === "0" || a["fill-opacity"] === "0" || a.display === "none") return;
    const fontSize = parseFloat(a["font-size"] ?? "11");
    const font = a["font-family"] ?? "sans-serif";
    const weight = a["font-weight"];
    const anchor = a["text-anchor"] ?? "start";
    const lineHeight = fontSize + 2;
    const rotate = /rotate\(([-\d.]+)/.exec(a.transform ?? "");
    lines.forEach((line, k) => {
      const text = line.trim();
      if (!text) return;
      const w = textWidth(text, fontSize, weight);
      const x0 = anchor === "middle" ? -w / 2 : anchor === "end" ? -w : 0;
      // vega's text box: from 0.8·size above the baseline to 0.2·size below it.
      const y0 = k * lineHeight - 0.8 * fontSize;
      const y1 = k * lineHeight + 0.2 * fontSize;
      const box = [apply(node.matrix, x0, y0), apply(node.matrix, x0 + w, y0), apply(node.matrix, x0 + w, y1), apply(node.matrix, x0, y1)];
      texts.push({
        text,
        role: /role-[\w-]+/.exec(node.mark)?.[0] ?? "",
        group: node.group,
        fontSize,
        font,
        ...(weight ? { fontWeight: weight } : {}),
        box,
        angle: rotate ? Number(rotate[1]) : 0,
      });
    });
  }
  return { width, height, texts, paths, legends, origins };
}

/** Everything wrong with the layout of one SVG (empty if nothing). */
export function layoutProblems(svg: string, opts: { tolerance?: number } = {}): LayoutProblem[] {
  const tol = opts.tolerance ?? 0.5;
  const { width, height, texts, paths, legends: legendPanels, origins } = walk(svg);
  const out: LayoutProblem[] = [];
  for (const t of texts) {
    const xs = t.box.map((p) => p[0]);
    const ys = t.box.map((p) => p[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    if (x0 < -tol || y0 < -tol || x1 > width + tol || y1 > height + tol)
      out.push({
        kind: "clipped",
        detail: `"${t.text}" (${t.role}) spans x ${x0.toFixed(1)}…${x1.toFixed(1)}, y ${y0.toFixed(1)}…${y1.toFixed(1)} in a ${width}×${height} SVG`,
      });
    if (t.text.endsWith("…")) out.push({ kind: "truncated", detail: `"${t.text}" (${t.role})` });
  }
  // Titles: each once (axis titles per orientation: a pairs plot names a feature on a row and a column).
  const seen = new Set<string>();
  for (const t of texts) {
    if (!/role-(title-text|title-subtitle|legend-title|axis-title)$/.test(t.role)) continue;
    const key = `${t.role === "role-axis-title" ? `axis ${t.angle}` : "title"}: ${t.text}`;
    if (seen.has(key)) out.push({ kind: "duplicate-title", detail: key });
    seen.add(key);
  }
  // Lines of one panel: told apart by colour or dash; one drawn over another without a dash hides it.
  const byPanel = new Map<string, PathItem[]>();
  for (const p of paths) if (/^mark-line role-mark/.test(p.mark)) (byPanel.get(p.panel) ?? byPanel.set(p.panel, []).get(p.panel)!).push(p);
  for (const [panel, lines] of byPanel) {
    const style = (p: PathItem) => `stroke ${p.attrs.stroke ?? "none"}, dash ${dash(p) ?? "solid"}`;
    for (let i = 0; i < lines.length; i++)
      for (let j = i + 1; j < lines.length; j++) {
        const [a, b] = [lines[i]!, lines[j]!];
        if (style(a) === style(b)) out.push({ kind: "look-alike", detail: `two lines with ${style(a)} in ${panel}` });
        if (!dash(b) && overlap(a, b) >= 0.5)
          out.push({
            kind: "hidden",
            detail: `a solid line (${style(b)}) is drawn over the line (${style(a)}) along ${Math.round(overlap(a, b) * 100)}% of it in ${panel}`,
          });
      }
  }
  // A panel of several lines has a legend: its own, or the plot's if it is the only such panel
  // or the panels are a grid of small multiples (side by side, as a pair plot's); stacked
  // panels (E(t) over A(t), species over weights) each have their own.
  const several = [...byPanel].filter(([, lines]) => new Set(lines.map((l) => `${l.attrs.stroke} ${dash(l)}`)).size > 1).map(([p]) => p);
  const grid = new Set(several.map((p) => Math.round(origins.get(p)?.[0] ?? 0))).size > 1;
  for (const p of several) {
    const own = legendPanels.includes(p);
    const shared = (several.length === 1 || grid) && legendPanels.some((l) => /role-frame/.test(l));
    if (!own && !shared) out.push({ kind: "no-legend", detail: `the ${byPanel.get(p)!.length} lines of ${p} have no legend of their own` });
  }
  // Legend entries: every symbol of one legend differs from the others.
  const legends = new Map<number, PathItem[]>();
  for (const p of paths) if (/role-legend-symbol/.test(p.mark)) (legends.get(p.legend) ?? legends.set(p.legend, []).get(p.legend)!).push(p);
  for (const symbols of legends.values()) {
    const keys = symbols.map((p) => {
      const shape = (p.attrs.d ?? "").replace(/-?\d*\.?\d+(?:e-?\d+)?/g, "#");
      return `fill ${p.attrs.fill ?? "none"}, stroke ${p.attrs.stroke ?? "none"}, dash ${dash(p) ?? "solid"}, shape ${shape}`;
    });
    keys.forEach((k, i) => {
      if (keys.indexOf(k) !== i) out.push({ kind: "look-alike", detail: `two legend entries with ${k}` });
    });
  }
  return out;
}

/** A path's dash pattern, or undefined if it is solid (none, or no gaps: "1,0"). */
function dash(p: PathItem): string | undefined {
  const d = p.attrs["stroke-dasharray"];
  if (!d) return undefined;
  const v = d.split(/[\s,]+/).map(Number);
  return v.some((x, i) => i % 2 === 1 && x > 0) ? v.join(",") : undefined;
}

/** The share of b's vertices that lie (within 0.75 px) on a vertex of a. */
function overlap(a: PathItem, b: PathItem): number {
  if (!b.points.length || !a.points.length) return 0;
  const key = (p: [number, number]) => `${Math.round(p[0] / 1.5)},${Math.round(p[1] / 1.5)}`;
  const set = new Set(a.points.map(key));
  return b.points.filter((p) => set.has(key(p))).length / b.points.length;
}

/** The problems of an HTML page: each SVG's, and a page heading repeated as a plot's title. */
export function pageProblems(html: string): LayoutProblem[] {
  const svgs = html.match(/<svg [\s\S]*?<\/svg>/g) ?? [];
  const out = svgs.flatMap((s) => layoutProblems(s));
  const headings = [...html.matchAll(/<h[12]>([\s\S]*?)<\/h[12]>/g)].map((m) => unescape(m[1]!));
  for (const s of svgs)
    for (const t of walk(s).texts)
      if (/role-title-(text|subtitle)$/.test(t.role) && headings.includes(t.text))
        out.push({ kind: "duplicate-title", detail: `"${t.text}": the page's heading and the plot's title` });
  return out;
}

/** The visible tick labels of every axis, in order: "x" if they share a baseline, else "y". */
export function axisLabels(svg: string): { orient: "x" | "y"; labels: string[] }[] {
  const groups = new Map<number, TextItem[]>();
  for (const t of walk(svg).texts) if (t.role === "role-axis-label") (groups.get(t.group) ?? groups.set(t.group, []).get(t.group)!).push(t);
  return [...groups.values()].map((ts) => {
    const ys = ts.map((t) => Math.round(t.box[0]![1]));
    return { orient: ys.every((y) => y === ys[0]) && ts.length > 1 ? "x" : "y", labels: ts.map((t) => t.text) };
  });
}
