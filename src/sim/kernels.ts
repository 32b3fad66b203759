// Rate and Jacobian kernels grouped by reaction shape: the reactions of a network come in a
// handful of shapes (`X + W + I -> 2 X + W + I`, `2 X -> X`, `A -> A + Z`, ...), so for each
// shape one small loop is generated that runs over index arrays of all reactions of that shape,
// with the shape's arithmetic unrolled. Unlike straight-line code (codegen.ts), the loops are
// small, so V8 optimises them within the first call (on-stack replacement) — no slow warm-up —
// and they scale to any network size; unlike the generic tables of model.ts there are no inner
// loops or branches per reaction.
//
//   shape "1,1,1|2" (three first-order reactants, two net changes):
//     for (i) { v = k[R[i]] * x[A[i]] * x[B[i]] * x[C[i]]; dx[N0[i]] += C0[i]*v; dx[N1[i]] += C1[i]*v; }

import { lawJacobian, lawRhs, type CompiledModel, type RhsFn, type JacFn } from "./model.js";

interface Group {
  /** Reactant orders, and which reactants' Jacobian entries go to the coupling part J_U. */
  orders: number[];
  split: boolean[];
  nNet: number;
  reactions: number[];
}

export function generateGrouped(md: CompiledModel): { rhs: RhsFn; jac: JacFn; groups: number } {
  const { m, rStart, rs, rn, nStart, ns, nv, eStart, eSlot, ceStart, ceIdx, isLaw, explicitEntries } = md;
  const groups = new Map<string, Group>();
  for (let r = 0; r < m; r++) {
    if (isLaw[r]) continue;
    const orders: number[] = [];
    const split: boolean[] = [];
    for (let e = rStart[r]!; e < rStart[r + 1]!; e++) {
      orders.push(rn[e]!);
      split.push(explicitEntries[e] === 1);
    }
    const nNet = nStart[r + 1]! - nStart[r]!;
    const key = `${orders.join(",")}|${split.map(Number).join("")}|${nNet}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { orders, split, nNet, reactions: [] }));
    g.reactions.push(r);
  }

  const rhsParts: ((x: Float64Array, dx: Float64Array) => void)[] = [];
  const jacParts: ((x: Float64Array, jv: Float64Array, cv: Float64Array | undefined) => void)[] = [];
  const pow = (v: string, o: number) => (o === 1 ? v : o === 2 ? `${v}*${v}` : `${v}**${o}`);
  for (const g of groups.values()) {
    const len = g.reactions.length;
    const nr = g.orders.length;
    // Index arrays: R (reaction, for k), S<j> reactant species, N<q>/C<q> net species and change.
    const R = Int32Array.from(g.reactions);
    const S = g.orders.map((_, j) => Int32Array.from(g.reactions, (r) => rs[rStart[r]! + j]!));
    const N = Array.from({ length: g.nNet }, (_, q) => Int32Array.from(g.reactions, (r) => ns[nStart[r]! + q]!));
    const C = Array.from({ length: g.nNet }, (_, q) => Float64Array.from(g.reactions, (r) => nv[nStart[r]! + q]!));
    // Jacobian slots per (reactant j, net q): into jv (J_L) or cv (J_U).
    const J = g.orders.map((_, j) =>
      Array.from({ length: g.nNet }, (_, q) =>
        Int32Array.from(g.reactions, (r) => {
          const e = rStart[r]! + j;
          return g.split[j] ? ceIdx[ceStart[e]! + q]! : eSlot[eStart[e]! + q]!;
        }),
      ),
    );
    const xs = g.orders.map((_, j) => `const x${j} = x[S${j}[i]];`).join(" ");
    const product = g.orders.map((o, j) => pow(`x${j}`, o)).join("*");
    const rhsBody = `for (let i = 0; i < ${len}; i++) { ${xs} const v = k[R[i]]${product ? "*" + product : ""}; ${N.map((_, q) => `dx[N${q}[i]] += C${q}[i]*v;`).join(" ")} }`;
    const jacLines: string[] = [];
    for (let j = 0; j < nr; j++) {
      const o = g.orders[j]!;
      const parts = ["k[R[i]]"];
      if (o === 2) parts.push(`2*x${j}`);
      else if (o > 2) parts.push(`${o}*x${j}**${o - 1}`);
      g.orders.forEach((oo, l) => {
        if (l !== j) parts.push(pow(`x${l}`, oo));
      });
      const target = g.split[j] ? "cv" : "jv";
      const scatter = N.map((_, q) => `${target}[J${j}_${q}[i]] += C${q}[i]*d;`).join(" ");
      jacLines.push(g.split[j] ? `if (cv !== undefined) { const d = ${parts.join("*")}; ${scatter} }` : `{ const d = ${parts.join("*")}; ${scatter} }`);
    }
    const jacBody = `for (let i = 0; i < ${len}; i++) { ${xs} ${jacLines.join(" ")} }`;
    const names = ["k", "R", ...S.map((_, j) => `S${j}`), ...N.map((_, q) => `N${q}`), ...C.map((_, q) => `C${q}`)];
    const values: unknown[] = [md.k, R, ...S, ...N, ...C];
    const jNames = J.flatMap((row, j) => row.map((_, q) => `J${j}_${q}`));
    const jValues = J.flat();

    rhsParts.push(new Function(...names, `return function(x, dx) { ${rhsBody} };`)(...values));

    jacParts.push(new Function(...names, ...jNames, `return function(x, jv, cv) { ${jacBody} };`)(...values, ...jValues));
  }
  const lawPart = lawRhs(md);
  const rhs: RhsFn = (x, dx) => {
    dx.fill(0);
    for (let p = 0; p < rhsParts.length; p++) rhsParts[p]!(x, dx);
    lawPart?.(x, dx);
  };
  const jac: JacFn = (x, jv, cv) => {
    jv.fill(0);
    cv?.fill(0);
    for (let p = 0; p < jacParts.length; p++) jacParts[p]!(x, jv, cv);
    if (md.lawJac.length) lawJacobian(md, x, jv);
  };
  return { rhs, jac, groups: groups.size };
}
