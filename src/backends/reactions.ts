// The reactions backend: one reaction per line, readable, in IR order; mass-action constants as
// numbers, rate laws with their parameters by name, and the parameters' values in the header.
//
//   // parameters: k = 1, k_div = 10, eta = 0.002, h = 3, T = 300
//   X1_1 + W0_1_0_p + X0_0 -> 2 X1_1 + W0_1_0_p + X0_0 @ 1
//   A -> B @ rate(k * A * step(A - 1))

import type { CRN, IRExpr, Reaction, Term } from "../ir/types.js";
import { exprText, formatNumber } from "../ir/expr.js";
import { paramValues, rateConstant } from "../ir/parameters.js";

export { formatNumber };

/**
 * The CRN as text, one reaction per line (`crnnc compile`): a header with the counts and the
 * parameters' values, then `reactants -> products @ rate` in IR order.
 *
 * @example
 * ```ts
 * import { compile, emitReactions } from "crnnc";
 * const ir = compile("crn c {\n  A + B -> C @ 2\n}\n").ir!;
 * console.log(emitReactions(ir));   // "// crn c from <input>.crnn: 3 species, 1 reaction\nA + B -> C @ 2\n"
 * ```
 */
export function emitReactions(ir: CRN): string {
  const n = ir.reactions.length;
  const lines = [`// ${ir.kind} ${ir.name} from ${ir.source}: ${ir.species.length} species, ${n} reaction${n === 1 ? "" : "s"}`];
  if (ir.parameters.length) lines.push(`// parameters: ${ir.parameters.map((p) => `${p.id} = ${formatNumber(p.value)}`).join(", ")}`);
  for (const r of ir.reactions) lines.push(formatReaction(r, ir));
  return lines.join("\n") + "\n";
}

interface Names {
  ids: string[];
  pids: string[];
  values: Float64Array;
}
const names = new WeakMap<object, Names>();

/**
 * One reaction of `ir` as a line (species and parameters named as in `ir`).
 *
 * @example
 * ```ts
 * import { compile, formatReaction } from "crnnc";
 * const ir = compile("crn c {\n  2 X -> X @ 3\n}\n").ir!;
 * console.log(formatReaction(ir.reactions[0]!, ir));   // "2 X -> X @ 3"
 * ```
 */
export function formatReaction(r: Reaction, ir: Pick<CRN, "species" | "parameters">): string {
  let c = names.get(ir);
  if (!c) names.set(ir, (c = { ids: ir.species.map((s) => s.id), pids: ir.parameters.map((p) => p.id), values: paramValues(ir) }));
  const { ids, pids, values } = c;
  const side = (ts: Term[]) => (ts.length === 0 ? "0" : ts.map((t) => (t.n === 1 ? ids[t.s] : `${t.n} ${ids[t.s]}`)).join(" + "));
  const rate = r.rate.kind === "mass" ? formatNumber(rateConstant(r, values)) : `rate(${formatExpr(r.rate.expr, ids, pids)})`;
  return `${side(r.reactants)} -> ${side(r.products)} @ ${rate}`;
}

/** A rate law in .crnn syntax, species and parameters by id. */
export function formatExpr(e: IRExpr, ids: readonly string[], pids: readonly string[]): string {
  return exprText(e, (l) => (l.k === "species" ? ids[l.s]! : pids[l.p]!));
}
