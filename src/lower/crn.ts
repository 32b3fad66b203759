// Lowers a raw `crn` block: its species are the names it uses (a name used with `.p`/`.m` is a
// dual species with two rails `_p`/`_m`), its reactions are written out or come from module
// calls, and `init` sets initial concentrations (0 otherwise). Its own `rate NAME = v` sets, by
// name, the rates of the modules it calls too.
//
//   crn divide { init a = 6, b = 3   a -> a + q @ k   b + q -> b @ k   rate k = 10 }

import type * as A from "../syntax/ast.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import type { CompiledTemplate } from "../check/templates.js";
import { evalTExpr, hasError } from "../check/expr.js";
import { IRBuilder } from "../ir/builder.js";
import { speciesInExpr } from "../ir/queries.js";
import type { CRN } from "../ir/types.js";
import { bind, instantiate, type DualArg } from "./instantiate.js";
import { ParamTable, type RateOverride } from "./params.js";

export function lowerCrn(
  decl: A.CrnDecl,
  t: CompiledTemplate,
  source: string,
  sink: DiagnosticSink,
  overrides: ReadonlyMap<string, RateOverride> = new Map(),
): CRN {
  const b = new IRBuilder();
  const params = new ParamTable(sink, overrides);
  const bound = bind(t, { params, site: decl.nameSpan, sink });
  const globalIds = new Map<string, number | DualArg>();
  // Species named in the block come first, in order of appearance.
  for (const [name, g] of t.globals) {
    globalIds.set(
      name,
      g.dual
        ? { p: b.add({ id: `${name}_p`, role: "species", family: name, rail: "p" }), m: b.add({ id: `${name}_m`, role: "species", family: name, rail: "m" }) }
        : b.add({ id: name, role: "species" }),
    );
  }
  const taken = (id: string) => b.has(id) || [...t.globals.keys()].some((g) => g === id || `${g}_p` === id || `${g}_m` === id);
  const fresh = (base: string) => {
    let id = base;
    for (let k = 2; taken(id); k++) id = `${base}_${k}`;
    return id;
  };
  instantiate(
    bound,
    {
      args: [],
      tag: "crn",
      global: (name) => globalIds.get(name) ?? b.add({ id: name, role: "species" }),
      local: (name, isDual) => {
        if (!isDual) return b.add({ id: fresh(name), role: "aux", family: name });
        const base = fresh(name);
        return { p: b.add({ id: `${base}_p`, role: "aux", family: name, rail: "p" }), m: b.add({ id: `${base}_m`, role: "aux", family: name, rail: "m" }) };
      },
    },
    b,
  );
  // Initial values.
  const used = new Set<number>();
  for (const r of b.reactions) for (const x of [...r.reactants, ...r.products]) used.add(x.s);
  for (const r of b.reactions) if (r.rate.kind === "law") speciesInExpr(r.rate.expr, used);
  const species = b.species.slice();
  const initSet = new Set<number>();
  for (const init of t.inits) {
    if (hasError(init.value)) continue;
    const v = evalTExpr(init.value, { rate: (l) => params.value(params.rate(l, undefined)) });
    const g = globalIds.get(init.slot.name);
    const idx = g === undefined ? undefined : typeof g === "number" ? g : init.slot.rail === "m" ? g.m : g.p;
    if (idx === undefined) continue;
    if (initSet.has(idx)) sink.error("E0102", init.span, `initial value of \`${species[idx]!.id}\` is set twice`);
    initSet.add(idx);
    if (!(v >= 0) || !Number.isFinite(v)) {
      sink.error(
        Number.isFinite(v) ? "E0209" : "E0212",
        init.span,
        `initial concentration of \`${species[idx]!.id}\` must be non-negative and finite, got ${v}`,
      );
      continue;
    }
    species[idx] = { ...species[idx]!, init: v };
    if (!used.has(idx)) sink.warn("W0601", init.span, `species \`${species[idx]!.id}\` is given an initial value but takes part in no reaction`);
  }
  return params.finish({ kind: "crn", name: decl.name, source, species, parameters: [], reactions: b.reactions });
}
