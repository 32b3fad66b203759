// Seeded random mutations of .crnn sources, for test/fuzz.test.ts. Kept apart from the test so
// a failing case can be rebuilt from its seed in a scratch script or test:
//
//   const src = SOURCES.find((s) => s.name === "examples/xor.crnn")!;
//   const { text, opts } = mutant(src, 1234);   compile(text, { file: src.file, ...opts })

import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "./helpers.js";
import { STDLIB_DIR } from "../src/load/loader.js";
import { RESERVED_WORDS } from "../src/syntax/tokens.js";
import type { CompileOptions } from "../src/compile.js";

// ---- a small seeded PRNG (mulberry32), independent of src/ -----------------------------------

export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

// ---- mutations -------------------------------------------------------------------------------

/** Token-sized chunks: whitespace, comments, strings, names, numbers, operators, single chars. */
const CHUNK = /\s+|\/\/[^\n]*|"[^"\n]*"?|[A-Za-z_][A-Za-z0-9_]*|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|->|<=|>=|==|[^]/gu;

function chunks(text: string): string[] {
  return text.match(CHUNK) ?? [];
}

/** Pieces of the language (and of other languages) to splice in. */
const FRAGMENTS = [
  "{",
  "}",
  "(",
  ")",
  "->",
  "@",
  ".",
  ",",
  ":",
  "+",
  "-",
  "*",
  "/",
  "^",
  "=",
  "==",
  "<",
  "<=",
  ">",
  ">=",
  "dual",
  "rate",
  "const",
  "module",
  "activation",
  "catalyst",
  "local",
  "require",
  "crn",
  "network",
  "train",
  "init",
  "noise",
  "import",
  "input",
  "dense",
  "on",
  "eta",
  "period",
  "iterations",
  "split",
  "seed",
  "evaluate every",
  "init weights",
  "features",
  "targets",
  "annihilate",
  "shift",
  "scale",
  "epsilon",
  "resample",
  "hold",
  "0",
  "-1",
  "1",
  "2",
  "1e400",
  "-1e400",
  "1e-400",
  "NaN",
  "Infinity",
  "2.5",
  "0.5",
  ".5",
  "1.",
  "00",
  ".p",
  ".m",
  ".q",
  "X",
  "Y",
  "W",
  "k",
  "kk",
  "h",
  "h:",
  "h: 0",
  "k_div",
  "smooth_relu",
  "decay",
  "std/arith",
  "std/smooth_relu",
  "std/nope",
  '"x.crnn"',
  '"xor.crnn"',
  '"',
  "xor",
  "iris",
  "mnist01",
  "rate(",
  "sqrt(",
  "step(",
  "min(",
  "uniform(",
  "normal(0, -1)",
  "0 + X",
  "2 X",
  "A -> B @ k",
  "\n",
  "\r\n",
  "\t",
  " ",
  "//",
  "///",
  "#",
  "$",
  "~",
  "`",
  "\\",
  "\u0000",
  "é",
  "→",
  "😀",
  "\u200b",
];

const WEIRD_NUMBERS = ["0", "-1", "-0", "1e400", "1e-400", "NaN", "2.5", "0.5", "1", "3", "10", "65"];

const RESERVED = new Set(RESERVED_WORDS);
const isName = (c: string) => /^[A-Za-z_]/.test(c) && !RESERVED.has(c);

type Mutation = (text: string, rng: Prng) => string;

export const mutations: Record<string, Mutation> = {
  deleteChunk(text, rng) {
    const cs = chunks(text);
    if (!cs.length) return text;
    cs.splice(rng.int(cs.length), 1 + (rng.next() < 0.2 ? rng.int(4) : 0));
    return cs.join("");
  },
  duplicateChunk(text, rng) {
    const cs = chunks(text);
    if (!cs.length) return text;
    const i = rng.int(cs.length);
    cs.splice(i, 0, cs[i]!);
    return cs.join("");
  },
  swapChunks(text, rng) {
    const cs = chunks(text);
    if (cs.length < 2) return text;
    const i = rng.int(cs.length);
    const j = rng.next() < 0.5 ? Math.min(cs.length - 1, i + 1 + rng.int(3)) : rng.int(cs.length);
    [cs[i], cs[j]] = [cs[j]!, cs[i]!];
    return cs.join("");
  },
  insertFragment(text, rng) {
    const cs = chunks(text);
    const i = rng.int(cs.length + 1);
    const f = rng.pick(FRAGMENTS);
    cs.splice(i, 0, rng.next() < 0.5 ? ` ${f} ` : f);
    return cs.join("");
  },
  replaceChunk(text, rng) {
    const cs = chunks(text);
    if (!cs.length) return text;
    cs[rng.int(cs.length)] = rng.pick(FRAGMENTS);
    return cs.join("");
  },
  replaceNumber(text, rng) {
    const cs = chunks(text);
    const nums = cs.flatMap((c, i) => (/^[\d.]/.test(c) && /\d/.test(c) ? [i] : []));
    if (!nums.length) return text;
    cs[rng.pick(nums)] = rng.pick(WEIRD_NUMBERS);
    return cs.join("");
  },
  typoName(text, rng) {
    const cs = chunks(text);
    const names = cs.flatMap((c, i) => (/^[A-Za-z_]/.test(c) ? [i] : []));
    if (!names.length) return text;
    const i = rng.pick(names);
    const s = cs[i]!;
    const p = rng.int(s.length);
    const abc = "abcdefghijklmnopqrstuvwxyz_XYZ";
    const op = rng.int(3);
    cs[i] =
      op === 0
        ? s.slice(0, p) + s.slice(p + 1)
        : op === 1
          ? s.slice(0, p) + rng.pick([...abc]) + s.slice(p)
          : s.slice(0, p) + rng.pick([...abc]) + s.slice(p + 1);
    return cs.join("");
  },
  insertChar(text, rng) {
    const i = rng.int(text.length + 1);
    const c = rng.next() < 0.8 ? String.fromCharCode(32 + rng.int(95)) : rng.pick(["\n", "\t", "\r", "\r\n", "\u0000", "é", "😀", "\ud800"]);
    return text.slice(0, i) + c + text.slice(i);
  },
  deleteRange(text, rng) {
    const i = rng.int(text.length + 1);
    return text.slice(0, i) + text.slice(i + 1 + rng.int(40));
  },
  truncate(text, rng) {
    return text.slice(0, rng.int(text.length + 1));
  },
  renameName(text, rng) {
    // Another name of the corpus in place of this one (not a reserved word either way): wrong
    // kinds, unknown names, shadowing, but mostly still a program that parses.
    const cs = chunks(text);
    const names = cs.flatMap((c, i) => (isName(c) ? [i] : []));
    if (!names.length) return text;
    cs[rng.pick(names)] = rng.pick(NAME_POOL);
    return cs.join("");
  },
  swapNames(text, rng) {
    const cs = chunks(text);
    const names = cs.flatMap((c, i) => (isName(c) ? [i] : []));
    if (names.length < 2) return text;
    const i = rng.pick(names);
    const j = rng.pick(names);
    [cs[i], cs[j]] = [cs[j]!, cs[i]!];
    return cs.join("");
  },
  swapLines(text, rng) {
    const ls = text.split("\n");
    const i = rng.int(ls.length);
    const j = rng.int(ls.length);
    [ls[i], ls[j]] = [ls[j]!, ls[i]!];
    return ls.join("\n");
  },
  duplicateLine(text, rng) {
    const ls = text.split("\n");
    const i = rng.int(ls.length);
    ls.splice(rng.int(ls.length + 1), 0, ls[i]!);
    return ls.join("\n");
  },
  deleteLine(text, rng) {
    const ls = text.split("\n");
    ls.splice(rng.int(ls.length), 1);
    return ls.join("\n");
  },
  spliceOtherSource(text, rng) {
    // A line from another file of the corpus: definitions in the wrong place, duplicates, ...
    const other = rng.pick(SOURCES).text.split("\n");
    const ls = text.split("\n");
    ls.splice(rng.int(ls.length + 1), 0, ...other.slice(rng.int(other.length)).slice(0, 1 + rng.int(6)));
    return ls.join("\n");
  },
};

/** Mutations that keep the token structure (mostly), so the mutant gets past the parser and
 *  into the checks and the lowering; the others mostly make syntax errors. */
const GENTLE = ["replaceNumber", "typoName", "renameName", "swapNames", "swapLines", "duplicateLine", "deleteLine", "spliceOtherSource"];
const ALL = Object.keys(mutations);

// ---- corpus ----------------------------------------------------------------------------------

export interface Source {
  /** examples/xor.crnn, stdlib/arith.crnn, seed/features.crnn */
  name: string;
  text: string;
  /** The path the mutant is compiled as. */
  file: string;
  /** Blocks that can be picked with `target` (the fuzzer also tries no target). */
  targets: string[];
}

/** Fuzz seeds for what the examples do not use: custom activations, rate laws, noise, crn calls. */
const FEATURES = `// Fuzz seed: features the examples do not use.
import std/arith
import std/smooth_relu

const two = 2
rate k_top = 0.5 * two

/// A custom activation with every template of the contract.
activation act(h = 1, g = two) {
  require h > 0 : "h must be positive"
  require g >= 1
  catalyst H = h
  const c = g / 2
  rate k = 1
  rate k_div = 10 * k
  module node(X) {
    H -> H + X @ k
    2 X -> X @ k * c
  }
  module edge(X, I, dual W) {
    X + W.p + I -> 2 X + W.p + I @ k
    X + W.m + I -> W.m + I @ k
  }
  module bias(X, dual B) {
    X + B.p -> 2 X + B.p @ k
    X + B.m -> B.m @ k
  }
  module slope(X, D) {
    local A
    2 X -> 2 X + D @ k_div
    D + A -> A @ k_div
    A -> 0 @ k
    2 X -> 2 X + A @ k
    H -> H + A @ k
  }
}

module square(Y, X) {
  local T
  mul(T, X, X)
  add(Y, T, k: 2)
  decay(Y)
}

network wide {
  input 4
  dense 3 act(h: 0.5, g: 2)
  dense 2 smooth_relu(2)
  dense 3 act
  rate k_div = 20
  rate eta = 0.01
}

train wide on iris {
  eta 0.001
  period 20
  iterations 10
  split 0.8
  seed 7
  evaluate every 5
  init weights normal(0, 0.5)
  init biases constant(0)
  annihilate 0.1
  noise { epsilon 0.01  resample 0.1  hold 0.01  on forward, backward, update, nodes }
}

crn chem {
  init A = 2, B = 3, W.p = 1, W.m = 0.5
  square(S, A)
  mul_su(P, W, B)
  A + B -> C @ rate(k_top * A * B / (1 + C))
  C -> 0 @ rate(step(C - 1) * sqrt(C) + min(A, B) * exp(-1) + abs(log(2)) + max(1, 2) ^ 2)
  rate k_fast = k_top * 4
  D -> 0 @ k_fast
}
`;

const IMPORTS = `// Fuzz seed: a relative import and a CSV dataset (any existing file will do for the compiler).
import "xor.crnn"
import std/smooth_relu

network reg {
  input 3
  dense 2 smooth_relu(h: 1)
  dense 1 smooth_relu
}

train reg on "sine.crnn" {
  features a, b, c
  targets y
  period 5
  iterations 2
}
`;

/**
 * Each stdlib file is compiled *as itself* (at its own path, from memory; nothing is written), with
 * a driver appended that uses it. The loader then takes the mutant for every `import std/...`
 * of that file, and for std/backprop, which the compiler wires into every train block: so a
 * mutated stdlib reaches the lowering and the backward/update passes too.
 */
const DRIVERS: Record<string, { text: string; targets: string[] }> = {
  "arith.crnn": {
    text: `
import std/smooth_relu
crn fuzz_arith {
  init A = 2, B = 3, W.p = 1, W.m = 0.5, V.p = 0.5, V.m = 1
  sum(S, A, B)
  diff(D, A, B)
  mul(M, A, B)
  mul_su(P, W, B)
  mul_ss(Q, W, V)
  div(R, A, B)
}
network fuzz_net {
  input 2
  dense 3 smooth_relu(h: 1)
  dense 1 smooth_relu(h: 2)
}
train fuzz_net on xor {
  iterations 3
  annihilate 1
}
`,
    targets: ["fuzz_arith", "fuzz_net"],
  },
  "backprop.crnn": {
    text: `
import std/smooth_relu
network fuzz_net {
  input 2
  dense 3 smooth_relu(h: 1)
  dense 1 smooth_relu(h: 2)
}
train fuzz_net on xor {
  iterations 3
  annihilate 1
}
`,
    targets: ["fuzz_net"],
  },
  "smooth_relu.crnn": {
    text: `
network fuzz_net {
  input 2
  dense 3 smooth_relu(h: 1)
  dense 1 smooth_relu(h: 2)
  rate k_div = 5
}
train fuzz_net on xor {
  iterations 3
}
network fuzz_fwd {
  input 1
  dense 2 smooth_relu
}
`,
    targets: ["fuzz_net", "fuzz_fwd"],
  },
};

const blockNames = (text: string) => [...text.matchAll(/^(?:crn|network) (\w+)/gm)].map((m) => m[1]!);

export const SOURCES: Source[] = [
  ...readdirSync(resolve(ROOT, "examples"))
    .filter((f) => f.endsWith(".crnn"))
    .sort()
    .map((f) => {
      const text = readFileSync(resolve(ROOT, "examples", f), "utf8");
      return { name: `examples/${f}`, text, file: resolve(ROOT, "examples", f), targets: blockNames(text) };
    }),
  ...readdirSync(STDLIB_DIR)
    .filter((f) => f.endsWith(".crnn"))
    .sort()
    .map((f) => {
      const driver = DRIVERS[f] ?? { text: "", targets: [] };
      return { name: `stdlib/${f}`, text: readFileSync(resolve(STDLIB_DIR, f), "utf8") + driver.text, file: resolve(STDLIB_DIR, f), targets: driver.targets };
    }),
  ...[
    ["features.crnn", FEATURES],
    ["imports.crnn", IMPORTS],
  ].map(([f, text]) => ({ name: `seed/${f}`, text: text!, file: resolve(ROOT, "examples", `fuzz_${f}`), targets: blockNames(text!) })),
];

/** Every name in the corpus, for `renameName`. */
const NAME_POOL = [...new Set(SOURCES.flatMap((s) => chunks(s.text).filter(isName)))].sort();

/** The mutant for one seed, and compile options to go with it. */
export function mutant(src: Source, seed: number): { text: string; applied: string[]; opts: CompileOptions } {
  const rng = new Prng(seed);
  let text = src.text;
  const applied: string[] = [];
  // Half the mutants get one or two gentle mutations (most of them still parse, so they reach
  // the checks and the lowering); the rest 1–4 of any kind, and 1 in 10 of those 5–14.
  const gentle = rng.next() < 0.5;
  const n = gentle ? 1 + rng.int(2) : rng.next() < 0.2 ? 5 + rng.int(10) : 1 + rng.int(4);
  for (let k = 0; k < n; k++) {
    const name = rng.pick(gentle ? GENTLE : ALL);
    text = mutations[name]!(text, rng);
    applied.push(name);
  }
  // No lone "\r" (deleting the "\n" of a "\r\n" makes one): the lexer counts it as a line
  // break but parse.ts and format.ts do not, a known bug (test/diagnostics.test.ts, "a lone CR").
  text = text.replace(/\r(?!\n)/g, "\r\n");
  const opts: CompileOptions = {};
  const t = rng.int(src.targets.length + 1);
  if (t < src.targets.length) opts.target = src.targets[t];
  else if (rng.next() < 0.1) opts.target = "no_such_block";
  if (rng.next() < 0.1) opts.seed = rng.int(5);
  if (rng.next() < 0.1) opts.annihilate = rng.pick([0, 0.5, 2]);
  if (rng.next() < 0.1) opts.iterations = 1 + rng.int(3);
  return { text, applied, opts };
}

// ---- expression mutants -----------------------------------------------------------------------

/** Values that are not finite numbers, or are only by luck, written as expressions. */
const HOSTILE = [
  "0/0",
  "1/0",
  "-1/0",
  "exp(1000)",
  "log(0)",
  "log(-1)",
  "sqrt(-1)",
  "2^1024",
  "(-8)^(1/3)",
  "0 * (1/0)",
  "(1/0) - (1/0)",
  "min(0/0, 1)",
  "max(1, 0/0)",
  "piecewise(1, 0/0, 2)",
  "piecewise(0/0, 1, 2)",
  "step(0/0)",
  "-(-(3))",
  "piecewise(2, 1 < 0, 3)",
  "abs(-2)",
  "1e308 * 10",
  "-0",
];
const SMALL = ["0", "0.5", "1", "2", "3", "1e-3"];

/** A random expression: small numbers and operators (values stay below ~100), often something hostile. */
function randomExpr(rng: Prng, depth: number): string {
  const r = rng.next();
  if (depth === 0 || r < 0.3) return rng.next() < 0.4 ? rng.pick(HOSTILE) : rng.pick(SMALL);
  const a = () => randomExpr(rng, depth - 1);
  if (r < 0.65) return `(${a()} ${rng.pick(["+", "-", "*", "/"])} ${a()})`;
  if (r < 0.72) return `-${a()}`;
  if (r < 0.8) return `(${a()} ${rng.pick(["<", "<=", ">", ">=", "=="])} ${a()})`;
  if (r < 0.9) return `${rng.pick(["sqrt", "abs", "step", "log"])}(${a()})`;
  if (r < 0.95) return `${rng.pick(["min", "max"])}(${a()}, ${a()})`;
  return `piecewise(${a()}, ${a()}, ${a()})`;
}

/** Offsets of the number literals of a text (not inside comments or strings). */
export function numberPositions(text: string): { at: number; len: number }[] {
  const out: { at: number; len: number }[] = [];
  let at = 0;
  for (const c of chunks(text)) {
    if (/^(?:\d|\.\d)/.test(c)) out.push({ at, len: c.length });
    at += c.length;
  }
  return out;
}

/** The source with one or two of its numbers replaced by random expressions (case `seed`). */
export function exprMutant(src: Source, seed: number): { text: string; applied: string[] } {
  const rng = new Prng(seed ^ 0x3c6ef372);
  const spots = numberPositions(src.text);
  const picked = [...new Set(Array.from({ length: rng.next() < 0.7 ? 1 : 2 }, () => rng.int(spots.length)))].sort((a, b) => b - a);
  let text = src.text;
  const applied: string[] = [];
  for (const i of picked) {
    const s = spots[i]!;
    const e = randomExpr(rng, 2);
    applied.push(`${text.slice(s.at, s.at + s.len)} → ${e}`);
    text = text.slice(0, s.at) + e + text.slice(s.at + s.len);
  }
  return { text, applied };
}
