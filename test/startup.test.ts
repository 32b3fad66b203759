// What the CLI skips at start-up (bench/startup.mjs), checked here instead.
//
// The lexer skips chevrotain's checks of the token definitions and tells it each token's first
// characters and whether it can span lines (src/syntax/tokens.ts), instead of letting it work
// them out by parsing every pattern. Here the checks run, and the hints are held against lexers
// that work everything out themselves: chevrotain's own analysis, and its safe mode (every
// pattern tried at every position, no first-character table at all).
//
//   crnnLexer.tokenize(text)  ≡  new Lexer(<the same tokens without hints>, { safeMode: true }).tokenize(text)
//
// The bundled CLI reads the stdlib's ASTs from the JSON its build wrote (src/load/loader.ts,
// scripts/bundle.mjs) instead of parsing the stdlib: they must be the parser's ASTs exactly, and
// be used only for the text they were parsed from.

import { afterEach, describe, expect, test, vi } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { createToken, Lexer, type ILexingResult, type IToken, type TokenType } from "chevrotain";
import { allTokens, crnnLexer, Ident } from "../src/syntax/tokens.js";
import { parseFile } from "../src/syntax/parse.js";
import { DiagnosticSink } from "../src/diagnostics/diagnostic.js";
import { reviveAst, serializeAst, stdlibAstsJson } from "../src/load/loader.js";

const ROOT = resolve(import.meta.dirname, "..");

/** The same tokens as chevrotain would get them without hints: name, pattern, group, longer_alt, categories. */
function unhinted(): TokenType[] {
  const byName = new Map<string, TokenType>();
  const copy = (t: TokenType): TokenType => {
    const have = byName.get(t.name);
    if (have) return have;
    const alt = t.LONGER_ALT as TokenType | undefined;
    const c = createToken({
      name: t.name,
      pattern: t.PATTERN as RegExp,
      ...(t.GROUP !== undefined ? { group: t.GROUP } : {}),
      ...(alt ? { longer_alt: copy(alt) } : {}),
      ...(t.CATEGORIES?.length ? { categories: t.CATEGORIES.map(copy) } : {}),
    });
    byName.set(t.name, c);
    return c;
  };
  copy(Ident);
  return allTokens.map(copy);
}

/** What a test compares of a lexing: every token's kind and place, the comments, the errors. */
function shape(r: ILexingResult) {
  const tok = (t: IToken) => [t.tokenType.name, t.image, t.startOffset, t.endOffset, t.startLine, t.startColumn, t.endLine, t.endColumn];
  return {
    tokens: r.tokens.map(tok),
    comments: (r.groups.comments ?? []).map(tok),
    errors: r.errors.map((e) => [e.offset, e.length, e.line, e.column]),
  };
}

function crnnFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return crnnFiles(p);
    return f.endsWith(".crnn") ? [p] : [];
  });
}

describe("the CLI's lexer", () => {
  test("chevrotain's checks of the token definitions pass (the CLI's lexer skips them)", () => {
    const warn = console.warn; // chevrotain prints its warnings there
    const warnings: unknown[] = [];
    console.warn = (...a: unknown[]) => warnings.push(a);
    try {
      const checked = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: true });
      expect(checked.lexerDefinitionErrors).toEqual([]);
      // chevrotain can find every token's first characters itself, too.
      expect(new Lexer(unhinted(), { positionTracking: "full", ensureOptimizations: true }).lexerDefinitionErrors).toEqual([]);
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([]);
  });

  const analysed = new Lexer(unhinted(), { positionTracking: "full" });
  const safe = new Lexer(unhinted(), { positionTracking: "full", safeMode: true });

  test("lexes every .crnn file in the repository as lexers without the hints do", () => {
    const files = ["examples", "stdlib", "test"].flatMap((d) => crnnFiles(join(ROOT, d)));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const text = readFileSync(f, "utf8");
      const got = shape(crnnLexer.tokenize(text));
      expect(got, f).toEqual(shape(safe.tokenize(text)));
      expect(got, f).toEqual(shape(analysed.tokenize(text)));
    }
  });

  test("starts a token at every character where the lexers without hints do (ASCII, Latin-1, line separators)", () => {
    const chars = [...Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)), "\u2028", "\u2029", "\ufeff", "é", "→", "😀"];
    const tails = ["", "a", "1", " ", "\n", "=", "/", "-", '"x"', "\r\ny", "e5"];
    for (const c of chars)
      for (const t of tails) {
        const text = `x ${c}${t} ${c}`;
        expect(shape(crnnLexer.tokenize(text)), JSON.stringify(text)).toEqual(shape(safe.tokenize(text)));
      }
  });
});

describe("the stdlib's ASTs prebuilt for the bundled CLI", () => {
  const stdlib = join(ROOT, "stdlib");
  const files = readdirSync(stdlib).filter((f) => f.endsWith(".crnn"));

  test("come back from JSON as the parser's ASTs, undefined fields included, frozen", () => {
    expect(files.length).toBeGreaterThan(3);
    for (const f of files) {
      const ast = parseFile(readFileSync(join(stdlib, f), "utf8"), `std/${f}`, new DiagnosticSink());
      const back = reviveAst(serializeAst(ast));
      expect(isDeepStrictEqual(back, ast), f).toBe(true);
      expect(Object.isFrozen(back) && Object.isFrozen(back.items[0]), f).toBe(true);
    }
    const all = JSON.parse(stdlibAstsJson()) as Record<string, { text: string; ast: string }>;
    expect(Object.keys(all).sort()).toEqual(files.map((f) => `std/${f}`).sort());
  });

  const G = globalThis as { CRNNC_STDLIB_ASTS?: string };
  afterEach(() => {
    delete G.CRNNC_STDLIB_ASTS;
    vi.resetModules();
  });

  test("are used for the text they were parsed from, and only for it", async () => {
    const all = JSON.parse(stdlibAstsJson()) as Record<string, { text: string; ast: string }>;
    // A planted AST (std/arith's module `decay` renamed) under arith's true text, and
    // smooth_relu's true AST under a text that is no longer the file's.
    const arith = all["std/arith.crnn"]!;
    const planted = reviveAst(arith.ast);
    const renamed = { ...planted, items: planted.items.map((it) => (it.kind === "module" && it.name === "decay" ? { ...it, name: "decay_planted" } : it)) };
    all["std/arith.crnn"] = { text: arith.text, ast: serializeAst(renamed) };
    all["std/smooth_relu.crnn"] = { ...all["std/smooth_relu.crnn"]!, text: "module gone() {}" };
    const dir = mkdtempSync(join(tmpdir(), "crnnc-std-asts-"));
    try {
      const file = join(dir, "std.json");
      writeFileSync(file, JSON.stringify(all));
      // What the bundle's `define` does; an absolute name resolves to itself.
      G.CRNNC_STDLIB_ASTS = file;
      vi.resetModules();
      const { loadProgram } = await import("../src/load/loader.js");
      const program = loadProgram(join(ROOT, "examples/xor.crnn"), new DiagnosticSink(), undefined, undefined, ["std/backprop", "std/arith"]);
      const names = (f: string) => program.files.get(join(stdlib, f))!.ast.items.map((it) => ("name" in it ? it.name : it.kind));
      expect(names("arith.crnn")).toContain("decay_planted");
      const smooth = parseFile(readFileSync(join(stdlib, "smooth_relu.crnn"), "utf8"), "std/smooth_relu.crnn", new DiagnosticSink());
      expect(isDeepStrictEqual(program.files.get(join(stdlib, "smooth_relu.crnn"))!.ast, smooth)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
