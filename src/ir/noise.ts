// The noise model's defaults (paper eq. 18, §5.2): what a `noise` block means when it leaves a
// setting out, and what giving only a noise level ε means for a train block without one.
//
//   withNoiseLevel(undefined, 0.05)  →  { epsilon: 0.05, resample: 0.05, hold: 0.005, on: ["backward", "nodes"] }

import type { NoiseSettings } from "./types.js";

export const NOISE_TARGETS = ["forward", "backward", "update", "nodes"] as const;
export const NOISE_DEFAULTS: NoiseSettings = { epsilon: 0, resample: 0.05, hold: 0.005, on: ["backward", "nodes"] };

/** Noise settings with level ε: the block's own with ε changed, else the default block when ε > 0, else none. */
export function withNoiseLevel(noise: NoiseSettings | undefined, epsilon: number): NoiseSettings | undefined {
  if (noise) return { ...noise, epsilon };
  return epsilon > 0 ? { ...NOISE_DEFAULTS, on: [...NOISE_DEFAULTS.on], epsilon } : undefined;
}
