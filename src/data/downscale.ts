// Area-averaging image downscaling, used to turn 28×28 MNIST digits into the 8×8 images of
// paper D.3 (scripts/build-datasets.mjs). Each output pixel is the mean of the input over the
// square it covers, with exact weights for input pixels it covers only in part (28/8 = 3.5:
// an output pixel takes three whole input pixels and half of a fourth in each direction).
//
//   downscale(new Array(784).fill(1), 28, 8)  →  64 ones
//   a bright 4×4 block in the top-left corner →  1 at (0,0), 1/7 at (0,1) and (1,0), 1/49 at (1,1)

/**
 * Weights w[o][i]: the fraction of output cell o (of `to` cells) covered by input cell i (of
 * `from` cells), along one axis. Each row sums to 1.
 */
export function areaWeights(from: number, to: number): number[][] {
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 1 && to >= 1)) throw new RangeError(`areaWeights: sizes must be positive integers, got ${from} → ${to}`);
  const step = from / to;
  return Array.from({ length: to }, (_, o) => {
    const lo = o * step;
    const hi = (o + 1) * step;
    return Array.from({ length: from }, (_, i) => Math.max(0, Math.min(hi, i + 1) - Math.max(lo, i)) / step);
  });
}

/** Downscale a square row-major image of side `from` to side `to` by area averaging. */
export function downscale(pixels: ArrayLike<number>, from: number, to: number): number[] {
  if (pixels.length !== from * from) throw new RangeError(`downscale: expected ${from}×${from} = ${from * from} pixels, got ${pixels.length}`);
  const w = areaWeights(from, to);
  // Separable: first along rows (from×from → from×to), then along columns (→ to×to).
  const rows: number[] = new Array(from * to).fill(0);
  for (let r = 0; r < from; r++)
    for (let o = 0; o < to; o++) {
      let s = 0;
      const wo = w[o]!;
      for (let c = 0; c < from; c++) if (wo[c]) s += wo[c]! * pixels[r * from + c]!;
      rows[r * to + o] = s;
    }
  const out: number[] = new Array(to * to).fill(0);
  for (let o = 0; o < to; o++) {
    const wo = w[o]!;
    for (let c = 0; c < to; c++) {
      let s = 0;
      for (let r = 0; r < from; r++) if (wo[r]) s += wo[r]! * rows[r * to + c]!;
      out[o * to + c] = s;
    }
  }
  return out;
}
