// Species trajectories of a run (`crnnc sim --trace`, paper Fig. 7 middle): one line per species,
// concentration against the simulation time t or the iteration (t / T). A weight or bias is a
// pair of rails W.p, W.m that both climb during training (to ≈ 95 in a long XOR run, burying
// an output that stays in [0, 1]); with both rails traced, the net view draws the weight itself,
// w = W.p − W.m, in a panel of its own; the rails view draws the rails, `both` both. Each
// panel has its own y scale and legend. A trace records every accepted integrator step (≈ 50
// per period, so millions of points in a long run); each series is thinned to at most
// `maxPoints` points by keeping, per time bucket, the first, minimum, maximum and last value,
// so spikes and the envelope survive. Pure: trace in, vega-lite spec out.
//
//   traceSpec({ species: ["Y_0", "W1_0_0_p", "W1_0_0_m"], t: [0, 0.1, …], values: [[0, 1, 0], …] },
//             { pairs: [{ name: "W1_0_0", p: "W1_0_0_p", m: "W1_0_0_m" }], view: "net" })

import { BASE_CONFIG, logAxis, round, seriesChannels, type Channel, type NonNormalizedSpec, type TopLevelSpec } from "./render.js";

export interface Trace {
  species: string[];
  t: number[];
  /** values[k][i]: species i at time t[k]. */
  values: number[][];
}

/** The two rails of a dual-railed value (a weight or bias): its value is p − m. */
export interface RailPair {
  name: string;
  p: string;
  m: string;
  /** Default: a bias if the name starts with B, else a weight. */
  kind?: "weight" | "bias";
}

/** How the traced rails of a weight or bias are drawn: the net value p − m, the rails, or both. */
export type TraceView = "net" | "rails" | "both";

export interface TracePlotOptions {
  /** Points per series after thinning (default 1500). */
  maxPoints?: number;
  /** Log scale for the concentrations and rails (not the net weights, which change sign). */
  logY?: boolean;
  /** Rail pairs among the traced species (default: every X_p, X_m pair of W… and B… species). */
  pairs?: readonly RailPair[];
  /** Pairs with both rails traced as net values (default), as rails, or both. */
  view?: TraceView;
  /** x axis: the simulation time t (default) or the iteration t / period. */
  x?: "time" | "iteration";
  /** The period T of an iteration (needed for the iteration axis). */
  period?: number;
  title?: string;
  width?: number;
  height?: number;
}

/** Rail pairs read off the species names: W…_p with W…_m, B…_p with B…_m (crnnc's names for weights and biases). */
export function railPairsByName(species: readonly string[]): RailPair[] {
  const out: RailPair[] = [];
  for (const p of species) {
    const m = /^([WB]\w*)_p$/.exec(p);
    if (m && species.includes(`${m[1]}_m`)) out.push({ name: m[1]!, p, m: `${m[1]}_m` });
  }
  return out;
}

export function traceSpec(trace: Trace, opts: TracePlotOptions = {}): TopLevelSpec {
  const view = opts.view ?? "net";
  const byTime = (opts.x ?? "time") === "time";
  if (!byTime && !(opts.period !== undefined && opts.period > 0)) throw new RangeError("a trace against iterations needs the period T");
  const index = new Map(trace.species.map((s, i) => [s, i]));
  const pairs = (opts.pairs ?? railPairsByName(trace.species)).filter((p) => index.has(p.p) && index.has(p.m));
  const inPair = new Set(pairs.flatMap((p) => [p.p, p.m]));
  const maxPoints = opts.maxPoints ?? 1500;
  const xOf = (k: number) => round(byTime ? trace.t[k]! : trace.t[k]! / opts.period!, 10);

  type Row = { x: number; panel: string; series: string; value: number };
  const panels: { key: string; title: string; legend: string; series: string[]; log: boolean }[] = [];
  const rows: Row[] = [];
  const addSeries = (panel: string, series: string, value: (k: number) => number, log: boolean) => {
    for (const k of thin(trace.t, value, maxPoints)) {
      const v = value(k);
      if (Number.isFinite(v) && (!log || v > 0)) rows.push({ x: xOf(k), panel, series, value: round(v) });
    }
  };
  const at = (name: string) => (k: number) => trace.values[k]![index.get(name)!]!;
  const others = trace.species.filter((s) => !inPair.has(s));
  if (others.length) {
    panels.push({ key: "species", title: "concentration (a.u.)", legend: "species", series: others, log: !!opts.logY });
    for (const s of others) addSeries("species", s, at(s), !!opts.logY);
  }
  if (pairs.length && view !== "rails") {
    const kinds = new Set(pairs.map((p) => p.kind ?? (p.name.startsWith("B") ? "bias" : "weight")));
    const title = kinds.size > 1 ? "net value p − m (a.u.)" : kinds.has("bias") ? "net bias b = B.p − B.m (a.u.)" : "net weight w = W.p − W.m (a.u.)";
    panels.push({ key: "net", title, legend: [...kinds].join(", "), series: pairs.map((p) => p.name), log: false });
    for (const p of pairs) {
      const [a, b] = [at(p.p), at(p.m)];
      addSeries("net", p.name, (k) => a(k) - b(k), false);
    }
  }
  if (pairs.length && view !== "net") {
    const rails = pairs.flatMap((p) => [p.p, p.m]);
    panels.push({ key: "rails", title: "rail concentration (a.u.)", legend: "rail", series: rails, log: !!opts.logY });
    for (const s of rails) addSeries("rails", s, at(s), !!opts.logY);
  }
  const width = opts.width ?? 520;
  const height = opts.height ?? (panels.length > 1 ? 200 : 260);
  const xTitle = byTime ? "time t (a.u.)" : "iteration";
  const panelSpec = (p: (typeof panels)[number], last: boolean): NonNormalizedSpec => {
    const { color, strokeDash } = seriesChannels("series", p.series, { title: p.legend });
    const log = p.log ? logAxis(rows.filter((r) => r.panel === p.key).map((r) => r.value)) : undefined;
    const x: Channel<"x"> = { field: "x", type: "quantitative", title: last ? xTitle : null, scale: { zero: false, nice: false } };
    return {
      width,
      height,
      transform: [{ filter: { field: "panel", equal: p.key } }],
      mark: { type: "line", strokeWidth: 1.2 },
      encoding: {
        x,
        y: { field: "value", type: "quantitative", title: p.title, scale: log ? log.scale : { zero: p.key !== "net" }, ...(log ? { axis: log.axis } : {}) },
        color,
        strokeDash,
      },
    };
  };
  const specs = panels.map((p, i) => panelSpec(p, i === panels.length - 1));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: BASE_CONFIG,
    ...(opts.title ? { title: opts.title } : {}),
    data: { values: rows },
    ...(specs.length === 1
      ? specs[0]!
      : {
          vconcat: specs,
          resolve: {
            scale: { color: "independent", strokeDash: "independent", y: "independent" },
            legend: { color: "independent", strokeDash: "independent" },
          },
        }),
  } as TopLevelSpec;
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
