// A stretch of source text. It lives in the IR because every generated reaction and every
// parameter remembers where it was written; the syntax, the checker and the diagnostics use the
// same type, importing it from here.
//
//   { file: "examples/xor.crnn", start: 120, end: 126, line: 7, col: 3, endLine: 7, endCol: 8 }

export interface Span {
  file: string;
  /** 0-based offsets, end exclusive. */
  start: number;
  end: number;
  /** 1-based line and column of `start` and of the last character. */
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** `file:line:col`, as diagnostics and the JSON backend print a place. */
export function spanText(s: Span): string {
  return `${s.file}:${s.line}:${s.col}`;
}
