// The formatter (src/format/, `crnnc fmt`, the prettier plugin `crnnc/prettier`):
//   - input/output pairs for the printer;
//   - idempotence over every example, stdlib file and ≥ 200 seeded random valid programs;
//   - meaning preserved: the compiled IR of a formatted file equals the original's (spans aside);
//   - every comment survives, in the same order;
//   - the prettier plugin prints exactly what `crnnc fmt` prints.

import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as prettier from "prettier";
import { formatText, sameProgram } from "../src/format/format.js";
import plugin from "../src/format/prettier-plugin.js";
import { compile } from "../src/compile.js";
import { emitJson } from "../src/backends/json.js";
import { emitReactions } from "../src/backends/reactions.js";
import { ROOT, mulberry32 } from "./helpers.js";

const fmt = (text: string): string => {
  const r = formatText(text, "t.crnn");
  if (r.text === undefined)
    throw new Error(`syntax errors:\n${r.diagnostics.map((d) => `${d.span?.line}:${d.span?.col} ${d.message}`).join("\n")}\n---\n${text}`);
  return r.text;
};

const REPO_FILES = [
  ...readdirSync(resolve(ROOT, "examples"))
    .filter((f) => f.endsWith(".crnn"))
    .map((f) => `examples/${f}`),
  ...readdirSync(resolve(ROOT, "stdlib"))
    .filter((f) => f.endsWith(".crnn"))
    .map((f) => `stdlib/${f}`),
];

// ---- input/output pairs ------------------------------------------------------------------------

const PAIRS: [string, string, string][] = [
  ["spacing of a reaction", "crn c{A+B->C@k}", "crn c {\n  A + B -> C @ k\n}\n"],
  ["coefficients, rails and `0`", "crn c {\n2X+W.p->3   X+W.p@k  A->0\n}", "crn c {\n  2 X + W.p -> 3 X + W.p @ k\n  A         -> 0\n}\n"],
  [
    "a run of reactions aligned at -> and @",
    "module slope(X, D) {\n  local A\n  2 X -> 2 X + D @ k_div\n  D + A -> A @ k_div\n  A -> 0 @ k\n}\n",
    "module slope(X, D) {\n  local A\n  2 X   -> 2 X + D @ k_div\n  D + A -> A       @ k_div\n  A     -> 0       @ k\n}\n",
  ],
  [
    "a blank line ends a run; several blank lines become one",
    "crn c {\n  A -> B @ k\n\n\n\n  B + C -> D @ k\n}\n",
    "crn c {\n  A -> B @ k\n\n  B + C -> D @ k\n}\n",
  ],
  ["no blank line after `{`, before `}` or at the start", "\n\ncrn c {\n\n  A -> B\n\n}\n\n\n", "crn c {\n  A -> B\n}\n"],
  ["numbers as written, parentheses kept", "const a = (1e-3+2.50)*-(x)^2", "const a = (1e-3 + 2.50) * -(x) ^ 2\n"],
  ["a rate law", "crn c { A -> B @ rate( k*A*step(A-1) ) }", "crn c {\n  A -> B @ rate(k * A * step(A - 1))\n}\n"],
  [
    "an inline module becomes multi-line",
    "activation relu(h=1){ rate k=1 module node(X){ H -> H + X @ k    2 X -> X @ k } }",
    "activation relu(h = 1) {\n  rate k = 1\n  module node(X) {\n    H   -> H + X @ k\n    2 X -> X     @ k\n  }\n}\n",
  ],
  [
    "an inline noise block becomes multi-line, settings aligned",
    "train n on xor { eta 0.002 iterations 10 noise { epsilon 0.01  resample 0.05  hold 0.005  on backward, nodes } }",
    "train n on xor {\n  eta        0.002\n  iterations 10\n  noise {\n    epsilon  0.01\n    resample 0.05\n    hold     0.005\n    on       backward, nodes\n  }\n}\n",
  ],
  [
    "train settings: init qualifiers, evaluate every, features",
    'train n on "d.csv" {\n  init weights normal(0,0.1)\n  init biases 0\n  evaluate every 10\n  features x1,x2\n  targets y\n}',
    'train n on "d.csv" {\n  init weights normal(0, 0.1)\n  init biases  0\n  evaluate     every 10\n  features     x1, x2\n  targets      y\n}\n',
  ],
  [
    "network: one member per line, dense activations aligned",
    "network n { input 2 dense 10 smooth_relu(h:3) dense 1 smooth_relu(h: 3) rate k_div=10 }",
    "network n {\n  input 2\n  dense 10 smooth_relu(h: 3)\n  dense 1  smooth_relu(h: 3)\n  rate k_div = 10\n}\n",
  ],
  [
    "imports, const, require",
    'import std / arith\nimport "lib/x.crnn"\nactivation a { require h>0:"h > 0" }',
    'import std/arith\nimport "lib/x.crnn"\nactivation a {\n  require h > 0 : "h > 0"\n}\n',
  ],
  [
    "calls, locals, named arguments, init",
    "crn c { init A=1,B.p=0.5 local T,U mul(Z,A,B,k:2) }",
    "crn c {\n  init A = 1, B.p = 0.5\n  local T, U\n  mul(Z, A, B, k: 2)\n}\n",
  ],
  ["empty blocks", "crn c { }\nnetwork n{}", "crn c {}\nnetwork n {}\n"],
  [
    "end-of-line comments stay on their line, aligned in a run",
    "crn c {\n  a -> a + q @ k // makes q\n  b + q -> b @ k    // removes it\n  rate k = 10\n}\n",
    "crn c {\n  a     -> a + q @ k  // makes q\n  b + q -> b     @ k  // removes it\n  rate k = 10\n}\n",
  ],
  [
    "own-line and doc comments stay above what they describe",
    "// header\n\n/// the net\n/// two lines\nnetwork n {\n    // the input\n  input 2 // two\n  // trailing inside\n}\n// the end\n",
    "// header\n\n/// the net\n/// two lines\nnetwork n {\n  // the input\n  input 2  // two\n  // trailing inside\n}\n// the end\n",
  ],
  ["a comment on the `{` line stays there", "crn c { // a comment\n  A -> B\n} // after\n", "crn c {  // a comment\n  A -> B\n}  // after\n"],
  ["a comment inside a statement moves above it", "crn c {\n  A + // first\n  B -> C\n}\n", "crn c {\n  // first\n  A + B -> C\n}\n"],
  [
    "a long reaction breaks after `->`",
    `crn c {\n  ${Array.from({ length: 10 }, (_, i) => `Xlong${i}`).join(" + ")} -> ${Array.from({ length: 6 }, (_, i) => `Ylong${i}`).join(" + ")} @ k\n}\n`,
    `crn c {\n  ${Array.from({ length: 10 }, (_, i) => `Xlong${i}`).join(" + ")} ->\n    ${Array.from({ length: 6 }, (_, i) => `Ylong${i}`).join(" + ")} @ k\n}\n`,
  ],
  [
    "alignment is dropped when it would pass 100 columns",
    `crn c {\n  A -> B @ ${"k".repeat(30)}\n  ${"S".repeat(60)} -> ${"P".repeat(20)} @ k\n}\n`,
    `crn c {\n  A -> B @ ${"k".repeat(30)}\n  ${"S".repeat(60)} -> ${"P".repeat(20)} @ k\n}\n`,
  ],
  ["CRLF line ends become LF", "crn c {\r\n  A -> B\r\n}\r\n", "crn c {\n  A -> B\n}\n"],
  ["an empty file stays empty", "\n\n", ""],
];

describe("printer: input/output pairs", () => {
  for (const [what, input, output] of PAIRS)
    it(what, () => {
      expect(fmt(input)).toBe(output);
      expect(fmt(output)).toBe(output);
    });

  it("the long reaction's lines stay within 100 columns", () => {
    const long = PAIRS.find((p) => p[0].startsWith("a long reaction"))![2];
    for (const l of long.split("\n")) expect(l.length).toBeLessThanOrEqual(100);
  });

  it("a very long side wraps at `+`, and the rate goes to its own line", () => {
    const terms = (p: string, n: number) => Array.from({ length: n }, (_, i) => `${p}${i}_long_name`).join(" + ");
    const out = fmt(`crn c {\n  ${terms("R", 10)} -> ${terms("P", 10)} @ ${"k_".repeat(30)}x\n}\n`);
    const lines = out.split("\n");
    expect(lines.length).toBeGreaterThan(6);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
    expect(lines.some((l) => /^\s+@ k_/.test(l))).toBe(true);
    expect(fmt(out)).toBe(out);
  });

  it("a file with syntax errors is not formatted: its diagnostics come back", () => {
    const r = formatText("crn c { A -> }\n", "bad.crnn");
    expect(r.text).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toEqual(["E0002"]);
  });
});

// ---- the repository's own files ------------------------------------------------------------------

/** The IR as JSON with the source positions removed (formatting moves them). */
function meaning(text: string, file: string, target?: string): string | undefined {
  const r = compile(text, { file, ...(target ? { target } : {}) });
  if (!r.ir) return undefined;
  const doc = JSON.parse(emitJson(r.ir, "x")) as { reactions: Record<string, unknown>[]; parameters: Record<string, unknown>[] };
  for (const rx of [...doc.reactions, ...doc.parameters]) {
    delete rx["at"];
    delete rx["site"];
  }
  return JSON.stringify(doc) + "\n" + emitReactions(r.ir);
}

const commentsOf = (text: string) => [...text.matchAll(/\/\/[^\n]*/g)].map((m) => m[0].trimEnd());

describe("the repository's examples and stdlib files", () => {
  for (const f of REPO_FILES) {
    it(`${f}: idempotent, same IR, every comment kept`, () => {
      const path = resolve(ROOT, f);
      const text = readFileSync(path, "utf8");
      const once = fmt(text);
      expect(fmt(once)).toBe(once);
      expect(commentsOf(once)).toEqual(commentsOf(text));
      expect(sameProgram(text, once)).toBeUndefined();
      if (f.startsWith("examples/")) {
        const before = meaning(text, path);
        expect(before).toBeDefined();
        expect(meaning(once, path)).toBe(before);
      }
    });
  }

  it("the stdlib formatted is still the stdlib: a network compiled against it is unchanged", () => {
    // Compile an example as if its std/ imports were the formatted stdlib, through a host.
    const xor = resolve(ROOT, "examples/xor.crnn");
    const host = (formatted: boolean) => ({
      readFile: (p: string) => {
        const t = readFileSync(p, "utf8");
        return formatted && p.endsWith(".crnn") ? fmt(t) : t;
      },
    });
    const ir = (formatted: boolean) => {
      const r = compile(readFileSync(xor, "utf8"), { file: xor, host: host(formatted) } as Parameters<typeof compile>[1]);
      expect(r.ir).toBeDefined();
      return emitReactions(r.ir!);
    };
    expect(ir(true)).toBe(ir(false));
  });

  it("the prettier plugin prints exactly what crnnc fmt prints", async () => {
    for (const f of REPO_FILES) {
      const text = readFileSync(resolve(ROOT, f), "utf8");
      const viaPrettier = await prettier.format(text, { parser: "crnn", plugins: [plugin], filepath: f });
      expect(viaPrettier, f).toBe(fmt(text));
    }
    // and finds the parser from the file name
    expect(await prettier.format("crn c{A->B}", { filepath: "x.crnn", plugins: [plugin] })).toBe("crn c {\n  A -> B\n}\n");
  });

  it("the prettier plugin reports a syntax error with its position", async () => {
    await expect(prettier.format("crn c { A -> }\n", { parser: "crnn", plugins: [plugin] })).rejects.toMatchObject({
      message: expect.stringMatching(/E0002/),
      loc: { start: { line: 1, column: 14 } },
    });
  });
});

// ---- fuzzed valid programs -----------------------------------------------------------------------

/**
 * A random valid program as a list of tokens; `glue[i]` says how token i may be separated from
 * the one before: "same" (same line: a coefficient and its species), "word" (a space at least),
 * "any" (nothing, spaces, newlines or a comment).
 */
class Gen {
  readonly toks: string[] = [];
  readonly glue: ("same" | "word" | "any")[] = [];
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  push(...ts: string[]): void {
    for (const t of ts) {
      const prev = this.toks[this.toks.length - 1];
      const wordy = (s: string | undefined) => s !== undefined && /^[A-Za-z0-9_."]/.test(s) && /[A-Za-z0-9_."]$/.test(s);
      this.glue.push(
        wordy(prev) && wordy(t) ? "word" : ["-", "/", "<", ">", "="].includes(t) || ["-", "/", "<", ">", "="].includes(prev ?? "") ? "word" : "any",
      );
      this.toks.push(t);
    }
  }
  /** Force the next token onto the same line as the previous one. */
  same(t: string): void {
    this.toks.push(t);
    this.glue.push("same");
  }
  number(): string {
    return this.pick(["1", "2", "0.5", "10", "1e-3", "2.50", "3E+2", "0.001", "7"]);
  }
  expr(depth = 0, names: string[] = ["k"]): void {
    const r = this.int(depth > 2 ? 2 : 6);
    if (r === 0) this.push(this.number());
    else if (r === 1) this.push(this.pick(names));
    else if (r === 2) {
      this.push("(");
      this.expr(depth + 1, names);
      this.push(")");
    } else if (r === 3) {
      this.expr(depth + 1, names);
      this.push(this.pick(["+", "*", "/"]));
      this.expr(depth + 1, names);
    } else if (r === 4) {
      this.push(this.number(), "^", this.number());
    } else {
      this.push(this.pick(["max", "min"]), "(");
      this.expr(depth + 1, names);
      this.push(",");
      this.expr(depth + 1, names);
      this.push(")");
    }
  }
  species(): string {
    return this.pick(["A", "B", "C", "X", "Y", "Z_1", "Q"]);
  }
  complex(): void {
    const n = 1 + this.int(3);
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      let s = this.species();
      while (used.has(s)) s = this.species();
      used.add(s);
      if (i > 0) this.push("+");
      if (this.int(3) === 0) {
        this.push(this.pick(["2", "3"]));
        this.same(s);
      } else this.push(s);
    }
  }
  reaction(): void {
    this.complex();
    this.push("->");
    if (this.int(6) === 0) this.push("0");
    else this.complex();
    this.push("@");
    if (this.int(5) === 0) {
      this.push("rate", "(");
      this.push("k", "*", this.species());
      this.push(")");
    } else this.expr(0, ["k", "k2"]);
  }
}

/** A random program: constants, a module, a crn that calls it (or a network and its training). */
function randomProgram(seed: number): { text: string; target?: string } {
  const g = new Gen(mulberry32(seed));
  const kind = g.int(3);
  if (kind < 2) {
    g.push("const", "c0", "=");
    g.expr(0, ["1"]);
    g.push("rate", "k2", "=");
    g.expr(0, ["c0"]);
    g.push("module", "m", "(", "P", ",", "dual", "W", ")", "{", "rate", "k", "=", "1", "local", "T");
    g.push("P", "+", "W", ".", "p", "->", "T", "@", "k");
    g.push("T", "->", "0", "@", "k");
    g.push("}");
    g.push("crn", "c", "{", "init", "A", "=", g.number(), ",", "B", "=", g.number());
    const n = 1 + g.int(6);
    for (let i = 0; i < n; i++) {
      const r = g.int(8);
      if (r === 0) g.push("m", "(", g.species(), ",", "V", ")");
      else if (r === 1) g.push("rate", `k${3 + i}`, "=", g.number());
      else g.reaction();
    }
    g.push("rate", "k", "=", g.number(), "}");
  } else {
    g.push("import", "std", "/", "smooth_relu");
    g.push("network", "n", "{", "input", "2");
    const layers = 1 + g.int(2);
    for (let i = 0; i < layers; i++) g.push("dense", g.pick(["1", "3", "10"]), "smooth_relu", "(", "h", ":", g.pick(["1", "3", "0.5"]), ")");
    g.push("dense", "1", "smooth_relu");
    if (g.int(2)) g.push("rate", "k_div", "=", g.number());
    g.push("}", "train", "n", "on", "xor", "{", "eta", g.number(), "period", g.pick(["5", "10"]), "iterations", "3");
    if (g.int(2)) g.push("init", "weights", "normal", "(", "0", ",", "0.1", ")");
    if (g.int(2)) g.push("evaluate", "every", "2");
    if (g.int(2)) g.push("noise", "{", "epsilon", "0.01", "resample", "0.05", "on", "backward", ",", "nodes", "}");
    g.push("}");
  }
  // Render with random spacing and comments.
  let text = "";
  let comment = 0;
  g.toks.forEach((t, i) => {
    const glue = g.glue[i]!;
    if (i > 0) {
      const r = g.int(12);
      if (glue === "same") text += g.pick([" ", "  "]);
      else if (r < 2 && glue === "any") text += "";
      else if (r < 6) text += " ";
      else if (r < 8) text += "\n  ";
      else if (r < 9) text += "\n\n\n";
      else if (r < 10) text += `  // c${comment++} ${"x".repeat(g.int(30))}\n`;
      else if (r < 11) text += `\n/// d${comment++}\n`;
      else text += "\t ";
    }
    text += t;
  });
  if (g.int(2)) text += `  // last${comment++}`;
  return { text: text + "\n", target: kind === 2 ? "n" : undefined };
}

describe("fuzz: random valid programs", () => {
  const N = 240;
  it(`${N} programs: idempotent, same IR, every comment kept in order`, () => {
    let compiled = 0;
    const crashes: string[] = [];
    for (let s = 0; s < N; s++) {
      const { text, target } = randomProgram(0xf0_0000 + s);
      const r = formatText(text, "fuzz.crnn");
      expect(r.diagnostics, `seed ${s}:\n${text}`).toEqual([]);
      const once = r.text!;
      expect(formatText(once, "fuzz.crnn").text, `seed ${s} not idempotent:\n${text}\n---\n${once}`).toBe(once);
      expect(commentsOf(once), `seed ${s}`).toEqual(commentsOf(text));
      for (const l of once.split("\n")) expect(l, `seed ${s}: trailing whitespace`).toBe(l.trimEnd());
      const file = resolve(ROOT, "test", "fuzz.crnn");
      let before: string | undefined;
      try {
        before = meaning(text, file, target);
      } catch (e) {
        // A compiler defect, not a formatter one (see "known defects" below): skip the IR check.
        crashes.push(`seed ${s}: ${(e as Error).message}\n${text}`);
        continue;
      }
      if (before !== undefined) {
        compiled++;
        expect(meaning(once, file, target), `seed ${s}:\n${text}\n---\n${once}`).toBe(before);
      }
    }
    // Most programs are valid beyond syntax too, so their IR is compared.
    expect(compiled).toBeGreaterThan(N / 2);
    if (crashes.length) console.warn(`${crashes.length} programs crash the compiler's emitJson; first:\n${crashes[0]}`);
  });
});
