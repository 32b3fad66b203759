// The expression language, owned by the IR: operators, functions, their evaluation, and one
// generic tree whose leaves each stage chooses. The checker's templates have leaves for named
// rates, activation parameters and species slots; the IR has species and parameters (rate
// laws), parameters only (rate constants such as `2 * k`) or an argument and parameters (an
// activation's closed form σ(z)). Every walk over any of them goes through `foldExpr`,
// `mapLeaves` or `evalExpr` below, so adding a function touches this file and the code
// generators, nothing else.
//
//   evalExpr(bin("*", num(2), {k: "param", p: 0}), (l) => values[l.p])   →  2 · values[0]
//   piecewise(a, c1, b, c2, d)  =  a if c1, else b if c2, else d

export type BinaryOp = "+" | "-" | "*" | "/" | "^" | "<" | "<=" | ">" | ">=" | "==";

export interface FunctionInfo {
  /** Fewest and most arguments. */
  min: number;
  max: number;
  /** The argument count must be odd (piecewise: value, condition pairs and a default). */
  odd?: boolean;
  /** One line for hints and hovers. */
  doc: string;
}

export const FUNCTIONS = {
  sqrt: { min: 1, max: 1, doc: "sqrt(x): square root" },
  exp: { min: 1, max: 1, doc: "exp(x): e to the x" },
  log: { min: 1, max: 1, doc: "log(x): natural logarithm" },
  abs: { min: 1, max: 1, doc: "abs(x): absolute value" },
  min: { min: 2, max: 2, doc: "min(a, b): the smaller of a and b" },
  max: { min: 2, max: 2, doc: "max(a, b): the larger of a and b" },
  /** The characteristic function of [0, ∞): step(x) = 1 if x ≥ 0, else 0. */
  step: { min: 1, max: 1, doc: "step(x): 1 if x ≥ 0, else 0" },
  piecewise: { min: 3, max: Infinity, odd: true, doc: "piecewise(a, c, ..., otherwise): the first value whose condition holds (is not 0), else the last" },
} as const satisfies Record<string, FunctionInfo>;

/**
 * Functions an imported model's math needs (SBML's MathML) that the .crnn language does not
 * offer: logic, trigonometry, rounding. The IR carries them, the simulator evaluates and
 * differentiates them; the SBML reader maps the rest of MathML onto these (sec x = 1/cos x).
 */
export const MODEL_FUNCTIONS = {
  and: { min: 1, max: Infinity, doc: "and(a, ...): 1 if every argument holds, else 0" },
  or: { min: 1, max: Infinity, doc: "or(a, ...): 1 if some argument holds, else 0" },
  xor: { min: 1, max: Infinity, doc: "xor(a, ...): 1 if an odd number of arguments hold, else 0" },
  not: { min: 1, max: 1, doc: "not(a): 1 if a does not hold, else 0" },
  sin: { min: 1, max: 1, doc: "sin(x)" },
  cos: { min: 1, max: 1, doc: "cos(x)" },
  tan: { min: 1, max: 1, doc: "tan(x)" },
  sinh: { min: 1, max: 1, doc: "sinh(x)" },
  cosh: { min: 1, max: 1, doc: "cosh(x)" },
  tanh: { min: 1, max: 1, doc: "tanh(x)" },
  asin: { min: 1, max: 1, doc: "asin(x)" },
  acos: { min: 1, max: 1, doc: "acos(x)" },
  atan: { min: 1, max: 1, doc: "atan(x)" },
  asinh: { min: 1, max: 1, doc: "asinh(x)" },
  acosh: { min: 1, max: 1, doc: "acosh(x)" },
  atanh: { min: 1, max: 1, doc: "atanh(x)" },
  floor: { min: 1, max: 1, doc: "floor(x)" },
  ceil: { min: 1, max: 1, doc: "ceil(x)" },
  /** Γ(x + 1): x! for a natural x, as SBML's factorial. */
  factorial: { min: 1, max: 1, doc: "factorial(x): x!" },
  /** a − b·trunc(a/b), the sign of a (SBML L3V2 rem, C's fmod). */
  rem: { min: 2, max: 2, doc: "rem(a, b): the remainder of a / b, with a's sign" },
  /** trunc(a / b) (SBML L3V2 quotient). */
  quotient: { min: 2, max: 2, doc: "quotient(a, b): a / b rounded toward 0" },
} as const satisfies Record<string, FunctionInfo>;

export type FnName = keyof typeof FUNCTIONS | keyof typeof MODEL_FUNCTIONS;

/** A function of the .crnn language. */
export function isFunction(name: string): name is keyof typeof FUNCTIONS {
  return Object.hasOwn(FUNCTIONS, name);
}

/** A function the IR carries (the language's and an imported model's). */
export function isIRFunction(name: string): name is FnName {
  return Object.hasOwn(FUNCTIONS, name) || Object.hasOwn(MODEL_FUNCTIONS, name);
}

/** Why `n` arguments do not fit function `f`, or undefined when they do. */
export function arityProblem(f: FnName, n: number): string | undefined {
  const a: FunctionInfo = f in FUNCTIONS ? FUNCTIONS[f as keyof typeof FUNCTIONS] : MODEL_FUNCTIONS[f as keyof typeof MODEL_FUNCTIONS];
  if (n >= a.min && n <= a.max && (!a.odd || n % 2 === 1)) return undefined;
  if (a.odd) return `\`${f}\` takes an odd number of arguments (value, condition, ..., otherwise), at least ${a.min}; got ${n}`;
  return `\`${f}\` takes ${a.min} argument${a.min === 1 ? "" : "s"}, got ${n}`;
}

export interface Num {
  k: "num";
  v: number;
}
export interface Neg<L> {
  k: "neg";
  a: Expr<L>;
}
export interface Bin<L> {
  k: "bin";
  op: BinaryOp;
  a: Expr<L>;
  b: Expr<L>;
}
export interface Fn<L> {
  k: "fn";
  f: FnName;
  args: Expr<L>[];
}
/** An expression with leaves of type L (a leaf's `k` is none of num, neg, bin, fn). */
export type Expr<L> = Num | Neg<L> | Bin<L> | Fn<L> | L;
type Inner<L> = Num | Neg<L> | Bin<L> | Fn<L>;

export const num = (v: number): Num => ({ k: "num", v });

/** Is this node a leaf (not a number, operator or function)? */
export function isLeaf<L>(e: Expr<L>): e is L {
  const k = (e as Inner<L>).k;
  return k !== "num" && k !== "neg" && k !== "bin" && k !== "fn";
}

export interface Folder<L, R> {
  num: (v: number) => R;
  leaf: (l: L) => R;
  neg: (a: R) => R;
  bin: (op: BinaryOp, a: R, b: R) => R;
  fn: (f: FnName, args: R[]) => R;
}

/** Bottom-up fold: the one recursive walk every other walk is made of. */
export function foldExpr<L, R>(e: Expr<L>, f: Folder<L, R>): R {
  if (isLeaf(e)) return f.leaf(e);
  const x = e as Inner<L>;
  switch (x.k) {
    case "num":
      return f.num(x.v);
    case "neg":
      return f.neg(foldExpr(x.a, f));
    case "bin":
      return f.bin(x.op, foldExpr(x.a, f), foldExpr(x.b, f));
    case "fn":
      return f.fn(
        x.f,
        x.args.map((a) => foldExpr(a, f)),
      );
  }
}

/** The same tree with each leaf replaced (by a leaf of another kind, a number or a subtree). */
export function mapLeaves<A, B>(e: Expr<A>, f: (l: A) => Expr<B>): Expr<B> {
  return foldExpr<A, Expr<B>>(e, {
    num: (v) => num(v),
    leaf: f,
    neg: (a) => ({ k: "neg", a }),
    bin: (op, a, b) => ({ k: "bin", op, a, b }),
    fn: (fname, args) => ({ k: "fn", f: fname, args }),
  });
}

/** Call `f` on every leaf, left to right. */
export function forEachLeaf<L>(e: Expr<L>, f: (l: L) => void): void {
  if (isLeaf(e)) return f(e);
  const x = e as Inner<L>;
  if (x.k === "neg") forEachLeaf(x.a, f);
  else if (x.k === "bin") {
    forEachLeaf(x.a, f);
    forEachLeaf(x.b, f);
  } else if (x.k === "fn") for (const a of x.args) forEachLeaf(a, f);
}

/** Does some leaf satisfy `pred`? */
export function someLeaf<L>(e: Expr<L>, pred: (l: L) => boolean): boolean {
  let hit = false;
  forEachLeaf(e, (l) => (hit ||= pred(l)));
  return hit;
}

/** The value, with leaves valued by `leaf`. Total: any input gives a number (NaN or ±∞ included). */
export function evalExpr<L>(e: Expr<L>, leaf: (l: L) => number): number {
  return foldExpr(e, { num: (v) => v, leaf, neg: (a) => -a, bin: applyOp, fn: applyFn });
}

export function applyOp(op: BinaryOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "^":
      return a ** b;
    case "<":
      return a < b ? 1 : 0;
    case "<=":
      return a <= b ? 1 : 0;
    case ">":
      return a > b ? 1 : 0;
    case ">=":
      return a >= b ? 1 : 0;
    case "==":
      return a === b ? 1 : 0;
  }
}

/** A condition holds when it is neither 0 nor NaN (as JavaScript's `c ? a : b`). */
export const holds = (c: number): boolean => c !== 0 && c === c;

export function applyFn(f: FnName, x: readonly number[]): number {
  switch (f) {
    case "sqrt":
      return Math.sqrt(x[0]!);
    case "exp":
      return Math.exp(x[0]!);
    case "log":
      return Math.log(x[0]!);
    case "abs":
      return Math.abs(x[0]!);
    case "min":
      return Math.min(x[0]!, x[1]!);
    case "max":
      return Math.max(x[0]!, x[1]!);
    case "step":
      return x[0]! >= 0 ? 1 : 0;
    case "piecewise": {
      for (let i = 0; i + 1 < x.length; i += 2) if (holds(x[i + 1]!)) return x[i]!;
      return x[x.length - 1]!;
    }
    case "and":
      return x.every(holds) ? 1 : 0;
    case "or":
      return x.some(holds) ? 1 : 0;
    case "xor":
      return x.filter(holds).length % 2;
    case "not":
      return holds(x[0]!) ? 0 : 1;
    case "sin":
    case "cos":
    case "tan":
    case "sinh":
    case "cosh":
    case "tanh":
    case "asin":
    case "acos":
    case "atan":
    case "asinh":
    case "acosh":
    case "atanh":
    case "floor":
    case "ceil":
      return Math[f](x[0]!);
    case "factorial":
      return factorial(x[0]!);
    case "rem":
      return x[0]! % x[1]!;
    case "quotient":
      return Math.trunc(x[0]! / x[1]!);
  }
}

/** x! for natural x (exact up to 170!), Γ(x + 1) by Lanczos otherwise. */
export function factorial(x: number): number {
  if (Number.isInteger(x) && x >= 0) {
    if (x > 170) return Infinity;
    let r = 1;
    for (let i = 2; i <= x; i++) r *= i;
    return r;
  }
  return gamma(x + 1);
}

const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.3234287776531, -176.61503916999186, 12.507343278686905, -0.13857109526572012,
  9.984369578019572e-6, 1.5056327351493116e-7,
];
function gamma(z: number): number {
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * gamma(1 - z));
  z -= 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return Math.sqrt(2 * Math.PI) * t ** (z + 0.5) * Math.exp(-t) * a;
}

/** Operator precedence as the .crnn grammar parses it (higher binds tighter; unary minus is 4). */
const PREC: Record<BinaryOp, number> = { "<": 1, "<=": 1, ">": 1, ">=": 1, "==": 1, "+": 2, "-": 2, "*": 3, "/": 3, "^": 5 };

/** Numbers as JavaScript prints them (shortest round trip), −0 as 0. */
export function formatNumber(x: number): string {
  return Object.is(x, -0) ? "0" : String(x);
}

/** The expression in .crnn syntax, with the parentheses precedence needs and no others. */
export function exprText<L>(e: Expr<L>, leaf: (l: L) => string): string {
  const go = (x: Expr<L>, parent: number): string => {
    if (isLeaf(x)) return leaf(x);
    const y = x as Inner<L>;
    switch (y.k) {
      case "num":
        return formatNumber(y.v);
      case "neg":
        return `-${go(y.a, 4)}`;
      case "fn":
        return `${y.f}(${y.args.map((a) => go(a, 0)).join(", ")})`;
      case "bin": {
        const p = PREC[y.op];
        const right = y.op === "^" ? p : p + 1;
        const s = `${go(y.a, y.op === "^" ? p + 1 : p)} ${y.op} ${go(y.b, right)}`;
        return p < parent ? `(${s})` : s;
      }
    }
  };
  return go(e, 0);
}

/** The tree as plain JSON: numbers, `{ op, args }` nodes, leaves as `leaf` makes them. */
export function exprTree<L>(e: Expr<L>, leaf: (l: L) => unknown): unknown {
  return foldExpr<L, unknown>(e, {
    num: (v) => v,
    leaf,
    neg: (a) => ({ op: "neg", args: [a] }),
    bin: (op, a, b) => ({ op, args: [a, b] }),
    fn: (f, args) => ({ op: f, args }),
  });
}

/** The inverse of `exprTree`: a tree of numbers and `{ op, args }` nodes back to an expression; `leaf` reads anything else (undefined: malformed). */
export function exprFromTree<L>(t: unknown, leaf: (x: unknown) => L | undefined): Expr<L> | undefined {
  if (typeof t === "number") return num(t);
  if (t && typeof t === "object" && "op" in t && "args" in t && Array.isArray(t.args)) {
    const op = (t as { op: unknown }).op;
    const args = t.args.map((a) => exprFromTree(a, leaf));
    if (args.some((a) => a === undefined)) return undefined;
    const xs = args as Expr<L>[];
    if (op === "neg" && xs.length === 1) return { k: "neg", a: xs[0]! };
    if (typeof op === "string" && op in PREC && xs.length === 2) return { k: "bin", op: op as BinaryOp, a: xs[0]!, b: xs[1]! };
    if (typeof op === "string" && isIRFunction(op) && !arityProblem(op, xs.length)) return { k: "fn", f: op, args: xs };
    return undefined;
  }
  return leaf(t);
}
