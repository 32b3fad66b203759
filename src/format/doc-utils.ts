// Small helpers over prettier's Doc: the builders we use, and `flat`, the one-line text of a doc
// (every group flat), used to measure a statement before deciding on its layout.
//
//   flat(group(["a", line, "+ b"]))  →  "a + b"

import { builders, printer } from "prettier/doc";

export type Doc = builders.Doc;
export const { group, indent, line, softline, hardline, join, fill, lineSuffix } = builders;

/** The doc printed on one line (soft lines vanish, lines are spaces). */
export function flat(doc: Doc): string {
  if (typeof doc === "string") return doc;
  if (Array.isArray(doc)) return doc.map(flat).join("");
  switch (doc.type) {
    case "line":
      return doc.hard ? "\n" : doc.soft ? "" : " ";
    case "group":
    case "indent":
    case "align":
    case "line-suffix":
    case "label":
      return flat(doc.contents);
    case "fill":
      return doc.parts.map(flat).join("");
    case "if-break":
      return flat(doc.flatContents);
    default:
      return "";
  }
}

export interface PrintOptions {
  printWidth: number;
  tabWidth: number;
  useTabs: boolean;
}

export const DEFAULT_OPTIONS: PrintOptions = { printWidth: 100, tabWidth: 2, useTabs: false };

export function docToString(doc: Doc, opts: PrintOptions = DEFAULT_OPTIONS): string {
  return printer.printDocToString(doc, { ...opts }).formatted;
}
