// What the printer needs from the source text besides the AST: the token stream (to recover
// numbers as written and the parentheses the AST drops), matching parentheses, the comments in
// order, and line/blank-line facts between two offsets.
//
//   new Source("const c = (1e-3)", file, ast).numberText(e)  →  "1e-3"  (with 1 pair of parens)

import type { IToken, TokenType } from "chevrotain";
import { crnnLexer } from "../syntax/tokens.js";
import * as T from "../syntax/tokens.js";
import type * as A from "../syntax/ast.js";

export class Source {
  readonly tokens: IToken[];
  /** Token index by start offset and by end offset (exclusive). */
  private readonly byStart = new Map<number, number>();
  private readonly byEnd = new Map<number, number>();
  /** For a `(` token index, the index of its `)`. */
  private readonly match = new Map<number, number>();
  /** Offsets of the `(` that belong to calls and parameter lists, not to grouping. */
  readonly callParens = new Set<number>();
  readonly comments: A.Comment[];

  constructor(
    readonly text: string,
    readonly ast: A.FileAst,
  ) {
    this.tokens = crnnLexer.tokenize(text).tokens;
    const open: number[] = [];
    this.tokens.forEach((t, i) => {
      this.byStart.set(t.startOffset, i);
      this.byEnd.set((t.endOffset ?? t.startOffset) + 1, i);
      if (t.tokenType === T.LParen) open.push(i);
      else if (t.tokenType === T.RParen && open.length) this.match.set(open.pop()!, i);
    });
    this.comments = [...ast.comments].sort((a, b) => a.span.start - b.span.start);
    this.collectCallParens(ast.items);
  }

  /** Index of the token starting at `offset`. */
  tokenAt(offset: number): number {
    return this.byStart.get(offset) ?? -1;
  }

  /** Index of the token ending at `offset` (exclusive end). */
  tokenEndingAt(offset: number): number {
    return this.byEnd.get(offset) ?? -1;
  }

  slice(span: { start: number; end: number }): string {
    return this.text.slice(span.start, span.end);
  }

  /** The token right after the one that starts at `offset`. */
  tokenAfter(offset: number): IToken | undefined {
    const i = this.tokenAt(offset);
    return i >= 0 ? this.tokens[i + 1] : undefined;
  }

  /** The first token of `type` inside [start, end). */
  firstToken(start: number, end: number, type: TokenType): IToken | undefined {
    for (let i = this.firstIndexAtOrAfter(start); i < this.tokens.length && this.tokens[i]!.startOffset < end; i++)
      if (this.tokens[i]!.tokenType === type) return this.tokens[i];
    return undefined;
  }

  /** The last token inside [start, end). */
  lastToken(start: number, end: number): IToken | undefined {
    let found: IToken | undefined;
    for (let i = this.firstIndexAtOrAfter(start); i < this.tokens.length && this.tokens[i]!.startOffset < end; i++) found = this.tokens[i];
    return found;
  }

  private firstIndexAtOrAfter(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Does the `(` at token index `open` close at index `close`, and is it a grouping paren? */
  groups(open: number, close: number): boolean {
    const o = this.tokens[open];
    return o !== undefined && o.tokenType === T.LParen && this.match.get(open) === close && !this.callParens.has(o.startOffset);
  }

  /** Number of newlines in text[from, to). */
  newlines(from: number, to: number): number {
    let n = 0;
    for (let i = from; i < to; i++) if (this.text.charCodeAt(i) === 10) n++;
    return n;
  }

  /** Comments that start inside [start, end). */
  commentsIn(start: number, end: number): A.Comment[] {
    return this.comments.filter((c) => c.span.start >= start && c.span.start < end);
  }

  /** Every `(` that opens an argument or parameter list, found by walking the whole AST. */
  private collectCallParens(node: unknown): void {
    if (Array.isArray(node)) {
      for (const n of node) this.collectCallParens(n);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const o = node as Record<string, unknown>;
    const mark = (s: unknown) => {
      const t = s ? this.tokenAfter((s as A.Span).start) : undefined;
      if (t?.tokenType === T.LParen) this.callParens.add(t.startOffset);
    };
    if ("calleeSpan" in o) mark(o["calleeSpan"]);
    if (o["kind"] === "module" || o["kind"] === "activation") mark(o["nameSpan"]);
    if (o["kind"] === "dense") mark(o["activationSpan"]);
    if (o["kind"] === "closed") mark(o["span"]);
    if (o["kind"] === "law" && "expr" in o) {
      const t = this.firstToken((o["span"] as A.Span).start, (o["span"] as A.Span).end, T.LParen);
      if (t) this.callParens.add(t.startOffset);
    }
    for (const [k, v] of Object.entries(o)) if (k !== "span" && !k.endsWith("Span") && typeof v === "object") this.collectCallParens(v);
  }
}
