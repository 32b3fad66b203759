// Diagnostics as JSON for programs (CI systems, editors without a language server):
// `crnnc check --format json`. One document for all the files checked; its shape is
// schemas/diagnostics.schema.json (test/check-format.test.ts validates against it). Lines and
// columns are 1-based; `end` is the position just after the last character, as in SARIF.
//
//   { "version": 1, "tool": { "name": "crnnc", ... }, "files": [{ "file": "bad.crnn", "errors": 1, ... }],
//     "diagnostics": [{ "code": "E0103", "severity": "error", "file": "bad.crnn", "start": { "line": 4, ... } }] }

import type { Span } from "../ir/span.js";
import { codes } from "./codes.js";
import type { Diagnostic } from "./diagnostic.js";

/** One checked file: its name as diagnostics show it, what was found, and what a flood left out. */
export interface CheckedFile {
  file: string;
  diagnostics: readonly Diagnostic[];
  omitted?: ReadonlyMap<string, { errors: number; warnings: number }>;
}

export interface Place {
  line: number;
  column: number;
  /** 0-based UTF-16 offset into the file. */
  offset: number;
}

/** A span's first position and the position after its last character. */
export function places(s: Span): { start: Place; end: Place } {
  const start = { line: s.line, column: s.col, offset: s.start };
  const end = s.end > s.start ? { line: s.endLine, column: s.endCol + 1, offset: s.end } : start;
  return { start, end };
}

const where = (s: Span) => ({ file: s.file, ...places(s) });

export function diagnosticsJson(files: readonly CheckedFile[], version: string): object {
  const count = (ds: readonly Diagnostic[], sev: string) => ds.filter((d) => d.severity === sev).length;
  return {
    version: 1,
    tool: { name: "crnnc", version },
    files: files.map((f) => {
      const omitted = [...(f.omitted?.values() ?? [])].reduce((a, o) => ({ errors: a.errors + o.errors, warnings: a.warnings + o.warnings }), {
        errors: 0,
        warnings: 0,
      });
      return {
        file: f.file,
        ok: count(f.diagnostics, "error") + omitted.errors === 0,
        errors: count(f.diagnostics, "error") + omitted.errors,
        warnings: count(f.diagnostics, "warning") + omitted.warnings,
        ...(omitted.errors + omitted.warnings ? { omitted } : {}),
      };
    }),
    diagnostics: files.flatMap((f) =>
      f.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        description: codes[d.code],
        ...(d.span ? where(d.span) : {}),
        ...(d.hint ? { hint: d.hint } : {}),
        related: (d.related ?? []).map((r) => ({ ...where(r.span), message: r.message })),
        fixes: (d.fixes ?? []).map((x) => ({ title: x.title, ...where(x.span), text: x.text })),
      })),
    ),
  };
}
