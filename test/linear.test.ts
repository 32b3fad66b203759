// The block-triangular linear solver (src/sim/linear.ts) against a dense solve written here:
// M u = r with M = c·I − J for a CRN whose Jacobian has 1×1 rows, 2×2 blocks (reversible
// pairs, an annihilation pair) and a 3×3 cycle. The generated straight-line code (2×2 blocks
// inline), the plan loop and the level-scheduled path must all give the dense answer.
//
//   a ⇄ b, P + M -> 0 (2×2 blocks), x → y → z → x (3×3), c downstream of all: ‖u − u_dense‖ ≤ 1e-12

import { describe, it, expect } from "vitest";
import { mustCompile, mulberry32, denseSolve } from "./helpers.js";
import { compileModel, jacobian } from "../src/sim/model.js";
import { BlockTriangularSolver } from "../src/sim/linear.js";

const SRC = `crn t {
  init a = 1, b = 2, p = 0.7, m = 0.4, x = 0.3, y = 0.9, z = 1.1, c = 0.5, s = 1
  a -> b     @ 2
  b -> a     @ 1
  s -> s + p @ 1
  s -> s + m @ 0.5
  p + m -> 0 @ 3
  a -> a + x @ 1
  x -> y     @ 2
  y -> z     @ 1
  z -> x     @ 0.5
  z + p -> z + p + c @ 1
  b + m -> b + m + c @ 2
  c -> 0     @ 1
}`;

describe("block-triangular solver", () => {
  it("generated (2×2 inline), plan and levels solves equal a dense solve of (cI − J) u = r", () => {
    const ir = mustCompile(SRC);
    const md = compileModel(ir);
    const n = md.n;
    const x = Float64Array.from(ir.species, (s) => s.init);
    const jv = new Float64Array(md.jCol.length);
    jacobian(md, x, jv);
    const c = 3.7;
    const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? c : 0)));
    for (let t = 0; t < n; t++) for (let q = md.jRowPtr[t]!; q < md.jRowPtr[t + 1]!; q++) A[t]![md.jCol[q]!]! -= jv[q]!;
    const rand = mulberry32(3);
    const r = Array.from({ length: n }, () => rand() * 2 - 1);
    const want = denseSolve(A, r);

    const solvers = { generated: new BlockTriangularSolver(md), plan: new BlockTriangularSolver(md), levels: new BlockTriangularSolver(md) };
    solvers.generated.generate();
    expect(solvers.levels.generateLevels(), "levels need 1×1 blocks only").toBe(false);
    expect(solvers.generated.largestBlock).toBe(3);
    for (const [name, s] of Object.entries(solvers)) {
      expect(s.factor(c, jv), name).toBe(true);
      const u = Float64Array.from(r);
      s.solve(jv, u);
      u.forEach((v, i) => expect(Math.abs(v - want[i]!), `${name}: u[${ir.species[i]!.id}]`).toBeLessThan(1e-12 * Math.max(1, Math.abs(want[i]!))));
    }
  });

  it("a singular 2×2 block is reported by factor, also when solved inline", () => {
    const ir = mustCompile(`crn t {\n  init a = 1, b = 1\n  a -> b @ 1\n  b -> a @ 1\n}`);
    const md = compileModel(ir);
    const jv = new Float64Array(md.jCol.length);
    jacobian(md, Float64Array.from(ir.species, (s) => s.init), jv);
    const s = new BlockTriangularSolver(md);
    s.generate();
    // c = 0: M = −J = [[1, −1], [−1, 1]] is singular.
    expect(s.factor(0, jv)).toBe(false);
    expect(s.factor(1, jv)).toBe(true);
  });
});
