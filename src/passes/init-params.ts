// Sets the initial concentrations of the weight and bias rails from the train block's
// initialisation (or the default uniform(−1, 1)), drawn from a seeded generator: the positive
// part of each drawn value goes on the `.p` rail, the negative part on `.m`.
//
//   w = −0.3  →  W0_1_0_p = 0, W0_1_0_m = 0.3

import type { CRN, Distribution, Species } from "../ir/types.js";
import { Rng } from "../util/rng.js";

export function initParameters(ir: CRN, init: { weights: Distribution; biases: Distribution }, seed: number): CRN {
  const rng = new Rng(seed);
  const species = ir.species.slice();
  const index = new Map(species.map((sp, i) => [sp.id, i]));
  // Draw in species order (weights and biases of layer 0 first, ...), one draw per parameter.
  for (let s = 0; s < species.length; s++) {
    const sp = species[s]!;
    if ((sp.role !== "weight" && sp.role !== "bias") || sp.rail !== "p") continue;
    const m = index.get(sp.id.slice(0, -1) + "m") ?? -1;
    const v = draw(rng, sp.role === "weight" ? init.weights : init.biases);
    species[s] = { ...sp, init: Math.max(v, 0) };
    if (m >= 0) species[m] = { ...species[m]!, init: Math.max(-v, 0) } as Species;
  }
  return { ...ir, species };
}

function draw(rng: Rng, d: Distribution): number {
  switch (d.kind) {
    case "uniform":
      return d.low + (d.high - d.low) * rng.next();
    case "normal":
      return d.mean + d.std * rng.normal();
    case "constant":
      return d.value;
  }
}
