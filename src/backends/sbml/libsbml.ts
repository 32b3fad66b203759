// The one place that loads libSBML (npm `libsbmljs_stable`, the WebAssembly build of libSBML
// 5.18). It is an Emscripten module: loaded once, asynchronously, quietly (its own console
// output and the process handlers it installs are removed), and shared by every caller.
//
//   const sb = await libsbml();  const doc = new sb.SBMLDocument(3, 2);

import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

/** The Emscripten module: its classes and enums are looked up by name (no typings ship with it). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Libsbml = any;

let loading: Promise<Libsbml> | undefined;

export function libsbml(): Promise<Libsbml> {
  loading ??= load();
  return loading;
}

async function load(): Promise<Libsbml> {
  const require = createRequire(import.meta.url);
  const factory = require("libsbmljs_stable") as (m: object) => { then: (f: (m: Libsbml) => void) => void };
  // Giving the binary directly avoids the streaming compile (and its warning on Node).
  const wasmBinary = readFileSync(require.resolve("libsbmljs_stable/libsbml.wasm"));
  const events = ["uncaughtException", "unhandledRejection"] as const;
  const listeners = (e: string) => process.listeners(e as "uncaughtException") as unknown[];
  const before = events.map((e) => new Set(listeners(e)));
  const quiet = () => {};
  const mod = await new Promise<Libsbml>((res) =>
    factory({ wasmBinary, print: quiet, printErr: quiet }).then((m) => {
      // The module is a thenable: awaiting it as is would loop forever.
      delete (m as { then?: unknown }).then;
      res(m);
    }),
  );
  // Emscripten installs handlers that turn any unhandled rejection into an abort: remove them.
  events.forEach((e, i) => {
    for (const l of listeners(e)) if (!before[i]!.has(l)) process.off(e as "uncaughtException", l as () => void);
  });
  return mod;
}

export interface SbmlIssue {
  severity: "info" | "warning" | "error" | "fatal";
  category: string;
  id: number;
  line: number;
  message: string;
}

const CATEGORIES: Record<number, string> = {
  0: "internal",
  1: "system",
  2: "XML",
  3: "SBML",
  7: "general consistency",
  8: "identifier consistency",
  9: "units consistency",
  10: "MathML consistency",
  11: "SBO consistency",
  12: "overdetermined model",
  14: "modeling practice",
  15: "internal consistency",
};

/**
 * The errors a document holds. libsbmljs binds only `SBMLError.getMessage`; the id, severity,
 * category and line are read from the error object's fields (libSBML 5.18's XMLError layout,
 * wasm32), checked for plausibility, and reported as an error when they are not.
 */
export function documentIssues(sb: Libsbml, doc: Libsbml): SbmlIssue[] {
  const out: SbmlIssue[] = [];
  const n = doc.getNumErrors() as number;
  for (let i = 0; i < n; i++) {
    const e = doc.getError(i);
    const message = String(e.getMessage()).trim();
    const H = sb.HEAPU32 as Uint32Array | undefined;
    let severity: SbmlIssue["severity"] = "error";
    let category = "unknown";
    let id = 0;
    let line = 0;
    if (H && e.ptr) {
      const p = (e.ptr as number) >> 2;
      const [eid, sev, cat, ln] = [H[p + 1]!, H[p + 8]!, H[p + 9]!, H[p + 10]!];
      if (eid > 0 && eid < 10_000_000 && sev <= 3 && cat < 64) {
        id = eid;
        severity = (["info", "warning", "error", "fatal"] as const)[sev]!;
        category = CATEGORIES[cat] ?? `category ${cat}`;
        line = ln;
      }
    }
    out.push({ severity, category, id, line, message });
  }
  return out;
}

/**
 * Validate an SBML document with libSBML as `crnnc validate` does: the reading errors, then
 * libSBML's full consistency check (every category, units included) when it could be read.
 *
 * @example
 * ```ts
 * import { compileFile, emitSbml, checkSbml } from "crnnc";
 * const xml = await emitSbml(compileFile("examples/divide.crnn").ir!);
 * const { read, consistency } = await checkSbml(xml);
 * const errors = [...read, ...consistency].filter((e) => e.severity === "error" || e.severity === "fatal");
 * console.log(errors.length);   // 0
 * ```
 */
export async function checkSbml(xml: string): Promise<{ read: SbmlIssue[]; consistency: SbmlIssue[] }> {
  const sb = await libsbml();
  const doc = new sb.SBMLReader().readSBMLFromString(xml);
  const read = documentIssues(sb, doc);
  if (read.some((e) => e.severity === "error" || e.severity === "fatal")) return { read, consistency: [] };
  for (const c of [
    "GENERAL_CONSISTENCY",
    "IDENTIFIER_CONSISTENCY",
    "UNITS_CONSISTENCY",
    "MATHML_CONSISTENCY",
    "SBO_CONSISTENCY",
    "OVERDETERMINED_MODEL",
    "MODELING_PRACTICE",
  ])
    doc.setConsistencyChecks(sb[`LIBSBML_CAT_${c}`], true);
  const before = doc.getNumErrors() as number;
  doc.checkConsistency();
  const all = documentIssues(sb, doc);
  return { read: all.slice(0, before), consistency: all.slice(before) };
}
