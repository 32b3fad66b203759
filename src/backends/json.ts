// The JSON backend: the IR as data, with species referred to by id so that the file reads on
// its own. Spans become `file:line:col` strings. Keys are written in a fixed order, so the same
// IR always gives the same bytes.
//
//   { "format": "crnnc-ir", "version": 1, "species": [{ "id": "X0_0", "role": "input", ... }],
//     "reactions": [{ "reactants": [["X1_0", 2]], "products": [["X1_0", 1]], "rate": { "k": 1 }, ... }] }

import type { CRN, IRExpr, Reaction } from "../ir/types.js";
import type { Span } from "../syntax/ast.js";
import { formatExpr } from "./reactions.js";
import { summarize } from "../analysis/summary.js";

export const IR_FORMAT_VERSION = 1;

export function emitJson(ir: CRN, version: string): string {
  const ids = ir.species.map((s) => s.id);
  const span = (s: Span | undefined) => (s ? `${s.file}:${s.line}:${s.col}` : undefined);
  const reaction = (r: Reaction) => ({
    reactants: r.reactants.map((t) => [ids[t.s], t.n]),
    products: r.products.map((t) => [ids[t.s], t.n]),
    rate:
      r.rate.kind === "mass"
        ? { kind: "mass", k: r.rate.k, ...(r.rate.name ? { name: r.rate.name } : {}), ...(r.rate.scale !== undefined ? { scale: r.rate.scale } : {}) }
        : { kind: "law", expr: formatExpr(r.rate.expr, ids), tree: lawTree(r.rate.expr, ids) },
    tag: r.tag,
    template: r.origin.template,
    at: span(r.origin.span),
    ...(r.origin.site ? { site: span(r.origin.site) } : {}),
  });
  const doc = {
    format: "crnnc-ir",
    version: IR_FORMAT_VERSION,
    crnnc: version,
    kind: ir.kind,
    name: ir.name,
    source: ir.source,
    ...(ir.layers ? { layers: ir.layers } : {}),
    rates: ir.rates,
    ...(ir.train ? { train: ir.train } : {}),
    summary: summaryJson(ir),
    species: ir.species.map((s) => ({
      id: s.id,
      role: s.role,
      ...(s.family !== undefined ? { family: s.family } : {}),
      ...(s.layer !== undefined ? { layer: s.layer } : {}),
      ...(s.index !== undefined ? { index: s.index } : {}),
      ...(s.from !== undefined ? { from: s.from } : {}),
      ...(s.rail !== undefined ? { rail: s.rail } : {}),
      init: s.init,
    })),
    reactions: ir.reactions.map(reaction),
  };
  return JSON.stringify(doc, null, 1) + "\n";
}

function lawTree(e: IRExpr, ids: readonly string[]): unknown {
  switch (e.k) {
    case "num":
      return e.v;
    case "species":
      return { species: ids[e.s] };
    case "neg":
      return { op: "neg", args: [lawTree(e.a, ids)] };
    case "bin":
      return { op: e.op, args: [lawTree(e.a, ids), lawTree(e.b, ids)] };
    case "fn":
      return { op: e.f, args: e.args.map((a) => lawTree(a, ids)) };
  }
}

function summaryJson(ir: CRN) {
  const s = summarize(ir);
  return {
    species: s.speciesCount,
    reactions: s.reactionCount,
    byTag: s.byTag,
    maxMolecularity: s.maxMolecularity,
    massAction: s.massAction,
    catalytic: s.catalytic.map((i) => ir.species[i]!.id),
    feedbackFree: s.feedbackFree.ok,
  };
}
