// The language service: what an editor asks about .crnn files, answered from the compiler's own
// stages, with no editor library and no file system of its own. Files are read through a
// `SourceHost` (as the compiler's loader reads them: node's file system for the LSP server, a
// table of texts in a browser), with the editor's open documents laid over it. Each open
// document is compiled as a root when it is first asked about after a change; the result (the
// diagnostics, the loaded files' ASTs, the CRN) and its symbol index are kept until a file it
// read changes, so an edit re-checks that document and the open documents that import it, and
// nothing else (the stdlib's ASTs are parsed once per process by the loader).
//
//   const ls = new LanguageService(host);
//   ls.open("/w/net.crnn", text, 1);
//   ls.diagnostics("/w/net.crnn")                       →  [{ code: "E0103", range, message, related, fixes }]
//   ls.hover("/w/net.crnn", { line: 3, character: 12 })  →  { contents: "```crnn\nactivation smooth_relu(h = 1)\n```…" }

import { compile, type CompileResult } from "../compile.js";
import { loadProgram, resolveImport, stdModules, type SourceHost, type LoadedFile } from "../load/loader.js";
import { DiagnosticSink, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Span } from "../ir/span.js";
import { RESERVED_WORDS } from "../syntax/tokens.js";
import { LineIndex } from "./text.js";
import { indexProgram, occurrenceAt, type Occurrence, type SymbolIndex } from "./symbols.js";
import { hoverMarkdown } from "./hover.js";
import { complete } from "./completion.js";
import { outline } from "./outline.js";
import type {
  CodeAction,
  CompletionItem,
  DocumentSymbol,
  Hover,
  Location,
  Position,
  Range,
  SemanticToken,
  ServiceDiagnostic,
  TextEdit,
  WorkspaceEdit,
} from "./types.js";

export * from "./types.js";

interface Doc {
  text: string;
  version: number;
  lines: LineIndex;
}

/** One compile of an open document as the root, and what was derived from it. */
interface Analysis {
  /** The version of every file it read that was open then (absent: read from the host). */
  reads: Map<string, number | undefined>;
  result: CompileResult;
  index: SymbolIndex;
  root?: LoadedFile;
  /** Display name (as spans carry it) → path. */
  paths: Map<string, string>;
  lines: Map<string, LineIndex>;
  diagnostics: ServiceDiagnostic[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(RESERVED_WORDS);

/**
 * Answers an editor's questions about .crnn files: open documents by path with their text, then
 * ask for diagnostics, hover, definition, references, rename, completion, the outline, semantic
 * tokens, formatting edits and quick fixes at 0-based line/character positions. Imports are read
 * through `host` (the open documents first); the stdlib as the compiler's loader reads it.
 *
 * @example
 * ```ts
 * import { LanguageService } from "crnnc";
 * const files: Record<string, string> = {};   // other files the open documents import, by path
 * const ls = new LanguageService({ readFile: (p) => files[p]!, exists: (p) => p in files });
 * ls.open("/w/net.crnn", "import std/smooth_relu\nnetwork n {\n  input 2\n  dense 1 smooth_rlu\n}\n", 1);
 * ls.diagnostics("/w/net.crnn")[0]?.code;                                  // "E0103"
 * ls.codeActions("/w/net.crnn", ls.diagnostics("/w/net.crnn")[0]!.range);   // [{ title: "Change to `smooth_relu`", ... }]
 * ```
 */
export class LanguageService {
  private readonly docs = new Map<string, Doc>();
  private readonly analyses = new Map<string, Analysis>();
  private stdlib?: { module: string; activations: string[] }[];
  /** How many compiles the service has run (tests watch it to see that an unrelated edit re-checks nothing). */
  compiles = 0;

  constructor(private readonly host: SourceHost) {}

  /** Open or change a document: `text` is its whole new content. */
  open(path: string, text: string, version: number): void {
    const had = this.docs.has(path);
    this.docs.set(path, { text, version, lines: new LineIndex(text) });
    // A file that appears may be the missing import of another document.
    if (!had) for (const [p, a] of this.analyses) if (a.diagnostics.some((d) => d.code === "E0301")) this.analyses.delete(p);
  }

  close(path: string): void {
    this.docs.delete(path);
    this.analyses.delete(path);
  }

  /** A file changed outside the editor (on disk): forget every analysis that read it. */
  invalidate(path: string): void {
    for (const [p, a] of this.analyses) if (a.reads.has(path)) this.analyses.delete(p);
  }

  isOpen(path: string): boolean {
    return this.docs.has(path);
  }

  version(path: string): number | undefined {
    return this.docs.get(path)?.version;
  }

  /** Open documents whose diagnostics depend on `path` (they import it, directly or not), `path` excluded. */
  dependents(path: string): string[] {
    const out: string[] = [];
    for (const [p, a] of this.analyses) if (p !== path && this.docs.has(p) && a.reads.has(path)) out.push(p);
    return out;
  }

  /** Is the document's last analysis still valid (no file it read has changed)? */
  isFresh(path: string): boolean {
    const a = this.analyses.get(path);
    if (!a) return false;
    for (const [p, v] of a.reads) if (this.docs.get(p)?.version !== v) return false;
    return true;
  }

  private analysis(path: string): Analysis | undefined {
    const doc = this.docs.get(path);
    if (!doc) return undefined;
    if (this.isFresh(path)) return this.analyses.get(path)!;
    const host: SourceHost = {
      readFile: (p) => this.docs.get(p)?.text ?? this.host.readFile(p),
      exists: (p) => this.docs.has(p) || this.host.exists(p),
    };
    this.compiles++;
    const result = compile(doc.text, { file: path, host });
    const program = result.program;
    const reads = new Map<string, number | undefined>([[path, doc.version]]);
    const paths = new Map<string, string>();
    for (const f of program?.files.values() ?? []) {
      reads.set(f.path, this.docs.get(f.path)?.version);
      paths.set(f.display, f.path);
    }
    const lines = new Map<string, LineIndex>();
    for (const [display, text] of result.sources) lines.set(display, display === program?.root.display ? doc.lines : new LineIndex(text));
    const index = program ? indexProgram(program) : { byFile: new Map(), scopes: new Map() };
    const a: Analysis = { reads, result, index, paths, lines, diagnostics: [], ...(program ? { root: program.root } : {}) };
    a.diagnostics = this.toDiagnostics(a, doc);
    this.analyses.set(path, a);
    return a;
  }

  // ---- diagnostics ----------------------------------------------------------------------------

  diagnostics(path: string): ServiceDiagnostic[] {
    return this.analysis(path)?.diagnostics ?? [];
  }

  private location(a: Analysis, span: Span): Location | undefined {
    const path = a.paths.get(span.file);
    const lines = a.lines.get(span.file);
    return path !== undefined && lines ? { path, range: lines.range(span) } : undefined;
  }

  private toDiagnostics(a: Analysis, doc: Doc): ServiceDiagnostic[] {
    const root = a.root?.display;
    const out: ServiceDiagnostic[] = [];
    for (const d of a.result.diagnostics) {
      // Which block to compile is the command line's question, not the file's.
      if (d.code === "E0113" && !d.span) continue;
      let range: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      let message = d.message;
      if (d.span && d.span.file === root) range = doc.lines.range(d.span);
      else if (d.span) {
        // A problem in an imported file is shown at the import that brings it in.
        const via = a.root ? importLeadingTo(a.root, a.paths.get(d.span.file)) : undefined;
        if (via) range = doc.lines.range(via);
        message = `${d.span.file}:${d.span.line}:${d.span.col}: ${message}`;
      }
      if (d.hint) message += `\nhint: ${d.hint}`;
      out.push({
        range,
        severity: d.severity,
        code: d.code,
        message,
        related: (d.related ?? []).flatMap((r) => {
          const location = this.location(a, r.span);
          return location ? [{ location, message: r.message }] : [];
        }),
        fixes: this.fixes(a, d),
      });
    }
    return out;
  }

  private fixes(a: Analysis, d: Diagnostic): ServiceDiagnostic["fixes"] {
    return (d.fixes ?? []).flatMap((f) => {
      const loc = this.location(a, f.span);
      return loc ? [{ title: f.title, edit: { [loc.path]: [{ range: loc.range, newText: f.text }] } }] : [];
    });
  }

  /** Quick fixes for the diagnostics of `path` that touch `range`. */
  codeActions(path: string, range: Range): CodeAction[] {
    const out: CodeAction[] = [];
    for (const d of this.diagnostics(path))
      if (overlaps(d.range, range))
        for (const f of d.fixes)
          out.push({ title: f.title, kind: "quickfix", diagnostic: { code: d.code, range: d.range }, edit: f.edit, preferred: d.fixes.length === 1 });
    return out;
  }

  // ---- names ----------------------------------------------------------------------------------

  private at(path: string, pos: Position): { a: Analysis; o: Occurrence } | undefined {
    const a = this.analysis(path);
    const doc = this.docs.get(path);
    if (!a?.root || !doc) return undefined;
    const o = occurrenceAt(a.index, a.root.display, doc.lines.offset(pos));
    return o ? { a, o } : undefined;
  }

  hover(path: string, pos: Position): Hover | undefined {
    const hit = this.at(path, pos);
    if (!hit) return undefined;
    const contents = hoverMarkdown(hit.o, { sources: hit.a.result.sources, ...(hit.a.result.ir ? { ir: hit.a.result.ir } : {}) });
    return { contents, range: this.docs.get(path)!.lines.range(hit.o.span) };
  }

  definition(path: string, pos: Position): Location[] {
    const hit = this.at(path, pos);
    if (!hit) return [];
    const s = hit.o.sym;
    if (s.kind === "file" && s.path) return [{ path: s.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }];
    const loc = s.decl ? this.location(hit.a, s.decl) : undefined;
    return loc ? [loc] : [];
  }

  /** Every place the symbol at `pos` is written, in this document's program and in the other open documents'. */
  references(path: string, pos: Position, includeDeclaration = true): Location[] {
    const hit = this.at(path, pos);
    if (!hit || hit.o.sym.kind === "file") return [];
    const id = hit.o.sym.id;
    const seen = new Set<string>();
    const out: Location[] = [];
    for (const p of [path, ...[...this.docs.keys()].filter((q) => q !== path)]) {
      const a = this.analysis(p);
      if (!a) continue;
      for (const list of a.index.byFile.values())
        for (const o of list) {
          if (o.sym.id !== id || (!includeDeclaration && o.decl)) continue;
          const loc = this.location(a, o.span);
          const k = loc && `${loc.path}:${o.span.start}`;
          if (loc && !seen.has(k!)) {
            seen.add(k!);
            out.push(loc);
          }
        }
    }
    return out;
  }

  /** The range of the name at `pos` if it can be renamed (declared in the user's files, not the stdlib's), else why not. */
  prepareRename(path: string, pos: Position): { range: Range; placeholder: string } | { error: string } {
    const hit = this.at(path, pos);
    if (!hit) return { error: "no name here" };
    const s = hit.o.sym;
    if (!s.decl || s.kind === "file" || s.kind === "dataset") return { error: `\`${s.name}\` is not declared in a source file` };
    if (s.decl.file.startsWith("std/")) return { error: `\`${s.name}\` is defined in the standard library (${s.decl.file})` };
    return { range: this.docs.get(path)!.lines.range(hit.o.span), placeholder: s.name };
  }

  rename(path: string, pos: Position, newName: string): { changes: WorkspaceEdit } | { error: string } {
    const ok = this.prepareRename(path, pos);
    if ("error" in ok) return ok;
    if (!IDENT.test(newName) || RESERVED.has(newName)) return { error: `\`${newName}\` is not a name (letters, digits and _, not a keyword)` };
    const edit: WorkspaceEdit = {};
    for (const loc of this.references(path, pos, true)) (edit[loc.path] ??= []).push({ range: loc.range, newText: newName });
    return { changes: edit };
  }

  // ---- completion, outline, tokens, formatting -------------------------------------------------

  completion(path: string, pos: Position): CompletionItem[] {
    const doc = this.docs.get(path);
    if (!doc) return [];
    const a = this.analysis(path);
    const scope = a?.root ? a.index.scopes.get(a.root) : undefined;
    const ast = a?.root?.ast;
    const first = ast?.items[0];
    return complete({
      text: doc.text,
      offset: doc.lines.offset(pos),
      ...(scope ? { scope } : {}),
      stdlib: this.stdlibListing(),
      importAt: first ? doc.lines.position(first.span.start) : { line: 0, character: 0 },
      imports: (ast?.items ?? []).flatMap((i) => (i.kind === "import" ? [i.path] : [])),
    });
  }

  /** The stdlib's modules and the activations each defines (read once). */
  private stdlibListing(): { module: string; activations: string[] }[] {
    if (this.stdlib) return this.stdlib;
    const mods = stdModules();
    const program = loadProgram("<stdlib>.crnn", new DiagnosticSink(), this.host, mods.map((m) => `import ${m}\n`).join(""));
    this.stdlib = mods.map((module) => {
      const f = [...program.files.values()].find((x) => x.display === `${module}.crnn`);
      return { module, activations: f?.ast.items.flatMap((i) => (i.kind === "activation" ? [i.name] : [])) ?? [] };
    });
    return this.stdlib;
  }

  documentSymbols(path: string): DocumentSymbol[] {
    const a = this.analysis(path);
    const doc = this.docs.get(path);
    if (!a?.root || !doc) return [];
    return outline(a.root.ast, (s) => doc.lines.range(s), doc.text);
  }

  semanticTokens(path: string): SemanticToken[] {
    const a = this.analysis(path);
    const doc = this.docs.get(path);
    if (!a?.root || !doc) return [];
    const out: SemanticToken[] = [];
    for (const o of a.index.byFile.get(a.root.display) ?? []) {
      const start = doc.lines.position(o.span.start);
      const end = doc.lines.position(o.span.end);
      if (end.line !== start.line) continue;
      const s = o.sym;
      const type =
        s.kind === "module" || s.kind === "activation"
          ? "function"
          : s.kind === "param" || s.kind === "arg" || (s.kind === "species" && !s.species?.local && !s.species?.crn)
            ? "parameter"
            : s.kind === "network" || s.kind === "crn"
              ? "type"
              : s.kind === "dataset"
                ? "enumMember"
                : s.kind === "file"
                  ? "namespace"
                  : "variable";
      const modifiers: SemanticToken["modifiers"] = [];
      if (o.decl) modifiers.push("declaration");
      if (s.kind === "rate" || s.kind === "const" || s.kind === "catalyst") modifiers.push("readonly");
      if (s.decl?.file.startsWith("std/")) modifiers.push("defaultLibrary");
      out.push({ line: start.line, character: start.character, length: end.character - start.character, type, modifiers });
    }
    return out;
  }

  /**
   * The printer's edits: one replacement of the part that changes (none if the file is formatted
   * or does not parse). Asynchronous because the printer (prettier's document builders) loads on
   * the first call: `import "crnnc"` loads no prettier.
   */
  async format(path: string): Promise<TextEdit[]> {
    const doc = this.docs.get(path);
    if (!doc) return [];
    const { formatText } = await import("../format/format.js");
    const r = formatText(doc.text, path);
    if (r.text === undefined || r.text === doc.text) return [];
    const a = doc.text;
    const b = r.text;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    let j = 0;
    while (j < a.length - i && j < b.length - i && a[a.length - 1 - j] === b[b.length - 1 - j]) j++;
    return [{ range: doc.lines.range({ start: i, end: a.length - j }), newText: b.slice(i, b.length - j) }];
  }
}

/** The span of `root`'s import through which it reads `path` (directly or through other files). */
function importLeadingTo(root: LoadedFile, path: string | undefined): Span | undefined {
  if (path === undefined) return undefined;
  const reaches = (f: LoadedFile, seen = new Set<LoadedFile>()): boolean =>
    f.path === path || (!seen.has(f) && (seen.add(f), f.imports.some((g) => reaches(g, seen))));
  for (const item of root.ast.items) {
    if (item.kind !== "import") continue;
    const target = resolveImport(item, root.path);
    const f = root.imports.find((g) => g.path === target);
    if (f && reaches(f)) return item.span;
  }
  return undefined;
}

function overlaps(a: Range, b: Range): boolean {
  const le = (p: Position, q: Position) => p.line < q.line || (p.line === q.line && p.character <= q.character);
  return le(a.start, b.end) && le(b.start, a.end);
}
