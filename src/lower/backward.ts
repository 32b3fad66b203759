// Adds the backward CRN (paper §3.1, Tables 1–2): for L = |y − ŷ|², every species that
// backpropagation needs, computed by catalytic arithmetic sub-CRNs from the forward CRN's
// species, for any number of hidden layers:
//   DX = σ'(z) per node (the activation's `slope`), LY = 2(y − ŷ) (`loss_grad`),
//   LZ^ℓ_i = LX^{ℓ+1}_i · DX^{ℓ+1}_i (`mul_su`), LW^ℓ_ij = LZ^ℓ_i · x^ℓ_j (`mul_su`; for a
//   dual-railed node x, `mul_ss`; its LY comes from `loss_grad_dual`),
//   LX^ℓ_j = Σ_i LZ^ℓ_i · w^ℓ_ij (`add_mul_ss` per term, one `dual_decay`) — every signed
//   product with all its rail terms. ∂L/∂b^ℓ_i is LZ^ℓ_i itself, as in the paper.
//
//   1-2-1 network: DY, AY, LY±, LZ1±, LW1±, DX1_i, A1_i, LX1_i±, LZ0_i±, LW0_i_0±   (Tables 1–2)

import { IRBuilder } from "../ir/builder.js";
import type { CRN } from "../ir/types.js";
import { instantiate, type BoundTemplate, type DualArg } from "./instantiate.js";
import { dual, pair, nodeWiring, localAt, nodeArg, type NetworkContext } from "./network.js";

export type BackpropTemplate = "loss_grad" | "loss_grad_dual" | "mul_su" | "mul_ss" | "add_mul_ss" | "dual_decay" | "update" | "annihilate";
export type BackpropLib = Record<BackpropTemplate, BoundTemplate>;

export function addBackward(ir: CRN, ctx: NetworkContext, lib: BackpropLib): CRN {
  const b = new IRBuilder(ir);
  const { names, layers } = ctx;
  const L = layers.length - 1;
  const size = (l: number) => layers[l]!.size;
  const tag = "backward" as const;
  const libWire = (site: string, meta: { layer: number; index: number; from?: number }) => ({
    tag,
    local: localAt(b, names, site, meta),
    global: (name: string) => b.add({ id: name, role: "species" as const }),
  });
  const slope = (l: number, i: number) => {
    const meta = { role: "slope" as const, family: l === L ? "DY" : "DX", layer: l, index: i };
    const d = layers[l]!.dualSlope ? dual(b, (r) => `${names.slope(l, i)}_${r}`, meta) : b.add({ id: names.slope(l, i), ...meta });
    const t = layers[l]!.templates.slope;
    if (t) instantiate(t, { ...nodeWiring(b, layers[l]!, names, l, i, tag), args: [nodeArg(b, layers, names, l, i), d] }, b);
    return d;
  };
  /** z → a · b: signed × unsigned, or signed × signed when b is dual-railed (a dual slope or node). */
  const product = (wire: ReturnType<typeof libWire>, z: DualArg, a: DualArg, bArg: number | DualArg) =>
    instantiate(typeof bArg === "number" ? lib.mul_su : lib.mul_ss, { ...wire, args: [z, a, bArg] }, b);
  const grad = (family: string, id: (r: "p" | "m") => string, layer: number, index: number, from?: number) =>
    dual(b, id, { role: "gradient", family, layer, index, ...(from !== undefined ? { from } : {}) });

  // Output layer: slope, ∂L/∂y, ∂L/∂z^{L-1}.
  for (let i = 0; i < size(L); i++) {
    const yhat = b.add({ id: names.target(i), role: "target", family: "Yhat", layer: L, index: i });
    const d = slope(L, i);
    const ly = grad("LY", (r) => names.lx(L, i, r), L, i);
    const y = nodeArg(b, layers, names, L, i);
    instantiate(typeof y === "number" ? lib.loss_grad : lib.loss_grad_dual, { ...libWire(names.site(L, i), { layer: L, index: i }), args: [ly, y, yhat] }, b);
    const lz = grad("LZ", (r) => names.lz(L - 1, i, r), L - 1, i);
    product(libWire(names.site(L, i), { layer: L - 1, index: i }), lz, ly, d);
  }
  // Down the layers: weight gradients of w^l, then (for hidden layers) ∂L/∂x^l and ∂L/∂z^{l-1}.
  for (let l = L - 1; l >= 0; l--) {
    for (let i = 0; i < size(l + 1); i++) {
      const lz = pair(b, (r) => names.lz(l, i, r));
      for (let j = 0; j < size(l); j++) {
        const lw = grad("LW", (r) => names.lw(l, i, j, r), l, i, j);
        product(libWire(`${l}_${i}_${j}`, { layer: l, index: i, from: j }), lw, lz, nodeArg(b, layers, names, l, j));
      }
    }
    if (l === 0) break;
    for (let j = 0; j < size(l); j++) {
      const wire = libWire(names.site(l, j), { layer: l, index: j });
      const lx = grad("LX", (r) => names.lx(l, j, r), l, j);
      instantiate(lib.dual_decay, { ...wire, args: [lx] }, b);
      for (let i = 0; i < size(l + 1); i++)
        instantiate(lib.add_mul_ss, { ...wire, args: [lx, pair(b, (r) => names.lz(l, i, r)), pair(b, (r) => names.weight(l, i, j, r))] }, b);
      const d = slope(l, j);
      const lz = grad("LZ", (r) => names.lz(l - 1, j, r), l - 1, j);
      product(wire, lz, lx, d);
    }
  }
  return { ...ir, kind: "train", species: b.species, reactions: b.reactions };
}
