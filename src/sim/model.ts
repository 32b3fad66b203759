// Compiles a CRN IR once into flat typed arrays for fast evaluation of the mass-action
// right-hand side and its sparse Jacobian (the same rate convention as ir/mass-action.ts,
// which tests compare against). Changing inputs, parameters or noise draws changes numbers
// in these arrays, never their structure, so nothing is rebuilt during a run or a sweep.
//
//   2 X -> X @ k   →  reactant (X, order 2), net change (X, −1), Jacobian slot J[X, X] += −1·2k·x

import { compileLaw, type CompiledLaw } from "./law-codegen.js";
import { findSwitches, type SwitchSet } from "./switches.js";
import type { ConstExpr, CRN, IRExpr } from "../ir/types.js";
import { netChange, speciesInExpr } from "../ir/queries.js";
import { constValue } from "../ir/parameters.js";

export interface CompiledModel {
  n: number;
  m: number;
  /** Rate constants (mutable: noise writes here). For rate laws unused. */
  k: Float64Array;
  /** Nominal rate constants: each reaction's constant expression at the parameter values `params`. */
  k0: Float64Array;
  /** Parameter values (the IR's table, by index); rate laws read them at every call. Change them with `setParameters`. */
  params: Float64Array;
  /** Each mass-action reaction's rate-constant expression (undefined for a rate law). */
  rateExprs: (ConstExpr | undefined)[];
  // Reactants of reaction r: rs[rStart[r] .. rStart[r+1]) species, rn[...] orders.
  rStart: Int32Array;
  rs: Int32Array;
  rn: Int32Array;
  // Net stoichiometry of reaction r: ns[nStart[r] .. nStart[r+1]) species, nv[...] changes.
  nStart: Int32Array;
  ns: Int32Array;
  nv: Float64Array;
  /** Rate-law reactions' rates, compiled to JavaScript (law-codegen.ts): index → rate function. */
  lawRates: Map<number, (x: Float64Array) => number>;
  /** Jacobian pattern (CSR, rows = species whose derivative, cols = species it depends on). */
  jRowPtr: Int32Array;
  jCol: Int32Array;
  // Jacobian assembly: for reactant entry e (index into rs), list jacobian slots and coefficients.
  eStart: Int32Array;
  eSlot: Int32Array;
  eCoef: Float64Array;
  /** Law reactions' Jacobian: per law reaction, [species it reads, slots per net species]. */
  lawJac: { r: number; deps: number[]; slots: number[][]; grad: CompiledLaw["grad"]; g: Float64Array }[];
  /** Reactant entries kept out of the main Jacobian pattern (see `ModelOptions`). */
  explicitEntries: Uint8Array;
  /** Their Jacobian entries J[cRow, cCol], the "coupling" part J_U; per entry e: cStart/cIdx/cCoef. */
  cRow: Int32Array;
  cCol: Int32Array;
  ceStart: Int32Array;
  ceIdx: Int32Array;
  ceCoef: Float64Array;
  /** Reaction r has a rate law (not mass action). */
  isLaw: Uint8Array;
  /** Scratch for reaction rates. */
  v: Float64Array;
  /** The rate laws' switches (step, comparisons, max/min/abs kinks) and an imported model's event triggers, which the integrators locate; absent when there are none. */
  switches?: SwitchSet;
  /** Accepted steps clip concentrations at zero (Rosenbrock.accept); not for an imported model, whose values may be negative. */
  clip: boolean;
}

export interface ModelOptions {
  /**
   * Split off the dependence of the update reactions on their catalysts (`LW.m -> LW.m + W.p
   * @ η` contributes ∂/∂LW = η only) into a separate "coupling" part J_U of the Jacobian. The
   * rest, J_L, is block lower-triangular for a training CRN (forward + backward are
   * feedback-free), which the linear solver exploits; J_U is small and handled by iteration.
   */
  splitUpdateCatalysis?: boolean;
}

/**
 * Compile an IR for the engine: flat arrays of stoichiometry and rate constants, generated
 * code for rate laws, and the Jacobian's sparsity. The integrators of {@link makeIntegrator}
 * run on it.
 *
 * @example
 * ```ts
 * import { compileFile, compileModel } from "crnnc";
 * const md = compileModel(compileFile("examples/divide.crnn").ir!);
 * console.log(md.n);   // species
 * ```
 */
export function compileModel(ir: CRN, opts: ModelOptions = {}): CompiledModel {
  const n = ir.species.length;
  const m = ir.reactions.length;
  const k = new Float64Array(m);
  const rStart = new Int32Array(m + 1);
  const nStart = new Int32Array(m + 1);
  const rsA: number[] = [];
  const rnA: number[] = [];
  const nsA: number[] = [];
  const nvA: number[] = [];
  const laws = new Map<number, IRExpr>();
  const explicit: number[] = [];
  const params = Float64Array.from(ir.parameters, (p) => p.value);
  const rateExprs: (ConstExpr | undefined)[] = ir.reactions.map((r) => (r.rate.kind === "mass" ? r.rate.k : undefined));
  rateConstants(rateExprs, params, k);
  ir.reactions.forEach((r, i) => {
    rStart[i] = rsA.length;
    nStart[i] = nsA.length;
    if (r.rate.kind === "law") laws.set(i, r.rate.expr);
    const net = netChange(r);
    for (const t of r.reactants) {
      rsA.push(t.s);
      rnA.push(t.n);
      const catalyst = (net.get(t.s) ?? 0) >= 0;
      explicit.push(opts.splitUpdateCatalysis && r.tag === "update" && catalyst ? 1 : 0);
    }
    for (const [s, d] of net) {
      nsA.push(s);
      nvA.push(d);
    }
  });
  rStart[m] = rsA.length;
  nStart[m] = nsA.length;
  const rs = Int32Array.from(rsA);
  const rn = Int32Array.from(rnA);
  const ns = Int32Array.from(nsA);
  const nv = Float64Array.from(nvA);
  const explicitEntries = Uint8Array.from(explicit);

  // Jacobian pattern: J[t, s] for every net species t of a reaction and every reactant s.
  const rows: Set<number>[] = Array.from({ length: n }, () => new Set<number>());
  const lawDeps = new Map<number, number[]>();
  for (let r = 0; r < m; r++) {
    const law = laws.get(r);
    const deps = law ? [...speciesInExpr(law)].sort((a, b) => a - b) : [];
    if (law) lawDeps.set(r, deps);
    for (let q = nStart[r]!; q < nStart[r + 1]!; q++) {
      const t = ns[q]!;
      if (law) for (const s of deps) rows[t]!.add(s);
      else for (let e = rStart[r]!; e < rStart[r + 1]!; e++) if (!explicitEntries[e]) rows[t]!.add(rs[e]!);
    }
  }
  const jRowPtr = new Int32Array(n + 1);
  const colsA: number[] = [];
  const slotOf: Map<number, number>[] = [];
  for (let t = 0; t < n; t++) {
    jRowPtr[t] = colsA.length;
    const cols = [...rows[t]!].sort((a, b) => a - b);
    const map = new Map<number, number>();
    for (const c of cols) {
      map.set(c, colsA.length);
      colsA.push(c);
    }
    slotOf.push(map);
  }
  jRowPtr[n] = colsA.length;
  const eStart = new Int32Array(rs.length + 1);
  const eSlotA: number[] = [];
  const eCoefA: number[] = [];
  for (let r = 0; r < m; r++) {
    for (let e = rStart[r]!; e < rStart[r + 1]!; e++) {
      eStart[e] = eSlotA.length;
      if (laws.has(r) || explicitEntries[e]) continue;
      for (let q = nStart[r]!; q < nStart[r + 1]!; q++) {
        eSlotA.push(slotOf[ns[q]!]!.get(rs[e]!)!);
        eCoefA.push(nv[q]!);
      }
    }
  }
  eStart[rs.length] = eSlotA.length;
  // Coupling entries J_U, one per (row, col) pair.
  const cKey = new Map<string, number>();
  const cRowA: number[] = [];
  const cColA: number[] = [];
  const ceStart = new Int32Array(rs.length + 1);
  const ceIdxA: number[] = [];
  const ceCoefA: number[] = [];
  for (let r = 0; r < m; r++) {
    for (let e = rStart[r]!; e < rStart[r + 1]!; e++) {
      ceStart[e] = ceIdxA.length;
      if (!explicitEntries[e]) continue;
      for (let q = nStart[r]!; q < nStart[r + 1]!; q++) {
        const key = `${ns[q]},${rs[e]}`;
        let c = cKey.get(key);
        if (c === undefined) {
          cKey.set(key, (c = cRowA.length));
          cRowA.push(ns[q]!);
          cColA.push(rs[e]!);
        }
        ceIdxA.push(c);
        ceCoefA.push(nv[q]!);
      }
    }
  }
  ceStart[rs.length] = ceIdxA.length;
  const switches = findSwitches([...laws.values(), ...(ir.imported?.events.map((e) => e.trigger) ?? [])], params);
  const compiled = new Map([...laws].map(([r, e]) => [r, compileLaw(e, lawDeps.get(r) ?? [], params, switches)]));
  const lawJac = [...lawDeps].map(([r, deps]) => ({
    r,
    deps,
    grad: compiled.get(r)!.grad,
    g: new Float64Array(deps.length),
    slots: deps.map((s) => {
      const out: number[] = [];
      for (let q = nStart[r]!; q < nStart[r + 1]!; q++) out.push(slotOf[ns[q]!]!.get(s)!);
      return out;
    }),
  }));
  return {
    n,
    m,
    k,
    k0: Float64Array.from(k),
    params,
    rateExprs,
    rStart,
    rs,
    rn,
    nStart,
    ns,
    nv,
    lawRates: new Map([...compiled].map(([r, c]) => [r, c.rate])),
    jRowPtr,
    jCol: Int32Array.from(colsA),
    eStart,
    eSlot: Int32Array.from(eSlotA),
    eCoef: Float64Array.from(eCoefA),
    lawJac,
    explicitEntries,
    cRow: Int32Array.from(cRowA),
    cCol: Int32Array.from(cColA),
    ceStart,
    ceIdx: Int32Array.from(ceIdxA),
    ceCoef: Float64Array.from(ceCoefA),
    isLaw: Uint8Array.from({ length: m }, (_, r) => (laws.has(r) ? 1 : 0)),
    v: new Float64Array(m),
    ...(switches ? { switches } : {}),
    clip: !ir.imported?.signed,
  };
}

/** Each reaction's rate constant at parameter values p, into k (a rate object shared by many reactions is evaluated once). */
function rateConstants(exprs: readonly (ConstExpr | undefined)[], p: Float64Array, k: Float64Array): void {
  const memo = new Map<ConstExpr, number>();
  for (let r = 0; r < exprs.length; r++) {
    const e = exprs[r];
    if (!e) continue;
    let v = memo.get(e);
    if (v === undefined) memo.set(e, (v = constValue(e, p)));
    k[r] = v;
  }
}

/**
 * New parameter values (the IR's table order) for a compiled model: rate constants follow, rate
 * laws read them from the next call on. Integrators read them once per integrate call, so
 * change them between calls.
 *
 * @example
 * ```ts
 * import { compileFile, compileModel, paramValues, setParameters, withParameters } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const md = compileModel(ir);
 * setParameters(md, paramValues(withParameters(ir, { k_div: 20 })));
 * ```
 */
export function setParameters(md: CompiledModel, values: ArrayLike<number>): void {
  if (values.length !== md.params.length) throw new RangeError(`expected ${md.params.length} parameter values, got ${values.length}`);
  md.params.set(values);
  rateConstants(md.rateExprs, md.params, md.k0);
  md.k.set(md.k0);
}

/** Reaction rates into md.v, then dx/dt into dx. */
export function rhs(md: CompiledModel, x: Float64Array, dx: Float64Array): void {
  const { m, k, rStart, rs, rn, nStart, ns, nv, v } = md;
  dx.fill(0);
  for (let r = 0; r < m; r++) {
    let rate = k[r]!;
    for (let e = rStart[r]!, end = rStart[r + 1]!; e < end; e++) {
      const c = x[rs[e]!]!;
      const o = rn[e]!;
      rate *= o === 1 ? c : o === 2 ? c * c : c ** o;
    }
    v[r] = rate;
  }
  if (md.lawRates.size) for (const [r, law] of md.lawRates) v[r] = law(x);
  for (let r = 0; r < m; r++) {
    const rate = v[r]!;
    if (rate === 0) continue;
    for (let q = nStart[r]!, end = nStart[r + 1]!; q < end; q++) dx[ns[q]!]! += nv[q]! * rate;
  }
}

/**
 * The Jacobian: J_L values in the CSR pattern md.jRowPtr/jCol into jv, and the coupling part
 * J_U (entries md.cRow/cCol) into cv.
 */
export function jacobian(md: CompiledModel, x: Float64Array, jv: Float64Array, cv?: Float64Array): void {
  const { m, k, rStart, rs, rn, eStart, eSlot, eCoef, ceStart, ceIdx, ceCoef, isLaw } = md;
  jv.fill(0);
  cv?.fill(0);
  for (let r = 0; r < m; r++) {
    const s0 = rStart[r]!;
    const s1 = rStart[r + 1]!;
    if (isLaw[r]) continue;
    for (let e = s0; e < s1; e++) {
      const split = ceStart[e] !== ceStart[e + 1];
      if (eStart[e] === eStart[e + 1] && !(split && cv)) continue;
      // ∂/∂x_e of k Π x^n = k n x_e^{n−1} Π_{other} x^n
      let d = k[r]!;
      for (let f = s0; f < s1; f++) {
        const c = x[rs[f]!]!;
        const o = rn[f]!;
        if (f === e) d *= o === 1 ? 1 : o === 2 ? 2 * c : o * c ** (o - 1);
        else d *= o === 1 ? c : o === 2 ? c * c : c ** o;
      }
      if (d === 0) continue;
      for (let q = eStart[e]!, end = eStart[e + 1]!; q < end; q++) jv[eSlot[q]!]! += eCoef[q]! * d;
      if (split && cv) for (let q = ceStart[e]!, end = ceStart[e + 1]!; q < end; q++) cv[ceIdx[q]!]! += ceCoef[q]! * d;
    }
  }
  lawJacobian(md, x, jv);
}

/** Jacobian entries of rate-law reactions (rare): forward-mode derivatives of the law. */
export function lawJacobian(md: CompiledModel, x: Float64Array, jv: Float64Array): void {
  for (const lj of md.lawJac) {
    lj.grad(x, lj.g);
    for (let i = 0; i < lj.deps.length; i++) {
      const d = lj.g[i]!;
      if (d === 0) continue;
      let q = md.nStart[lj.r]!;
      for (const slot of lj.slots[i]!) jv[slot]! += md.nv[q++]! * d;
    }
  }
}

/**
 * The rate-law reactions' share of the right-hand side, added into dx; undefined if the model
 * has none. For evaluators that compile only the mass-action reactions (kernels.ts, wasm/).
 */
export function lawRhs(md: CompiledModel): RhsFn | undefined {
  const { nStart, ns, nv } = md;
  const laws = [...md.lawRates].map(([r, rate]) => ({ rate, q0: nStart[r]!, q1: nStart[r + 1]! }));
  if (!laws.length) return undefined;
  return (x, dx) => {
    for (const l of laws) {
      const v = l.rate(x);
      for (let q = l.q0; q < l.q1; q++) dx[ns[q]!]! += nv[q]! * v;
    }
  };
}

export type RhsFn = (x: Float64Array, dx: Float64Array) => void;
export type JacFn = (x: Float64Array, jv: Float64Array, cv: Float64Array | undefined) => void;

/** The table-driven evaluators (the generated ones are in codegen.ts). */
export function tableEvaluators(md: CompiledModel): { rhs: RhsFn; jac: JacFn } {
  return { rhs: (x, dx) => rhs(md, x, dx), jac: (x, jv, cv) => jacobian(md, x, jv, cv) };
}
