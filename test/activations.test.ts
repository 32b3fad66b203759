// The stdlib activations other than the smooth ReLU (leaky ReLU, sigmoid, tanh) and networks
// that mix them: the forward + backward CRN, integrated to steady state with the update
// switched off (η = 0), must hold the network's output and the gradient of L = |y − ŷ|²
// computed here independently of crnnc (activation, derivative and backprop written below).
// Dual-railed node outputs (leaky ReLU, tanh) are read as X.p − X.m.
//
//   2-3-1 leaky_relu(α 0.8, β 0.05): y = Y_0_p − Y_0_m = σ(w·σ(W a + b) + b')  (rel ≤ 1e-6),
//   LW.p − LW.m = ∂L/∂w (rel ≤ 1e-5)

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mustCompile, compileText, mulberry32 as rng, backprop, smoothRelu, type TestActivation } from "./helpers.js";
import { makeIntegrator, toSteadyState } from "../src/sim/simulate.js";
import { compileModel } from "../src/sim/model.js";
import { NetworkLayout } from "../src/train/readout.js";
import { validateIR } from "../src/ir/validate.js";

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "crnnc-act-"));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Act extends TestActivation {
  /** The layer's declaration in .crnn. */
  decl: string;
}

const leaky = (alpha: number, beta: number): Act => ({
  decl: `leaky_relu(alpha: ${alpha}, beta: ${beta})`,
  f: (z) => (z >= 0 ? alpha * z : beta * z),
  df: (z) => (z >= 0 ? alpha : beta),
});
const sigmoid: Act = { decl: "sigmoid", f: (z) => 1 / (1 + Math.exp(-z)), df: (z) => Math.exp(-z) / (1 + Math.exp(-z)) ** 2 };
const tanh: Act = { decl: "tanh", f: Math.tanh, df: (z) => 1 / Math.cosh(z) ** 2 };
const smooth = (h: number): Act => ({ decl: `smooth_relu(h: ${h})`, ...smoothRelu(h) });

interface Net {
  sizes: number[];
  acts: Act[];
  w: number[][][];
  b: number[][];
}

function source(net: Net): string {
  const layers = net.sizes
    .slice(1)
    .map((n, l) => `dense ${n} ${net.acts[l]!.decl}`)
    .join("\n  ");
  const imports = ["leaky_relu", "sigmoid", "tanh", "smooth_relu"].map((m) => `import std/${m}`).join("\n");
  // One row with as many feature columns as inputs and target columns as outputs.
  const k = net.sizes[0]! + net.sizes.at(-1)!;
  const data = `d${k}.csv`;
  writeFileSync(join(tmp, data), `${Array.from({ length: k }, (_, i) => `c${i}`).join(",")}\n${Array(k).fill("0.5").join(",")}\n`);
  return `${imports}\nnetwork n {\n  input ${net.sizes[0]}\n  ${layers}\n}\ntrain n on "${data}" { eta 0  period 100 }\n`;
}

const CASES: { name: string; sizes: number[]; acts: Act[] }[] = [
  { name: "leaky ReLU 2-3-1", sizes: [2, 3, 1], acts: [leaky(1, 0.1), leaky(1, 0.1)] },
  { name: "leaky ReLU 3-4-2 (α 0.8, β 0.05)", sizes: [3, 4, 2], acts: [leaky(0.8, 0.05), leaky(0.8, 0.05)] },
  { name: "leaky ReLU 2-3-2-1", sizes: [2, 3, 2, 1], acts: [leaky(1, 0.1), leaky(1, 0.1), leaky(1, 0.1)] },
  { name: "sigmoid 2-3-1", sizes: [2, 3, 1], acts: [sigmoid, sigmoid] },
  { name: "sigmoid 3-2-3-2", sizes: [3, 2, 3, 2], acts: [sigmoid, sigmoid, sigmoid] },
  { name: "tanh 2-3-1", sizes: [2, 3, 1], acts: [tanh, tanh] },
  { name: "tanh 2-3-2-1", sizes: [2, 3, 2, 1], acts: [tanh, tanh, tanh] },
  { name: "mixed smooth ReLU → tanh → sigmoid 2-3-3-1", sizes: [2, 3, 3, 1], acts: [smooth(0.5), tanh, sigmoid] },
  { name: "mixed leaky ReLU → smooth ReLU 3-3-2", sizes: [3, 3, 2], acts: [leaky(1, 0.2), smooth(1)] },
];

describe("forward + backward steady state of the other activations = the network and its gradient", () => {
  CASES.forEach((c, k) => {
    it(`${c.name}: outputs and nodes (rel ≤ 1e-6), slopes, LW and LZ = ∇L (rel ≤ 1e-5)`, () => {
      const r = rng(500 + k);
      const sizes = c.sizes;
      const net: Net = {
        sizes,
        acts: c.acts,
        w: sizes.slice(1).map((n, l) => Array.from({ length: n }, () => Array.from({ length: sizes[l]! }, () => r() * 2 - 1))),
        b: sizes.slice(1).map((n) => Array.from({ length: n }, () => r() * 2 - 1)),
      };
      const ir = mustCompile(source(net), { file: join(tmp, "net.crnn") });
      expect(validateIR(ir)).toEqual([]);
      const id = new Map(ir.species.map((s, i) => [s.id, i]));
      const L = sizes.length - 1;
      for (let trial = 0; trial < 2; trial++) {
        const a = Array.from({ length: sizes[0]! }, () => r());
        const yhat = Array.from({ length: sizes[L]! }, () => r());
        const x = Float64Array.from(ir.species, (s) => s.init);
        ir.species.forEach((s, i) => {
          if (s.role === "weight" || s.role === "bias") {
            const v = s.role === "weight" ? net.w[s.layer!]![s.index!]![s.from!]! : net.b[s.layer!]![s.index!]!;
            x[i] = (s.rail === "p" ? Math.max(v, 0) : Math.max(-v, 0)) + 0.3;
          } else if (s.role === "input") x[i] = a[s.index!]!;
          else if (s.role === "target") x[i] = yhat[s.index!]!;
        });
        const md = compileModel(ir, { splitUpdateCatalysis: true });
        const integ = makeIntegrator(md, { rtol: 1e-10, atol: 1e-14 });
        expect(toSteadyState(md, integ, x, 1e-12, 1e5)).toBeLessThan(Infinity);
        expect(
          x.every((v) => v >= 0),
          "concentrations stay non-negative",
        ).toBe(true);
        const want = backprop(net, a, yhat);
        // A node, a slope or a gradient: one species, or the difference of its rails.
        const val = (name: string) => (id.has(name) ? x[id.get(name)!]! : x[id.get(`${name}_p`)!]! - x[id.get(`${name}_m`)!]!);
        const close = (got: number, want: number, tol: number, what: string) =>
          expect(Math.abs(got - want), `${what}: got ${got}, want ${want}`).toBeLessThanOrEqual(tol * Math.max(Math.abs(want), 1e-3));
        for (let l = 1; l <= L; l++)
          want.xs[l]!.forEach((v, i) => {
            const node = l === L ? `Y_${i}` : `X${l}_${i}`;
            close(val(node), v, 1e-6, node);
            close(val(`D${node}`), net.acts[l - 1]!.df(want.zs[l - 1]![i]!), 1e-6, `D${node}`);
          });
        // The layout's readout agrees with the CRN's outputs.
        const y = NetworkLayout.of(ir).readOutputs(x);
        want.xs[L]!.forEach((v, i) => close(y[i]!, v, 1e-6, `readout ${i}`));
        for (let l = 0; l < L; l++) {
          want.gw[l]!.forEach((row, i) => row.forEach((g, j) => close(val(`LW${l}_${i}_${j}`), g, 1e-5, `LW${l}_${i}_${j}`)));
          want.gb[l]!.forEach((g, i) => close(val(`LZ${l}_${i}`), g, 1e-5, `LZ${l}_${i}`));
        }
      }
    });
  });
});

describe("the closed-form readout of each activation", () => {
  it("NetworkLayout.forward matches the activations written here", () => {
    const r = rng(9);
    for (const acts of [
      [leaky(1, 0.1), leaky(0.5, 0.01)],
      [sigmoid, tanh],
      [tanh, smooth(2)],
    ]) {
      const sizes = [3, 4, 2];
      const net: Net = {
        sizes,
        acts,
        w: sizes.slice(1).map((n, l) => Array.from({ length: n }, () => Array.from({ length: sizes[l]! }, () => r() * 4 - 2))),
        b: sizes.slice(1).map((n) => Array.from({ length: n }, () => r() * 4 - 2)),
      };
      const ir = mustCompile(source(net), { file: join(tmp, "net.crnn") });
      const layout = NetworkLayout.of(ir);
      expect(layout.noClosedForm).toEqual([]);
      const a = [r(), r(), r()];
      const got = layout.forward({ w: net.w.map((m) => Float64Array.from(m.flat())), b: net.b.map((v) => Float64Array.from(v)) }, a);
      const want = backprop(net, a, [0, 0]).xs[2]!;
      want.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(1e-12 * Math.max(1, Math.abs(v))));
    }
  });
});

describe("the activations' contract and flags", () => {
  it("leaky ReLU, sigmoid and tanh networks are flagged as not mass action (W0602)", () => {
    for (const act of ["leaky_relu", "sigmoid", "tanh"]) {
      const res = compileText(`import std/${act}\nnetwork n { input 1  dense 1 ${act} }\n`);
      expect(res.ok).toBe(true);
      expect(res.diagnostics.map((d) => d.code)).toContain("W0602");
    }
  });

  it("a bad leaky ReLU slope is E0202 at the argument", () => {
    const res = compileText(`import std/leaky_relu\nnetwork n { input 1  dense 1 leaky_relu(alpha: 0) }\n`);
    const d = res.diagnostics.find((x) => x.code === "E0202");
    expect(d?.message).toBe("the slope alpha (z ≥ 0) must be positive");
    expect(d?.span?.col).toBe(41);
  });

  it("an accumulator activation whose edge writes into X instead of Z is E0111", () => {
    const src = `activation a {
  module node(X, dual Z) { Z.p -> 0 }
  module edge(X, I, dual W) { I -> I + X }
  module bias(dual Z, dual B) { B.p -> B.p + Z.p }
}
network n { input 1  dense 1 a }
`;
    const res = compileText(src);
    const d = res.diagnostics.find((x) => x.code === "E0111");
    expect(d?.message).toBe("`edge` of activation `a` must take (dual Z, I, dual W)");
    expect(d?.span?.line).toBe(3);
  });

  it("a network without `input` of these activations still reports normally (no crash on dual wiring)", () => {
    const res = compileText(`import std/tanh\nnetwork n { dense 2 tanh }\n`);
    expect(res.diagnostics.map((d) => d.code)).toContain("E0210");
  });
});
