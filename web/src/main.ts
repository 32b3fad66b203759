// The playground page: a CodeMirror editor for .crnn with live diagnostics, the compiled network's
// views (summary with `crnnc info`, reactions by sub-network, species with roles, the graph), runs
// with live plots, exports and sharing. The page only draws: checking, compiling and exporting
// happen in the language worker, training and simulation in the run worker.
import { EditorState } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, defaultHighlightStyle, bracketMatching } from "@codemirror/language";
import { linter, lintGutter, type Diagnostic as CmDiagnostic } from "@codemirror/lint";
import { crnnLanguage } from "./crnn-language.js";
import { drawGraph } from "./graph-view.js";
import { linePlot, type Series } from "./plots.js";
import { packSource, readHash, unpackSource } from "./share.js";
import type { CompiledView, ExportFormat, LangRequest, LangResponse, RunRequest, RunResponse, TraceChunk } from "./messages.js";
import type { Evaluation } from "../../src/index.js";
import { EXAMPLE_NAMES, exampleText } from "./examples.js";
import EXAMPLE_SUMMARIES from "virtual:crnnc-example-summaries";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

// ── Workers ──────────────────────────────────────────────────────────────────────────────
const lang = new Worker(new URL("./lang-worker.ts", import.meta.url), { type: "module" });
let runner = newRunner();
function newRunner(): Worker {
  const w = new Worker(new URL("./run-worker.ts", import.meta.url), { type: "module" });
  w.onmessage = (e: MessageEvent<RunResponse>) => onRun(e.data);
  return w;
}

let nextId = 1;
const pending = new Map<number, (r: LangResponse) => void>();
lang.onmessage = (e: MessageEvent<LangResponse>) => {
  const f = pending.get(e.data.id);
  pending.delete(e.data.id);
  f?.(e.data);
};
type Req = LangRequest extends infer R ? (R extends LangRequest ? Omit<R, "id"> : never) : never;
function ask<T extends LangResponse>(req: Req): Promise<T> {
  const id = nextId++;
  return new Promise((res) => {
    pending.set(id, res as (r: LangResponse) => void);
    lang.postMessage({ ...req, id } as LangRequest);
  });
}

// ── State ────────────────────────────────────────────────────────────────────────────────
/** The name the source is compiled as (diagnostics, the IR's source, SBML's notes say it). */
let file = "/crnnc/playground.crnn";
let compiled: CompiledView | undefined;
const displayName = () => file.replace(/^\/crnnc\//, "");

// ── Editor ───────────────────────────────────────────────────────────────────────────────
const diagnosticsLinter = linter(
  async (view) => {
    const text = view.state.doc.toString();
    const r = await ask<Extract<LangResponse, { type: "checked" }>>({ type: "check", text, file });
    if (view.state.doc.toString() !== text) return [];
    showChecked(r);
    const len = view.state.doc.length;
    return r.diagnostics
      .filter((d) => !d.span || d.span.file === displayName())
      .map((d): CmDiagnostic => ({
        from: Math.min(d.span?.start ?? 0, len),
        to: Math.min(Math.max(d.span?.end ?? 0, (d.span?.start ?? 0) + 1), len),
        severity: d.severity === "error" ? "error" : "warning",
        source: d.code,
        message: `${d.code}: ${d.message}${d.hint ? `\nhint: ${d.hint}` : ""}`,
      }));
  },
  { delay: 200 },
);

const editor = new EditorView({
  parent: $("editor"),
  state: EditorState.create({
    doc: "",
    extensions: [
      lineNumbers(),
      history(),
      drawSelection(),
      highlightActiveLine(),
      bracketMatching(),
      crnnLanguage,
      syntaxHighlighting(defaultHighlightStyle),
      lintGutter(),
      diagnosticsLinter,
      keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
    ],
  }),
});

function setSource(text: string, name: string) {
  file = `/crnnc/${name}`;
  editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: text } });
}

// ── Views ────────────────────────────────────────────────────────────────────────────────
function showChecked(r: Extract<LangResponse, { type: "checked" }>) {
  $("diagnostics").textContent = r.report;
  const status = $("status");
  if (r.view) {
    compiled = r.view;
    const v = r.view;
    status.className = "status";
    status.textContent = `${v.kind} ${v.name}: ${v.summary.speciesCount} species, ${v.summary.reactionCount} reactions`;
    renderViews(v);
  } else {
    const errors = r.diagnostics.filter((d) => d.severity === "error").length;
    status.className = "status error";
    status.textContent = r.ok ? "no crn, network or train block to compile" : `${errors} error${errors === 1 ? "" : "s"}`;
  }
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
let graphDrawn: CompiledView | undefined;

function renderViews(v: CompiledView) {
  $("info").textContent = v.info;
  // Reactions grouped by sub-network.
  const groups = new Map<string, string[]>();
  for (const r of v.reactions) groups.set(r.tag, [...(groups.get(r.tag) ?? []), r.text]);
  $("tab-reactions").innerHTML = [...groups]
    .map(([tag, lines]) => `<details open><summary>${tag}: ${lines.length} reactions</summary><div class="rxn">${esc(lines.join("\n"))}</div></details>`)
    .join("");
  // Species with their roles.
  $("tab-species").innerHTML =
    `<table><thead><tr><th>species</th><th>role</th><th>layer</th><th>initial</th></tr></thead><tbody>` +
    v.species
      .map((s) => `<tr><td>${esc(s.id)}</td><td><span class="role role-${s.role}">${s.role}</span></td><td>${s.layer ?? ""}</td><td>${s.init}</td></tr>`)
      .join("") +
    `</tbody></table>`;
  const isTrain = !!v.train;
  $("iterations-label").hidden = !isTrain;
  $("until-label").hidden = isTrain;
  if (!$("tab-graph").hidden) drawGraphView();
}

function drawGraphView() {
  if (!compiled || graphDrawn === compiled) return;
  graphDrawn = compiled;
  const v = compiled;
  drawGraph($("graph"), v.graph, {
    onSelect: (sel) => {
      const out = $("graph-selection");
      if (sel.species !== undefined) {
        const s = v.species[sel.species]!;
        const rs = v.graph.edges.filter((e) => e.s === sel.species).map((e) => `${e.kind.padEnd(3)} ${v.reactions[e.r]!.text}   [${v.reactions[e.r]!.tag}]`);
        out.textContent = `${s.id} (${s.role}${s.layer !== undefined ? `, layer ${s.layer}` : ""}), in ${rs.length} reactions:\n${rs.join("\n")}`;
      } else if (sel.reaction !== undefined) {
        const r = v.reactions[sel.reaction]!;
        out.textContent = `reaction ${sel.reaction} (${r.tag}, from ${r.template}):\n${r.text}`;
      } else out.textContent = "Click a species or a reaction. Wheel: zoom; drag: pan.";
    },
  });
}

for (const b of document.querySelectorAll<HTMLButtonElement>("#tabs button"))
  b.addEventListener("click", () => {
    for (const o of document.querySelectorAll<HTMLButtonElement>("#tabs button")) o.classList.toggle("active", o === b);
    for (const t of document.querySelectorAll<HTMLElement>(".tab")) t.hidden = t.id !== `tab-${b.dataset["tab"]}`;
    if (b.dataset["tab"] === "graph") drawGraphView();
  });

// ── Run ──────────────────────────────────────────────────────────────────────────────────
let runHistory: Evaluation[] = [];
let runTrace: TraceChunk | undefined;
let runCsv: string | undefined;
let running = false;

function setRunning(on: boolean) {
  running = on;
  $<HTMLButtonElement>("run").disabled = on;
  $<HTMLButtonElement>("stop").disabled = !on;
}

function drawRunPlots() {
  const e = runHistory;
  const err: Series[] = [{ name: "train E", color: "#c53030", points: e.map((h) => [h.time, h.trainError]) }];
  if (e.some((h) => h.validationError !== undefined))
    err.push({ name: "validation E", color: "#dd6b20", points: e.map((h) => [h.time, h.validationError ?? NaN]) });
  $("plot-error").innerHTML = linePlot(err, { title: "E(t)", xLabel: "time t (a.u.)", yLabel: "error E", logY: true });
  if (e.some((h) => h.trainAccuracy !== undefined)) {
    const acc: Series[] = [{ name: "train A", color: "#2b6cb0", points: e.map((h) => [h.time, h.trainAccuracy ?? NaN]) }];
    $("plot-accuracy").innerHTML = linePlot(acc, { title: "A(t)", xLabel: "time t (a.u.)", yLabel: "accuracy", yMin: 0, yMax: 1 });
  }
  if (runTrace && runTrace.t.length) {
    const colors = ["#2f855a", "#6b46c1", "#b7791f", "#2c7a7b"];
    const tr = runTrace;
    const series = tr.species
      .slice(0, 8)
      .map((s, i): Series => ({ name: s, color: colors[i % colors.length]!, points: tr.t.map((t, k) => [t, tr.values[k]![i]!]) }));
    $("plot-trace").innerHTML = linePlot(series, { title: "trajectories", xLabel: "time t (a.u.)", yLabel: "concentration (a.u.)" });
  }
}

function appendTrace(c: TraceChunk) {
  if (!runTrace) runTrace = { species: c.species, t: [], values: [] };
  runTrace.t.push(...c.t);
  runTrace.values.push(...c.values);
  // Keep the live plot light: thin what has been drawn already.
  if (runTrace.t.length > 3000) {
    runTrace = { species: runTrace.species, t: runTrace.t.filter((_, i) => i % 2 === 0), values: runTrace.values.filter((_, i) => i % 2 === 0) };
  }
}

function onRun(m: RunResponse) {
  const status = $("run-status");
  const progress = $<HTMLProgressElement>("progress");
  if (m.type === "started") {
    status.textContent = m.iterations ? `0 / ${m.iterations}` : "integrating…";
    if (!m.iterations) progress.removeAttribute("value");
  } else if (m.type === "progress") {
    runHistory.push(...m.history);
    if (m.trace) appendTrace(m.trace);
    progress.value = m.iteration / m.iterations;
    status.textContent = `${m.iteration} / ${m.iterations}, ${(m.elapsedMs / 1000).toFixed(1)} s`;
    drawRunPlots();
  } else if (m.type === "done") {
    runHistory = m.history;
    runTrace = m.trace;
    runCsv = m.csv;
    progress.value = 1;
    setRunning(false);
    const last = m.history[m.history.length - 1];
    status.textContent = `${m.stopped ? `${m.stopped} after ` : "done: "}${m.iterationsRun} iterations, ${m.msPerIteration.toFixed(2)} ms/iteration`;
    status.dataset["msPerIteration"] = String(m.msPerIteration);
    status.dataset["done"] = "1";
    $("run-log").textContent = last
      ? `iteration ${last.iteration}: train E = ${last.trainError.toPrecision(4)}${last.trainAccuracy !== undefined ? `, accuracy ${(last.trainAccuracy * 100).toFixed(0)}%` : ""}`
      : "";
    drawRunPlots();
  } else if (m.type === "trajectory") {
    runCsv = m.csv;
    progress.value = 1;
    setRunning(false);
    status.textContent = m.stopped ?? `done in ${(m.elapsedMs / 1000).toFixed(2)} s`;
    status.dataset["done"] = "1";
    runTrace = { species: m.species, t: m.t, values: m.values };
    runHistory = [];
    $("plot-error").innerHTML = "";
    $("plot-accuracy").innerHTML = "";
    drawRunPlots();
  } else if (m.type === "error") {
    setRunning(false);
    status.textContent = m.message;
  } else if (m.type === "svg") {
    const f = svgWaiting.get(m.id);
    svgWaiting.delete(m.id);
    f?.(m.svg, m.error);
  }
}

$("run").addEventListener("click", () => {
  if (running || !compiled) return;
  runHistory = [];
  runTrace = undefined;
  runCsv = undefined;
  delete $("run-status").dataset["done"];
  setRunning(true);
  $<HTMLProgressElement>("progress").value = 0;
  document.querySelector<HTMLButtonElement>('#tabs button[data-tab="run"]')!.click();
  const text = editor.state.doc.toString();
  const req: RunRequest = compiled.train
    ? { type: "train", text, file, iterations: Math.max(1, Math.floor(Number($<HTMLInputElement>("iterations").value) || 1)), trace: true }
    : { type: "simulate", text, file, until: Number($<HTMLInputElement>("until").value) || 10, points: 201 };
  runner.postMessage(req);
});

$("stop").addEventListener("click", () => {
  if (!running) return;
  if (compiled?.train) runner.postMessage({ type: "stop" } satisfies RunRequest);
  else {
    // A raw crn's integration is one call: end the worker and start a fresh one.
    runner.terminate();
    runner = newRunner();
    setRunning(false);
    $("run-status").textContent = "stopped";
  }
});

// ── Export ───────────────────────────────────────────────────────────────────────────────
const svgWaiting = new Map<number, (svg?: string, error?: string) => void>();
function askRunner(req: RunRequest & { id: number }): Promise<string> {
  return new Promise((res, rej) => {
    svgWaiting.set(req.id, (svg, error) => (svg ? res(svg) : rej(new Error(error ?? "failed"))));
    runner.postMessage(req);
  });
}

function download(name: string, text: string, type: string) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([text], { type }));
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

const base = () =>
  displayName()
    .replace(/^.*\//, "")
    .replace(/\.crnn$/, "");
const EXT: Record<ExportFormat, [string, string]> = {
  sbml: [".xml", "application/xml"],
  antimony: [".antimony", "text/plain"],
  json: [".json", "application/json"],
  reactions: [".txt", "text/plain"],
  dot: [".dot", "text/vnd.graphviz"],
};

$<HTMLSelectElement>("export").addEventListener("change", async (e) => {
  const sel = e.target as HTMLSelectElement;
  const what = sel.value;
  sel.value = "";
  const status = $("run-status");
  try {
    if (what in EXT) {
      status.textContent = `writing ${what}…`;
      const r = await ask<Extract<LangResponse, { type: "exported" }>>({
        type: "export",
        text: editor.state.doc.toString(),
        file,
        format: what as ExportFormat,
      });
      if (r.text === undefined) throw new Error(r.report || "the program has errors");
      const [ext, type] = EXT[what as ExportFormat];
      download(base() + ext, r.text, type);
      status.textContent = `${what} written (${(r.ms / 1000).toFixed(2)} s)`;
    } else if (what === "csv") {
      if (!runCsv) throw new Error("run it first");
      download(`${base()}.csv`, runCsv, "text/csv");
    } else if (what === "history-svg" || what === "trace-svg") {
      const svg = await askRunner({ type: "plot", kind: what === "history-svg" ? "history" : "trace", id: nextId++ });
      download(`${base()}-${what === "history-svg" ? "history" : "trace"}.svg`, svg, "image/svg+xml");
    } else if (what === "report") {
      download(`${base()}-report.html`, await askRunner({ type: "report", id: nextId++ }), "text/html");
    }
  } catch (err) {
    status.textContent = (err as Error).message;
  }
});

// ── Format, share, examples ──────────────────────────────────────────────────────────────
$("format").addEventListener("click", async () => {
  const r = await ask<Extract<LangResponse, { type: "formatted" }>>({ type: "format", text: editor.state.doc.toString(), file: displayName() });
  if (r.text !== undefined) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: r.text } });
  else $("diagnostics").textContent = r.report;
});

$("share").addEventListener("click", async () => {
  const src = await packSource(editor.state.doc.toString());
  window.history.replaceState(null, "", `#file=${encodeURIComponent(displayName())}&src=${src}`);
  await navigator.clipboard?.writeText(location.href).catch(() => undefined);
  $("run-status").textContent = "the address now holds the source";
});

const examples = $<HTMLSelectElement>("examples");
examples.innerHTML = `<option value="">…</option>` + EXAMPLE_NAMES.map((n) => `<option>${n}</option>`).join("");
examples.addEventListener("change", () => {
  if (!examples.value) return;
  window.history.replaceState(null, "", `#example=${examples.value}`);
  void openFromHash();
});

async function openFromHash() {
  const h = readHash(location.hash);
  const ex = h.example ?? (h.src ? undefined : "xor");
  if (ex && exampleText(ex) !== undefined) {
    examples.value = ex;
    setSource(exampleText(ex)!, `examples/${ex}.crnn`);
    // Its counts as the build compiled them, until the language worker reports on the text itself.
    const s = EXAMPLE_SUMMARIES[ex];
    if (s) $("status").textContent = `${s.kind} ${s.name}: ${s.speciesCount} species, ${s.reactionCount} reactions`;
    const t = exampleText(ex)!;
    const m = /iterations\s+(\d+)/.exec(t);
    $<HTMLInputElement>("iterations").value = String(Math.min(Number(m?.[1] ?? 300), 300));
  } else if (h.src) {
    setSource(await unpackSource(h.src), h.file ?? "playground.crnn");
  }
}
window.addEventListener("hashchange", () => void openFromHash());
void openFromHash();

/** The editor's text, for the browser tests and the bench. */
(window as unknown as { crnncSource: () => string }).crnncSource = () => editor.state.doc.toString();
