// MathML (the content subset SBML L2/L3 core allows) → a plain tree whose names are still SBML
// ids: the SBML reader resolves them once it knows what each id is. Constants and operators map
// onto the IR's functions (ir/expr.ts) or onto a few n-ary ops the reader folds; what SBML core
// allows but crnnc does not simulate (`delay`, `rateOf`) comes back as an op the reader refuses
// by name, never as a wrong value.
//
//   <apply><times/><ci> k </ci><ci> S1 </ci></apply>  →  { t: "op", op: "*", args: [{ t: "name", id: "k" }, { t: "name", id: "S1" }] }

import type { XmlElement } from "./read-xml.js";

/** A MathML tree as plain data. `lambda` is a function definition's body with its bound variables. */
export type MathNode =
  | { t: "num"; v: number }
  | { t: "name"; id: string }
  | { t: "time" }
  | { t: "op"; op: string; args: MathNode[] }
  | { t: "lambda"; vars: string[]; body: MathNode };

export class MathError extends Error {
  constructor(
    message: string,
    readonly el: XmlElement,
  ) {
    super(message);
  }
}

/** SBML L3's value of Avogadro's constant (the `avogadro` csymbol, SBML L3V2 §3.4.6). */
export const AVOGADRO = 6.02214179e23;

/** MathML operator element → the op name the reader uses (n-ary where MathML allows). */
const OPS: Record<string, string> = {
  plus: "+",
  minus: "-",
  times: "*",
  divide: "/",
  power: "^",
  eq: "==",
  neq: "!=",
  gt: ">",
  geq: ">=",
  lt: "<",
  leq: "<=",
  and: "and",
  or: "or",
  xor: "xor",
  not: "not",
  implies: "implies",
  abs: "abs",
  exp: "exp",
  ln: "ln",
  log: "log",
  root: "root",
  floor: "floor",
  ceiling: "ceiling",
  factorial: "factorial",
  max: "max",
  min: "min",
  rem: "rem",
  quotient: "quotient",
  sin: "sin",
  cos: "cos",
  tan: "tan",
  sec: "sec",
  csc: "csc",
  cot: "cot",
  sinh: "sinh",
  cosh: "cosh",
  tanh: "tanh",
  sech: "sech",
  csch: "csch",
  coth: "coth",
  arcsin: "arcsin",
  arccos: "arccos",
  arctan: "arctan",
  arcsec: "arcsec",
  arccsc: "arccsc",
  arccot: "arccot",
  arcsinh: "arcsinh",
  arccosh: "arccosh",
  arctanh: "arctanh",
  arcsech: "arcsech",
  arccsch: "arccsch",
  arccoth: "arccoth",
};

const CONSTANTS: Record<string, number> = {
  pi: Math.PI,
  exponentiale: Math.E,
  true: 1,
  false: 0,
  infinity: Infinity,
  notanumber: NaN,
};

/** The <math> element's content as a tree. */
export function readMath(math: XmlElement): MathNode {
  const body = math.children.filter((c) => c.name !== "annotation" && c.name !== "annotation-xml");
  if (body.length !== 1) throw new MathError(body.length ? "more than one expression in <math>" : "an empty <math>", math);
  return node(body[0]!);
}

function node(el: XmlElement): MathNode {
  switch (el.name) {
    case "cn":
      return { t: "num", v: cn(el) };
    case "ci":
      return { t: "name", id: el.text };
    case "csymbol": {
      const url = el.attrs.definitionURL ?? "";
      if (url.endsWith("/time")) return { t: "time" };
      if (url.endsWith("/avogadro")) return { t: "num", v: AVOGADRO };
      throw new MathError(`the csymbol ${url.split("/").pop() || el.text} used as a value`, el);
    }
    case "apply":
      return apply(el);
    case "piecewise": {
      const args: MathNode[] = [];
      let otherwise: MathNode | undefined;
      for (const c of el.children) {
        if (c.name === "piece") {
          if (c.children.length !== 2) throw new MathError("a <piece> without a value and a condition", c);
          args.push(node(c.children[0]!), node(c.children[1]!));
        } else if (c.name === "otherwise") {
          if (c.children.length !== 1) throw new MathError("an <otherwise> without one value", c);
          otherwise = node(c.children[0]!);
        }
      }
      // No otherwise: undefined outside the pieces (SBML); NaN makes any use visible.
      return { t: "op", op: "piecewise", args: [...args, otherwise ?? { t: "num", v: NaN }] };
    }
    case "lambda": {
      const vars = el.children.filter((c) => c.name === "bvar").map((b) => b.children[0]?.text ?? "");
      const rest = el.children.filter((c) => c.name !== "bvar");
      if (rest.length !== 1) throw new MathError("a <lambda> without one body", el);
      return { t: "lambda", vars, body: node(rest[0]!) };
    }
    case "semantics":
      if (!el.children.length) throw new MathError("an empty <semantics>", el);
      return node(el.children[0]!);
  }
  if (el.name in CONSTANTS) return { t: "num", v: CONSTANTS[el.name]! };
  throw new MathError(`the MathML element <${el.name}>`, el);
}

function cn(el: XmlElement): number {
  const type = el.attrs.type ?? "real";
  const parts = el.children.filter((c) => c.name === "sep");
  // <cn type="e-notation"> m <sep/> e </cn> and type="rational": the text around <sep/> was joined; re-split on whitespace.
  if (parts.length || type === "e-notation" || type === "rational") {
    const [a, b] = el.text.split(/\s+/).map(Number) as [number, number];
    if (type === "rational") return a / b;
    return a * 10 ** b;
  }
  const v = Number(el.text);
  if (el.text === "" || Number.isNaN(v)) {
    const t = el.text.toLowerCase();
    if (t === "inf" || t === "infinity") return Infinity;
    if (t === "-inf" || t === "-infinity") return -Infinity;
    if (t === "nan") return NaN;
    throw new MathError(`the number \`${el.text}\``, el);
  }
  return v;
}

function apply(el: XmlElement): MathNode {
  const [head, ...rest] = el.children;
  if (!head) throw new MathError("an empty <apply>", el);
  // <log><logbase>b</logbase> x </log>, <root><degree>n</degree> x </root>: qualifiers become leading arguments.
  const qualifier = rest.find((c) => c.name === "logbase" || c.name === "degree");
  const args = rest.filter((c) => c !== qualifier && c.name !== "bvar").map(node);
  if (head.name === "ci") return { t: "op", op: `call:${head.text}`, args };
  if (head.name === "csymbol") {
    const url = head.attrs.definitionURL ?? "";
    const what = url.split("/").pop() ?? head.text;
    if (what === "delay") return { t: "op", op: "delay", args };
    if (what === "rateOf") return { t: "op", op: "rateOf", args };
    throw new MathError(`the csymbol ${what}`, head);
  }
  const op = OPS[head.name];
  if (!op) throw new MathError(`the MathML operator <${head.name}>`, head);
  if (op === "log") {
    const base = qualifier ? node(qualifier.children[0]!) : { t: "num" as const, v: 10 };
    return { t: "op", op: "log", args: [base, ...args] };
  }
  if (op === "root") {
    const degree = qualifier ? node(qualifier.children[0]!) : { t: "num" as const, v: 2 };
    return { t: "op", op: "root", args: [degree, ...args] };
  }
  return { t: "op", op, args };
}
