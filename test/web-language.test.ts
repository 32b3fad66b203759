// The playground's .crnn highlighting (web/src/crnn-language.ts) kept in sync with the language:
// its word lists are the lexer's reserved words and soft keywords, the IR's functions and the
// registry's datasets; and run over every example and stdlib file, each token the lexer reads as a
// reserved word is coloured as a keyword, each number as a number, each comment as a comment, each
// string as a string — as test/tmlanguage.test.ts does for the TextMate grammar.
import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { StringStream } from "@codemirror/language";
import type { TokenType } from "chevrotain";
import { allTokens, crnnLexer, Ident } from "../src/syntax/tokens.js";
import { FUNCTIONS as IR_FUNCTIONS } from "../src/ir/expr.js";
import { BUILTIN_DATASETS } from "../src/data/registry.js";
import { RESERVED, SOFT, FUNCTIONS, DATASETS, crnnParser } from "../web/src/crnn-language.js";
import { ROOT } from "./helpers.js";

const isSoft = (t: TokenType) => (t.CATEGORIES ?? []).includes(Ident);
const isKeyword = (t: TokenType) => t.LONGER_ALT !== undefined;
const word = (t: TokenType) => (t.PATTERN as RegExp).source.replace(/\\b$/, "");

/** Every token the stream parser gives `text`: [offset, text, style]. */
function highlight(text: string): [number, string, string | null][] {
  const out: [number, string, string | null][] = [];
  const state = crnnParser.startState!(2);
  let offset = 0;
  for (const line of text.split("\n")) {
    const s = new StringStream(line, 2, 2);
    while (!s.eol()) {
      const style = crnnParser.token(s, state);
      out.push([offset + s.start, line.slice(s.start, s.pos), style]);
      s.start = s.pos;
    }
    offset += line.length + 1;
  }
  return out;
}

const FILES = [...readdirSync(resolve(ROOT, "examples")).map((f) => `examples/${f}`), ...readdirSync(resolve(ROOT, "stdlib")).map((f) => `stdlib/${f}`)].filter(
  (f) => f.endsWith(".crnn"),
);

describe("the playground's .crnn highlighting", () => {
  it("knows the lexer's reserved words and soft keywords, the IR's functions and the bundled datasets", () => {
    expect(RESERVED).toEqual(allTokens.filter((t) => isKeyword(t) && !isSoft(t)).map(word));
    expect(SOFT).toEqual(allTokens.filter((t) => isKeyword(t) && isSoft(t)).map(word));
    expect(FUNCTIONS).toEqual(Object.keys(IR_FUNCTIONS));
    expect([...DATASETS].sort()).toEqual(Object.keys(BUILTIN_DATASETS).sort());
  });

  for (const f of FILES)
    it(`${f}: reserved words, numbers, comments and strings get their styles`, () => {
      const text = readFileSync(resolve(ROOT, f), "utf8");
      const styles = new Map(highlight(text).map(([o, t, s]) => [o, { t, s }]));
      const lexed = crnnLexer.tokenize(text);
      let checked = 0;
      for (const tok of [...lexed.tokens, ...((lexed.groups["comments"] as typeof lexed.tokens | undefined) ?? [])]) {
        const type = tok.tokenType;
        const want =
          isKeyword(type) && !isSoft(type)
            ? "keyword"
            : type.name === "NumberLit"
              ? "number"
              : type.name === "StringLit"
                ? "string"
                : type.name === "LineComment"
                  ? "lineComment"
                  : type.name === "DocComment"
                    ? "docComment"
                    : undefined;
        if (!want) continue;
        const got = styles.get(tok.startOffset);
        expect(got, `${f}:${tok.startLine}:${tok.startColumn} ${tok.image}`).toEqual({ t: tok.image, s: want });
        checked++;
      }
      expect(checked).toBeGreaterThan(5);
    });

  it("a setting is a keyword where it is one, a name elsewhere", () => {
    const s = (text: string) => highlight(text).filter(([, , st]) => st !== null);
    expect(s("train net on xor {\n  evaluate every 100\n  init weights uniform(-1, 1)\n}")).toEqual([
      [0, "train", "keyword"],
      [6, "net", "variableName.definition"],
      [10, "on", "keyword"],
      [13, "xor", "atom"],
      [17, "{", "brace"],
      [21, "evaluate", "keyword"],
      [30, "every", "keyword"],
      [36, "100", "number"],
      [42, "init", "keyword"],
      [47, "weights", "keyword"],
      [55, "uniform", "variableName.function"],
      [62, "(", "punctuation"],
      [63, "-", "operator"],
      [64, "1", "number"],
      [65, ",", "punctuation"],
      [67, "1", "number"],
      [68, ")", "punctuation"],
      [70, "}", "brace"],
    ]);
    // `input` as a species in a reaction is a name.
    expect(s("crn c {\n  input + B -> 0 @ k\n}").find(([, t]) => t === "input")?.[2]).toBe("variableName");
  });
});
