// The grammar: grammar/crnn.ebnf must describe exactly the parser's rules (names, order, tokens),
// and every construct parses into the AST shape the later stages rely on.
//
//   parse("crn c { A -> 0 @ k }").ast.items[0]  →  { kind: "crn", members: [{ kind: "reaction", ... }] }

import { describe, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { TokenType } from "chevrotain";
import { parse } from "../src/index.js";
import { CrnnParser, parserRuleNames } from "../src/syntax/parser.js";
import { allTokens, Ident } from "../src/syntax/tokens.js";
import type * as A from "../src/syntax/ast.js";

const ROOT = resolve(import.meta.dirname, "..");

// ---- reading the EBNF ----------------------------------------------------------------------

interface Production {
  name: string;
  body: string;
}

/** Replace comments by blanks (keeping newlines, so `^name ::=` still starts a line). */
function stripComments(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " "));
}

function productions(section: string): Production[] {
  const text = stripComments(section);
  const heads = [...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)[ \t]*::=/gm)];
  return heads.map((m, i) => ({
    name: m[1]!,
    body: text.slice(m.index! + m[0].length, i + 1 < heads.length ? heads[i + 1]!.index : text.length),
  }));
}

/** Quoted literals of a right-hand side, in order. */
function literals(body: string): string[] {
  const noClasses = body.replace(/\[[^\]]*\]/g, " ");
  return [...noClasses.matchAll(/"([^"]*)"|'([^']*)'/g)].map((m) => m[1] ?? m[2]!);
}

/** Names (nonterminals and token names) referenced by a right-hand side. */
function references(body: string): string[] {
  const bare = body.replace(/\[[^\]]*\]/g, " ").replace(/"[^"]*"|'[^']*'/g, " ");
  return [...bare.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)].map((m) => m[0]);
}

const ebnf = readFileSync(resolve(ROOT, "grammar/crnn.ebnf"), "utf8");
const lexHeading = /^\/\* =+ 2\. Lexical grammar/m.exec(ebnf);
const synHeading = /^\/\* =+ 1\. Syntactic grammar/m.exec(ebnf);
const syntax = productions(ebnf.slice(synHeading?.index ?? 0, lexHeading?.index ?? ebnf.length));
const lexical = productions(lexHeading ? ebnf.slice(lexHeading.index) : "");

const tokenNames = allTokens.map((t) => t.name);
const isSoft = (t: TokenType) => (t.CATEGORIES ?? []).includes(Ident);
const isKeyword = (t: TokenType) => t.LONGER_ALT !== undefined;
/** Tokens written as fixed text in the grammar: keywords, operators, punctuation. */
const fixedTokens = allTokens.filter(
  (t) => !["WhiteSpace", "DocComment", "LineComment", "Ident", "NumberLit", "StringLit", "UnterminatedString"].includes(t.name),
);
/** Tokens that exist only to be reported as lexical errors: the syntax never uses them. */
const errorTokens = ["UnterminatedString"];

describe("chevrotain's grammar validations", () => {
  test("pass (the process-wide parser skips them at start-up; this one runs them all)", () => {
    // performSelfAnalysis throws "Parser Definition Errors detected" when a validation fails.
    expect(() => new CrnnParser(true)).not.toThrow();
    expect(() => new CrnnParser(false)).not.toThrow();
  });
});

describe("grammar/crnn.ebnf matches the parser", () => {
  test("the file has a syntactic and a lexical section", () => {
    expect(synHeading, "heading `/* ==== 1. Syntactic grammar`").not.toBeNull();
    expect(lexHeading, "heading `/* ==== 2. Lexical grammar`").not.toBeNull();
    expect(synHeading!.index).toBeLessThan(lexHeading!.index);
  });

  test("one production per parser rule: same names, same order", () => {
    const ebnfRules = syntax.map((p) => p.name);
    const parserRules = parserRuleNames();
    expect(new Set(ebnfRules).size, "a rule is defined twice in the EBNF").toBe(ebnfRules.length);
    expect(new Set(ebnfRules)).toEqual(new Set(parserRules));
    expect(ebnfRules).toEqual(parserRules);
  });

  test("every referenced name is a rule or a token defined in the lexical section", () => {
    const rules = new Set(syntax.map((p) => p.name));
    const lexNames = new Set(lexical.map((p) => p.name));
    const undefinedRefs: string[] = [];
    for (const p of syntax)
      for (const r of references(p.body)) {
        const ok = rules.has(r) || (lexNames.has(r) && tokenNames.includes(r));
        if (!ok) undefinedRefs.push(`${p.name} → ${r}`);
      }
    for (const p of lexical) for (const r of references(p.body)) if (!lexNames.has(r)) undefinedRefs.push(`${p.name} → ${r}`);
    expect(undefinedRefs).toEqual([]);
  });

  test("the lexical section defines every token of tokens.ts (and nothing that is a parser rule)", () => {
    const lexNames = lexical.map((p) => p.name);
    expect(tokenNames.filter((t) => !lexNames.includes(t))).toEqual([]);
    expect(new Set(lexNames).size).toBe(lexNames.length);
    // Besides tokens only the two keyword groups.
    expect(lexNames.filter((n) => !tokenNames.includes(n)).sort()).toEqual(["ReservedWord", "SoftKeyword"]);
  });

  test("fixed-text tokens are defined by text their pattern matches exactly", () => {
    const byName = new Map(lexical.map((p) => [p.name, p.body]));
    for (const t of fixedTokens) {
      const lits = literals(byName.get(t.name) ?? "");
      expect(lits, `${t.name} ::= "..."`).toHaveLength(1);
      const m = new RegExp(`^(?:${(t.PATTERN as RegExp).source})`).exec(lits[0]!);
      expect(m?.[0], `${t.name}'s pattern on "${lits[0]}"`).toBe(lits[0]);
    }
  });

  test("reserved words and soft keywords are grouped as in tokens.ts, in lexer order", () => {
    const alts = (name: string) => references(lexical.find((p) => p.name === name)?.body ?? "");
    expect(alts("ReservedWord")).toEqual(allTokens.filter((t) => isKeyword(t) && !isSoft(t)).map((t) => t.name));
    expect(alts("SoftKeyword")).toEqual(allTokens.filter((t) => isKeyword(t) && isSoft(t)).map((t) => t.name));
  });

  test("quoted text in the syntax is a token, and the syntax uses every token", () => {
    const textOf = new Map<string, string>(); // literal text → token name
    for (const p of lexical) {
      const lits = literals(p.body);
      if (lits.length === 1 && references(p.body).length === 0 && fixedTokens.some((t) => t.name === p.name)) textOf.set(lits[0]!, p.name);
    }
    const used = new Set<string>();
    for (const p of syntax) {
      for (const l of literals(p.body)) {
        expect(textOf.has(l), `"${l}" in ${p.name} is not the text of a token`).toBe(true);
        used.add(textOf.get(l)!);
      }
      for (const r of references(p.body)) used.add(r);
    }
    const unused = allTokens.filter((t) => t.GROUP === undefined && !used.has(t.name) && !errorTokens.includes(t.name)).map((t) => t.name);
    expect(unused).toEqual([]);
  });
});

// ---- parsing ---------------------------------------------------------------------------------

/** Parse and insist on no diagnostics. */
function items(text: string): A.Item[] {
  const r = parse(text, "t.crnn");
  expect(r.diagnostics.map((d) => `${d.code} ${d.span?.line}:${d.span?.col} ${d.message}`)).toEqual([]);
  return r.ast.items;
}

function one<K extends A.Item["kind"]>(text: string, kind: K): Extract<A.Item, { kind: K }> {
  const its = items(text);
  expect(its).toHaveLength(1);
  expect(its[0]!.kind).toBe(kind);
  return its[0] as Extract<A.Item, { kind: K }>;
}

/** Statements of `crn c { ... }`. */
function crnBody(body: string): A.CrnDecl["members"] {
  return one(`crn c {\n${body}\n}`, "crn").members;
}

function reactions(body: string): A.Reaction[] {
  const ms = crnBody(body);
  for (const m of ms) expect(m.kind).toBe("reaction");
  return ms as A.Reaction[];
}

/** `2 A + B` style rendering of a complex, for compact expectations. */
function show(c: A.Term[]): string {
  return c
    .map((t) => (t.species ? `${t.coeff === 1 ? "" : `${t.coeff} `}${t.species.name}${t.species.rail ? `.${t.species.rail}` : ""}` : `${t.coeff}`))
    .join(" + ");
}

/** An expression as a fully parenthesised string. */
function ex(e: A.Expr | undefined): string {
  if (!e) return "?";
  switch (e.kind) {
    case "num":
      return String(e.value);
    case "name":
      return e.name;
    case "rail":
      return `${e.name}.${e.rail}`;
    case "neg":
      return `(-${ex(e.operand)})`;
    case "bin":
      return `(${ex(e.left)} ${e.op} ${ex(e.right)})`;
    case "call":
      return `${e.callee}(${e.args.map((a) => (a.name ? `${a.name}: ` : "") + ex(a.value)).join(", ")})`;
  }
}

/** line:col-endLine:endCol of a span. */
const at = (s: A.Span | undefined) => (s ? `${s.line}:${s.col}-${s.endLine}:${s.endCol}` : "none");

describe("imports", () => {
  test("std/ paths and quoted paths", () => {
    const [std, quoted, rel, stdQuoted] = items('import std/arith\nimport "lib/gates.crnn"\n  import "../x.crnn"\nimport "std/arith.crnn"') as A.ImportDecl[];
    expect(std).toMatchObject({ kind: "import", path: "std/arith", std: true });
    expect(at(std!.span)).toBe("1:1-1:16");
    expect(at(std!.pathSpan)).toBe("1:8-1:16");
    expect(quoted).toMatchObject({ kind: "import", path: "lib/gates.crnn", std: false });
    expect(at(quoted!.pathSpan)).toBe("2:8-2:23");
    expect(rel).toMatchObject({ path: "../x.crnn", std: false });
    expect(at(rel!.span)).toBe("3:3-3:20");
    // A quoted path is a file path, never the standard library.
    expect(stdQuoted).toMatchObject({ path: "std/arith.crnn", std: false });
  });

  test("a multi-segment std path and escapes in strings", () => {
    expect(one("import std / nets / small", "import")).toMatchObject({ path: "std/nets/small", std: true });
    expect(one('import "a\\"b.crnn"', "import").path).toBe('a"b.crnn');
  });
});

describe("const and rate", () => {
  test("top-level values", () => {
    const [c, r] = items("const n = 2 * 3\nrate k = 0.5") as A.ValueDecl[];
    expect(c).toMatchObject({ kind: "const", name: "n" });
    expect(ex(c!.value)).toBe("(2 * 3)");
    expect(at(c!.nameSpan)).toBe("1:7-1:7");
    expect(at(c!.span)).toBe("1:1-1:15");
    expect(r).toMatchObject({ kind: "rate", name: "k", value: { kind: "num", value: 0.5 } });
    expect(at(r!.span)).toBe("2:1-2:12");
  });

  test("numbers", () => {
    const vals = (items("const a = 0\nconst b = 0.5\nconst c = 5\nconst d = 1e-3\nconst e = 2.5E+4") as A.ValueDecl[]).map(
      (d) => (d.value as { value: number }).value,
    );
    expect(vals).toEqual([0, 0.5, 5, 0.001, 25000]);
    // A number starts and ends with a digit: `.5` and `5.` are syntax errors, so `X.1` is not a coefficient.
    for (const bad of ["const b = .5", "const c = 5.", "crn c { A -> X.1 }"]) expect(parse(bad).diagnostics.length).toBeGreaterThan(0);
  });
});

describe("module", () => {
  const src = `module edge(X, I, dual W) {
  local T, U
  X + W.p + I -> 2 X + W.p + I @ k
  rate k = 1
  const c = 2
  copy(X, into: T)
}`;

  test("dual params, local, and every statement kind", () => {
    const m = one(src, "module");
    expect(m.name).toBe("edge");
    expect(at(m.nameSpan)).toBe("1:8-1:11");
    expect(at(m.span)).toBe("1:1-7:1");
    expect(m.params.map((p) => [p.name, p.dual])).toEqual([
      ["X", false],
      ["I", false],
      ["W", true],
    ]);
    expect(at(m.params[2]!.span)).toBe("1:19-1:24");
    expect(m.body.map((s) => s.kind)).toEqual(["local", "reaction", "rate", "const", "call"]);
    const [local, rx, , , call] = m.body as [A.LocalDecl, A.Reaction, A.ValueDecl, A.ValueDecl, A.CallStmt];
    expect(local.names.map((n) => n.name)).toEqual(["T", "U"]);
    expect(at(local.names[1]!.span)).toBe("2:12-2:12");
    expect(show(rx.reactants)).toBe("X + W.p + I");
    expect(show(rx.products)).toBe("2 X + W.p + I");
    expect(at(rx.span)).toBe("3:3-3:34");
    expect(at(rx.reactants[1]!.species!.railSpan)).toBe("3:9-3:9");
    expect(call).toMatchObject({ kind: "call", callee: "copy" });
    expect(call.args.map((a) => [a.name, ex(a.value)])).toEqual([
      [undefined, "X"],
      ["into", "T"],
    ]);
    expect(at(call.calleeSpan)).toBe("6:3-6:6");
    expect(at(call.span)).toBe("6:3-6:18");
  });

  test("no params, empty body", () => {
    expect(one("module nop() { }", "module")).toMatchObject({ name: "nop", params: [], body: [] });
  });
});

describe("activation", () => {
  test("numeric params, require, catalyst, rate, const, module members in source order", () => {
    const a = one(
      `activation sr(h = 1, g = 2 * h) {
  require h > 0 : "h must be positive"
  catalyst H = h
  rate k = 1
  const two = 2
  module node(X) { H -> H + X @ k }
  require g >= 0
}`,
      "activation",
    );
    expect(a.name).toBe("sr");
    expect(a.params.map((p) => [p.name, ex(p.value)])).toEqual([
      ["h", "1"],
      ["g", "(2 * h)"],
    ]);
    expect(at(a.params[1]!.nameSpan)).toBe("1:22-1:22");
    expect(a.members.map((m) => m.kind)).toEqual(["require", "catalyst", "rate", "const", "module", "require"]);
    const [req, cat, , , mod, req2] = a.members as [A.RequireDecl, A.ValueDecl, A.ValueDecl, A.ValueDecl, A.ModuleDecl, A.RequireDecl];
    expect(req.message).toBe("h must be positive");
    expect(ex(req.cond)).toBe("(h > 0)");
    expect(at(req.span)).toBe("2:3-2:38");
    expect(cat).toMatchObject({ kind: "catalyst", name: "H" });
    expect(mod.name).toBe("node");
    expect(show((mod.body[0] as A.Reaction).products)).toBe("H + X");
    expect(req2.message).toBeUndefined();
    expect(ex(req2.cond)).toBe("(g >= 0)");
  });

  test("without a parameter list", () => {
    expect(one("activation id { }", "activation")).toMatchObject({ name: "id", params: [], members: [] });
  });
});

describe("crn", () => {
  test("init with several assignments, reactions, rates in order", () => {
    const c = one("crn decay {\n  init A = 1, B.p = 0.5\n  A -> 0 @ k\n  rate k = 0.5\n}", "crn");
    expect(c.name).toBe("decay");
    expect(c.members.map((m) => m.kind)).toEqual(["init", "reaction", "rate"]);
    const init = c.members[0] as A.InitDecl;
    expect(init.assigns.map((a) => [a.species.name, a.species.rail, ex(a.value)])).toEqual([
      ["A", undefined, "1"],
      ["B", "p", "0.5"],
    ]);
    expect(at(init.span)).toBe("2:3-2:23");
    expect(at(init.assigns[1]!.span)).toBe("2:15-2:23");
  });

  test("everything on one line (the example in parser.ts)", () => {
    const c = one("crn decay { init A = 1   A -> 0 @ k   rate k = 0.5 }", "crn");
    expect(c.members.map((m) => m.kind)).toEqual(["init", "reaction", "rate"]);
  });
});

describe("network", () => {
  test("input, dense with and without arguments, rate and const overrides", () => {
    const n = one("network net {\n  input 64\n  dense 4 smooth_relu(h: 1)\n  dense 2 relu\n  rate k_div = 10\n  const w = 3\n}", "network");
    expect(n.name).toBe("net");
    expect(n.members.map((m) => m.kind)).toEqual(["input", "dense", "dense", "rate", "const"]);
    const [input, d1, d2] = n.members as [A.InputDecl, A.DenseDecl, A.DenseDecl];
    expect(ex(input.size)).toBe("64");
    expect(at(input.span)).toBe("2:3-2:10");
    expect(d1).toMatchObject({ activation: "smooth_relu" });
    expect(ex(d1.size)).toBe("4");
    expect(d1.args.map((a) => [a.name, ex(a.value)])).toEqual([["h", "1"]]);
    expect(at(d1.activationSpan)).toBe("3:11-3:21");
    expect(at(d1.args[0]!.nameSpan)).toBe("3:23-3:23");
    expect(d2).toMatchObject({ activation: "relu", args: [] });
  });
});

describe("train", () => {
  const src = `train net on "data/train.csv" {
  eta 0.001
  period 50
  iterations 2000
  split 0.9
  seed 7
  evaluate every 100
  init uniform(-0.5, 0.5)
  init weights normal(0, 0.1)
  init biases 0
  features x1, x2
  targets y
  annihilate 10
  noise { epsilon 0.01  resample 0.05  hold 0.005  on backward, nodes }
}`;

  test("every setting", () => {
    const t = one(src, "train");
    expect(t.network).toBe("net");
    expect(at(t.networkSpan)).toBe("1:7-1:9");
    expect(t.dataset).toMatchObject({ kind: "path", value: "data/train.csv" });
    expect(at(t.dataset.span)).toBe("1:14-1:29");
    const s = t.settings;
    expect(s.map((x) => x.key)).toEqual([
      "eta",
      "period",
      "iterations",
      "split",
      "seed",
      "evaluate",
      "init",
      "init",
      "init",
      "features",
      "targets",
      "annihilate",
    ]);
    expect(s.map((x) => (x.value ? ex(x.value) : x.names?.map((n) => n.name).join(",")))).toEqual([
      "0.001",
      "50",
      "2000",
      "0.9",
      "7",
      "100",
      "uniform((-0.5), 0.5)",
      "normal(0, 0.1)",
      "0",
      "x1,x2",
      "y",
      "10",
    ]);
    expect(s.map((x) => x.qualifier)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      "weights",
      "biases",
      undefined,
      undefined,
      undefined,
    ]);
    const evaluate = s[5]!;
    expect(at(evaluate.keySpan)).toBe("7:3-7:10");
    expect(at(evaluate.span)).toBe("7:3-7:20");
    expect(at(s[7]!.keySpan)).toBe("9:3-9:6");
    expect(at(s[9]!.names![1]!.span)).toBe("11:16-11:17");

    const noise = t.noise!;
    expect(at(noise.keySpan)).toBe("14:3-14:7");
    expect(noise.settings.map((x) => [x.key, x.value ? ex(x.value) : x.names!.map((n) => n.name).join(",")])).toEqual([
      ["epsilon", "0.01"],
      ["resample", "0.05"],
      ["hold", "0.005"],
      ["on", "backward,nodes"],
    ]);
    expect(at(noise.settings[3]!.keySpan)).toBe("14:52-14:53");
    expect(at(noise.settings[3]!.span)).toBe("14:52-14:69");
  });

  test("a built-in dataset by name; an empty block", () => {
    const t = one("train xor_net on xor { }", "train");
    expect(t).toMatchObject({ network: "xor_net", dataset: { kind: "name", value: "xor" }, settings: [] });
    expect(t.noise).toBeUndefined();
  });

  test("settings words are soft: they still name things", () => {
    const t = one("train on on period { eta eta * 2 }", "train");
    expect(t).toMatchObject({ network: "on", dataset: { kind: "name", value: "period" } });
    expect(ex(t.settings[0]!.value)).toBe("(eta * 2)");
  });
});

describe("reactions", () => {
  test("stoichiometry, the empty complex, rails", () => {
    const rs = reactions("2 X + W.p -> 3 X + W.p\n0 -> A\nA -> 0\nA + B -> 2C");
    expect(rs.map((r) => `${show(r.reactants)} -> ${show(r.products)}`)).toEqual(["2 X + W.p -> 3 X + W.p", "0 -> A", "A -> 0", "A + B -> 2 C"]);
    expect(rs[0]!.reactants[0]).toMatchObject({ coeff: 2, species: { name: "X" } });
    expect(at(rs[0]!.reactants[0]!.span)).toBe("2:1-2:3");
    expect(at(rs[0]!.reactants[1]!.species!.span)).toBe("2:7-2:9");
    expect(rs[1]!.reactants).toEqual([expect.objectContaining({ coeff: 0 })]);
    expect(rs[1]!.reactants[0]!.species).toBeUndefined();
    expect(rs.every((r) => r.rate === undefined)).toBe(true);
  });

  test("rates: @ k, @ 2 * k, @ rate(law)", () => {
    const [a, b, c] = reactions("A -> B @ k\nA -> B @ 2 * k\nA -> 0 @ rate(k * A * step(A - 1))");
    expect(a!.rate).toMatchObject({ kind: "mass", expr: { kind: "name", name: "k" } });
    expect(at(a!.rate!.span)).toBe("2:10-2:10");
    expect(b!.rate!.kind).toBe("mass");
    expect(ex(b!.rate!.expr)).toBe("(2 * k)");
    expect(c!.rate!.kind).toBe("law");
    expect(ex(c!.rate!.expr)).toBe("((k * A) * step((A - 1)))");
    expect(at(c!.rate!.span)).toBe("4:10-4:34");
    expect(at(c!.span)).toBe("4:1-4:34");
  });

  test("a coefficient on one line and a species on the next are two statements", () => {
    const rs = reactions("A -> 0\nB -> C");
    expect(rs.map((r) => `${show(r.reactants)} -> ${show(r.products)}`)).toEqual(["A -> 0", "B -> C"]);
    expect(at(rs[1]!.span)).toBe("3:1-3:6");

    const [x, y] = reactions("A -> 2\nB -> C");
    expect(x!.products).toEqual([expect.objectContaining({ coeff: 2 })]);
    expect(x!.products[0]!.species).toBeUndefined();
    expect(show(y!.reactants)).toBe("B");

    // On one line the number is B's coefficient.
    const [z] = reactions("A -> 2 B");
    expect(show(z!.products)).toBe("2 B");

    // Same with a rate: `@ k` ends, then the next line starts a new reaction.
    expect(reactions("A -> 0 @ k\n2 B -> C").map((r) => show(r.reactants))).toEqual(["A", "2 B"]);
  });

  test("`name(` at the start of a statement is a module call", () => {
    const ms = crnBody("A -> 0\ncopy(A, B)\ncopy (C)\nA -> B @ k\nf()");
    expect(ms.map((m) => m.kind)).toEqual(["reaction", "call", "call", "reaction", "call"]);
    expect((ms[1] as A.CallStmt).args.map((a) => ex(a.value))).toEqual(["A", "B"]);
    expect((ms[4] as A.CallStmt).args).toEqual([]);
  });

  test("soft keywords are species names", () => {
    const [r] = reactions("period -> eta + 2 on");
    expect(show(r!.reactants)).toBe("period");
    expect(show(r!.products)).toBe("eta + 2 on");
  });
});

describe("expressions", () => {
  const e = (s: string) => ex((one(`const x = ${s}`, "const") as A.ValueDecl).value);
  test("precedence and associativity", () => {
    expect(e("1 + 2 * 3 - 4")).toBe("((1 + (2 * 3)) - 4)");
    expect(e("8 / 4 / 2")).toBe("((8 / 4) / 2)");
    expect(e("2 ^ 3 ^ 2")).toBe("(2 ^ (3 ^ 2))");
    expect(e("-2 ^ 2")).toBe("(-(2 ^ 2))");
    expect(e("2 ^ -1")).toBe("(2 ^ (-1))");
    expect(e("a + 1 <= b * 2")).toBe("((a + 1) <= (b * 2))");
    expect(e("(1 + 2) * W.p")).toBe("((1 + 2) * W.p)");
    expect(e("f(1, y: g(2))")).toBe("f(1, y: g(2))");
  });
  test("comparisons do not chain", () => {
    expect(parse("const x = 1 < 2 < 3").diagnostics.map((d) => d.code)).toEqual(["E0002"]);
  });
});

describe("comments", () => {
  test("doc comments attach to the next item; all comments are collected", () => {
    const r = parse("/// Adds.\n///Twice.\nmodule add(X) {\n  // inside\n}\n\n// plain\nconst c = 1 // trailing\n/// Last.\n\ncrn z { }\n", "t.crnn");
    expect(r.diagnostics).toEqual([]);
    const [add, c, z] = r.ast.items as [A.ModuleDecl, A.ValueDecl, A.CrnDecl];
    expect(add.doc).toBe("Adds.\nTwice.");
    expect(c.doc).toBeUndefined();
    expect(z.doc).toBe("Last.");
    expect(r.ast.comments.map((cm) => [cm.text, cm.doc, at(cm.span)])).toEqual([
      ["/// Adds.", true, "1:1-1:9"],
      ["///Twice.", true, "2:1-2:9"],
      ["// inside", false, "4:3-4:11"],
      ["// plain", false, "7:1-7:8"],
      ["// trailing", false, "8:13-8:23"],
      ["/// Last.", true, "9:1-9:9"],
    ]);
  });

  test("a doc comment inside an item does not document the next item", () => {
    const [m, c] = items("module m() {\n  /// stray\n}\nconst c = 1") as [A.ModuleDecl, A.ValueDecl];
    expect(m.doc).toBeUndefined();
    expect(c.doc).toBeUndefined();
  });
});

describe("syntax errors", () => {
  test("are E0002 diagnostics at the offending token", () => {
    const d = parse("crn c { A -> }", "c.crnn").diagnostics;
    expect(d.map((x) => `${x.code} ${x.span?.line}:${x.span?.col}`)).toEqual(["E0002 1:14"]);
  });
  test("a coefficient with its species on the next line is an error, not a term", () => {
    const d = parse("crn c {\n  2\n  A -> B\n}", "c.crnn").diagnostics;
    expect(d[0]).toMatchObject({ code: "E0002", span: { line: 3, col: 3 } });
  });
  test("reserved words are not names", () => {
    expect(parse("crn c { rate -> A }").diagnostics.length).toBeGreaterThan(0);
    expect(parse("const module = 1").diagnostics.length).toBeGreaterThan(0);
    // ... but a keyword followed by more word characters is a name.
    expect(reactions("rates + rate_k + module2 -> 0").length).toBe(1);
  });
  test("an unknown character is E0001", () => {
    expect(parse("crn c { A -> B # }").diagnostics.map((x) => x.code)).toContain("E0001");
  });
});
