// The learning curve of a training run (paper Fig. 6, top rows): the error E(t) (paper eq. 17)
// and, for classification, the accuracy A(t) (D.4) of the training and the validation set at
// every evaluation, against the simulation time t or the iteration. Pure: history in, vega-lite
// spec out (render it with renderSvg).
//
//   historySpec([{ iteration: 0, time: 0, trainError: 0.31, trainAccuracy: 0.5 }, …], { logError: true })

import type { Evaluation } from "../train/trainer.js";
import { BASE_CONFIG, logAxis, round, seriesChannels, type Channel, type NonNormalizedSpec, type TopLevelSpec } from "./render.js";

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
  for (const set of ["train", "validation"] as const)
    for (const e of history) {
      const x = byTime ? e.time : e.iteration;
      const add = (metric: "error" | "accuracy", v: number | undefined) => {
        if (v !== undefined && Number.isFinite(v) && (metric === "accuracy" || !opts.logError || v > 0))
          rows.push({ x: round(x, 10), metric, set, value: round(v) });
      };
      add("error", set === "train" ? e.trainError : e.validationError);
      add("accuracy", set === "train" ? e.trainAccuracy : e.validationAccuracy);
    }
  const sets = (["train", "validation"] as const).filter((s) => rows.some((r) => r.set === s));
  const hasAccuracy = rows.some((r) => r.metric === "accuracy");
  const xTitle = byTime ? "time t (a.u.)" : "iteration";
  const width = opts.width ?? 520;
  const height = opts.height ?? (hasAccuracy ? 200 : 260);
  // Train solid, validation dashed (drawn over it: where they coincide both stay visible); a
  // legend on each panel.
  const { color, strokeDash } = seriesChannels("set", sets, { colors: sets.map((s) => SET_COLORS[s]) });
  // Points on the lines when there are few evaluations (a single one would draw no line).
  const points = history.length <= 40;
  // The x axis is titled once, under the bottom panel.
  const x = (titled: boolean): Channel<"x"> => ({ field: "x", type: "quantitative", title: titled ? xTitle : null, scale: { zero: false, nice: false } });
  const log = opts.logError ? logAxis(rows.filter((r) => r.metric === "error").map((r) => r.value)) : undefined;
  const errorPanel: NonNormalizedSpec = {
    width,
    height,
    transform: [{ filter: "datum.metric === 'error'" }],
    mark: { type: "line", point: points, strokeWidth: 1.5 },
    encoding: {
      x: x(!hasAccuracy),
      y: { field: "value", type: "quantitative", title: "error E(t)", scale: log ? log.scale : { zero: true }, ...(log ? { axis: log.axis } : {}) },
      color,
      strokeDash,
    },
  };
  const accuracyPanel: NonNormalizedSpec = {
    width,
    height: Math.round(height * 0.7),
    transform: [{ filter: "datum.metric === 'accuracy'" }],
    mark: { type: "line", point: points, strokeWidth: 1.5, interpolate: "step-after" },
    encoding: {
      x: x(true),
      y: { field: "value", type: "quantitative", title: "accuracy A(t)", scale: { domain: [0, 1] }, axis: { format: "%" } },
      color,
      strokeDash,
    },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: BASE_CONFIG,
    ...(opts.title ? { title: opts.title } : {}),
    data: { values: rows },
    vconcat: hasAccuracy ? [errorPanel, accuracyPanel] : [errorPanel],
    resolve: { legend: { color: "independent", strokeDash: "independent" } },
  };
}
