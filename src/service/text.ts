// Positions in a text as editors count them: 0-based lines and UTF-16 characters (the Language
// Server Protocol's default, and JavaScript's string indices), to and from the 0-based offsets
// of the AST's spans. Lines end as the lexer ends them (\n, \r\n, a lone \r: util/lines.ts).
//
//   new LineIndex("ab\ncd").position(4)   →  { line: 1, character: 1 }

import type { Span } from "../ir/span.js";
import type { Position, Range } from "./types.js";

export class LineIndex {
  /** Offset of the first character of each line. */
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo]! };
  }

  offset(p: Position): number {
    if (p.line >= this.starts.length) return this.text.length;
    const start = this.starts[Math.max(0, p.line)]!;
    const next = p.line + 1 < this.starts.length ? this.starts[p.line + 1]! : this.text.length;
    return Math.min(start + Math.max(0, p.character), next);
  }

  range(span: Pick<Span, "start" | "end">): Range {
    return { start: this.position(span.start), end: this.position(span.end) };
  }

  /** The text of line `line`, without its line break. */
  lineText(line: number): string {
    const start = this.starts[line] ?? this.text.length;
    const end = line + 1 < this.starts.length ? this.starts[line + 1]! : this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$|\r$/, "");
  }
}
