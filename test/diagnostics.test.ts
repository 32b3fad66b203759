// Acceptance: at least 20 kinds of bad input each give the right code, span and message.
//
// Every case is a small .crnn source with the offending text marked ⟪like this⟫ (⟪⟫ marks a
// point, e.g. the end of the file). The markers are removed before compiling, and the marked
// range is the span the diagnostic must have: line and column of its first character and of its
// last. Unless a case says otherwise, its diagnostic must be the only one: one mistake, one report.
//
// Cases marked `bug` are known defects of the compiler: they run as `it.fails` (so the suite stays
// green) and say what is wrong; when the compiler is fixed, vitest reports them and the `bug`
// field should be dropped. `CRNNC_SHOW_BUGS=1 npx vitest run test/diagnostics.test.ts` runs them
// as plain tests, to see how each one fails today.

import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compile, compileFile } from "../src/compile.js";
import { codes, type Code } from "../src/diagnostics/codes.js";
import type { Diagnostic } from "../src/diagnostics/diagnostic.js";
import type { Span } from "../src/syntax/ast.js";
import { displayName } from "../src/load/loader.js";
import { ROOT, compileText, runCli } from "./helpers.js";

const SHOW_BUGS = Boolean(process.env["CRNNC_SHOW_BUGS"]);

// ---- markers ---------------------------------------------------------------------------------

/** A marked range: a span without its file (`end` exclusive; for a point mark ⟪⟫ the same as start). */
type Mark = Omit<Span, "file">;

/** Strip ⟪ ⟫ markers; return the text and the marked ranges in order. */
function unmark(src: string): { text: string; marks: Mark[] } {
  let text = "";
  const opens: number[] = [];
  const ranges: [number, number][] = [];
  for (const ch of src) {
    if (ch === "⟪") opens.push(text.length);
    else if (ch === "⟫") ranges.push([opens.pop()!, text.length]);
    else text += ch;
  }
  if (opens.length) throw new Error(`unclosed marker in ${JSON.stringify(src)}`);
  ranges.sort((a, b) => a[0] - b[0]);
  const pos = (offset: number) => {
    const before = text.slice(0, offset).split("\n");
    return { line: before.length, col: before[before.length - 1]!.length + 1 };
  };
  const marks = ranges.map(([start, end]) => {
    const s = pos(start);
    const e = end > start ? pos(end - 1) : s;
    return { start, end, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  });
  return { text, marks };
}

type Pattern = string | RegExp;
const matches = (s: string | undefined, p: Pattern) => (typeof p === "string" ? (s ?? "").includes(p) : p.test(s ?? ""));

function show(ds: readonly Diagnostic[]): string {
  return ds
    .map(
      (d) =>
        `${d.code} ${d.span ? `${d.span.file}:${d.span.line}:${d.span.col}-${d.span.endLine}:${d.span.endCol}` : "(no span)"} ${d.message}${d.hint ? ` [hint: ${d.hint}]` : ""}`,
    )
    .join("\n");
}

/** Assert that `d` has this span (in `file`), as given by a marker. */
function expectSpan(d: Diagnostic, file: string, m: Mark, ds: readonly Diagnostic[]): void {
  expect(d.span, show(ds)).toBeDefined();
  const s = d.span!;
  expect({ file: s.file, line: s.line, col: s.col }, show(ds)).toEqual({ file, line: m.line, col: m.col });
  expect({ endLine: s.endLine, endCol: s.endCol }, show(ds)).toEqual({ endLine: m.endLine, endCol: m.endCol });
  expect(s.start, show(ds)).toBe(m.start);
  if (m.end > m.start) expect(s.end, show(ds)).toBe(m.end);
}

// ---- the table -------------------------------------------------------------------------------

interface Case {
  /** What is wrong, in words. */
  what: string;
  /** Source with the offending text ⟪marked⟫; no marker means the diagnostic has no span. */
  src: string;
  code: Code;
  message: Pattern;
  /** The hint must match; `null`: there must be none. */
  hint?: Pattern | null;
  /** The related places (`file:line:col`) and what each is, exactly. */
  related?: { at: string; message: string }[];
  opts?: { target?: string };
  /** Other diagnostics are allowed (their absence is a separate `bug` case). */
  others?: "allowed";
  /** A known defect: the case runs as `it.fails`. */
  bug?: string;
}

const NET = (body: string, train = "") =>
  `import std/smooth_relu\nnetwork net {\n  input 2\n  dense 3 smooth_relu(h: 1)\n  dense 1 smooth_relu(h: 1)\n${body}}\n${train}`;
const TRAIN = (settings: string, dataset = "xor") => NET("", `train net on ${dataset} {\n${settings}}\n`);

/** An activation with node, edge and bias but no slope: fine forward, not trainable. */
const NO_SLOPE = `activation lin {
  rate k = 1
  module node(X) {
    X -> 0 @ k
  }
  module edge(X, I, dual W) {
    I + W.p -> I + W.p + X @ k
    X + I + W.m -> I + W.m @ k
  }
  module bias(X, dual B) {
    B.p -> B.p + X @ k
  }
}
`;

const CASES: Case[] = [
  // ---- syntax ----
  {
    what: "a character that starts no token",
    src: "crn c {\n  A -> B ⟪$⟫\n}\n",
    code: "E0001",
    message: "unexpected character `$`",
  },
  {
    what: "a reaction with nothing after `->`",
    src: "crn c {\n  rate k = 1\n  A -> ⟪@⟫ k\n}\n",
    code: "E0002",
    message: "expected a number or a name, found `@`",
  },
  {
    what: "a missing `}` at the end of the file",
    src: "crn c {\n  A -> B⟪⟫",
    code: "E0002",
    message: "expected `}`, found end of file",
  },
  {
    what: "a stray `}` at the top level",
    src: "crn c {\n  A -> B\n}\n⟪}⟫\n",
    code: "E0002",
    message: /unexpected `\}`: expected a declaration \(import, const, rate, module, activation, crn, network or train\)/,
  },
  {
    what: "a module parameter list without `)`",
    src: "module m(X ⟪{⟫\n  X -> 0\n}\n",
    code: "E0002",
    message: "expected `)`, found `{`",
  },
  // ---- names ----
  {
    what: "an unknown species in a module, with a suggestion",
    src: "module m(Input, Output) {\n  Input -> ⟪Outptu⟫\n}\n",
    code: "E0101",
    message: "unknown species `Outptu` in module `m`",
    hint: "did you mean `Output`?",
  },
  {
    what: "an unknown species in a module, no close name",
    src: "module m(Input) {\n  Input -> ⟪Zed⟫\n}\n",
    code: "E0101",
    message: "unknown species `Zed` in module `m`",
    hint: "declare it as a parameter of the module or with `local Zed`",
  },
  {
    what: "an unknown rate constant `@ kk`",
    src: "crn c {\n  rate k = 1\n  A -> B @ ⟪kk⟫\n}\n",
    code: "E0101",
    message: "unknown rate constant `kk`",
    hint: "did you mean `k`?",
  },
  {
    what: "an unknown rate constant in a module, nothing close",
    src: "module m(A, B) {\n  A -> B @ ⟪speed⟫\n}\n",
    code: "E0101",
    message: "unknown rate constant `speed`",
    hint: "declare it with `rate NAME = value`",
  },
  {
    what: "a train block for an unknown network",
    src: TRAIN("  period 10\n").replace("train net", "train ⟪nett⟫"),
    code: "E0101",
    message: "unknown network `nett`",
    hint: "did you mean `net`?",
  },
  {
    what: "a train block for a crn",
    src: "crn c {\n  A -> B\n}\ntrain ⟪c⟫ on xor {\n  period 1\n}\n",
    code: "E0101",
    message: "`c` is a crn, not a network",
  },
  {
    what: "a network overriding a misspelt rate constant",
    src: NET("  rate ⟪kdiv⟫ = 5\n"),
    code: "E0101",
    message: "no template of this network has a rate constant `kdiv`",
    hint: "did you mean `k_div`?",
  },
  {
    what: "a network overriding a rate constant no template has",
    src: NET("  rate ⟪speed⟫ = 5\n"),
    code: "E0101",
    message: "no template of this network has a rate constant `speed`",
    hint: "rate constants: eta, k, k_ann, k_div",
  },
  {
    what: "a rate constant defined twice",
    src: "rate k = 1\nrate ⟪k⟫ = 2\ncrn c {\n  A -> B @ k\n}\n",
    code: "E0102",
    message: "`k` is already defined in test/input.crnn",
    hint: null,
    related: [{ at: "test/input.crnn:1:6", message: "first definition of `k`" }],
  },
  {
    what: "a module with the same parameter twice",
    src: "module m(X, ⟪X⟫) {\n  X -> 0\n}\n",
    code: "E0102",
    message: "`X` is already defined in module `m`",
    hint: null,
    related: [{ at: "test/input.crnn:1:10", message: "first definition of `X`" }],
  },
  {
    what: "two `input` lines in a network",
    src: NET("").replace("  input 2\n", "  input 2\n  ⟪input 3⟫\n"),
    code: "E0102",
    message: "the network already has an `input`",
  },
  {
    what: "two train blocks for one network",
    src: TRAIN("  period 1\n") + "train ⟪net⟫ on xor {\n  period 2\n}\n",
    code: "E0102",
    message: "network `net` already has a train block",
  },
  {
    what: "smooth_relu used without `import std/smooth_relu`",
    src: "network n {\n  input 2\n  dense 1 ⟪smooth_relu⟫(h: 1)\n}\n",
    code: "E0103",
    message: "unknown activation `smooth_relu`",
    hint: "add `import std/smooth_relu`",
  },
  {
    what: "a misspelt module",
    src: "import std/arith\nmodule m(X) {\n  ⟪decai⟫(X)\n}\n",
    code: "E0103",
    message: "unknown module `decai`",
    hint: "did you mean `decay`?",
  },
  {
    what: "a rate constant called as a module",
    src: "module m(X) {\n  rate k = 1\n  ⟪k⟫(X)\n}\n",
    code: "E0103",
    message: "`k` is a rate constant, not a module",
  },
  {
    what: "a module as a layer's activation",
    src: "import std/arith\nnetwork n {\n  input 2\n  dense 1 ⟪decay⟫\n}\n",
    code: "E0103",
    message: "`decay` is a module, not an activation",
  },
  {
    what: "a module call with too few arguments",
    src: "import std/arith\nmodule m(X) {\n  ⟪mul(X, X)⟫\n}\n",
    code: "E0104",
    message: "`mul` takes 3 species arguments (Z, A, B), got 2",
  },
  {
    what: "an activation given two positional parameters",
    src: NET("").replace("dense 1 smooth_relu(h: 1)", "dense 1 smooth_relu(1, ⟪2⟫)"),
    code: "E0104",
    message: "activation `smooth_relu` takes 1 parameter, got 2",
  },
  {
    what: "a function with the wrong number of arguments",
    src: "crn c {\n  A -> B @ rate(⟪min(A)⟫)\n}\n",
    code: "E0104",
    message: "`min` takes 2 arguments, got 1",
  },
  {
    what: "a plain species passed for a dual parameter",
    src: "import std/arith\nmodule m(X) {\n  dual_decay(⟪X⟫)\n}\n",
    code: "E0105",
    message: "`Z` of `dual_decay` is a dual species, but `X` is not dual",
    hint: "declare it as `dual X`",
  },
  {
    what: "a number passed for a species",
    src: "import std/arith\nmodule m(X) {\n  decay(⟪2⟫)\n}\n",
    code: "E0105",
    message: "argument `Z` of `decay` is a species; pass a species name here",
  },
  {
    what: "`.p` on a parameter that is not dual",
    src: "module m(X) {\n  X.⟪p⟫ -> 0\n}\n",
    code: "E0106",
    message: "`X` is not a dual species, so it has no rail `.p`",
    hint: "declare the parameter as `dual X`",
  },
  {
    what: "a dual species used without a rail",
    src: "module m(dual W) {\n  ⟪W⟫ -> 0\n}\n",
    code: "E0106",
    message: "`W` is a dual species: name a rail, `W.p` or `W.m`",
  },
  {
    what: "an unknown rail `.q`",
    src: "module m(dual W) {\n  W.⟪q⟫ -> 0\n}\n",
    code: "E0106",
    message: "unknown rail `.q`",
    hint: "a dual species has two rails: `.p` (plus) and `.m` (minus)",
  },
  {
    what: "one rail passed for a dual parameter",
    src: "import std/arith\nmodule m(dual W) {\n  dual_decay(⟪W.p⟫)\n}\n",
    code: "E0106",
    message: "`Z` of `dual_decay` is dual: pass the whole dual species `W`, not one rail",
  },
  {
    what: "an unknown named argument of a module call",
    src: "import std/arith\nmodule m(X) {\n  decay(X, ⟪kk⟫: 2)\n}\n",
    code: "E0107",
    message: "`decay` has no rate constant `kk`",
    hint: "did you mean `k`?",
  },
  {
    what: "an unknown named parameter of an activation",
    src: NET("").replace("dense 1 smooth_relu(h: 1)", "dense 1 smooth_relu(⟪hh⟫: 1)"),
    code: "E0107",
    message: "activation `smooth_relu` has no parameter `hh`",
    hint: "did you mean `h`?",
  },
  {
    what: "modules that call each other",
    src: "module a(X) {\n  b(X)\n}\nmodule b(X) {\n  ⟪a⟫(X)\n}\n",
    code: "E0108",
    message: "module `a` calls itself (directly or through other modules)",
    hint: "cannot recurse",
  },
  {
    what: "a rate constant used as a species",
    src: "module m(X) {\n  rate k = 1\n  ⟪k⟫ -> X @ k\n}\n",
    code: "E0109",
    message: "`k` is a rate constant, not a species",
  },
  {
    what: "a species used as a rate constant",
    src: "module m(X) {\n  X -> 0 @ ⟪X⟫\n}\n",
    code: "E0109",
    message: "`X` is a species, but a rate constant must be a number",
    hint: "write `@ rate(...)`",
  },
  {
    what: "a constant inside a network",
    src: NET("  ⟪const c = 1⟫\n"),
    code: "E0109",
    message: "define constants at the top level of the file, not inside a network",
  },
  {
    what: "a fractional stoichiometric coefficient",
    src: "crn c {\n  ⟪1.5 X⟫ -> 0\n}\n",
    code: "E0110",
    message: "stoichiometric coefficient must be a positive integer, got 1.5",
  },
  {
    what: "`0` added to a species",
    src: "crn c {\n  ⟪0⟫ + X -> Y\n}\n",
    code: "E0110",
    message: "`0` (nothing) cannot be combined with species",
    hint: "write the reactants without `0`",
  },
  {
    what: "a coefficient without a species",
    src: "crn c {\n  X -> ⟪2⟫\n}\n",
    code: "E0110",
    message: "a coefficient needs a species: `2` alone means nothing",
    hint: "write `0` for the empty complex",
  },
  {
    what: "training a network whose activation has no `slope`",
    src: `${NO_SLOPE}network n {\n  input 2\n  dense 1 ⟪lin⟫\n}\ntrain n on xor {\n  period 10\n}\n`,
    code: "E0111",
    message: "activation `lin` has no `module slope(X, D)`",
    hint: "training needs the slope σ'(z) of every activation",
  },
  {
    what: "an activation template with the wrong parameters",
    src:
      NO_SLOPE.replace("module bias(X, dual B)", "module ⟪bias⟫(X, B)").replace("B.p -> B.p + X @ k", "B -> B + X @ k") +
      "network n {\n  input 2\n  dense 1 lin\n}\n",
    code: "E0111",
    message: "`bias` of activation `lin` must take (X, dual B)",
  },
  {
    what: "an unknown function in a rate law",
    src: "crn c {\n  A -> B @ rate(⟪sqr⟫(A))\n}\n",
    code: "E0112",
    message: "unknown function `sqr`",
    hint: "did you mean `sqrt`?",
  },
  {
    what: "several targets and no --target",
    src: "crn a {\n  A -> B\n}\ncrn b {\n  C -> D\n}\n",
    code: "E0113",
    message: "test/input.crnn defines several targets: a, b",
    hint: "choose one with --target NAME",
  },
  {
    what: "a --target that names no block",
    src: "crn a {\n  A -> B\n}\ncrn b {\n  C -> D\n}\n",
    opts: { target: "zz" },
    code: "E0113",
    message: "test/input.crnn has no crn, network or train block named `zz`",
    hint: "targets: a, b",
  },
  {
    what: "a train setting given twice",
    src: TRAIN("  period 10\n  ⟪period⟫ 20\n"),
    code: "E0114",
    message: "`period` is set twice",
    hint: null,
    related: [{ at: "test/input.crnn:8:3", message: "`period` first set here" }],
  },
  {
    what: "a noise setting given twice",
    src: TRAIN("  noise { epsilon 0.1  ⟪epsilon⟫ 0.2 }\n"),
    code: "E0114",
    message: "`epsilon` is set twice in this noise block",
  },
  // ---- values ----
  {
    what: "a layer of size 0",
    src: NET("").replace("dense 3", "dense ⟪0⟫"),
    code: "E0201",
    message: "layer size must be a positive integer, got 0",
  },
  {
    what: "a fractional input width",
    src: NET("").replace("input 2", "input ⟪2.5⟫"),
    code: "E0201",
    message: "input width must be a positive integer, got 2.5",
  },
  {
    what: "smooth_relu(h: 0)",
    src: NET("").replace("dense 1 smooth_relu(h: 1)", "dense 1 smooth_relu(⟪h: 0⟫)"),
    code: "E0202",
    message: "the smoothing parameter h must be positive",
    hint: "required by `smooth_relu` at std/smooth_relu.crnn:8",
  },
  {
    what: "smooth_relu(h: -1)",
    src: NET("").replace("dense 1 smooth_relu(h: 1)", "dense 1 smooth_relu(⟪h: -1⟫)"),
    code: "E0202",
    message: "the smoothing parameter h must be positive",
    hint: "required by `smooth_relu` at std/smooth_relu.crnn:8",
    others: "allowed",
  },
  {
    what: "leaky_relu(beta: 0): the plain ReLU's slope cannot be read from its output, so it is refused",
    src: NET("")
      .replace("import std/smooth_relu", "import std/smooth_relu\nimport std/leaky_relu")
      .replace("dense 3 smooth_relu(h: 1)", "dense 3 leaky_relu(alpha: 1, ⟪beta: 0⟫)"),
    code: "E0202",
    message:
      "the slope beta (z < 0) must be positive: with beta = 0 the output is 0 for every z < 0, and the slope, read from the output's sign, would be alpha there (use std/smooth_relu for a ReLU)",
    hint: "required by `leaky_relu` at std/leaky_relu.crnn:16",
  },
  // Fixed (was a known bug).
  {
    what: "smooth_relu(h: -1) gives the failed `require` alone, not also a negative catalyst",
    src: NET("").replace("dense 1 smooth_relu(h: 1)", "dense 1 smooth_relu(⟪h: -1⟫)"),
    code: "E0202",
    message: "the smoothing parameter h must be positive",
  },
  {
    what: "a `require` without a message quotes its condition, with the parentheses it needs",
    src: `activation a(p = 1, q = 1) {
  require (p + q) * 2 > p * q
  module node(X) { X -> 0 }
  module edge(X, I, dual W) { I -> I + X }
  module bias(X, dual B) { B.p -> B.p + X }
}
network n { input 1  dense 1 a(⟪p: 10⟫, q: 10) }
`,
    code: "E0202",
    message: "`a` requires (p + q) * 2 > p * q",
  },
  {
    what: "a negative rate constant override in a network",
    src: NET("  rate k_div = ⟪-5⟫\n"),
    code: "E0203",
    message: "rate constant `k_div` must be non-negative and finite, got -5",
  },
  {
    what: "a negative learning rate",
    src: TRAIN("  eta ⟪-1⟫\n"),
    code: "E0203",
    message: "η must be a non-negative finite rate constant, got -1",
  },
  {
    what: "period 0",
    src: TRAIN("  period ⟪0⟫\n"),
    code: "E0204",
    message: "period T must be positive, got 0",
  },
  {
    what: "a negative period",
    src: TRAIN("  period ⟪-3⟫\n"),
    code: "E0204",
    message: "period T must be positive, got -3",
  },
  {
    what: "iterations 0",
    src: TRAIN("  iterations ⟪0⟫\n"),
    code: "E0205",
    message: "iterations must be an integer in [1, 2^32), got 0",
  },
  {
    what: "iterations 2.5",
    src: TRAIN("  iterations ⟪2.5⟫\n"),
    code: "E0205",
    message: "iterations must be an integer in [1, 2^32), got 2.5",
  },
  {
    what: "split 0",
    src: TRAIN("  split ⟪0⟫\n"),
    code: "E0206",
    message: "split is the fraction of the data used for training, in (0, 1]; got 0",
    hint: "split 0.9",
  },
  {
    what: "split 1.5",
    src: TRAIN("  split ⟪1.5⟫\n"),
    code: "E0206",
    message: "got 1.5",
  },
  {
    what: "noise held longer than its resample interval",
    src: TRAIN("  noise { resample 0.01  hold ⟪0.1⟫ }\n"),
    code: "E0207",
    message: "hold time t1 = 0.1 is longer than the resample interval t0 = 0.01",
    hint: "t1 ≤ t0",
  },
  {
    what: "an unknown noise target",
    src: TRAIN("  noise { on ⟪backwards⟫ }\n"),
    code: "E0207",
    message: "unknown noise target `backwards`",
    hint: "did you mean `backward`?",
  },
  {
    what: "an unknown noise target, nothing close",
    src: TRAIN("  noise { on nodes, ⟪weights⟫ }\n"),
    code: "E0207",
    message: "unknown noise target `weights`",
    hint: "noise can hit: forward, backward, update, nodes",
  },
  {
    what: "an unknown distribution",
    src: TRAIN("  init ⟪unifrom⟫(-1, 1)\n"),
    code: "E0207",
    message: "unknown distribution `unifrom`",
    hint: "did you mean `uniform`?",
  },
  {
    what: "a negative initial concentration in a crn",
    src: "crn c {\n  init ⟪A = -1⟫\n  A -> B\n}\n",
    code: "E0209",
    message: "initial concentration of `A` must be non-negative and finite, got -1",
  },
  {
    what: "a network without `input`",
    src: "import std/smooth_relu\nnetwork ⟪n⟫ {\n  dense 1 smooth_relu(h: 1)\n}\n",
    code: "E0210",
    message: "network `n` has no `input` declaration",
    hint: "add e.g. `input 2`",
  },
  {
    what: "a network without layers",
    src: "network ⟪n⟫ {\n  input 2\n}\n",
    code: "E0210",
    message: "network `n` has no `dense` layer",
  },
  // ---- files and data ----
  {
    what: "a misspelt stdlib import",
    src: "import ⟪std/smooth_rel⟫\ncrn c {\n  A -> B\n}\n",
    code: "E0301",
    message: "cannot find module `std/smooth_rel`",
    hint: "the standard library has: std/arith, std/backprop, std/leaky_relu, std/sigmoid, std/smooth_relu, std/tanh",
  },
  {
    what: "a relative import of a missing file",
    src: 'import ⟪"lib/nothere.crnn"⟫\ncrn c {\n  A -> B\n}\n',
    code: "E0301",
    message: "cannot find module `lib/nothere.crnn`",
    hint: "looked for test/lib/nothere.crnn",
  },
  {
    what: "an unknown dataset",
    src: TRAIN("  period 10\n", "⟪xorr⟫"),
    code: "E0401",
    message: "unknown dataset `xorr`",
    hint: "did you mean `xor`?",
  },
  {
    what: "a missing CSV dataset",
    src: TRAIN("  period 10\n", '⟪"nothere.csv"⟫'),
    code: "E0401",
    message: "cannot find dataset file `nothere.csv`",
    hint: resolve(ROOT, "test", "nothere.csv"),
  },
  {
    what: "a dataset whose shape does not fit the network",
    src: TRAIN("  period 10\n", "⟪iris⟫"),
    code: "E0402",
    message: "dataset `iris` has 4 inputs and 3 outputs, but network `net` is 2 → 1",
    hint: "make the network's `input 4` and its last layer `dense 3 ...`",
  },
  // ---- rate laws ----
  {
    what: "a rate law naming an unknown species",
    src: "module m(A, B) {\n  rate k = 1\n  A -> B @ rate(k * A * ⟪Zq⟫)\n}\n",
    code: "E0501",
    message: "unknown species `Zq` in module `m`",
  },
  // ---- warnings ----
  {
    what: "an initial value for a species in no reaction",
    src: "crn c {\n  init A = 1, ⟪Q = 2⟫\n  A -> B\n}\n",
    code: "W0601",
    message: "species `Q` is given an initial value but takes part in no reaction",
  },
  {
    what: "a rate law in an activation (reported at the layer that uses it)",
    src: NO_SLOPE.replace("X -> 0 @ k", "X -> 0 @ rate(k * X / (1 + X))") + "network n {\n  input 2\n  ⟪dense 1 lin⟫\n}\n",
    code: "W0602",
    message: /^`n` uses rate laws that are not mass action \(first at test\/input\.crnn:4\): it is not a pure mass-action CRN$/,
    hint: "a wet-lab implementation needs every reaction to be mass action",
  },
  // Fixed (was a known bug).
  {
    what: "a rate law in a crn block",
    src: "crn c {\n  rate k = 1\n  A -> B @ ⟪rate(k * A / (1 + A))⟫\n}\n",
    code: "W0602",
    message: "`c` uses rate laws that are not mass action (first at test/input.crnn:3)",
  },
  // ---- known defects of messages and spans ----
  // Fixed (was a known bug).
  {
    what: "a statement that starts with a name but has no `->`",
    src: "crn c {\n  A ⟪B⟫\n}\n",
    code: "E0002",
    message: /found `B`/,
  },
  // Fixed (was a known bug).
  {
    what: "a doubled `->` gives one error",
    src: "crn c {\n  B -> ⟪->⟫ C\n}\n",
    code: "E0002",
    message: "expected a number or a name, found `->`",
  },
  // Fixed (was a known bug).
  {
    what: "a stray name at the top level",
    src: "⟪foo⟫\ncrn c {\n  A -> B\n}\n",
    code: "E0002",
    message: /expected a declaration/,
  },
  // Fixed (was a known bug).
  {
    what: "`catalyst` in a module body",
    src: "module m(X) {\n  ⟪catalyst H = 1⟫\n  X -> 0\n}\n",
    code: "E0109",
    message: "`catalyst` belongs in an activation, not in a module or crn body",
  },
  // Fixed (was a known bug).
  {
    what: "an unterminated string",
    src: 'import ⟪"lib⟫\ncrn c {\n  A -> B\n}\n',
    code: "E0001",
    message: /unterminated string/,
  },
  // Fixed (was a known bug).
  {
    what: "a rate declared with an unknown function, used in a reaction",
    src: "crn c {\n  rate k = ⟪sqr⟫(2)\n  A -> B @ k\n}\n",
    code: "E0112",
    message: "unknown function `sqr`",
    hint: "did you mean `sqrt`?",
  },
  // Fixed (was a known bug).
  {
    what: "a rate declared with an unknown function, never used",
    src: "module m(X) {\n  rate k = ⟪sqr⟫(2)\n  X -> 0\n}\ncrn c {\n  A -> B\n}\n",
    code: "E0112",
    message: "unknown function `sqr`",
  },
  // Fixed (was a known bug).
  {
    what: "a rate defined by an unknown name does not suggest itself",
    src: "crn c {\n  rate k = ⟪kk⟫\n  A -> B @ k\n}\n",
    code: "E0101",
    message: "unknown name `kk`",
    hint: null,
  },
  // Fixed (was a known bug).
  {
    what: "a lone CR as a line break",
    src: "crn c {\r  A -> B⟪⟫",
    code: "E0002",
    message: "expected `}`, found end of file",
  },
];

// ---- running the table -----------------------------------------------------------------------

/** Line/col as the lexer counts them: \n, \r\n and a lone \r end a line (for the CR case). */
function unmarkCR(src: string): ReturnType<typeof unmark> {
  const u = unmark(src.replace(/\r(?!\n)/g, "\n"));
  return { text: unmark(src).text, marks: u.marks };
}

function runCase(c: Case): void {
  const { text, marks } = c.src.includes("\r") ? unmarkCR(c.src) : unmark(c.src);
  const r = compileText(text, c.opts ?? {});
  const ds = r.diagnostics;
  const d = ds.find((x) => x.code === c.code);
  expect(d, `no ${c.code} among:\n${show(ds)}`).toBeDefined();
  expect(d!.severity).toBe(c.code.startsWith("W") ? "warning" : "error");
  expect(matches(d!.message, c.message), `message of ${c.code}: ${d!.message}`).toBe(true);
  if (c.hint === null) expect(d!.hint, show(ds)).toBeUndefined();
  else if (c.hint !== undefined) expect(matches(d!.hint, c.hint), `hint of ${c.code}: ${d!.hint}`).toBe(true);
  if (c.related) expect((d!.related ?? []).map((r) => ({ at: `${r.span.file}:${r.span.line}:${r.span.col}`, message: r.message }))).toEqual(c.related);
  if (marks.length) expectSpan(d!, "test/input.crnn", marks[0]!, ds);
  else expect(d!.span, show(ds)).toBeUndefined();
  if (c.others !== "allowed")
    expect(
      ds.map((x) => x.code),
      show(ds),
    ).toEqual([c.code]);
  // Errors stop the compile; warnings do not.
  expect(r.ok).toBe(c.code.startsWith("W"));
  expect(r.ir === undefined).toBe(!c.code.startsWith("W"));
}

describe("each kind of bad input gives the right code, span and message", () => {
  for (const c of CASES) {
    const title = `${c.code}: ${c.what}`;
    if (c.bug && !SHOW_BUGS) it.fails(`${title} [known bug]`, () => runCase(c));
    else it(title, () => runCase(c));
  }

  it("the table covers at least 25 cases and 30 distinct codes, all in the catalogue", () => {
    const passing = CASES.filter((c) => !c.bug);
    expect(passing.length).toBeGreaterThanOrEqual(25);
    const distinct = new Set(passing.map((c) => c.code));
    expect(distinct.size).toBeGreaterThanOrEqual(30);
    for (const c of CASES) expect(Object.keys(codes)).toContain(c.code);
  });

  it("every case's source is clean once the mistake is taken out of the table (sanity of the fixtures)", () => {
    // The shared fixtures compile; so each case's diagnostic comes from its own mistake.
    for (const src of [NET(""), TRAIN("  period 10\n"), NO_SLOPE + "network n {\n  input 2\n  dense 1 lin\n}\n"]) {
      const r = compileText(src);
      expect(r.diagnostics, show(r.diagnostics)).toEqual([]);
      expect(r.ok).toBe(true);
    }
  });
});

// ---- several errors in one file ----------------------------------------------------------------

describe("one run reports every error", () => {
  it("several syntax errors in one file are all reported, in reading order", () => {
    const { text, marks } = unmark("crn a {\n  A -> ⟪@⟫ k\n}\ncrn b {\n  B -> C @\n⟪}⟫\nrate ⟪=⟫ 3\nnetwork n {\n  input 2\n}\n");
    const r = compileText(text);
    expect(
      r.diagnostics.map((d) => d.code),
      show(r.diagnostics),
    ).toEqual(["E0002", "E0002", "E0002"]);
    r.diagnostics.forEach((d, i) => expectSpan(d, "test/input.crnn", marks[i]!, r.diagnostics));
    expect(r.diagnostics[0]!.message).toBe("expected a number or a name, found `@`");
    expect(r.diagnostics[1]!.message).toMatch(/^expected .*a name, found `\}`$/);
    expect(r.diagnostics[2]!.message).toBe("expected a name, found `=`");
  });

  it("lexical and syntax errors are reported together", () => {
    const { text, marks } = unmark("crn a {\n  A -> B ⟪#⟫\n}\nrate ⟪=⟫ 3\ncrn b {\n  B -> C ⟪]⟫\n}\n");
    const r = compileText(text);
    expect(
      r.diagnostics.map((d) => d.code),
      show(r.diagnostics),
    ).toEqual(["E0001", "E0002", "E0001"]);
    r.diagnostics.forEach((d, i) => expectSpan(d, "test/input.crnn", marks[i]!, r.diagnostics));
  });

  it("several semantic errors in different blocks are all reported", () => {
    const { text, marks } = unmark(
      "import std/arith\nmodule m(X) {\n  X -> ⟪Y⟫\n}\nmodule n(dual W) {\n  ⟪W⟫ -> 0\n  ⟪mul(W.p)⟫\n}\ncrn c {\n  ⟪0⟫ + A -> B\n}\n",
    );
    const r = compileText(text);
    expect(
      r.diagnostics.map((d) => d.code),
      show(r.diagnostics),
    ).toEqual(["E0101", "E0106", "E0104", "E0110"]);
    r.diagnostics.forEach((d, i) => expectSpan(d, "test/input.crnn", marks[i]!, r.diagnostics));
  });

  it("several train settings out of range are all reported", () => {
    const { text, marks } = unmark(TRAIN("  period ⟪0⟫\n  iterations ⟪2.5⟫\n  split ⟪2⟫\n  eta ⟪-1⟫\n"));
    const r = compileText(text);
    expect(
      r.diagnostics.map((d) => d.code),
      show(r.diagnostics),
    ).toEqual(["E0204", "E0205", "E0206", "E0203"]);
    r.diagnostics.forEach((d, i) => expectSpan(d, "test/input.crnn", marks[i]!, r.diagnostics));
  });
});

// ---- several files -----------------------------------------------------------------------------

describe("diagnostics in and about other files", () => {
  const dirs: string[] = [];
  const tmp = (files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), "crnnc-diag-"));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  };
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("E0302: two files importing each other", () => {
    const a = unmark('import ⟪"b.crnn"⟫\nmodule ma(X) {\n  X -> 0\n}\n');
    const b = unmark('import ⟪"a.crnn"⟫\nmodule mb(X) {\n  X -> 0\n}\n');
    const dir = tmp({ "a.crnn": a.text, "b.crnn": b.text });
    const main = 'import "a.crnn"\ncrn c {\n  A -> B\n}\n';
    const r = compile(main, { file: join(dir, "main.crnn") });
    expect(
      r.diagnostics.map((d) => d.code),
      show(r.diagnostics),
    ).toEqual(["E0302"]);
    const d = r.diagnostics[0]!;
    // The import that closes the cycle is b's import of a.
    expectSpan(d, displayName(join(dir, "b.crnn")), b.marks[0]!, r.diagnostics);
    expect(d.message).toBe(`import cycle: ${displayName(join(dir, "a.crnn"))} → ${displayName(join(dir, "b.crnn"))} → ${displayName(join(dir, "a.crnn"))}`);
    expect(d.hint).toBe("move the shared definitions into a file that both can import");
  });

  it("E0302: a file importing itself", () => {
    const m = unmark('import ⟪"self.crnn"⟫\ncrn c {\n  A -> B\n}\n');
    const dir = tmp({ "self.crnn": m.text });
    const r = compileFile(join(dir, "self.crnn"));
    expect(
      r.diagnostics.map((d) => d.code),
      show(r.diagnostics),
    ).toEqual(["E0302"]);
    expectSpan(r.diagnostics[0]!, displayName(join(dir, "self.crnn")), m.marks[0]!, r.diagnostics);
    expect(r.diagnostics[0]!.message).toMatch(/^import cycle: (.*self\.crnn) → \1$/);
  });

  it("an error in an imported file points into that file", () => {
    const lib = unmark("module twice(Y, X) {\n  X -> X + ⟪2⟫\n}\n");
    const dir = tmp({ "lib.crnn": lib.text });
    const r = compile('import "lib.crnn"\ncrn c {\n  init A = 1\n  twice(B, A)\n}\n', { file: join(dir, "main.crnn") });
    expect(
      r.diagnostics.map((d) => d.code),
      show(r.diagnostics),
    ).toEqual(["E0110"]);
    expectSpan(r.diagnostics[0]!, displayName(join(dir, "lib.crnn")), lib.marks[0]!, r.diagnostics);
    expect(r.sources.get(displayName(join(dir, "lib.crnn")))).toBe(lib.text);
  });

  it("a relative import that exists is found, and a missing one names where it looked", () => {
    const dir = tmp({ "lib.crnn": "module sink(X) {\n  X -> 0\n}\n" });
    const ok = compile('import "lib.crnn"\ncrn c {\n  init A = 1\n  sink(A)\n}\n', { file: join(dir, "main.crnn") });
    expect(ok.diagnostics).toEqual([]);
    const m = unmark('import ⟪"sub/lib.crnn"⟫\ncrn c {\n  A -> B\n}\n');
    const bad = compile(m.text, { file: join(dir, "main.crnn") });
    expect(bad.diagnostics.map((d) => d.code)).toEqual(["E0301"]);
    expectSpan(bad.diagnostics[0]!, displayName(join(dir, "main.crnn")), m.marks[0]!, bad.diagnostics);
    expect(bad.diagnostics[0]!.hint).toBe(`looked for ${displayName(join(dir, "sub", "lib.crnn"))}`);
  });

  it("E0303: a file that does not exist", () => {
    const r = compileFile(join(tmpdir(), "crnnc-no-such-file.crnn"));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0303"]);
    expect(r.diagnostics[0]!.message).toMatch(/cannot read .*crnnc-no-such-file\.crnn: no such file/);
    expect(r.ok).toBe(false);
  });

  it("a deeply nested expression is a syntax error at the expression, not a crash", () => {
    // BUG: 1000 nested parentheses overflow the parser's stack; compile.ts's try/catch around
    // loading turns the RangeError into `E0303 cannot read test/input.crnn: Maximum call stack
    // size exceeded`, with no span. The file was read; it should be a syntax-level error at the
    // expression (e.g. `expression nested too deeply`).
    const r = compileText(`crn c {\n  A -> B @ ${"(".repeat(1000)}1${")".repeat(1000)}\n}\n`);
    expect(r.diagnostics.map((d) => d.code)).not.toContain("E0303");
    expect(r.diagnostics[0]?.span?.line).toBe(2);
  });
});

// ---- the command line --------------------------------------------------------------------------

describe("crnnc check on the command line", () => {
  const dir = mkdtempSync(join(tmpdir(), "crnnc-diag-cli-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it("an error: exit 1, `file:line:col: error[CODE]: message`, a code frame with a caret under the text, the hint", async () => {
    const { text, marks } = unmark("crn c {\n  rate k = 1\n  A -> B @ ⟪kk⟫\n}\n");
    const p = file("bad.crnn", text);
    const { code, stdout, stderr } = await runCli(["check", p]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const m = marks[0]!;
    expect(stderr).toBe(
      [
        `${p}:${m.line}:${m.col}: error[E0101]: unknown rate constant \`kk\``,
        "  |",
        "3 |   A -> B @ kk",
        `  | ${" ".repeat(m.col - 1)}^^`,
        "  = hint: did you mean `k`?",
        "",
        "1 error, 0 warnings",
        "",
      ].join("\n"),
    );
  });

  it("the caret line spans the whole offending text, on a wide line number gutter", async () => {
    const lines = Array.from({ length: 11 }, (_, i) => `  X${i} -> 0`);
    const { text, marks } = unmark(`crn c {\n${lines.join("\n")}\n  ⟪1.5 Q⟫ -> 0\n}\n`);
    const p = file("frame.crnn", text);
    const { code, stderr } = await runCli(["check", p]);
    expect(code).toBe(1);
    const m = marks[0]!;
    expect(m.line).toBe(13);
    expect(stderr).toContain(`${p}:13:3: error[E0110]: stoichiometric coefficient must be a positive integer, got 1.5\n`);
    expect(stderr).toContain(["   |", "13 |   1.5 Q -> 0", "   |   ^^^^^"].join("\n"));
  });

  it("several files: each error reported, exit 1, and the clean file still says ok", async () => {
    const bad = file("bad2.crnn", "crn c {\n  0 + X -> Y\n}\n");
    const good = resolve(ROOT, "examples", "divide.crnn");
    const { code, stdout, stderr } = await runCli(["check", bad, good]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${bad}:2:3: error[E0110]`);
    expect(stdout).toBe(`${good}: ok\n`);
  });

  it("warnings only: exit 0, the warning on stderr, `ok (1 warning)`", async () => {
    const p = file("warn.crnn", "crn c {\n  init A = 1, Q = 2\n  A -> B\n}\n");
    const { code, stdout, stderr } = await runCli(["check", p]);
    expect(code).toBe(0);
    expect(stderr).toContain(`${p}:2:15: warning[W0601]: species \`Q\` is given an initial value but takes part in no reaction`);
    expect(stderr).toContain("0 errors, 1 warning");
    expect(stdout).toBe(`${p}: ok (1 warning)\n`);
  });

  it("a clean file: exit 0 and no diagnostics", async () => {
    // NOTE: `check` prints `FILE: ok` on stdout for a clean file (src/cli/main.ts does this on
    // purpose); stderr, where diagnostics go, stays empty.
    for (const f of ["examples/xor.crnn", "examples/divide.crnn", "stdlib/arith.crnn"]) {
      const { code, stdout, stderr } = await runCli(["check", f]);
      expect(code, stderr).toBe(0);
      expect(stderr).toBe("");
      expect(stdout).toBe(`${f}: ok\n`);
    }
  });

  it("a missing file: exit 1 with E0303", async () => {
    const { code, stderr } = await runCli(["check", join(dir, "nope.crnn")]);
    expect(code).toBe(1);
    expect(stderr).toContain("error[E0303]: cannot read");
  });

  it("compile with errors: exit 1, diagnostics on stderr, nothing on stdout", async () => {
    const p = file("bad3.crnn", "crn c {\n  A -> B @ kk\n}\n");
    const { code, stdout, stderr } = await runCli(["compile", p]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(`${p}:2:12: error[E0101]`);
  });

  describe("usage errors exit with 2", () => {
    const usage = async (args: string[], message: RegExp) => {
      const { code, stdout, stderr } = await runCli(args);
      expect(code, stderr).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/^crnnc: /);
      expect(stderr).toMatch(message);
      expect(stderr).toContain("crnnc --help");
    };

    it("an unknown command", () => usage(["frobnicate", "examples/xor.crnn"], /unknown command `frobnicate`/));
    it("no command", () => usage([], /no command given/));
    it("an unknown option", () => usage(["check", "--bogus", "examples/xor.crnn"], /--bogus/));
    it("--emit xml", () => usage(["compile", "examples/xor.crnn", "--emit", "xml"], /unknown --emit format `xml`/));
    it("compile without FILE", () => usage(["compile"], /compile takes exactly one FILE, got 0/));
    it("check without FILE", () => usage(["check"], /check needs at least one FILE/));
    it("an option that does not apply to the command", () => usage(["check", "examples/xor.crnn", "--emit", "json"], /--emit does not apply to `check`/));
    it("a bad --seed", () => usage(["compile", "examples/xor.crnn", "--seed", "1.5"], /--seed needs an integer in \[0, 2\^32\), got `1.5`/));

    it("-o equal to the input file, and the input is left alone", async () => {
      const p = file("keep.crnn", readFileSync(resolve(ROOT, "examples", "divide.crnn"), "utf8"));
      const before = readFileSync(p, "utf8");
      await usage(["compile", p, "-o", p], /refusing to write the output over the input file/);
      await usage(["compile", p, "-o", join(dir, ".", "keep.crnn")], /refusing to write the output over the input file/);
      expect(readFileSync(p, "utf8")).toBe(before);
    });
  });
});

describe("a second noise block", () => {
  it("is reported (E0114) at its keyword, not silently dropped", () => {
    const { text, marks } = unmark(
      "import std/smooth_relu\nnetwork n { input 2  dense 1 smooth_relu(h: 1) }\ntrain n on xor {\n  noise { epsilon 0.1 }\n  ⟪noise⟫ { hold 0.001 }\n}\n",
    );
    const r = compileText(text);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0114"]);
    expectSpan(r.diagnostics[0]!, "test/input.crnn", marks[0]!, r.diagnostics);
    expect(r.diagnostics[0]!.message).toBe("a train block has one `noise` block");
  });
});
