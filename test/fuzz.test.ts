// Fuzzing the whole compiler: random mutations of every example and stdlib file (and two extra
// seed programs) must never make `compile` throw or hang, and must always end in either an IR
// (that passes validateIR) or at least one error diagnostic, every diagnostic with a code of the
// catalogue, a message, and a span inside the text of its file. Plus a property test: random small
// valid networks always compile to an IR that passes validateIR.
//
// Everything is seeded and deterministic. A failure prints the seed of its case, the mutations,
// the compile options and the mutant's text; `mutant(src, seed)` in fuzz-mutate.ts rebuilds it.
// FUZZ_SEED=n and FUZZ_CASES=n (per source) explore further: e.g.
//   FUZZ_SEED=7 FUZZ_CASES=3000 npx vitest run test/fuzz.test.ts
// Known defects the fuzzer hit are `it.fails` tests at the end; CRNNC_SHOW_BUGS=1 runs them plainly.

import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { compile, type CompileResult } from "../src/compile.js";
import { codes } from "../src/diagnostics/codes.js";
import { validateIR } from "../src/ir/validate.js";
import { displayName, STDLIB_DIR } from "../src/load/loader.js";
import { ROOT } from "./helpers.js";
import { SOURCES, exprMutant, mutant, numberPositions, type Source } from "./fuzz-mutate.js";

// ---- budget ----------------------------------------------------------------------------------

/** Mutants per source: 10 sources (5 examples, 3 stdlib files, 2 seeds) → 3000 cases, ~5 s. */
const CASES_PER_FILE = Number(process.env.FUZZ_CASES ?? 300);
/** A generous bound on one compile: the examples compile in ~5–20 ms. */
const MAX_MS_PER_CASE = 2000;
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_c4a1);

// ---- the oracle ------------------------------------------------------------------------------

/** Problems with one compile result; empty when it is well behaved. */
function problems(text: string, file: string, r: CompileResult): string[] {
  const out: string[] = [];
  const errors = r.diagnostics.filter((d) => d.severity === "error");
  if (r.ok !== (errors.length === 0)) out.push(`ok = ${r.ok} but ${errors.length} errors`);
  if (r.ok && !r.ir) out.push("ok without an IR");
  if (!r.ok && r.ir) out.push("an IR despite errors");
  if (!r.ir && errors.length === 0) out.push("no IR and no error diagnostic");
  if (r.ir) for (const p of validateIR(r.ir).slice(0, 5)) out.push(`invalid IR: ${p}`);
  for (const d of r.diagnostics)
    if (/internal error|stack size|\bat .*\.(ts|js):\d+/i.test(d.message)) out.push(`an internal error as a diagnostic: ${d.message}`);
  const display = displayName(file);
  for (const d of r.diagnostics) {
    const tag = `${d.code} ${JSON.stringify(d.message)}`;
    if (!Object.hasOwn(codes, d.code)) out.push(`unknown code ${tag}`);
    if (d.severity !== (d.code.startsWith("W") ? "warning" : "error")) out.push(`${tag}: severity ${d.severity}`);
    if (typeof d.message !== "string" || d.message.trim() === "") out.push(`${tag}: empty message`);
    if (d.hint !== undefined && (typeof d.hint !== "string" || d.hint.trim() === "")) out.push(`${tag}: empty hint`);
    const s = d.span;
    if (!s) continue;
    const where = `${tag} at ${s.file}:${s.line}:${s.col}-${s.endLine}:${s.endCol} [${s.start},${s.end})`;
    const nums = [s.start, s.end, s.line, s.col, s.endLine, s.endCol];
    if (!nums.every((x) => Number.isInteger(x))) {
      out.push(`${where}: non-integer span`);
      continue;
    }
    if (s.line < 1 || s.col < 1 || s.endLine < s.line || (s.endLine === s.line && s.endCol < s.col)) out.push(`${where}: span out of order`);
    if (s.start < 0 || s.end < s.start) out.push(`${where}: bad offsets`);
    // The span lies inside the text of its file (the mutant, or a file it imports); a point just
    // past the end marks a missing `}`.
    const src = r.sources.get(s.file) ?? (s.file === display ? text : undefined);
    if (src === undefined) {
      out.push(`${where}: no source text for ${s.file}`);
      continue;
    }
    // Lines as the lexer counts them (chevrotain: \n, \r\n and a lone \r end a line).
    const lines = src.split(/\r\n|\r|\n/);
    if (s.end > src.length + 1) out.push(`${where}: past the end of the text (${src.length})`);
    if (s.line > lines.length) out.push(`${where}: line past the last (${lines.length})`);
    else if (s.col > lines[s.line - 1]!.length + 1) out.push(`${where}: column past the end of line ${s.line}`);
  }
  return out;
}

/** What a compile produced, compactly: diagnostics with positions, IR size. */
function fingerprint(r: CompileResult): string {
  const ds = r.diagnostics.map((d) => `${d.code}@${d.span?.file}:${d.span?.start}-${d.span?.end} ${d.message} ${d.hint ?? ""}`);
  return [...ds, r.ir ? `ir ${r.ir.kind} ${r.ir.species.length} species ${r.ir.reactions.length} reactions` : "no ir"].join("\n");
}

interface Failure {
  seed: number;
  applied: string[];
  opts: object;
  text: string;
  why: string[];
}

function report(src: Source, fails: Failure[]): string {
  return fails
    .slice(0, 3)
    .map(
      (f) =>
        `${src.name} seed ${f.seed} (${f.applied.join(", ")}; options ${JSON.stringify(f.opts)}):\n  ${f.why.join("\n  ")}\n----- mutant -----\n${f.text}\n------------------`,
    )
    .join("\n\n");
}

// ---- tests -----------------------------------------------------------------------------------

describe("fuzz: mutated examples and stdlib files", () => {
  const totals = { cases: 0, ms: 0, ok: 0, maxMs: 0 };

  SOURCES.forEach((src, fileIndex) => {
    it(`${src.name}: ${CASES_PER_FILE} mutants never throw, never hang, always end in an IR or an error`, () => {
      const fails: Failure[] = [];
      let slowest = 0;
      for (let c = 0; c < CASES_PER_FILE; c++) {
        const seed = (BASE_SEED + fileIndex * 100_003 + c) >>> 0;
        const { text, applied, opts } = mutant(src, seed);
        totals.cases++;
        const t0 = performance.now();
        let r: CompileResult;
        try {
          r = compile(text, { file: src.file, ...opts });
        } catch (e) {
          fails.push({ seed, applied, opts, text, why: [`threw: ${(e as Error).stack ?? e}`] });
          continue;
        }
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        totals.ms += ms;
        if (r.ok) totals.ok++;
        const why = problems(text, src.file, r);
        if (ms > MAX_MS_PER_CASE) why.push(`took ${ms.toFixed(0)} ms`);
        // Every 10th mutant again: the compiler keeps no state between runs.
        if (c % 10 === 0) {
          const again = compile(text, { file: src.file, ...opts });
          if (fingerprint(again) !== fingerprint(r)) why.push(`a second compile differs:\n${fingerprint(r)}\n  vs\n${fingerprint(again)}`);
        }
        if (why.length) fails.push({ seed, applied, opts, text, why });
      }
      totals.maxMs = Math.max(totals.maxMs, slowest);
      expect(fails.length, report(src, fails)).toBe(0);
    });
  });

  it(`ran at least 2000 cases (summary)`, () => {
    expect(CASES_PER_FILE * SOURCES.length).toBeGreaterThanOrEqual(2000);
    // Runs after the per-file tests (vitest runs a file's tests in order).
    console.log(`fuzz: ${totals.cases} mutants, ${totals.ok} still compile, ${totals.ms.toFixed(0)} ms compiling, slowest ${totals.maxMs.toFixed(1)} ms`);
    expect(totals.cases).toBeGreaterThanOrEqual(2000);
  });

  it("mutants are deterministic: the same seed gives the same text", () => {
    for (const src of SOURCES) expect(mutant(src, 42).text).toBe(mutant(src, 42).text);
    expect(mutant(SOURCES[0]!, 1).text).not.toBe(mutant(SOURCES[0]!, 2).text);
  });
});

describe("fuzz: random arithmetic in every numeric position", () => {
  // The examples, the stdlib (with their drivers) and the seeds: each number literal in turn is
  // replaced by a random expression — often 0/0, 1/0, exp(1000), log(-1) — and the compile must
  // end in an IR that validates (every value finite) or in located errors, never a throw.
  const EXPR_CASES = Number(process.env["FUZZ_EXPR_CASES"] ?? 200);
  let total = 0;
  SOURCES.forEach((src, fileIndex) => {
    it(`${src.name}: ${EXPR_CASES} expression mutants`, () => {
      expect(numberPositions(src.text).length, "a source with numbers to replace").toBeGreaterThan(0);
      const fails: Failure[] = [];
      for (let c = 0; c < EXPR_CASES; c++) {
        const seed = (BASE_SEED + 7_919 * fileIndex + c) >>> 0;
        const { text, applied } = exprMutant(src, seed);
        total++;
        let r: CompileResult;
        try {
          r = compile(text, { file: src.file });
        } catch (e) {
          fails.push({ seed, applied, opts: {}, text, why: [`threw: ${(e as Error).stack ?? e}`] });
          continue;
        }
        // problems() runs validateIR: an IR that compiled holds no NaN or ±∞ anywhere.
        const why = problems(text, src.file, r);
        if (why.length) fails.push({ seed, applied, opts: {}, text, why });
      }
      expect(fails.length, report(src, fails)).toBe(0);
    });
  });
  it("ran at least 2000 expression cases", () => {
    expect(total).toBeGreaterThanOrEqual(2000);
  });
  it("dense 0/0 and split 0/0 are located errors (E0212), not crashes or silence", () => {
    const file = resolve(ROOT, "test", "input.crnn");
    const dense = compile("import std/smooth_relu\nnetwork n {\n  input 2\n  dense 0/0 smooth_relu\n}\n", { file });
    expect(dense.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([["E0212", 4, 9]]);
    const split = compile("import std/smooth_relu\nnetwork n {\n  input 2\n  dense 1 smooth_relu\n}\ntrain n on xor {\n  split 0/0\n}\n", { file });
    expect(split.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col, d.message])).toEqual([
      ["E0212", 7, 9, "this `split` value evaluates to NaN, not a finite number"],
    ]);
    for (const setting of ["period 1/0", "evaluate every 0/0", "init 0/0", "init uniform(0/0, 1)", "iterations exp(1000)", "eta log(-1)"]) {
      const r = compile(`import std/smooth_relu\nnetwork n {\n  input 2\n  dense 1 smooth_relu\n}\ntrain n on xor {\n  ${setting}\n}\n`, { file });
      expect(
        r.diagnostics.map((d) => d.code),
        setting,
      ).toEqual(["E0212"]);
    }
  });
});

describe("property: random small valid networks compile and pass validateIR", () => {
  interface Net {
    input: number;
    hidden: { size: number; h: number }[];
    output: { size: number; h: number };
    /** Train on a built-in dataset (the network's shape is then the dataset's). */
    train?: "xor" | "sine" | "iris";
    kDiv?: number;
    seed: number;
  }
  const SHAPES = { xor: [2, 1], sine: [1, 1], iris: [4, 3] } as const;
  const layer = fc.record({ size: fc.integer({ min: 1, max: 4 }), h: fc.double({ min: 0.01, max: 10, noNaN: true, noDefaultInfinity: true }) });
  const network: fc.Arbitrary<Net> = fc
    .record({
      input: fc.integer({ min: 1, max: 4 }),
      hidden: fc.array(layer, { minLength: 1, maxLength: 3 }),
      output: layer,
      train: fc.option(fc.constantFrom("xor" as const, "sine" as const, "iris" as const), { nil: undefined }),
      kDiv: fc.option(fc.double({ min: 0.1, max: 100, noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
      seed: fc.integer({ min: 0, max: 1000 }),
    })
    .map((n) => (n.train ? { ...n, input: SHAPES[n.train][0], output: { ...n.output, size: SHAPES[n.train][1] } } : n));

  const source = (n: Net): string => {
    const layers = [...n.hidden, n.output].map((l) => `  dense ${l.size} smooth_relu(h: ${l.h})`);
    const lines = ["import std/smooth_relu", "network net {", `  input ${n.input}`, ...layers];
    if (n.kDiv !== undefined) lines.push(`  rate k_div = ${n.kDiv}`);
    lines.push("}");
    if (n.train) lines.push(`train net on ${n.train} {`, "  period 10", "  iterations 5", `  seed ${n.seed}`, "}");
    return lines.join("\n") + "\n";
  };

  it("always compile, with an IR that validates", () => {
    fc.assert(
      fc.property(network, (n) => {
        const text = source(n);
        const r = compile(text, { file: resolve(ROOT, "test", "fuzz_net.crnn") });
        expect(
          r.diagnostics.filter((d) => d.severity === "error"),
          text,
        ).toEqual([]);
        expect(r.ir, text).toBeDefined();
        const ir = r.ir!;
        expect(validateIR(ir), text).toEqual([]);
        const sizes = [n.input, ...n.hidden.map((l) => l.size), n.output.size];
        expect(ir.species.filter((s) => s.role === "input" || s.role === "node").length).toBe(sizes.reduce((a, b) => a + b, 0));
        const edges = sizes.slice(1).reduce((acc, s, i) => acc + s * sizes[i]!, 0);
        expect(ir.species.filter((s) => s.role === "weight").length).toBe(2 * edges);
        expect(ir.layers?.map((l) => l.size)).toEqual(sizes);
        expect(ir.train !== undefined).toBe(n.train !== undefined);
      }),
      { numRuns: 150, seed: 20240611 },
    );
  });
});

// ---- crashes the fuzzer found, now fixed ------------------------------------------------------

describe("regressions from fuzzing", () => {
  // A std/backprop without one of the templates the passes wire in (or with another shape) made
  // backpropLib/instantiate throw a TypeError. The mutant is compiled *as* stdlib/backprop.crnn,
  // from memory, so the compiler takes it as the std/backprop it wires into training.
  const backprop = readFileSync(resolve(STDLIB_DIR, "backprop.crnn"), "utf8");
  const driver =
    "\nimport std/smooth_relu\nnetwork fuzz_net {\n  input 2\n  dense 1 smooth_relu(h: 1)\n}\ntrain fuzz_net on xor {\n  iterations 3\n  annihilate 1\n}\n";
  const cases: [string, string, string, RegExp][] = [
    [
      "a missing template",
      backprop.replace("module loss_grad(", "module loss_gradx("),
      "E0103",
      /std\/backprop\.crnn has no `module loss_grad\(dual L, Y, T\)`, which training needs/,
    ],
    [
      "a template that is not a module",
      backprop.replace(/module annihilate\(dual W\) \{[^}]*\}/, "rate annihilate = 3"),
      "E0103",
      /has no `module annihilate\(dual W\)`/,
    ],
    [
      "an extra parameter",
      backprop.replace("module update(dual W, dual G) {", "module update(dual W, dual G, X) {\n  X -> 0"),
      "E0104",
      /training calls `update` as `module update\(dual W, dual G\)`/,
    ],
    [
      "a plain parameter where a dual one is wired",
      backprop.replace(/module annihilate\(dual W\) \{[^}]*\}/, "module annihilate(W) {\n  rate k_ann = 1\n  W -> 0 @ k_ann\n}"),
      "E0105",
      /training calls `annihilate` as `module annihilate\(dual W\)`/,
    ],
    [
      "a dual parameter where a plain one is wired",
      backprop.replace("module loss_grad(dual L, Y, T) {", "module loss_grad(dual L, dual Y, T) {").replace("Y -> Y + L.p", "Y.p -> Y.p + L.p"),
      "E0105",
      /training calls `loss_grad` as `module loss_grad\(dual L, Y, T\)`/,
    ],
  ];
  for (const [what, text, code, message] of cases) {
    it(`a std/backprop with ${what} gives ${code}, not a crash`, () => {
      expect(text).not.toBe(backprop);
      const r = compile(text + driver, { file: resolve(STDLIB_DIR, "backprop.crnn") });
      expect(r.diagnostics.map((d) => d.code)).toEqual([code]);
      expect(r.diagnostics[0]!.message).toMatch(message);
      expect(r.ok).toBe(false);
    });
  }
  it("the unbroken std/backprop compiled the same way trains", () => {
    const r = compile(backprop + driver, { file: resolve(STDLIB_DIR, "backprop.crnn") });
    expect(r.diagnostics).toEqual([]);
    expect(validateIR(r.ir!)).toEqual([]);
  });
});

// ---- defects found by the fuzzer or while writing it: each stays fixed ------------------------

describe("formerly known defects", () => {
  const file = resolve(ROOT, "test", "input.crnn");
  const compiles = (text: string) => compile(text, { file });

  it("a module called with the same species twice merges the terms (`2 A`, not `A + A`)", () => {
    // BUG: call() in src/check/templates.ts substitutes arguments into the callee's reactions
    // without merging terms that become the same species, so `mul(Y, X, X)` (the square, the
    // example in src/check/scope.ts's header) gives `A + A -> A + A + S`, which validateIR
    // rejects (`species A appears twice on one side`). It should be `2 A -> 2 A + S`.
    const r = compiles("import std/arith\nmodule sq(Y, X) {\n  mul(Y, X, X)\n}\ncrn c {\n  init A = 3\n  sq(S, A)\n}\n");
    expect(r.diagnostics).toEqual([]);
    expect(validateIR(r.ir!)).toEqual([]);
    expect(r.ir!.reactions[0]!.reactants).toEqual([{ s: 0, n: 2 }]);
  });

  it("a reaction that does nothing (`A -> A`) is reported (W0605) or dropped", () => {
    // BUG: `A -> A`, `A + B -> B + A`, or a call like `m(A, A)` of `module m(X, Y) { X -> Y }`
    // compile with no diagnostic to an IR that validateIR rejects (`reactants and products are
    // the same`). It should be an error (or a warning, and the reaction dropped).
    for (const text of [
      "crn c {\n  init A = 1\n  A -> A\n}\n",
      "crn c {\n  init A = 1, B = 1\n  A + B -> B + A\n}\n",
      "module m(X, Y) {\n  X -> Y\n}\ncrn c {\n  init A = 1\n  m(A, A)\n}\n",
    ]) {
      const r = compiles(text);
      if (r.ir) expect(validateIR(r.ir), text).toEqual([]);
      else expect(r.diagnostics.length, text).toBeGreaterThan(0);
    }
  });

  it("a long sum in a rate expression does not throw", () => {
    // BUG: `1+1+...+1` with 50 000 terms makes compileExpr (src/check/expr.ts) recurse once per
    // term and a RangeError (stack overflow) escapes compile(). Not a realistic program, but
    // compile() must not throw: an iterative walk, or a depth limit with a diagnostic.
    expect(() => compiles(`crn c {\n  A -> B @ ${"1+".repeat(50_000)}1\n}\n`)).not.toThrow();
  });

  it("a long chain of constants does not throw", () => {
    // BUG: `const c1 = c0`, `const c2 = c1`, ... 20 000 deep: compileConst recursion overflows the
    // stack and the RangeError escapes compile().
    let text = "const c0 = 1\n";
    for (let i = 1; i < 20_000; i++) text += `const c${i} = c${i - 1}\n`;
    expect(() => compiles(`${text}crn c {\n  A -> B @ c19999\n}\n`)).not.toThrow();
  });

  // BUG (not run: it would exhaust memory): layer sizes have no upper bound, and 1e308 is an
  // integer, so `input 1e9` or `dense 1e308 smooth_relu` passes the E0201 check and the lowering
  // then tries to create that many species (a hang, then out of memory). A size (or total
  // reaction count) limit with a diagnostic would turn this into an error.
  it("a huge layer size is an error, not a hang", () => {
    const r = compiles("import std/smooth_relu\nnetwork n {\n  input 1e9\n  dense 1e9 smooth_relu\n}\n");
    expect(r.ok).toBe(false);
  });
});
