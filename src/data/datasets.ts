// Datasets for training: the built-in ones generated or bundled, and CSV files. Returns the
// samples split into training and validation sets with a seeded shuffle. Problems with the
// data come back as `DatasetError`s with a message fit for the user, never as exceptions.
//
//   loadDataset({ kind: "builtin", name: "xor" }, 1, 1)  →  { train: 4 samples, validation: [] }

import { readFileSync } from "node:fs";
import { Rng } from "../util/rng.js";
import type { TrainSettings } from "../ir/types.js";
import { BUILTIN_DATASETS } from "./registry.js";

export interface Sample {
  x: Float64Array;
  y: Float64Array;
}

export interface Dataset {
  name: string;
  train: Sample[];
  validation: Sample[];
  /** One output with 0/1 targets (threshold accuracy) or one-hot (argmax accuracy); undefined for regression. */
  classification?: "threshold" | "onehot";
}

export class DatasetError extends Error {}

export function loadDataset(spec: TrainSettings["dataset"], split: number, seed: number): Dataset {
  const all = spec.kind === "builtin" ? builtin(spec.name) : csv(spec.path, spec.features, spec.targets);
  const classification = classify(all);
  // XOR's four points are both the training and the validation set (paper Table 4).
  if (split >= 1) return { name: spec.kind === "builtin" ? spec.name : spec.path, train: all, validation: [], classification };
  const order = new Rng(seed ^ 0x5eed).permutation(all.length);
  const nTrain = Math.max(1, Math.round(split * all.length));
  return {
    name: spec.kind === "builtin" ? spec.name : spec.path,
    train: order.slice(0, nTrain).map((i) => all[i]!),
    validation: order.slice(nTrain).map((i) => all[i]!),
    classification,
  };
}

function sample(x: number[], y: number[]): Sample {
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
      if (BUILTIN_DATASETS[name]) throw new DatasetError(`dataset \`${name}\` is not bundled with this version of crnnc yet; use xor, sine or a CSV file`);
      throw new DatasetError(`unknown dataset \`${name}\``);
  }
}

function classify(all: Sample[]): Dataset["classification"] {
  const binary = all.every((s) => [...s.y].every((v) => v === 0 || v === 1));
  if (!binary) return undefined;
  if (all[0]!.y.length === 1) return "threshold";
  return all.every((s) => s.y.reduce((a, b) => a + b, 0) === 1) ? "onehot" : undefined;
}

/** A CSV with a header row. Targets: the named columns, else the last column; features: the named ones, else the rest. */
function csv(path: string, features?: string[], targets?: string[]): Sample[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new DatasetError(`cannot read dataset ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  const lines = text.split(/\r?\n/).map((l, i) => ({ l: l.trim(), n: i + 1 })).filter((x) => x.l !== "" && !x.l.startsWith("#"));
  if (lines.length < 2) throw new DatasetError(`${path}: a dataset needs a header row and at least one data row`);
  const header = lines[0]!.l.split(",").map((h) => h.trim());
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new DatasetError(`${path}: no column \`${name}\` (columns: ${header.join(", ")})`);
    return i;
  };
  const tcols = targets?.length ? targets.map(col) : [header.length - 1];
  const fcols = features?.length ? features.map(col) : header.map((_, i) => i).filter((i) => !tcols.includes(i));
  return lines.slice(1).map(({ l, n }) => {
    const cells = l.split(",").map((c) => c.trim());
    if (cells.length !== header.length) throw new DatasetError(`${path}:${n}: ${cells.length} values, but the header has ${header.length} columns`);
    const nums = cells.map((c, i) => {
      const v = Number(c);
      if (c === "" || !Number.isFinite(v)) throw new DatasetError(`${path}:${n}: \`${c}\` in column \`${header[i]}\` is not a number`);
      return v;
    });
    for (const i of fcols)
      if (nums[i]! < 0) throw new DatasetError(`${path}:${n}: feature \`${header[i]}\` is ${nums[i]}, but inputs are concentrations and cannot be negative`);
    return sample(fcols.map((i) => nums[i]!), tcols.map((i) => nums[i]!));
  });
}
