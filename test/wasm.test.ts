// The WebAssembly kernels (src/sim/wasm/): the binary writer's encodings (against the spec's
// examples and a decoder written here), the straight-line rate and Jacobian kernels (against
// the table evaluators and the IR's rate convention), the SIMD stage
// arithmetic (against the Rosenbrock formulas written here, odd lengths and NaN included),
// and whole integrations with WebAssembly against the JS evaluators. The compiled solve is
// tested with the other solvers in linear.test.ts.
//
//   u32(624485) = e5 8e 26;  rhs_wasm(x) = massActionRhs(x) ± 1e-12

import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mustCompile, mulberry32, speciesIndex } from "./helpers.js";
import { Bytes, ModuleWriter, OP, I32, F64 } from "../src/sim/wasm/emit.js";
import { Arena, wasmKernels } from "../src/sim/wasm/kernels.js";
import { stageKernels } from "../src/sim/wasm/stages.js";
import { compileModel, jacobian, rhs as tableRhs } from "../src/sim/model.js";
import { massActionRhs } from "../src/ir/mass-action.js";
import { TABLEAUS, incremental, Rosenbrock, type EvalKind } from "../src/sim/rosenbrock.js";
import { train } from "../src/library.js";
import type { CRN } from "../src/ir/types.js";

const tmp = mkdtempSync(join(tmpdir(), "crnnc-wasm-"));
const data = join(tmp, "d.csv");
writeFileSync(data, "x0,x1,y0\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");

/** LEB128 decoders, written from the spec (§5.2.2), for the round trips. */
function readU32(b: Uint8Array): number {
  let v = 0;
  for (let i = 0, shift = 0; i < b.length; i++, shift += 7) {
    v += (b[i]! & 0x7f) * 2 ** shift;
    if (!(b[i]! & 0x80)) return v;
  }
  throw new Error("unterminated");
}
function readI32(b: Uint8Array): number {
  let v = 0;
  let shift = 0;
  for (const byte of b) {
    v += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(byte & 0x80)) return byte & 0x40 ? v - 2 ** shift : v;
  }
  throw new Error("unterminated");
}

describe("WebAssembly binary writer", () => {
  it("encodes LEB128 and f64 as the spec's examples", () => {
    const hex = (b: Bytes) => [...b.view()].map((x) => x.toString(16).padStart(2, "0")).join(" ");
    expect(hex(new Bytes().u32(0))).toBe("00");
    expect(hex(new Bytes().u32(127))).toBe("7f");
    expect(hex(new Bytes().u32(128))).toBe("80 01");
    expect(hex(new Bytes().u32(624485))).toBe("e5 8e 26");
    expect(hex(new Bytes().i32(-1))).toBe("7f");
    expect(hex(new Bytes().i32(64))).toBe("c0 00");
    expect(hex(new Bytes().i32(-123456))).toBe("c0 bb 78");
    expect(hex(new Bytes().f64(1.5))).toBe("00 00 00 00 00 00 f8 3f");
  });

  it("LEB128 round-trips every u32 and i32", () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (u, i) => {
        expect(readU32(new Bytes().u32(u).view())).toBe(u);
        expect(readI32(new Bytes().i32(i).view())).toBe(i);
      }),
      { numRuns: 2000 },
    );
  });

  it("writes a module V8 accepts and runs: f(p) = 2·mem[p + 8] + 1", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const mod = new ModuleWriter(1);
    const f = mod.func([I32], [F64]);
    const tmpLocal = f.local(F64);
    f.op(OP.localGet).u32(0).op(OP.f64Load).mem(8).op(OP.localTee).u32(tmpLocal);
    f.op(OP.localGet).u32(tmpLocal).op(OP.f64Add).op(OP.f64Const).f64(1).op(OP.f64Add).op(OP.end);
    mod.export("f", f);
    const bytes = mod.bytes();
    expect(WebAssembly.validate(bytes)).toBe(true);
    const run = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports.f as (p: number) => number;
    new Float64Array(memory.buffer)[3] = 20.25;
    expect(run(16)).toBe(41.5);
  });
});

/** A training network (smooth ReLU, optional rail annihilation: 2×2 blocks in J). */
function network(sizes: number[], annihilate: boolean): CRN {
  const layers = sizes
    .slice(1)
    .map((k, i) => `dense ${k} smooth_relu(h: ${0.5 + i})`)
    .join("  ");
  const csv = join(tmp, `d${sizes.join("-")}.csv`);
  const cols = [...Array.from({ length: sizes[0]! }, (_, j) => `x${j}`), ...Array.from({ length: sizes[sizes.length - 1]! }, (_, j) => `y${j}`)];
  writeFileSync(csv, `${cols.join(",")}\n${cols.map(() => "0.5").join(",")}\n`);
  return mustCompile(
    `import std/smooth_relu\nnetwork n { input ${sizes[0]}  ${layers} }\ntrain n on "${csv}" { eta 0.01${annihilate ? "  annihilate 2" : ""} }`,
    { file: join(tmp, "n.crnn") },
  );
}

describe("straight-line WebAssembly kernels", () => {
  it("rates and Jacobian equal the table evaluators and the IR's rate convention on random networks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 1e6 }),
        (sizes, ann, seed) => {
          const ir = network(sizes, ann);
          const md = compileModel(ir, { splitUpdateCatalysis: true });
          const r = mulberry32(seed);
          for (let k = 0; k < md.m; k++) md.k[k] = md.k[k]! * (0.5 + r());
          const arena = new Arena(Arena.size([md.m, md.n, md.n, md.jCol.length, md.cRow.length]));
          const w = wasmKernels(md, arena, undefined);
          w.syncRates();
          const [x, dx, jv, cv] = [md.n, md.n, md.jCol.length, md.cRow.length].map((len) => arena.alloc(len));
          x!.set(Float64Array.from(ir.species, () => r() * 2));
          w.rhs(x!, dx!);
          const ref = new Float64Array(md.n);
          tableRhs(md, x!, ref);
          const ir2 = {
            ...ir,
            reactions: ir.reactions.map((rx, k) =>
              rx.rate.kind === "mass" ? { ...rx, rate: { kind: "mass" as const, k: { k: "num" as const, v: md.k[k]! } } } : rx,
            ),
          };
          const conv = massActionRhs(ir2, Float64Array.from(x!)).dx;
          for (let q = 0; q < md.n; q++) {
            const scale = Math.max(1, Math.abs(ref[q]!));
            expect(Math.abs(dx![q]! - ref[q]!)).toBeLessThan(1e-12 * scale);
            expect(Math.abs(dx![q]! - conv[q]!)).toBeLessThan(1e-12 * scale);
          }
          w.jac(x!, jv!, cv!);
          const jRef = new Float64Array(md.jCol.length);
          const cRef = new Float64Array(md.cRow.length);
          jacobian(md, x!, jRef, cRef);
          jv!.forEach((v, q) => expect(Math.abs(v - jRef[q]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(jRef[q]!))));
          cv!.forEach((v, q) => expect(Math.abs(v - cRef[q]!)).toBeLessThan(1e-12 * Math.max(1, Math.abs(cRef[q]!))));
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("SIMD stage arithmetic", () => {
  for (const [method, n] of [
    ["rodas5", 7],
    ["rodas5", 1],
    ["ros34pw2", 10],
  ] as const) {
    it(`${method}, n = ${n}: stage arguments, couplings, y₁ and its error norm, accept, weights and sweep norms`, () => {
      const T = TABLEAUS[method]!;
      const S = T.m.length;
      const arena = new Arena(Arena.size([...Array<number>(S + 6).fill(n), 3, 3, 3]));
      // J_U with entries (row, col): (0, n−1), (n−1, 0), (0, 0) — a row twice.
      const coupling = { cv: arena.alloc(3), row: arena.int32(Int32Array.of(0, n - 1, 0)), col: arena.int32(Int32Array.of(n - 1, 0, 0)) };
      coupling.cv.set([0.5, -2, 3]);
      const v = {
        x: arena.alloc(n),
        ytmp: arena.alloc(n),
        ynew: arena.alloc(n),
        wt: arena.alloc(n),
        u: Array.from({ length: S }, () => arena.alloc(n)),
        coupling,
      };
      const extra = [arena.alloc(n), arena.alloc(n)] as const;
      const k = stageKernels({ ...T, ...incremental(T) }, v, arena);
      const r = mulberry32(n * 31 + S);
      const fill = (a: Float64Array) => a.forEach((_, q) => (a[q] = r() * 4 - 2));
      fill(v.x);
      v.u.forEach(fill);
      const close = (a: number, b: number, what: string) => expect(Math.abs(a - b), what).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(b)));
      // arg(i) in order (the tail stages build on the previous argument), then couple(i).
      const h = 0.37;
      for (let i = 0; i < S; i++) {
        k.arg(i);
        if (T.at[i]!.length) for (let q = 0; q < n; q++) close(v.ytmp[q]!, v.x[q]! + T.at[i]!.reduce((s, a, j) => s + a * v.u[j]![q]!, 0), `arg ${i} [${q}]`);
        const before = Float64Array.from(v.u[i]!);
        k.couple(i, 1 / h);
        for (let q = 0; q < n; q++) close(v.u[i]![q]!, before[q]! + T.c[i]!.reduce((s, c, j) => s + (c / h) * v.u[j]![q]!, 0), `couple ${i} [${q}]`);
      }
      const [rtol, atol] = [1e-3, 1e-6];
      const sum = k.finish(rtol, atol);
      let want = 0;
      for (let q = 0; q < n; q++) {
        const y = v.x[q]! + T.m.reduce((s, m, j) => s + m * v.u[j]![q]!, 0);
        close(v.ynew[q]!, y, `ynew[${q}]`);
        const err = T.e.reduce((s, e, j) => s + e * v.u[j]![q]!, 0);
        want += (err / (atol + rtol * Math.max(Math.abs(v.x[q]!), Math.abs(y)))) ** 2;
      }
      expect(Math.abs(sum - want)).toBeLessThan(1e-10 * want);
      k.weights(rtol, atol);
      v.wt.forEach((w, q) => close(w, 1 / (atol + rtol * Math.abs(v.x[q]!)), `wt[${q}]`));
      const [a, d] = extra;
      fill(a);
      fill(d);
      expect(k.wmax(a)).toBe(Math.max(...[...a].map((x, q) => Math.abs(x) * v.wt[q]!)));
      const a0 = Float64Array.from(a);
      expect(k.addMax(a, d)).toBe(Math.max(...[...d].map((x, q) => Math.abs(x) * v.wt[q]!)));
      a.forEach((x, q) => expect(x).toBe(a0[q]! + d[q]!));
      // d = J_U a, with d's old contents cleared.
      fill(d);
      k.couplingProduct(a, d);
      const want2 = new Float64Array(n);
      for (let q = 0; q < 3; q++) want2[coupling.row[q]!]! += coupling.cv[q]! * a[coupling.col[q]!]!;
      d.forEach((x, q) => expect(x, `J_U a [${q}]`).toBe(want2[q]!));
      // accept: x = y > 0 ? y : 0, so NaN and −0 become +0.
      v.ynew[0] = n > 1 ? NaN : -0;
      if (n > 2) v.ynew[1] = -0;
      if (n > 3) v.ynew[2] = -3;
      const ynew = Float64Array.from(v.ynew);
      k.accept();
      v.x.forEach((x, q) => expect(Object.is(x, ynew[q]! > 0 ? ynew[q]! : 0), `x[${q}] = ${x} from ${ynew[q]}`).toBe(true));
      // A non-finite increment shows in the norms.
      d[n - 1] = Infinity;
      expect(Number.isFinite(k.addMax(a, d))).toBe(false);
    });
  }
});

describe("integrations with WebAssembly kernels", () => {
  const run = (ir: CRN, evaluation: EvalKind, method = "rodas5") => {
    const md = compileModel(ir, { splitUpdateCatalysis: true });
    const st = new Rosenbrock(md, { method, evaluation, rtol: 1e-8, atol: 1e-11 });
    const x = Float64Array.from(ir.species, (s) => s.init);
    const r = mulberry32(4);
    for (let it = 0; it < 6; it++) {
      ir.species.forEach((s, q) => {
        if (s.role === "input" || s.role === "target") x[q] = r();
      });
      st.integrate(x, it * 20, (it + 1) * 20);
    }
    return x;
  };
  const agree = (a: Float64Array, b: Float64Array) => a.forEach((v, q) => expect(Math.abs(v - b[q]!)).toBeLessThan(1e-7 * Math.max(1e-3, Math.abs(b[q]!))));

  it("a 2-3-1 smooth-ReLU network (with annihilation) trains to the same state as with table evaluation, Rodas5 and ROS34PW2", () => {
    for (const ann of [false, true]) {
      const ir = network([2, 3, 1], ann);
      agree(run(ir, "wasm"), run(ir, "table"));
      agree(run(ir, "wasm", "ros34pw2"), run(ir, "table", "ros34pw2"));
    }
  });

  it("rate-law reactions (leaky ReLU) are added in JS around the kernels", () => {
    const ir = mustCompile(`import std/leaky_relu\nnetwork n { input 2  dense 3 leaky_relu  dense 1 leaky_relu }\ntrain n on "${data}" { eta 0.01 }`, {
      file: join(tmp, "l.crnn"),
    });
    expect(ir.reactions.some((r) => r.rate.kind !== "mass")).toBe(true);
    agree(run(ir, "wasm"), run(ir, "table"));
  });

  it("an explicit JS solve with a 2×2 block next to a 3×3 one matches the default path", () => {
    const ir = mustCompile("crn t { init A = 1, B = 0.5, C = 1, D = 0, E = 0.2  A -> B @ 2  B -> A @ 1  C -> D @ 1  D -> E @ 1.5  E -> C @ 0.7 }");
    const end = (solve?: "table" | "levels" | "straight") => {
      const x = Float64Array.from(ir.species, (sp) => sp.init);
      new Rosenbrock(compileModel(ir), { ...(solve ? { solve } : {}), rtol: 1e-9, atol: 1e-12 }).integrate(x, 0, 5);
      return x;
    };
    const ref = end();
    // A ⇄ B relaxes to 2A = B with A + B = 1.5.
    const idx = speciesIndex(ir);
    expect(Math.abs(ref[idx.get("A")!]! - 0.5)).toBeLessThan(1e-6);
    expect(Math.abs(ref[idx.get("B")!]! - 1)).toBeLessThan(1e-6);
    for (const solve of ["table", "levels", "straight"] as const) agree(end(solve), ref);
  });

  it("atol = 0 with an odd number of species (the SIMD padding lane is 0/0): A → B → C matches its closed form", () => {
    const ir = mustCompile("crn t { init A = 1, B = 0.5, C = 0.25  A -> B @ 1  B -> C @ 2 }");
    expect(ir.species).toHaveLength(3);
    const x = Float64Array.from(ir.species, (sp) => sp.init);
    new Rosenbrock(compileModel(ir), { rtol: 1e-9, atol: 0 }).integrate(x, 0, 1);
    // A = e^{−t}, B' = A − 2B: B = e^{−t} − e^{−2t} + 0.5 e^{−2t}; C = 1.75 − A − B.
    const [a, b] = [Math.exp(-1), Math.exp(-1) - 0.5 * Math.exp(-2)];
    const idx = speciesIndex(ir);
    expect(Math.abs(x[idx.get("A")!]! - a)).toBeLessThan(1e-7);
    expect(Math.abs(x[idx.get("B")!]! - b)).toBeLessThan(1e-7);
    expect(Math.abs(x[idx.get("C")!]! - (1.75 - a - b))).toBeLessThan(1e-7);
  });

  it("a state changed by onStep is where the integration continues", () => {
    const ir = mustCompile("crn t { init A = 1, B = 0  A -> 0 @ 1  B -> B + A @ 0 }");
    const x = Float64Array.from(ir.species, (sp) => sp.init);
    let calls = 0;
    new Rosenbrock(compileModel(ir), {}).integrate(x, 0, 2, (t, xs) => {
      calls++;
      xs[1] = t; // B has no dynamics: it keeps what the callback writes
      if (t >= 1 && xs[0]! < 0.9) xs[0] = 1; // a clamp: A restarts at 1 once, at t ≥ 1
    });
    expect(calls).toBeGreaterThan(2);
    expect(x[1]).toBe(2);
    expect(x[0]!).toBeGreaterThan(Math.exp(-1.01));
  });

  it("kernels longer than one generated function (rates and Jacobian over several chunks) equal the table evaluators", () => {
    // 4000 species in a ring with catalysis: 12 000 reactions, over 1 MB of straight-line code
    // (functions are cut at 512 KiB, so rates or Jacobian span several).
    const N = 4000;
    const lines = Array.from(
      { length: N },
      (_, i) =>
        `  s${i} -> s${(i + 1) % N} @ ${1 + (i % 7) / 10}\n  s${i} + s${(i + 5) % N} -> s${i} + s${(i + 5) % N} + s${(i + 9) % N} @ 0.01\n  2 s${i} -> s${i} @ 0.3`,
    );
    const ir = mustCompile(`crn big {\n  init ${Array.from({ length: N }, (_, i) => `s${i} = ${(i % 5) / 4}`).join(", ")}\n${lines.join("\n")}\n}`);
    const md = compileModel(ir);
    const arena = new Arena(Arena.size([md.m, md.n, md.n, md.jCol.length, md.cRow.length]));
    const w = wasmKernels(md, arena, undefined);
    expect(w.bytes).toBeGreaterThan(2 << 19);
    w.syncRates();
    const [x, dx, jv, cv] = [md.n, md.n, md.jCol.length, md.cRow.length].map((len) => arena.alloc(len));
    const r = mulberry32(8);
    x!.forEach((_, q) => (x![q] = r()));
    w.rhs(x!, dx!);
    w.jac(x!, jv!, cv!);
    const ref = new Float64Array(md.n);
    const jRef = new Float64Array(md.jCol.length);
    tableRhs(md, x!, ref);
    jacobian(md, x!, jRef);
    dx!.forEach((v, q) => expect(Math.abs(v - ref[q]!)).toBeLessThan(1e-12));
    jv!.forEach((v, q) => expect(Math.abs(v - jRef[q]!)).toBeLessThan(1e-12));
  });

  it("training through the default (WebAssembly) path and the JS path gives the same history", () => {
    const ir = mustCompile(
      `import std/smooth_relu\nnetwork n { input 2  dense 3 smooth_relu(h: 1)  dense 1 smooth_relu(h: 1) }\ntrain n on "${data}" { eta 0.05  period 30  iterations 40  evaluate every 10  seed 3 }`,
      { file: join(tmp, "t.crnn") },
    );
    const a = train(ir, {});
    const b = train(ir, { evaluation: "codegen" });
    expect(a.history.length).toBe(b.history.length);
    a.history.forEach((e, i) => expect(Math.abs(e.trainError - b.history[i]!.trainError)).toBeLessThan(1e-8));
  });
});
