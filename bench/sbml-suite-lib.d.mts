// Types of bench/sbml-suite-lib.mjs, for test/sbml-suite.test.ts (the implementation is the .mjs).

export interface Settings {
  start: number;
  duration: number;
  steps: number;
  variables: string[];
  absolute: number;
  relative: number;
  amount: string[];
  concentration: string[];
}

export interface Results {
  header: string[];
  time: number[];
  rows: number[][];
}

export interface ModelInfo {
  componentTags: string[];
  testTags: string[];
  testType: string;
  levels: string[];
  packages: string[];
  generatedBy: string;
  synopsis: string;
}

export interface Case {
  id: string;
  dir: string;
  xmlFile: string;
  xml: string;
  settings: Settings;
  expected: Results;
}

export interface Worst {
  variable: string;
  time: number;
  expected: number;
  got: number;
  allowed: number;
}

export interface Comparison {
  ok: boolean;
  checked: number;
  failures: number;
  worst?: Worst;
  shape?: string;
}

export type Status = "pass" | "wrong" | "refused" | "crash" | "timeout" | "stopped";

export interface Outcome {
  status: Status;
  reason?: string;
  detail?: string;
  worst?: Worst;
  ms?: number;
}

export interface SimOutput {
  t: ArrayLike<number>;
  values: ArrayLike<ArrayLike<number>>;
  diagnostics?: { code: string; severity: string; message: string }[];
  stopped?: { message: string; time: number };
}

export interface SimulateOptions {
  until: number;
  points: number;
  ids: string[];
  amounts: Set<string>;
  concentrations: Set<string>;
}

export function parseNumber(s: string): number;
export function parseSettings(text: string): Settings;
export function parseResults(text: string): Results;
export function parseModelInfo(text: string): ModelInfo;
export function isCore(info: ModelInfo, xml?: string): boolean;
export function listCaseIds(suite: string): string[];
export function selectCase(suite: string, id: string): { selected: boolean; info: ModelInfo };
export function loadCase(dir: string, id: string): Case;
export function simulateOptions(s: Settings): SimulateOptions;
export function withinTolerance(expected: number, got: number, absolute: number, relative: number): boolean;
export function compareResults(s: Settings, expected: Results, got: Pick<SimOutput, "t" | "values">): Comparison;
export function refusalReason(message: string): string;
export function reasonCategory(reason: string): string;
export function classify(c: Case, r: SimOutput): Outcome;
export function runCase(simulate: (xml: string, file: string, opts: SimulateOptions) => Promise<SimOutput>, c: Case): Promise<Outcome>;
export function parseCaseSpec(spec: string): (id: string) => boolean;
export function mathElements(xml: string): Map<string, number>;
