// Renders diagnostics for a terminal: `file:line:col: error[E0101]: message`, then a code frame
// with a caret under the offending text, then the hint and the related places (`= note: file:line:col: first definition of `k``).
//
//   examples/bad.crnn:3:14: error[E0101]: unknown rate constant `kk`
//      3 |   A -> B @ kk
//        |            ^^

import { MAX_DIAGNOSTICS_PER_FILE, type Diagnostic } from "./diagnostic.js";
import { splitLines } from "../util/lines.js";
import { spanText } from "../ir/span.js";

export interface FormatOptions {
  /** Source text by file name, for code frames. */
  sources: ReadonlyMap<string, string>;
  color?: boolean;
  /** Diagnostics left out per file (DiagnosticSink.omitted): said after the ones shown. */
  omitted?: ReadonlyMap<string, { errors: number; warnings: number }>;
}

/** Code frames show at most this many characters of a line. */
const FRAME_WIDTH = 120;

/** Tabs as spaces; other control characters (and C1 controls) as U+FFFD. */
function printable(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\t/g, " ").replace(/[\u0000-\u001f\u007f-\u009f]/g, "\ufffd");
}

/** Each file's lines, split once for all its diagnostics (a file with 100 errors is not split 100 times). */
const linesCache = new WeakMap<ReadonlyMap<string, string>, Map<string, string[]>>();
function sourceLines(sources: ReadonlyMap<string, string>, file: string): string[] | undefined {
  let m = linesCache.get(sources);
  if (!m) linesCache.set(sources, (m = new Map()));
  let ls = m.get(file);
  if (!ls) {
    const text = sources.get(file);
    if (text === undefined) return undefined;
    m.set(file, (ls = splitLines(text)));
  }
  return ls;
}

/**
 * One diagnostic for a terminal: `file:line:col: error[E0101]: message`, the source line with a
 * caret under the offending text (when `opts.sources` has the file), and the hint.
 *
 * @example
 * ```ts
 * import { compile, formatDiagnostic } from "crnnc";
 * const r = compile("crn c {\n  A -> B @ kk\n}\n", { file: "c.crnn" });
 * console.log(formatDiagnostic(r.diagnostics[0]!, { sources: r.sources, color: false }));
 * ```
 */
export function formatDiagnostic(d: Diagnostic, opts: FormatOptions): string {
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sev = d.severity === "error" ? paint("1;31", `error[${d.code}]`) : paint("1;33", `warning[${d.code}]`);
  const where = d.span ? `${d.span.file}:${d.span.line}:${d.span.col}: ` : "";
  const lines = [`${where}${sev}: ${d.message}`];
  const srcLines = d.span ? sourceLines(opts.sources, d.span.file) : undefined;
  if (d.span && srcLines) {
    const ln = d.span.line;
    const src = srcLines[ln - 1] ?? "";
    const width = String(ln).length;
    const gutter = " ".repeat(width);
    const endCol = d.span.endLine === ln ? d.span.endCol : src.length;
    const len = Math.max(1, endCol - d.span.col + 1);
    // A long line is shown as a window around the caret, so one minified or garbled line
    // cannot fill the terminal; control characters are shown as �, never sent to it.
    let from = 0;
    let to = src.length;
    if (src.length > FRAME_WIDTH) {
      from = Math.max(0, Math.min(d.span.col - 1 - 40, src.length - FRAME_WIDTH));
      to = from + FRAME_WIDTH;
    }
    const shown = `${from > 0 ? "…" : ""}${printable(src.slice(from, to))}${to < src.length ? "…" : ""}`;
    const caretAt = d.span.col - 1 - from + (from > 0 ? 1 : 0);
    lines.push(`${gutter} |`);
    lines.push(`${String(ln)} | ${shown}`);
    lines.push(`${gutter} | ${" ".repeat(Math.max(0, caretAt))}${paint("1;31", "^".repeat(Math.min(len, FRAME_WIDTH)))}`);
  }
  if (d.hint) lines.push(`  = hint: ${d.hint}`);
  for (const r of d.related ?? []) lines.push(`  = note: ${spanText(r.span)}: ${r.message}`);
  return lines.join("\n");
}

/**
 * Every diagnostic, formatted as {@link formatDiagnostic} does, with a closing count of errors
 * and warnings.
 *
 * @example
 * ```ts
 * import { compileFile, formatDiagnostics } from "crnnc";
 * const r = compileFile("net.crnn");
 * if (r.diagnostics.length) console.error(formatDiagnostics(r.diagnostics, { sources: r.sources, omitted: r.omitted, color: false }));
 * ```
 */
export function formatDiagnostics(ds: readonly Diagnostic[], opts: FormatOptions): string {
  const parts = ds.map((d) => formatDiagnostic(d, opts));
  let errors = ds.filter((d) => d.severity === "error").length;
  let warnings = ds.length - errors;
  for (const [file, o] of opts.omitted ?? []) {
    const what = [o.errors ? plural(o.errors, "more error") : "", o.warnings ? plural(o.warnings, "more warning") : ""].filter(Boolean).join(" and ");
    if (what) parts.push(`… and ${what}${file ? ` in ${file}` : ""} (the first ${MAX_DIAGNOSTICS_PER_FILE} of each are shown)`);
    errors += o.errors;
    warnings += o.warnings;
  }
  const summary = errors + warnings === 0 ? "" : `\n\n${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  return parts.join("\n\n") + summary;
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? "" : "s"}`;
