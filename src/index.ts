/**
 * The crnnc library: everything the `crnnc` command line does, as typed functions —
 * compile and check `.crnn` source, emit the CRN (reactions, JSON, SBML, Antimony), read SBML
 * back, simulate, train (with progress callbacks and an `AbortSignal`), sweep settings over
 * worker threads, and draw plots and reports as SVG and HTML strings. docs/library.md is the
 * guide; docs/api/ the reference generated from these comments.
 *
 * Importing `crnnc` loads the compiler and the engine only: libSBML (WebAssembly), vega and
 * prettier load on the first call that needs them (`emitSbml`/`checkSbml`, the plot functions,
 * `formatText`), so those functions are async.
 *
 * @example
 * ```ts
 * import { compileFile, emitReactions, formatDiagnostics, train } from "crnnc";
 * const r = compileFile("examples/xor.crnn");
 * if (!r.ir) throw new Error(formatDiagnostics(r.diagnostics, { sources: r.sources }));
 * console.log(emitReactions(r.ir));
 * const run = train(r.ir, { iterations: 300, onProgress: (p) => console.log(p.iteration, p.last?.trainError) });
 * ```
 *
 * @packageDocumentation
 */

import { DiagnosticSink, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";
import { parseFile } from "./syntax/parse.js";
import type { FileAst } from "./syntax/ast.js";
import { compile as compileText, compileFile as compilePath, type CompileOptions, type CompileResult } from "./compile.js";
import type { FormatResult } from "./format/format.js";
import type { TopLevelSpec, RenderOptions } from "./plot/render.js";
import type { HistoryPlotOptions } from "./plot/history.js";
import type { Trace, TracePlotOptions, TraceView, RailPair } from "./plot/trace.js";
import type { ClassPoint, PcaPlotOptions } from "./plot/pca.js";
import type { PairsSample, PairsPlotOptions } from "./plot/pairs.js";
import type { SensitivityRow, SensitivityOptions } from "./plot/sensitivity.js";
import type { ReportOptions } from "./plot/report.js";
import type { Evaluation, TrainResult } from "./train/trainer.js";
import type { CRN } from "./ir/types.js";
import type { Dataset } from "./ir/protocol.js";

// ── Compile and check ─────────────────────────────────────────────────────────────────────
export { compile, compileFile, type CompileOptions, type CompileResult } from "./compile.js";
export { formatDiagnostics, formatDiagnostic, type FormatOptions } from "./diagnostics/format.js";
export { codes, type Code } from "./diagnostics/codes.js";
export type { Diagnostic, Severity, Related, Fix } from "./diagnostics/diagnostic.js";
export type * from "./ir/types.js";
export type * as Ast from "./syntax/ast.js";
export { VERSION } from "./version.js";
export { validateIR } from "./ir/validate.js";
export { summarize, feedbackFree, catalysisGraph, type Summary } from "./analysis/summary.js";
export { formatInfo } from "./cli/info.js";
export type { FormatResult } from "./format/format.js";
export type { SourceHost, Program, LoadedFile } from "./load/loader.js";
export type { SettingOverrides } from "./check/overrides.js";
export type { Expr, Num, Neg, Bin, Fn, FnName } from "./ir/expr.js";

// ── Emit ──────────────────────────────────────────────────────────────────────────────────
export { emitReactions, formatReaction } from "./backends/reactions.js";
export { emitJson } from "./backends/json.js";
export { emitSbml, CRNNC_NS } from "./backends/sbml/emit.js";
export { emitAntimony } from "./backends/antimony.js";
export { emitDot, ROLE_COLORS, TAG_COLORS } from "./backends/dot.js";
export { crnGraph, type CrnGraph, type GraphEdge } from "./analysis/graph.js";
export type { SbmlOptions } from "./backends/sbml/model.js";
export { renameDiagnostics } from "./backends/sbml/ids.js";

// ── Read and validate SBML ───────────────────────────────────────────────────────────────
export { readSbml, readSbmlText, type ReadResult } from "./backends/sbml/read.js";
export { checkSbml, type SbmlIssue } from "./backends/sbml/libsbml.js";

// ── Simulate ──────────────────────────────────────────────────────────────────────────────
export { simulate, toSteadyState, makeIntegrator, METHODS, type SimulateOptions, type SolverOptions, type Trajectory } from "./sim/simulate.js";
export {
  simulateSbml,
  simulateModel,
  simulateSbmlEnsemble,
  type SbmlSimOptions,
  type SbmlSimResult,
  type SbmlEnsembleOptions,
  type SbmlEnsembleResult,
} from "./sbml/run.js";
export { runEnsemble, EnsembleModelError, type EnsembleJob, type EnsembleResult } from "./ensemble/run.js";
export { compileModel, setParameters, type CompiledModel, type ModelOptions } from "./sim/model.js";
export type { Integrator, IntegratorSnapshot, StepperStats, EvalKind, SolveKind } from "./sim/rosenbrock.js";
export type { Controller } from "./sim/controller.js";
export { Engine } from "./sim/engine.js";
export { massActionRhs, reactionRate, type Rhs } from "./ir/mass-action.js";
export { withParameters, paramValues, rateConstant, trainParam } from "./ir/parameters.js";

// ── Train ─────────────────────────────────────────────────────────────────────────────────
export { train, trainAsync, protocolFor, historyCsv, type TrainCallOptions } from "./library.js";
export { csvText } from "./util/csv.js";
export {
  trainer,
  prepare,
  chooseReadout,
  runSchedule,
  type TrainOptions,
  type TrainResult,
  type Evaluation,
  type Progress,
  type Prepared,
  type RunSettings,
} from "./train/trainer.js";
export { makeProtocol, sampleSequence, type ProtocolOptions } from "./train/protocol.js";
export type { Protocol, SampleOrder } from "./ir/protocol.js";
export { NetworkLayout } from "./train/readout.js";
export { loadDataset, DatasetError, type Dataset, type Sample } from "./data/datasets.js";
export type { Checkpoint } from "./train/checkpoint.js";
export type { NoiseSnapshot } from "./train/noise.js";

// ── Sweep ─────────────────────────────────────────────────────────────────────────────────
export { sweep, sweepConfig, toAxes, SweepCompileError, type SweepOptions } from "./sweep/api.js";
export { runSweep, readLog, type SweepConfig, type SweepHooks, type SweepOutcome } from "./sweep/sweep.js";
export { parseAxis, expandGrid, SweepUsageError, type Axis, type Point, type Run, type SolverSettings } from "./sweep/grid.js";
export { summaryTable, summaryCsv, METRICS, type SummaryRow, type Stat, type Metric } from "./sweep/summary.js";
export { sourceHash, type RunRecord } from "./sweep/point.js";
export { sweepPlot, type SweepPlot } from "./sweep/plot.js";
export { collectSweep, type CollectOutcome } from "./sweep/collect.js";
export { parseShard, shardPlan, type Shard, type SweepManifest, type ShardStatus } from "./sweep/shard.js";
export { sbatchScript, type SlurmJob, type SlurmOptions } from "./sweep/slurm.js";

// ── The language service (what `crnnc lsp` and the playground ask: diagnostics, hover, definition, rename, …) ──
export { LanguageService } from "./service/service.js";
export type * from "./service/types.js";

// ── Plots and reports (vega loads on the first call) ─────────────────────────────────────
export type {
  TopLevelSpec,
  RenderOptions,
  HistoryPlotOptions,
  Trace,
  TracePlotOptions,
  TraceView,
  RailPair,
  ClassPoint,
  PcaPlotOptions,
  PairsSample,
  PairsPlotOptions,
};
export type { SensitivityRow, SensitivityOptions, ReportOptions };

/** The plot module, loaded once on first use (it loads vega and vega-lite). */
const plots = () => import("./plot/index.js");

/**
 * Render a vega-lite spec to an SVG document, in Node and without a browser: the same spec
 * gives the same bytes, in crnnc's plots' look (fonts, colours) only as far as the spec asks
 * for it. {@link historySvg}, {@link traceSvg} and the other plot functions use it.
 *
 * @example
 * ```ts
 * import { renderSvg } from "crnnc";
 * const svg = await renderSvg({
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
 *   mark: "line",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * ```
 */
export async function renderSvg(spec: TopLevelSpec, opts: RenderOptions = {}): Promise<string> {
  return (await plots()).renderSvg(spec, opts);
}

/**
 * The learning curve of a training run as SVG: train (and validation) error E against
 * simulated time, and the accuracy for a classification dataset.
 *
 * @example
 * ```ts
 * import { compileFile, train, historySvg } from "crnnc";
 * const run = train(compileFile("examples/xor.crnn").ir!, { iterations: 100 });
 * const svg = await historySvg(run.history, { logError: true, title: "XOR" });
 * ```
 */
export async function historySvg(history: readonly Evaluation[], opts: HistoryPlotOptions = {}): Promise<string> {
  const p = await plots();
  return p.renderSvg(p.historySpec(history, opts));
}

/**
 * Traced species concentrations over time as SVG (a run's `trace`, from `train(ir, { trace: [...] })`).
 *
 * @example
 * ```ts
 * import { compileFile, train, traceSvg } from "crnnc";
 * const run = train(compileFile("examples/xor.crnn").ir!, { iterations: 20, trace: ["Y_0"] });
 * const svg = await traceSvg(run.trace!);
 * ```
 */
export async function traceSvg(trace: Trace, opts: TracePlotOptions = {}): Promise<string> {
  const p = await plots();
  return p.renderSvg(p.traceSpec(trace, opts));
}

/**
 * Samples on their first two principal components, coloured by class, as SVG (the run
 * report's view of a many-featured classification, e.g. mnist01).
 *
 * @example
 * ```ts
 * import { pcaSvg } from "crnnc";
 * const svg = await pcaSvg([
 *   { x: 0.1, y: 0.4, predicted: "0", truth: "0" },
 *   { x: -0.3, y: 0.2, predicted: "0", truth: "1" },
 * ]);
 * ```
 */
export async function pcaSvg(points: readonly ClassPoint[], opts: PcaPlotOptions = {}): Promise<string> {
  const p = await plots();
  return p.renderSvg(p.pcaSpec(points, opts));
}

/**
 * A pair plot (every feature against every other) of classified samples, as SVG (the run
 * report's view of iris-like data).
 *
 * @example
 * ```ts
 * import { pairsSvg } from "crnnc";
 * const svg = await pairsSvg(
 *   [
 *     { features: [5.1, 3.5], predicted: "setosa", truth: "setosa" },
 *     { features: [6.2, 2.9], predicted: "setosa", truth: "versicolor" },
 *   ],
 *   { features: ["sepal length", "sepal width"] },
 * );
 * ```
 */
export async function pairsSvg(samples: readonly PairsSample[], opts: PairsPlotOptions = {}): Promise<string> {
  const p = await plots();
  return p.renderSvg(p.pairsSpec(samples, opts));
}

/**
 * A sensitivity plot as SVG: a metric against a swept setting, one series per value of the
 * others, each a mean line with a min–max band (paper Fig. 8). `sweepPlot` draws it from a
 * sweep's summary.
 *
 * @example
 * ```ts
 * import { sensitivitySvg } from "crnnc";
 * const svg = await sensitivitySvg(
 *   [
 *     { series: "T=10", x: 0, mean: 0.1, lo: 0.08, hi: 0.12 },
 *     { series: "T=10", x: 0.05, mean: 0.2, lo: 0.15, hi: 0.3 },
 *   ],
 *   { xTitle: "noise size ε", yTitle: "average train error E" },
 * );
 * ```
 */
export async function sensitivitySvg(rows: readonly SensitivityRow[], opts: SensitivityOptions): Promise<string> {
  return (await plots()).sensitivitySvg(rows, opts);
}

/**
 * A self-contained HTML page of a sensitivity plot and its table (no scripts, nothing loaded
 * from elsewhere).
 *
 * @example
 * ```ts
 * import { sensitivityReport } from "crnnc";
 * const html = await sensitivityReport([{ series: "sine_net", x: 0, mean: 0.1, lo: 0.08, hi: 0.12 }], {
 *   xTitle: "noise size ε",
 *   notes: ["4 seeds per point"],
 * });
 * ```
 */
export async function sensitivityReport(rows: readonly SensitivityRow[], opts: SensitivityOptions & { notes?: string[] }): Promise<string> {
  return (await plots()).sensitivityReport(rows, opts);
}

/**
 * The HTML report of a training run, as `crnnc sim FILE --report` writes it: outcome and
 * settings, the learning curve, traced species, and the classification of every sample for
 * iris/mnist-like data. `data` is the dataset the run trained on (its protocol's).
 *
 * @example
 * ```ts
 * import { compileFile, protocolFor, train, trainReport } from "crnnc";
 * const ir = compileFile("examples/iris.crnn").ir!;
 * const protocol = protocolFor(ir, { iterations: 200 });
 * const run = train(ir, { protocol });
 * const html = await trainReport(run, ir, protocol.data, { timings: false });
 * ```
 */
export async function trainReport(result: TrainResult, ir: CRN, data: Dataset, opts: ReportOptions = {}): Promise<string> {
  return (await plots()).trainReport(result, ir, data, opts);
}

// ── Format ────────────────────────────────────────────────────────────────────────────────

/**
 * Format `.crnn` source canonically, as `crnnc fmt` does (prettier's document printer, loaded
 * on first use). A file with syntax errors comes back with its diagnostics and no `text`.
 *
 * @example
 * ```ts
 * import { formatText } from "crnnc";
 * const { text } = await formatText("crn c{A->0@k}\n", "c.crnn");   // "crn c {\n  A -> 0 @ k\n}\n"
 * ```
 */
export async function formatText(
  text: string,
  file = "<input>.crnn",
  opts: { printWidth?: number; tabWidth?: number; useTabs?: boolean } = {},
): Promise<FormatResult> {
  return (await import("./format/format.js")).formatText(text, file, opts);
}

// ── Parse and check ──────────────────────────────────────────────────────────────────────

/**
 * Parse one file's text into an AST; syntax errors come back as diagnostics.
 *
 * @example
 * ```ts
 * import { parse } from "crnnc";
 * const { ast, diagnostics } = parse("crn c { A -> 0 @ 1 }\n", "c.crnn");
 * ```
 */
export function parse(text: string, file = "<input>.crnn"): { ast: FileAst; diagnostics: Diagnostic[] } {
  const sink = new DiagnosticSink();
  const ast = parseFile(text, file, sink);
  return { ast, diagnostics: sortDiagnostics(sink.items) };
}

/** What `check` and `checkFile` report: every error and warning, and whether there were errors. */
export interface CheckResult {
  /** No errors (warnings allowed). */
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Source text by display name, for `formatDiagnostics`. */
  sources: Map<string, string>;
  omitted: CompileResult["omitted"];
}

/** A file of definitions only (no crn, network or train block) is fine to check. */
function checked(r: CompileResult, target: string | undefined): CheckResult {
  const diagnostics = r.diagnostics.filter((d) => !(d.code === "E0113" && !target && /defines no crn/.test(d.message)));
  return { ok: !diagnostics.some((d) => d.severity === "error"), diagnostics, sources: r.sources, omitted: r.omitted };
}

/**
 * Check source text as `crnnc check` does: every error and warning (a file with only
 * definitions, no block, is fine).
 *
 * @example
 * ```ts
 * import { check, formatDiagnostics } from "crnnc";
 * const r = check("crn c { A -> B @ k }\n", { file: "c.crnn" });
 * if (!r.ok) console.error(formatDiagnostics(r.diagnostics, { sources: r.sources }));
 * ```
 */
export function check(text: string, opts: CompileOptions & { file?: string } = {}): CheckResult {
  return checked(compileText(text, opts), opts.target);
}

/**
 * Check a file on disk (and the files it imports) as `crnnc check FILE` does.
 *
 * @example
 * ```ts
 * import { checkFile } from "crnnc";
 * const { ok, diagnostics } = checkFile("examples/xor.crnn");
 * ```
 */
export function checkFile(path: string, opts: CompileOptions = {}): CheckResult {
  return checked(compilePath(path, opts), opts.target);
}
