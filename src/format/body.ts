// The lines of a block (or of the whole file): members one per line, the comments between them
// where they were (own-line comments on their own line, end-of-line comments after their member),
// blank lines kept (at most one, none right after `{` or before `}`), and the column layout:
// within a run of consecutive lines (no blank line or comment line between them)
//   - reactions that fit are aligned at `->` and `@`,
//   - train and noise settings are aligned at their value, `dense` layers at their activation,
//   - end-of-line comments are aligned two spaces after the longest line that has one,
// as long as the aligned lines stay within the print width.
//
//   a -> a + q @ k  // makes q              a     -> a + q @ k  // makes q
//   b + q -> b @ k // removes it      →     b + q -> b     @ k  // removes it

import type * as A from "../syntax/ast.js";
import type { Source } from "./source.js";
import { hardline, lineSuffix, type Doc, type PrintOptions } from "./doc-utils.js";

/** A member laid out by print.ts, ready to be placed. */
export interface Laid {
  span: A.Span;
  /** Comments from inside the member's text (e.g. between two terms), printed above it. */
  lead: string[];
  /** The one-line text, when the member may be one line. */
  flat?: string;
  /** Column cells of an alignable member (reaction: lhs, rhs, rate; setting: key, value). */
  align?: { kind: "reaction" | "setting" | "dense"; cells: string[] };
  /** The layout used when the one-line text does not fit (or for a block). */
  doc: Doc;
}

export interface BodyRange {
  /** Offsets of the body's text: after `{` and before `}` (the whole file at top level). */
  start: number;
  end: number;
  /** The line of the opening `{` (0 at top level): a comment on it stays there. */
  openLine: number;
}

export interface Body {
  /** The lines, joined by hard lines (to be indented by the caller). */
  doc: Doc;
  /** A comment on the line of the opening brace. */
  open?: string;
  empty: boolean;
}

type Entry = { kind: "comment"; text: string; blank: boolean } | { kind: "member"; m: Laid; trailing?: string; blank: boolean };

export const commentText = (c: A.Comment): string => c.text.trimEnd();

export function layoutBody(src: Source, members: Laid[], range: BodyRange, indentCol: number, opts: PrintOptions): Body {
  const inside = (c: A.Comment) => members.some((m) => c.span.start >= m.span.start && c.span.start < m.span.end);
  const comments = src.commentsIn(range.start, range.end).filter((c) => !inside(c));
  let open: string | undefined;
  const entries: Entry[] = [];
  let prevEnd = range.start;
  let ci = 0;
  let mi = 0;
  while (ci < comments.length || mi < members.length) {
    const c = comments[ci];
    const m = members[mi];
    if (c && (!m || c.span.start < m.span.start)) {
      ci++;
      const last = entries[entries.length - 1];
      if (!entries.length && c.span.line === range.openLine && open === undefined) open = commentText(c);
      else if (last?.kind === "member" && !last.trailing && last.m.span.endLine === c.span.line) last.trailing = commentText(c);
      else entries.push({ kind: "comment", text: commentText(c), blank: entries.length > 0 && src.newlines(prevEnd, c.span.start) >= 2 });
      prevEnd = c.span.end;
    } else if (m) {
      mi++;
      entries.push({ kind: "member", m, blank: entries.length > 0 && src.newlines(prevEnd, m.span.start) >= 2 });
      prevEnd = m.span.end;
    }
  }

  const lines = placeRuns(entries, indentCol, opts);
  const parts: Doc[] = [];
  entries.forEach((e, i) => {
    if (i > 0) parts.push(e.blank ? [hardline, hardline] : hardline);
    parts.push(lines[i]!);
  });
  return { doc: parts, open, empty: entries.length === 0 };
}

/** The doc of each entry, with the column layout applied within runs. */
function placeRuns(entries: Entry[], indentCol: number, opts: PrintOptions): Doc[] {
  const out: Doc[] = entries.map((e) => (e.kind === "comment" ? e.text : ""));
  const width = opts.printWidth - indentCol;
  let i = 0;
  while (i < entries.length) {
    if (entries[i]!.kind === "comment") {
      i++;
      continue;
    }
    // A run: members with no blank line and no comment line between them.
    let j = i + 1;
    while (j < entries.length && entries[j]!.kind === "member" && !entries[j]!.blank && (entries[j] as { m: Laid }).m.lead.length === 0) j++;
    const run = entries.slice(i, j) as Extract<Entry, { kind: "member" }>[];
    const text: (string | undefined)[] = run.map((e) => (e.m.flat !== undefined && e.m.flat.length <= width ? e.m.flat : undefined));
    alignCells(run, text, width);
    // End-of-line comments: aligned after the longest one-line member that has one.
    const withComment = run.map((e, k) => (e.trailing !== undefined && text[k] !== undefined ? text[k]!.length : -1));
    const col = Math.max(...withComment) + 2;
    run.forEach((e, k) => {
      const lead: Doc[] = e.m.lead.flatMap((c) => [c, hardline]);
      const t = text[k];
      let body: Doc;
      if (t !== undefined) body = e.trailing !== undefined ? t + " ".repeat(col <= width ? col - t.length : 2) + e.trailing : t;
      else body = e.trailing !== undefined ? [e.m.doc, lineSuffix("  " + e.trailing)] : e.m.doc;
      out[i + k] = [...lead, body];
    });
    i = j;
  }
  return out;
}

/** Column layout of consecutive one-line members of the same alignable kind. */
function alignCells(run: Extract<Entry, { kind: "member" }>[], text: (string | undefined)[], width: number): void {
  let a = 0;
  while (a < run.length) {
    const kind = text[a] !== undefined ? run[a]!.m.align?.kind : undefined;
    let b = a + 1;
    if (kind) while (b < run.length && text[b] !== undefined && run[b]!.m.align?.kind === kind) b++;
    if (kind && b - a > 1) {
      const cells = run.slice(a, b).map((e) => e.m.align!.cells);
      const aligned = kind === "reaction" ? alignReactions(cells) : alignPairs(cells);
      if (aligned.every((s) => s.length <= width)) aligned.forEach((s, k) => (text[a + k] = s));
    }
    a = b;
  }
}

/** `lhs -> rhs @ rate` with `->` and `@` in columns; no padding where nothing follows. */
function alignReactions(cells: string[][]): string[] {
  const lw = Math.max(...cells.map((c) => c[0]!.length));
  const rw = Math.max(0, ...cells.filter((c) => c[2] !== undefined).map((c) => c[1]!.length));
  return cells.map(([lhs, rhs, rate]) => `${lhs!.padEnd(lw)} -> ${rate !== undefined ? `${rhs!.padEnd(rw)} @ ${rate}` : rhs}`);
}

/** `key value` with the values in a column. */
function alignPairs(cells: string[][]): string[] {
  const kw = Math.max(...cells.map((c) => c[0]!.length));
  return cells.map(([k, v]) => `${k!.padEnd(kw)} ${v}`);
}
