// Compiled rate laws (src/sim/law-codegen.ts) against the interpreter they replace: for random
// expression trees over a few species, the generated rate equals evalIRExpr and the generated
// partial derivatives equal a forward-mode interpreter written here (`derivative`) wherever that is finite
// (where it is NaN, e.g. 0/0 from ∂ sqrt(0) of a constant, the generated code knows the
// derivative of a constant subterm is 0), and a central difference where the law is smooth.
//
//   max(x0 − x1, 0) · exp(min(x2, 30))  at random x  →  rate, ∂/∂x0, ∂/∂x1, ∂/∂x2 agree

import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { compileLaw } from "../src/sim/law-codegen.js";
import { evalIRExpr } from "../src/ir/mass-action.js";
import type { IRExpr } from "../src/ir/types.js";

const SPECIES = 4;
/** Parameter values the laws read (p[0..2]); changed in place to show laws read them at each call. */
const P = Float64Array.of(0.7, 2, 1.5);

// ─── the reference: dual numbers over the expression tree, interpreted ─────────────────────

/** ∂e/∂x_s by forward-mode differentiation (step functions have derivative 0). */
function derivative(e: IRExpr, x: ArrayLike<number>, s: number): number {
  return dual(e, x, s)[1];
}

function dual(e: IRExpr, x: ArrayLike<number>, s: number): [number, number] {
  switch (e.k) {
    case "num":
      return [e.v, 0];
    case "param":
      return [P[e.p]!, 0];
    case "species":
      return [x[e.s]!, e.s === s ? 1 : 0];
    case "neg": {
      const [a, da] = dual(e.a, x, s);
      return [-a, -da];
    }
    case "bin": {
      const [a, da] = dual(e.a, x, s);
      const [b, db] = dual(e.b, x, s);
      switch (e.op) {
        case "+":
          return [a + b, da + db];
        case "-":
          return [a - b, da - db];
        case "*":
          return [a * b, da * b + a * db];
        case "/":
          return [a / b, (da * b - a * db) / (b * b)];
        case "^": {
          const v = a ** b;
          const dv = (da === 0 ? 0 : b * a ** (b - 1) * da) + (db === 0 ? 0 : v * Math.log(a) * db);
          return [v, dv];
        }
        default:
          return [evalIRExpr(e, x, P), 0];
      }
    }
    case "fn": {
      const args = e.args.map((a) => dual(a, x, s));
      const [a, da] = args[0]!;
      switch (e.f) {
        case "sqrt":
          return [Math.sqrt(a), da / (2 * Math.sqrt(a))];
        case "exp":
          return [Math.exp(a), Math.exp(a) * da];
        case "log":
          return [Math.log(a), da / a];
        case "abs":
          return [Math.abs(a), Math.sign(a) * da];
        case "min":
          return a <= args[1]![0] ? [a, da] : args[1]!;
        case "max":
          return a >= args[1]![0] ? [a, da] : args[1]!;
        case "step":
          return [a >= 0 ? 1 : 0, 0];
        case "piecewise": {
          for (let i = 0; i + 1 < args.length; i += 2) if (args[i + 1]![0] !== 0 && !Number.isNaN(args[i + 1]![0])) return args[i]!;
          return args[args.length - 1]!;
        }
        // An imported model's functions (SBML): f(a) and f'(a)·a' from calculus.
        case "sin":
          return [Math.sin(a), Math.cos(a) * da];
        case "cos":
          return [Math.cos(a), -Math.sin(a) * da];
        case "tan":
          return [Math.tan(a), da / Math.cos(a) ** 2];
        case "sinh":
          return [Math.sinh(a), Math.cosh(a) * da];
        case "cosh":
          return [Math.cosh(a), Math.sinh(a) * da];
        case "tanh":
          return [Math.tanh(a), da / Math.cosh(a) ** 2];
        case "asin":
          return [Math.asin(a), da / Math.sqrt(1 - a * a)];
        case "acos":
          return [Math.acos(a), -da / Math.sqrt(1 - a * a)];
        case "atan":
          return [Math.atan(a), da / (1 + a * a)];
        case "asinh":
          return [Math.asinh(a), da / Math.sqrt(a * a + 1)];
        case "acosh":
          return [Math.acosh(a), da / Math.sqrt(a * a - 1)];
        case "atanh":
          return [Math.atanh(a), da / (1 - a * a)];
        case "rem":
          return [a % args[1]![0], da - Math.trunc(a / args[1]![0]) * args[1]![1]];
        case "floor":
        case "ceil":
        case "quotient":
        case "factorial":
        case "and":
        case "or":
        case "xor":
        case "not":
          return [evalIRExpr(e, x, P), 0];
      }
    }
  }
}

const exprArb: fc.Arbitrary<IRExpr> = fc.letrec<{ e: IRExpr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.double({ min: -3, max: 3, noNaN: true }).map((v): IRExpr => ({ k: "num", v })),
    fc.integer({ min: 0, max: SPECIES - 1 }).map((s): IRExpr => ({ k: "species", s })),
    fc.integer({ min: 0, max: P.length - 1 }).map((p): IRExpr => ({ k: "param", p })),
    fc.tuple(tie("e"), tie("e"), tie("e")).map(([a, c, b]): IRExpr => ({ k: "fn", f: "piecewise", args: [a, c, b] })),
    tie("e").map((a): IRExpr => ({ k: "neg", a })),
    fc
      .tuple(fc.constantFrom("+", "-", "*", "/", "^", "<", ">=", "==") as fc.Arbitrary<"+">, tie("e"), tie("e"))
      .map(([op, a, b]): IRExpr => ({ k: "bin", op, a, b })),
    fc
      .tuple(
        fc.constantFrom(
          "sqrt",
          "exp",
          "log",
          "abs",
          "step",
          "sin",
          "cos",
          "tan",
          "sinh",
          "cosh",
          "tanh",
          "asin",
          "acos",
          "atan",
          "asinh",
          "acosh",
          "atanh",
          "floor",
          "ceil",
          "factorial",
          "not",
        ) as fc.Arbitrary<"exp">,
        tie("e"),
      )
      .map(([f, a]): IRExpr => ({ k: "fn", f, args: [a] })),
    fc
      .tuple(fc.constantFrom("rem", "quotient", "and", "or", "xor") as fc.Arbitrary<"rem">, tie("e"), tie("e"))
      .map(([f, a, b]): IRExpr => ({ k: "fn", f, args: [a, b] })),
    fc.tuple(fc.constantFrom("min", "max") as fc.Arbitrary<"min">, tie("e"), tie("e")).map(([f, a, b]): IRExpr => ({ k: "fn", f, args: [a, b] })),
  ),
})).e;

/** Does any subterm evaluate to NaN? (min/max of NaN differ between Math.min and the interpreter's branch; real laws never do this.) */
const hasNaN = (e: IRExpr, x: Float64Array): boolean =>
  Number.isNaN(evalIRExpr(e, x, P)) ||
  (e.k === "neg" ? hasNaN(e.a, x) : e.k === "bin" ? hasNaN(e.a, x) || hasNaN(e.b, x) : e.k === "fn" ? e.args.some((a) => hasNaN(a, x)) : false);

const same = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

describe("compiled rate laws", () => {
  it("rate and partial derivatives equal the interpreter's for random laws with parameters and piecewise (600 cases)", () => {
    fc.assert(
      fc.property(exprArb, fc.array(fc.double({ min: 0, max: 4, noNaN: true }), { minLength: SPECIES, maxLength: SPECIES }), (e, xs) => {
        const x = Float64Array.from(xs);
        fc.pre(!hasNaN(e, x));
        const deps = [0, 1, 2, 3];
        const law = compileLaw(e, deps, P);
        const g = new Float64Array(deps.length);
        const v = law.grad(x, g);
        expect(same(law.rate(x), evalIRExpr(e, x, P))).toBe(true);
        expect(same(v, evalIRExpr(e, x, P))).toBe(true);
        deps.forEach((s, i) => {
          const want = derivative(e, x, s);
          if (Number.isFinite(want)) expect(same(g[i]!, want), `∂/∂x${s}: ${g[i]} vs ${want}`).toBe(true);
        });
      }),
      { numRuns: 600, seed: 7 },
    );
  });

  it("a law reads its parameters at every call: a new value changes the rate, not the code", () => {
    const e: IRExpr = { k: "bin", op: "*", a: { k: "param", p: 1 }, b: { k: "species", s: 0 } };
    const p = Float64Array.of(0, 3);
    const law = compileLaw(e, [0], p);
    const x = Float64Array.of(2);
    expect(law.rate(x)).toBe(6);
    p[1] = 5;
    expect(law.rate(x)).toBe(10);
    const g = new Float64Array(1);
    law.grad(x, g);
    expect(g[0]).toBe(5);
  });

  it("the leaky ReLU and sigmoid laws' derivatives match central differences", () => {
    const z: IRExpr = { k: "bin", op: "-", a: { k: "species", s: 0 }, b: { k: "species", s: 1 } };
    const leaky: IRExpr = { k: "bin", op: "*", a: { k: "num", v: 0.7 }, b: { k: "fn", f: "max", args: [z, { k: "num", v: 0 }] } };
    const sig: IRExpr = {
      k: "bin",
      op: "*",
      a: { k: "species", s: 2 },
      b: {
        k: "bin",
        op: "+",
        a: { k: "num", v: 1 },
        b: {
          k: "fn",
          f: "exp",
          args: [
            {
              k: "fn",
              f: "min",
              args: [
                { k: "neg", a: z },
                { k: "num", v: 30 },
              ],
            },
          ],
        },
      },
    };
    for (const e of [leaky, sig]) {
      const law = compileLaw(e, [0, 1, 2]);
      for (const x of [Float64Array.of(1.3, 0.4, 0.6), Float64Array.of(0.2, 0.9, 0.3)]) {
        const g = new Float64Array(3);
        law.grad(x, g);
        for (let s = 0; s < 3; s++) {
          const h = 1e-6;
          const xp = Float64Array.from(x);
          const xm = Float64Array.from(x);
          xp[s]! += h;
          xm[s]! -= h;
          expect(Math.abs(g[s]! - (law.rate(xp) - law.rate(xm)) / (2 * h))).toBeLessThan(1e-7);
        }
      }
    }
  });
});
