// The linear solver of the implicit integrator, for (c·I − J) u = r with J sparse. The species
// are ordered by the strongly connected components of the Jacobian's dependency graph (Tarjan),
// dependencies first, which puts J in block lower-triangular form — what KLU calls BTF. A
// training CRN (forward + backward feedback-free, update catalysis left out of J) has only
// 1×1 blocks, so "factoring" is inverting a diagonal and solving is one forward substitution
// over the nonzeros; larger blocks (reversible reactions, annihilation pairs) get a small dense LU.
//
//   A ⇄ B, B → C:  blocks {A, B} (2×2 LU) then {C} (scalar)

import type { CompiledModel } from "./model.js";

/** One step of the forward substitution, for code generators (see `inlineSteps`). */
export type SolveStep =
  | { kind: "row"; t: number; l0: number; cols: number[] }
  | {
      kind: "pair";
      s0: number;
      s1: number;
      pair: number;
      outside: [number[], number[], number[], number[]];
    }
  | { kind: "dense"; block: number };

/** A solve without dense blocks, with the arrays its factors live in. */
export interface SolvePlan {
  steps: Exclude<SolveStep, { kind: "dense" }>[];
  /** 1 / (c − J[t,t]) per species. */
  dinv: Float64Array;
  /** The rows' off-diagonal entries of J, contiguous: row step `l0` onwards, copied from jv[lSlot]. */
  lVal: Float64Array;
  lSlot: Int32Array;
  /** Per species the slot of J[t, t] in jv, or −1. */
  diagSlot: Int32Array;
  /** Per 2×2 block, the inverse of its part of M, row-major. */
  pairInv: Float64Array;
}

export class BlockTriangularSolver {
  /** Species in solve order. */
  readonly order: Int32Array;
  /** Block b covers order[blockStart[b] .. blockStart[b+1]). */
  readonly blockStart: Int32Array;
  private readonly n: number;
  private readonly rowPtr: Int32Array;
  private readonly col: Int32Array;
  /** Slot of J[t, t] or −1. */
  private readonly diagSlot: Int32Array;
  /** Block of each species. */
  private readonly blockOf: Int32Array;
  /** 1 / (c − J[t,t]) for species in 1×1 blocks. */
  private dinv: Float64Array;
  /** Dense LU factors of the larger blocks: block → { species, lu, piv }. */
  private readonly dense = new Map<
    number,
    {
      sp: Int32Array;
      lu: Float64Array;
      piv: Int32Array;
      local: Map<number, number>;
      rhs: Float64Array;
    }
  >();
  readonly largestBlock: number;
  /**
   * The off-diagonal entries of the 1×1-block rows, laid out in solve order: row k of the
   * solve (species sRow[k]) uses entries lPtr[k] .. lPtr[k+1] with columns lCol and values
   * copied from jv[lSlot] at factor time, so the many solves per step read contiguous memory.
   */
  private readonly sRow: Int32Array;
  private readonly lPtr: Int32Array;
  private readonly lCol: Int32Array;
  private readonly lSlot: Int32Array;
  private lVal: Float64Array;
  /** Solve order as a list of steps: k ≥ 0 is a 1×1 row (index into sRow), −1 − b a dense block b. */
  private readonly plan: Int32Array;
  /**
   * 2×2 blocks (a weight's two rails under annihilation `W.p + W.m -> 0`, a reversible pair)
   * solved inline by the generated code: per block the slots of J's four entries (−1 if
   * absent), and at factor time the inverse of M's block, row-major.
   */
  private pairs: Int32Array[] = [];
  private pairInv = new Float64Array(0);

  constructor(md: Pick<CompiledModel, "n" | "jRowPtr" | "jCol">) {
    const n = md.n;
    this.n = n;
    this.rowPtr = md.jRowPtr;
    this.col = md.jCol;
    const { order, blockStart } = tarjan(n, md.jRowPtr, md.jCol);
    this.order = order;
    this.blockStart = blockStart;
    this.blockOf = new Int32Array(n);
    let largest = 1;
    for (let b = 0; b + 1 < blockStart.length; b++) {
      const size = blockStart[b + 1]! - blockStart[b]!;
      largest = Math.max(largest, size);
      for (let q = blockStart[b]!; q < blockStart[b + 1]!; q++) this.blockOf[order[q]!] = b;
      if (size > 1) {
        const sp = order.slice(blockStart[b]!, blockStart[b + 1]!);
        const local = new Map<number, number>();
        sp.forEach((s, i) => local.set(s, i));
        this.dense.set(b, {
          sp,
          lu: new Float64Array(size * size),
          piv: new Int32Array(size),
          local,
          rhs: new Float64Array(size),
        });
      }
    }
    this.largestBlock = largest;
    this.diagSlot = new Int32Array(n).fill(-1);
    for (let t = 0; t < n; t++) for (let q = md.jRowPtr[t]!; q < md.jRowPtr[t + 1]!; q++) if (md.jCol[q] === t) this.diagSlot[t] = q;
    this.dinv = new Float64Array(n);
    const sRow: number[] = [];
    const lPtr: number[] = [0];
    const lCol: number[] = [];
    const lSlot: number[] = [];
    const plan: number[] = [];
    for (let b = 0; b + 1 < blockStart.length; b++) {
      if (blockStart[b + 1]! - blockStart[b]! > 1) {
        plan.push(-1 - b);
        continue;
      }
      const t = order[blockStart[b]!]!;
      plan.push(sRow.length);
      sRow.push(t);
      for (let q = md.jRowPtr[t]!; q < md.jRowPtr[t + 1]!; q++) {
        if (md.jCol[q] === t) continue;
        lCol.push(md.jCol[q]!);
        lSlot.push(q);
      }
      lPtr.push(lCol.length);
    }
    this.sRow = Int32Array.from(sRow);
    this.lPtr = Int32Array.from(lPtr);
    this.lCol = Int32Array.from(lCol);
    this.lSlot = Int32Array.from(lSlot);
    this.lVal = new Float64Array(lCol.length);
    this.plan = Int32Array.from(plan);
  }

  /** Prepare to solve with M = c·I − J for Jacobian values jv. Returns false if M is singular. */
  factor(c: number, jv: Float64Array): boolean {
    const { n, diagSlot, dinv, lSlot, lVal } = this;
    if (this.compiledFactor) {
      if (!Number.isFinite(this.compiledFactor(c, jv))) return false;
      return this.factorPairs(c, jv);
    }
    if (this.levels) {
      const { slot, val } = this.levels;
      for (let q = 0; q < slot.length; q++) val[q] = jv[slot[q]!]!;
    } else for (let q = 0; q < lSlot.length; q++) lVal[q] = jv[lSlot[q]!]!;
    for (let t = 0; t < n; t++) {
      const d = c - (diagSlot[t]! >= 0 ? jv[diagSlot[t]!]! : 0);
      dinv[t] = 1 / d;
    }
    if (!this.factorPairs(c, jv)) return false;
    for (const [b, blk] of this.dense) {
      // Pairs solved inline by the generated code need no LU.
      if (this.inlinePairs.has(b)) continue;
      const size = blk.sp.length;
      const a = blk.lu;
      a.fill(0);
      for (let i = 0; i < size; i++) {
        const t = blk.sp[i]!;
        a[i * size + i] = c;
        for (let q = this.rowPtr[t]!; q < this.rowPtr[t + 1]!; q++) {
          const j = blk.local.get(this.col[q]!);
          if (j !== undefined) a[i * size + j]! -= jv[q]!;
        }
      }
      if (!luFactor(a, blk.piv, size)) return false;
    }
    for (let t = 0; t < n; t++) if (!Number.isFinite(dinv[t]!)) return false;
    return true;
  }

  /** The inverses of the 2×2 blocks solved inline; false if one is singular. */
  private factorPairs(c: number, jv: Float64Array): boolean {
    const pi = this.pairInv;
    for (let k = 0; k < this.pairs.length; k++) {
      const sl = this.pairs[k]!;
      const j = (i: number) => (sl[i]! >= 0 ? jv[sl[i]!]! : 0);
      const m00 = c - j(0);
      const m01 = -j(1);
      const m10 = -j(2);
      const m11 = c - j(3);
      const det = m00 * m11 - m01 * m10;
      if (!(Math.abs(det) > 0) || !Number.isFinite(det)) return false;
      pi[4 * k] = m11 / det;
      pi[4 * k + 1] = -m01 / det;
      pi[4 * k + 2] = -m10 / det;
      pi[4 * k + 3] = m00 / det;
    }
    return true;
  }

  /** Solve M u = r in place (r becomes u), with the Jacobian values used in `factor`. */
  solve(jv: Float64Array, r: Float64Array): void {
    if (this.compiled) return this.compiled(jv, r);
    if (this.levels) {
      const lv = this.levels;
      for (const f of lv.fns) f(r, lv.val, this.dinv, lv.row, lv.ptr, lv.col);
      return;
    }
    if (this.generated) {
      for (const f of this.generated) f(r, this.lVal, this.dinv, jv, this, this.pairInv);
      return;
    }
    const { plan, sRow, lPtr, lCol, lVal, dinv } = this;
    for (let p = 0; p < plan.length; p++) {
      const k = plan[p]!;
      if (k >= 0) {
        const t = sRow[k]!;
        let acc = r[t]!;
        for (let q = lPtr[k]!, end = lPtr[k + 1]!; q < end; q++) acc += lVal[q]! * r[lCol[q]!]!;
        r[t] = acc * dinv[t]!;
      } else this.solveDense(-1 - k, jv, r);
    }
  }

  /**
   * Generated straight-line forward substitution (one statement per row), in chunks V8 still
   * optimises; several times faster than the loop above, which remains as the reference.
   */
  private generated:
    ((r: Float64Array, l: Float64Array, d: Float64Array, jv: Float64Array, self: BlockTriangularSolver, v: Float64Array) => void)[] | undefined;
  /** Dense blocks solved inline (2×2) by generated code, so `factor` skips their LU. */
  private inlinePairs = new Set<number>();

  /**
   * The solve order as steps for a code generator: a 1×1 row (its off-diagonal slots and
   * columns), a 2×2 block solved inline (J's slots of the four entries, −1 if absent, and the
   * entries reaching outside the block per row), or a larger dense block (LU at run time).
   * Registers the 2×2 blocks for `factor`, which then computes their inverses.
   */
  private inlineSteps(): SolveStep[] {
    const { plan, sRow, lPtr, lCol } = this;
    this.pairs = [];
    this.inlinePairs.clear();
    const slot = (t: number, c: number) => {
      for (let q = this.rowPtr[t]!; q < this.rowPtr[t + 1]!; q++) if (this.col[q] === c) return q;
      return -1;
    };
    const steps: SolveStep[] = [];
    for (let p = 0; p < plan.length; p++) {
      const k = plan[p]!;
      if (k >= 0) {
        steps.push({
          kind: "row",
          t: sRow[k]!,
          l0: lPtr[k]!,
          cols: Array.from(lCol.subarray(lPtr[k]!, lPtr[k + 1]!)),
        });
        continue;
      }
      const b = -1 - k;
      const blk = this.dense.get(b)!;
      if (blk.sp.length !== 2) {
        steps.push({ kind: "dense", block: b });
        continue;
      }
      const [s0, s1] = blk.sp as unknown as [number, number];
      const outside = (t: number): [number[], number[]] => {
        const slots: number[] = [];
        const cols: number[] = [];
        for (let q = this.rowPtr[t]!; q < this.rowPtr[t + 1]!; q++)
          if (this.blockOf[this.col[q]!] !== b) {
            slots.push(q);
            cols.push(this.col[q]!);
          }
        return [slots, cols];
      };
      const pair = this.pairs.length;
      this.pairs.push(Int32Array.of(slot(s0, s0), slot(s0, s1), slot(s1, s0), slot(s1, s1)));
      this.inlinePairs.add(b);
      const [sl0, c0] = outside(s0);
      const [sl1, c1] = outside(s1);
      steps.push({ kind: "pair", s0, s1, pair, outside: [sl0, c0, sl1, c1] });
    }
    return steps;
  }

  generate(chunkRows = 100): void {
    const steps = this.inlineSteps();
    const chunks: string[] = [];
    let body: string[] = [];
    for (const s of steps) {
      if (s.kind === "row") {
        const terms = s.cols.map((c, i) => `+l[${s.l0 + i}]*r[${c}]`);
        body.push(`r[${s.t}]=(r[${s.t}]${terms.join("")})*d[${s.t}];`);
      } else if (s.kind === "pair") {
        // A 2×2 block inline: its right-hand sides with the entries from outside the block,
        // then the inverse computed in `factor`.
        const [sl0, c0, sl1, c1] = s.outside;
        const sum = (t: number, sl: number[], c: number[]) => `r[${t}]` + sl.map((q, i) => `+jv[${q}]*r[${c[i]}]`).join("");
        const v = 4 * s.pair;
        body.push(`{const a0=${sum(s.s0, sl0, c0)},a1=${sum(s.s1, sl1, c1)};r[${s.s0}]=v[${v}]*a0+v[${v + 1}]*a1;r[${s.s1}]=v[${v + 2}]*a0+v[${v + 3}]*a1;}`);
      } else body.push(`self.solveDense(${s.block},jv,r);`);
      if (body.length >= chunkRows) {
        chunks.push(body.join("\n"));
        body = [];
      }
    }
    if (body.length) chunks.push(body.join("\n"));
    this.pairInv = new Float64Array(4 * this.pairs.length);

    this.generated = chunks.map((b) => new Function("r", "l", "d", "jv", "self", "v", b) as NonNullable<typeof this.generated>[number]);
  }

  /**
   * The plan for a solve compiled elsewhere (wasm/kernels.ts) and installed with `useCompiled`:
   * its steps, with the factors the solve reads (1/diagonal, 2×2 inverses) moved into memory
   * from `alloc`. Undefined if a block is larger than 2×2.
   */
  compiledPlan(alloc: (n: number) => Float64Array<ArrayBuffer>): SolvePlan | undefined {
    // Checked first: `inlineSteps` registers the 2×2 blocks as solved inline, which only
    // generated code does.
    if (this.largestBlock > 2) return undefined;
    const steps = this.inlineSteps();
    this.dinv = alloc(this.n);
    this.pairInv = alloc(4 * this.pairs.length);
    this.lVal = alloc(this.lCol.length);
    return {
      steps: steps.filter((s) => s.kind !== "dense"),
      dinv: this.dinv,
      pairInv: this.pairInv,
      lVal: this.lVal,
      lSlot: this.lSlot,
      diagSlot: this.diagSlot,
    };
  }

  private compiled: ((jv: Float64Array, r: Float64Array) => void) | undefined;
  /** Compiled first half of `factor`: dinv and lVal; returns a non-finite number if a dinv is. */
  private compiledFactor: ((c: number, jv: Float64Array) => number) | undefined;

  /** Solve (and factor the 1×1 rows) with functions built from `compiledPlan`'s plan. */
  useCompiled(fn: (jv: Float64Array, r: Float64Array) => void, factor: (c: number, jv: Float64Array) => number): void {
    this.compiled = fn;
    this.compiledFactor = factor;
    this.generated = undefined;
    this.levels = undefined;
  }

  /**
   * Level-scheduled forward substitution for a fully triangular J (only 1×1 blocks): rows are
   * ordered by level (every row after the rows it reads) and, within a level, by how many
   * entries they have, so equal rows form runs; each run is one small generated loop with its
   * entries unrolled. Small loops are optimised by V8 within the first call, so unlike the
   * straight-line code there is no slow warm-up, and the speed is close to it.
   */
  private levels:
    | {
        fns: ((r: Float64Array, l: Float64Array, d: Float64Array, R: Int32Array, P: Int32Array, C: Int32Array) => void)[];
        row: Int32Array;
        ptr: Int32Array;
        col: Int32Array;
        slot: Int32Array;
        val: Float64Array;
      }
    | undefined;

  generateLevels(runsPerFunction = 40): boolean {
    const { plan, sRow, lPtr, lCol, lSlot } = this;
    if (this.dense.size > 0) return false;
    const level = new Int32Array(this.n);
    const rows: { t: number; k: number; level: number; count: number }[] = [];
    for (let p = 0; p < plan.length; p++) {
      const k = plan[p]!;
      const t = sRow[k]!;
      let lev = 0;
      for (let q = lPtr[k]!; q < lPtr[k + 1]!; q++) lev = Math.max(lev, level[lCol[q]!]! + 1);
      level[t] = lev;
      rows.push({ t, k, level: lev, count: lPtr[k + 1]! - lPtr[k]! });
    }
    rows.sort((a, b) => a.level - b.level || a.count - b.count || a.t - b.t);
    const row = Int32Array.from(rows, (x) => x.t);
    const ptr = new Int32Array(rows.length + 1);
    const col: number[] = [];
    const slot: number[] = [];
    rows.forEach((x, i) => {
      ptr[i] = col.length;
      for (let q = lPtr[x.k]!; q < lPtr[x.k + 1]!; q++) {
        col.push(lCol[q]!);
        slot.push(lSlot[q]!);
      }
    });
    ptr[rows.length] = col.length;
    const loops: string[] = [];
    for (let a = 0; a < rows.length;) {
      let b = a + 1;
      while (b < rows.length && rows[b]!.count === rows[a]!.count) b++;
      const c = rows[a]!.count;
      if (c === 0) loops.push(`for (let i = ${a}; i < ${b}; i++) { const t = R[i]; r[t] *= d[t]; }`);
      else if (c <= 8) {
        const terms = Array.from({ length: c }, (_, j) => `+ l[p + ${j}] * r[C[p + ${j}]]`).join(" ");
        loops.push(`for (let i = ${a}; i < ${b}; i++) { const t = R[i]; const p = P[i]; r[t] = (r[t] ${terms}) * d[t]; }`);
      } else
        loops.push(
          `for (let i = ${a}; i < ${b}; i++) { const t = R[i]; let acc = r[t]; for (let p = P[i], e = P[i + 1]; p < e; p++) acc += l[p] * r[C[p]]; r[t] = acc * d[t]; }`,
        );
      a = b;
    }
    const fns = [];
    for (let i = 0; i < loops.length; i += runsPerFunction) {
      fns.push(new Function("r", "l", "d", "R", "P", "C", loops.slice(i, i + runsPerFunction).join("\n")) as NonNullable<typeof this.levels>["fns"][number]);
    }
    this.levels = {
      fns,
      row,
      ptr,
      col: Int32Array.from(col),
      slot: Int32Array.from(slot),
      val: new Float64Array(col.length),
    };
    return true;
  }

  solveDense(b: number, jv: Float64Array, r: Float64Array): void {
    const { rowPtr, col, blockOf } = this;
    const blk = this.dense.get(b)!;
    const size = blk.sp.length;
    const rhs = blk.rhs;
    for (let i = 0; i < size; i++) {
      const t = blk.sp[i]!;
      let acc = r[t]!;
      for (let q = rowPtr[t]!; q < rowPtr[t + 1]!; q++) if (blockOf[col[q]!] !== b) acc += jv[q]! * r[col[q]!]!;
      rhs[i] = acc;
    }
    luSolve(blk.lu, blk.piv, size, rhs);
    for (let i = 0; i < size; i++) r[blk.sp[i]!] = rhs[i]!;
  }
}

/** Strongly connected components of "row t depends on column s", dependencies first. */
function tarjan(n: number, rowPtr: Int32Array, col: Int32Array): { order: Int32Array; blockStart: Int32Array } {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const order: number[] = [];
  const starts: number[] = [];
  let counter = 0;
  // Iterative DFS (a large network would overflow a recursive one).
  const callStack: { v: number; q: number }[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    callStack.push({ v: root, q: rowPtr[root]! });
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (callStack.length) {
      const frame = callStack[callStack.length - 1]!;
      const v = frame.v;
      if (frame.q < rowPtr[v + 1]!) {
        const w = col[frame.q++]!;
        if (w === v) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callStack.push({ v: w, q: rowPtr[w]! });
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      callStack.pop();
      if (callStack.length) {
        const parent = callStack[callStack.length - 1]!.v;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
      if (low[v] === index[v]) {
        starts.push(order.length);
        let w: number;
        const comp: number[] = [];
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        comp.sort((a, b) => a - b);
        order.push(...comp);
      }
    }
  }
  starts.push(order.length);
  return { order: Int32Array.from(order), blockStart: Int32Array.from(starts) };
}

/** In-place LU with partial pivoting of a dense size×size row-major matrix. */
export function luFactor(a: Float64Array, piv: Int32Array, size: number): boolean {
  for (let k = 0; k < size; k++) {
    let p = k;
    let best = Math.abs(a[k * size + k]!);
    for (let i = k + 1; i < size; i++) {
      const v = Math.abs(a[i * size + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (best === 0 || !Number.isFinite(best)) return false;
    piv[k] = p;
    if (p !== k) for (let j = 0; j < size; j++) [a[k * size + j], a[p * size + j]] = [a[p * size + j]!, a[k * size + j]!];
    const pivot = a[k * size + k]!;
    for (let i = k + 1; i < size; i++) {
      const f = (a[i * size + k]! /= pivot);
      if (f !== 0) for (let j = k + 1; j < size; j++) a[i * size + j]! -= f * a[k * size + j]!;
    }
  }
  return true;
}

export function luSolve(a: Float64Array, piv: Int32Array, size: number, b: Float64Array): void {
  for (let k = 0; k < size; k++) {
    const p = piv[k]!;
    if (p !== k) [b[k], b[p]] = [b[p]!, b[k]!];
  }
  for (let i = 1; i < size; i++) {
    let s = b[i]!;
    for (let j = 0; j < i; j++) s -= a[i * size + j]! * b[j]!;
    b[i] = s;
  }
  for (let i = size - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let j = i + 1; j < size; j++) s -= a[i * size + j]! * b[j]!;
    b[i] = s / a[i * size + i]!;
  }
}
