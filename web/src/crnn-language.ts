// .crnn highlighting for CodeMirror 6: a stream tokenizer over the language's words. The word
// lists are the lexer's (src/syntax/tokens.ts: reserved words, soft keywords), the functions the
// IR's (ir/expr.ts) and the datasets the registry's; test/web-language.test.ts keeps them in
// sync, and tokenizes the examples and the stdlib to check every keyword is coloured as one.
//
//   train xor_net on xor { eta 0.002 }   →  keyword, variableName, keyword, atom, …, keyword, number
import { StreamLanguage, type StreamParser } from "@codemirror/language";

/** Reserved words: never names. */
export const RESERVED = ["import", "const", "rate", "module", "activation", "catalyst", "local", "require", "crn", "network", "train", "dual", "init", "noise"];
/** Soft keywords: settings at the start of a statement, species names anywhere else. */
export const SOFT = [
  "input",
  "dense",
  "on",
  "eta",
  "period",
  "iterations",
  "split",
  "seed",
  "evaluate",
  "every",
  "weights",
  "biases",
  "features",
  "targets",
  "annihilate",
  "scale",
  "shift",
  "epsilon",
  "resample",
  "hold",
  "closed",
];
/** The functions of rate laws and closed forms. */
export const FUNCTIONS = ["sqrt", "exp", "log", "abs", "min", "max", "step", "piecewise"];
/** The bundled datasets a train block names after `on`. */
export const DATASETS = ["xor", "sine", "iris", "mnist01"];
/** Initialisations (`init uniform(-1, 1)`). */
export const DISTRIBUTIONS = ["uniform", "normal", "constant"];

const reserved = new Set(RESERVED);
const soft = new Set(SOFT);
const functions = new Set([...FUNCTIONS, ...DISTRIBUTIONS]);
const datasets = new Set(DATASETS);

interface State {
  /** At the start of a statement: a soft keyword here is a setting. */
  statementStart: boolean;
  /** The previous word (`import`, `on`, `module`, …) that decides what the next one is. */
  prev: string;
  /** What the previous word was coloured as. */
  prevStyle: string;
}

export const crnnParser: StreamParser<State> = {
  name: "crnn",
  startState: () => ({ statementStart: true, prev: "", prevStyle: "" }),
  token(stream, state) {
    if (stream.sol()) state.statementStart = true;
    if (stream.eatSpace()) return null;
    if (stream.match("///")) {
      stream.skipToEnd();
      return "docComment";
    }
    if (stream.match("//")) {
      stream.skipToEnd();
      return "lineComment";
    }
    const start = state.statementStart;
    state.statementStart = false;
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return "string";
    if (stream.match(/^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/)) return "number";
    if (stream.match("->")) return "operator";
    if (stream.match("@")) return "operator";
    if (stream.match(/^(?:<=|>=|==|[-+*/^<>=])/)) return "operator";
    if (stream.match(/^[{};]/)) {
      state.statementStart = true;
      state.prev = "";
      return "brace";
    }
    if (stream.match(/^[()[\],.:]/)) return "punctuation";
    const m = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/) as RegExpMatchArray | null;
    if (m) {
      const w = m[0];
      const { prev, prevStyle } = state;
      // A statement that goes on with `+` or `->` is a reaction: its first word is a species.
      const reaction = !!stream.match(/^\s*(?:\+|->)/, false);
      const style = wordStyle(w, prev, prevStyle, start && !reaction, stream.peek());
      if (style === "namespace") stream.match(/^\/[A-Za-z_][A-Za-z0-9_]*/);
      state.prev = w;
      state.prevStyle = style;
      return style;
    }
    stream.next();
    return null;
  },
  languageData: { commentTokens: { line: "//" } },
};

function wordStyle(w: string, prev: string, prevStyle: string, start: boolean, next: string | undefined): string {
  if (prev === "import" && w === "std" && next === "/") return "namespace";
  if (reserved.has(w)) return "keyword";
  if (soft.has(w)) {
    // A setting: first in its statement, or a second word of one (`evaluate every`, `init weights`, `train net on`).
    if (
      start ||
      (w === "every" && prev === "evaluate") ||
      ((w === "weights" || w === "biases") && prev === "init") ||
      (w === "on" && prevStyle === "variableName.definition")
    )
      return "keyword";
  }
  if (prev === "on" && datasets.has(w)) return "atom";
  if (["module", "activation", "network", "crn", "train"].includes(prev)) return "variableName.definition";
  if (functions.has(w) && next === "(") return "variableName.function";
  return "variableName";
}

export const crnnLanguage = StreamLanguage.define(crnnParser);
