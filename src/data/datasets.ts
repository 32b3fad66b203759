// Datasets for training: the built-in ones (xor and sine generated here; iris and mnist01
// read from the package's data/ folder, built by scripts/build-datasets.mjs) and CSV files.
// Returns the samples split into training and validation sets with a seeded shuffle. The
// train block's `shift`/`scale` map every feature x to (x + shift) · scale; a feature that is
// still negative is an error (inputs are concentrations). Problems with the data come back as
// `DatasetError`s with a message fit for the user (file:line, column), never as other exceptions.
//
//   loadDataset({ kind: "builtin", name: "xor" }, 1, 1)      →  { train: 4 samples, validation: [] }
//   loadDataset({ kind: "builtin", name: "iris" }, 0.9, 1)   →  135 training, 15 validation samples

import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../util/rng.js";
import type { DatasetSpec } from "../ir/types.js";
import type { Dataset, Sample } from "../ir/protocol.js";
import { BUILTIN_DATASETS } from "./registry.js";

export type { Dataset, Sample };

/** A problem with the data. `message` is the whole text; `detail` and `hint` are its two halves. */
export class DatasetError extends Error {
  readonly detail: string;
  readonly hint?: string;
  constructor(detail: string, hint?: string) {
    super(hint ? `${detail}; ${hint}` : detail);
    this.detail = detail;
    if (hint) this.hint = hint;
  }
}

/** A feature that is negative after shift/scale (inputs are concentrations). */
export class NegativeFeatureError extends DatasetError {}

/** The package's data folder (two levels up from dist/data/ or src/data/). */
export const DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../data");

export const SHIFT_HINT = "add `shift` (and `scale`) to the train block to map features into a non-negative range";

export function loadDataset(spec: DatasetSpec, split: number, seed: number): Dataset {
  const name = spec.kind === "builtin" ? spec.name : spec.path;
  let all: Sample[];
  if (spec.kind === "builtin") {
    all = transform(builtin(spec.name), spec, (i, j) => `dataset \`${spec.name}\`: sample ${i + 1}, feature ${j + 1}`);
  } else {
    const d = readCsv(spec.path, spec.features, spec.targets);
    const where = display(spec.path);
    all = transform(d.samples, spec, (i, j) => `${where}:${d.lines[i]}: feature \`${d.features[j]}\` (column ${d.featureColumns[j]! + 1})`);
  }
  const classification = classify(all);
  // XOR's four points are both the training and the validation set (paper Table 4).
  if (split >= 1) return { name, train: all, validation: [], classification };
  const order = new Rng(seed ^ 0x5eed).permutation(all.length);
  const nTrain = Math.max(1, Math.round(split * all.length));
  return {
    name,
    train: order.slice(0, nTrain).map((i) => all[i]!),
    validation: order.slice(nTrain).map((i) => all[i]!),
    classification,
  };
}

function sample(x: ArrayLike<number>, y: ArrayLike<number>): Sample {
  return { x: Float64Array.from(x), y: Float64Array.from(y) };
}

function builtin(name: string): Sample[] {
  switch (name) {
    case "xor":
      return [sample([0, 0], [0]), sample([1, 0], [1]), sample([0, 1], [1]), sample([1, 1], [0])];
    case "sine":
      // 13 points x_i = iπ/13 in [0, π), y = sin x (paper §5.3).
      return Array.from({ length: 13 }, (_, i) => {
        const x = (i * Math.PI) / 13;
        return sample([x], [Math.sin(x)]);
      });
    default:
      if (BUILTIN_DATASETS[name]) {
        const d = readBundled(name);
        return d.samples.map(([label, x]) => sample(x, oneHot(label, d.classes.length)));
      }
      throw new DatasetError(`unknown dataset \`${name}\``);
  }
}

function oneHot(k: number, n: number): number[] {
  const y = new Array<number>(n).fill(0);
  y[k] = 1;
  return y;
}

/** A bundled dataset file, data/NAME.json, as scripts/build-datasets.mjs writes it. */
export interface BundledDataset {
  name: string;
  provenance: Record<string, unknown> & { source: string; license: string; processing: string; counts: Record<string, number> };
  features: string[];
  classes: string[];
  /** [class index, features] per sample. */
  samples: [number, number[]][];
}

const bundledCache = new Map<string, BundledDataset>();

/** Read (once) and check a bundled dataset file. */
export function readBundled(name: string): BundledDataset {
  const hit = bundledCache.get(name);
  if (hit) return hit;
  const path = resolve(DATA_DIR, `${name}.json`);
  let d: BundledDataset;
  try {
    d = JSON.parse(readFileSync(path, "utf8")) as BundledDataset;
  } catch (e) {
    throw new DatasetError(`the bundled dataset \`${name}\` cannot be read from ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); the package may be incomplete — reinstall crnnc, or rebuild with \`npm run build:data\``);
  }
  const info = BUILTIN_DATASETS[name];
  const ok =
    Array.isArray(d.samples) &&
    Array.isArray(d.classes) &&
    Array.isArray(d.features) &&
    (!info || (d.features.length === info.inputs && d.classes.length === info.outputs)) &&
    d.samples.every((s) => Array.isArray(s) && Number.isInteger(s[0]) && s[0] >= 0 && s[0] < d.classes.length && Array.isArray(s[1]) && s[1].length === d.features.length && s[1].every((v) => Number.isFinite(v) && v >= 0));
  if (!ok) throw new DatasetError(`the bundled dataset file ${path} is malformed; rebuild it with \`npm run build:data\``);
  bundledCache.set(name, d);
  return d;
}

/**
 * `(x + shift) · scale` on every feature; then every feature must be non-negative. `locate(i, j)`
 * names feature j of sample i for the message.
 */
export function transform(all: Sample[], t: { scale?: number; shift?: number }, locate: (i: number, j: number) => string): Sample[] {
  const shift = t.shift ?? 0;
  const scale = t.scale ?? 1;
  if (!Number.isFinite(shift)) throw new DatasetError(`shift must be a finite number, got ${shift}`);
  if (!(scale > 0 && Number.isFinite(scale))) throw new DatasetError(`scale must be a positive finite number, got ${scale}`);
  const out = shift === 0 && scale === 1 ? all : all.map((s) => ({ x: s.x.map((v) => (v + shift) * scale), y: s.y }));
  let minRaw = Infinity;
  let first: { i: number; j: number } | undefined;
  out.forEach((s, i) =>
    s.x.forEach((v, j) => {
      minRaw = Math.min(minRaw, all[i]!.x[j]!);
      if (v < 0 && !first) first = { i, j };
    }),
  );
  if (first) {
    const { i, j } = first;
    const raw = all[i]!.x[j]!;
    const v = out[i]!.x[j]!;
    throw new NegativeFeatureError(
      `${locate(i, j)} is ${fmt(v)}${raw !== v ? ` (${fmt(raw)} before shift/scale)` : ""}, but inputs are concentrations and cannot be negative`,
      `${SHIFT_HINT} (the smallest value is ${fmt(minRaw)}: e.g. \`shift ${fmt(-minRaw)}\`)`,
    );
  }
  return out;
}

function fmt(v: number): string {
  return String(Number(v.toPrecision(6)));
}

function classify(all: Sample[]): Dataset["classification"] {
  const binary = all.every((s) => [...s.y].every((v) => v === 0 || v === 1));
  if (!binary) return undefined;
  if (all[0]!.y.length === 1) return "threshold";
  return all.every((s) => s.y.reduce((a, b) => a + b, 0) === 1) ? "onehot" : undefined;
}

/** A path as the user would write it: relative to the working directory when below it. */
function display(path: string): string {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith("..") && !isAbsolute(r) ? r : path;
}

export interface CsvData {
  header: string[];
  features: string[];
  /** 0-based header index of each feature. */
  featureColumns: number[];
  targets: string[];
  samples: Sample[];
  /** The 1-based file line of each sample. */
  lines: number[];
}

/** Read a CSV dataset file; see parseCsv. */
export function readCsv(path: string, features?: string[], targets?: string[]): CsvData {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DatasetError(`cannot read dataset ${display(path)}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (e as Error).message}`);
  }
  return parseCsv(text, display(path), features, targets);
}

/**
 * A CSV with a header row; blank lines and lines starting with `#` are skipped. Targets: the
 * named columns, else the last column; features: the named ones, else the rest. Every cell must
 * be a finite number (a feature's sign is checked later, after shift/scale); targets must be
 * non-negative too (they are the concentrations of the target species Ŷ).
 */
export function parseCsv(text: string, where: string, features?: string[], targets?: string[]): CsvData {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const unquote = (c: string) => c.trim().replace(/^"(.*)"$/, "$1").trim();
  const lines = text
    .split(/\r?\n/)
    .map((l, i) => ({ l: l.trim(), n: i + 1 }))
    .filter((x) => x.l !== "" && !x.l.startsWith("#"));
  if (lines.length === 0) throw new DatasetError(`${where}: the file is empty; a CSV dataset needs a header row (column names) and at least one data row`);
  const head = lines[0]!;
  if (lines.length === 1) throw new DatasetError(`${where}:${head.n}: only a header row, no data rows`);
  const header = head.l.split(",").map(unquote);
  header.forEach((h, i) => {
    if (h === "") throw new DatasetError(`${where}:${head.n}: column ${i + 1} of the header has no name`);
    if (Number.isFinite(Number(h))) throw new DatasetError(`${where}:${head.n}: the first row should name the columns, but column ${i + 1} is the number ${h}`);
    const j = header.indexOf(h);
    if (j < i) throw new DatasetError(`${where}:${head.n}: two columns are named \`${h}\` (columns ${j + 1} and ${i + 1})`);
  });
  const col = (name: string, what: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new DatasetError(`${where}: no column \`${name}\` for \`${what}\` (columns: ${header.join(", ")})`);
    return i;
  };
  if (header.length < 2 && !features?.length) throw new DatasetError(`${where}:${head.n}: one column only; a dataset needs feature columns and target columns`);
  const tcols = targets?.length ? targets.map((t) => col(t, "targets")) : [header.length - 1];
  const fcols = features?.length ? features.map((f) => col(f, "features")) : header.map((_, i) => i).filter((i) => !tcols.includes(i));
  for (const i of fcols) if (tcols.includes(i)) throw new DatasetError(`${where}: column \`${header[i]}\` is both a feature and a target`);
  if (fcols.length === 0) throw new DatasetError(`${where}: no feature columns are left once the targets (${tcols.map((i) => header[i]).join(", ")}) are taken`);
  const samples = lines.slice(1).map(({ l, n }) => {
    const cells = l.split(",").map(unquote);
    if (cells.length !== header.length)
      throw new DatasetError(`${where}:${n}: ${cells.length} value${cells.length === 1 ? "" : "s"}, but the header has ${header.length} columns (${cells.length < header.length ? `\`${header[cells.length]}\` and after are missing` : "extra values at the end"})`);
    const nums = cells.map((c, i) => {
      const v = Number(c);
      if (c === "" || !Number.isFinite(v)) throw new DatasetError(`${where}:${n}: ${c === "" ? "an empty cell" : `\`${c}\``} in column ${i + 1} (\`${header[i]}\`) is not a number`);
      return v;
    });
    for (const i of tcols)
      if (nums[i]! < 0) throw new DatasetError(`${where}:${n}: target \`${header[i]}\` (column ${i + 1}) is ${nums[i]}, but targets are concentrations and cannot be negative; rescale that column to non-negative values`);
    return sample(
      fcols.map((i) => nums[i]!),
      tcols.map((i) => nums[i]!),
    );
  });
  return { header, features: fcols.map((i) => header[i]!), featureColumns: fcols, targets: tcols.map((i) => header[i]!), samples, lines: lines.slice(1).map((l) => l.n) };
}
