// The block-triangular linear solver (src/sim/linear.ts) against a dense solve written here:
// M u = r with M = c·I − J for a CRN whose Jacobian has 1×1 rows, 2×2 blocks (reversible
// pairs, an annihilation pair) and a 3×3 cycle. The generated straight-line code (2×2 blocks
// inline), the plan loop, the level-scheduled path and the WebAssembly kernels (without the
// 3×3 cycle, which they leave to the others) must all give the dense answer.
//
//   a ⇄ b, P + M -> 0 (2×2 blocks), x → y → z → x (3×3), c downstream of all: ‖u − u_dense‖ ≤ 1e-12

import { describe, it, expect } from "vitest";
import { mustCompile, mulberry32, denseSolve } from "./helpers.js";
import { compileModel, jacobian } from "../src/sim/model.js";
import { BlockTriangularSolver } from "../src/sim/linear.js";
import { Arena, wasmKernels } from "../src/sim/wasm/kernels.js";

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

/** Solve (cI − J) u = r with each solver, on arrays from `vec`, and compare with a dense solve. */
function agreeWithDense(src: string, solvers: Record<string, BlockTriangularSolver>, vec = (n: number) => new Float64Array(n)): void {
  const ir = mustCompile(src);
  const md = compileModel(ir);
  const n = md.n;
  const x = Float64Array.from(ir.species, (s) => s.init);
  const jv = vec(md.jCol.length);
  jacobian(md, x, jv);
  const c = 3.7;
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? c : 0)));
  for (let t = 0; t < n; t++) for (let q = md.jRowPtr[t]!; q < md.jRowPtr[t + 1]!; q++) A[t]![md.jCol[q]!]! -= jv[q]!;
  const rand = mulberry32(3);
  const r = Array.from({ length: n }, () => rand() * 2 - 1);
  const want = denseSolve(A, r);
  for (const [name, s] of Object.entries(solvers)) {
    expect(s.factor(c, jv), name).toBe(true);
    const u = vec(n);
    u.set(r);
    s.solve(jv, u);
    u.forEach((v, i) => expect(Math.abs(v - want[i]!), `${name}: u[${ir.species[i]!.id}]`).toBeLessThan(1e-12 * Math.max(1, Math.abs(want[i]!))));
  }
}

/** A solver whose factor and solve are the WebAssembly kernels (wasm/kernels.ts), over `arena`. */
function compiledSolver(src: string, arena: Arena): BlockTriangularSolver {
  const md = compileModel(mustCompile(src));
  const s = new BlockTriangularSolver(md);
  const plan = s.compiledPlan((n) => arena.alloc(n));
  if (!plan) throw new Error("no compiled plan");
  const k = wasmKernels(md, arena, plan);
  s.useCompiled(k.solve!, k.factor!);
  return s;
}

/** The same network without the 3-cycle: 1×1 rows and 2×2 blocks only. */
const NO_CYCLE = SRC.replace("  z -> x     @ 0.5\n", "");

describe("block-triangular solver", () => {
  it("generated (2×2 inline), plan and levels solves equal a dense solve of (cI − J) u = r", () => {
    const md = compileModel(mustCompile(SRC));
    const solvers = { generated: new BlockTriangularSolver(md), plan: new BlockTriangularSolver(md), levels: new BlockTriangularSolver(md) };
    solvers.generated.generate();
    expect(solvers.levels.generateLevels(), "levels need 1×1 blocks only").toBe(false);
    expect(solvers.generated.largestBlock).toBe(3);
    agreeWithDense(SRC, solvers);
  });

  it("the WebAssembly factor and solve (2×2 blocks inline) equal a dense solve; a 3×3 block has no compiled plan", () => {
    expect(NO_CYCLE).not.toBe(SRC);
    const arena = new Arena(4096);
    const compiled = compiledSolver(NO_CYCLE, arena);
    expect(compiled.largestBlock).toBe(2);
    agreeWithDense(NO_CYCLE, { compiled, plan: new BlockTriangularSolver(compileModel(mustCompile(NO_CYCLE))) }, (n) => arena.alloc(n));
    expect(new BlockTriangularSolver(compileModel(mustCompile(SRC))).compiledPlan((n) => new Float64Array(n))).toBeUndefined();
  });

  it("a singular 2×2 block is reported by factor, also when solved inline or compiled", () => {
    const src = `crn t {\n  init a = 1, b = 1\n  a -> b @ 1\n  b -> a @ 1\n}`;
    const ir = mustCompile(src);
    const md = compileModel(ir);
    const arena = new Arena(256);
    const jv = arena.alloc(md.jCol.length);
    jacobian(
      md,
      Float64Array.from(ir.species, (s) => s.init),
      jv,
    );
    const s = new BlockTriangularSolver(md);
    s.generate();
    for (const solver of [s, compiledSolver(src, arena)]) {
      // c = 0: M = −J = [[1, −1], [−1, 1]] is singular.
      expect(solver.factor(0, jv)).toBe(false);
      expect(solver.factor(1, jv)).toBe(true);
    }
  });

  it("a zero pivot of a 1×1 row is reported by the compiled factor", () => {
    const src = "crn t {\n  init a = 1\n  a -> 0 @ 2\n}";
    const ir = mustCompile(src);
    const md = compileModel(ir);
    const arena = new Arena(256);
    const jv = arena.alloc(md.jCol.length);
    jacobian(
      md,
      Float64Array.from(ir.species, (s) => s.init),
      jv,
    );
    const solver = compiledSolver(src, arena);
    expect(solver.factor(-2, jv)).toBe(false); // c − J[a,a] = −2 + 2 = 0
    expect(solver.factor(1, jv)).toBe(true);
  });
});
