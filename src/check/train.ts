// Checks a `train` block and records its settings for the simulator: dataset, η, period T,
// iterations, split, seed, evaluation interval, initialisation and the noise model (paper
// §5.1 eq. 18). Every value is range-checked here so the simulator can trust it.
//
//   train net on xor { eta 0.002  period 300  iterations 36000  init uniform(-1, 1) }

import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type * as A from "../syntax/ast.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/diagnostic.js";
import type { Scope } from "./scope.js";
import { evalStatic } from "./expr.js";
import type { DatasetSpec, Distribution, NoiseSettings } from "../ir/types.js";
import type { Span } from "../ir/span.js";
import { NOISE_DEFAULTS, NOISE_TARGETS } from "../ir/noise.js";
import { BUILTIN_DATASETS } from "../data/registry.js";
import { DatasetError, NegativeFeatureError, featurePlace, loadDataset, parseCsv, transform } from "../data/datasets.js";
import type { Code } from "../diagnostics/codes.js";

/** The largest iteration count a file or the command line may ask for. */
export const MAX_ITERATIONS = 2 ** 32 - 1;

export const TRAIN_DEFAULTS = {
  eta: 0.001,
  period: 100,
  iterations: 1000,
  split: 1,
  seed: 1,
  evaluate: 100,
  init: { kind: "uniform", low: -1, high: 1 } as Distribution,
  /**
   * Rail annihilation W.p + W.m -> 0 at this rate, on unless a file says `annihilate 0`. Not in
   * the paper: there both rails of a weight only grow, noise acts on each rail, and deeper
   * networks blow up (a 3-4-4-2 tanh network at iteration ≈ 800, docs/results.md). With it the
   * rails stay O(1) and the noise-free error curves are unchanged; the examples that reproduce
   * the paper say `annihilate 0`.
   */
  annihilate: 1,
};

export { NOISE_DEFAULTS, NOISE_TARGETS };

/** A checked train block: its settings, and the values that lowering turns into parameters (η, T, the annihilation rate) with where they were set. */
export interface TrainPlan {
  dataset: DatasetSpec;
  iterations: number;
  split: number;
  seed: number;
  evaluate: number;
  init: { weights: Distribution; biases: Distribution };
  noise?: NoiseSettings;
  /** η; `set` when the train block (or an override) gives it, else the default. */
  eta: { value: number; span?: Span; set: boolean };
  period: { value: number; span?: Span };
  /** The annihilation rate; 0 turns it off (the paper's construction). */
  annihilate: { value: number; span?: Span };
}

export function checkTrain(
  decl: A.TrainDecl,
  scope: Scope,
  sink: DiagnosticSink,
  sourcePath: string,
  exists: (p: string) => boolean,
  shape?: { inputs: number; outputs: number },
): TrainPlan {
  const seen = new Map<string, A.Setting>();
  // undefined: a wrong value, already reported.
  const num = (s: A.Setting): number | undefined => (s.value ? evalStatic(s.value, scope, sink, `\`${s.key}\` value`) : undefined);
  const bad = (code: Code, s: A.Setting, msg: string, hint?: string) => sink.error(code, s.value?.span ?? s.span, msg, hint);

  const out: TrainPlan = {
    dataset: { kind: "builtin", name: decl.dataset.value },
    eta: { value: TRAIN_DEFAULTS.eta, set: false },
    period: { value: TRAIN_DEFAULTS.period },
    annihilate: { value: TRAIN_DEFAULTS.annihilate },
    iterations: TRAIN_DEFAULTS.iterations,
    split: TRAIN_DEFAULTS.split,
    seed: TRAIN_DEFAULTS.seed,
    evaluate: TRAIN_DEFAULTS.evaluate,
    init: { weights: TRAIN_DEFAULTS.init, biases: TRAIN_DEFAULTS.init },
  };
  const features: A.Name[] = [];
  const mapping: { scale?: number; shift?: number } = {};
  const targets: A.Name[] = [];

  for (const s of decl.settings) {
    const key = s.key === "init" ? `init ${s.qualifier ?? ""}`.trim() : s.key;
    const prev = seen.get(key);
    if (prev) {
      sink.error("E0114", s.keySpan, `\`${key}\` is set twice`, undefined, { related: [{ span: prev.keySpan, message: `\`${key}\` first set here` }] });
      continue;
    }
    seen.set(key, s);
    if (s.key === "init" && !s.qualifier && (seen.has("init weights") || seen.has("init biases")))
      sink.error("E0114", s.keySpan, "`init` after `init weights`/`init biases` would override them", "put the general `init` first");
    switch (s.key) {
      case "eta": {
        const v = num(s);
        if (v === undefined) break;
        if (!(v >= 0)) bad("E0203", s, `η must be a non-negative finite rate constant, got ${v}`);
        else out.eta = { value: v, span: s.span, set: true };
        break;
      }
      case "period": {
        const v = num(s);
        if (v === undefined) break;
        if (!(v > 0)) bad("E0204", s, `period T must be positive, got ${v}`);
        else out.period = { value: v, span: s.span };
        break;
      }
      case "iterations": {
        const v = num(s);
        if (v === undefined) break;
        // The same cap as the command line's --iterations: a run of 2^32 iterations of the smallest network would take years.
        if (!(Number.isInteger(v) && v >= 1 && v <= MAX_ITERATIONS)) bad("E0205", s, `iterations must be an integer in [1, 2^32), got ${v}`);
        else out.iterations = v;
        break;
      }
      case "split": {
        const v = num(s);
        if (v === undefined) break;
        if (!(v > 0 && v <= 1))
          bad(
            "E0206",
            s,
            `split is the fraction of the data used for training, in (0, 1]; got ${v}`,
            "e.g. `split 0.9` trains on 90% and validates on the rest",
          );
        else out.split = v;
        break;
      }
      case "seed": {
        const v = num(s);
        if (v === undefined) break;
        if (!(Number.isInteger(v) && v >= 0 && v <= 2 ** 32 - 1)) bad("E0207", s, `seed must be an integer in [0, 2^32), got ${v}`);
        else out.seed = v;
        break;
      }
      case "evaluate": {
        const v = num(s);
        if (v === undefined) break;
        if (!(Number.isInteger(v) && v >= 1)) bad("E0207", s, `evaluate every N needs an integer N ≥ 1, got ${v}`);
        else out.evaluate = v;
        break;
      }
      case "annihilate": {
        const v = num(s);
        if (v === undefined) break;
        if (!(v >= 0)) bad("E0203", s, `annihilation rate must be non-negative and finite, got ${v}`);
        else out.annihilate = { value: v, span: s.span };
        break;
      }
      case "init": {
        const d = distribution(s, scope, sink);
        if (!d) break;
        if (s.qualifier !== "biases") out.init.weights = d;
        if (s.qualifier !== "weights") out.init.biases = d;
        break;
      }
      case "scale": {
        const v = num(s);
        if (v === undefined) break;
        if (!(v > 0)) bad("E0207", s, `scale must be a positive finite factor, got ${v}`, "features become (x + shift) · scale");
        else mapping.scale = v;
        break;
      }
      case "shift": {
        const v = num(s);
        if (v !== undefined) mapping.shift = v;
        break;
      }
      case "features":
        features.push(...(s.names ?? []));
        break;
      case "targets":
        targets.push(...(s.names ?? []));
        break;
    }
  }

  // Dataset.
  if (decl.dataset.kind === "path") {
    const path = resolve(dirname(sourcePath), decl.dataset.value);
    out.dataset = {
      kind: "csv",
      path,
      ...(features.length ? { features: features.map((f) => f.name) } : {}),
      ...(targets.length ? { targets: targets.map((f) => f.name) } : {}),
      ...mapping,
    };
    if (!exists(path)) sink.error("E0401", decl.dataset.span, `cannot find dataset file \`${decl.dataset.value}\``, `looked for ${path}`);
    else checkCsv(decl, path, out.dataset, sink, shape);
  } else {
    out.dataset = { kind: "builtin", name: decl.dataset.value, ...mapping };
    const info = BUILTIN_DATASETS[decl.dataset.value];
    if (!info) {
      sink.error(
        "E0401",
        decl.dataset.span,
        `unknown dataset \`${decl.dataset.value}\``,
        didYouMean(decl.dataset.value, Object.keys(BUILTIN_DATASETS)) ??
          `built-in datasets: ${Object.keys(BUILTIN_DATASETS).join(", ")}; or give a CSV file as a string: on "data.csv"`,
      );
    } else if (shape && (shape.inputs !== info.inputs || shape.outputs !== info.outputs)) {
      sink.error(
        "E0402",
        decl.dataset.span,
        `dataset \`${info.name}\` has ${info.inputs} input${info.inputs === 1 ? "" : "s"} and ${info.outputs} output${info.outputs === 1 ? "" : "s"}, but network \`${decl.network}\` is ${shape.inputs} → ${shape.outputs}`,
        `make the network's \`input ${info.inputs}\` and its last layer \`dense ${info.outputs} ...\``,
      );
    }
    for (const s of [seen.get("features"), seen.get("targets")])
      if (s) sink.warn("W0604", s.keySpan, `\`${s.key}\` only applies to CSV datasets; \`${decl.dataset.value}\` is built in`);
    // A shift that makes a built-in dataset's features negative.
    if (info && mapping.shift !== undefined && mapping.shift < 0) {
      try {
        loadDataset(out.dataset, 1, 0);
      } catch (e) {
        if (e instanceof NegativeFeatureError) sink.error("E0404", seen.get("shift")!.value?.span ?? decl.dataset.span, e.detail, e.hint);
        else if (!(e instanceof DatasetError)) throw e;
      }
    }
  }

  if (decl.noise) out.noise = checkNoise(decl.noise, scope, sink);
  for (const extra of decl.extraNoise ?? [])
    sink.error("E0114", extra.keySpan, "a train block has one `noise` block", `the first is at line ${decl.noise!.keySpan.line}; merge the settings into it`, {
      related: [{ span: decl.noise!.keySpan, message: "the first `noise` block" }],
    });
  return out;
}

/**
 * The CSV's content, read now so that `crnnc check` reports what `crnnc sim` would: malformed
 * rows (E0403), negative features after shift/scale (E0404), and a column count that does not
 * fit the network (E0402, as for a built-in dataset). Files the host serves but the disk does not have are left to the run.
 */
function checkCsv(decl: A.TrainDecl, path: string, spec: DatasetSpec, sink: DiagnosticSink, shape?: { inputs: number; outputs: number }): void {
  if (spec.kind !== "csv") return;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return;
  }
  const at = decl.dataset.span;
  // Unnamed targets are the last columns, as many as the network has outputs (one by default).
  if (!spec.targets?.length && shape && shape.outputs > 1) {
    const header = text
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== "" && !l.startsWith("#"));
    const names =
      header?.split(",").map((c) =>
        c
          .trim()
          .replace(/^"(.*)"$/, "$1")
          .trim(),
      ) ?? [];
    if (names.length > shape.outputs) spec.targets = names.slice(-shape.outputs);
  }
  try {
    const d = parseCsv(text, decl.dataset.value, spec.features, spec.targets);
    if (shape && (d.features.length !== shape.inputs || d.targets.length !== shape.outputs)) {
      const n = (k: number, w: string) => `${k} ${w}${k === 1 ? "" : "s"}`;
      sink.error(
        "E0402",
        at,
        `\`${decl.dataset.value}\` has ${n(d.features.length, "feature")} (${d.features.join(", ")}) and ${n(d.targets.length, "target")} (${d.targets.join(", ")}), but network \`${decl.network}\` is ${shape.inputs} → ${shape.outputs}`,
        "choose the columns with `features a, b` and `targets y` (default: the last columns are the targets, one per output, the rest are features), or change the network",
      );
    }
    transform(d.samples, spec, (i, j) => featurePlace(d, decl.dataset.value, i, j));
  } catch (e) {
    if (e instanceof NegativeFeatureError) sink.error("E0404", at, e.detail, e.hint);
    else if (e instanceof DatasetError) sink.error("E0403", at, e.detail, e.hint);
    else throw e;
  }
}

function distribution(s: A.Setting, scope: Scope, sink: DiagnosticSink): Distribution | undefined {
  const e = s.value;
  if (!e) return undefined;
  const known = ["uniform", "normal", "constant"];
  if (e.kind !== "call") {
    const v = evalStatic(e, scope, sink, "initial value");
    return v === undefined ? undefined : { kind: "constant", value: v };
  }
  if (!known.includes(e.callee)) {
    sink.error(
      "E0207",
      e.calleeSpan,
      `unknown distribution \`${e.callee}\``,
      didYouMean(e.callee, known) ?? "use uniform(low, high), normal(mean, std) or constant(value)",
    );
    return undefined;
  }
  const arity = e.callee === "constant" ? 1 : 2;
  if (e.args.length !== arity) {
    sink.error("E0104", e.span, `\`${e.callee}\` takes ${arity} argument${arity === 1 ? "" : "s"}, got ${e.args.length}`);
    return undefined;
  }
  const got = e.args.map((a) => evalStatic(a.value, scope, sink, "distribution parameter"));
  if (got.some((x) => x === undefined)) return undefined;
  const v = got as number[];
  if (v.some((x) => !Number.isFinite(x))) {
    sink.error("E0207", e.span, "distribution parameters must be finite");
    return undefined;
  }
  if (e.callee === "uniform") {
    if (v[0]! > v[1]!) {
      sink.error("E0207", e.span, `uniform(low, high) needs low ≤ high, got uniform(${v[0]}, ${v[1]})`);
      return undefined;
    }
    return { kind: "uniform", low: v[0]!, high: v[1]! };
  }
  if (e.callee === "normal") {
    if (v[1]! < 0) {
      sink.error("E0207", e.args[1]!.span, `normal(mean, std) needs std ≥ 0, got ${v[1]}`);
      return undefined;
    }
    return { kind: "normal", mean: v[0]!, std: v[1]! };
  }
  return { kind: "constant", value: v[0]! };
}

function checkNoise(n: A.NoiseBlock, scope: Scope, sink: DiagnosticSink): NoiseSettings {
  const out: NoiseSettings = { ...NOISE_DEFAULTS, on: [...NOISE_DEFAULTS.on] };
  const seen = new Set<string>();
  for (const s of n.settings) {
    if (seen.has(s.key)) {
      const first = n.settings.find((x) => x.key === s.key)!;
      sink.error("E0114", s.keySpan, `\`${s.key}\` is set twice in this noise block`, undefined, {
        related: [{ span: first.keySpan, message: `\`${s.key}\` first set here` }],
      });
      continue;
    }
    seen.add(s.key);
    if (s.key === "on") {
      const names = s.names ?? [];
      out.on = [];
      for (const nm of names) {
        if (!(NOISE_TARGETS as readonly string[]).includes(nm.name))
          sink.error(
            "E0207",
            nm.span,
            `unknown noise target \`${nm.name}\``,
            didYouMean(nm.name, NOISE_TARGETS) ?? `noise can hit: ${NOISE_TARGETS.join(", ")}`,
          );
        else if (!out.on.includes(nm.name)) out.on.push(nm.name);
      }
      continue;
    }
    const v = s.value ? evalStatic(s.value, scope, sink, `\`${s.key}\` value`) : undefined;
    if (v === undefined) continue;
    if (s.key === "epsilon") {
      if (!(v >= 0 && Number.isFinite(v))) sink.error("E0207", s.value!.span, `noise level ε must be non-negative, got ${v}`);
      else out.epsilon = v;
    } else if (s.key === "resample" || s.key === "hold") {
      if (!(v > 0 && Number.isFinite(v))) sink.error("E0207", s.value!.span, `\`${s.key}\` must be a positive time, got ${v}`);
      else out[s.key] = v;
    }
  }
  if (out.hold > out.resample) {
    const s = n.settings.find((x) => x.key === "hold");
    sink.error(
      "E0207",
      s?.value?.span ?? n.keySpan,
      `hold time t1 = ${out.hold} is longer than the resample interval t0 = ${out.resample}`,
      "noise is redrawn every t0 and held for t1 ≤ t0 (paper eq. 18)",
    );
  }
  return out;
}
