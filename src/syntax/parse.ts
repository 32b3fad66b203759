// Text → AST for one file: lex, parse (with recovery), build the AST, attach doc comments, and
// turn lexer and parser errors into diagnostics that point at the offending token.
//
//   parseFile("crn c { A -> }", "c.crnn")  →  one E0002 at 1:14 ("expected a species ...")

import type { IToken } from "chevrotain";
import { parseCst } from "./parser.js";
import * as T from "./tokens.js";
import { splitLines } from "../util/lines.js";
import { AstBuilder, tokenSpan } from "./cst-to-ast.js";
import type { FileAst, Span, Comment } from "./ast.js";
import { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { MAX_SOURCE_CHARS, notText } from "./source-text.js";

/** Deeper nesting than this is reported, not parsed: the recursive-descent parser would overflow. */
export const MAX_NESTING = 200;

/** More operators than this in one expression are reported, not parsed (see prepareTokens). */
export const MAX_OPERATORS = 1000;
const OPERATORS = new Set([T.Plus, T.Minus, T.Star, T.Slash, T.Caret, T.Lt, T.Le, T.Gt, T.Ge, T.EqEq]);
/** Tokens inside an expression that do not end it. */
const OPERANDS = new Set([T.Ident, T.NumberLit, T.Dot, T.LParen, T.RParen, T.Comma]);

export function parseFile(text: string, file: string, sink: DiagnosticSink): FileAst {
  const refused = refuse(text, file, sink);
  if (refused) return refused;
  const lines = splitLines(text);
  const r = parseCst(text, (tokens) => prepareTokens(tokens, file, sink));
  for (const e of r.lexErrors) {
    const ch = text.slice(e.offset, e.offset + Math.max(1, e.length));
    sink.error("E0001", pointSpan(file, e.offset, e.line, e.column, e.length), `unexpected character \`${ch}\``);
  }
  if (r.tooDeep) return { file, items: [], comments: [] };
  // Recovery re-reports one mistake on the tokens right after it: an error on the same or the
  // next token as the previous error (reported or not) is that mistake again, not a new one.
  const index = new Map(r.tokens.map((t, i) => [t, i]));
  const at = (t: IToken) => index.get(t) ?? r.tokens.length;
  let last = -Infinity;
  for (const e of [...r.parseErrors].sort((a, b) => at(a.token) - at(b.token))) {
    const i = at(e.token);
    const cascade = i <= last + 1;
    last = i;
    if (cascade) continue;
    const d = describe(e, r.tokens, file, text, lines);
    sink.error("E0002", d.span, d.message, d.hint);
  }
  const builder = new AstBuilder(file);
  const items = builder.visit(r.cst) as FileAst["items"];
  const comments: Comment[] = r.comments.map((t) => ({
    text: t.image,
    doc: t.tokenType.name === "DocComment",
    span: builder.tokSpan(t),
  }));
  attachDocs(items, comments);
  return { file, items, comments };
}

/** A text that is too large or not text at all gets one diagnostic and an empty AST (see source-text.ts). */
function refuse(text: string, file: string, sink: DiagnosticSink): FileAst | undefined {
  const at = pointSpan(file, 0, 1, 1);
  const why = notText(text);
  if (why) sink.error("E0304", at, `not a .crnn text file: ${why}`, "is this the file you meant? .crnn sources are UTF-8 text");
  else if (text.length > MAX_SOURCE_CHARS) {
    const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    sink.error(
      "E0305",
      at,
      `source file too large: ${mib(text.length)} of text, the limit is ${mib(MAX_SOURCE_CHARS)}`,
      "a .crnn program is a few hundred lines; data belongs in a CSV file",
    );
  } else return undefined;
  return { file, items: [], comments: [] };
}

/**
 * Before parsing: report unterminated strings (and hand the parser a string, so nothing else
 * is said about them), and refuse nesting deeper than MAX_NESTING (brackets, or a chain of
 * unary minus). Returns false to skip parsing.
 */
function prepareTokens(tokens: IToken[], file: string, sink: DiagnosticSink): boolean {
  let depth = 0;
  // A run of `-` signs is a chain of unary minus, nested as deep as it is long; an expression
  // with n operators is a tree n deep at worst (`a^a^…`, or `a+a+…` as the checks walk it).
  let minusRun = 0;
  let operators = 0;
  let carets = 0;
  for (const t of tokens) {
    minusRun = t.tokenType === T.Minus ? minusRun + 1 : 0;
    if (minusRun > MAX_NESTING) {
      sink.error(
        "E0002",
        tokenSpan(file, t),
        `more than ${MAX_NESTING} minus signs in a row`,
        "write the sign once: an even number of minus signs is +, an odd number −",
      );
      return false;
    }
    if (OPERATORS.has(t.tokenType)) {
      operators++;
      if (t.tokenType === T.Caret) carets++;
    } else if (!OPERANDS.has(t.tokenType)) operators = carets = 0;
    // `^` is right-associative: the parser recurses once per `^` of a chain.
    if (carets > MAX_NESTING) {
      sink.error("E0002", tokenSpan(file, t), `more than ${MAX_NESTING} \`^\` in one expression`, "split it into named constants");
      return false;
    }
    if (operators > MAX_OPERATORS) {
      sink.error("E0002", tokenSpan(file, t), `an expression or reaction side with more than ${MAX_OPERATORS} operators`, "split it into named constants");
      return false;
    }
    if (t.tokenType === T.UnterminatedString) {
      sink.error("E0001", tokenSpan(file, t), 'unterminated string: it needs a closing `"` on the same line');
      t.tokenType = T.StringLit;
      t.tokenTypeIdx = T.StringLit.tokenTypeIdx!;
      t.image += '"';
    } else if (t.tokenType === T.LParen || t.tokenType === T.LBrace) {
      if (++depth > MAX_NESTING) {
        sink.error("E0002", tokenSpan(file, t), `nested more than ${MAX_NESTING} levels deep`, "simplify the expression");
        return false;
      }
    } else if (t.tokenType === T.RParen || t.tokenType === T.RBrace) depth = Math.max(0, depth - 1);
  }
  return true;
}

/**
 * A friendly message for one parse error. When the token the parser stopped at is itself
 * acceptable (a name where a name may start a statement), the mistake is in what follows it:
 * `A B` is a reaction missing its arrow, so the error goes on `B`.
 */
function describe(
  e: { token: IToken; message: string },
  tokens: IToken[],
  file: string,
  text: string,
  lines: string[],
): { span: Span; message: string; hint?: string } {
  const msg = friendly(e.message);
  const found = e.token;
  const expectsName = /a name/.test(msg);
  const isName = found.tokenType === T.Ident || (found.tokenType.CATEGORIES ?? []).includes(T.Ident);
  if (expectsName && isName) {
    const i = tokens.indexOf(found);
    const next = i >= 0 ? tokens[i + 1] : undefined;
    const hint = "a reaction is written `A + B -> C @ k`, a module call `name(A, B)`";
    // On the same line the stray token is the mistake; across a line break, the name itself is.
    if (next && next.startLine === found.startLine)
      return { span: tokenSpan(file, next), message: `expected \`->\`, \`+\` or \`(\` after \`${found.image}\`, found \`${next.image}\``, hint };
    return { span: tokenSpan(file, found), message: `\`${found.image}\` starts no reaction or call: expected \`->\`, \`+\` or \`(\` after it`, hint };
  }
  return { span: errorSpan(file, found, text, lines), message: msg };
}

/** A `///` block directly before an item documents it. */
function attachDocs(items: FileAst["items"], comments: Comment[]): void {
  let prevEnd = 0;
  let c = 0;
  for (const item of items) {
    const docs: string[] = [];
    while (c < comments.length && comments[c]!.span.start < item.span.start) {
      const cm = comments[c]!;
      if (cm.doc && cm.span.start >= prevEnd) docs.push(cm.text.replace(/^\/\/\/ ?/, ""));
      else docs.length = 0;
      c++;
    }
    if (docs.length && "doc" in item === false && item.kind !== "import") (item as { doc?: string }).doc = docs.join("\n");
    prevEnd = item.span.end;
  }
}

function pointSpan(file: string, offset: number, line: number, col: number, len = 1): Span {
  return { file, start: offset, end: offset + Math.max(1, len), line, col, endLine: line, endCol: col + Math.max(1, len) - 1 };
}

function errorSpan(file: string, t: IToken, text: string, lines: string[]): Span {
  if (t.tokenType.name === "EOF" || Number.isNaN(t.startOffset)) {
    // Point at the end of the text, where the missing piece should have been.
    const line = Math.max(1, lines.length - (lines[lines.length - 1] === "" ? 1 : 0));
    const col = (lines[line - 1]?.length ?? 0) + 1;
    return pointSpan(file, text.length, line, col);
  }
  return tokenSpan(file, t);
}

/** Chevrotain's messages name token types; say it in the language's own words. */
function friendly(msg: string): string {
  const names: Record<string, string> = {
    Ident: "a name",
    NumberLit: "a number",
    StringLit: "a string",
    Arrow: "`->`",
    At: "`@`",
    LBrace: "`{`",
    RBrace: "`}`",
    LParen: "`(`",
    RParen: "`)`",
    Equals: "`=`",
    Comma: "`,`",
    Colon: "`:`",
    Plus: "`+`",
    Minus: "`-`",
    Rate: "`rate`",
    Dual: "`dual`",
    Dot: "`.`",
    EOF: "end of file",
  };
  const name = (t: string) => names[t] ?? `\`${t.toLowerCase()}\``;
  const foundOf = (f: string) => (f === "" ? "end of file" : `\`${f}\``);
  const single = /^Expecting token of type --> (\w+) <-- but found --> '(.*)' <--$/s.exec(msg);
  if (single?.[1] === "EOF")
    return `unexpected ${foundOf(single[2]!)}: expected a declaration (import, const, rate, module, activation, crn, network or train)`;
  if (single) return `expected ${name(single[1]!)}, found ${foundOf(single[2]!)}`;
  const many = /^Expecting: (.*)but found: '(.*)'$/s.exec(msg);
  if (many) {
    // Each alternative is a token sequence like `[Ident, LParen]`: name it by its first token.
    const firsts = [...many[1]!.matchAll(/\[(\w+)[^\]]*\]/g)].map((a) => name(a[1]!));
    const uniq = [...new Set(firsts)];
    const list = uniq.length > 1 ? `${uniq.slice(0, -1).join(", ")} or ${uniq[uniq.length - 1]}` : uniq[0];
    return list ? `expected ${list}, found ${foundOf(many[2]!)}` : `unexpected ${foundOf(many[2]!)}`;
  }
  const firstLine = msg.split("\n")[0]!;
  const redundant = /^Redundant input, expecting EOF but found: (.*)$/.exec(firstLine);
  if (redundant) return `unexpected \`${redundant[1]}\`: expected a declaration (import, const, rate, module, activation, crn, network or train)`;
  return firstLine;
}
