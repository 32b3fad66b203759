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
export function settingsFields(text: string): Record<string, string>;
export function parseSettings(text: string): Settings;
export function parseResults(text: string): Results;
export function parseModelInfo(text: string): ModelInfo;
export function isCore(info: ModelInfo, xml?: string): boolean;
export function listCaseIds(suite: string, part?: string): string[];
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
export function suiteCommit(suite: string): string;

// The stochastic part (cases/stochastic: the DSMTS and the distrib cases).

export interface StochasticOutput {
  column: string;
  variable: string;
  stat: "mean" | "sd";
  transform: string;
}

export interface StochasticSettings {
  start: number;
  duration: number;
  steps: number;
  variables: string[];
  amount: string[];
  concentration: string[];
  outputs: StochasticOutput[];
  meanRange: [number, number];
  sdRange: [number, number];
}

export interface StochasticCase {
  id: string;
  dir: string;
  xmlFile: string;
  xml: string;
  settings: StochasticSettings;
  expected: Results;
  info?: ModelInfo;
}

export interface EnsembleSums {
  runs: number;
  t: ArrayLike<number>;
  ids: string[];
  sum: ArrayLike<ArrayLike<number>>;
  sumSq: ArrayLike<ArrayLike<number>>;
  sum4?: ArrayLike<ArrayLike<number>>;
}

export interface CheckFailure {
  variable: string;
  time: number;
  stat: "mean" | "sd" | "exact";
  z?: number;
  expected: number;
  got: number;
  sd?: number;
  kappa?: number;
  zAdjusted?: number;
}

export interface Judgement {
  n: number;
  checks: {
    mean: { checked: number; failed: number };
    sd: { checked: number; failed: number; explained: number };
    exact: { checked: number; failed: number };
  };
  failures: CheckFailure[];
  chance: number;
  allowed: number;
  maxAbs: { mean: number; sd: number };
  ok: boolean;
}

export interface EnsembleOptions {
  until: number;
  points: number;
  ids: string[];
  amounts: Set<string> | "all";
  runs: number;
  seed?: number;
  first?: number;
}

export function parseRange(s: string | undefined, what?: string): [number, number];
export function parseStochasticSettings(text: string): StochasticSettings;
export function loadStochasticCase(dir: string, id: string): StochasticCase;
export function ensembleOptions(s: StochasticSettings, e: { runs: number; seed?: number; first?: number }): EnsembleOptions;
export function normalCdf(z: number): number;
export function outsideChance(range: [number, number]): number;
export function allowedFailures(ps: number[], level?: number): number;
export function judgeEnsemble(
  c: StochasticCase,
  r: EnsembleSums,
  ranges?: { meanRange?: [number, number]; sdRange?: [number, number]; level?: number },
): Judgement;
export function describeFailure(f: CheckFailure): string;
export function ensembleRefusal(
  diagnostics: { code: string; severity: string; message: string }[] | undefined,
): { status: "refused" | "stopped"; reason?: string; detail: string } | undefined;
