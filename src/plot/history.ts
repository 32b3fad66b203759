// The learning curve of a training run (paper Fig. 6, top rows): the error E(t) (paper eq. 17)
// and, for classification, the accuracy A(t) (D.4) of the training and the validation set at
// every evaluation, against the simulation time t or the iteration. Pure: history in, vega-lite
// spec out (render it with renderSvg).
//
//   historySpec([{ iteration: 0, time: 0, trainError: 0.31, trainAccuracy: 0.5 }, …], { logError: true })

import type { Evaluation } from "../train/trainer.js";
import { BASE_CONFIG, round, type Channel, type NonNormalizedSpec, type TopLevelSpec } from "./render.js";

export interface HistoryPlotOptions {
  /** x axis: the simulation time t (default) or the iteration. */
  x?: "time" | "iteration";
  /** Log scale for the error axis (non-positive errors are left out). */
  logError?: boolean;
  title?: string;
  width?: number;
  height?: number;
}

export const SET_COLORS = { train: "#0072B2", validation: "#D55E00" } as const;

export function historySpec(history: readonly Evaluation[], opts: HistoryPlotOptions = {}): TopLevelSpec {
  const byTime = (opts.x ?? "time") === "time";
  const rows: { x: number; metric: "error" | "accuracy"; set: "train" | "validation"; value: number }[] = [];
  for (const e of history) {
    const x = byTime ? e.time : e.iteration;
    const add = (metric: "error" | "accuracy", set: "train" | "validation", v: number | undefined) => {
      if (v !== undefined && Number.isFinite(v)) rows.push({ x: round(x, 10), metric, set, value: round(v) });
    };
    add("error", "train", e.trainError);
    add("error", "validation", e.validationError);
    add("accuracy", "train", e.trainAccuracy);
    add("accuracy", "validation", e.validationAccuracy);
  }
  const sets = (["train", "validation"] as const).filter((s) => rows.some((r) => r.set === s));
  const hasAccuracy = rows.some((r) => r.metric === "accuracy");
  const xTitle = byTime ? "time t (a.u.)" : "iteration";
  const width = opts.width ?? 520;
  const height = opts.height ?? (hasAccuracy ? 200 : 260);
  const color: Channel<"color"> = {
    field: "set",
    type: "nominal",
    title: null,
    scale: { domain: sets, range: sets.map((s) => SET_COLORS[s]) },
    legend: { orient: "top-right", title: null },
  };
  // Points on the lines when there are few evaluations (a single one would draw no line).
  const points = history.length <= 40;
  const x: Channel<"x"> = { field: "x", type: "quantitative", title: xTitle, scale: { zero: false, nice: false } };
  const errorPanel: NonNormalizedSpec = {
    width,
    height,
    transform: [{ filter: opts.logError ? "datum.metric === 'error' && datum.value > 0" : "datum.metric === 'error'" }],
    mark: { type: "line", point: points, strokeWidth: 1.5 },
    encoding: {
      x,
      y: { field: "value", type: "quantitative", title: "error E(t)", scale: opts.logError ? { type: "log" } : { zero: true } },
      color,
    },
  };
  const accuracyPanel: NonNormalizedSpec = {
    width,
    height: Math.round(height * 0.7),
    transform: [{ filter: "datum.metric === 'accuracy'" }],
    mark: { type: "line", point: points, strokeWidth: 1.5, interpolate: "step-after" },
    encoding: {
      x,
      y: { field: "value", type: "quantitative", title: "accuracy A(t)", scale: { domain: [0, 1] }, axis: { format: "%" } },
      color,
    },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: BASE_CONFIG,
    ...(opts.title ? { title: opts.title } : {}),
    data: { values: rows },
    vconcat: hasAccuracy ? [errorPanel, accuracyPanel] : [errorPanel],
  };
}
