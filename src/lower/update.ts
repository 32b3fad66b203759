// Adds the update CRN (paper eq. 11, Table 3): LW∓ → LW∓ + W± at rate η for every weight,
// and the same for every bias from LZ (∂L/∂b = ∂L/∂z). Slow against the forward and backward
// CRNs, so over a period T each parameter takes a gradient step of size ηT (eq. 14).
//
//   LW0_1_0_m -> LW0_1_0_m + W0_1_0_p @ eta    LW0_1_0_p -> LW0_1_0_p + W0_1_0_m @ eta

import { IRBuilder } from "../ir/builder.js";
import type { CRN } from "../ir/types.js";
import { instantiate, type DualArg, type Wiring } from "./instantiate.js";
import { pair, localAt, type NetworkContext } from "./network.js";
import type { BackpropLib } from "./backward.js";

export function addUpdate(ir: CRN, ctx: NetworkContext, lib: Pick<BackpropLib, "update">): CRN {
  const b = new IRBuilder(ir);
  forEachParameter(ctx, (l, i, j) => {
    const p = parameterSite(b, ctx, l, i, j);
    instantiate(lib.update, { ...p.wiring, args: [p.param, p.gradient] }, b);
  });
  return { ...ir, species: b.species, reactions: b.reactions };
}

/** Every weight (l, i, j) and bias (l, i, undefined), layer by layer, weights before biases. */
export function forEachParameter(ctx: Pick<NetworkContext, "layers">, f: (l: number, i: number, j?: number) => void): void {
  const L = ctx.layers.length - 1;
  for (let l = 0; l < L; l++) {
    const n = ctx.layers[l + 1]!.size;
    const m = ctx.layers[l]!.size;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) f(l, i, j);
    for (let i = 0; i < n; i++) f(l, i);
  }
}

/** A weight's or bias's rails, its gradient's rails (LW or LZ) and the wiring for templates at its site. */
export function parameterSite(
  b: IRBuilder,
  ctx: Pick<NetworkContext, "names">,
  l: number,
  i: number,
  j?: number,
): { param: DualArg; gradient: DualArg; wiring: Omit<Wiring, "args"> } {
  const { names } = ctx;
  const weight = j !== undefined;
  return {
    param: weight ? pair(b, (r) => names.weight(l, i, j, r)) : pair(b, (r) => names.bias(l, i, r)),
    gradient: weight ? pair(b, (r) => names.lw(l, i, j, r)) : pair(b, (r) => names.lz(l, i, r)),
    wiring: {
      tag: "update",
      local: localAt(b, names, weight ? `${l}_${i}_${j}` : `${l}_${i}`, { layer: l, index: i, ...(weight ? { from: j } : {}) }),
      global: (name: string) => b.add({ id: name, role: "species" }),
    },
  };
}
