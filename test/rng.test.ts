// The seeded generator's normal draws (ziggurat, src/util/rng.ts) against the standard normal
// distribution: moments, tail probabilities and a Kolmogorov–Smirnov distance, for several
// seeds; plus determinism. Tolerances are 4.5 standard errors (a false alarm ≈ 1 in 10⁵).
//
//   200 000 draws, seed 7: |mean| ≤ 4.5·√(1/n), |P(|x| > 2) − 0.0455| ≤ 4.5·√(p(1−p)/n), KS D ≤ 1.95/√n

import { describe, it, expect } from "vitest";
import { Rng } from "../src/util/rng.js";

/** Φ(x) by the Abramowitz–Stegun 7.1.26 erf approximation (|error| < 1.5e-7). */
function phi(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

describe("Rng.normal", () => {
  for (const seed of [7, 99, 2024]) {
    it(`seed ${seed}: mean, variance, tails and KS distance of 200 000 draws`, () => {
      const n = 200_000;
      const r = new Rng(seed);
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = r.normal();
      const mean = xs.reduce((a, x) => a + x, 0) / n;
      const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean)).toBeLessThan(4.5 / Math.sqrt(n));
      expect(Math.abs(variance - 1)).toBeLessThan(4.5 * Math.sqrt(2 / n));
      for (const [c, p] of [
        [1, 0.3173105],
        [2, 0.0455003],
        [3, 0.0026998],
        [3.5, 0.0004653],
      ] as const) {
        const got = xs.filter((x) => Math.abs(x) > c).length / n;
        expect(Math.abs(got - p), `P(|x| > ${c})`).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / n));
      }
      const sorted = Float64Array.from(xs).sort();
      let d = 0;
      for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(phi(sorted[i]!) - i / n), Math.abs(phi(sorted[i]!) - (i + 1) / n));
      expect(d).toBeLessThan(1.95 / Math.sqrt(n));
    });
  }

  it("the same seed gives the same draws; another seed does not", () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const c = new Rng(6);
    const da = Array.from({ length: 1000 }, () => a.normal());
    expect(Array.from({ length: 1000 }, () => b.normal())).toEqual(da);
    expect(Array.from({ length: 1000 }, () => c.normal())).not.toEqual(da);
  });
});

describe("poissonMany", () => {
  it("draws exactly what poisson() and the normal approximation draw one by one, in order, and leaves the generator where they do", () => {
    // Every branch: no draw (0), inversion (< 10), PTRS (10 … 100), the normal approximation (> 100), and the ziggurat's tail (many normals).
    const lam = Float64Array.from({ length: 4000 }, (_, i) => [0, 1e-9, 0.3, 4, 9.99, 10, 37, 99, 100.5, 2500, 1e7][i % 11]!);
    const a = new Rng(11);
    const b = new Rng(11);
    const out = new Float64Array(lam.length);
    a.poissonMany(lam, out, 100);
    const one = Array.from(lam, (l) => (l > 100 ? Math.max(0, Math.round(l + Math.sqrt(l) * b.normal())) : b.poisson(l)));
    expect(Array.from(out)).toEqual(one);
    expect(a.state()).toEqual(b.state());
    // Not a constant: the counts vary around their means.
    expect(new Set(Array.from(out).filter((_, i) => i % 11 === 6)).size).toBeGreaterThan(10);
  });
});

describe("poisson", () => {
  // Against the law itself: per λ (each branch: inversion below 10, PTRS from 10), 200 000 draws;
  // mean and variance within 4.5 standard errors of λ, and P(K = k) within 4.5 standard errors
  // of e^{−λ} λ^k / k! at the mode and one sd either side.
  for (const lam of [0.3, 4, 9.99, 10, 37, 99]) {
    it(`draws Poisson(${lam})`, () => {
      const r = new Rng(17);
      const n = 200_000;
      const ks = Array.from({ length: n }, () => r.poisson(lam));
      expect(ks.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
      const mean = ks.reduce((a, k) => a + k, 0) / n;
      const variance = ks.reduce((a, k) => a + (k - mean) ** 2, 0) / (n - 1);
      expect(Math.abs(mean - lam)).toBeLessThan(4.5 * Math.sqrt(lam / n));
      // Var of the sample variance of a Poisson law: (μ₄ − σ⁴)/n with μ₄ = λ + 3λ².
      expect(Math.abs(variance - lam)).toBeLessThan(4.5 * Math.sqrt((lam + 2 * lam * lam) / n));
      const logPmf = (k: number) => -lam + k * Math.log(lam) - Array.from({ length: k }, (_, j) => Math.log(j + 1)).reduce((a, b) => a + b, 0);
      for (const k of new Set([Math.floor(lam), Math.max(0, Math.floor(lam - Math.sqrt(lam))), Math.ceil(lam + Math.sqrt(lam))])) {
        const p = Math.exp(logPmf(k));
        const got = ks.filter((x) => x === k).length / n;
        expect(Math.abs(got - p), `P(K = ${k})`).toBeLessThan(4.5 * Math.sqrt((p * (1 - p)) / n));
      }
    });
  }
});
