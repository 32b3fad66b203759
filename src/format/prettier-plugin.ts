// crnnc as a prettier plugin (`crnnc/prettier`): the `crnn` language for `.crnn` files, a parser
// that is crnnc's own (chevrotain) parser, and a printer that turns the file into a Doc with
// prettier's builders (src/format/print.ts). The same printer backs `crnnc fmt`.
//
//   prettier --plugin crnnc/prettier --write examples/*.crnn
//   await prettier.format(text, { parser: "crnn", plugins: [crnnPlugin] })

import type { Plugin, Parser, Printer, SupportLanguage } from "prettier";
import type { FileAst } from "../syntax/ast.js";
import { parseText } from "./format.js";
import { printFile } from "./print.js";
import { DEFAULT_OPTIONS } from "./doc-utils.js";

/** The root node handed to prettier: the AST plus the text it came from. Comments stay inside
 * `ast` (not in a top-level `comments`), because this printer places them itself. */
export interface CrnnRoot {
  type: "crnn-file";
  ast: FileAst;
  text: string;
  start: number;
  end: number;
}

export const languages: SupportLanguage[] = [{ name: "crnn", parsers: ["crnn"], extensions: [".crnn"], vscodeLanguageIds: ["crnn"] }];

/** A syntax error as prettier reports it: message plus `loc` for its code frame. */
class CrnnSyntaxError extends SyntaxError {
  constructor(
    message: string,
    readonly loc: { start: { line: number; column: number }; end?: { line: number; column: number } },
  ) {
    super(message);
  }
}

const parser: Parser<CrnnRoot> = {
  astFormat: "crnn-ast",
  parse(text, options) {
    const file = (options as { filepath?: string }).filepath ?? "<input>.crnn";
    const { ast, diagnostics } = parseText(text, file);
    const errors = diagnostics.filter((d) => d.severity === "error");
    if (errors.length) {
      const d = errors[0]!;
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? "s" : ""})` : "";
      const loc = d.span
        ? { start: { line: d.span.line, column: d.span.col }, end: { line: d.span.endLine, column: d.span.endCol + 1 } }
        : { start: { line: 1, column: 1 } };
      throw new CrnnSyntaxError(`error[${d.code}]: ${d.message}${more}`, loc);
    }
    return { type: "crnn-file", ast, text, start: 0, end: text.length };
  },
  locStart: (node: { start?: number; span?: { start: number } }) => node.span?.start ?? node.start ?? 0,
  locEnd: (node: { end?: number; span?: { end: number } }) => node.span?.end ?? node.end ?? 0,
};

const printer: Printer<CrnnRoot> = {
  print(path, options) {
    const root = path.node;
    return printFile(root.ast, root.text, { printWidth: options.printWidth, tabWidth: options.tabWidth, useTabs: options.useTabs ?? false });
  },
};

export const parsers = { crnn: parser };
export const printers = { "crnn-ast": printer };
/** The canonical style: 100 columns, 2-space indentation (a prettier config may still override). */
export const defaultOptions = { printWidth: DEFAULT_OPTIONS.printWidth, tabWidth: DEFAULT_OPTIONS.tabWidth };

const plugin: Plugin<CrnnRoot> = { languages, parsers, printers, defaultOptions };
export default plugin;
