// The construction's meaning, proved without a simulator (acceptance point 3).
//
// For random networks (one, two and three hidden layers) with random inputs, weights, biases and
// targets, the test builds the state the paper predicts for every species — nodes x = σ(z) with
// σ(z) = (z + √(z² + 4h))/2, slopes x²/(x² + h) and their auxiliaries x² + h (eq. 9–10), and the
// dual-rail gradient species of a backpropagation written here, independently of the compiler,
// for L = |y − ŷ|² (eq. 5–8) — and evaluates the emitted network's mass-action right-hand side
// there with the update reactions switched off: every derivative must vanish. So that state is
// a steady state of the forward + backward CRN, and the test separately checks that its rail
// differences are ∂L/∂w, ∂L/∂b (plain backprop and central finite differences of L).
// The same is done for every arithmetic template of stdlib/arith.crnn and std/backprop.
//
//   2-3-2-1, h = 0.7, k_div = 13  →  RHS at the predicted state: every |dx_s| ≤ 1e-9 · max(1, scale_s)

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mustCompile, speciesIndex, mulberry32 } from "./helpers.js";
import { massActionRhs } from "../src/ir/mass-action.js";
import type { CRN, Role, Tag } from "../src/ir/types.js";

// ─── helpers ────────────────────────────────────────────────────────────────────────────────

const TOL = 1e-9;

/** Species whose derivative is not zero within TOL relative to the largest single-reaction term. */
function nonZero(ir: CRN, x: Float64Array, tags?: readonly Tag[]): string[] {
  const { dx, scale } = massActionRhs(ir, x, tags);
  const bad: string[] = [];
  for (let s = 0; s < ir.species.length; s++) if (!(Math.abs(dx[s]!) <= TOL * Math.max(1, scale[s]!))) bad.push(ir.species[s]!.id);
  return bad;
}

/** The state vector from a map id → value; insists the map names exactly the IR's species. */
function stateOf(ir: CRN, values: Map<string, number>): Float64Array {
  expect([...values.keys()].sort()).toEqual(ir.species.map((s) => s.id).sort());
  const x = new Float64Array(ir.species.length);
  ir.species.forEach((s, i) => (x[i] = values.get(s.id)!));
  expect(
    x.every((v) => Number.isFinite(v) && v >= 0),
    "concentrations are finite and non-negative",
  ).toBe(true);
  return x;
}

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "crnnc-construction-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

// ─── an independent model of the network ───────────────────────────────────────────────────

interface Net {
  /** Layer sizes, input layer first. */
  sizes: number[];
  /** h of each layer's smooth ReLU (index ℓ ≥ 1). */
  h: number[];
  /** W[ℓ][i][j]: from node j of layer ℓ to node i of layer ℓ+1. */
  W: number[][][];
  B: number[][];
  input: number[];
  target: number[];
}

/** σ(z) = (z + √(z² + 4h))/2, evaluated without cancellation for z < 0. */
function sigma(z: number, h: number): number {
  const s = Math.sqrt(z * z + 4 * h);
  return z >= 0 ? (z + s) / 2 : (2 * h) / (s - z);
}

/** σ'(z) from z directly (not via eq. 9's x²/(x² + h)): (1 + z/√(z² + 4h))/2. */
function sigmaPrime(z: number, h: number): number {
  return (1 + z / Math.sqrt(z * z + 4 * h)) / 2;
}

function forward(n: Net): { xs: number[][]; zs: number[][] } {
  const xs: number[][] = [n.input.slice()];
  const zs: number[][] = [];
  for (let l = 0; l + 1 < n.sizes.length; l++) {
    const z = n.W[l]!.map((row, i) => row.reduce((acc, w, j) => acc + w * xs[l]![j]!, n.B[l]![i]!));
    zs.push(z);
    xs.push(z.map((zi) => sigma(zi, n.h[l + 1]!)));
  }
  return { xs, zs };
}

function loss(n: Net): number {
  const y = forward(n).xs.at(-1)!;
  return y.reduce((acc, yi, i) => acc + (yi - n.target[i]!) ** 2, 0);
}

/** Plain backpropagation (eq. 5–8) on numbers: ∂L/∂w^ℓ, ∂L/∂b^ℓ (= ∂L/∂z^ℓ), ∂L/∂x^ℓ. */
function backprop(n: Net): { gW: number[][][]; gZ: number[][]; gX: number[][] } {
  const { xs, zs } = forward(n);
  const L = n.sizes.length - 1;
  const gX: number[][] = [];
  const gZ: number[][] = [];
  const gW: number[][][] = [];
  gX[L] = xs[L]!.map((y, i) => 2 * (y - n.target[i]!));
  for (let l = L - 1; l >= 0; l--) {
    gZ[l] = zs[l]!.map((z, i) => gX[l + 1]![i]! * sigmaPrime(z, n.h[l + 1]!));
    gW[l] = gZ[l]!.map((g) => xs[l]!.map((x) => g * x));
    gX[l] = xs[l]!.map((_, j) => gZ[l]!.reduce((acc, g, i) => acc + g * n.W[l]![i]![j]!, 0));
  }
  return { gW, gZ, gX };
}

/** Central finite difference of L with respect to one parameter. */
function finiteDiff(n: Net, get: (m: Net) => number, set: (m: Net, v: number) => void): number {
  const eps = 1e-6;
  const clone = (): Net => JSON.parse(JSON.stringify(n)) as Net;
  const a = clone();
  const b = clone();
  set(a, get(n) + eps);
  set(b, get(n) - eps);
  return (loss(a) - loss(b)) / (2 * eps);
}

interface Case {
  name: string;
  sizes: number[];
  /** h per non-input layer. */
  hs: number[];
  kdiv: number;
  eta: number;
  seed: number;
}

const CASES: Case[] = [
  { name: "2-3-1 (one hidden layer), h = 0.7, k_div = 13", sizes: [2, 3, 1], hs: [0.7, 0.7], kdiv: 13, eta: 0.01, seed: 1 },
  { name: "3-4-2 (one hidden layer), h = 3, k_div = 10", sizes: [3, 4, 2], hs: [3, 3], kdiv: 10, eta: 0.002, seed: 2 },
  { name: "2-3-2-1 (two hidden layers), h = 0.25, k_div = 50", sizes: [2, 3, 2, 1], hs: [0.25, 0.25, 0.25], kdiv: 50, eta: 0.05, seed: 3 },
  { name: "3-4-3-2 (two hidden layers), h = 1.5, k_div = 2", sizes: [3, 4, 3, 2], hs: [1.5, 1.5, 1.5], kdiv: 2, eta: 0.001, seed: 4 },
  { name: "1-2-3-2-1 (three hidden layers), h per layer 0.5/1/2/0.3, k_div = 7", sizes: [1, 2, 3, 2, 1], hs: [0.5, 1, 2, 0.3], kdiv: 7, eta: 0.003, seed: 5 },
];

function sourceOf(c: Case, csv: string): string {
  const dense = c.sizes
    .slice(1)
    .map((s, l) => `  dense ${s} smooth_relu(h: ${c.hs[l]})`)
    .join("\n");
  return `import std/smooth_relu\nnetwork n {\n  input ${c.sizes[0]}\n${dense}\n  rate k_div = ${c.kdiv}\n}\ntrain n on "${csv}" { eta ${c.eta} }\n`;
}

function compileCase(c: Case): CRN {
  const n0 = c.sizes[0]!;
  const nL = c.sizes.at(-1)!;
  const csv = `data_${c.seed}.csv`;
  const header = [...Array.from({ length: n0 }, (_, j) => `x${j}`), ...Array.from({ length: nL }, (_, i) => `y${i}`)].join(",");
  writeFileSync(join(tmp, csv), `${header}\n${Array.from({ length: n0 + nL }, () => "0.5").join(",")}\n`);
  return mustCompile(sourceOf(c, csv), { file: join(tmp, `net_${c.seed}.crnn`) });
}

function randomNet(c: Case): { net: Net; rand: () => number } {
  const rand = mulberry32(c.seed * 7919 + 17);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const L = c.sizes.length - 1;
  const net: Net = {
    sizes: c.sizes,
    h: [NaN, ...c.hs],
    W: Array.from({ length: L }, (_, l) => Array.from({ length: c.sizes[l + 1]! }, () => Array.from({ length: c.sizes[l]! }, () => u(-1, 1)))),
    B: Array.from({ length: L }, (_, l) => Array.from({ length: c.sizes[l + 1]! }, () => u(-1, 1))),
    input: Array.from({ length: c.sizes[0]! }, () => u(0, 1)),
    target: Array.from({ length: c.sizes[L]! }, () => u(0, 1)),
  };
  return { net, rand };
}

interface Predicted {
  /** id → predicted steady-state concentration, for every species of the train CRN. */
  values: Map<string, number>;
  roles: Map<string, Role>;
  /** Gradient species (dual) id base → the value its rail difference must encode. */
  gradients: Map<string, number>;
}

/**
 * The state the paper predicts. Parameter rails carry w as p = w + c, m = c with a random c ≥ 0.
 * Gradient rails each decay at rate 1, so each rail's steady state is fixed on its own; the
 * values below are read from the arithmetic sub-CRNs' definitions (stdlib/arith.crnn,
 * std/backprop): LY± = 2y, 2ŷ; LZ± = LX±·D (mul_su); LW± = LZ±·x (mul_su);
 * LX+ = Σ LZ+W+ + LZ−W−, LX− = Σ LZ+W− + LZ−W+ (add_mul_ss).
 */
function predict(c: Case, net: Net, rand: () => number): Predicted {
  const L = c.sizes.length - 1;
  const values = new Map<string, number>();
  const roles = new Map<string, Role>();
  const gradients = new Map<string, number>();
  const put = (id: string, v: number, role: Role) => {
    expect(values.has(id), `species ${id} predicted twice`).toBe(false);
    values.set(id, v);
    roles.set(id, role);
  };
  const node = (l: number, i: number) => (l === 0 ? `X0_${i}` : l === L ? `Y_${i}` : `X${l}_${i}`);
  const site = (l: number, i: number) => (l === L ? `Y_${i}` : `${l}_${i}`);
  const { xs } = forward(net);
  const { gW, gZ, gX } = backprop(net);

  // Inputs, targets, catalysts.
  net.input.forEach((v, j) => put(`X0_${j}`, v, "input"));
  net.target.forEach((v, i) => put(`Yhat_${i}`, v, "target"));
  const distinctH = new Set(c.hs).size;
  if (distinctH === 1) put("H", c.hs[0]!, "catalyst");
  else for (let l = 1; l <= L; l++) put(`H${l}`, net.h[l]!, "catalyst");

  // Parameters on rails: only the difference is the parameter.
  const wp: number[][][] = [];
  const wm: number[][][] = [];
  for (let l = 0; l < L; l++) {
    wp[l] = [];
    wm[l] = [];
    for (let i = 0; i < c.sizes[l + 1]!; i++) {
      wp[l]![i] = [];
      wm[l]![i] = [];
      for (let j = 0; j < c.sizes[l]!; j++) {
        const off = 2 * rand();
        const w = net.W[l]![i]![j]!;
        wp[l]![i]![j] = w + off + Math.max(0, -w);
        wm[l]![i]![j] = off + Math.max(0, -w);
        put(`W${l}_${i}_${j}_p`, wp[l]![i]![j]!, "weight");
        put(`W${l}_${i}_${j}_m`, wm[l]![i]![j]!, "weight");
      }
      const off = 2 * rand();
      const b = net.B[l]![i]!;
      put(`B${l}_${i}_p`, b + off + Math.max(0, -b), "bias");
      put(`B${l}_${i}_m`, off + Math.max(0, -b), "bias");
    }
  }

  // Nodes x = σ(z), slopes x²/(x² + h), auxiliaries x² + h (eq. 9–10).
  for (let l = 1; l <= L; l++)
    for (let i = 0; i < c.sizes[l]!; i++) {
      const x = xs[l]![i]!;
      const h = net.h[l]!;
      put(node(l, i), x, "node");
      put(`D${node(l, i)}`, (x * x) / (x * x + h), "slope");
      put(`A${site(l, i)}`, x * x + h, "aux");
    }

  // Gradient rails, down the layers.
  const lxp: number[][] = [];
  const lxm: number[][] = [];
  lxp[L] = xs[L]!.map((y) => 2 * y);
  lxm[L] = net.target.map((t) => 2 * t);
  for (let i = 0; i < c.sizes[L]!; i++) {
    put(`LY_${i}_p`, lxp[L]![i]!, "gradient");
    put(`LY_${i}_m`, lxm[L]![i]!, "gradient");
    gradients.set(`LY_${i}`, gX[L]![i]!);
  }
  for (let l = L - 1; l >= 0; l--) {
    const lzp: number[] = [];
    const lzm: number[] = [];
    for (let i = 0; i < c.sizes[l + 1]!; i++) {
      const x = xs[l + 1]![i]!;
      const d = (x * x) / (x * x + net.h[l + 1]!);
      lzp[i] = lxp[l + 1]![i]! * d;
      lzm[i] = lxm[l + 1]![i]! * d;
      put(`LZ${l}_${i}_p`, lzp[i]!, "gradient");
      put(`LZ${l}_${i}_m`, lzm[i]!, "gradient");
      gradients.set(`LZ${l}_${i}`, gZ[l]![i]!);
      for (let j = 0; j < c.sizes[l]!; j++) {
        put(`LW${l}_${i}_${j}_p`, lzp[i]! * xs[l]![j]!, "gradient");
        put(`LW${l}_${i}_${j}_m`, lzm[i]! * xs[l]![j]!, "gradient");
        gradients.set(`LW${l}_${i}_${j}`, gW[l]![i]![j]!);
      }
    }
    if (l === 0) break;
    lxp[l] = [];
    lxm[l] = [];
    for (let j = 0; j < c.sizes[l]!; j++) {
      let p = 0;
      let m = 0;
      for (let i = 0; i < c.sizes[l + 1]!; i++) {
        p += lzp[i]! * wp[l]![i]![j]! + lzm[i]! * wm[l]![i]![j]!;
        m += lzp[i]! * wm[l]![i]![j]! + lzm[i]! * wp[l]![i]![j]!;
      }
      lxp[l]![j] = p;
      lxm[l]![j] = m;
      put(`LX${l}_${j}_p`, p, "gradient");
      put(`LX${l}_${j}_m`, m, "gradient");
      gradients.set(`LX${l}_${j}`, gX[l]![j]!);
    }
  }
  return { values, roles, gradients };
}

// ─── networks ───────────────────────────────────────────────────────────────────────────────

describe("the train CRN's forward + backward steady state is the paper's backpropagation", () => {
  for (const c of CASES) {
    describe(c.name, () => {
      let ir: CRN;
      let net: Net;
      let pred: Predicted;
      let x: Float64Array;
      beforeAll(() => {
        ir = compileCase(c);
        const r = randomNet(c);
        net = r.net;
        pred = predict(c, net, r.rand);
        x = stateOf(ir, pred.values);
      });

      it("emits exactly the species the construction needs, with their roles, k_div and h", () => {
        expect(ir.kind).toBe("train");
        expect(Object.fromEntries(ir.species.map((s) => [s.id, s.role]))).toEqual(Object.fromEntries(pred.roles));
        for (const s of ir.species) if (s.role === "catalyst") expect(s.init).toBe(pred.values.get(s.id));
        const kdiv = ir.parameters.findIndex((p) => p.id === "k_div");
        expect(ir.parameters[kdiv]!.value).toBe(c.kdiv);
        expect(ir.reactions.some((r) => r.tag === "backward" && r.rate.kind === "mass" && r.rate.k.k === "param" && r.rate.k.p === kdiv)).toBe(true);
        expect(new Set(ir.reactions.map((r) => r.tag))).toEqual(new Set(["forward", "backward", "update"]));
      });

      it("the predicted rail differences are ∂L/∂y, ∂L/∂z (= ∂L/∂b), ∂L/∂x, ∂L/∂w of a plain backprop", () => {
        expect(pred.gradients.size).toBeGreaterThan(0);
        for (const [base, g] of pred.gradients) {
          const p = x[speciesIndex(ir).get(`${base}_p`)!]!;
          const m = x[speciesIndex(ir).get(`${base}_m`)!]!;
          expect(p).toBeGreaterThanOrEqual(0);
          expect(m).toBeGreaterThanOrEqual(0);
          expect(Math.abs(p - m - g), `${base}: ${p} − ${m} vs ${g}`).toBeLessThanOrEqual(1e-10 * (p + m + 1));
        }
      });

      it("... and ∂L/∂w, ∂L/∂b agree with central finite differences of L = |y − ŷ|²", () => {
        const idx = speciesIndex(ir);
        const rail = (base: string) => x[idx.get(`${base}_p`)!]! - x[idx.get(`${base}_m`)!]!;
        const L = c.sizes.length - 1;
        let checked = 0;
        for (let l = 0; l < L; l++) {
          // One weight and one bias per layer, chosen by position.
          const i = l % c.sizes[l + 1]!;
          const j = (l + 1) % c.sizes[l]!;
          const fdW = finiteDiff(
            net,
            (m) => m.W[l]![i]![j]!,
            (m, v) => (m.W[l]![i]![j] = v),
          );
          const fdB = finiteDiff(
            net,
            (m) => m.B[l]![i]!,
            (m, v) => (m.B[l]![i] = v),
          );
          expect(Math.abs(rail(`LW${l}_${i}_${j}`) - fdW), `LW${l}_${i}_${j}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(fdW)));
          expect(Math.abs(rail(`LZ${l}_${i}`) - fdB), `LZ${l}_${i}`).toBeLessThanOrEqual(1e-7 * Math.max(1, Math.abs(fdB)));
          // A finite difference that is not trivially zero (so the comparison means something).
          expect(Math.abs(fdW) + Math.abs(fdB)).toBeGreaterThan(1e-6);
          checked += 2;
        }
        expect(checked).toBe(2 * L);
      });

      it("with the update reactions off, every derivative is zero at the predicted state", () => {
        expect(nonZero(ir, x, ["forward", "backward"])).toEqual([]);
      });

      it("the check fails when one species is off: a weight-gradient rail, a node, a slope, an auxiliary, an LZ rail", () => {
        const idx = speciesIndex(ir);
        const L = c.sizes.length - 1;
        for (const id of [`LW0_0_0_p`, L > 1 ? "X1_0" : "Y_0", L > 1 ? "DX1_0" : "DY_0", "AY_0", `LZ${L - 1}_0_m`]) {
          const y = x.slice();
          y[idx.get(id)!]! *= 1.001;
          y[idx.get(id)!]! += 1e-6;
          expect(nonZero(ir, y, ["forward", "backward"]), id).toContain(id);
        }
      });

      it("the check fails when gradient rails carry only the gradient (rails are fixed individually)", () => {
        // p = max(g, 0), m = max(−g, 0): right difference, wrong rails — not a steady state.
        const idx = speciesIndex(ir);
        const y = x.slice();
        for (const [base, g] of pred.gradients) {
          y[idx.get(`${base}_p`)!] = Math.max(g, 0);
          y[idx.get(`${base}_m`)!] = Math.max(-g, 0);
        }
        const bad = nonZero(ir, y, ["forward", "backward"]);
        expect(bad).toContain("LY_0_m"); // 2ŷ > 0, never max(−2(y − ŷ), 0)
        expect(bad.every((id) => ir.species[idx.get(id)!]!.role === "gradient")).toBe(true);
      });

      it("the check fails for the forward CRN if a weight's difference changes (but not its rail offset)", () => {
        const idx = speciesIndex(ir);
        const shifted = x.slice();
        shifted[idx.get("W0_0_0_p")!]! += 0.3;
        shifted[idx.get("W0_0_0_m")!]! += 0.3;
        // Same difference: the forward CRN stays at rest.
        expect(nonZero(ir, shifted, ["forward"])).toEqual([]);
        const changed = x.slice();
        changed[idx.get("W0_0_0_p")!]! += 0.3;
        expect(nonZero(ir, changed, ["forward"])).toContain(c.sizes.length > 2 ? "X1_0" : "Y_0");
      });

      it("the check catches a miswired construction (mutants of the emitted reactions)", () => {
        const idx = speciesIndex(ir);
        const id = (s: number) => ir.species[s]!.id;
        const has = (r: CRN["reactions"][number], side: "reactants" | "products", sp: string) => r[side].some((t) => id(t.s) === sp);
        const mutate = (pick: (r: CRN["reactions"][number]) => boolean, change: (r: CRN["reactions"][number]) => CRN["reactions"][number] | undefined): CRN => {
          const i = ir.reactions.findIndex(pick);
          expect(i).toBeGreaterThanOrEqual(0);
          const r = change(structuredClone(ir.reactions[i]!));
          return { ...ir, reactions: [...ir.reactions.slice(0, i), ...(r ? [r] : []), ...ir.reactions.slice(i + 1)] };
        };
        const L = c.sizes.length - 1;
        const hidden = L > 1;
        const mutants: [string, CRN, string][] = [
          // The paper's Table 1 abbreviation: Ŷ produces into the same LY as Y (computes 2(y + ŷ)).
          [
            "Yhat -> Yhat + LY_p",
            mutate(
              (r) => has(r, "products", "LY_0_m"),
              (r) => ({ ...r, products: r.products.map((t) => (id(t.s) === "LY_0_m" ? { ...t, s: idx.get("LY_0_p")! } : t)) }),
            ),
            "LY_0_p",
          ],
          // The slope's division with κ2 ≠ κ1.
          [
            "D + A -> A at 2 k_div",
            mutate(
              (r) => r.tag === "backward" && has(r, "reactants", "DY_0") && has(r, "reactants", "AY_0"),
              (r) => ({ ...r, rate: { kind: "mass", k: { k: "num", v: 2 * c.kdiv } } }),
            ),
            "DY_0",
          ],
          // A missing minus-rail edge reaction of the forward CRN.
          [
            "no X + W.m + I -> W.m + I",
            mutate(
              (r) => r.tag === "forward" && has(r, "reactants", "W0_0_0_m"),
              () => undefined,
            ),
            hidden ? "X1_0" : "Y_0",
          ],
          // A weight-gradient rail that is not produced from its own LZ rail.
          [
            "LW from the wrong rail",
            mutate(
              (r) => has(r, "products", "LW0_0_0_m"),
              (r) => {
                const swap = (t: { s: number; n: number }) => (id(t.s) === "LZ0_0_m" ? { ...t, s: idx.get("LZ0_0_p")! } : t);
                return { ...r, reactants: r.reactants.map(swap), products: r.products.map(swap) };
              },
            ),
            "LW0_0_0_m",
          ],
        ];
        if (hidden)
          // A signed × signed product missing one of its four rail terms (LZ.m · W.m into LX.p).
          mutants.push([
            "add_mul_ss without LZ.m·W.m",
            mutate(
              (r) => has(r, "reactants", "LZ1_0_m") && has(r, "reactants", "W1_0_0_m") && has(r, "products", "LX1_0_p"),
              () => undefined,
            ),
            "LX1_0_p",
          ]);
        for (const [what, m, victim] of mutants) {
          expect(m.reactions.length, what).toBeLessThanOrEqual(ir.reactions.length);
          expect(nonZero(m, x, ["forward", "backward"]), what).toContain(victim);
        }
      });

      it("switched on, the update reactions move every parameter by −η · (its gradient) (eq. 11)", () => {
        const idx = speciesIndex(ir);
        const { dx } = massActionRhs(ir, x, ["update"]);
        const param = (base: string) => dx[idx.get(`${base}_p`)!]! - dx[idx.get(`${base}_m`)!]!;
        let n = 0;
        for (const [base, g] of pred.gradients) {
          const m = /^LW(\d+_\d+_\d+)$/.exec(base) ?? /^LZ(\d+_\d+)$/.exec(base);
          if (!m) continue;
          const target = base.startsWith("LW") ? `W${m[1]}` : `B${m[1]}`;
          expect(Math.abs(param(target) + c.eta * g), target).toBeLessThanOrEqual(1e-12);
          n++;
        }
        const L = c.sizes.length - 1;
        let params = 0;
        for (let l = 0; l < L; l++) params += c.sizes[l + 1]! * (c.sizes[l]! + 1);
        expect(n).toBe(params);
      });
    });
  }
});

// ─── stdlib arithmetic templates ────────────────────────────────────────────────────────────

interface TemplateCase {
  name: string;
  imports: string;
  /** The body of the crn block, given random inputs. */
  body: (v: number[]) => string;
  /** How many random inputs. */
  inputs: number;
  /** Predicted steady state of the outputs, by species id. */
  predict: (v: number[]) => Record<string, number>;
  /** The value the outputs encode (dual: p − m), and what it must equal. */
  meaning?: (out: Record<string, number>, v: number[]) => [number, number];
}

const arith = "import std/arith\n";
const TEMPLATES: TemplateCase[] = [
  { name: "sum: z → a + b", imports: arith, inputs: 2, body: ([a, b]) => `init a = ${a}, b = ${b}  sum(z, a, b)`, predict: ([a, b]) => ({ z: a! + b! }) },
  {
    name: "diff: z.p − z.m → a − b",
    imports: arith,
    inputs: 2,
    body: ([a, b]) => `init a = ${a}, b = ${b}  diff(Z, a, b)`,
    predict: ([a, b]) => ({ Z_p: a!, Z_m: b! }),
    meaning: (o, [a, b]) => [o.Z_p! - o.Z_m!, a! - b!],
  },
  { name: "mul: z → a · b", imports: arith, inputs: 2, body: ([a, b]) => `init a = ${a}, b = ${b}  mul(z, a, b)`, predict: ([a, b]) => ({ z: a! * b! }) },
  {
    name: "mul_su: z → a · b (a signed)",
    imports: arith,
    inputs: 3,
    body: ([ap, am, b]) => `init A.p = ${ap}, A.m = ${am}, b = ${b}  mul_su(Z, A, b)`,
    predict: ([ap, am, b]) => ({ Z_p: ap! * b!, Z_m: am! * b! }),
    meaning: (o, [ap, am, b]) => [o.Z_p! - o.Z_m!, (ap! - am!) * b!],
  },
  {
    name: "mul_ss: z → a · b (both signed, four rail products)",
    imports: arith,
    inputs: 4,
    body: ([ap, am, bp, bm]) => `init A.p = ${ap}, A.m = ${am}, B.p = ${bp}, B.m = ${bm}  mul_ss(Z, A, B)`,
    predict: ([ap, am, bp, bm]) => ({ Z_p: ap! * bp! + am! * bm!, Z_m: ap! * bm! + am! * bp! }),
    meaning: (o, [ap, am, bp, bm]) => [o.Z_p! - o.Z_m!, (ap! - am!) * (bp! - bm!)],
  },
  {
    name: "add_mul_ss ×2 + dual_decay: z → a·b + c·d (the ∂L/∂x sum)",
    imports: arith,
    inputs: 8,
    body: ([ap, am, bp, bm, cp, cm, dp, dm]) =>
      `init A.p = ${ap}, A.m = ${am}, B.p = ${bp}, B.m = ${bm}, C.p = ${cp}, C.m = ${cm}, D.p = ${dp}, D.m = ${dm}  add_mul_ss(Z, A, B)  add_mul_ss(Z, C, D)  dual_decay(Z)`,
    predict: ([ap, am, bp, bm, cp, cm, dp, dm]) => ({ Z_p: ap! * bp! + am! * bm! + cp! * dp! + cm! * dm!, Z_m: ap! * bm! + am! * bp! + cp! * dm! + cm! * dp! }),
    meaning: (o, [ap, am, bp, bm, cp, cm, dp, dm]) => [o.Z_p! - o.Z_m!, (ap! - am!) * (bp! - bm!) + (cp! - cm!) * (dp! - dm!)],
  },
  { name: "div: q → a / b", imports: arith, inputs: 2, body: ([a, b]) => `init a = ${a}, b = ${b}  div(q, a, b)`, predict: ([a, b]) => ({ q: a! / b! }) },
  { name: "decay: z → 0", imports: arith, inputs: 1, body: ([z]) => `init z = ${z}  decay(z)`, predict: () => ({ z: 0 }) },
  {
    name: "dual_decay: z.p, z.m → 0",
    imports: arith,
    inputs: 2,
    body: ([p, m]) => `init Z.p = ${p}, Z.m = ${m}  dual_decay(Z)`,
    predict: () => ({ Z_p: 0, Z_m: 0 }),
  },
  {
    name: "std/backprop loss_grad: l.p − l.m → 2(y − ŷ)",
    imports: "import std/backprop\n",
    inputs: 2,
    body: ([y, t]) => `init y = ${y}, yhat = ${t}  loss_grad(L, y, yhat)`,
    predict: ([y, t]) => ({ L_p: 2 * y!, L_m: 2 * t! }),
    meaning: (o, [y, t]) => [o.L_p! - o.L_m!, 2 * (y! - t!)],
  },
];

describe("every stdlib arithmetic template rests at the value it computes", () => {
  const rand = mulberry32(20240601);
  for (const t of TEMPLATES) {
    it(t.name, () => {
      for (let trial = 0; trial < 4; trial++) {
        // Inputs in (0.1, 3], written with 6 decimals so the source states them exactly.
        const v = Array.from({ length: t.inputs }, () => Number((0.1 + 2.9 * rand()).toFixed(6)));
        const ir = mustCompile(`${t.imports}crn tmpl {\n  ${t.body(v)}\n}\n`, { file: join(tmp, "tmpl.crnn") });
        expect(ir.kind).toBe("crn");
        expect(ir.reactions.every((r) => r.tag === "crn")).toBe(true);
        const out = t.predict(v);
        const idx = speciesIndex(ir);
        // The state: inputs at their init values, outputs at the prediction.
        const x = new Float64Array(ir.species.length);
        ir.species.forEach((s, i) => (x[i] = s.init));
        for (const [id, val] of Object.entries(out)) {
          expect(idx.has(id), `${id} in ${ir.species.map((s) => s.id).join(", ")}`).toBe(true);
          x[idx.get(id)!] = val;
        }
        // Every other species is an input, at the value the source gave it.
        expect(ir.species.filter((s) => !(s.id in out)).map((s) => s.init)).toEqual(out.z === 0 || out.Z_p === 0 ? [] : v);
        if (t.meaning) {
          const [got, want] = t.meaning(out, v);
          expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
        }
        expect(nonZero(ir, x)).toEqual([]);
        // A wrong value of each output is not at rest.
        for (const id of Object.keys(out)) {
          const y = x.slice();
          y[idx.get(id)!]! += 0.01 * Math.max(1, Math.abs(out[id]!));
          expect(nonZero(ir, y), `${t.name}: ${id} off`).toContain(id);
        }
      }
    });
  }
});
