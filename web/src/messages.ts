// What the page and its two workers say to each other. The language worker (lang-worker.ts)
// checks, compiles, formats and exports as the text changes; the run worker (run-worker.ts) trains
// or simulates. Both compile the source themselves through the library (compile → IR), so only
// text and results cross.
import type { CrnGraph, Diagnostic, Evaluation, Role, Summary, Tag } from "../../src/index.js";

export type ExportFormat = "sbml" | "antimony" | "json" | "reactions" | "dot";

export type LangRequest =
  | { type: "check"; id: number; text: string; file: string }
  | { type: "format"; id: number; text: string; file: string }
  | { type: "export"; id: number; text: string; file: string; format: ExportFormat };

export interface CompiledView {
  kind: string;
  name: string;
  source: string;
  species: { id: string; role: Role; layer?: number; init: number }[];
  /** One line per reaction (formatReaction), with its sub-network. */
  reactions: { text: string; tag: Tag; template: string }[];
  summary: Pick<Summary, "speciesCount" | "reactionCount" | "byTag" | "maxMolecularity" | "massAction"> & { feedbackFree: boolean };
  /** `crnnc info`'s text. */
  info: string;
  graph: CrnGraph;
  train?: { iterations: number; dataset: string };
}

export type LangResponse =
  | { type: "checked"; id: number; ok: boolean; diagnostics: Diagnostic[]; report: string; view?: CompiledView; ms: number }
  | { type: "formatted"; id: number; text?: string; report: string }
  | { type: "exported"; id: number; text?: string; report: string; ms: number };

export type RunRequest =
  | { type: "train"; text: string; file: string; iterations: number; trace: boolean }
  | { type: "simulate"; text: string; file: string; until: number; points: number }
  | { type: "stop" }
  | { type: "plot"; kind: "history" | "trace"; id: number }
  | { type: "report"; id: number };

export interface TraceChunk {
  species: string[];
  t: number[];
  values: number[][];
}

export type RunResponse =
  | { type: "started"; iterations: number; compileMs: number }
  | { type: "progress"; iteration: number; iterations: number; elapsedMs: number; history: Evaluation[]; trace?: TraceChunk }
  | { type: "done"; iterationsRun: number; msPerIteration: number; elapsedMs: number; stopped?: string; history: Evaluation[]; csv: string; trace?: TraceChunk }
  | { type: "trajectory"; species: string[]; t: number[]; values: number[][]; csv: string; stopped?: string; elapsedMs: number }
  | { type: "svg"; id: number; svg?: string; error?: string }
  | { type: "error"; message: string; report?: string };
