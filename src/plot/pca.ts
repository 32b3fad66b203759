// Classification on a PCA plane (paper Fig. 6C): the inputs projected onto their first two
// principal components, each point coloured by the class the trained network predicts and
// drawn with the shape of its true class, so a misclassified sample is a shape in the wrong
// colour. `pca` is a small deterministic principal component analysis — power iteration on
// the covariance matrix with deflation, a fixed start vector and a sign convention (largest
// entry of each component positive) — enough for 64 features and no dependency.
//
//   const p = pca(samples.map((s) => s.x), 2);   p.scores[i] → [pc1, pc2];  p.explained → [0.31, 0.12]
//   pcaSpec(p.scores.map(([x, y], i) => ({ x, y, predicted: "1", truth: "1" })), { explained: p.explained })

import { BASE_CONFIG, round, type TopLevelSpec } from "./render.js";

export interface Pca {
  /** Mean of each feature. */
  mean: Float64Array;
  /** Unit principal axes, largest variance first. */
  components: Float64Array[];
  /** Variance along each component (eigenvalue of the covariance). */
  variances: number[];
  /** Fraction of the total variance along each component. */
  explained: number[];
  /** Coordinates of every row on the components. */
  scores: number[][];
}

/** The first `k` principal components of the rows (all of the same length). */
export function pca(rows: readonly ArrayLike<number>[], k = 2, opts: { maxIterations?: number; tol?: number } = {}): Pca {
  const n = rows.length;
  const d = n ? rows[0]!.length : 0;
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j]! += r[j]! / n;
  // Covariance, d × d row-major.
  const c = new Float64Array(d * d);
  const v = new Float64Array(d);
  for (const r of rows) {
    for (let j = 0; j < d; j++) v[j] = r[j]! - mean[j]!;
    for (let a = 0; a < d; a++) {
      const va = v[a]!;
      if (va === 0) continue;
      for (let b = a; b < d; b++) c[a * d + b]! += va * v[b]!;
    }
  }
  const denom = Math.max(1, n - 1);
  for (let a = 0; a < d; a++)
    for (let b = a; b < d; b++) {
      c[a * d + b]! /= denom;
      c[b * d + a] = c[a * d + b]!;
    }
  let total = 0;
  for (let a = 0; a < d; a++) total += c[a * d + a]!;
  const components: Float64Array[] = [];
  const variances: number[] = [];
  const maxIt = opts.maxIterations ?? 10_000;
  const tol = opts.tol ?? 1e-13;
  for (let q = 0; q < Math.min(k, d); q++) {
    // A fixed start vector that is unlikely to be orthogonal to any component.
    let x = Float64Array.from({ length: d }, (_, j) => 1 + 0.5 * Math.sin(1.7 * j + 0.3 * q + 1));
    orthogonalise(x, components);
    normalise(x);
    let lambda = 0;
    for (let it = 0; it < maxIt; it++) {
      const y = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += c[a * d + b]! * x[b]!;
        y[a] = s;
      }
      orthogonalise(y, components); // keeps rounding from pulling it back to earlier components
      const norm = Math.hypot(...y);
      if (!(norm > 1e-300)) {
        lambda = 0;
        break;
      }
      for (let a = 0; a < d; a++) y[a]! /= norm;
      let diff = 0;
      for (let a = 0; a < d; a++) diff = Math.max(diff, Math.abs(y[a]! - x[a]!));
      x = y;
      lambda = norm;
      if (diff < tol) break;
    }
    // Sign: the entry of largest magnitude is positive.
    let big = 0;
    for (let a = 1; a < d; a++) if (Math.abs(x[a]!) > Math.abs(x[big]!) + 1e-12) big = a;
    if (x[big]! < 0) for (let a = 0; a < d; a++) x[a] = -x[a]!;
    // Deflate.
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) c[a * d + b]! -= lambda * x[a]! * x[b]!;
    components.push(x);
    variances.push(lambda);
  }
  const scores = rows.map((r) => components.map((p) => p.reduce((s, pj, j) => s + pj * (r[j]! - mean[j]!), 0)));
  return { mean, components, variances, explained: variances.map((l) => (total > 0 ? l / total : 0)), scores };
}

function orthogonalise(x: Float64Array, basis: readonly Float64Array[]): void {
  for (const p of basis) {
    let dot = 0;
    for (let j = 0; j < x.length; j++) dot += x[j]! * p[j]!;
    for (let j = 0; j < x.length; j++) x[j]! -= dot * p[j]!;
  }
}

function normalise(x: Float64Array): void {
  const n = Math.hypot(...x) || 1;
  for (let j = 0; j < x.length; j++) x[j]! /= n;
}

export interface ClassPoint {
  x: number;
  y: number;
  /** Class the network predicts. */
  predicted: string;
  /** The sample's true class. */
  truth: string;
}

export interface PcaPlotOptions {
  /** Class names in legend order (default: as they first appear). */
  classes?: string[];
  /** Fractions of variance of the two components, shown in the axis titles. */
  explained?: number[];
  title?: string;
  width?: number;
  height?: number;
}

export function pcaSpec(points: readonly ClassPoint[], opts: PcaPlotOptions = {}): TopLevelSpec {
  const classes = opts.classes ?? [...new Set(points.flatMap((p) => [p.truth, p.predicted]))];
  const axis = (i: number) =>
    `principal component ${i + 1}${opts.explained?.[i] !== undefined ? ` (${(opts.explained[i]! * 100).toFixed(1)}% of variance)` : ""}`;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: BASE_CONFIG,
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 480,
    height: opts.height ?? 400,
    data: { values: points.map((p) => ({ x: round(p.x), y: round(p.y), predicted: p.predicted, truth: p.truth })) },
    mark: { type: "point", size: 28, opacity: 0.75, strokeWidth: 1.2 },
    encoding: {
      x: { field: "x", type: "quantitative", title: axis(0), scale: { zero: false } },
      y: { field: "y", type: "quantitative", title: axis(1), scale: { zero: false } },
      color: { field: "predicted", type: "nominal", title: "predicted class", scale: { domain: classes } },
      shape: { field: "truth", type: "nominal", title: "true class", scale: { domain: classes } },
    },
  };
}
