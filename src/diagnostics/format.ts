// Renders diagnostics for a terminal: `file:line:col: error[E0101]: message`, then a code frame
// with a caret under the offending text, then the hint.
//
//   examples/bad.crnn:3:14: error[E0101]: unknown rate constant `kk`
//      3 |   A -> B @ kk
//        |            ^^

import type { Diagnostic } from "./diagnostic.js";
import { splitLines } from "../util/lines.js";

export interface FormatOptions {
  /** Source text by file name, for code frames. */
  sources: ReadonlyMap<string, string>;
  color?: boolean;
}

export function formatDiagnostic(d: Diagnostic, opts: FormatOptions): string {
  const paint = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sev = d.severity === "error" ? paint("1;31", `error[${d.code}]`) : paint("1;33", `warning[${d.code}]`);
  const where = d.span ? `${d.span.file}:${d.span.line}:${d.span.col}: ` : "";
  const lines = [`${where}${sev}: ${d.message}`];
  const text = d.span ? opts.sources.get(d.span.file) : undefined;
  if (d.span && text !== undefined) {
    const srcLines = splitLines(text);
    const ln = d.span.line;
    const src = srcLines[ln - 1] ?? "";
    const width = String(ln).length;
    const gutter = " ".repeat(width);
    const endCol = d.span.endLine === ln ? d.span.endCol : src.length;
    const len = Math.max(1, endCol - d.span.col + 1);
    lines.push(`${gutter} |`);
    lines.push(`${String(ln)} | ${src.replace(/\t/g, " ")}`);
    lines.push(`${gutter} | ${" ".repeat(Math.max(0, d.span.col - 1))}${paint("1;31", "^".repeat(len))}`);
  }
  if (d.hint) lines.push(`  = hint: ${d.hint}`);
  return lines.join("\n");
}

export function formatDiagnostics(ds: readonly Diagnostic[], opts: FormatOptions): string {
  const body = ds.map((d) => formatDiagnostic(d, opts)).join("\n\n");
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.length - errors;
  const summary = errors + warnings === 0 ? "" : `\n\n${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`;
  return body + summary;
}
