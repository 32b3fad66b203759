// Pair plot of a classification (paper Fig. 6B, D.2; the generalised pairs plot of Emerson et al.
// 2013): a grid with one row and one column per input feature. Off the diagonal, feature j (x)
// against feature i (y) for every sample, coloured by the class the trained network predicts,
// shaped by the true class; on the diagonal, feature j's distribution per predicted class as a
// density (kernel density estimate). Pure: samples in, vega-lite spec out.
//
//   pairsSpec([{ features: [0.64, 0.80, 0.20, 0.08], predicted: "setosa", truth: "setosa" }, …],
//             { features: ["sepal length", "sepal width", "petal length", "petal width"] })

import { BASE_CONFIG, round, type Channel, type NonNormalizedSpec, type TopLevelSpec } from "./render.js";

export interface PairsSample {
  features: ArrayLike<number>;
  predicted: string;
  truth: string;
}

export interface PairsPlotOptions {
  /** Feature names, one per column (default x1, x2, …). */
  features?: string[];
  /** Class names in legend order (default: as they first appear). */
  classes?: string[];
  /** Side of one cell in pixels (default from the number of features). */
  cell?: number;
  title?: string;
}

export function pairsSpec(samples: readonly PairsSample[], opts: PairsPlotOptions = {}): TopLevelSpec {
  const d = samples.length ? samples[0]!.features.length : (opts.features?.length ?? 0);
  const names = Array.from({ length: d }, (_, j) => opts.features?.[j] ?? `x${j + 1}`);
  const classes = opts.classes ?? [...new Set(samples.flatMap((s) => [s.truth, s.predicted]))];
  const field = (j: number) => `f${j}`;
  const values = samples.map((s) => {
    const row: Record<string, number | string> = { predicted: s.predicted, truth: s.truth };
    for (let j = 0; j < d; j++) row[field(j)] = round(s.features[j]!);
    return row;
  });
  const extent = names.map((_, j) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of samples) {
      lo = Math.min(lo, s.features[j]!);
      hi = Math.max(hi, s.features[j]!);
    }
    if (!(lo < hi)) [lo, hi] = [Number.isFinite(lo) ? lo - 0.5 : 0, Number.isFinite(hi) ? hi + 0.5 : 1];
    const pad = (hi - lo) * 0.05;
    return [round(lo - pad), round(hi + pad)] as [number, number];
  });
  const size = opts.cell ?? Math.max(90, Math.min(150, Math.floor(600 / Math.max(1, d))));
  const color: Channel<"color"> = { field: "predicted", type: "nominal", title: "predicted class", scale: { domain: classes } };
  const xEnc = (j: number, bottom: boolean): Channel<"x"> => ({
    field: field(j),
    type: "quantitative",
    scale: { domain: extent[j] },
    axis: { title: bottom ? names[j] : null, labels: bottom, tickCount: 4 },
  });
  const cell = (i: number, j: number): NonNormalizedSpec => {
    const bottom = i === d - 1;
    const left = j === 0;
    if (i === j)
      return {
        width: size,
        height: size,
        transform: [{ density: field(j), groupby: ["predicted"], extent: extent[j], steps: 80, as: [field(j), "density"] }],
        mark: { type: "area", opacity: 0.4, line: { strokeWidth: 1 }, clip: true },
        encoding: {
          x: xEnc(j, bottom),
          y: {
            field: "density",
            type: "quantitative",
            stack: null,
            axis: { title: left ? `${names[i]} (density)` : null, labels: false, ticks: false, grid: false },
          },
          color,
        },
      };
    return {
      width: size,
      height: size,
      mark: { type: "point", size: 14, opacity: 0.7, strokeWidth: 1 },
      encoding: {
        x: xEnc(j, bottom),
        y: { field: field(i), type: "quantitative", scale: { domain: extent[i] }, axis: { title: left ? names[i] : null, labels: left, tickCount: 4 } },
        color,
        shape: { field: "truth", type: "nominal", title: "true class", scale: { domain: classes } },
      },
    };
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { ...BASE_CONFIG, concat: { spacing: 6 } },
    ...(opts.title ? { title: opts.title } : {}),
    data: { values },
    vconcat: names.map((_, i) => ({ hconcat: names.map((_, j) => cell(i, j)) })),
    resolve: { scale: { color: "shared", shape: "shared" }, legend: { color: "shared", shape: "shared" } },
  };
}
