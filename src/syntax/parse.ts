// Text → AST for one file: lex, parse (with recovery), build the AST, attach doc comments, and
// turn lexer and parser errors into diagnostics that point at the offending token.
//
//   parseFile("crn c { A -> }", "c.crnn")  →  one E0002 at 1:14 ("expected a species ...")

import type { IToken } from "chevrotain";
import { parseCst } from "./parser.js";
import { AstBuilder } from "./cst-to-ast.js";
import type { FileAst, Span, Comment } from "./ast.js";
import { DiagnosticSink } from "../diagnostics/diagnostic.js";

export function parseFile(text: string, file: string, sink: DiagnosticSink): FileAst {
  const r = parseCst(text);
  for (const e of r.lexErrors) {
    const ch = text.slice(e.offset, e.offset + Math.max(1, e.length));
    sink.error("E0001", pointSpan(file, e.offset, e.line, e.column, e.length), `unexpected character \`${ch}\``);
  }
  for (const e of r.parseErrors) sink.error("E0002", errorSpan(file, e.token, text), friendly(e.message));
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

function errorSpan(file: string, t: IToken, text: string): Span {
  if (t.tokenType.name === "EOF" || Number.isNaN(t.startOffset)) {
    // Point at the end of the text, where the missing piece should have been.
    const lines = text.split(/\r?\n/);
    const line = Math.max(1, lines.length - (lines[lines.length - 1] === "" ? 1 : 0));
    const col = (lines[line - 1]?.length ?? 0) + 1;
    return pointSpan(file, text.length, line, col);
  }
  return {
    file,
    start: t.startOffset,
    end: (t.endOffset ?? t.startOffset) + 1,
    line: t.startLine ?? 1,
    col: t.startColumn ?? 1,
    endLine: t.endLine ?? t.startLine ?? 1,
    endCol: t.endColumn ?? t.startColumn ?? 1,
  };
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
