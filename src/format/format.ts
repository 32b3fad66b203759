// Format one file's text: parse it with crnnc's parser, refuse it if it has syntax errors, print
// the Doc with prettier's doc printer, and check the result before handing it back: the same
// tokens in the same order and every comment, so formatting can never change a program.
//
//   formatText("crn c{A->0@k}\n", "c.crnn").text  →  "crn c {\n  A -> 0 @ k\n}\n"

import { parseFile } from "../syntax/parse.js";
import type { FileAst } from "../syntax/ast.js";
import { DiagnosticSink, sortDiagnostics, type Diagnostic } from "../diagnostics/diagnostic.js";
import { stripBom } from "../syntax/source-text.js";
import { crnnLexer } from "../syntax/tokens.js";
import { printFile } from "./print.js";
import { docToString, DEFAULT_OPTIONS, type PrintOptions } from "./doc-utils.js";

export interface FormatResult {
  /** The formatted text; absent when the file has syntax errors. */
  text?: string;
  /** Syntax errors (E0001, E0002): the file is not formatted. */
  diagnostics: Diagnostic[];
  /** Errors left out of a flood (DiagnosticSink.omitted). */
  omitted?: ReadonlyMap<string, { errors: number; warnings: number }>;
}

export function formatText(text: string, file = "<input>.crnn", opts: Partial<PrintOptions> = {}): FormatResult {
  const o = { ...DEFAULT_OPTIONS, ...opts };
  const source = stripBom(text).replace(/\r\n?/g, "\n");
  const { ast, diagnostics, omitted } = parseText(source, file);
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (errors.length) return { diagnostics: errors, omitted };
  const out = docToString(printFile(ast, source, o), o);
  const problem = sameProgram(source, out);
  if (problem) throw new Error(`crnnc fmt: internal error formatting ${file}: ${problem}; the file is left as it was`);
  return { text: out, diagnostics: [] };
}

/** Why `after` is not the same program with the same comments as `before` (undefined if it is). */
export function sameProgram(before: string, after: string): string | undefined {
  const a = crnnLexer.tokenize(before);
  const b = crnnLexer.tokenize(after);
  if (b.errors.length) return "the output does not lex";
  const toks = (r: typeof a) => r.tokens.map((t) => t.image);
  const comments = (r: typeof a) => ((r.groups["comments"] ?? []) as { image: string }[]).map((t) => t.image.trimEnd());
  const ta = toks(a);
  const tb = toks(b);
  const i = ta.findIndex((t, k) => t !== tb[k]);
  if (i >= 0 || ta.length !== tb.length)
    return `token ${i >= 0 ? i : Math.min(ta.length, tb.length)} differs (\`${ta[i] ?? "end"}\` became \`${tb[i] ?? "end"}\`)`;
  if (comments(a).join("\n") !== comments(b).join("\n")) return "a comment was lost or moved out of order";
  if (parseText(after, "<formatted>.crnn").diagnostics.some((d) => d.severity === "error")) return "the output does not parse";
  return undefined;
}

/** crnnc's parser: the AST and the syntax diagnostics, sorted. */
export function parseText(text: string, file: string): { ast: FileAst; diagnostics: Diagnostic[]; omitted: DiagnosticSink["omitted"] } {
  const sink = new DiagnosticSink();
  const ast = parseFile(text, file, sink);
  return { ast, diagnostics: sortDiagnostics(sink.items), omitted: sink.omitted };
}
