// The Rosenbrock integrator's vector arithmetic in WebAssembly SIMD: stage arguments, the
// stage couplings Σ c_ij/h u_j, the new state with its error norm, and the norms of the
// coupling sweeps. These loops were a third of a step in JS (about 0.6 ns per element and
// coefficient); two-lane f64x2 loops with the tableau's coefficients as constants and the
// vectors at fixed addresses in the arena run them several times faster (bench/sim.mjs).
//
//   Rodas5, stage 3:  ytmp = x + 3.04·u0 + 1.04·u1       (arg(2))
//                     u2 += (−21.0·u0 − 7.23·u1) / h      (couple(2, 1/h))

import { ModuleWriter, OP, SIMD, I32, F64, V128, type FuncWriter } from "./emit.js";
import type { Arena } from "./kernels.js";

/** The transformed tableau the kernels are generated from (see rosenbrock.ts). */
export interface StageTableau {
  at: number[][];
  c: number[][];
  m: number[];
  e: number[];
  /** Stage i's argument is the previous one plus u_{i−1}. */
  inc: boolean[];
  /** y₁ is the last argument plus the last increment. */
  incM: boolean;
  /** accept() clips at zero (false for an imported model, whose values may be negative). */
  clip?: boolean;
}

/** The integrator's vectors (arena views of length n). */
export interface StageVectors {
  x: Float64Array;
  ytmp: Float64Array;
  ynew: Float64Array;
  wt: Float64Array;
  u: Float64Array[];
  /** The coupling part J_U: values cv (arena) at rows/columns row, col (arena copies). */
  coupling: { cv: Float64Array; row: Int32Array; col: Int32Array };
}

export interface StageKernels {
  /** ytmp = x + Σ_j at[i][j] u_j, or ytmp += u_{i−1} on a stiffly accurate tail. */
  arg(i: number): void;
  /** u_i += (1/h) Σ_j c[i][j] u_j. */
  couple(i: number, invh: number): void;
  /**
   * ynew = y₁; returns Σ_q (err_q / sc_q)² with err = Σ e_j u_j and sc_q = atol + rtol·max(|x_q|,
   * |ynew_q|), at least the smallest normal double (so atol = 0 at a zero concentration, or in
   * the padding lane, gives 0/tiny rather than 0/0).
   */
  finish(rtol: number, atol: number): number;
  /** x = max(ynew, 0) (NaN → 0); x = ynew when the tableau says `clip: false`. */
  accept(): void;
  /** wt = 1 / (atol + rtol |x|), the denominator at least the smallest normal double (see `finish`). */
  weights(rtol: number, atol: number): void;
  /** max_q |v_q| wt_q. */
  wmax(v: Float64Array): number;
  /** r += d; returns max_q |d_q| wt_q. */
  addMax(r: Float64Array, d: Float64Array): number;
  /** d = J_U src. */
  couplingProduct(src: Float64Array, d: Float64Array): void;
}

/** The smallest normal double: the floor of the error scales. */
const MIN_NORMAL = 2.2250738585072014e-308;

export function stageKernels(T: StageTableau, v: StageVectors, arena: Arena): StageKernels {
  const n = v.x.length;
  const S = T.m.length;
  const bytes = 16 * Math.ceil(n / 2);
  const mod = new ModuleWriter(arena.pages);
  const at = (a: Float64Array) => a.byteOffset;

  // for (i = 0; i < bytes; i += 16) body(i)
  const loop = (f: FuncWriter, body: (i: number) => void) => {
    if (bytes === 0) return; // no species: nothing to do (the loop below runs at least once)
    const i = f.local(I32);
    f.op(OP.loop).byte(0x40);
    body(i);
    f.op(OP.localGet).u32(i).op(OP.i32Const).i32(16).op(OP.i32Add).op(OP.localTee).u32(i);
    f.op(OP.i32Const).i32(bytes).op(OP.i32LtU).op(OP.brIf).u32(0);
    f.op(OP.end);
  };
  const load = (f: FuncWriter, i: number, a: Float64Array) => f.op(OP.localGet).u32(i).simd(SIMD.v128Load).mem128(at(a));
  // Address i + param p: for vectors passed by the caller.
  const loadP = (f: FuncWriter, i: number, p: number) => f.op(OP.localGet).u32(i).op(OP.localGet).u32(p).op(OP.i32Add).simd(SIMD.v128Load).mem128(0);
  const splatConst = (f: FuncWriter, c: number) => {
    const l = f.local(V128);
    f.op(OP.f64Const).f64(c).simd(SIMD.f64x2Splat).op(OP.localSet).u32(l);
    return l;
  };
  // Push base + Σ coef_j u_j (zero coefficients skipped), coefficient locals prepared by the caller.
  const lincomb = (f: FuncWriter, i: number, base: Float64Array | undefined, terms: { l: number; u: Float64Array }[]) => {
    if (base) load(f, i, base);
    terms.forEach((t, k) => {
      f.op(OP.localGet).u32(t.l);
      load(f, i, t.u);
      f.simd(SIMD.f64x2Mul);
      if (base || k > 0) f.simd(SIMD.f64x2Add);
    });
    if (!base && terms.length === 0) f.op(OP.f64Const).f64(0).simd(SIMD.f64x2Splat);
  };
  const horizontal = (f: FuncWriter, acc: number, op: number) => {
    f.op(OP.localGet).u32(acc).simd(SIMD.f64x2ExtractLane).byte(0);
    f.op(OP.localGet).u32(acc).simd(SIMD.f64x2ExtractLane).byte(1);
    f.op(op);
  };

  const argFns: (FuncWriter | undefined)[] = [];
  const coupleFns: (FuncWriter | undefined)[] = [];
  for (let s = 0; s < S; s++) {
    const a = T.at[s]!;
    if (T.inc[s]) {
      const f = mod.func([], []);
      loop(f, (i) => {
        f.op(OP.localGet).u32(i);
        load(f, i, v.ytmp);
        load(f, i, v.u[s - 1]!);
        f.simd(SIMD.f64x2Add).simd(SIMD.v128Store).mem128(at(v.ytmp));
      });
      f.op(OP.end);
      argFns.push(f);
    } else if (a.length) {
      const f = mod.func([], []);
      const terms = a.flatMap((c, j) => (c === 0 ? [] : [{ l: splatConst(f, c), u: v.u[j]! }]));
      loop(f, (i) => {
        f.op(OP.localGet).u32(i);
        lincomb(f, i, v.x, terms);
        f.simd(SIMD.v128Store).mem128(at(v.ytmp));
      });
      f.op(OP.end);
      argFns.push(f);
    } else argFns.push(undefined);
    const c = T.c[s]!;
    if (c.some((x) => x !== 0)) {
      const f = mod.func([F64], []);
      // Coefficients c_ij / h, splatted once.
      const terms = c.flatMap((cj, j) => {
        if (cj === 0) return [];
        const l = f.local(V128);
        f.op(OP.f64Const).f64(cj).op(OP.localGet).u32(0).op(OP.f64Mul).simd(SIMD.f64x2Splat).op(OP.localSet).u32(l);
        return [{ l, u: v.u[j]! }];
      });
      loop(f, (i) => {
        f.op(OP.localGet).u32(i);
        lincomb(f, i, v.u[s]!, terms);
        f.simd(SIMD.v128Store).mem128(at(v.u[s]!));
      });
      f.op(OP.end);
      coupleFns.push(f);
    } else coupleFns.push(undefined);
  }

  // finish(rtol, atol) → Σ r²
  const finish = mod.func([F64, F64], [F64]);
  {
    const f = finish;
    const rt = f.local(V128);
    const ab = f.local(V128);
    const tiny = splatConst(f, MIN_NORMAL);
    const acc = f.local(V128);
    const y = f.local(V128);
    const r = f.local(V128);
    f.op(OP.localGet).u32(0).simd(SIMD.f64x2Splat).op(OP.localSet).u32(rt);
    f.op(OP.localGet).u32(1).simd(SIMD.f64x2Splat).op(OP.localSet).u32(ab);
    const mTerms = T.incM ? [] : T.m.flatMap((c, j) => (c === 0 ? [] : [{ l: splatConst(f, c), u: v.u[j]! }]));
    const eTerms = T.e.flatMap((c, j) => (c === 0 ? [] : [{ l: splatConst(f, c), u: v.u[j]! }]));
    loop(f, (i) => {
      // y = ytmp + u_last or x + Σ m_j u_j; store it.
      if (T.incM) {
        load(f, i, v.ytmp);
        load(f, i, v.u[S - 1]!);
        f.simd(SIMD.f64x2Add);
      } else lincomb(f, i, v.x, mTerms);
      f.op(OP.localSet).u32(y);
      f.op(OP.localGet).u32(i).op(OP.localGet).u32(y).simd(SIMD.v128Store).mem128(at(v.ynew));
      // r = err / (atol + rtol·max(|x|, |y|)); acc += r².
      lincomb(f, i, undefined, eTerms);
      f.op(OP.localGet).u32(tiny).op(OP.localGet).u32(ab).op(OP.localGet).u32(rt);
      load(f, i, v.x);
      f.simd(SIMD.f64x2Abs);
      f.op(OP.localGet).u32(y).simd(SIMD.f64x2Abs).simd(SIMD.f64x2Max);
      f.simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).simd(SIMD.f64x2Pmax).simd(SIMD.f64x2Div).op(OP.localTee).u32(r);
      f.op(OP.localGet).u32(r).simd(SIMD.f64x2Mul);
      f.op(OP.localGet).u32(acc).simd(SIMD.f64x2Add).op(OP.localSet).u32(acc);
    });
    horizontal(f, acc, OP.f64Add);
    f.op(OP.end);
  }
  // accept(): x = pmax(0, ynew), which maps NaN and −0 to +0 as `y > 0 ? y : 0` does.
  const accept = mod.func([], []);
  {
    const f = accept;
    const zero = splatConst(f, 0);
    loop(f, (i) => {
      f.op(OP.localGet).u32(i);
      if (T.clip === false) load(f, i, v.ynew);
      else {
        f.op(OP.localGet).u32(zero);
        load(f, i, v.ynew);
        f.simd(SIMD.f64x2Pmax);
      }
      f.simd(SIMD.v128Store).mem128(at(v.x));
    });
    f.op(OP.end);
  }
  // weights(rtol, atol): wt = 1 / (atol + rtol |x|)
  const weights = mod.func([F64, F64], []);
  {
    const f = weights;
    const one = splatConst(f, 1);
    const tiny = splatConst(f, MIN_NORMAL);
    const rt = f.local(V128);
    const ab = f.local(V128);
    f.op(OP.localGet).u32(0).simd(SIMD.f64x2Splat).op(OP.localSet).u32(rt);
    f.op(OP.localGet).u32(1).simd(SIMD.f64x2Splat).op(OP.localSet).u32(ab);
    loop(f, (i) => {
      f.op(OP.localGet).u32(i).op(OP.localGet).u32(one).op(OP.localGet).u32(tiny).op(OP.localGet).u32(ab).op(OP.localGet).u32(rt);
      load(f, i, v.x);
      f.simd(SIMD.f64x2Abs).simd(SIMD.f64x2Mul).simd(SIMD.f64x2Add).simd(SIMD.f64x2Pmax).simd(SIMD.f64x2Div).simd(SIMD.v128Store).mem128(at(v.wt));
    });
    f.op(OP.end);
  }
  // Weighted max norms. f64x2.max is NaN-propagating, which V8 emits as a sequence of
  // instructions; pmax (`a < b ? b : a`) is one maxpd but drops NaN, so a running sum of the
  // same values carries non-finiteness: the result is max + (sum − sum), NaN if any is not finite.
  const maxNorm = (f: FuncWriter, value: (i: number) => void) => {
    const acc = f.local(V128);
    const sum = f.local(V128);
    const a = f.local(V128);
    loop(f, (i) => {
      value(i);
      f.op(OP.localSet).u32(a);
      f.op(OP.localGet).u32(acc).op(OP.localGet).u32(a).simd(SIMD.f64x2Pmax).op(OP.localSet).u32(acc);
      f.op(OP.localGet).u32(sum).op(OP.localGet).u32(a).simd(SIMD.f64x2Add).op(OP.localSet).u32(sum);
    });
    horizontal(f, acc, OP.f64Max);
    const s = f.local(F64);
    horizontal(f, sum, OP.f64Add);
    f.op(OP.localTee).u32(s).op(OP.localGet).u32(s).op(OP.f64Sub).op(OP.f64Add);
  };
  // wmax(v) = max |v| wt
  const wmax = mod.func([I32], [F64]);
  maxNorm(wmax, (i) => {
    loadP(wmax, i, 0);
    wmax.simd(SIMD.f64x2Abs);
    load(wmax, i, v.wt);
    wmax.simd(SIMD.f64x2Mul);
  });
  wmax.op(OP.end);
  // addMax(r, d): r += d; max |d| wt
  const addMax = mod.func([I32, I32], [F64]);
  {
    const f = addMax;
    const d = f.local(V128);
    maxNorm(f, (i) => {
      loadP(f, i, 1);
      f.op(OP.localSet).u32(d);
      f.op(OP.localGet).u32(i).op(OP.localGet).u32(0).op(OP.i32Add);
      loadP(f, i, 0);
      f.op(OP.localGet).u32(d).simd(SIMD.f64x2Add).simd(SIMD.v128Store).mem128(0);
      f.op(OP.localGet).u32(d).simd(SIMD.f64x2Abs);
      load(f, i, v.wt);
      f.simd(SIMD.f64x2Mul);
    });
    f.op(OP.end);
  }

  // couplingProduct(src, d): d = 0, then d[row[q]] += cv[q] · src[col[q]] over J_U's entries.
  const product = mod.func([I32, I32], []);
  {
    const f = product;
    const zero = splatConst(f, 0);
    loop(f, (i) => {
      f.op(OP.localGet).u32(i).op(OP.localGet).u32(1).op(OP.i32Add).op(OP.localGet).u32(zero).simd(SIMD.v128Store).mem128(0);
    });
    const { cv, row, col } = v.coupling;
    if (cv.length) {
      const q = f.local(I32);
      const addr = f.local(I32);
      // Address p + 8·table[q] for an i32 table.
      const indexed = (p: number, table: Int32Array) => {
        f.op(OP.localGet).u32(p).op(OP.localGet).u32(q).op(OP.i32Load).mem32(table.byteOffset);
        f.op(OP.i32Const).i32(3).op(OP.i32Shl).op(OP.i32Add);
      };
      f.op(OP.loop).byte(0x40);
      indexed(1, row);
      f.op(OP.localTee).u32(addr).op(OP.localGet).u32(addr).op(OP.f64Load).mem(0);
      // cv[q]: byte offset 2q (q steps by 4 bytes over the i32 tables).
      f.op(OP.localGet).u32(q).op(OP.localGet).u32(q).op(OP.i32Add).op(OP.f64Load).mem(cv.byteOffset);
      indexed(0, col);
      f.op(OP.f64Load).mem(0).op(OP.f64Mul).op(OP.f64Add).op(OP.f64Store).mem(0);
      f.op(OP.localGet).u32(q).op(OP.i32Const).i32(4).op(OP.i32Add).op(OP.localTee).u32(q);
      f.op(OP.i32Const)
        .i32(4 * cv.length)
        .op(OP.i32LtU)
        .op(OP.brIf)
        .u32(0);
      f.op(OP.end);
    }
    f.op(OP.end);
  }

  const names: [string, FuncWriter | undefined][] = [
    ...argFns.map((f, s) => [`arg${s}`, f] as [string, FuncWriter | undefined]),
    ...coupleFns.map((f, s) => [`couple${s}`, f] as [string, FuncWriter | undefined]),
    ["finish", finish],
    ["accept", accept],
    ["weights", weights],
    ["wmax", wmax],
    ["addMax", addMax],
    ["product", product],
  ];
  for (const [name, f] of names) if (f) mod.export(name, f);
  const ex = new WebAssembly.Instance(new WebAssembly.Module(mod.bytes()), { env: { memory: arena.memory } }).exports as Record<
    string,
    (...a: number[]) => number
  >;
  const noop = () => 0;
  const args = argFns.map((_, s) => ex[`arg${s}`] ?? noop);
  const couples = coupleFns.map((_, s) => ex[`couple${s}`] ?? noop);
  const { finish: fin, accept: acc, weights: wts, wmax: wm, addMax: am, product: prod } = ex as Record<string, (...a: number[]) => number>;
  return {
    arg: (i) => void args[i]!(),
    couple: (i, invh) => void couples[i]!(invh),
    finish: (rtol, atol) => fin!(rtol, atol),
    accept: () => void acc!(),
    weights: (rtol, atol) => void wts!(rtol, atol),
    wmax: (a) => wm!(a.byteOffset),
    addMax: (r, d) => am!(r.byteOffset, d.byteOffset),
    couplingProduct: (src, d) => void prod!(src.byteOffset, d.byteOffset),
  };
}
