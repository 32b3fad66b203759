// The run worker: trains a train block or integrates a raw crn, off the page's thread, and
// streams progress — every evaluation of E(t)/A(t) as it comes, and the traced output species —
// so the page draws while the chemistry runs. "stop" aborts after the current iteration (the
// library's AbortSignal; trainAsync yields often enough to hear it). Plots as SVG and the HTML
// report of a finished run come from the library's vega-lite plots, loaded on first use.
import "./shims/process.js";
import {
  compile,
  csvText,
  historyCsv,
  historySvg,
  protocolFor,
  simulate,
  traceSvg,
  trainAsync,
  trainReport,
  type CRN,
  type Evaluation,
  type SourceHost,
  type TrainResult,
} from "../../src/index.js";
import { existsSync, readFileSync } from "./shims/node-fs.js";
import { preloadDataset } from "./shims/vfs.js";
import type { RunRequest, RunResponse, TraceChunk } from "./messages.js";

const host: SourceHost = { readFile: (p) => readFileSync(p), exists: (p) => existsSync(p) };
const post = (m: RunResponse) => postMessage(m);

let abort: AbortController | undefined;
let last: { result: TrainResult; ir: CRN; protocol: ReturnType<typeof protocolFor> } | undefined;

/** At most `n` points of a trace, evenly spaced (the plot needs no more). */
function thin(t: TraceChunk, n = 400): TraceChunk {
  if (t.t.length <= n) return t;
  const idx = Array.from({ length: n }, (_, i) => Math.round((i * (t.t.length - 1)) / (n - 1)));
  return { species: t.species, t: idx.map((i) => t.t[i]!), values: idx.map((i) => t.values[i]!) };
}

function compileOrReport(text: string, file: string): CRN | undefined {
  const r = compile(text, { file, host });
  if (!r.ir) post({ type: "error", message: "the program has errors" });
  return r.ir;
}

async function runTrain(m: Extract<RunRequest, { type: "train" }>) {
  const t0 = performance.now();
  const ir = compileOrReport(m.text, m.file);
  if (!ir) return;
  if (!ir.train) return post({ type: "error", message: `\`${ir.name}\` has no train block` });
  if (ir.train.dataset.kind === "builtin") await preloadDataset(ir.train.dataset.name);
  const protocol = protocolFor(ir, { iterations: m.iterations });
  // The output nodes' concentrations, to watch the network answer each sample.
  const trace = m.trace ? ir.species.filter((s) => s.role === "node" && s.layer === (ir.layers?.length ?? 1) - 1).map((s) => s.id) : [];
  abort = new AbortController();
  post({ type: "started", iterations: m.iterations, compileMs: performance.now() - t0 });
  let sent = 0;
  let traceSent = 0;
  let lastPost = 0;
  let history: Evaluation[] = [];
  let traceNew: TraceChunk | undefined;
  const result = await trainAsync(ir, {
    protocol,
    signal: abort.signal,
    ...(trace.length ? { trace } : {}),
    onProgress: (p) => {
      if (p.last && (history.length === 0 || history[history.length - 1] !== p.last)) history.push(p.last);
      const now = performance.now();
      if (now - lastPost < 100 && p.iteration < p.iterations) return;
      lastPost = now;
      post({
        type: "progress",
        iteration: p.iteration,
        iterations: p.iterations,
        elapsedMs: p.elapsedMs,
        history: history.slice(sent),
        ...(traceNew ? { trace: thin(traceNew, 100) } : {}),
      });
      sent = history.length;
      traceNew = undefined;
    },
    // The traced values so far come with the run's checkpoints (a few a second; nothing is written anywhere).
    ...(trace.length
      ? {
          checkpoint: {
            seconds: 0.3,
            write: (cp) => {
              if (!cp.trace) return;
              traceNew = { species: cp.trace.species, t: cp.trace.t.slice(traceSent), values: cp.trace.values.slice(traceSent) };
              traceSent = cp.trace.t.length;
            },
          },
        }
      : {}),
  });
  history = result.history;
  last = { result, ir, protocol };
  abort = undefined;
  post({
    type: "done",
    iterationsRun: result.iterationsRun,
    msPerIteration: result.timings.msPerIteration,
    elapsedMs: performance.now() - t0,
    ...(result.stopped ? { stopped: result.stopped.reason === "interrupted" ? "stopped" : result.stopped.message } : {}),
    history: result.history,
    csv: historyCsv(result.history),
    ...(result.trace ? { trace: thin(result.trace, 2000) } : {}),
  });
}

function runSimulate(m: Extract<RunRequest, { type: "simulate" }>) {
  const t0 = performance.now();
  const ir = compileOrReport(m.text, m.file);
  if (!ir) return;
  post({ type: "started", iterations: 0, compileMs: performance.now() - t0 });
  // As `crnnc sim` integrates a raw crn: rtol 1e-8, atol 1e-12.
  const tr = simulate(ir, { until: m.until, points: m.points, rtol: 1e-8, atol: 1e-12 });
  const values = tr.values.map((v) => Array.from(v));
  const csv = csvText(
    ["time", ...tr.species],
    tr.t.map((t, i) => [t, ...values[i]!]),
  );
  post({
    type: "trajectory",
    species: tr.species,
    t: tr.t,
    values,
    csv,
    ...(tr.stopped ? { stopped: tr.stopped.message } : {}),
    elapsedMs: performance.now() - t0,
  });
}

onmessage = async (e: MessageEvent<RunRequest>) => {
  const m = e.data;
  try {
    if (m.type === "stop") abort?.abort();
    else if (m.type === "train") await runTrain(m);
    else if (m.type === "simulate") runSimulate(m);
    else if (m.type === "plot") {
      if (!last) return post({ type: "svg", id: m.id, error: "no finished run" });
      const svg =
        m.kind === "history"
          ? await historySvg(last.result.history, { logError: true, title: last.ir.name })
          : last.result.trace
            ? await traceSvg(last.result.trace)
            : undefined;
      post({ type: "svg", id: m.id, ...(svg ? { svg } : { error: "the run traced no species" }) });
    } else if (m.type === "report") {
      if (!last) return post({ type: "svg", id: m.id, error: "no finished run" });
      post({ type: "svg", id: m.id, svg: await trainReport(last.result, last.ir, last.protocol.data, {}) });
    }
  } catch (err) {
    post({ type: "error", message: (err as Error).message, report: (err as Error).stack ?? "" });
  }
};
