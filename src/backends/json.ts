// The JSON backend: the IR as data, with species and parameters referred to by id so that the
// file reads on its own. Spans become `file:line:col` strings. Keys are written in a fixed
// order, so the same IR always gives the same bytes.
//
//   { "format": "crnnc-ir", "version": 2, "parameters": [{ "id": "k", "value": 1, "role": "rate", ... }],
//     "species": [{ "id": "X0_0", "role": "input", ... }],
//     "reactions": [{ "reactants": [["X1_0", 2]], "products": [["X1_0", 1]], "rate": { "kind": "mass", "k": 1, "expr": "k" }, ... }] }

import type { CRN, Reaction } from "../ir/types.js";
import { spanText, type Span } from "../ir/span.js";
import { exprText, exprTree } from "../ir/expr.js";
import { paramValues, rateConstant } from "../ir/parameters.js";
import { summarize } from "../analysis/summary.js";

/** 2: the parameter table (`parameters`, rate expressions by name) replaced `rates`. */
export const IR_FORMAT_VERSION = 2;

/**
 * The IR as JSON (`crnnc compile --emit json`): species, parameters, reactions with their roles,
 * tags and source spans, the layers and the train settings; keys in a fixed order, so the same IR
 * gives the same bytes. `version` is recorded as the writer's (pass `VERSION`).
 *
 * @example
 * ```ts
 * import { compileFile, emitJson, VERSION } from "crnnc";
 * const json = emitJson(compileFile("examples/xor.crnn").ir!, VERSION);
 * console.log(JSON.parse(json).format);   // "crnnc-ir"
 * ```
 */
export function emitJson(ir: CRN, version: string): string {
  const ids = ir.species.map((s) => s.id);
  const pids = ir.parameters.map((p) => p.id);
  const values = paramValues(ir);
  const span = (s: Span | undefined) => (s ? spanText(s) : undefined);
  const leaf = (l: { k: "species"; s: number } | { k: "param"; p: number } | { k: "arg"; i: number }) =>
    l.k === "species" ? ids[l.s]! : l.k === "param" ? pids[l.p]! : "z";
  const reaction = (r: Reaction) => ({
    reactants: r.reactants.map((t) => [ids[t.s], t.n]),
    products: r.products.map((t) => [ids[t.s], t.n]),
    rate:
      r.rate.kind === "mass"
        ? { kind: "mass", k: rateConstant(r, values), expr: exprText(r.rate.k, leaf) }
        : {
            kind: "law",
            expr: exprText(r.rate.expr, leaf),
            tree: exprTree(r.rate.expr, (l) => (l.k === "species" ? { species: ids[l.s] } : { parameter: pids[l.p] })),
          },
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
    ...(ir.layers
      ? {
          layers: ir.layers.map((l) => ({
            size: l.size,
            ...(l.activation
              ? {
                  activation: {
                    name: l.activation.name,
                    qualified: l.activation.qualified,
                    params: Object.fromEntries(Object.entries(l.activation.params).map(([k, p]) => [k, pids[p]])),
                    ...(l.activation.closed ? { closed: exprText(l.activation.closed, leaf) } : {}),
                  },
                }
              : {}),
          })),
        }
      : {}),
    parameters: ir.parameters.map((p) => ({
      id: p.id,
      name: p.name,
      value: p.value,
      role: p.role,
      ...(p.unit ? { unit: p.unit } : {}),
      owner: p.owner,
      ...(p.expr ? { expr: exprText(p.expr, leaf) } : {}),
      ...(p.span ? { at: span(p.span) } : {}),
    })),
    ...(ir.train
      ? { train: { ...ir.train, params: Object.fromEntries(Object.entries(ir.train.params).map(([k, p]) => [k, p === undefined ? undefined : pids[p]])) } }
      : {}),
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
