// Species trajectories of a run (`crnnc sim --trace`, paper Fig. 7 middle): one line per species,
// concentration against the simulation time t. A trace records every accepted integrator step
// (≈ 50 per period, so millions of points in a long run); each species is thinned to at most
// `maxPoints` points by keeping, per time bucket, the first, minimum, maximum and last value,
// so spikes and the envelope survive. Pure: trace in, vega-lite spec out.
//
//   traceSpec({ species: ["Y_0"], t: [0, 0.1, …], values: [[0], [0.02], …] }, { logY: false })

import { BASE_CONFIG, round, type TopLevelSpec } from "./render.js";

export interface Trace {
  species: string[];
  t: number[];
  /** values[k][i]: species i at time t[k]. */
  values: number[][];
}

export interface TracePlotOptions {
  /** Points per species after thinning (default 1500). */
  maxPoints?: number;
  logY?: boolean;
  title?: string;
  width?: number;
  height?: number;
}

export function traceSpec(trace: Trace, opts: TracePlotOptions = {}): TopLevelSpec {
  const rows: { t: number; species: string; value: number }[] = [];
  trace.species.forEach((name, i) => {
    for (const k of thin(trace.t, (k) => trace.values[k]![i]!, opts.maxPoints ?? 1500)) {
      const v = trace.values[k]![i]!;
      if (Number.isFinite(v) && (!opts.logY || v > 0)) rows.push({ t: round(trace.t[k]!, 10), species: name, value: round(v) });
    }
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: BASE_CONFIG,
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 520,
    height: opts.height ?? 260,
    data: { values: rows },
    mark: { type: "line", strokeWidth: 1.2 },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time t (a.u.)", scale: { zero: false, nice: false } },
      y: { field: "value", type: "quantitative", title: "concentration (a.u.)", scale: opts.logY ? { type: "log" } : { zero: true } },
      color: { field: "species", type: "nominal", title: "species", sort: trace.species, legend: { orient: "right" } },
    },
  };
}

/**
 * Indices of at most ≈ `max` samples of a series: per bucket of consecutive samples, the
 * first, the minimum, the maximum and the last, in time order. All indices if it fits.
 */
export function thin(t: readonly number[], value: (k: number) => number, max: number): number[] {
  const n = t.length;
  if (n <= max) return Array.from({ length: n }, (_, k) => k);
  const buckets = Math.max(1, Math.floor(max / 4));
  const out: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const a = Math.floor((b * n) / buckets);
    const e = Math.floor(((b + 1) * n) / buckets);
    if (e <= a) continue;
    let lo = a;
    let hi = a;
    for (let k = a + 1; k < e; k++) {
      if (value(k) < value(lo)) lo = k;
      if (value(k) > value(hi)) hi = k;
    }
    for (const k of [...new Set([a, lo, hi, e - 1])].sort((x, y) => x - y)) out.push(k);
  }
  return out;
}
