// The .crnn token set and the lexer, built once.
//
// Reserved words (`module`, `rate`, `dual`, ...) cannot name a species. Setting words that only
// mean something inside `network`/`train` blocks (`period`, `eta`, `on`, ...) are *soft*: they
// are in the Ident category, so `period -> 0` is still a valid reaction on a species `period`.
//
//   2 X + W.p -> 3 X + W.p @ k     lexes as  Number Ident Plus Ident Dot Ident Arrow ...

import { createToken, Lexer, type ITokenConfig, type TokenType } from "chevrotain";

/**
 * A token whose matches start with one of the characters of `first` and, unless it says
 * otherwise, never contain a line break. Both are told to chevrotain (`start_chars_hint`,
 * `line_breaks`) so that building the lexer does not parse every pattern to find them out (a
 * regexp parser run per token at every start of the CLI); test/startup.test.ts checks them against
 * a lexer that has to work them out.
 */
function token(first: string, config: ITokenConfig): TokenType {
  return createToken({ start_chars_hint: [...first], line_breaks: false, ...config });
}
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";

export const Ident = token(LETTERS, { name: "Ident", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

/** The reserved words, as declared below: never names (the language service's rename checks them). */
export const RESERVED_WORDS: string[] = [];
const reserved = (word: string): TokenType => {
  RESERVED_WORDS.push(word);
  return token(word[0]!, { name: cap(word), pattern: new RegExp(`${word}\\b`), longer_alt: Ident });
};
const soft = (word: string): TokenType => token(word[0]!, { name: cap(word), pattern: new RegExp(`${word}\\b`), longer_alt: Ident, categories: [Ident] });
function cap(w: string): string {
  return w[0]!.toUpperCase() + w.slice(1);
}

export const Import = reserved("import");
export const Const = reserved("const");
export const Rate = reserved("rate");
export const Module = reserved("module");
export const Activation = reserved("activation");
export const Catalyst = reserved("catalyst");
export const Local = reserved("local");
export const Require = reserved("require");
export const Crn = reserved("crn");
export const Network = reserved("network");
export const Train = reserved("train");
export const Dual = reserved("dual");
export const Init = reserved("init");
export const Noise = reserved("noise");

export const Input = soft("input");
export const Dense = soft("dense");
export const On = soft("on");
export const Eta = soft("eta");
export const Period = soft("period");
export const Iterations = soft("iterations");
export const Split = soft("split");
export const Seed = soft("seed");
export const Evaluate = soft("evaluate");
export const Every = soft("every");
export const Weights = soft("weights");
export const Biases = soft("biases");
export const Features = soft("features");
export const Targets = soft("targets");
export const Annihilate = soft("annihilate");
export const Scale = soft("scale");
export const Shift = soft("shift");
export const Epsilon = soft("epsilon");
export const Resample = soft("resample");
export const Hold = soft("hold");
export const Closed = soft("closed");

export const NumberLit = token("0123456789", {
  name: "NumberLit",
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/,
});
export const StringLit = token('"', { name: "StringLit", pattern: /"(?:[^"\\\r\n]|\\.)*"/ });
/** A string missing its closing quote: lexed whole so parse.ts can report it once, clearly. */
export const UnterminatedString = token('"', { name: "UnterminatedString", pattern: /"(?:[^"\\\r\n]|\\.)*/ });

export const Arrow = token("-", { name: "Arrow", pattern: /->/ });
export const Le = token("<", { name: "Le", pattern: /<=/ });
export const Ge = token(">", { name: "Ge", pattern: />=/ });
export const EqEq = token("=", { name: "EqEq", pattern: /==/ });
export const Lt = token("<", { name: "Lt", pattern: /</ });
export const Gt = token(">", { name: "Gt", pattern: />/ });
export const Plus = token("+", { name: "Plus", pattern: /\+/ });
export const Minus = token("-", { name: "Minus", pattern: /-/ });
export const Star = token("*", { name: "Star", pattern: /\*/ });
export const Caret = token("^", { name: "Caret", pattern: /\^/ });
export const At = token("@", { name: "At", pattern: /@/ });
export const Equals = token("=", { name: "Equals", pattern: /=/ });
export const Colon = token(":", { name: "Colon", pattern: /:/ });
export const Comma = token(",", { name: "Comma", pattern: /,/ });
export const Dot = token(".", { name: "Dot", pattern: /\./ });
export const LParen = token("(", { name: "LParen", pattern: /\(/ });
export const RParen = token(")", { name: "RParen", pattern: /\)/ });
export const LBrace = token("{", { name: "LBrace", pattern: /\{/ });
export const RBrace = token("}", { name: "RBrace", pattern: /\}/ });

// Comments are kept (group) rather than skipped: doc comments attach to the next item and the
// formatter needs every comment back.
export const DocComment = token("/", { name: "DocComment", pattern: /\/\/\/(?!\/)[^\r\n]*/, group: "comments" });
export const LineComment = token("/", { name: "LineComment", pattern: /\/\/[^\r\n]*/, group: "comments" });
export const Slash = token("/", { name: "Slash", pattern: /\// });
export const WhiteSpace = token(" \t\r\n\f", { name: "WhiteSpace", pattern: /[ \t\r\n\f]+/, group: Lexer.SKIPPED, line_breaks: true });

export const allTokens: TokenType[] = [
  WhiteSpace,
  DocComment,
  LineComment,
  Arrow,
  Le,
  Ge,
  EqEq,
  Lt,
  Gt,
  Import,
  Const,
  Rate,
  Module,
  Activation,
  Catalyst,
  Local,
  Require,
  Crn,
  Network,
  Train,
  Dual,
  Init,
  Noise,
  Input,
  Dense,
  On,
  Eta,
  Period,
  Iterations,
  Split,
  Seed,
  Evaluate,
  Every,
  Weights,
  Biases,
  Features,
  Targets,
  Annihilate,
  Scale,
  Shift,
  Epsilon,
  Resample,
  Hold,
  Closed,
  Ident,
  NumberLit,
  StringLit,
  UnterminatedString,
  Plus,
  Minus,
  Star,
  Slash,
  Caret,
  At,
  Equals,
  Colon,
  Comma,
  Dot,
  LParen,
  RParen,
  LBrace,
  RBrace,
];

/**
 * The process-wide lexer. chevrotain's checks of the token definitions (patterns that can match
 * nothing, that another token always shadows, …) only fail when the tokens change, and cost
 * ~10 ms at every start: they are skipped here and test/startup.test.ts runs them.
 */
export const crnnLexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false, skipValidations: true });
