// The crnnc library API: parse and compile .crnn source without the CLI.
//
//   import { compile, emitReactions } from "crnnc";
//   const r = compile(text, { file: "net.crnn" });  if (r.ir) console.log(emitReactions(r.ir));

import { DiagnosticSink, sortDiagnostics, type Diagnostic } from "./diagnostics/diagnostic.js";
import { parseFile } from "./syntax/parse.js";
import type { FileAst } from "./syntax/ast.js";

export { compile, compileFile, type CompileOptions, type CompileResult } from "./compile.js";
export { emitReactions, formatReaction } from "./backends/reactions.js";
export { emitJson } from "./backends/json.js";
export { summarize, feedbackFree, catalysisGraph, type Summary } from "./analysis/summary.js";
export { validateIR } from "./ir/validate.js";
export { massActionRhs, reactionRate } from "./ir/mass-action.js";
export { formatDiagnostics, formatDiagnostic } from "./diagnostics/format.js";
export { codes, type Code } from "./diagnostics/codes.js";
export type { Diagnostic, Severity } from "./diagnostics/diagnostic.js";
export type * from "./ir/types.js";
export type * as Ast from "./syntax/ast.js";
export { VERSION } from "./version.js";
export { train, trainAsync, protocolFor, type TrainCallOptions } from "./library.js";
export { trainer, prepare, chooseReadout, type TrainOptions, type TrainResult, type Evaluation, type Progress, type Prepared } from "./train/trainer.js";
export { makeProtocol, sampleSequence, type ProtocolOptions } from "./train/protocol.js";
export type { Protocol, SampleOrder } from "./ir/protocol.js";
export { withParameters, paramValues, rateConstant, trainParam } from "./ir/parameters.js";
export { simulateSbml, type SbmlSimOptions, type SbmlSimResult } from "./sbml/run.js";
export { simulate, toSteadyState, makeIntegrator, type SimulateOptions, type Trajectory } from "./sim/simulate.js";
export { compileModel, setParameters } from "./sim/model.js";
export { Engine } from "./sim/engine.js";
export { NetworkLayout } from "./train/readout.js";
export { loadDataset, DatasetError, type Dataset, type Sample } from "./data/datasets.js";

/** Parse one file's text into an AST; syntax errors come back as diagnostics. */
export function parse(text: string, file = "<input>.crnn"): { ast: FileAst; diagnostics: Diagnostic[] } {
  const sink = new DiagnosticSink();
  const ast = parseFile(text, file, sink);
  return { ast, diagnostics: sortDiagnostics(sink.items) };
}
