// The reactions backend: one reaction per line, readable, in IR order.
//
//   X1_1 + W0_1_0_p + X0_0 -> 2 X1_1 + W0_1_0_p + X0_0 @ 1
//   Y_0 -> Y_0 + LY_0_p @ 2
//   A -> B @ rate(k * A * step(A - 1))

import type { CRN, IRExpr, Reaction, Term } from "../ir/types.js";

export function emitReactions(ir: CRN): string {
  const ids = ir.species.map((s) => s.id);
  const n = ir.reactions.length;
  const lines = [`// ${ir.kind} ${ir.name} from ${ir.source}: ${ir.species.length} species, ${n} reaction${n === 1 ? "" : "s"}`];
  for (const r of ir.reactions) lines.push(formatReaction(r, ids));
  return lines.join("\n") + "\n";
}

export function formatReaction(r: Reaction, ids: readonly string[]): string {
  const side = (ts: Term[]) => (ts.length === 0 ? "0" : ts.map((t) => (t.n === 1 ? ids[t.s] : `${t.n} ${ids[t.s]}`)).join(" + "));
  const rate = r.rate.kind === "mass" ? formatNumber(r.rate.k) : `rate(${formatExpr(r.rate.expr, ids)})`;
  return `${side(r.reactants)} -> ${side(r.products)} @ ${rate}`;
}

/** Shortest round-tripping decimal, as JavaScript prints it. */
export function formatNumber(x: number): string {
  return Object.is(x, -0) ? "0" : String(x);
}

const PREC: Record<string, number> = { "<": 1, "<=": 1, ">": 1, ">=": 1, "==": 1, "+": 2, "-": 2, "*": 3, "/": 3, "^": 5 };

export function formatExpr(e: IRExpr, ids: readonly string[], parent = 0): string {
  switch (e.k) {
    case "num":
      return formatNumber(e.v);
    case "species":
      return ids[e.s]!;
    case "neg":
      return `-${formatExpr(e.a, ids, 4)}`;
    case "fn":
      return `${e.f}(${e.args.map((a) => formatExpr(a, ids)).join(", ")})`;
    case "bin": {
      const p = PREC[e.op]!;
      const right = e.op === "^" ? p : p + 1;
      const s = `${formatExpr(e.a, ids, e.op === "^" ? p + 1 : p)} ${e.op} ${formatExpr(e.b, ids, right)}`;
      return p < parent ? `(${s})` : s;
    }
  }
}
