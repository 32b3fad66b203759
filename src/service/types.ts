// The language service's answers, as plain data shaped like the Language Server Protocol's (0-based
// lines, UTF-16 characters, files by path) but depending on no editor library: the LSP server
// (cli/lsp.ts) passes them on almost as they are, a browser editor maps them onto its own.
//
//   { path: "/w/net.crnn", range: { start: { line: 3, character: 10 }, end: { line: 3, character: 21 } } }

/** 0-based line and UTF-16 character. */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface Location {
  path: string;
  range: Range;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** Edits by file path. */
export type WorkspaceEdit = Record<string, TextEdit[]>;

export interface ServiceDiagnostic {
  range: Range;
  severity: "error" | "warning";
  code: string;
  /** The message, with the hint on a line of its own. */
  message: string;
  related: { location: Location; message: string }[];
  fixes: { title: string; edit: WorkspaceEdit }[];
}

export interface Hover {
  /** Markdown. */
  contents: string;
  range: Range;
}

export type CompletionKind = "keyword" | "activation" | "module" | "parameter" | "rate" | "constant" | "species" | "network" | "dataset" | "file" | "setting";

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  /** Text to insert, when it differs from the label (`h: ` for a parameter `h`). */
  insertText?: string;
  /** Further edits, e.g. the `import std/tanh` an activation from the stdlib needs. */
  additionalEdits?: TextEdit[];
}

export type OutlineKind = "module" | "activation" | "crn" | "network" | "train" | "rate" | "const" | "catalyst" | "parameter" | "layer" | "import";

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: OutlineKind;
  range: Range;
  selectionRange: Range;
  children: DocumentSymbol[];
}

/** The semantic token types the service reports, in the order of their index. */
export const TOKEN_TYPES = ["namespace", "type", "function", "parameter", "variable", "property", "enumMember"] as const;
/** Modifiers, bit i = TOKEN_MODIFIERS[i]. */
export const TOKEN_MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;

export interface SemanticToken {
  line: number;
  character: number;
  length: number;
  type: (typeof TOKEN_TYPES)[number];
  modifiers: (typeof TOKEN_MODIFIERS)[number][];
}

export interface CodeAction {
  title: string;
  kind: "quickfix";
  /** The code of the diagnostic it fixes, and where. */
  diagnostic: { code: string; range: Range };
  edit: WorkspaceEdit;
  preferred: boolean;
}
