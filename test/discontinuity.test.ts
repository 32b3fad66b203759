// Rate laws with switches (step, comparisons, piecewise, max/min/abs kinks) against their exact
// piecewise solutions, for every method: the integrators locate each crossing and restart there
// (sim/switches.ts), so the answer holds at the method's own accuracy, also at tight tolerances
// and at every output row. Without location, issue 12's step1 ended at 0.14044 (default),
// 0.14543 (rtol 1e-8) and 0.10152 (the last of 11 rows) instead of 0.2·ln 2 = 0.1386294.
//
//   a -> 0 @ 1, 0 -> c @ rate(0.2 * step(a - 1)), a(0) = 2:  c(t) = 0.2·min(t, ln 2)

import { describe, it, expect } from "vitest";
import { mustCompile, runCli, speciesIndex } from "./helpers.js";
import { simulate, ODE_METHODS as METHODS } from "../src/sim/simulate.js";
import { train } from "../src/library.js";
import { emitSbml } from "../src/backends/sbml/emit.js";
import { readSbml } from "../src/backends/sbml/read.js";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LN2 = Math.log(2);
const STEP1 = `crn step1 {
  init a = 2
  a -> 0           @ k
  0 -> c           @ rate(k3 * step(a - 1))
  rate k = 1
  rate k3 = 0.2
}
`;

interface Case {
  name: string;
  src: string;
  until: number;
  points: number;
  /** The exact value of species `sp` at time t. */
  exact: (t: number) => number;
  sp: string;
  /** Tighter than the default where the answer is ill-conditioned. */
  rtol?: number;
}

// a = 2e^{−t} crosses 1 at ln 2 and 1.5 at ln(4/3).
const decay = (law: string) => `crn m {\n  init a = 2\n  a -> 0 @ 1\n  0 -> c @ rate(${law})\n}\n`;
const T1 = Math.log(4 / 3);
const CASES: Case[] = [
  { name: "a step switch", src: STEP1, until: 5, points: 11, sp: "c", exact: (t) => 0.2 * Math.min(t, LN2) },
  {
    name: "a max(z, 0) kink",
    src: decay("max(a - 1, 0)"),
    until: 4,
    points: 9,
    sp: "c",
    exact: (t) => {
      const u = Math.min(t, LN2);
      return 2 * (1 - Math.exp(-u)) - u;
    },
  },
  {
    name: "abs",
    src: decay("abs(a - 1)"),
    until: 4,
    points: 9,
    sp: "c",
    exact: (t) => (t <= LN2 ? 2 * (1 - Math.exp(-t)) - t : 1 - LN2 + (t - LN2) + 2 * Math.exp(-t) - 1),
  },
  {
    name: "a piecewise with three pieces",
    src: decay("piecewise(0.3, a > 1.5, 0.2, a > 1, 0.1)"),
    until: 3,
    points: 7,
    sp: "c",
    exact: (t) => 0.3 * Math.min(t, T1) + 0.2 * Math.max(0, Math.min(t, LN2) - T1) + 0.1 * Math.max(0, t - LN2),
  },
  {
    // x = 1.01 − 2t + t² dips below 0.02 only for |t − 1| < 0.1: a pulse of width 0.2 inside
    // the long steps a quadratic allows, crossed twice within one of them.
    name: "a switch crossed twice in one step",
    src: `crn m {\n  init x = 1.01\n  0 -> p @ 2\n  0 -> x @ rate(p)\n  x -> 0 @ rate(2)\n  0 -> c @ rate(5 * step(0.02 - x))\n}\n`,
    until: 3,
    points: 2,
    sp: "c",
    exact: (t) => 5 * Math.max(0, Math.min(t, 1.1) - 0.9),
  },
  {
    // x = t − 1 + 2e^{−t} has its minimum ln 2 at t = ln 2, below 0.7 between two roots found
    // here by Newton. x' is only ±0.24 there, so a crossing time is 4× less certain than x, and
    // c = 5·(t₂ − t₁) 20× (1.4e-6 relative at rtol 1e-6 with rodas5): checked at rtol 1e-8.
    name: "a pulse on a curved trajectory",
    rtol: 1e-8,
    src: `crn m {\n  init x = 1\n  0 -> p @ 1\n  0 -> x @ rate(p)\n  x -> 0 @ 1\n  0 -> c @ rate(5 * step(0.7 - x))\n}\n`,
    until: 3,
    points: 4,
    sp: "c",
    exact: (() => {
      const f = (t: number) => t - 1 + 2 * Math.exp(-t) - 0.7;
      const df = (t: number) => 1 - 2 * Math.exp(-t);
      let a = 0.5;
      let b = 0.9;
      for (let i = 0; i < 50; i++) {
        a -= f(a) / df(a);
        b -= f(b) / df(b);
      }
      return (t: number) => 5 * Math.max(0, Math.min(t, b) - a);
    })(),
  },
  {
    // p = t reaches 1 exactly at the output time t = 1.
    name: "a switch exactly at an output time",
    src: `crn m {\n  0 -> p @ 1\n  0 -> c @ rate(step(p - 1))\n}\n`,
    until: 2,
    points: 5,
    sp: "c",
    exact: (t) => Math.max(0, t - 1),
  },
];

/** |got − exact| within rel·|exact| + abs. */
function near(got: number, exact: number, rel: number, abs: number): void {
  expect(Math.abs(got - exact), `got ${got}, exact ${exact}`).toBeLessThanOrEqual(rel * Math.abs(exact) + abs);
}

describe("issue 12's step1: c(5) = 0.2·ln 2", () => {
  const ir = mustCompile(STEP1);
  const c = speciesIndex(ir).get("c")!;
  for (const method of METHODS) {
    it(`${method}: within 1e-6 relative at the default tolerances and at rtol 1e-8`, () => {
      for (const rtol of [undefined, 1e-8]) {
        const tr = simulate(ir, { until: 5, method, ...(rtol ? { rtol } : {}) });
        near(tr.values[1]![c]!, 0.2 * LN2, 1e-6, 0);
      }
    });
  }
  for (const method of METHODS) {
    it(`${method}: every row of --points 11 --csv`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "crnnc-disc-"));
      const file = join(dir, "step1.crnn");
      writeFileSync(file, STEP1);
      const csv = join(dir, "out.csv");
      const r = await runCli(["sim", file, "--until", "5", "--points", "11", "--csv", csv, "--method", method]);
      expect(r.code, r.stderr).toBe(0);
      const [head, ...rows] = readFileSync(csv, "utf8").trim().split("\n");
      const cols = head!.split(",");
      expect(rows).toHaveLength(11);
      for (const row of rows) {
        const v = row.split(",").map(Number);
        const t = v[cols.indexOf("t")]!;
        near(v[cols.indexOf("c")]!, 0.2 * Math.min(t, LN2), 1e-6, 1e-12);
        near(v[cols.indexOf("a")]!, 2 * Math.exp(-t), 1e-5, 1e-9);
      }
    });
  }
});

describe("SBML read-back goes through the same location", () => {
  it("step1 written to SBML and read back: c(5) within 1e-6 of 0.2·ln 2 with every method", async () => {
    const back = (await readSbml(await emitSbml(mustCompile(STEP1)), "step1.xml")).ir!;
    const c = speciesIndex(back).get("c")!;
    for (const method of METHODS) near(simulate(back, { until: 5, method }).values[1]![c]!, 0.2 * LN2, 1e-6, 0);
  });
});

describe("discontinuous models with exact solutions, every method", () => {
  for (const cs of CASES) {
    const ir = mustCompile(cs.src);
    const q = speciesIndex(ir).get(cs.sp)!;
    for (const method of METHODS) {
      it(`${cs.name}: ${method}, every output row within 1e-6 relative (${cs.rtol ? `rtol ${cs.rtol}` : "default tolerances"})`, () => {
        const tr = simulate(ir, { until: cs.until, points: cs.points, method, ...(cs.rtol ? { rtol: cs.rtol } : {}) });
        expect(tr.stopped).toBeUndefined();
        tr.t.forEach((t, i) => near(tr.values[i]![q]!, cs.exact(t), 1e-6, 1e-9));
      });
    }
  }
});

describe("a sliding mode does not hang the integration", () => {
  // x rises at rate 1 below 0.5 and decays above it: from t = 0.5 on the exact (Filippov)
  // solution slides along x = 0.5, and every step flips the switch. Locating each flip would
  // never end (it did not, in a leaky-ReLU MNIST run whose rails sat at 0, before the guard
  // marked the right switch live after 20 tiny crossings in a row). Known limitation: once
  // live, the switch is stepped over as before issue 12, and the methods do not hold the
  // sliding solution (they end far from 0.5); only that the run ends is tested.
  const ir = mustCompile(`crn m {\n  0 -> x @ rate(1 - step(x - 0.5))\n  x -> 0 @ rate(step(x - 0.5) * 2 * x)\n}\n`);
  const q = speciesIndex(ir).get("x")!;
  for (const method of METHODS) {
    it(`${method}: ends within seconds, exact up to the surface`, () => {
      const t = performance.now();
      const tr = simulate(ir, { until: 2, points: 5, method });
      expect(performance.now() - t).toBeLessThan(10_000);
      near(tr.values[1]![q]!, 0.5, 1e-6, 0); // t = 0.5: the rise, exactly
    });
  }
});

describe("failing attempts are capped and the run stops with a located diagnostic", () => {
  // sqrt(a − 1) is NaN once a = 2e^{−t} < 1, at t = ln 2: every attempt beyond fails.
  const ir = mustCompile(`crn m {\n  init a = 2\n  a -> 0 @ 1\n  0 -> c @ rate(sqrt(a - 1))\n}\n`);
  for (const method of METHODS) {
    it(`${method}: stops at t = ln 2 naming c, keeping the rows before`, () => {
      const started = performance.now();
      const tr = simulate(ir, { until: 3, points: 4, method });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(tr.t).toEqual([0]);
      expect(tr.stopped?.species).toBe("c");
      expect(tr.stopped?.message).toMatch(
        /the step gave non-finite values.*\(last h = \S+\): a concentration diverges or a rate law is not finite; first in c$/,
      );
      expect(Math.abs(tr.stopped!.time - LN2)).toBeLessThan(1e-5); // a = 2e^{−t} to rtol 1e-6
    });
  }
});

describe("leaky-ReLU training (the paper's comparison network, whose laws switch on step(X.p − X.m))", () => {
  // 20 iterations of the sine network at the defaults (Rodas5, rtol 1e-6) against Dopri5 at
  // rtol 1e-11, both locating the switches. Measured 2026-12-06: 1.3e-8 (before location the
  // defaults were 8.3e-6 away).
  it("20 iterations at the default tolerances agree with Dopri5 at rtol 1e-11 to 1e-7 in every weight", () => {
    const ir = mustCompile(leakySine("iterations 20"));
    const fast = train(ir, {});
    const ref = train(ir, { method: "dopri5", rtol: 1e-11, atol: 1e-14 });
    expect(fast.iterationsRun).toBe(20);
    expect(fast.stats.crossings).toBeGreaterThan(0);
    expect(flatWeights(fast.weights).length).toBe(31);
    expect(maxDiff(fast.weights, ref.weights)).toBeLessThan(1e-7);
  });
});

describe("noise segments locate switches too", () => {
  // 3 noisy iterations (ε = 0.1 on forward and backward rates, redrawn every 0.05): the
  // controlled segments (default) and the fixed steps of the noise grid both split at crossings.
  // Measured 2026-12-06 against Dopri5 at rtol 1e-10: 3.3e-13 (controlled), 5.8e-9 (fixed).
  it("controlled and fixed noise stepping agree with Dopri5 at rtol 1e-10, and cross switches", () => {
    const ir = mustCompile(leakySine("iterations 3  noise { epsilon 0.1  resample 0.05  hold 0.005  on forward, backward }"));
    const ref = train(ir, { method: "dopri5", rtol: 1e-10, atol: 1e-13 }).weights;
    for (const [mode, tol] of [
      ["controlled", 1e-9],
      ["fixed", 1e-7],
    ] as const) {
      const r = train(ir, { noiseIntegration: mode });
      expect(r.stats.crossings, mode).toBeGreaterThan(0);
      expect(maxDiff(r.weights, ref), mode).toBeLessThan(tol);
    }
  });
});

/** The paper's comparison network (sine, 1-10-1 leaky ReLU α = 1, β = 0.1, seed 1) with these extra train settings. */
function leakySine(settings: string): string {
  return `import std/leaky_relu
network sine_leaky {
  input 1
  dense 10 leaky_relu(alpha: 1, beta: 0.1)
  dense 1  leaky_relu(alpha: 1, beta: 0.1)
}
train sine_leaky on sine {
  eta 0.001  period 50  init uniform(-1, 1)  seed 1
  ${settings}
}
`;
}

/** The largest difference between two runs' weights and biases. */
function maxDiff(a: unknown, b: unknown): number {
  const x = flatWeights(a);
  const y = flatWeights(b);
  expect(x.length).toBe(y.length);
  return Math.max(...x.map((v, i) => Math.abs(v - y[i]!)));
}

function flatWeights(w: unknown): number[] {
  const out: number[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === "number") out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(w);
  return out;
}
