// Stochastic simulation (issue 15) against exact distributions: birth–death from zero is
// Poisson at every time (mean λ(1 − e^{−k₂t})); the dimerisation 2P ⇌ D with ten molecules has
// a six-state chemical master equation, solved here by the matrix exponential; τ-leaping's mean
// and variance against the exact SSA's; the propensity convention (a = (k/Ω)·n(n−1) for
// 2X → …); determinism (same seed, any number of threads); the command line.

import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers.js";
import { compile } from "../src/index.js";
import { compileModel } from "../src/sim/model.js";
import { Gillespie, StochasticModel } from "../src/sim/ssa.js";
import { TauLeap } from "../src/sim/tau-leap.js";
import { runEnsemble } from "../src/ensemble/run.js";
import { runSeed } from "../src/sbml/run.js";
import type { Integrator } from "../src/sim/rosenbrock.js";

const dir = mkdtempSync(join(tmpdir(), "crnnc-ssa-"));
const crn = (body: string) => {
  const r = compile(`crn m {\n${body}\n}\n`, { file: "m.crnn" });
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.ir!;
};
const BIRTH_DEATH = crn("  0 -> X @ k1\n  X -> 0 @ k2\n  rate k1 = 2\n  rate k2 = 0.5");

/** Counts of species 0 at time `until` over `runs` independent runs of integrator `make(seed)` from x0. */
function samples(make: (seed: number) => Integrator, x0: Float64Array, until: number, runs: number, volume: number): Float64Array {
  const out = new Float64Array(runs);
  for (let i = 0; i < runs; i++) {
    const x = Float64Array.from(x0);
    make(runSeed(7, i)).integrate(x, 0, until);
    out[i] = Math.round(x[0]! * volume);
  }
  return out;
}
const meanVar = (xs: Float64Array) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { m, v: xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1) };
};

describe("exact SSA against exact distributions", () => {
  it("birth–death from 0 is Poisson(λ(1 − e^{−k₂t})) at t = 3: mean, variance and every probability", () => {
    const volume = 10;
    const md = compileModel(BIRTH_DEATH);
    const N = 20000;
    const xs = samples((seed) => new Gillespie(md, { volume, seed }), new Float64Array(1), 3, N, volume);
    // Counts: births at k1·Ω = 20 per unit time, deaths k2·n.
    const lam = ((2 * volume) / 0.5) * (1 - Math.exp(-0.5 * 3));
    const { m, v } = meanVar(xs);
    // z-scores of the mean (sd √(λ/N)) and of the variance (sd ≈ λ√(2/N) for a Poisson with λ ≫ 1).
    expect(Math.abs(m - lam) / Math.sqrt(lam / N)).toBeLessThan(4);
    expect(Math.abs(v - lam) / (lam * Math.sqrt(2 / N + 1 / (lam * N)))).toBeLessThan(4);
    // Each probability P(X = k) within 4 binomial standard errors.
    let logFact = 0;
    for (let k = 0; k <= 60; k++) {
      if (k > 0) logFact += Math.log(k);
      const p = Math.exp(-lam + k * Math.log(lam) - logFact);
      const f = xs.filter((c) => c === k).length / N;
      expect(Math.abs(f - p), `P(X = ${k})`).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / N) + 1e-4);
    }
  });

  it("dimerisation 2P ⇌ D with 10 molecules: the chemical master equation's distribution at t = 0.5", () => {
    // crnnc's convention: 2P -> D at k1 has propensity (k1/Ω)·n(n−1); D -> 2P at k2 has k2·d.
    const ir = crn("  init P = 1\n  2 P -> D @ k1\n  D -> 2 P @ k2\n  rate k1 = 1\n  rate k2 = 0.5");
    const volume = 10;
    const md = compileModel(ir);
    const P = ir.species.findIndex((s) => s.id === "P");
    // States d = 0..5 (P = 10 − 2d). Generator Q[d][d'] (rows sum to 0).
    const S = 6;
    const Q = Array.from({ length: S }, () => new Array<number>(S).fill(0));
    for (let d = 0; d < S; d++) {
      const n = 10 - 2 * d;
      const up = (1 / volume) * n * (n - 1);
      const down = 0.5 * d;
      if (d + 1 < S) Q[d]![d + 1] = up;
      if (d > 0) Q[d]![d - 1] = down;
      Q[d]![d] = -(up + down);
    }
    // p(t) = p(0) e^{Qt}: scaling and squaring with a 20-term Taylor series.
    const mul = (A: number[][], B: number[][]) => A.map((r) => B[0]!.map((_, j) => r.reduce((s, a, k) => s + a * B[k]![j]!, 0)));
    const t = 0.5;
    const sq = 10;
    const A = Q.map((r) => r.map((q) => (q * t) / 2 ** sq));
    let E: number[][] = A.map((r, i) => r.map((_, j) => (i === j ? 1 : 0)));
    let term = E;
    for (let k = 1; k <= 20; k++) {
      term = mul(term, A).map((r) => r.map((v) => v / k));
      E = E.map((r, i) => r.map((v, j) => v + term[i]![j]!));
    }
    for (let i = 0; i < sq; i++) E = mul(E, E);
    const exact = E[0]!;
    const N = 20000;
    const x0 = Float64Array.from(ir.species, (s) => s.init);
    const counts = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const x = Float64Array.from(x0);
      new Gillespie(md, { volume, seed: runSeed(3, i) }).integrate(x, 0, t);
      counts[i] = Math.round(x[P]! * volume);
    }
    for (let d = 0; d < S; d++) {
      const p = exact[d]!;
      const f = counts.filter((c) => c === 10 - 2 * d).length / N;
      expect(Math.abs(f - p), `P(D = ${d}) = ${p}`).toBeLessThanOrEqual(4 * Math.sqrt((p * (1 - p)) / N) + 1e-4);
    }
    expect(exact.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it("the propensity convention: a = k·Ω^(1−Σm)·Π n(n−1)⋯ — (k/Ω)·n(n−1) for 2X → …, k·Ω for 0 → X", () => {
    const ir = crn("  init X = 0.5, Y = 0.3\n  2 X -> Y @ k\n  0 -> X @ k\n  X + Y -> 0 @ k\n  rate k = 3");
    const m = new StochasticModel(compileModel(ir), 100, true);
    m.load(Float64Array.from(ir.species, (s) => s.init));
    const [n, y] = [50, 30];
    const rates = [0, 1, 2].map((r) => m.propensity(r)).sort((a, b) => a - b);
    expect(rates).toEqual([(3 / 100) * n * (n - 1), (3 / 100) * n * y, 3 * 100].sort((a, b) => a - b));
  });
});

describe("τ-leaping against the exact SSA", () => {
  it("birth–death at 1000 molecules (where it leaps): the mean within 4 standard errors of the exact law, the variance within CGP's known inflation", () => {
    // Started at the stationary mean λ = k1Ω/k2 = 1000, the exact law at t = 6 is Poisson-like: mean λ, variance λ(1 − e^{−2k₂t}).
    const volume = 250;
    const md = compileModel(BIRTH_DEATH);
    const N = 3000;
    let leaps = 0;
    let events = 0;
    const xs = samples(
      (seed) => {
        const tl = new TauLeap(md, { volume, seed });
        return {
          ...tl,
          stats: tl.stats,
          snapshot: () => tl.snapshot(),
          restore: (q) => tl.restore(q),
          reset: () => tl.reset(),
          integrate: (x, a, b) => {
            tl.integrate(x, a, b);
            leaps += tl.leaps;
            events += tl.events;
          },
        };
      },
      Float64Array.of(4),
      6,
      N,
      volume,
    );
    const lam = 1000;
    const varExact = lam * (1 - Math.exp(-2 * 0.5 * 6));
    const { m, v } = meanVar(xs);
    expect(Math.abs(m - lam) / Math.sqrt(varExact / N)).toBeLessThan(4);
    // τ-leaping inflates a linear death's stationary variance by 1/(1 − k₂τ/2): at ε = 0.03 and 1000 molecules τ ≈ 0.9, so ≈ 29%.
    expect(v / varExact).toBeGreaterThan(1.0);
    expect(v / varExact).toBeLessThan(1.4);
    // And it did leap: far fewer steps than events.
    expect(leaps).toBeGreaterThan(0);
    expect(events / leaps).toBeGreaterThan(50);
  });

  it("never drives a count negative, also near zero with fast consumption", () => {
    const ir = crn("  init A = 0.05\n  A -> 0 @ k\n  0 -> A @ kin\n  rate k = 50\n  rate kin = 1");
    const tl = new TauLeap(compileModel(ir), { volume: 200, seed: 5 });
    const x = Float64Array.from(ir.species, (s) => s.init);
    let t = 0;
    for (let i = 0; i < 200; i++) {
      tl.integrate(x, t, t + 0.05, (_t, xs) => expect(xs[0]).toBeGreaterThanOrEqual(0));
      t += 0.05;
      expect(x[0]).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("ensembles", () => {
  const file = join(dir, "bd.crnn");
  writeFileSync(file, "crn bd {\n  0 -> X @ k1\n  X -> 0 @ k2\n  rate k1 = 2\n  rate k2 = 0.5\n}\n");
  const job = { kind: "crnn" as const, file, until: 4, points: 5, method: "ssa" as const, volume: 10, seed: 9 };
  it("the same seed gives the same numbers on 1 or 2 threads", async () => {
    const one = await runEnsemble(job, 40, 1);
    const two = await runEnsemble(job, 40, 2);
    expect(two.workers).toBe(2);
    expect(two.mean).toEqual(one.mean);
    expect(two.sd).toEqual(one.sd);
    expect(two.quantiles).toEqual(one.quantiles);
    const other = await runEnsemble({ ...job, seed: 10 }, 40, 1);
    expect(other.mean).not.toEqual(one.mean);
  }, 30_000);

  it("crnnc sim --runs writes time, S-mean, S-sd; --volume without a stochastic method is a usage error", async () => {
    const csv = join(dir, "bd.csv");
    let r = await runCli(["sim", file, "--method", "ssa", "--volume", "10", "--runs", "200", "--until", "4", "--points", "5", "--csv", csv, "--workers", "2"]);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(csv, "utf8").trim().split("\n");
    expect(rows[0]).toBe("time,X-mean,X-sd");
    expect(rows).toHaveLength(6);
    // Mean concentration at t = 4: (k1/k2)(1 − e^{−2}) = 3.459; sd of the mean √(λ/200)/Ω.
    const [t4, mean] = rows[5]!.split(",").map(Number) as [number, number];
    expect(t4).toBe(4);
    expect(Math.abs(mean - 4 * (1 - Math.exp(-2)))).toBeLessThan((4 * Math.sqrt((40 * (1 - Math.exp(-2))) / 200)) / 10);
    r = await runCli(["sim", file, "--volume", "10"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--volume applies to --method ssa, tau-leap or implicit-tau/);
  }, 60_000);

  it("a train block trains stochastically: the weights move by whole molecules", async () => {
    const out = join(dir, "fig4.json");
    const r = await runCli(["sim", "test/fixtures/fig4-train/input.crnn", "--method", "ssa", "--volume", "100", "--iterations", "2", "--json", out, "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(readFileSync(out, "utf8")) as { weights: { w: number[][][] }; settings: { method: string } };
    expect(j.settings.method).toBe("ssa");
    for (const w of j.weights.w.flat(2)) expect(Math.abs(w * 100 - Math.round(w * 100))).toBeLessThan(1e-9);
  }, 60_000);
});

describe("crnnc sweep --over volume", () => {
  it("trains under intrinsic noise at each Ω (with --method ssa); without a stochastic method the runs fail with the reason", async () => {
    const src = join(dir, "sw.crnn");
    writeFileSync(
      src,
      "import std/smooth_relu\nnetwork n {\n  input 1\n  dense 2 smooth_relu(h: 1)\n  dense 1 smooth_relu(h: 1)\n}\ntrain n on sine {\n  eta 0.001\n  period 50\n  iterations 2\n}\n",
    );
    const out = join(dir, "sw-out");
    let r = await runCli(["sweep", src, "--over", "volume=50,200", "--method", "ssa", "--workers", "1", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as { points: { point: Record<string, number> }[] };
    expect(summary.points.map((p) => p.point.volume)).toEqual([50, 200]);
    r = await runCli(["sweep", src, "--over", "volume=50", "--workers", "1", "--out", join(dir, "sw-bad")]);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/--over volume needs --method ssa or tau-leap/);
  }, 60_000);
});

describe("implicit τ-leaping on a training CRN", () => {
  it("at Ω = 10⁴ (nearly deterministic) the paper's Figure 4 network trains as the ODE does: E within 0.01 after 40 iterations", async () => {
    const { compileFile } = await import("../src/compile.js");
    const { train } = await import("../src/library.js");
    const ir = compileFile("test/fixtures/fig4-train/input.crnn", { iterations: 40 }).ir!;
    const ode = train({ ...ir, train: { ...ir.train!, evaluate: 10 } }, { iterations: 40 });
    const sto = train({ ...ir, train: { ...ir.train!, evaluate: 10 } }, { iterations: 40, method: "implicit-tau", volume: 1e4 });
    expect(sto.history.map((h) => h.iteration)).toEqual(ode.history.map((h) => h.iteration));
    sto.history.forEach((h, i) => expect(Math.abs(h.trainError - ode.history[i]!.trainError), `iteration ${h.iteration}`).toBeLessThan(0.01));
    // And it is stochastic: whole molecules, a different run for another seed.
    for (const w of sto.weights.w.flat(2)) expect(Math.abs(w * 1e4 - Math.round(w * 1e4))).toBeLessThan(1e-6);
    const other = train({ ...ir, train: { ...ir.train!, evaluate: 10 } }, { iterations: 40, method: "implicit-tau", volume: 1e4, seed: 2 });
    expect(other.weights).not.toEqual(sto.weights);
  }, 60_000);
});

describe("crnnc sim --tau", () => {
  it("sets implicit τ-leaping's leap (the leaps counted in --json's stats), and applies to implicit-tau only", async () => {
    const stats = async (extra: string[]) => {
      const out = join(dir, `tau${extra.join("")}.json`);
      const r = await runCli([
        "sim",
        "test/fixtures/fig4-train/input.crnn",
        "--method",
        "implicit-tau",
        "--iterations",
        "2",
        "--json",
        out,
        "--quiet",
        ...extra,
      ]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(readFileSync(out, "utf8")) as { stats: { steps: number } }).stats.steps;
    };
    const dflt = await stats([]);
    // Half the leap, twice the leaps over the same two periods.
    expect(await stats(["--tau", "0.125"])).toBe(2 * dflt);
    const r = await runCli(["sim", "test/fixtures/fig4-train/input.crnn", "--method", "ssa", "--tau", "0.1", "--iterations", "1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--tau applies to --method implicit-tau/);
    const bad = await runCli(["sim", "test/fixtures/fig4-train/input.crnn", "--method", "implicit-tau", "--tau", "0", "--iterations", "1"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--tau needs a positive number/);
    // And a sweep's runs take it, as part of their resume key.
    const sw = join(dir, "sw-tau");
    const s = await runCli([
      "sweep",
      "test/fixtures/fig4-train/input.crnn",
      "--over",
      "volume=1000",
      "--method",
      "implicit-tau",
      "--tau",
      "0.125",
      "--iterations",
      "1",
      "--workers",
      "1",
      "--out",
      sw,
      "--quiet",
    ]);
    expect(s.code, s.stderr).toBe(0);
    const rec = JSON.parse(readFileSync(join(sw, "points.jsonl"), "utf8").split("\n")[0]!) as { key: string };
    expect(rec.key).toContain('["tau",0.125]');
    const s2 = await runCli(["sweep", "test/fixtures/fig4-train/input.crnn", "--tau", "0.125", "--iterations", "1", "--out", join(dir, "sw-tau2")]);
    expect(s2.code).toBe(2);
    expect(s2.stderr).toMatch(/--tau applies to --method implicit-tau/);
  }, 60_000);
});

describe("never negative", () => {
  it("a reaction without the molecules it consumes does not fire (SBML's k·X² at X = 1, a rate law)", () => {
    const ir = crn("  init X = 1\n  2 X -> 0 @ rate(k * X * X)\n  rate k = 5");
    const g = new Gillespie(compileModel(ir), { volume: 1, seed: 1, combinatorial: false, maxEvents: 1000 });
    const x = Float64Array.from(ir.species, (s) => s.init);
    g.integrate(x, 0, 10);
    expect(x[0]).toBe(1);
    expect(g.events).toBe(0);
  });
});

describe("the ensemble report", () => {
  it("crnnc sim --runs --report: mean ± sd bands and sample runs per species, a clean layout, the --trace'd species", async () => {
    const { layoutProblems } = await import("./svg-layout.js");
    const file = join(dir, "div.crnn");
    writeFileSync(file, readFileSync("examples/divide.crnn", "utf8"));
    const out = join(dir, "ens.html");
    const r = await runCli([
      "sim",
      file,
      "--method",
      "ssa",
      "--volume",
      "100",
      "--runs",
      "40",
      "--until",
      "1",
      "--points",
      "6",
      "--report",
      out,
      "--trace",
      "q",
      "--quiet",
      "--csv",
      join(dir, "ens.csv"),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, "utf8");
    const svg = /<svg[\s\S]*?<\/svg>/.exec(html)![0];
    // The sample runs of one species are drawn alike on purpose (thin, its colour); everything else is clean.
    expect(layoutProblems(svg).filter((p) => p.kind !== "look-alike")).toEqual([]);
    expect(html).toContain("40 stochastic runs");
    expect(html).toMatch(/<td>q<\/td>/);
    expect(html).not.toMatch(/<td>a<\/td>/);
    const bad = await runCli([
      "sim",
      file,
      "--method",
      "ssa",
      "--runs",
      "4",
      "--report",
      join(dir, "x.html"),
      "--trace",
      "nope",
      "--quiet",
      "--csv",
      join(dir, "x.csv"),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--trace: no species `nope`/);
  }, 60_000);
});
