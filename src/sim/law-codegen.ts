// Rate laws (`@ rate(expr)`: leaky ReLU's characteristic functions, sigmoid's exp) compiled
// once per model into JavaScript: one function for the rate and one for the rate with its
// partial derivatives (forward mode, unrolled per dependency). Interpreting the expression tree
// at every right-hand side and building dual-number tuples for the Jacobian took ~40% of a
// noisy leaky-ReLU run; generated code is what V8 optimises best.
//
// Parameters are read from the model's parameter array `p` at every call, so a sweep or a scan
// changes a value there and never regenerates code.
//
//   rate(k * max(Z_p - Z_m, 0))  with deps [Z_p=4, Z_m=5], k = parameter 0
//     rate:  x => { const t1 = x[4] - x[5]; return p[0] * (t1 >= 0 ? t1 : 0); }
//     grad:  (x, g) => { ...; g[0] = t1 >= 0 ? p[0] : 0; g[1] = ...; return ... }
//
// Derivatives: min/max take the branch's derivative, step and comparisons have none,
// piecewise the chosen piece's.

import { factorial, isLeaf } from "../ir/expr.js";
import type { IRExpr } from "../ir/types.js";

export interface CompiledLaw {
  rate: (x: Float64Array) => number;
  /** Writes ∂rate/∂x_{deps[i]} into g[i] and returns the rate. */
  grad: (x: Float64Array, g: Float64Array) => number;
}

interface Val {
  v: string;
  /** Derivative per dependency: an expression, or "0" when it is identically zero. */
  d: string[];
}

/** f'(a) of the smooth one-argument functions, as code over `a` and the value `v` = f(a). */
const SLOPES: Record<string, (a: string, v: string) => string> = {
  sin: (a) => `Math.cos(${a})`,
  cos: (a) => `-Math.sin(${a})`,
  tan: (_, v) => `1+${v}*${v}`,
  sinh: (a) => `Math.cosh(${a})`,
  cosh: (a) => `Math.sinh(${a})`,
  tanh: (_, v) => `1-${v}*${v}`,
  asin: (a) => `1/Math.sqrt(1-${a}*${a})`,
  acos: (a) => `-1/Math.sqrt(1-${a}*${a})`,
  atan: (a) => `1/(1+${a}*${a})`,
  asinh: (a) => `1/Math.sqrt(${a}*${a}+1)`,
  acosh: (a) => `1/Math.sqrt(${a}*${a}-1)`,
  atanh: (a) => `1/(1-${a}*${a})`,
};

const lit = (v: number): string => (Object.is(v, -0) ? "(-0)" : `(${v})`);

/**
 * The switches a law reads (sim/switches.ts): node → switch index, and the modes the integrators
 * freeze (2 live, 1 true, 0 false). A live switch is evaluated exactly as without this map.
 */
export interface LawSwitches {
  index: Map<IRExpr, number>;
  mode: Uint8Array;
}

/** Compile a law over species `deps` (the ones it reads) and parameters, read from `p` at each call. */
export function compileLaw(e: IRExpr, deps: readonly number[], p: Float64Array = new Float64Array(0), sw?: LawSwitches): CompiledLaw {
  const rateBody = generate(e, deps, false, sw?.index);
  const gradBody = generate(e, deps, true, sw?.index);
  const M = sw?.mode ?? new Uint8Array(0);

  const rate = new Function("p", "M", "F", `return function law(x){${rateBody.lines.join("")}return ${rateBody.out.v};};`)(
    p,
    M,
    factorial,
  ) as CompiledLaw["rate"];
  const set = gradBody.out.d.map((d, i) => `g[${i}]=${d};`).join("");

  const grad = new Function("p", "M", "F", `return function lawGrad(x,g){${gradBody.lines.join("")}${set}return ${gradBody.out.v};};`)(
    p,
    M,
    factorial,
  ) as CompiledLaw["grad"];
  return { rate, grad };
}

function generate(root: IRExpr, deps: readonly number[], withGrad: boolean, switches?: Map<IRExpr, number>): { lines: string[]; out: Val } {
  const lines: string[] = [];
  let n = 0;
  const zero = () => deps.map(() => "0");
  /** Bind an expression to a fresh constant (so that shared subterms are computed once). */
  const bind = (expr: string): string => {
    if (/^(\(-?[\d.e+-]+\)|[xp]\[\d+\]|[01])$/.test(expr)) return expr;
    const name = `t${n++}`;
    lines.push(`const ${name}=${expr};`);
    return name;
  };
  const grads = (f: (i: number) => string): string[] => (withGrad ? deps.map((_, i) => bind(f(i))) : zero());
  /** A switch's truth: `live` when it is live (or not a switch), its frozen mode otherwise. */
  const cond = (node: IRExpr, live: string): string => {
    const j = switches?.get(node);
    return bind(j === undefined ? `(${live})` : `(M[${j}]>1?(${live}):M[${j}]===1)`);
  };
  const frozen = (node: IRExpr) => switches?.get(node);
  const walk = (e: IRExpr): Val => {
    if (isLeaf(e)) {
      if (e.k === "param") return { v: `p[${e.p}]`, d: zero() };
      const s0 = e.s;
      return { v: `x[${s0}]`, d: deps.map((s) => (withGrad && s === s0 ? "1" : "0")) };
    }
    switch (e.k) {
      case "num":
        return { v: lit(e.v), d: zero() };
      case "neg": {
        const a = walk(e.a);
        return { v: bind(`-${a.v}`), d: grads((i) => (a.d[i] === "0" ? "0" : `-${a.d[i]}`)) };
      }
      case "bin": {
        const a = walk(e.a);
        const b = walk(e.b);
        const ad = (i: number) => a.d[i]!;
        const bd = (i: number) => b.d[i]!;
        switch (e.op) {
          case "+":
          case "-": {
            const v = bind(`${a.v}${e.op}${b.v}`);
            return { v, d: grads((i) => (bd(i) === "0" ? ad(i) : ad(i) === "0" ? (e.op === "+" ? bd(i) : `-${bd(i)}`) : `${ad(i)}${e.op}${bd(i)}`)) };
          }
          case "*": {
            const v = bind(`${a.v}*${b.v}`);
            return { v, d: grads((i) => [ad(i) === "0" ? "" : `${ad(i)}*${b.v}`, bd(i) === "0" ? "" : `${a.v}*${bd(i)}`].filter(Boolean).join("+") || "0") };
          }
          case "/": {
            const v = bind(`${a.v}/${b.v}`);
            return { v, d: grads((i) => (ad(i) === "0" && bd(i) === "0" ? "0" : `(${ad(i)}*${b.v}-${a.v}*${bd(i)})/(${b.v}*${b.v})`)) };
          }
          case "^": {
            const v = bind(`${a.v}**${b.v}`);
            return {
              v,
              d: grads((i) => {
                const pa = ad(i) === "0" ? "0" : `(${ad(i)}===0?0:${b.v}*${a.v}**(${b.v}-1)*${ad(i)})`;
                const pb = bd(i) === "0" ? "0" : `(${bd(i)}===0?0:${v}*Math.log(${a.v})*${bd(i)})`;
                return `${pa}+${pb}`;
              }),
            };
          }
          default: {
            const op = e.op === "==" ? "===" : e.op;
            if (frozen(e) === undefined) return { v: bind(`(${a.v}${op}${b.v}?1:0)`), d: zero() };
            return { v: bind(`(${cond(e, `${a.v}${op}${b.v}`)}?1:0)`), d: zero() };
          }
        }
      }
      case "fn": {
        const args = e.args.map(walk);
        const a = args[0]!;
        const ad = (i: number) => a.d[i]!;
        switch (e.f) {
          case "sqrt": {
            const v = bind(`Math.sqrt(${a.v})`);
            return { v, d: grads((i) => (ad(i) === "0" ? "0" : `${ad(i)}/(2*${v})`)) };
          }
          case "exp": {
            const v = bind(`Math.exp(${a.v})`);
            return { v, d: grads((i) => (ad(i) === "0" ? "0" : `${v}*${ad(i)}`)) };
          }
          case "log": {
            const v = bind(`Math.log(${a.v})`);
            return { v, d: grads((i) => (ad(i) === "0" ? "0" : `${ad(i)}/${a.v}`)) };
          }
          case "abs": {
            const j = frozen(e);
            if (j === undefined) {
              const v = bind(`Math.abs(${a.v})`);
              return { v, d: grads((i) => (ad(i) === "0" ? "0" : `Math.sign(${a.v})*${ad(i)}`)) };
            }
            const c = cond(e, `${a.v}>=0`);
            const v = bind(`(M[${j}]>1?Math.abs(${a.v}):${c}?${a.v}:-${a.v})`);
            return { v, d: grads((i) => (ad(i) === "0" ? "0" : `(M[${j}]>1?Math.sign(${a.v}):${c}?1:-1)*${ad(i)}`)) };
          }
          case "min":
          case "max": {
            const b = args[1]!;
            const j = frozen(e);
            const c = cond(e, `${a.v}${e.f === "min" ? "<=" : ">="}${b.v}`);
            const v = j === undefined ? `Math.${e.f}(${a.v},${b.v})` : `(M[${j}]>1?Math.${e.f}(${a.v},${b.v}):${c}?${a.v}:${b.v})`;
            return { v: bind(v), d: grads((i) => (ad(i) === "0" && b.d[i] === "0" ? "0" : `${c}?${ad(i)}:${b.d[i]}`)) };
          }
          case "step":
            return { v: bind(frozen(e) === undefined ? `${a.v}>=0?1:0` : `${cond(e, `${a.v}>=0`)}?1:0`), d: zero() };
          case "piecewise": {
            // c1 ? v1 : c2 ? v2 : ... : otherwise — JavaScript's truthiness is `holds` (not 0, not NaN).
            const pick = (k: (x: Val) => string) => {
              let out = k(args[args.length - 1]!);
              for (let j = args.length - 3; j >= 0; j -= 2) out = `(${args[j + 1]!.v}?${k(args[j]!)}:${out})`;
              return out;
            };
            return { v: bind(pick((x) => x.v)), d: grads((i) => (args.every((x, j) => j % 2 === 1 || x.d[i] === "0") ? "0" : pick((x) => x.d[i]!))) };
          }
          // Logic and rounding: piecewise constant, no derivative.
          case "and":
            return { v: bind(`(${args.map((x) => `(${x.v}?1:0)`).join("&")})`), d: zero() };
          case "or":
            return { v: bind(`(${args.map((x) => `(${x.v}?1:0)`).join("|")})`), d: zero() };
          case "xor":
            return { v: bind(`(${args.map((x) => `(${x.v}?1:0)`).join("^")})`), d: zero() };
          case "not":
            return { v: bind(`(${a.v}?0:1)`), d: zero() };
          case "floor":
          case "ceil":
            return { v: bind(`Math.${e.f}(${a.v})`), d: zero() };
          case "quotient":
            return { v: bind(`Math.trunc(${a.v}/${args[1]!.v})`), d: zero() };
          case "factorial":
            return { v: bind(`F(${a.v})`), d: zero() };
          case "rem": {
            // a − b·trunc(a/b): ∂/∂a = 1, ∂/∂b = −trunc(a/b).
            const b = args[1]!;
            const v = bind(`${a.v}%${b.v}`);
            return { v, d: grads((i) => (ad(i) === "0" && b.d[i] === "0" ? "0" : `${ad(i)}-Math.trunc(${a.v}/${b.v})*${b.d[i]}`)) };
          }
          default: {
            // One-argument smooth functions: f(a) and f'(a)·a'.
            const v = bind(`Math.${e.f}(${a.v})`);
            const slope = SLOPES[e.f]!(a.v, v);
            return { v, d: grads((i) => (ad(i) === "0" ? "0" : `(${slope})*${ad(i)}`)) };
          }
        }
      }
    }
  };
  const out = walk(root);
  return { lines, out };
}
