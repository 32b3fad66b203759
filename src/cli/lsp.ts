// `crnnc lsp --stdio`: a Language Server Protocol server over the language service
// (src/service/), on vscode-languageserver. Documents are synced incrementally; each edit
// re-checks its document after a short pause in typing (DEBOUNCE_MS; a newer edit cancels a
// pending check, and a check's diagnostics are sent only if the document has not changed since),
// then the open documents that import it. Requests the client cancels are answered with nothing.
// The server writes only protocol messages to stdout; what it logs goes to the client.
//
//   crnnc lsp --stdio          (an editor starts it; docs/editor.md has VS Code, Neovim, Emacs)

import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  DiagnosticSeverity,
  CompletionItemKind,
  SymbolKind,
  StreamMessageReader,
  StreamMessageWriter,
  ResponseError,
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type WorkspaceEdit as LspWorkspaceEdit,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fsHost } from "../load/loader.js";
import {
  LanguageService,
  TOKEN_MODIFIERS,
  TOKEN_TYPES,
  type CompletionItem,
  type DocumentSymbol,
  type OutlineKind,
  type WorkspaceEdit,
} from "../service/service.js";

/** The pause in typing after which a document is checked. */
export const DEBOUNCE_MS = 20;

const COMPLETION_KINDS: Record<CompletionItem["kind"], CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword,
  activation: CompletionItemKind.Function,
  module: CompletionItemKind.Module,
  parameter: CompletionItemKind.Variable,
  rate: CompletionItemKind.Constant,
  constant: CompletionItemKind.Constant,
  species: CompletionItemKind.Variable,
  network: CompletionItemKind.Class,
  dataset: CompletionItemKind.EnumMember,
  file: CompletionItemKind.File,
  setting: CompletionItemKind.Property,
};

const SYMBOL_KINDS: Record<OutlineKind, SymbolKind> = {
  module: SymbolKind.Function,
  activation: SymbolKind.Class,
  crn: SymbolKind.Namespace,
  network: SymbolKind.Class,
  train: SymbolKind.Event,
  rate: SymbolKind.Constant,
  const: SymbolKind.Constant,
  catalyst: SymbolKind.Constant,
  parameter: SymbolKind.Property,
  layer: SymbolKind.Field,
  import: SymbolKind.Module,
};

export function runLsp(): Promise<number> {
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
  serve(connection);
  connection.listen();
  // The connection ends the process on `exit` (0 after `shutdown`, else 1).
  return new Promise<number>(() => {});
}

export function serve(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const service = new LanguageService(fsHost);
  const uris = new Map<string, string>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();

  const pathOf = (uri: string) => (uri.startsWith("file:") ? fileURLToPath(uri) : uri);
  const uriOf = (path: string) => uris.get(path) ?? (path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path) ? pathToFileURL(path).href : path);
  const edit = (e: WorkspaceEdit): LspWorkspaceEdit => ({ changes: Object.fromEntries(Object.entries(e).map(([p, edits]) => [uriOf(p), edits])) });

  const publish = (path: string) => {
    const version = service.version(path);
    if (version === undefined) return;
    const diagnostics: Diagnostic[] = service.diagnostics(path).map((d) => ({
      range: d.range,
      severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: d.code,
      source: "crnnc",
      message: d.message,
      ...(d.related.length
        ? { relatedInformation: d.related.map((r) => ({ location: { uri: uriOf(r.location.path), range: r.location.range }, message: r.message })) }
        : {}),
    }));
    // A check that an edit overtook is not sent: the document's next check will be.
    if (service.version(path) === version) void connection.sendDiagnostics({ uri: uriOf(path), version, diagnostics });
  };
  const schedule = (path: string, delay = DEBOUNCE_MS) => {
    clearTimeout(timers.get(path));
    timers.set(
      path,
      setTimeout(() => {
        timers.delete(path);
        try {
          publish(path);
        } catch (e) {
          // A bug in a check must not end the server: say so in the client's log, keep serving.
          connection.console.error(`crnnc: checking ${path} failed: ${(e as Error).stack ?? String(e)}`);
        }
        for (const p of service.dependents(path)) schedule(p, 0);
      }, delay),
    );
  };

  documents.onDidChangeContent(({ document }) => {
    const path = pathOf(document.uri);
    uris.set(path, document.uri);
    service.open(path, document.getText(), document.version);
    schedule(path);
  });
  documents.onDidClose(({ document }) => {
    const path = pathOf(document.uri);
    clearTimeout(timers.get(path));
    const deps = service.dependents(path);
    service.close(path);
    uris.delete(path);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    for (const p of deps) schedule(p);
  });

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      completionProvider: { triggerCharacters: [" ", "(", "@", "/"] },
      documentSymbolProvider: true,
      documentFormattingProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: true },
    },
    serverInfo: { name: "crnnc" },
  }));
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const c of changes) {
      const path = pathOf(c.uri);
      const deps = service.dependents(path);
      service.invalidate(path);
      for (const p of deps) schedule(p);
    }
  });

  /** Answer a request unless the client has cancelled it. */
  const answer =
    <P extends { textDocument: { uri: string } }, R>(f: (path: string, p: P) => R) =>
    (p: P, token: CancellationToken): R | null =>
      token.isCancellationRequested || !service.isOpen(pathOf(p.textDocument.uri)) ? null : f(pathOf(p.textDocument.uri), p);

  connection.onHover(
    answer((path, p) => {
      const h = service.hover(path, p.position);
      return h ? { contents: { kind: "markdown" as const, value: h.contents }, range: h.range } : null;
    }),
  );
  connection.onDefinition(answer((path, p) => service.definition(path, p.position).map((l) => ({ uri: uriOf(l.path), range: l.range }))));
  connection.onReferences(
    answer((path, p) => service.references(path, p.position, p.context.includeDeclaration).map((l) => ({ uri: uriOf(l.path), range: l.range }))),
  );
  connection.onPrepareRename(
    answer((path, p) => {
      const r = service.prepareRename(path, p.position);
      if ("error" in r) throw new ResponseError(-32803, r.error);
      return r;
    }),
  );
  connection.onRenameRequest(
    answer((path, p) => {
      const r = service.rename(path, p.position, p.newName);
      if ("error" in r) throw new ResponseError(-32803, r.error);
      return edit(r.changes);
    }),
  );
  connection.onCompletion(
    answer((path, p) =>
      service.completion(path, p.position).map((c) => ({
        label: c.label,
        kind: COMPLETION_KINDS[c.kind],
        ...(c.detail ? { detail: c.detail } : {}),
        ...(c.documentation ? { documentation: c.documentation } : {}),
        ...(c.insertText ? { insertText: c.insertText } : {}),
        ...(c.additionalEdits ? { additionalTextEdits: c.additionalEdits } : {}),
      })),
    ),
  );
  const symbol = (s: DocumentSymbol): import("vscode-languageserver/node").DocumentSymbol => ({
    name: s.name,
    kind: SYMBOL_KINDS[s.kind],
    range: s.range,
    selectionRange: s.selectionRange,
    children: s.children.map(symbol),
    ...(s.detail ? { detail: s.detail } : {}),
  });
  connection.onDocumentSymbol(answer((path) => service.documentSymbols(path).map(symbol)));
  connection.onDocumentFormatting(answer((path) => service.format(path)));
  connection.onCodeAction(
    answer((path, p) =>
      service.codeActions(path, p.range).map((a) => ({
        title: a.title,
        kind: CodeActionKind.QuickFix,
        isPreferred: a.preferred,
        diagnostics: p.context.diagnostics.filter((d) => d.code === a.diagnostic.code && d.range.start.line === a.diagnostic.range.start.line),
        edit: edit(a.edit),
      })),
    ),
  );
  connection.languages.semanticTokens.on(
    answer((path) => {
      const data: number[] = [];
      let line = 0;
      let char = 0;
      for (const t of service.semanticTokens(path)) {
        data.push(
          t.line - line,
          t.line === line ? t.character - char : t.character,
          t.length,
          TOKEN_TYPES.indexOf(t.type),
          t.modifiers.reduce((m, x) => m | (1 << TOKEN_MODIFIERS.indexOf(x)), 0),
        );
        line = t.line;
        char = t.character;
      }
      return { data };
    }),
  );
  documents.listen(connection);
}
