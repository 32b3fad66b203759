// Plots and reports: each plot kind is a pure function from data to a vega-lite spec, rendered
// to SVG in Node by renderSvg (vega, no browser, no canvas; same spec ⇒ same bytes); the HTML
// reports put those SVGs into one self-contained page. docs/plots.md describes the kinds.
//
//   import { historySpec, renderSvg, trainReport, sensitivityReport } from "./plot/index.js";
//   const svg = await renderSvg(historySpec(run.history, { logError: true }));

export { renderSvg, normaliseIds, logTicks, PALETTE, DASHES, SHAPES, type TopLevelSpec, type RenderOptions } from "./render.js";
export { textWidth } from "./text-width.js";
export { historySpec, type HistoryPlotOptions } from "./history.js";
export { traceSpec, thin, railPairsByName, type Trace, type TracePlotOptions, type RailPair, type TraceView } from "./trace.js";
export { sensitivitySpec, sensitivitySvg, sensitivityReport, type SensitivityRow, type SensitivityOptions } from "./sensitivity.js";
export { pca, pcaSpec, type Pca, type ClassPoint, type PcaPlotOptions } from "./pca.js";
export { pairsSpec, type PairsSample, type PairsPlotOptions } from "./pairs.js";
export { trainReport, type ReportOptions } from "./report.js";
export { ensembleSpec, ensembleReport, type EnsembleData, type EnsemblePlotOptions, type EnsembleReportInfo } from "./ensemble.js";
export { escapeHtml, htmlPage, table, section, figure } from "./html.js";
