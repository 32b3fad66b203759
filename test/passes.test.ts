// Every pass keeps the IR valid, is pure (its input is left as it was), and the whole pipeline
// is deterministic: the same file and seed give the same bytes; another seed other weights.
import { describe, it, expect } from "vitest";
import { resolve } from "node:path";
import { compileFile } from "../src/compile.js";
import { validateIR } from "../src/ir/validate.js";
import { emitJson } from "../src/backends/json.js";
import { emitReactions } from "../src/backends/reactions.js";
import type { CRN } from "../src/ir/types.js";
import { trainParam } from "../src/ir/parameters.js";
import { ROOT, mustCompile } from "./helpers.js";

const examples = ["xor", "iris", "mnist", "sine", "divide"].map((n) => resolve(ROOT, "examples", `${n}.crnn`));

describe("passes", () => {
  it("the IR validator passes after every pass of every example", () => {
    for (const f of examples) {
      const seen: string[] = [];
      const r = compileFile(f, {
        onPass: (pass, ir) => {
          seen.push(pass);
          expect(validateIR(ir), `${f} after ${pass}`).toEqual([]);
        },
      });
      expect(r.ok).toBe(true);
      expect(seen.length).toBeGreaterThan(0);
    }
  });

  it("runs the passes in order and each only adds (forward → backward → update → annihilate → init)", () => {
    const snapshots: [string, string][] = [];
    const sizes: [string, number, number][] = [];
    compileFile(examples[0]!, {
      annihilate: 1,
      onPass: (pass, ir) => {
        snapshots.push([pass, JSON.stringify(ir.species.slice(0, 5)) + ir.reactions.length]);
        sizes.push([pass, ir.species.length, ir.reactions.length]);
      },
    });
    expect(sizes.map((s) => s[0])).toEqual(["forward", "backward", "update", "annihilate", "init-params"]);
    for (let i = 1; i < sizes.length; i++) {
      expect(sizes[i]![1]).toBeGreaterThanOrEqual(sizes[i - 1]![1]);
      expect(sizes[i]![2]).toBeGreaterThanOrEqual(sizes[i - 1]![2]);
    }
    // XOR: 104 forward, +283 backward, +82 update, +41 annihilation (30 weights + 11 biases).
    expect(sizes.map((s) => s[2])).toEqual([104, 387, 469, 510, 510]);
  });

  it("passes do not modify their input", () => {
    const kept: [CRN, string][] = [];
    compileFile(examples[0]!, { onPass: (_p, ir) => void kept.push([ir, JSON.stringify(ir.species) + ir.reactions.length]) });
    for (const [ir, snap] of kept) expect(JSON.stringify(ir.species) + ir.reactions.length).toBe(snap);
  });

  it("annihilation keeps w = W.p − W.m: each reaction removes one of each rail", () => {
    const ir = compileFile(examples[0]!, { annihilate: 2 }).ir!;
    const ann = ir.reactions.filter((r) => r.origin.template.endsWith("annihilate"));
    expect(ann).toHaveLength(41);
    for (const r of ann) {
      expect(r.products).toEqual([]);
      const [a, b] = r.reactants.map((t) => ir.species[t.s]!);
      expect(a!.id.slice(0, -2)).toBe(b!.id.slice(0, -2));
      expect([a!.rail, b!.rail]).toEqual(["p", "m"]);
      expect(r.rate.kind === "mass" && r.rate.k).toEqual({ k: "param", p: ir.train!.params.annihilate });
    }
    expect(trainParam(ir, "annihilate")).toBe(2);
    expect(ir.parameters[ir.train!.params.annihilate!]).toMatchObject({ id: "k_ann", value: 2, role: "rate", unit: "1/(M*s)" });
  });
});

describe("determinism", () => {
  it("same file and seed give identical bytes; another seed gives other initial weights", () => {
    for (const f of examples) {
      const a = compileFile(f).ir!;
      const b = compileFile(f).ir!;
      expect(emitJson(a, "x")).toBe(emitJson(b, "x"));
      expect(emitReactions(a)).toBe(emitReactions(b));
    }
    const s1 = compileFile(examples[0]!, { seed: 1 }).ir!;
    const s2 = compileFile(examples[0]!, { seed: 2 }).ir!;
    const w = (ir: CRN) => ir.species.filter((s) => s.role === "weight").map((s) => s.init);
    expect(w(s1)).not.toEqual(w(s2));
    expect(emitReactions(s1)).toBe(emitReactions(s2));
  });

  it("initial weights follow the train block's distribution, one rail per sign", () => {
    const ir = mustCompile(`import std/smooth_relu
network n { input 2  dense 30 smooth_relu(h: 1)  dense 1 smooth_relu(h: 1) }
train n on xor { init weights uniform(-0.5, 0.25)  init biases constant(0.125) }`);
    const byId = new Map(ir.species.map((s) => [s.id, s]));
    let neg = 0;
    for (const s of ir.species) {
      if (s.rail !== "p" || (s.role !== "weight" && s.role !== "bias")) continue;
      const m = byId.get(s.id.slice(0, -1) + "m")!;
      expect(Math.min(s.init, m.init)).toBe(0);
      const w = s.init - m.init;
      if (s.role === "bias") expect(w).toBe(0.125);
      else {
        expect(w).toBeGreaterThanOrEqual(-0.5);
        expect(w).toBeLessThan(0.25);
        if (w < 0) neg++;
      }
    }
    // 90 weights from uniform(-0.5, 0.25): about two thirds negative.
    expect(neg).toBeGreaterThan(40);
    expect(neg).toBeLessThan(80);
  });
});

describe("analyses", () => {
  it("Remark 3.1's check finds a catalysis cycle, also with species downstream of it", async () => {
    const { summarize } = await import("../src/analysis/summary.js");
    // Y makes Q, Q makes Y (a cycle); Q also makes Z, downstream of the cycle. Z comes first
    // in species order, so the search for a cycle starts from a node not on it.
    const ir = mustCompile("crn c {\n  Z -> 0 @ 1\n  init Y = 1\n  Y -> Y + Q @ 1\n  Q -> Q + Y @ 1\n  Q -> Q + Z @ 1\n  Y -> 0 @ 1\n  Q -> 0 @ 1\n}\n");
    expect(ir.species[0]!.id).toBe("Z");
    const ff = summarize(ir).feedbackFree;
    expect(ff.ok).toBe(false);
    expect(ff.cycle!.map((i) => ir.species[i]!.id).sort()).toEqual(["Q", "Y"]);
    // The training CRNs of the examples are feedback-free.
    for (const f of examples.slice(0, 4)) expect(summarize(compileFile(f).ir!).feedbackFree.ok).toBe(true);
  });
});
