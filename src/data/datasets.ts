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
import { parse as parseCsvText } from "csv-parse/sync";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "../util/rng.js";
import type { DatasetSpec } from "../ir/types.js";
import type { Dataset, Sample } from "../ir/protocol.js";
import { BUILTIN_DATASETS } from "./registry.js";

export type { Dataset, Sample };

/**
 * A problem with the data. `message` is the whole text; `detail` and `hint` are its two halves.
 *
 * @example
 * ```ts
 * import { compileFile, DatasetError, train } from "crnnc";
 * try {
 *   train(compileFile("net.crnn").ir!);
 * } catch (e) {
 *   if (e instanceof DatasetError) console.error(e.detail, e.hint);
 * }
 * ```
 */
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

/**
 * Load a train block's dataset (a built-in one, or a CSV file), split off the validation
 * fraction with the seed and apply the block's shift and scale. Throws a DatasetError saying
 * what is wrong with the data.
 *
 * @example
 * ```ts
 * import { compileFile, loadDataset } from "crnnc";
 * const ir = compileFile("examples/iris.crnn").ir!;
 * const data = loadDataset(ir.train!.dataset, ir.train!.split, ir.train!.seed);
 * console.log(data.train.length, data.validation.length, data.classification);
 * ```
 */
export function loadDataset(spec: DatasetSpec, split: number, seed: number): Dataset {
  const name = spec.kind === "builtin" ? spec.name : spec.path;
  let all: Sample[];
  if (spec.kind === "builtin") {
    all = transform(builtin(spec.name), spec, (i, j) => `dataset \`${spec.name}\`: sample ${i + 1}, feature ${j + 1}`);
  } else {
    const d = readCsv(spec.path, spec.features, spec.targets);
    const where = display(spec.path);
    all = transform(d.samples, spec, (i, j) => featurePlace(d, where, i, j));
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
  /** The 1-based character column where each cell of each sample starts (by header column). */
  cellColumns: number[][];
}

/** Where feature j of sample i is, and what: `file:line:col: feature \`b\` (column 2)` (the start of a located message). */
export function featurePlace(d: CsvData, where: string, i: number, j: number): string {
  const c = d.featureColumns[j]!;
  return `${where}:${d.lines[i]}:${d.cellColumns[i]?.[c] ?? 1}: feature \`${d.features[j]}\` (column ${c + 1})`;
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

/** The delimiters a CSV dataset may use; the header row decides which (the one it has most of, outside quotes). */
export const CSV_DELIMITERS = [",", ";", "\t"] as const;

/**
 * A CSV with a header row, read by csv-parse (RFC 4180: quoted fields with delimiters, quotes
 * and line breaks inside): comma, semicolon or tab separated, detected from the header row;
 * blank lines and lines starting with `#` are skipped. Targets: the named columns, else the last
 * column; features: the named ones, else the rest. Every cell must be a finite number (a
 * feature's sign is checked later, after shift/scale); targets must be non-negative too (they
 * are the concentrations of the target species Ŷ). Problems name file:line:column.
 *
 *   parseCsv('x;"y, m"\n1;2\n', "d.csv")  →  { header: ["x", "y, m"], samples: [{ x: [1], y: [2] }], ... }
 */
export function parseCsv(text: string, where: string, features?: string[], targets?: string[]): CsvData {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const delimiter = sniffDelimiter(text);
  let rows: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    rows = parseCsvText(text, {
      delimiter,
      comment: "#",
      comment_no_infix: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
      info: true,
      raw: true,
    }) as unknown as typeof rows;
  } catch (e) {
    const err = e as { lines?: number; column?: number; message: string };
    throw new DatasetError(`${where}:${err.lines ?? "?"}: ${err.message.replace(/^[^:]*: /, "")}`);
  }
  // The records that are more than a comment line (csv-parse keeps `#` lines out) and their places.
  const lines = rows.map((r) => ({ cells: r.record, n: r.info.lines, cols: fieldColumns(r.raw, delimiter) }));
  if (lines.length === 0) throw new DatasetError(`${where}: the file is empty; a CSV dataset needs a header row (column names) and at least one data row`);
  const head = lines[0]!;
  if (lines.length === 1) throw new DatasetError(`${where}:${head.n}: only a header row, no data rows`);
  const header = head.cells;
  const at = (l: { n: number; cols: number[] }, i: number) => `${where}:${l.n}:${l.cols[i] ?? 1}`;
  header.forEach((h, i) => {
    if (h === "") throw new DatasetError(`${at(head, i)}: column ${i + 1} of the header has no name`);
    if (Number.isFinite(Number(h))) throw new DatasetError(`${at(head, i)}: the first row should name the columns, but column ${i + 1} is the number ${h}`);
    const j = header.indexOf(h);
    if (j < i) throw new DatasetError(`${at(head, i)}: two columns are named \`${h}\` (columns ${j + 1} and ${i + 1})`);
  });
  const col = (name: string, what: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new DatasetError(`${where}: no column \`${name}\` for \`${what}\` (columns: ${header.join(", ")})`);
    return i;
  };
  if (header.length < 2 && !features?.length)
    throw new DatasetError(`${where}:${head.n}: one column only; a dataset needs feature columns and target columns (separated by commas, semicolons or tabs)`);
  const tcols = targets?.length ? targets.map((t) => col(t, "targets")) : [header.length - 1];
  const fcols = features?.length ? features.map((f) => col(f, "features")) : header.map((_, i) => i).filter((i) => !tcols.includes(i));
  for (const i of fcols) if (tcols.includes(i)) throw new DatasetError(`${where}: column \`${header[i]}\` is both a feature and a target`);
  if (fcols.length === 0) throw new DatasetError(`${where}: no feature columns are left once the targets (${tcols.map((i) => header[i]).join(", ")}) are taken`);
  const samples = lines.slice(1).map((l) => {
    const cells = l.cells;
    if (cells.length !== header.length)
      throw new DatasetError(
        `${at(l, Math.min(cells.length, header.length) - 1)}: ${cells.length} value${cells.length === 1 ? "" : "s"}, but the header has ${header.length} columns (${cells.length < header.length ? `\`${header[cells.length]}\` and after are missing` : "extra values at the end"})`,
      );
    const nums = cells.map((c, i) => {
      const v = Number(c);
      if (c === "" || !Number.isFinite(v)) throw new DatasetError(`${at(l, i)}: ${c === "" ? "an empty cell" : `\`${c}\``} in column ${i + 1} (\`${header[i]}\`) is not a number`);
      return v;
    });
    for (const i of tcols)
      if (nums[i]! < 0)
        throw new DatasetError(
          `${at(l, i)}: target \`${header[i]}\` (column ${i + 1}) is ${nums[i]}, but targets are concentrations and cannot be negative; rescale that column to non-negative values`,
        );
    return sample(
      fcols.map((i) => nums[i]!),
      tcols.map((i) => nums[i]!),
    );
  });
  return {
    header,
    features: fcols.map((i) => header[i]!),
    featureColumns: fcols,
    targets: tcols.map((i) => header[i]!),
    samples,
    lines: lines.slice(1).map((l) => l.n),
    cellColumns: lines.slice(1).map((l) => l.cols),
  };
}

/** The delimiter of the first row that is not blank or a comment: the candidate it has most of outside quotes (a comma on a tie or none). */
function sniffDelimiter(text: string): string {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== "" && !l.trimStart().startsWith("#")) ?? "";
  let best: string = ",";
  let most = 0;
  for (const d of CSV_DELIMITERS) {
    let n = 0;
    let quoted = false;
    for (const ch of first) {
      if (ch === '"') quoted = !quoted;
      else if (ch === d && !quoted) n++;
    }
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

/**
 * The 1-based column where each field of a record starts, from its raw text: its last physical
 * line (the comments and blank lines csv-parse skipped come before it; a record with a line
 * break inside quotes is placed on its last line).
 */
function fieldColumns(raw: string, delimiter: string): number[] {
  const lastLine = raw.replace(/\r?\n$/, "").split("\n").pop()!.replace(/\r$/, "");
  const out = [1];
  let quoted = false;
  for (let i = 0; i < lastLine.length; i++) {
    const ch = lastLine[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) out.push(i + 2);
  }
  return out;
}
