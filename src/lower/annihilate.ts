// Rail annihilation (on by default at rate 1; not in the paper, `annihilate 0` turns it off):
// W.p + W.m -> 0 for every weight and bias. The update CRN only ever produces into both rails,
// so without it the rails grow without bound while their difference, the weight, is unchanged
// by this reaction.
//
//   W0_1_0_p + W0_1_0_m -> 0 @ k_ann

import { IRBuilder } from "../ir/builder.js";
import type { CRN } from "../ir/types.js";
import { instantiate } from "./instantiate.js";
import type { NetworkContext } from "./network.js";
import type { BackpropLib } from "./backward.js";
import { forEachParameter, parameterSite } from "./update.js";

export function addAnnihilation(ir: CRN, ctx: NetworkContext, lib: Pick<BackpropLib, "annihilate">): CRN {
  const b = new IRBuilder(ir);
  forEachParameter(ctx, (l, i, j) => {
    const p = parameterSite(b, ctx, l, i, j);
    instantiate(lib.annihilate, { ...p.wiring, args: [p.param] }, b);
  });
  return { ...ir, species: b.species, reactions: b.reactions };
}
