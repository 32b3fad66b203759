// The integrator's inner kernels compiled to WebAssembly: the mass-action right-hand side, its
// Jacobian, the factorisation's 1×1 part and the block-triangular forward substitution, each as
// straight-line code (one statement per reaction or row, addresses as constant offsets). Why not generated JS
// (codegen.ts)? V8 interprets a large generated JS function until it has run ~10³ times, which
// costs the first training iteration ≈ 100 ms, and optimised JS still bounds-checks every typed
// array access; WebAssembly is compiled before its first call and needs no checks (bench/sim.mjs
// measures both). Everything the kernels touch lives in one `Arena` (a WebAssembly.Memory);
// rate constants are copied in by the caller (`syncRates`) whenever they may have changed.
//
//   2 X -> X @ k (r = 4, X = 7):   rhs:  dx[7] -= k[4]·x[7]·x[7]
//                                  jac:  jv[12] += −1·k[4]·2·x[7]

import { ModuleWriter, OP, I32, F64, type FuncWriter } from "./emit.js";
import type { CompiledModel } from "../model.js";
import type { SolvePlan } from "../linear.js";

/**
 * Float64 vectors carved out of one WebAssembly memory, sized up front (growing would detach
 * views). Each vector starts on a 16-byte boundary and owns an even number of doubles, so
 * two-lane SIMD loops (stages.ts) can run past an odd length over zeros.
 */
export class Arena {
  readonly memory: WebAssembly.Memory;
  private next = 0;
  constructor(readonly doubles: number) {
    if (typeof WebAssembly === "undefined") throw new Error("the simulator needs WebAssembly, which this JavaScript engine does not provide (node --jitless?)");
    this.memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((doubles * 8) / 65536)) });
  }

  /** Doubles that vectors of these lengths take. */
  static size(lengths: number[]): number {
    return lengths.reduce((a, n) => a + padded(n), 0);
  }

  alloc(n: number): Float64Array<ArrayBuffer> {
    if (this.next + padded(n) > this.doubles) throw new RangeError(`arena exhausted (${this.doubles} doubles)`);
    const v = new Float64Array(this.memory.buffer, this.next * 8, n);
    this.next += padded(n);
    return v;
  }

  /** A copy of `a` in the arena (index tables for the kernels' loops); takes ⌈n/2⌉ doubles. */
  int32(a: Int32Array): Int32Array<ArrayBuffer> {
    const d = this.alloc(Math.ceil(a.length / 2));
    const v = new Int32Array(d.buffer, d.byteOffset, a.length);
    v.set(a);
    return v;
  }

  get pages(): number {
    return this.memory.buffer.byteLength / 65536;
  }
}

/** Doubles a vector of length n occupies in an arena. */
export const padded = (n: number): number => n + (n & 1);

/**
 * Bytes of straight-line code per generated function: V8 refuses a function body over
 * 7 654 321 bytes, and smaller functions compile sooner and in parallel. One statement (a
 * reaction, a row of the solve) can exceed it only with ~500 000 terms; `wasmKernels` then
 * throws and the caller falls back to JS.
 */
const CHUNK_BYTES = 1 << 19;

export interface WasmKernels {
  /** dx = f(x) for the mass-action reactions (rate laws are the caller's). */
  rhs(x: Float64Array, dx: Float64Array): void;
  /** jv += J_L, cv += J_U for the mass-action reactions, into zeroed arrays. */
  jac(x: Float64Array, jv: Float64Array, cv: Float64Array): void;
  /** r ← M⁻¹ r with the plan's factors and Jacobian values jv (absent without a plan). */
  solve?(jv: Float64Array, r: Float64Array): void;
  /** The plan's 1×1 factors for M = cI − J (2×2 blocks are the solver's); non-finite if singular. */
  factor?(c: number, jv: Float64Array): number;
  /** Copy the model's current rate constants into the kernels' memory. */
  syncRates(): void;
  /** Module size in bytes. */
  bytes: number;
}

/** The kernels for `md`; without a solve plan (a block larger than 2×2), `solve` is absent. */
export function wasmKernels(md: CompiledModel, arena: Arena, plan: SolvePlan | undefined): WasmKernels {
  const k = arena.alloc(md.m);
  const K = k.byteOffset;
  const mod = new ModuleWriter(arena.pages);

  // Chunked straight-line functions f(params) plus a driver that calls them in order; with
  // `sum`, each chunk returns its first temporary and the driver returns their sum.
  const chunked = (name: string, params: number[], items: number, emit: (f: FuncWriter, i: number, tmp: number[]) => void, sum = false) => {
    const result = sum ? [F64] : [];
    const driver = mod.func(params, result);
    mod.export(name, driver);
    for (let i = 0, first = true; i < items || first; first = false) {
      const f = mod.func(params, result);
      const tmp = [f.local(F64), f.local(F64)];
      while (i < items && f.length < CHUNK_BYTES) emit(f, i++, tmp);
      if (sum) f.op(OP.localGet).u32(tmp[0]!);
      f.op(OP.end);
      for (let p = 0; p < params.length; p++) driver.op(OP.localGet).u32(p);
      driver.op(OP.call).u32(f.index);
      if (sum && !first) driver.op(OP.f64Add);
    }
    driver.op(OP.end);
  };
  // Push x[s]^o (o ≥ 1) read from base parameter `xb`.
  const power = (f: FuncWriter, xb: number, s: number, o: number) => {
    f.op(OP.localGet)
      .u32(xb)
      .op(OP.f64Load)
      .mem(8 * s);
    for (let i = 1; i < o; i++)
      f.op(OP.localGet)
        .u32(xb)
        .op(OP.f64Load)
        .mem(8 * s)
        .op(OP.f64Mul);
  };
  // mem[base + 8 i] += c · (value in local v).
  const addTo = (f: FuncWriter, base: number, offset: number, c: number, v: number) => {
    f.op(OP.localGet).u32(base);
    f.op(OP.localGet).u32(base).op(OP.f64Load).mem(offset);
    f.op(OP.localGet).u32(v);
    if (c === 1) f.op(OP.f64Add);
    else if (c === -1) f.op(OP.f64Sub);
    else f.op(OP.f64Const).f64(c).op(OP.f64Mul).op(OP.f64Add);
    f.op(OP.f64Store).mem(offset);
  };

  const { rStart, rs, rn, nStart, ns, nv, eStart, eSlot, eCoef, ceStart, ceIdx, ceCoef, isLaw } = md;
  // rhs(x, dx)
  chunked("rhs", [I32, I32], md.m, (f, r, [v]) => {
    if (isLaw[r]) return;
    f.op(OP.i32Const)
      .i32(0)
      .op(OP.f64Load)
      .mem(K + 8 * r);
    for (let e = rStart[r]!; e < rStart[r + 1]!; e++) {
      power(f, 0, rs[e]!, rn[e]!);
      f.op(OP.f64Mul);
    }
    f.op(OP.localSet).u32(v!);
    for (let q = nStart[r]!; q < nStart[r + 1]!; q++) addTo(f, 1, 8 * ns[q]!, nv[q]!, v!);
  });
  // jac(x, jv, cv)
  chunked("jac", [I32, I32, I32], md.m, (f, r, [d]) => {
    if (isLaw[r]) return;
    for (let e = rStart[r]!; e < rStart[r + 1]!; e++) {
      if (eStart[e] === eStart[e + 1] && ceStart[e] === ceStart[e + 1]) continue;
      const o = rn[e]!;
      f.op(OP.i32Const)
        .i32(0)
        .op(OP.f64Load)
        .mem(K + 8 * r);
      if (o > 1) {
        f.op(OP.f64Const).f64(o).op(OP.f64Mul);
        power(f, 0, rs[e]!, o - 1);
        f.op(OP.f64Mul);
      }
      for (let g = rStart[r]!; g < rStart[r + 1]!; g++) {
        if (g === e) continue;
        power(f, 0, rs[g]!, rn[g]!);
        f.op(OP.f64Mul);
      }
      f.op(OP.localSet).u32(d!);
      for (let q = eStart[e]!; q < eStart[e + 1]!; q++) addTo(f, 1, 8 * eSlot[q]!, eCoef[q]!, d!);
      for (let q = ceStart[e]!; q < ceStart[e + 1]!; q++) addTo(f, 2, 8 * ceIdx[q]!, ceCoef[q]!, d!);
    }
  });
  if (plan) {
    solveKernel(plan);
    factorKernel(plan);
  }
  // factor(jv, c): dinv[t] = 1 / (c − J[t,t]), lVal[q] = jv[lSlot[q]]; returns Σ (dinv − dinv),
  // which is 0 unless some dinv is infinite or NaN.
  function factorKernel(plan: SolvePlan): void {
    const D = plan.dinv.byteOffset;
    const L = plan.lVal.byteOffset;
    const n = plan.diagSlot.length;
    chunked(
      "factor",
      [I32, F64],
      n + plan.lSlot.length,
      (f, i, [acc, d]) => {
        if (i >= n) {
          const q = i - n;
          f.op(OP.i32Const)
            .i32(0)
            .op(OP.localGet)
            .u32(0)
            .op(OP.f64Load)
            .mem(8 * plan.lSlot[q]!)
            .op(OP.f64Store)
            .mem(L + 8 * q);
          return;
        }
        const slot = plan.diagSlot[i]!;
        f.op(OP.i32Const).i32(0);
        f.op(OP.f64Const).f64(1).op(OP.localGet).u32(1);
        if (slot >= 0)
          f.op(OP.localGet)
            .u32(0)
            .op(OP.f64Load)
            .mem(8 * slot)
            .op(OP.f64Sub);
        f.op(OP.f64Div)
          .op(OP.localTee)
          .u32(d!)
          .op(OP.f64Store)
          .mem(D + 8 * i);
        f.op(OP.localGet).u32(acc!).op(OP.localGet).u32(d!).op(OP.localGet).u32(d!).op(OP.f64Sub).op(OP.f64Add).op(OP.localSet).u32(acc!);
      },
      true,
    );
  }
  // solve(jv, r): forward substitution in the plan's order.
  function solveKernel(plan: SolvePlan): void {
    const D = plan.dinv.byteOffset;
    const V = plan.pairInv.byteOffset;
    const L = plan.lVal.byteOffset;
    // Push r[t] + Σ J[t, col] · r[col], J's entries read from jv's slots or from lVal (contiguous, faster).
    const rowSum = (f: FuncWriter, t: number, cols: number[], entry: (i: number) => void) => {
      f.op(OP.localGet)
        .u32(1)
        .op(OP.f64Load)
        .mem(8 * t);
      for (let i = 0; i < cols.length; i++) {
        entry(i);
        f.op(OP.localGet)
          .u32(1)
          .op(OP.f64Load)
          .mem(8 * cols[i]!);
        f.op(OP.f64Mul).op(OP.f64Add);
      }
    };
    chunked("solve", [I32, I32], plan.steps.length, (f, i, [a0, a1]) => {
      const s = plan.steps[i]!;
      if (s.kind === "row") {
        f.op(OP.localGet).u32(1);
        rowSum(f, s.t, s.cols, (i) =>
          f
            .op(OP.i32Const)
            .i32(0)
            .op(OP.f64Load)
            .mem(L + 8 * (s.l0 + i)),
        );
        f.op(OP.i32Const)
          .i32(0)
          .op(OP.f64Load)
          .mem(D + 8 * s.t)
          .op(OP.f64Mul);
        f.op(OP.f64Store).mem(8 * s.t);
        return;
      }
      const [sl0, c0, sl1, c1] = s.outside;
      const fromJv = (slots: number[]) => (i: number) =>
        f
          .op(OP.localGet)
          .u32(0)
          .op(OP.f64Load)
          .mem(8 * slots[i]!);
      rowSum(f, s.s0, c0, fromJv(sl0));
      f.op(OP.localSet).u32(a0!);
      rowSum(f, s.s1, c1, fromJv(sl1));
      f.op(OP.localSet).u32(a1!);
      for (const [t, row] of [
        [s.s0, 0],
        [s.s1, 2],
      ] as const) {
        f.op(OP.localGet).u32(1);
        f.op(OP.i32Const)
          .i32(0)
          .op(OP.f64Load)
          .mem(V + 8 * (4 * s.pair + row));
        f.op(OP.localGet).u32(a0!).op(OP.f64Mul);
        f.op(OP.i32Const)
          .i32(0)
          .op(OP.f64Load)
          .mem(V + 8 * (4 * s.pair + row + 1));
        f.op(OP.localGet).u32(a1!).op(OP.f64Mul).op(OP.f64Add);
        f.op(OP.f64Store).mem(8 * t);
      }
    });
  }

  const bytes = mod.bytes();
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { memory: arena.memory },
  });
  const ex = inst.exports as {
    rhs(x: number, dx: number): void;
    jac(x: number, jv: number, cv: number): void;
    solve(jv: number, r: number): void;
    factor(jv: number, c: number): number;
  };
  // Arrays are passed by their byte offset: they must be views of the arena's memory (checking
  // `a.buffer` on every call cost 5% of a step).
  return {
    rhs: (x, dx) => ex.rhs(x.byteOffset, dx.byteOffset),
    jac: (x, jv, cv) => ex.jac(x.byteOffset, jv.byteOffset, cv.byteOffset),
    ...(plan
      ? {
          solve: (jv: Float64Array, r: Float64Array) => ex.solve(jv.byteOffset, r.byteOffset),
          factor: (c: number, jv: Float64Array) => ex.factor(jv.byteOffset, c),
        }
      : {}),
    syncRates: () => k.set(md.k),
    bytes: bytes.length,
  };
}
