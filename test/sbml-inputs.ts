// What the SBML and Antimony tests write: every example and fixture, compiled from the repo root
// (diagnostics and spans name files relative to it), with the schedule the CLI writes.
//
//   for (const f of SBML_INPUTS) { const ir = compileRel(f); const xml = await emitSbml(ir, shortSchedule(ir)); }

import { readdirSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import { compileFile } from "../src/compile.js";
import { makeProtocol } from "../src/train/protocol.js";
import { loadDataset } from "../src/data/datasets.js";
import type { CRN } from "../src/ir/types.js";
import type { Protocol } from "../src/ir/protocol.js";
import { ROOT } from "./helpers.js";

const FIX = resolve(ROOT, "test/fixtures");

/** Every example and every fixture, as paths relative to the repo root. */
export const SBML_INPUTS = [
  ...readdirSync(resolve(ROOT, "examples"))
    .filter((f) => f.endsWith(".crnn"))
    .map((f) => `examples/${f}`),
  ...readdirSync(FIX)
    .filter((c) => existsSync(resolve(FIX, c, "input.crnn")))
    .map((c) => `test/fixtures/${c}/input.crnn`),
];

/** Compile a file given relative to the repo root; throws on errors. */
export const compileRel = (f: string): CRN => {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const r = compileFile(f);
    if (!r.ir) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
    return r.ir;
  } finally {
    process.chdir(cwd);
  }
};

/** The schedule the CLI writes: the cyclic order over the train block's dataset (none if it is not bundled), cut to `cut` samples. */
export function cyclic(ir: CRN, cut = Infinity): { protocol?: Protocol } {
  if (!ir.train) return {};
  try {
    const d = loadDataset(ir.train.dataset, ir.train.split, ir.train.seed);
    return { protocol: makeProtocol(ir, d.train.length > cut ? { ...d, train: d.train.slice(0, cut) } : d, { order: "cyclic" }) };
  } catch {
    return {}; // not bundled: the CLI warns and writes no schedule
  }
}

/**
 * libSBML's check of a 1000-sample schedule takes most of a minute; the schedule's structure
 * (one event, piecewise per species) does not depend on its length, so large datasets are
 * written with their first 40 training samples (the full MNIST file is checked by bench/sbml.mjs).
 */
export const shortSchedule = (ir: CRN) => cyclic(ir, 40);
