// The .crnn token set and the lexer, built once.
//
// Reserved words (`module`, `rate`, `dual`, ...) cannot name a species. Setting words that only
// mean something inside `network`/`train` blocks (`period`, `eta`, `on`, ...) are *soft*: they
// are in the Ident category, so `period -> 0` is still a valid reaction on a species `period`.
//
//   2 X + W.p -> 3 X + W.p @ k     lexes as  Number Ident Plus Ident Dot Ident Arrow ...

import { createToken, Lexer, type TokenType } from "chevrotain";

export const Ident = createToken({ name: "Ident", pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

const reserved = (word: string): TokenType => createToken({ name: cap(word), pattern: new RegExp(`${word}\\b`), longer_alt: Ident });
const soft = (word: string): TokenType => createToken({ name: cap(word), pattern: new RegExp(`${word}\\b`), longer_alt: Ident, categories: [Ident] });
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

export const NumberLit = createToken({
  name: "NumberLit",
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/,
});
export const StringLit = createToken({ name: "StringLit", pattern: /"(?:[^"\\\r\n]|\\.)*"/ });
/** A string missing its closing quote: lexed whole so parse.ts can report it once, clearly. */
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\r\n]|\\.)*/ });

export const Arrow = createToken({ name: "Arrow", pattern: /->/ });
export const Le = createToken({ name: "Le", pattern: /<=/ });
export const Ge = createToken({ name: "Ge", pattern: />=/ });
export const EqEq = createToken({ name: "EqEq", pattern: /==/ });
export const Lt = createToken({ name: "Lt", pattern: /</ });
export const Gt = createToken({ name: "Gt", pattern: />/ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-/ });
export const Star = createToken({ name: "Star", pattern: /\*/ });
export const Caret = createToken({ name: "Caret", pattern: /\^/ });
export const At = createToken({ name: "At", pattern: /@/ });
export const Equals = createToken({ name: "Equals", pattern: /=/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LBrace = createToken({ name: "LBrace", pattern: /\{/ });
export const RBrace = createToken({ name: "RBrace", pattern: /\}/ });

// Comments are kept (group) rather than skipped: doc comments attach to the next item and the
// formatter needs every comment back.
export const DocComment = createToken({ name: "DocComment", pattern: /\/\/\/(?!\/)[^\r\n]*/, group: "comments" });
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\r\n]*/, group: "comments" });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\f]+/, group: Lexer.SKIPPED });

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

export const crnnLexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });
