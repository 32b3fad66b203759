// Small SVG line plots for the live views (E(t), A(t), the traced species): drawn as the run
// streams its points, with no library; the exported figures are the library's vega-lite plots.
//
//   linePlot([{ name: "train E", color: "#c53030", points: [[0, 0.3], [300, 0.2]] }], { logY: true })

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  logY?: boolean;
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(+v.toPrecision(12));
  return out;
}

const fmt = (v: number) => (Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(0) : String(+v.toPrecision(4)));

export function linePlot(series: readonly Series[], o: PlotOptions = {}): string {
  const W = o.width ?? 520;
  const H = o.height ?? 220;
  const m = { l: 56, r: 12, t: o.title ? 24 : 10, b: 34 };
  const pts = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!o.logY || y > 0));
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => (o.logY ? Math.log10(p[1]) : p[1]));
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = xs.length ? Math.max(...xs) : 1;
  let y0 = o.yMin ?? (ys.length ? Math.min(...ys) : 0);
  let y1 = o.yMax ?? (ys.length ? Math.max(...ys) : 1);
  if (o.logY) {
    y0 = Math.floor(y0);
    y1 = Math.max(Math.ceil(y1), y0 + 1);
  }
  if (y1 <= y0) y1 = y0 + 1;
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0 || 1)) * (W - m.l - m.r);
  const sy = (y: number) => H - m.b - (((o.logY ? Math.log10(y) : y) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="10">`];
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (o.title) out.push(`<text x="${m.l}" y="14" font-size="12" font-weight="bold">${esc(o.title)}</text>`);
  const yt = o.logY ? Array.from({ length: y1 - y0 + 1 }, (_, i) => 10 ** (y0 + i)) : ticks(y0, y1);
  for (const v of yt) {
    const y = sy(v);
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#eee"/><text x="${m.l - 4}" y="${y + 3}" text-anchor="end">${fmt(v)}</text>`);
  }
  for (const v of ticks(x0, x1)) {
    const x = sx(v);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${m.t}" y2="${H - m.b}" stroke="#f3f3f3"/><text x="${x}" y="${H - m.b + 13}" text-anchor="middle">${fmt(v)}</text>`,
    );
  }
  out.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`);
  if (o.xLabel) out.push(`<text x="${(W + m.l) / 2}" y="${H - 4}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  if (o.yLabel) out.push(`<text transform="translate(12 ${(H - m.b + m.t) / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  series.forEach((s, i) => {
    const p = s.points.filter(([, y]) => Number.isFinite(y) && (!o.logY || y > 0));
    if (p.length)
      out.push(
        `<polyline class="series" data-name="${esc(s.name)}" fill="none" stroke="${s.color}" stroke-width="1.5" points="${p.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ")}"/>`,
      );
    out.push(`<text x="${W - m.r - 4}" y="${m.t + 12 + i * 12}" text-anchor="end" fill="${s.color}">${esc(s.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("");
}
