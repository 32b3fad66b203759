// An ensemble of stochastic runs (`crnnc sim --method ssa --runs N --report OUT.html`): per
// species, the mean over the runs as a line, a band of ± one standard deviation around it, and
// a few sample paths as thin lines, so the spread and what single runs look like are seen
// together. Species are drawn in colour and dash as everywhere (seriesChannels); the report is
// one self-contained page.
//
//   await renderSvg(ensembleSpec({ ids: ["X"], t, runs: 1000, mean, sd, paths }))

import { BASE_CONFIG, renderSvg, round, seriesChannels, type TopLevelSpec } from "./render.js";
import { figure, htmlPage, section, table } from "./html.js";

export interface EnsembleData {
  ids: string[];
  t: number[];
  runs: number;
  /** mean[i][j], sd[i][j]: id j at t[i]. */
  mean: Float64Array[];
  sd: Float64Array[];
  /** paths[k][i][j]: run k's id j at t[i]. */
  paths: Float64Array[][];
}

export interface EnsemblePlotOptions {
  /** The ids to draw (default: the first 6). */
  ids?: string[];
  /** Sample paths per species (default 3). */
  paths?: number;
  title?: string;
  /** The y axis' title (default "concentration (a.u.)"). */
  yTitle?: string;
  width?: number;
  height?: number;
}

/** At most this many species by default: more bands than this are unreadable. */
const DEFAULT_SPECIES = 6;

export function ensembleSpec(e: EnsembleData, opts: EnsemblePlotOptions = {}): TopLevelSpec {
  const ids = opts.ids ?? e.ids.slice(0, DEFAULT_SPECIES);
  for (const id of ids) if (!e.ids.includes(id)) throw new RangeError(`the ensemble has no species \`${id}\``);
  const col = (id: string) => e.ids.indexOf(id);
  const bands = e.t.flatMap((t, i) =>
    ids.map((id) => {
      const m = e.mean[i]![col(id)]!;
      const s = e.sd[i]![col(id)]!;
      return { t: round(t, 10), species: id, mean: round(m), lo: round(m - s), hi: round(m + s) };
    }),
  );
  const nPaths = Math.min(opts.paths ?? 3, e.paths.length);
  const paths = e.paths
    .slice(0, nPaths)
    .flatMap((p, k) => e.t.flatMap((t, i) => ids.map((id) => ({ t: round(t, 10), species: id, run: `run ${k + 1}`, value: round(p[i]![col(id)]!) }))));
  const { color, strokeDash } = seriesChannels("species", ids, { title: "species (mean, ± sd band, sample runs)" });
  const x = { field: "t", type: "quantitative" as const, title: "time t (a.u.)", scale: { zero: false, nice: false } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: BASE_CONFIG,
    ...(opts.title ? { title: opts.title } : {}),
    width: opts.width ?? 520,
    height: opts.height ?? 300,
    layer: [
      {
        data: { values: bands },
        mark: { type: "area", opacity: 0.18 },
        encoding: { x, y: { field: "lo", type: "quantitative", title: opts.yTitle ?? "concentration (a.u.)" }, y2: { field: "hi" }, color },
      },
      {
        data: { values: paths },
        mark: { type: "line", strokeWidth: 0.6, opacity: 0.5 },
        encoding: { x, y: { field: "value", type: "quantitative" }, color, detail: { field: "run" } },
      },
      {
        data: { values: bands },
        mark: { type: "line", strokeWidth: 1.8 },
        encoding: { x, y: { field: "mean", type: "quantitative" }, color, strokeDash },
      },
    ],
  } as TopLevelSpec;
}

export interface EnsembleReportInfo {
  file: string;
  method: string;
  volume?: number;
  seed: number;
  events: number;
}

/** The ensemble's page: its settings, the bands plot, the final means and sds. */
export async function ensembleReport(e: EnsembleData, info: EnsembleReportInfo, opts: EnsemblePlotOptions = {}): Promise<string> {
  const ids = opts.ids ?? e.ids.slice(0, DEFAULT_SPECIES);
  const svg = await renderSvg(ensembleSpec(e, { ...opts, ids }), { idPrefix: "ens" });
  const last = e.t.length - 1;
  const settings = [
    ["file", info.file],
    ["method", info.method],
    ...(info.volume !== undefined ? [["Ω (molecules per unit concentration)", String(info.volume)]] : []),
    ["runs", String(e.runs)],
    ["seed", String(info.seed)],
    ["reaction events (all runs)", String(info.events)],
  ];
  const rows = ids.map((id) => {
    const j = e.ids.indexOf(id);
    return [id, e.mean[last]![j]!.toPrecision(6), e.sd[last]![j]!.toPrecision(4)];
  });
  const shown = ids.length < e.ids.length ? ` (${ids.length} of ${e.ids.length} species; --trace picks others)` : "";
  return htmlPage(`${info.file}: ${e.runs} stochastic runs`, [
    section("Settings", table(["setting", "value"], settings)),
    section(
      "Trajectories",
      figure(
        svg,
        `Mean over ${e.runs} runs (thick), ± one standard deviation (band) and ${Math.min(opts.paths ?? 3, e.paths.length)} sample runs (thin)${shown}.`,
      ),
    ),
    section(`At t = ${e.t[last]}`, table(["species", "mean", "sd"], rows)),
  ]);
}
