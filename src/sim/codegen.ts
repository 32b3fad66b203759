// Generated straight-line code for the right-hand side and the Jacobian of a compiled model:
// one statement per reaction, no inner loops or index tables, which V8 runs several times
// faster than the table-driven loops of model.ts. V8 does not optimise very large functions,
// so the code is split into chunks of at most CHUNK reactions, called in order. Rate constants
// stay in the model's `k` array, so noise and overrides never regenerate code.
//
//   2 X -> X @ k (r = 4, X = 7):   v = k[4]*x[7]*x[7]; dx[7] -= v;
//   its Jacobian entry:            jv[12] += -1*(k[4]*2*x[7]);

import { lawJacobian, type CompiledModel, type RhsFn, type JacFn } from "./model.js";

export const CHUNK = 100;

export interface Generated {
  rhs: RhsFn;
  jac: JacFn;
  /** Source size, for diagnostics and the benchmark. */
  bytes: number;
}

const num = (c: number) => (Object.is(c, -0) ? "0" : String(c));

export function generate(md: CompiledModel, chunk = CHUNK): Generated {
  const { m, rStart, rs, rn, nStart, ns, nv, eStart, eSlot, eCoef, ceStart, ceIdx, ceCoef, isLaw } = md;
  const rhsChunks: string[] = [];
  const jacChunks: string[] = [];
  const factor = (s: number, o: number) => (o === 1 ? `x[${s}]` : o === 2 ? `x[${s}]*x[${s}]` : `x[${s}]**${o}`);
  for (let c0 = 0; c0 < m; c0 += chunk) {
    const r1 = Math.min(m, c0 + chunk);
    const rb: string[] = ["let v;"];
    const jb: string[] = ["let d;"];
    for (let r = c0; r < r1; r++) {
      const terms: string[] = [];
      for (let e = rStart[r]!; e < rStart[r + 1]!; e++) terms.push(factor(rs[e]!, rn[e]!));
      rb.push(isLaw[r] ? `v=law(${r},x);` : `v=k[${r}]${terms.map((t) => "*" + t).join("")};`);
      for (let q = nStart[r]!; q < nStart[r + 1]!; q++) {
        const c = nv[q]!;
        rb.push(c === 1 ? `dx[${ns[q]}]+=v;` : c === -1 ? `dx[${ns[q]}]-=v;` : `dx[${ns[q]}]+=${num(c)}*v;`);
      }
      if (isLaw[r]) continue;
      for (let e = rStart[r]!; e < rStart[r + 1]!; e++) {
        const main = eStart[e] !== eStart[e + 1];
        const split = ceStart[e] !== ceStart[e + 1];
        if (!main && !split) continue;
        const o = rn[e]!;
        const parts = [`k[${r}]`];
        if (o === 2) parts.push(`2*x[${rs[e]}]`);
        else if (o > 2) parts.push(`${o}*x[${rs[e]}]**${o - 1}`);
        for (let f = rStart[r]!; f < rStart[r + 1]!; f++) if (f !== e) parts.push(factor(rs[f]!, rn[f]!));
        jb.push(`d=${parts.join("*")};`);
        for (let q = eStart[e]!; q < eStart[e + 1]!; q++) {
          const c = eCoef[q]!;
          jb.push(c === 1 ? `jv[${eSlot[q]}]+=d;` : c === -1 ? `jv[${eSlot[q]}]-=d;` : `jv[${eSlot[q]}]+=${num(c)}*d;`);
        }
        if (split) {
          const cs: string[] = [];
          for (let q = ceStart[e]!; q < ceStart[e + 1]!; q++) cs.push(`cv[${ceIdx[q]}]+=${num(ceCoef[q]!)}*d;`);
          jb.push(`if(cv!==undefined){${cs.join("")}}`);
        }
      }
    }
    rhsChunks.push(rb.join("\n"));
    jacChunks.push(jb.join("\n"));
  }
  const k = md.k;
  const laws = md.lawRates;
  const law = (r: number, x: Float64Array) => laws.get(r)!(x);
  const make = (params: string, body: string) => new Function("k", "law", `return function(${params}){${body}};`)(k, law) as (...a: unknown[]) => void;
  const rhsFns = rhsChunks.map((b) => make("x,dx", b) as RhsFn);
  const jacFns = jacChunks.map((b) => make("x,jv,cv", b) as JacFn);
  const lawJac = md.lawJac.length > 0;
  const rhs: RhsFn = (x, dx) => {
    dx.fill(0);
    for (const f of rhsFns) f(x, dx);
  };
  const jac: JacFn = (x, jv, cv) => {
    jv.fill(0);
    cv?.fill(0);
    for (const f of jacFns) f(x, jv, cv);
    if (lawJac) lawJacobian(md, x, jv);
  };
  return { rhs, jac, bytes: rhsChunks.reduce((a, b) => a + b.length, 0) + jacChunks.reduce((a, b) => a + b.length, 0) };
}
