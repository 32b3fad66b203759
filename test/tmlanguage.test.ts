// The TextMate grammar grammar/crnn.tmLanguage.json, run by the engine VS Code uses
// (vscode-textmate with the oniguruma WASM from vscode-oniguruma): the examples and stdlib
// tokenise, and keywords, numbers, species, rate annotations and comments get their scopes.

import { describe, it, expect, beforeAll } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";
import { ROOT } from "./helpers.js";

const require = createRequire(import.meta.url);
let grammar: vsctm.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) =>
      scope === "source.crnn" ? vsctm.parseRawGrammar(readFileSync(resolve(ROOT, "grammar/crnn.tmLanguage.json"), "utf8"), "crnn.tmLanguage.json") : null,
  });
  grammar = (await registry.loadGrammar("source.crnn"))!;
});

/** Every token of `text` as [text, innermost scope (without `.crnn`)]. */
function tokenize(text: string): [string, string][] {
  const out: [string, string][] = [];
  let state = vsctm.INITIAL;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, t.endIndex);
      if (s.trim()) out.push([s.trim(), t.scopes[t.scopes.length - 1]!.replace(/\.crnn$/, "")]);
    }
    state = r.ruleStack;
  }
  return out;
}

/** The scope of the first token whose text is `word`, after `after` tokens matching it are skipped. */
function scopeOf(tokens: [string, string][], word: string, nth = 0): string | undefined {
  return tokens.filter(([t]) => t === word)[nth]?.[1];
}

describe("TextMate grammar", () => {
  it("examples/xor.crnn: keywords, names, numbers, settings and comments", () => {
    const t = tokenize(readFileSync(resolve(ROOT, "examples/xor.crnn"), "utf8"));
    expect(scopeOf(t, "import")).toBe("keyword.control.import");
    expect(scopeOf(t, "std/smooth_relu")).toBe("entity.name.namespace");
    expect(scopeOf(t, "network")).toBe("storage.type");
    expect(scopeOf(t, "xor_net")).toBe("entity.name.function");
    expect(scopeOf(t, "train")).toBe("storage.type");
    expect(scopeOf(t, "xor")).toBe("support.constant.dataset");
    expect(scopeOf(t, "input")).toBe("keyword.other.setting");
    expect(scopeOf(t, "dense")).toBe("keyword.other.setting");
    expect(scopeOf(t, "eta")).toBe("keyword.other.setting");
    expect(scopeOf(t, "every")).toBe("keyword.other.setting");
    expect(scopeOf(t, "0.002")).toBe("constant.numeric");
    expect(scopeOf(t, "36000")).toBe("constant.numeric");
    expect(scopeOf(t, "smooth_relu")).toBe("entity.name.function.call");
    expect(scopeOf(t, "h")).toBe("variable.parameter");
    expect(scopeOf(t, "rate")).toBe("storage.type");
    expect(scopeOf(t, "k_div")).toBe("variable.other.constant");
    expect(t.find(([s]) => s.startsWith("/// The paper's XOR"))?.[1]).toBe("comment.line.documentation");
    expect(t.find(([s]) => s.startsWith("// XOR with"))?.[1]).toBe("comment.line.double-slash");
    expect(t.find(([s]) => s.startsWith("// η, rate constant"))?.[1]).toBe("comment.line.double-slash");
  });

  it("reactions: coefficients, species, rails, arrows and rate annotations", () => {
    const t = tokenize("module edge(X, I, dual W) {\n  X + W.p + I -> 2 X + W.p + I @ k\n  A -> 0 @ rate(k * A)  // law\n}\n");
    expect(scopeOf(t, "module")).toBe("storage.type");
    expect(scopeOf(t, "edge")).toBe("entity.name.function");
    expect(scopeOf(t, "dual")).toBe("keyword.other");
    expect(scopeOf(t, "X", 1)).toBe("variable.other.species");
    expect(scopeOf(t, "W", 1)).toBe("variable.other.species");
    expect(scopeOf(t, "p")).toBe("variable.other.rail");
    expect(scopeOf(t, "->")).toBe("keyword.operator.arrow");
    expect(scopeOf(t, "2")).toBe("constant.numeric");
    expect(scopeOf(t, "0")).toBe("constant.numeric");
    expect(scopeOf(t, "@")).toBe("keyword.operator.rate");
    expect(scopeOf(t, "k")).toBe("variable.other.constant.rate");
    expect(scopeOf(t, "rate")).toBe("support.function.rate-law");
    expect(scopeOf(t, "*")).toBe("keyword.operator.arithmetic");
    expect(scopeOf(t, "// law")).toBe("comment.line.double-slash");
  });

  it("crn blocks: init, numbers with exponents, strings", () => {
    const t = tokenize('crn divide {\n  init a = 6, b = 1e-3\n  a -> a + q @ k\n}\nactivation s(h = 1) {\n  require h > 0 : "h must be \\"positive\\""\n}\n');
    expect(scopeOf(t, "crn")).toBe("storage.type");
    expect(scopeOf(t, "divide")).toBe("entity.name.function");
    expect(scopeOf(t, "init")).toBe("keyword.other");
    expect(scopeOf(t, "a")).toBe("variable.other.species");
    expect(scopeOf(t, "1e-3")).toBe("constant.numeric");
    expect(scopeOf(t, "q")).toBe("variable.other.species");
    expect(scopeOf(t, "require")).toBe("keyword.other");
    expect(scopeOf(t, ">")).toBe("keyword.operator.comparison");
    expect(t.some(([s, sc]) => s === '\\"' && sc === "constant.character.escape")).toBe(true);
  });

  it("every example and stdlib file tokenises, and every comment is a comment", () => {
    const files = [
      ...readdirSync(resolve(ROOT, "examples")).map((f) => `examples/${f}`),
      ...readdirSync(resolve(ROOT, "stdlib")).map((f) => `stdlib/${f}`),
    ].filter((f) => f.endsWith(".crnn"));
    for (const f of files) {
      const text = readFileSync(resolve(ROOT, f), "utf8");
      const t = tokenize(text);
      expect(t.length, f).toBeGreaterThan(10);
      for (const [s, scope] of t) if (s.startsWith("//")) expect(scope, `${f}: ${s}`).toMatch(/^comment\.line\./);
      // every `->` is an arrow, every `@` a rate annotation
      for (const [s, scope] of t) {
        if (s === "->") expect(scope, f).toBe("keyword.operator.arrow");
        if (s === "@") expect(scope, f).toBe("keyword.operator.rate");
      }
    }
  });
});
