// The HTML report of a training run (`crnnc sim FILE --report out.html`): one self-contained page
// with the run's outcome and settings as tables, the learning curve E(t)/A(t), the traced
// species if the run had --trace, and for a classification dataset with three or more features
// the trained network's classification of every sample — a pair plot (up to 8 features, e.g.
// iris; paper Fig. 6B) or a PCA plane (more, e.g. mnist01; Fig. 6C). Partial runs (Ctrl-C, a
// blow-up) get a report too, with the reason at the top. A plot that cannot be drawn becomes
// a note instead of failing the report.
//
//   const html = await trainReport(run, ir);   writeFileAtomic("run.html", html)

import type { CRN } from "../ir/types.js";
import type { TrainResult } from "../train/trainer.js";
import { NetworkLayout } from "../train/readout.js";
import type { Dataset, Sample } from "../ir/protocol.js";
import { BUILTIN_DATASETS } from "../data/registry.js";
import { readBundled, readCsv } from "../data/datasets.js";
import { renderSvg, round, type TopLevelSpec } from "./render.js";
import { historySpec } from "./history.js";
import { traceSpec, type RailPair, type TraceView } from "./trace.js";
import { pca, pcaSpec } from "./pca.js";
import { pairsSpec } from "./pairs.js";
import { escapeHtml, figure, htmlPage, section, table } from "./html.js";

export interface ReportOptions {
  /** Most samples drawn in the classification plot (default 5000; an even subsample beyond). */
  maxPoints?: number;
  /** Show compile and simulation wall times (default true; false for byte-identical reports). */
  timings?: boolean;
  /** x axis of the learning curve and the trace: simulated time (default) or iterations. */
  x?: "time" | "iteration";
  /** Traced weight and bias rails: as net values w = W.p − W.m (default), as rails, or both. */
  traceView?: TraceView;
}

/** The report of run `r` of `ir` on `data` (the protocol's dataset). */
export async function trainReport(r: TrainResult, ir: CRN, data: Dataset, opts: ReportOptions = {}): Promise<string> {
  const title = `${r.network} on ${r.dataset.name}`;
  const parts: string[] = [];
  if (r.stopped) parts.push(`<p class="warn">Partial results: ${escapeHtml(r.stopped.message)}.</p>`);
  parts.push(section("Outcome", table(["", "value"], outcomeRows(r, opts.timings ?? true))));
  parts.push(section("Settings", table(["setting", "value"], settingsRows(r, ir))));

  const x = opts.x ?? "time";
  const validation = r.history.some((e) => e.validationError !== undefined);
  const accuracy = r.history.some((e) => e.trainAccuracy !== undefined);
  parts.push(
    section(
      "Learning curve",
      await plot(
        historySpec(r.history, { x }),
        `Error E(t) (paper eq. 17)${accuracy ? " and accuracy A(t)" : ""} of the training${validation ? " and validation sets" : " set"} at every evaluation, against ${x === "time" ? "the simulated time" : "the iteration"}.`,
      ),
    ),
  );
  if (r.trace) {
    const n = r.trace.t.length;
    const view = opts.traceView ?? "net";
    const pairs = railPairs(ir, r.trace.species);
    const names = pairs.map((p) => p.name).join(", ");
    const net =
      view !== "rails" && pairs.length
        ? `; ${pairs.length === 1 ? `${pairs[0]!.kind} ${names} drawn as its net value` : `${names} drawn as their net values`} (w = W.p − W.m)${view === "both" ? " and as rails" : ""}`
        : "";
    parts.push(
      section(
        "Traced species",
        await plot(
          traceSpec(r.trace, { pairs, view, x, period: r.settings.period }),
          `Concentrations of ${r.trace.species.join(", ")} over ${n} integrator step${n === 1 ? "" : "s"}${n > 1500 ? " (thinned for drawing: per time bucket the first, lowest, highest and last value)" : ""}${net}.`,
        ),
      ),
    );
  }
  const cls = await classificationSection(r, ir, data, opts);
  if (cls) parts.push(cls);
  return htmlPage(title, parts);
}

/** The weight and bias rail pairs of the IR with both rails among `traced`. */
function railPairs(ir: CRN, traced: readonly string[]): RailPair[] {
  const out: RailPair[] = [];
  for (const p of ir.species) {
    if ((p.role !== "weight" && p.role !== "bias") || p.rail !== "p" || !traced.includes(p.id)) continue;
    const m = ir.species.find((s) => s.role === p.role && s.rail === "m" && s.layer === p.layer && s.index === p.index && s.from === p.from);
    if (!m || !traced.includes(m.id)) continue;
    const name = p.id.endsWith("_p") && m.id === `${p.id.slice(0, -2)}_m` ? p.id.slice(0, -2) : `${p.id} − ${m.id}`;
    out.push({ name, p: p.id, m: m.id, kind: p.role });
  }
  return out;
}

async function plot(spec: TopLevelSpec, caption: string): Promise<string> {
  try {
    return figure(await renderSvg(spec), caption);
  } catch (e) {
    return `<p class="warn">This plot could not be drawn: ${escapeHtml((e as Error).message)}</p>`;
  }
}

function num(x: number | undefined, digits = 4): string {
  return x === undefined ? "" : Number.isFinite(x) ? String(round(x, digits)) : String(x);
}

function pct(x: number | undefined): string {
  return x === undefined ? "" : `${(x * 100).toFixed(1)}%`;
}

function outcomeRows(r: TrainResult, timings: boolean): string[][] {
  const last = r.history[r.history.length - 1];
  const rows: string[][] = [
    ["iterations run", `${r.iterationsRun} of ${r.settings.iterations}`],
    ["simulated time (a.u.)", num(r.iterationsRun * r.settings.period, 6)],
    [
      "dataset",
      `${r.dataset.name}: ${r.dataset.train} training, ${r.dataset.validation} validation samples${r.dataset.classification ? ` (${r.dataset.classification} classification)` : " (regression)"}`,
    ],
  ];
  if (last) {
    rows.push(["final train error E", num(last.trainError)]);
    if (last.trainAccuracy !== undefined) rows.push(["final train accuracy", pct(last.trainAccuracy)]);
    if (last.validationError !== undefined) rows.push(["final validation error E", num(last.validationError)]);
    if (last.validationAccuracy !== undefined) rows.push(["final validation accuracy", pct(last.validationAccuracy)]);
  }
  rows.push([`average train error, last ${Math.min(10, r.history.length)} evaluations`, num(r.averageTrainError)]);
  if (r.solvedAt !== undefined) rows.push(["100% train accuracy since iteration", String(r.solvedAt)]);
  if (r.stopped) rows.push(["stopped", `${r.stopped.reason}: ${r.stopped.message}`]);
  if (timings)
    rows.push(
      ["compile time", `${num(r.timings.compileMs / 1000, 3)} s`],
      ["simulation time", `${num(r.timings.simulateMs / 1000, 3)} s (${num(r.timings.msPerIteration, 3)} ms/iteration)`],
    );
  rows.push([
    "integrator steps",
    `${r.stats.steps} accepted, ${r.stats.rejected} rejected; ${r.stats.rhsEvals} rate, ${r.stats.jacEvals} Jacobian evaluations${r.stats.crossings ? `; ${r.stats.crossings} rate-law switch crossings located` : ""}`,
  ]);
  return rows;
}

function settingsRows(r: TrainResult, ir: CRN): string[][] {
  const rows: string[][] = [
    ["source", ir.source],
    [
      "network",
      (ir.layers ?? [])
        .map((l, i) =>
          i === 0
            ? String(l.size)
            : `${l.size} ${
                l.activation
                  ? `${l.activation.name}(${Object.entries(l.activation.params)
                      .map(([k, p]) => `${k}: ${ir.parameters[p]!.value}`)
                      .join(", ")})`
                  : ""
              }`,
        )
        .join(" → "),
    ],
    ["CRN", `${ir.species.length} species, ${ir.reactions.length} reactions`],
  ];
  const rates = ir.parameters.filter((p) => p.role === "rate");
  if (rates.length) rows.push(["rate constants", rates.map((p) => `${p.id} = ${p.value}`).join(", ")]);
  flatten(r.settings, "", rows);
  return rows;
}

/** Nested settings as dotted keys; distributions and lists as short text. */
function flatten(v: unknown, key: string, out: string[][]): void {
  if (v === undefined) return;
  if (v === null || typeof v !== "object") out.push([key, String(v)]);
  else if (Array.isArray(v)) out.push([key, v.map(String).join(", ")]);
  else if ("kind" in v && typeof (v as { kind: unknown }).kind === "string" && key.startsWith("init")) {
    const { kind, ...params } = v as Record<string, unknown>;
    out.push([key, `${String(kind)}(${Object.values(params).map(String).join(", ")})`]);
  } else for (const [k, x] of Object.entries(v)) flatten(x, key ? `${key}.${k}` : k, out);
}

interface Labels {
  features: string[];
  classes: string[];
}

/** Feature and class names of the run's dataset, where the data has them. */
function labels(ir: CRN, d: Dataset): Labels {
  const nIn = d.train[0]?.x.length ?? 0;
  const nOut = d.train[0]?.y.length ?? 0;
  const fallback: Labels = {
    features: Array.from({ length: nIn }, (_, j) => `x${j + 1}`),
    classes: d.classification === "threshold" ? ["0", "1"] : Array.from({ length: nOut }, (_, i) => `class ${i}`),
  };
  const spec = ir.train?.dataset;
  try {
    if (spec?.kind === "builtin" && BUILTIN_DATASETS[spec.name]?.file) {
      const b = readBundled(spec.name);
      return { features: b.features.length === nIn ? b.features : fallback.features, classes: b.classes.length === nOut ? b.classes : fallback.classes };
    }
    if (spec?.kind === "csv") {
      const c = readCsv(spec.path, spec.features, spec.targets);
      return {
        features: c.features.length === nIn ? c.features : fallback.features,
        classes: c.targets.length === nOut && nOut > 1 ? c.targets : fallback.classes,
      };
    }
  } catch {
    /* names are a nicety: fall back to x1…, class 0… */
  }
  return fallback;
}

function classOf(y: ArrayLike<number>, kind: Dataset["classification"]): number {
  if (kind === "threshold") return y[0]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let i = 1; i < y.length; i++) if (y[i]! > y[best]!) best = i;
  return best;
}

async function classificationSection(r: TrainResult, ir: CRN, data: Dataset, opts: ReportOptions): Promise<string | undefined> {
  if (!r.dataset.classification || !ir.layers || ir.layers[0]!.size < 3) return undefined;
  const heading = "Classification";
  const net = NetworkLayout.of(ir);
  if (net.noClosedForm.length)
    return section(
      heading,
      `<p>No classification plot: the activation ${escapeHtml(net.noClosedForm.join(", "))} has no closed form to evaluate the trained network with.</p>`,
    );
  const params = {
    w: r.weights.w.map((m) => Float64Array.from(m.flat())),
    b: r.weights.b.map((b) => Float64Array.from(b)),
  };
  const names = labels(ir, data);
  const all: (Sample & { set: string })[] = [...data.train.map((s) => ({ ...s, set: "train" })), ...data.validation.map((s) => ({ ...s, set: "validation" }))];
  const max = opts.maxPoints ?? 5000;
  const shown = all.length > max ? Array.from({ length: max }, (_, i) => all[Math.floor((i * all.length) / max)]!) : all;
  let wrong = 0;
  const classified = shown.map((s) => {
    const p = classOf(net.forward(params, s.x), data.classification);
    const t = classOf(s.y, data.classification);
    if (p !== t) wrong++;
    return { x: s.x, predicted: names.classes[p] ?? String(p), truth: names.classes[t] ?? String(t) };
  });
  const d = net.sizes[0]!;
  const count = `${shown.length} sample${shown.length === 1 ? "" : "s"} (training and validation${shown.length < all.length ? `, an even subsample of ${all.length}` : ""}), ${wrong} misclassified`;
  if (d <= 8) {
    const spec = pairsSpec(
      classified.map((c) => ({ features: c.x, predicted: c.predicted, truth: c.truth })),
      { features: names.features, classes: names.classes },
    );
    return section(
      heading,
      await plot(
        spec,
        `Pair plot of the ${d} input features, coloured by the class the trained network predicts, shaped by the true class; diagonal: density of each feature per predicted class. ${count}.`,
      ),
    );
  }
  const p = pca(
    classified.map((c) => c.x),
    2,
  );
  const spec = pcaSpec(
    classified.map((c, i) => ({ x: p.scores[i]![0]!, y: p.scores[i]![1]!, predicted: c.predicted, truth: c.truth })),
    { classes: names.classes, explained: p.explained },
  );
  return section(
    heading,
    await plot(
      spec,
      `The ${d} inputs projected onto their first two principal components, coloured by the class the trained network predicts, shaped by the true class. ${count}.`,
    ),
  );
}
