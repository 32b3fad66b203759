// The language worker: the compiler behind the editor. Every edit is checked here (the same
// diagnostics, codes, spans and hints as `crnnc check`), a program that compiles is summarised
// for the views (reactions, species, `crnnc info`, the graph), and the exports are written
// (SBML loads libSBML's WebAssembly on first use). All through the library's door: compile →
// IR → backends, with the source served by a host (the page's text; imports from the bundled
// files), never a disk.
import "./shims/process.js";
import {
  check,
  compile,
  crnGraph,
  emitAntimony,
  emitDot,
  emitJson,
  emitReactions,
  emitSbml,
  formatDiagnostics,
  formatInfo,
  formatReaction,
  formatText,
  protocolFor,
  summarize,
  VERSION,
  type CRN,
  type SourceHost,
} from "../../src/index.js";
import { existsSync, readFileSync } from "./shims/node-fs.js";
import { preloadDataset, writeBinary } from "./shims/vfs.js";
import { registerModule } from "./shims/node-misc.js";
import type { CompiledView, LangRequest, LangResponse } from "./messages.js";

const host: SourceHost = { readFile: (p) => readFileSync(p), exists: (p) => existsSync(p) };

const post = (m: LangResponse) => postMessage(m);

function view(ir: CRN): CompiledView {
  const s = summarize(ir);
  return {
    kind: ir.kind,
    name: ir.name,
    source: ir.source,
    species: ir.species.map((x) => ({ id: x.id, role: x.role, ...(x.layer !== undefined ? { layer: x.layer } : {}), init: x.init })),
    reactions: ir.reactions.map((r) => ({ text: formatReaction(r, ir), tag: r.tag, template: r.origin.template })),
    summary: {
      speciesCount: s.speciesCount,
      reactionCount: s.reactionCount,
      byTag: s.byTag,
      maxMolecularity: s.maxMolecularity,
      massAction: s.massAction,
      feedbackFree: s.feedbackFree.ok,
    },
    info: formatInfo(ir),
    graph: crnGraph(ir),
    ...(ir.train
      ? { train: { iterations: ir.train.iterations, dataset: ir.train.dataset.kind === "builtin" ? ir.train.dataset.name : ir.train.dataset.path } }
      : {}),
  };
}

/** libSBML for emitSbml: its Emscripten module and WebAssembly binary, fetched on the first SBML export only. */
let libsbmlReady: Promise<void> | undefined;
function loadLibsbml(): Promise<void> {
  libsbmlReady ??= (async () => {
    const [mod, wasm] = await Promise.all([
      import("libsbmljs_stable"),
      import("libsbmljs_stable/libsbml.wasm?url").then((u) => fetch(u.default)).then((r) => r.arrayBuffer()),
    ]);
    // Bundled as an ES module its code is strict, and the Emscripten factory sets `this.libsbml`: give it a `this`.
    const factory = (mod as { default: (m: object) => unknown }).default;
    registerModule("libsbmljs_stable", (m: object) => factory.call(globalThis, m));
    writeBinary("/crnnc/node_modules/libsbmljs_stable/libsbml.wasm", new Uint8Array(wasm));
  })();
  return libsbmlReady;
}

async function exportText(ir: CRN, format: string): Promise<string> {
  switch (format) {
    case "reactions":
      return emitReactions(ir);
    case "json":
      return emitJson(ir, VERSION);
    case "dot":
      return emitDot(ir);
    default: {
      // As `crnnc compile --emit sbml|antimony`: the training schedule in the cyclic order, as one event.
      if (ir.train?.dataset.kind === "builtin") await preloadDataset(ir.train.dataset.name);
      const protocol = ir.kind === "train" && ir.train ? protocolFor(ir, { order: "cyclic" }) : undefined;
      const opts = { version: VERSION, ...(protocol ? { protocol } : {}) };
      if (format === "antimony") return emitAntimony(ir, opts);
      await loadLibsbml();
      return emitSbml(ir, opts);
    }
  }
}

onmessage = async (e: MessageEvent<LangRequest>) => {
  const m = e.data;
  const t0 = performance.now();
  try {
    if (m.type === "check") {
      const r = compile(m.text, { file: m.file, host });
      // A file of definitions only is fine to check (as `crnnc check` says): check() filters that.
      const c = r.ir ? { ok: true, diagnostics: r.diagnostics, sources: r.sources } : check(m.text, { file: m.file, host });
      post({
        type: "checked",
        id: m.id,
        ok: c.ok,
        diagnostics: c.diagnostics,
        report: c.diagnostics.length ? formatDiagnostics(c.diagnostics, { sources: c.sources }) : "",
        ...(r.ir ? { view: view(r.ir) } : {}),
        ms: performance.now() - t0,
      });
    } else if (m.type === "format") {
      const r = await formatText(m.text, m.file);
      post({
        type: "formatted",
        id: m.id,
        ...(r.text !== undefined ? { text: r.text } : {}),
        report: formatDiagnostics(r.diagnostics, { sources: new Map([[m.file, m.text]]) }),
      });
    } else if (m.type === "export") {
      const r = compile(m.text, { file: m.file, host });
      if (!r.ir) post({ type: "exported", id: m.id, report: formatDiagnostics(r.diagnostics, { sources: r.sources }), ms: 0 });
      else post({ type: "exported", id: m.id, text: await exportText(r.ir, m.format), report: "", ms: performance.now() - t0 });
    }
  } catch (err) {
    const report = `internal error: ${(err as Error).stack ?? String(err)}`;
    if (m.type === "check") post({ type: "checked", id: m.id, ok: false, diagnostics: [], report, ms: 0 });
    else if (m.type === "format") post({ type: "formatted", id: m.id, report });
    else post({ type: "exported", id: m.id, report, ms: 0 });
  }
};
