import { describe, it, expect } from "vitest";
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { compileFile } from "../src/compile.js";
import { validateIR } from "../src/ir/validate.js";
import { ROOT } from "./helpers.js";

describe("examples", () => {
  const dir = resolve(ROOT, "examples");
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".crnn"))) {
    it(`${f} compiles with no errors and a valid IR`, () => {
      const r = compileFile(resolve(dir, f));
      expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(r.ir).toBeDefined();
      expect(validateIR(r.ir!)).toEqual([]);
    });
  }

  it("the XOR network has the reference build's size (223 species, 469 reactions)", () => {
    const ir = compileFile(resolve(dir, "xor.crnn")).ir!;
    expect([ir.species.length, ir.reactions.length]).toEqual([223, 469]);
  });

  it("the MNIST network has the reference build's size (1177 species, 2250 reactions)", () => {
    const ir = compileFile(resolve(dir, "mnist.crnn")).ir!;
    expect([ir.species.length, ir.reactions.length]).toEqual([1177, 2250]);
  });
});
