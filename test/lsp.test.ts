// Acceptance of issue 17: the built CLI's `crnnc lsp --stdio`, spoken to over JSON-RPC as an
// editor would (vscode-languageserver-protocol): diagnostics with their code, exact range and
// related places; hover; definition into the stdlib; completion; rename; formatting; references,
// outline, semantic tokens, quick fixes; a change to an imported file re-checks its importer.
// Expected positions are computed here from the texts, not taken from the server.

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  InitializeRequest,
  InitializedNotification,
  DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification,
  PublishDiagnosticsNotification,
  HoverRequest,
  DefinitionRequest,
  CompletionRequest,
  RenameRequest,
  DocumentFormattingRequest,
  ReferencesRequest,
  DocumentSymbolRequest,
  SemanticTokensRequest,
  CodeActionRequest,
  ShutdownRequest,
  ExitNotification,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Position,
  type TextEdit,
  type Location,
  type CompletionItem,
  type WorkspaceEdit,
  type Hover,
  type DocumentSymbol,
  type CodeAction,
} from "vscode-languageserver-protocol/node";
import { ROOT } from "./helpers.js";
import { formatText } from "../src/format/format.js";

const CLI = resolve(ROOT, "dist/cli/crnnc.js");
let dir: string;
let proc: ChildProcess;
let conn: ProtocolConnection;
/** Every publishDiagnostics received, in order. */
const published: PublishDiagnosticsParams[] = [];

/** The position of the `n`-th (0-based) occurrence of `needle` in `text`, plus `delta` characters. */
function pos(text: string, needle: string, n = 0, delta = 0): Position {
  let at = -1;
  for (let i = 0; i <= n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`\`${needle}\` #${n} not in the text`);
  }
  const before = text.slice(0, at + delta).split("\n");
  return { line: before.length - 1, character: before[before.length - 1]!.length };
}
const range = (text: string, needle: string, n = 0) => ({ start: pos(text, needle, n), end: pos(text, needle, n, needle.length) });

/** Wait for the diagnostics of `uri` at `version`. */
function diagnosticsFor(uri: string, version: number): Promise<PublishDiagnosticsParams> {
  return new Promise((res, rej) => {
    const t0 = Date.now();
    const poll = () => {
      const hit = published.find((p) => p.uri === uri && p.version === version);
      if (hit) res(hit);
      else if (Date.now() - t0 > 10_000)
        rej(new Error(`no diagnostics for ${uri} v${version}; got ${JSON.stringify(published.map((p) => [p.uri, p.version]))}`));
      else setTimeout(poll, 5);
    };
    poll();
  });
}

let version = 0;
async function open(name: string, text: string): Promise<{ uri: string; diags: PublishDiagnosticsParams }> {
  const path = join(dir, name);
  writeFileSync(path, text);
  const uri = pathToFileURL(path).href;
  const v = ++version;
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "crnn", version: v, text } });
  return { uri, diags: await diagnosticsFor(uri, v) };
}

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error("dist/ is not built: run `npm run build` (npm ci builds it through `prepare`)");
  dir = mkdtempSync(join(tmpdir(), "crnnc-lsp-"));
  proc = spawn(process.execPath, [CLI, "lsp", "--stdio"], { cwd: dir, stdio: ["pipe", "pipe", "inherit"] });
  conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => void published.push(p));
  conn.listen();
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(dir).href,
    capabilities: {},
    workspaceFolders: null,
  });
  expect(init.capabilities.hoverProvider).toBe(true);
  expect(init.capabilities.textDocumentSync).toMatchObject({ change: 2 }); // incremental
  await conn.sendNotification(InitializedNotification.type, {});
});

afterAll(async () => {
  if (conn) {
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
    const code = await new Promise<number | null>((res) => proc.on("exit", (c) => res(c)));
    expect(code).toBe(0);
    conn.dispose();
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const NET = `import std/smooth_relu

/// Two inputs, three hidden nodes.
network net {
  input 2
  dense 3 smooth_relu(h: 1)
  dense 1 smooth_relu(h: 1)
  rate k_div = 20
}

train net on xor {
  eta    0.01
  period 30
}
`;

describe("crnnc lsp --stdio", () => {
  it("publishes an unknown activation with its code and exact range, and offers the fix", async () => {
    const text = NET.replace("dense 3 smooth_relu", "dense 3 smooth_rleu");
    const { uri, diags } = await open("unknown.crnn", text);
    expect(diags.diagnostics).toHaveLength(1);
    const d = diags.diagnostics[0]!;
    expect(d.code).toBe("E0103");
    expect(d.severity).toBe(1);
    expect(d.source).toBe("crnnc");
    expect(d.range).toEqual(range(text, "smooth_rleu"));
    expect(d.message).toContain("unknown activation `smooth_rleu`");
    const actions = (await conn.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
    expect(actions.map((a) => a.title)).toEqual(["Change to `smooth_relu`"]);
    expect(actions[0]!.edit!.changes![uri]).toEqual([{ range: d.range, newText: "smooth_relu" }]);
  });

  it("gives a duplicate definition its first definition as related information, not text", async () => {
    const text = "rate k = 1\nrate k = 2\ncrn c {\n  A -> B @ k\n}\n";
    const { uri, diags } = await open("dup.crnn", text);
    const d = diags.diagnostics.find((x) => x.code === "E0102")!;
    expect(d.range).toEqual(range(text, "k", 1));
    expect(d.message).not.toMatch(/first defined/);
    expect(d.relatedInformation).toEqual([{ location: { uri, range: range(text, "k", 0) }, message: "first definition of `k`" }]);
  });

  it("hovers smooth_relu with its doc comment and signature, a rate constant with its value", async () => {
    const { uri } = await open("net.crnn", NET);
    const h = (await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos(NET, "smooth_relu", 1, 3) })) as Hover;
    const md = (h.contents as { value: string }).value;
    expect(md).toContain("activation smooth_relu(h = 1)");
    expect(md).toContain("Smooth ReLU activation.");
    expect(h.range).toEqual(range(NET, "smooth_relu", 1));
    const r = (await conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos(NET, "k_div", 0, 1) })) as Hover;
    const rmd = (r.contents as { value: string }).value;
    expect(rmd).toContain("rate k_div = 10"); // declared in the stdlib
    expect(rmd).toMatch(/`k_div` = 20 .*set at net\.crnn:8/); // what this network makes it
  });

  it("jumps from smooth_relu to stdlib/smooth_relu.crnn at its declaration", async () => {
    const { uri } = await open("net.crnn", NET);
    const defs = (await conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: pos(NET, "smooth_relu", 2, 2) })) as Location[];
    const std = resolve(ROOT, "stdlib/smooth_relu.crnn");
    const stdText = readFileSync(std, "utf8");
    const line = stdText.split("\n").findIndex((l) => l.startsWith("activation smooth_relu("));
    expect(line).toBeGreaterThan(0);
    expect(defs).toEqual([{ uri: pathToFileURL(std).href, range: { start: { line, character: 11 }, end: { line, character: 22 } } }]);
  });

  it("completes the activations after `dense 3 `", async () => {
    const text = "import std/smooth_relu\nnetwork n {\n  input 2\n  dense 3 \n}\n";
    const { uri } = await open("complete.crnn", text);
    const items = (await conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: pos(text, "dense 3 ", 0, 8) })) as CompletionItem[];
    const labels = items.map((i) => i.label);
    for (const a of ["smooth_relu", "leaky_relu", "sigmoid", "tanh"]) expect(labels).toContain(a);
    expect(labels).not.toContain("input");
    // An activation of the stdlib not imported yet comes with its import.
    expect(items.find((i) => i.label === "tanh")!.additionalTextEdits).toEqual([
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: "import std/tanh\n" },
    ]);
    expect(items.find((i) => i.label === "smooth_relu")!.additionalTextEdits).toBeUndefined();
  });

  it("renames a network at its declaration and every use", async () => {
    const { uri } = await open("net.crnn", NET);
    const edit = (await conn.sendRequest(RenameRequest.type, { textDocument: { uri }, position: pos(NET, "net", 2, 1), newName: "xor_net" })) as WorkspaceEdit;
    expect(Object.keys(edit.changes!)).toEqual([uri]);
    const ranges = edit.changes![uri]!.map((e) => e.range);
    expect(ranges).toEqual([range(NET, "net {"), range(NET, "net on")].map((r) => ({ start: r.start, end: { ...r.start, character: r.start.character + 3 } })));
    expect(edit.changes![uri]!.every((e) => e.newText === "xor_net")).toBe(true);
    // The stdlib's names are not renamed.
    await expect(conn.sendRequest(RenameRequest.type, { textDocument: { uri }, position: pos(NET, "smooth_relu", 1, 1), newName: "s" })).rejects.toThrow(
      /standard library/,
    );
  });

  it("renames a module's species parameter in its module only", async () => {
    const text = "module m(X, Y) {\n  X -> Y\n  Y -> 0\n}\nmodule n(X) {\n  X -> 0\n}\n";
    const { uri } = await open("species.crnn", text);
    const edit = (await conn.sendRequest(RenameRequest.type, { textDocument: { uri }, position: pos(text, "X", 1), newName: "In" })) as WorkspaceEdit;
    expect(edit.changes![uri]!.map((e) => e.range)).toEqual([range(text, "X", 0), range(text, "X", 1)]);
  });

  it("formats with the printer's edits", async () => {
    const text = "crn c{A->0@k\n  rate k=1}\n";
    const { uri } = await open("fmt.crnn", text);
    const edits = (await conn.sendRequest(DocumentFormattingRequest.type, {
      textDocument: { uri },
      options: { tabSize: 2, insertSpaces: true },
    })) as TextEdit[];
    expect(edits.length).toBeGreaterThan(0);
    expect(apply(text, edits)).toBe(formatText(text, "fmt.crnn").text);
  });

  it("finds references, the outline and semantic tokens", async () => {
    const { uri } = await open("net.crnn", NET);
    const refs = (await conn.sendRequest(ReferencesRequest.type, {
      textDocument: { uri },
      position: pos(NET, "net", 2),
      context: { includeDeclaration: true },
    })) as Location[];
    expect(refs.map((r) => r.range.start)).toEqual([pos(NET, "net {"), pos(NET, "net on")]);
    const syms = (await conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    expect(syms.map((s) => s.name)).toEqual(["std/smooth_relu", "net", "train net"]);
    expect(syms[1]!.children!.map((c) => c.name)).toEqual(["input 2", "dense 3 smooth_relu", "dense 1 smooth_relu", "k_div"]);
    const tokens = await conn.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } });
    // Decode: the first token is `net` (a type, declared), the next two `smooth_relu` (functions from the stdlib).
    const d = tokens!.data;
    const decoded: { line: number; char: number; len: number; type: number; mods: number }[] = [];
    for (let i = 0, line = 0, char = 0; i < d.length; i += 5) {
      line += d[i]!;
      char = d[i]! === 0 ? char + d[i + 1]! : d[i + 1]!;
      decoded.push({ line, char, len: d[i + 2]!, type: d[i + 3]!, mods: d[i + 4]! });
    }
    expect(decoded[0]).toMatchObject({ ...pick(pos(NET, "std/smooth_relu")), len: "std/smooth_relu".length });
    const relu = decoded.find((t) => t.line === pos(NET, "smooth_relu", 1).line)!;
    expect(relu).toMatchObject({ ...pick(pos(NET, "smooth_relu", 1)), len: 11, type: 2 /* function */, mods: 4 /* defaultLibrary */ });
  });

  it("re-checks a document when a file it imports changes in the editor", async () => {
    const lib =
      "activation lin(a = 1) {\n  rate k = 1\n  module node(X) {\n    X -> 0 @ k\n  }\n  module edge(X, I, dual W) {\n    I + W.p -> I + W.p + X @ k\n  }\n  module bias(X, dual B) {\n    B.p -> B.p + X @ k\n  }\n}\n";
    const main = 'import "lib.crnn"\nnetwork n {\n  input 1\n  dense 1 lin\n}\n';
    const l = await open("lib.crnn", lib);
    const m = await open("main.crnn", main);
    expect(m.diags.diagnostics).toEqual([]);
    const v = ++version;
    const broken = lib.replace("activation lin", "activation lim");
    await conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: l.uri, version: v },
      contentChanges: [{ range: range(lib, "lin"), text: "lim" }],
    });
    expect(apply(lib, [{ range: range(lib, "lin"), newText: "lim" }])).toBe(broken);
    await diagnosticsFor(l.uri, v);
    const again = await new Promise<PublishDiagnosticsParams>((res) => {
      const t = setInterval(() => {
        const hit = published.filter((p) => p.uri === m.uri);
        if (hit.length < 2) return;
        clearInterval(t);
        res(hit[hit.length - 1]!);
      }, 5);
    });
    expect(again.diagnostics.map((d) => [d.code, d.message])).toEqual([["E0103", "unknown activation `lin`\nhint: did you mean `lim`?"]]);
    expect(again.diagnostics[0]!.range).toEqual(range(main, "lin"));
  });
});

function pick(p: Position) {
  return { line: p.line, char: p.character };
}

/** Apply LSP text edits to a text (edits do not overlap). */
function apply(text: string, edits: TextEdit[]): string {
  const off = (p: Position) => {
    const lines = text.split("\n");
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  };
  return [...edits]
    .sort((a, b) => off(b.range.start) - off(a.range.start))
    .reduce((t, e) => t.slice(0, off(e.range.start)) + e.newText + t.slice(off(e.range.end)), text);
}
