// Diagnostics: the one channel through which every stage reports problems in the user's input.
// Stages never throw for bad input; they push into a `DiagnosticSink` and carry on, so one run
// reports every error it can find.
//
//   sink.error("E0101", span, "unknown name `kk`", "did you mean `k`?")

import type { Span } from "../ir/span.js";
import type { Code } from "./codes.js";

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  span?: Span;
  hint?: string;
  /** Other places the diagnostic is about, each with what it is ("first defined here"): an editor links them. */
  related?: Related[];
  /** Edits that would resolve it (a "did you mean" hint's replacement): an editor offers them as quick fixes. */
  fixes?: Fix[];
}

/** A place a diagnostic refers to besides its own span. */
export interface Related {
  span: Span;
  message: string;
}

/** A fix: replace the text of `span` with `text`. */
export interface Fix {
  title: string;
  span: Span;
  text: string;
}

/** More about a diagnostic than its message and hint. */
export interface Extra {
  related?: Related[];
}

/**
 * The suggestion of a hint `did you mean \`x\`?`. Every such hint is reported on the misspelt name
 * itself, so the suggestion is also a fix: put `x` in place of the span.
 */
const DID_YOU_MEAN = /^did you mean `([^`]+)`\?$/;

/** At most this many errors, and as many warnings, are kept per file; the rest are counted. */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  /** Diagnostics not kept because their file already had MAX_DIAGNOSTICS_PER_FILE of their severity, by file. */
  readonly omitted = new Map<string, { errors: number; warnings: number }>();
  private readonly seen = new Set<string>();
  private readonly kept = new Map<string, number>();
  private errorCount = 0;

  error(code: Code, span: Span | undefined, message: string, hint?: string, extra?: Extra): void {
    this.push({ code, severity: "error", message, span, hint, ...extra });
  }

  warn(code: Code, span: Span | undefined, message: string, hint?: string, extra?: Extra): void {
    this.push({ code, severity: "warning", message, span, hint, ...extra });
  }

  push(d: Diagnostic): void {
    const meant = d.span && d.hint && !d.fixes ? DID_YOU_MEAN.exec(d.hint) : null;
    if (meant) d = { ...d, fixes: [{ title: `Change to \`${meant[1]}\``, span: d.span!, text: meant[1]! }] };
    // The same problem reached twice (e.g. a template instantiated for many layers) is reported once.
    const key = `${d.code}\0${d.span?.file ?? ""}\0${d.span?.start ?? ""}\0${d.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    if (d.severity === "error") this.errorCount++;
    // A flood (a binary or garbled file) is cut at the first MAX_DIAGNOSTICS_PER_FILE of each severity per file.
    const file = d.span?.file ?? "";
    const slot = `${d.severity}\0${file}`;
    const n = this.kept.get(slot) ?? 0;
    if (n >= MAX_DIAGNOSTICS_PER_FILE) {
      const o = this.omitted.get(file) ?? { errors: 0, warnings: 0 };
      if (d.severity === "error") o.errors++;
      else o.warnings++;
      this.omitted.set(file, o);
      return;
    }
    this.kept.set(slot, n + 1);
    this.items.push(d);
  }

  get hasErrors(): boolean {
    return this.errorCount > 0;
  }
}

/** Diagnostics in reading order: by file, then position, then code. */
export function sortDiagnostics(ds: readonly Diagnostic[]): Diagnostic[] {
  return [...ds].sort(
    (a, b) => (a.span?.file ?? "").localeCompare(b.span?.file ?? "") || (a.span?.start ?? -1) - (b.span?.start ?? -1) || a.code.localeCompare(b.code),
  );
}

/** Closest candidate by edit distance, for "did you mean" hints. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}

export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  const s = suggest(name, candidates);
  return s === undefined ? undefined : `did you mean \`${s}\`?`;
}

function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}
