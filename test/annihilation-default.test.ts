// Rail annihilation is on by default (issue 13, item 6): the deeper networks that blow up with
// the paper's construction train with the defaults. The cases are 3-4-4-2 networks on the eight
// corners of the unit cube with two targets (majority and parity of the three bits): tanh at the
// default η, sigmoid at η = 0.05 and smooth ReLU at η = 0.01. With `annihilate 0` the first
// blows up at iteration ≈ 800 (too slow to assert here; docs/results.md), the second at ≈ 100 and
// the third at ≈ 700. `annihilate 0` is the paper's construction, and the examples pin it.

import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "./helpers.js";
import { compileFile } from "../src/compile.js";
import { train } from "../src/library.js";
import { formatInfo } from "../src/cli/info.js";
import type { CRN } from "../src/ir/types.js";

/** experiments/deep-NAME.crnn, with annihilation at the file's default or at `annihilate`. */
function deep(name: string, annihilate?: number): CRN {
  const r = compileFile(resolve(ROOT, `experiments/deep-${name}.crnn`), annihilate !== undefined ? { annihilate } : {});
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return r.ir!;
}

/** The largest concentration of a weight or bias rail. */
function largestRail(ir: CRN, x: Float64Array): number {
  let m = 0;
  ir.species.forEach((s, i) => {
    if (s.role === "weight" || s.role === "bias") m = Math.max(m, x[i]!);
  });
  return m;
}

describe("rail annihilation by default", () => {
  for (const [name, eta, blowsUpWithout] of [
    ["tanh", 0.001, false],
    ["sigmoid", 0.05, true],
    ["smooth", 0.01, true],
  ] as const) {
    it(`trains the 3-4-4-2 ${name} network at η = ${eta} for 1500 iterations without blowing up`, () => {
      const ir = deep(name);
      expect(ir.parameters.find((p) => p.name === "eta")?.value).toBe(eta);
      expect(ir.reactions.filter((r) => r.origin.template.endsWith("annihilate")).length).toBe(3 * 4 + 4 * 4 + 4 * 2 + 4 + 4 + 2);
      const notes: string[] = [];
      const res = train(ir, { onNote: (m) => notes.push(m) });
      expect(res.stopped).toBeUndefined();
      expect(res.iterationsRun).toBe(1500);
      // The rails stay O(1) (they reach 10^10 without annihilation).
      expect(largestRail(ir, res.finalState)).toBeLessThan(20);
      expect(res.history.at(-1)!.trainError).toBeLessThan(0.5);
      expect(notes.filter((n) => n.includes("rails"))).toEqual([]);
    }, 60_000);
    if (blowsUpWithout)
      it(`blows up with the paper's construction (annihilate 0): the ${name} case`, () => {
        const ir = deep(name, 0);
        expect(ir.reactions.some((r) => r.origin.template.endsWith("annihilate"))).toBe(false);
        const notes: string[] = [];
        const res = train(ir, { onNote: (m) => notes.push(m) });
        expect(res.stopped?.reason).toBe("blowup");
        expect(res.iterationsRun).toBeLessThan(1000);
        // Said once, with the fix.
        expect(notes.filter((n) => n.includes("rails have grown")).length).toBeLessThanOrEqual(1);
      }, 60_000);
  }

  it("is stated by info, and the examples that reproduce the paper pin `annihilate 0`", () => {
    expect(formatInfo(deep("tanh"))).toMatch(/rail annihilation {2}on, rate 1 \(W\.p \+ W\.m -> 0; not in the paper/);
    expect(formatInfo(deep("tanh", 0))).toMatch(/rail annihilation {2}off \(`annihilate 0`: the paper's construction/);
    for (const ex of ["xor", "iris", "sine", "mnist"]) {
      const file = resolve(ROOT, `examples/${ex}.crnn`);
      expect(readFileSync(file, "utf8")).toMatch(/\n {2}annihilate +0 /);
      expect(compileFile(file).ir!.reactions.some((r) => r.origin.template.endsWith("annihilate"))).toBe(false);
    }
  });
});
