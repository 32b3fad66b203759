// The paper's worked example (Kang & Kim 2024, §3.4, Figure 4, Tables 1–3): the 1-2-1 network
// (one input X⁰, two hidden nodes X¹₁, X¹₂, one output Y) must compile to a CRN whose backward
// and update sub-networks are exactly the reactions of Tables 1–3, with every ± expanded into
// both rails and every place where the tables abbreviate written out in full dual-rail form.
//
// Names: the paper is 1-based, crnnc 0-based, and the paper's w^ℓ_{ij} goes from node j of layer
// ℓ to node i of layer ℓ+1 (so Table 2's LW⁰₂₁ is LW0_1_0). Rails: paper `+`/`−` → `_p`/`_m`.
//   X⁰ → X0_0 · X¹ᵢ → X1_{i-1} · Y → Y_0 · Ŷ → Yhat_0 · H → H
//   W^ℓ_{ij}^± → W{ℓ}_{i-1}_{j-1}_{p|m} · B^ℓ_i^± → B{ℓ}_{i-1}_{p|m}
//   DY → DY_0, A² (the output's auxiliary) → AY_0 · DX¹ᵢ → DX1_{i-1}, A¹ᵢ → A1_{i-1}
//   LY → LY_0_{p|m} · LZ^ℓ_i → LZ{ℓ}_{i-1}_{p|m} · LX¹ᵢ → LX1_{i-1}_{p|m} · LW^ℓ_{ij} → LW{ℓ}_{i-1}_{j-1}_{p|m}
//
// Rate constants: "Unless specified, the rate parameters are assumed to be 1" (§3.4). The
// division constants κ1, κ2 of eq. 10 are crnnc's `k_div` and the update rate is η; the source
// below sets both to values that differ from their stdlib defaults (10 and 0.001), so the test
// also sees that the overrides reach the reactions: k_div = 20, η = 0.005.
//
// The test compares formatted reaction strings (src/backends/reactions.ts) as multisets, per
// sub-network tag: the backward + update sub-networks must hold every listed reaction once and
// nothing else. The forward CRN (Anderson et al., not in the tables) is only counted.

import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { mustCompile, ROOT } from "./helpers.js";
import { formatReaction } from "../src/backends/reactions.js";
import { validateIR } from "../src/ir/validate.js";
import type { CRN, Reaction, Tag } from "../src/ir/types.js";
import { paramsInExpr } from "../src/ir/queries.js";

const SOURCE = `import std/smooth_relu
network fig4 { input 1  dense 2 smooth_relu(h: 1)  dense 1 smooth_relu(h: 1)  rate k_div = 20 }
train fig4 on sine { eta 0.005  annihilate 0 }
`;

// Templates the reactions come from (Origin.template).
const SLOPE = "std/smooth_relu.smooth_relu.slope";
const LOSS_GRAD = "std/backprop.loss_grad";
const ADD_MUL = "std/arith.add_mul";
const DECAY = "std/arith.decay";
const UPDATE = "std/backprop.update";

interface Group {
  /** Where in the paper, and what it computes. */
  paper: string;
  tag: Tag;
  /** Templates the group's reactions may come from. */
  templates: string[];
  reactions: string[];
}

// ───────────────────────────── Table 1: ∇_{w¹}L and ∇_{b¹}L ─────────────────────────────
const TABLE_1: Group[] = [
  {
    // Table 1, rows 1–2 (eq. 10 for the output node, κ1 = κ2 = k_div, κ3 = κ4 = κ5 = 1):
    //   2Y → 2Y + DY,  DY + A² → A²
    //   A² → ∅,  2Y → 2Y + A²,  H → H + A²          (dy → y²/(y² + h) = ∂y/∂z¹₁)
    // A² → AY_0, DY → DY_0.
    paper: "Table 1 rows 1–2: slope DY of the output (eq. 10)",
    tag: "backward",
    templates: [SLOPE],
    reactions: [
      "2 Y_0 -> 2 Y_0 + DY_0 @ 20", // κ1 = k_div
      "DY_0 + AY_0 -> AY_0 @ 20", // κ2 = k_div
      "AY_0 -> 0 @ 1", // κ3
      "2 Y_0 -> 2 Y_0 + AY_0 @ 1", // κ4
      "H -> H + AY_0 @ 1", // κ5
    ],
  },
  {
    // Table 1, row 3:  Y →(2) LY + Y,  Ŷ →(2) LY + Ŷ,  LY → ∅      (goal: ly → 2(y − ŷ))
    // CORRECTION: with a single species LY these three reactions give ly → 2(y + ŷ), not
    // 2(y − ŷ); a difference needs two rails. Y produces LY.p and Ŷ produces LY.m (rate 2
    // each), both rails decay at rate 1, so ly.p − ly.m → 2(y − ŷ) = ∂L/∂y.
    paper: "Table 1 row 3: LY = ∂L/∂y = 2(y − ŷ), corrected to dual rails",
    tag: "backward",
    templates: [LOSS_GRAD, DECAY],
    reactions: ["Y_0 -> Y_0 + LY_0_p @ 2", "Yhat_0 -> Yhat_0 + LY_0_m @ 2", "LY_0_p -> 0 @ 1", "LY_0_m -> 0 @ 1"],
  },
  {
    // Table 1, row 4:  LZ¹₁ → ∅,  LY + DY → LY + DY + LZ⁰₁ (sic: the product is LZ¹₁)
    //   (goal: lz¹₁ → 2(y − ŷ)·∂y/∂z¹₁ = ∂L/∂z¹₁)
    // CORRECTION: LY is signed (dual) and DY non-negative, so LZ¹₁ = LY·DY is a signed ×
    // unsigned product: each LY rail makes the same LZ rail, and both LZ rails decay.
    paper: "Table 1 row 4: LZ¹₁ = LY · DY (signed × unsigned), both rails",
    tag: "backward",
    templates: [ADD_MUL, DECAY],
    reactions: ["LZ1_0_p -> 0 @ 1", "LZ1_0_m -> 0 @ 1", "LY_0_p + DY_0 -> LY_0_p + DY_0 + LZ1_0_p @ 1", "LY_0_m + DY_0 -> LY_0_m + DY_0 + LZ1_0_m @ 1"],
  },
  {
    // Table 1, row 5:  LW¹₁₁ → ∅,  LZ¹₁ + X¹₁ → LZ¹₁ + X¹₁ + LW¹₁₁      (lw¹₁₁ → ∂L/∂w¹₁₁)
    // CORRECTION: LZ¹₁ is dual, X¹₁ non-negative: signed × unsigned, both rails.
    paper: "Table 1 row 5: LW¹₁₁ = LZ¹₁ · X¹₁ (signed × unsigned), both rails",
    tag: "backward",
    templates: [ADD_MUL, DECAY],
    reactions: [
      "LW1_0_0_p -> 0 @ 1",
      "LW1_0_0_m -> 0 @ 1",
      "LZ1_0_p + X1_0 -> LZ1_0_p + X1_0 + LW1_0_0_p @ 1",
      "LZ1_0_m + X1_0 -> LZ1_0_m + X1_0 + LW1_0_0_m @ 1",
    ],
  },
  {
    // Table 1, row 6 (garbled in the paper's text; its goal is lw¹₁₂ → ∂L/∂w¹₁₂):
    //   LW¹₁₂ → ∅,  LZ¹₁ + X¹₂ → LZ¹₁ + X¹₂ + LW¹₁₂
    // CORRECTION: as row 5, both rails.
    paper: "Table 1 row 6: LW¹₁₂ = LZ¹₁ · X¹₂ (signed × unsigned), both rails",
    tag: "backward",
    templates: [ADD_MUL, DECAY],
    reactions: [
      "LW1_0_1_p -> 0 @ 1",
      "LW1_0_1_m -> 0 @ 1",
      "LZ1_0_p + X1_1 -> LZ1_0_p + X1_1 + LW1_0_1_p @ 1",
      "LZ1_0_m + X1_1 -> LZ1_0_m + X1_1 + LW1_0_1_m @ 1",
    ],
  },
  // ∂L/∂b¹₁ is LZ¹₁ itself ("we do not need to compute ∂L/∂b¹₁ separately", §3.4): no reactions.
];

// ───────────────────────────── Table 2: ∇_{w⁰}L and ∇_{b⁰}L ─────────────────────────────
const TABLE_2: Group[] = [
  // ── hidden node 1 (crnnc X1_0) ──
  {
    // Table 2, row 1 (eq. 10 for X¹₁):
    //   2X¹₁ → 2X¹₁ + DX¹₁,  DX¹₁ + A¹₁ → A¹₁,  A¹₁ → ∅,  2X¹₁ → 2X¹₁ + A¹₁,  H → H + A¹₁
    paper: "Table 2 row 1: slope DX¹₁ (eq. 10)",
    tag: "backward",
    templates: [SLOPE],
    reactions: [
      "2 X1_0 -> 2 X1_0 + DX1_0 @ 20", // κ1 = k_div
      "DX1_0 + A1_0 -> A1_0 @ 20", // κ2 = k_div
      "A1_0 -> 0 @ 1",
      "2 X1_0 -> 2 X1_0 + A1_0 @ 1",
      "H -> H + A1_0 @ 1",
    ],
  },
  {
    // Table 2, row 2 (and §3.1's example with κ6..κ9):
    //   LX¹₁^± → ∅,  LZ¹₁ + W¹₁₁^± → LZ¹₁ + W¹₁₁^± + LX¹₁^±        (lx¹₁ → ∂L/∂x¹₁ = ∂L/∂z¹₁·w¹₁₁)
    // CORRECTION: the paper treats LZ¹₁ as single-rail, but it is signed (see Table 1 row 4),
    // and so is W¹₁₁: a signed × signed product needs FOUR production reactions,
    // p·p and m·m into LX.p, p·m and m·p into LX.m; the paper writes only the two with LZ.
    paper: "Table 2 row 2: LX¹₁ = LZ¹₁ · W¹₁₁ (signed × signed), four productions",
    tag: "backward",
    templates: [ADD_MUL, DECAY],
    reactions: [
      "LX1_0_p -> 0 @ 1",
      "LX1_0_m -> 0 @ 1",
      "LZ1_0_p + W1_0_0_p -> LZ1_0_p + W1_0_0_p + LX1_0_p @ 1",
      "LZ1_0_m + W1_0_0_m -> LZ1_0_m + W1_0_0_m + LX1_0_p @ 1",
      "LZ1_0_p + W1_0_0_m -> LZ1_0_p + W1_0_0_m + LX1_0_m @ 1",
      "LZ1_0_m + W1_0_0_p -> LZ1_0_m + W1_0_0_p + LX1_0_m @ 1",
    ],
  },
  {
    // Table 2, row 3:  LZ⁰₁^± → ∅,  LX¹₁^± + DX¹₁ → LX¹₁^± + DX¹₁ + LZ⁰₁^±   (→ ∂L/∂z⁰₁)
    // Already dual in the paper (signed × unsigned); ± expanded.
    paper: "Table 2 row 3: LZ⁰₁ = LX¹₁ · DX¹₁ (signed × unsigned)",
    tag: "backward",
    templates: [ADD_MUL, DECAY],
    reactions: ["LZ0_0_p -> 0 @ 1", "LZ0_0_m -> 0 @ 1", "LX1_0_p + DX1_0 -> LX1_0_p + DX1_0 + LZ0_0_p @ 1", "LX1_0_m + DX1_0 -> LX1_0_m + DX1_0 + LZ0_0_m @ 1"],
  },
  {
    // Table 2, row 4:  LW⁰₁₁^± → ∅,  LZ⁰₁^± + X⁰ → LZ⁰₁^± + X⁰ + LW⁰₁₁^±     (→ ∂L/∂w⁰₁₁)
    paper: "Table 2 row 4: LW⁰₁₁ = LZ⁰₁ · X⁰ (signed × unsigned)",
    tag: "backward",
    templates: [ADD_MUL, DECAY],
    reactions: [
      "LW0_0_0_p -> 0 @ 1",
      "LW0_0_0_m -> 0 @ 1",
      "LZ0_0_p + X0_0 -> LZ0_0_p + X0_0 + LW0_0_0_p @ 1",
      "LZ0_0_m + X0_0 -> LZ0_0_m + X0_0 + LW0_0_0_m @ 1",
    ],
  },
  // ── hidden node 2 (crnnc X1_1) ──
  {
    // Table 2, row 5:
    //   2X¹₂ → 2X¹₂ + DX¹₂,  DX¹₂ + A¹₂ → A¹₂,  A¹₂ → ∅,  2X¹₂ → 2X¹₂ + A¹₂,  H → H + A¹₂
    paper: "Table 2 row 5: slope DX¹₂ (eq. 10)",
    tag: "backward",
    templates: [SLOPE],
    reactions: [
      "2 X1_1 -> 2 X1_1 + DX1_1 @ 20", // κ1 = k_div
      "DX1_1 + A1_1 -> A1_1 @ 20", // κ2 = k_div
      "A1_1 -> 0 @ 1",
      "2 X1_1 -> 2 X1_1 + A1_1 @ 1",
      "H -> H + A1_1 @ 1",
    ],
  },
  {
    // Table 2, row 6:  LX¹₂^± → ∅,  LZ¹₁ + W¹₁₂^± → LZ¹₁ + W¹₁₂^± + LX¹₂^±    (→ ∂L/∂x¹₂)
    // CORRECTION: signed × signed, four productions (as row 2).
    paper: "Table 2 row 6: LX¹₂ = LZ¹₁ · W¹₁₂ (signed × signed), four productions",
    tag: "backward",
    templates: [ADD_MUL, DECAY],
    reactions: [
      "LX1_1_p -> 0 @ 1",
      "LX1_1_m -> 0 @ 1",
      "LZ1_0_p + W1_0_1_p -> LZ1_0_p + W1_0_1_p + LX1_1_p @ 1",
      "LZ1_0_m + W1_0_1_m -> LZ1_0_m + W1_0_1_m + LX1_1_p @ 1",
      "LZ1_0_p + W1_0_1_m -> LZ1_0_p + W1_0_1_m + LX1_1_m @ 1",
      "LZ1_0_m + W1_0_1_p -> LZ1_0_m + W1_0_1_p + LX1_1_m @ 1",
    ],
  },
  {
    // Table 2, row 7:  LZ⁰₂^± → ∅,  LX¹₂^± + DX¹₂ → LX¹₂^± + DX¹₂ + LZ⁰₂^±    (→ ∂L/∂z⁰₂)
    paper: "Table 2 row 7: LZ⁰₂ = LX¹₂ · DX¹₂ (signed × unsigned)",
    tag: "backward",
    templates: [ADD_MUL, DECAY],
    reactions: ["LZ0_1_p -> 0 @ 1", "LZ0_1_m -> 0 @ 1", "LX1_1_p + DX1_1 -> LX1_1_p + DX1_1 + LZ0_1_p @ 1", "LX1_1_m + DX1_1 -> LX1_1_m + DX1_1 + LZ0_1_m @ 1"],
  },
  {
    // Table 2, row 8:  LW⁰₂₁^± → ∅,  LZ⁰₂^± + X⁰ → LZ⁰₂^± + X⁰ + LW⁰₂₁^±      (→ ∂L/∂w⁰₂₁)
    paper: "Table 2 row 8: LW⁰₂₁ = LZ⁰₂ · X⁰ (signed × unsigned)",
    tag: "backward",
    templates: [ADD_MUL, DECAY],
    reactions: [
      "LW0_1_0_p -> 0 @ 1",
      "LW0_1_0_m -> 0 @ 1",
      "LZ0_1_p + X0_0 -> LZ0_1_p + X0_0 + LW0_1_0_p @ 1",
      "LZ0_1_m + X0_0 -> LZ0_1_m + X0_0 + LW0_1_0_m @ 1",
    ],
  },
  // ∂L/∂b⁰ᵢ is LZ⁰ᵢ itself (§3.4): no reactions.
];

// ───────────────────────────── Table 3: the update CRN (eq. 11) ─────────────────────────────
const TABLE_3: Group[] = [
  {
    // Table 3:  LW^{ℓ,∓}_{ij} →(η) LW^{ℓ,∓}_{ij} + W^{ℓ,±}_{ij}  for w¹₁₁, w¹₁₂, w⁰₁₁, w⁰₂₁
    // (the ∓ rail of the gradient feeds the ± rail of the weight: w drifts by −η·∂L/∂w).
    paper: "Table 3: weight updates LW∓ → LW∓ + W± at rate η",
    tag: "update",
    templates: [UPDATE],
    reactions: [
      "LW1_0_0_m -> LW1_0_0_m + W1_0_0_p @ 0.005", // w¹₁₁
      "LW1_0_0_p -> LW1_0_0_p + W1_0_0_m @ 0.005",
      "LW1_0_1_m -> LW1_0_1_m + W1_0_1_p @ 0.005", // w¹₁₂
      "LW1_0_1_p -> LW1_0_1_p + W1_0_1_m @ 0.005",
      "LW0_0_0_m -> LW0_0_0_m + W0_0_0_p @ 0.005", // w⁰₁₁
      "LW0_0_0_p -> LW0_0_0_p + W0_0_0_m @ 0.005",
      "LW0_1_0_m -> LW0_1_0_m + W0_1_0_p @ 0.005", // w⁰₂₁
      "LW0_1_0_p -> LW0_1_0_p + W0_1_0_m @ 0.005",
    ],
  },
  {
    // Not in Table 3, which lists weights only; but §3.4 says ∂L/∂b^ℓ_i = ∂L/∂z^ℓ_i (so LZ is
    // the bias gradient) and §3.3 writes d/dt b^{ℓ,±}_i = −η·lz^{ℓ,∓}_i: the biases update the
    // same way, B± fed by LZ∓. Without these the biases B¹₁, B⁰₁, B⁰₂ would never train.
    paper: "Table 3 (completed): bias updates LZ∓ → LZ∓ + B± at rate η",
    tag: "update",
    templates: [UPDATE],
    reactions: [
      "LZ1_0_m -> LZ1_0_m + B1_0_p @ 0.005", // b¹₁
      "LZ1_0_p -> LZ1_0_p + B1_0_m @ 0.005",
      "LZ0_0_m -> LZ0_0_m + B0_0_p @ 0.005", // b⁰₁
      "LZ0_0_p -> LZ0_0_p + B0_0_m @ 0.005",
      "LZ0_1_m -> LZ0_1_m + B0_1_p @ 0.005", // b⁰₂
      "LZ0_1_p -> LZ0_1_p + B0_1_m @ 0.005",
    ],
  },
];

const GROUPS = [...TABLE_1, ...TABLE_2, ...TABLE_3];

// ───────────────────────────── checking ─────────────────────────────

const key = (tag: Tag, reaction: string) => `${tag}: ${reaction}`;

/** Differences between the listed reactions and the IR's backward + update reactions, as multisets. */
function compareWithTables(ir: CRN): { missing: string[]; extra: string[] } {
  const counts = new Map<string, number>();
  for (const g of GROUPS) for (const r of g.reactions) counts.set(key(g.tag, r), (counts.get(key(g.tag, r)) ?? 0) + 1);
  const extra: string[] = [];
  for (const r of ir.reactions) {
    if (r.tag === "forward") continue;
    const k = key(r.tag, formatReaction(r, ir));
    const n = counts.get(k) ?? 0;
    if (n > 0) counts.set(k, n - 1);
    else extra.push(k);
  }
  const missing = [...counts].flatMap(([k, n]) => Array<string>(n).fill(k));
  return { missing, extra };
}

/** Coefficients of each side of a reaction written `a -> b @ rate`, sorted (`0` is the empty side). */
function shape(text: string): string {
  const [sides] = text.split("@");
  return sides!
    .split("->")
    .map((side) =>
      side.trim() === "0"
        ? "∅"
        : side
            .split("+")
            .map((t) => /^\s*(\d+)\s/.exec(t)?.[1] ?? "1")
            .sort()
            .join(","),
    )
    .join(" -> ");
}

/** An IR holding exactly the listed reactions (parsed back from their text), for checking the checker. */
function idealIR(): CRN {
  const species: CRN["species"] = [];
  const index = new Map<string, number>();
  const term = (t: string) => {
    const m = /^(?:(\d+) )?(\w+)$/.exec(t.trim())!;
    if (!index.has(m[2]!)) index.set(m[2]!, species.push({ id: m[2]!, role: "species", init: 0 }) - 1);
    return { s: index.get(m[2]!)!, n: Number(m[1] ?? 1) };
  };
  const side = (text: string) => (text.trim() === "0" ? [] : text.split(" + ").map(term));
  const origin = { template: "paper", span: { file: "paper", start: 0, end: 0, line: 1, col: 1, endLine: 1, endCol: 1 } };
  const reactions = GROUPS.flatMap((g) =>
    g.reactions.map((text): Reaction => {
      const [lhs, rest] = text.split(" -> ") as [string, string];
      const [rhs, k] = rest.split(" @ ") as [string, string];
      return { reactants: side(lhs), products: side(rhs), rate: { kind: "mass", k: { k: "num", v: Number(k) } }, tag: g.tag, origin };
    }),
  );
  return { kind: "train", name: "paper", source: "paper", species, parameters: [], reactions };
}

const ir = mustCompile(SOURCE);
const byText = new Map<string, Reaction[]>();
for (const r of ir.reactions) {
  const k = key(r.tag, formatReaction(r, ir));
  byText.set(k, [...(byText.get(k) ?? []), r]);
}

describe("paper §3.4, Figure 4, Tables 1–3: the 1-2-1 network", () => {
  it("compiles to a valid IR of a trained 1-2-1 smooth-ReLU network", () => {
    expect(validateIR(ir)).toEqual([]);
    expect(ir.kind).toBe("train");
    expect(ir.layers!.map((l) => l.size)).toEqual([1, 2, 1]);
    expect(Object.fromEntries(ir.parameters.map((p) => [p.id, p.value]))).toMatchObject({ k_div: 20, eta: 0.005, k: 1 });
  });

  it("the list is itself well formed: no reaction is listed twice", () => {
    const all = GROUPS.flatMap((g) => g.reactions.map((r) => key(g.tag, r)));
    expect(new Set(all).size).toBe(all.length);
    // Table 1: 5 (slope) + 4 (LY) + 4 (LZ¹) + 2 × 4 (LW¹) = 21 reactions;
    // Table 2: per hidden node 5 (slope) + 6 (LX) + 4 (LZ⁰) + 4 (LW⁰) = 19, two nodes = 38;
    // Table 3: 4 weights × 2 rails + 3 biases × 2 rails = 14.
    const count = (gs: Group[]) => gs.reduce((n, g) => n + g.reactions.length, 0);
    expect([count(TABLE_1), count(TABLE_2), count(TABLE_3)]).toEqual([21, 38, 14]);
  });

  it("the backward and update sub-networks are exactly the reactions of Tables 1–3 (full dual rails), each with its tag", () => {
    const { missing, extra } = compareWithTables(ir);
    expect(missing, "listed in the tables but not compiled").toEqual([]);
    expect(extra, "compiled but not in the tables").toEqual([]);
    expect(ir.reactions.filter((r) => r.tag === "backward")).toHaveLength(21 + 38);
    expect(ir.reactions.filter((r) => r.tag === "update")).toHaveLength(14);
  });

  it("the forward CRN (not in the tables) has 2 + 2·fan-in + 2 reactions per non-input node", () => {
    const layers = ir.layers!;
    let expected = 0;
    for (let l = 1; l < layers.length; l++) expected += layers[l]!.size * (2 + 2 * layers[l - 1]!.size + 2);
    expect(expected).toBe(2 * 6 + 1 * 8);
    expect(ir.reactions.filter((r) => r.tag === "forward")).toHaveLength(expected);
    expect(ir.reactions.filter((r) => r.tag !== "forward" && r.tag !== "backward" && r.tag !== "update")).toEqual([]);
    expect(ir.reactions).toHaveLength(20 + 59 + 14);
  });

  describe("every listed reaction records where it comes from", () => {
    for (const g of GROUPS) {
      it(g.paper, () => {
        for (const text of g.reactions) {
          const found = byText.get(key(g.tag, text));
          expect(found, text).toBeDefined();
          for (const r of found!) {
            const { template, span, site } = r.origin;
            expect(g.templates, `${text}: template`).toContain(template);
            // The span lies in a shipped stdlib file and covers the template reaction itself.
            expect(span.file, text).toMatch(/^std\/\w+\.crnn$/);
            const stdText = readFileSync(resolve(ROOT, "stdlib", span.file.slice("std/".length)), "utf8");
            const written = stdText.slice(span.start, span.end);
            expect(written, `${text}: span text`).toMatch(/->.*@/);
            expect(shape(written), `${text} written as \`${written}\``).toBe(shape(text));
            expect(stdText.slice(0, span.start).split("\n").length, `${text}: span line`).toBe(span.line);
            // A named rate constant of the template appears in the written rate.
            if (r.rate.kind === "mass") for (const p of paramsInExpr(r.rate.k)) expect(written.split("@")[1], text).toContain(ir.parameters[p]!.name);
            // Instantiated from the user's file (the dense layer or the train block).
            expect(site?.file, `${text}: site`).toMatch(/input\.crnn$/);
          }
        }
      });
    }
  });

  it("eq. 10's κ1, κ2 use the named constant k_div, κ3–κ5 the default 1, Table 3 uses η", () => {
    const rateName = (text: string, tag: Tag = "backward") => {
      const r = byText.get(key(tag, text))![0]!;
      return r.rate.kind === "mass" && r.rate.k.k === "param"
        ? ir.parameters[r.rate.k.p]!.id
        : r.rate.kind === "mass" && r.rate.k.k === "bin"
          ? "(scaled)"
          : undefined;
    };
    for (const d of ["DY_0 + AY_0 -> AY_0 @ 20", "2 X1_0 -> 2 X1_0 + DX1_0 @ 20", "DX1_1 + A1_1 -> A1_1 @ 20"]) expect(rateName(d), d).toBe("k_div");
    expect(rateName("AY_0 -> 0 @ 1")).toBe("k");
    for (const u of TABLE_3.flatMap((g) => g.reactions)) expect(rateName(u, "update"), u).toBe("eta");
  });

  // The checker itself, run on an IR built from the list (so these pass or fail whatever the
  // compiler does): it must accept the list and notice each kind of departure from it.
  describe("the comparison can fail", () => {
    const ideal = idealIR();
    const iids = ideal.species.map((s) => s.id);
    const fmt = (x: Reaction) => formatReaction(x, ideal);
    const idx = (id: string) => iids.indexOf(id);
    const mutate = (f: (rs: Reaction[]) => Reaction[]): CRN => ({ ...ideal, reactions: f(ideal.reactions.map((r) => ({ ...r }))) });

    it("accepts the list itself", () => {
      expect(compareWithTables(ideal)).toEqual({ missing: [], extra: [] });
    });

    it("notices a dropped rail term (the paper's two-reaction LX)", () => {
      const dropped = "LZ1_0_m + W1_0_0_p -> LZ1_0_m + W1_0_0_p + LX1_0_m @ 1";
      const r = compareWithTables(mutate((rs) => rs.filter((x) => fmt(x) !== dropped)));
      expect(r).toEqual({ missing: [key("backward", dropped)], extra: [] });
    });

    it("notices a single-rail LY (the paper's Table 1 as printed)", () => {
      // Ŷ feeds the same LY as Y, and only that one LY decays.
      const [p, m] = [idx("LY_0_p"), idx("LY_0_m")];
      const single = mutate((rs) =>
        rs
          .map((x) => (fmt(x) === "Yhat_0 -> Yhat_0 + LY_0_m @ 2" ? { ...x, products: x.products.map((t) => (t.s === m ? { ...t, s: p } : t)) } : x))
          .filter((x) => fmt(x) !== "LY_0_m -> 0 @ 1"),
      );
      const r = compareWithTables(single);
      expect(r.missing).toEqual([key("backward", "Yhat_0 -> Yhat_0 + LY_0_m @ 2"), key("backward", "LY_0_m -> 0 @ 1")]);
      expect(r.extra).toEqual([key("backward", "Yhat_0 -> Yhat_0 + LY_0_p @ 2")]);
    });

    it("notices a wrong rate, a wrong tag, a duplicate and an extra reaction", () => {
      const slow = "2 X1_1 -> 2 X1_1 + DX1_1 @ 20";
      const moved = "LW0_1_0_p -> LW0_1_0_p + W0_1_0_m @ 0.005";
      const dup = "LX1_1_p -> 0 @ 1";
      const r = compareWithTables(
        mutate((rs) => [
          ...rs.map((x) =>
            fmt(x) === moved
              ? { ...x, tag: "backward" as const }
              : fmt(x) === slow
                ? { ...x, rate: { kind: "mass" as const, k: { k: "num" as const, v: 10 } } }
                : x,
          ),
          ...rs.filter((x) => fmt(x) === dup),
          {
            reactants: [
              { s: idx("W0_0_0_p"), n: 1 },
              { s: idx("W0_0_0_m"), n: 1 },
            ],
            products: [],
            rate: { kind: "mass", k: { k: "num", v: 1 } },
            tag: "update",
            origin: rs[0]!.origin,
          },
        ]),
      );
      expect(r.missing.sort()).toEqual([key("update", moved), key("backward", slow)].sort());
      expect(r.extra.sort()).toEqual(
        [key("backward", dup), key("backward", moved), key("backward", "2 X1_1 -> 2 X1_1 + DX1_1 @ 10"), key("update", "W0_0_0_p + W0_0_0_m -> 0 @ 1")].sort(),
      );
    });
  });
});
