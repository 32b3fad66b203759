// Optional rail annihilation (off by default; not in the paper): W.p + W.m -> 0 for every
// weight and bias. The update CRN only ever produces into both rails, so without it the rails
// grow without bound while their difference, the weight, is unchanged by this reaction.
//
//   W0_1_0_p + W0_1_0_m -> 0 @ k_ann

import { IRBuilder } from "../ir/builder.js";
import type { CRN } from "../ir/types.js";
import { instantiate } from "../lower/instantiate.js";
import { pair, localAt, type NetworkContext } from "../lower/network.js";
import type { BackpropLib } from "./backward.js";
import { forEachParameter } from "./update.js";

export function addAnnihilation(ir: CRN, ctx: NetworkContext, lib: Pick<BackpropLib, "annihilate">): CRN {
  const b = new IRBuilder(ir);
  const { names } = ctx;
  forEachParameter(ctx, (l, i, j) => {
    const w = j === undefined ? pair(b, (r) => names.bias(l, i, r)) : pair(b, (r) => names.weight(l, i, j, r));
    instantiate(lib.annihilate, {
      tag: "update",
      args: [w],
      local: localAt(b, names, j === undefined ? `${l}_${i}` : `${l}_${i}_${j}`, { layer: l, index: i }),
      global: (name: string) => b.add({ id: name, role: "species" }),
    }, b);
  });
  return { ...ir, species: b.species, reactions: b.reactions };
}
