// Turns a compiled template into IR reactions in two steps. `bind` fixes what is per layer once
// (rate constants become parameters of the table after overrides, activation parameters too,
// `require` conditions are checked); `instantiate` then only maps slots to species indices, so
// wiring the 80 000 edges of a large network is cheap. Every instance of a template reaction
// shares one rate object.
//
//   bind(edge, layer env)  →  instantiate(bound, [X1_0, X0_1, W0_0_1], ...)  →  2 reactions `@ k`

import type { Span } from "../ir/span.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import type { CompiledTemplate, TTerm } from "../check/templates.js";
import { evalTExpr, type Slot } from "../check/expr.js";
import type { IRBuilder } from "../ir/builder.js";
import { mapLeaves, num, type Expr } from "../ir/expr.js";
import { constValue } from "../ir/parameters.js";
import { paramsInExpr } from "../ir/queries.js";
import type { Origin, ParamLeaf, Rate, Species, Tag, Term } from "../ir/types.js";
import type { ActivationEnv, ParamTable } from "./params.js";

interface SlotLeaf {
  k: "slot";
  slot: Slot;
}

/** A rate law over template slots and parameters; slots become species at instantiation. */
type SlotLaw = Expr<SlotLeaf | ParamLeaf>;

export interface BoundTemplate {
  t: CompiledTemplate;
  reactions: BoundReaction[];
}

export interface BoundReaction {
  reactants: TTerm[];
  products: TTerm[];
  rate: Rate | undefined;
  law?: SlotLaw;
  origin: Origin;
  /** The parameters its rate reads, and how many reactions were made from it (the table counts uses from these). */
  params: number[];
  made: number;
}

export interface BindEnv {
  /** The activation parameters in effect (a layer's); none for library modules. */
  act?: ActivationEnv;
  params: ParamTable;
  /** Where the template is instantiated, for messages and origins. */
  site: Span;
  sink: DiagnosticSink;
}

export function bind(t: CompiledTemplate, env: BindEnv): BoundTemplate {
  const values = () => env.params.values;
  const leafValues = {
    rate: (l: Parameters<ParamTable["rate"]>[0]) => env.params.value(env.params.rate(l, env.act)),
    param: (n: string) => env.act?.value(n) ?? NaN,
  };
  for (const q of t.requires) {
    const ok = evalTExpr(q.cond, leafValues);
    if (!(ok !== 0 && !Number.isNaN(ok))) {
      env.sink.error("E0202", env.site, q.message ?? `requirement of \`${t.name}\` not met`, `required at ${q.span.file}:${q.span.line}`);
    }
  }
  const origins = new Map<unknown, Origin>();
  const reactions = t.reactions.map((r): BoundReaction => {
    let origin = origins.get(r.span);
    if (!origin) origins.set(r.span, (origin = { template: r.template, span: r.span, site: env.site, ...(r.rateSpan ? { lawSpan: r.rateSpan } : {}) }));
    if (r.law) {
      const law = env.params.leaves<SlotLeaf>(r.rate, env.act, (l) => (l.k === "species" ? { k: "slot", slot: l.slot } : num(NaN)));
      return { reactants: r.reactants, products: r.products, rate: undefined, law, origin, params: [...paramsInExpr(law)], made: 0 };
    }
    const k = env.params.constExpr(r.rate, env.act);
    const v = constValue(k, values());
    // NaN comes from a value already reported as an error: do not report it again.
    if ((!Number.isFinite(v) || v < 0) && !(Number.isNaN(v) && env.sink.hasErrors)) {
      env.sink.error(
        "E0203",
        env.site,
        `rate constant of a reaction of \`${t.name}\` is ${v}: rate constants must be non-negative and finite`,
        `the reaction is at ${r.span.file}:${r.span.line}`,
      );
    }
    return { reactants: r.reactants, products: r.products, rate: { kind: "mass", k } as Rate, origin, params: [...paramsInExpr(k)], made: 0 };
  });
  const bound = { t, reactions };
  env.params.bound.push(bound);
  return bound;
}

export interface Wiring {
  /** Species indices for the template's parameters (dual parameters: the `.p` rail's index, `.m` next to it). */
  args: readonly (number | DualArg)[];
  /** Name and metadata for the template's locals at this site. */
  local: (name: string, dual: boolean) => number | DualArg;
  /** Species named outright in the template (catalysts). */
  global: (name: string) => number | DualArg;
  tag: Tag;
}

export interface DualArg {
  p: number;
  m: number;
}

/** Append the bound template's reactions at one site. */
export function instantiate(b: BoundTemplate, w: Wiring, out: IRBuilder): void {
  const locals: (number | DualArg)[] = b.t.locals.map((l) => w.local(l.name, l.dual));
  const globals = new Map<string, number | DualArg>();
  const resolve = (s: Slot): number => {
    let v: number | DualArg;
    if (s.kind === "param") v = w.args[s.i]!;
    else if (s.kind === "local") v = locals[s.i]!;
    else {
      let g = globals.get(s.name);
      if (g === undefined) globals.set(s.name, (g = w.global(s.name)));
      v = g;
    }
    if (typeof v === "number") return v;
    return s.rail === "m" ? v.m : v.p;
  };
  for (const r of b.reactions) {
    const reactants = terms(r.reactants, resolve);
    const products = terms(r.products, resolve);
    // Arguments that name the same species can make a reaction do nothing (`m(A, A)` of
    // `X -> Y`): it has no effect on the ODE, so it is left out.
    if (sameComplex(reactants, products)) continue;
    const rate: Rate = r.rate ?? {
      kind: "law",
      expr: mapLeaves<SlotLeaf | ParamLeaf, ParamLeaf | { k: "species"; s: number }>(r.law!, (l) =>
        l.k === "slot" ? { k: "species", s: resolve(l.slot) } : l,
      ),
    };
    out.reactions.push({ reactants, products, rate, tag: w.tag, origin: r.origin });
    r.made++;
  }
}

/** Map template terms to species; slots that land on the same species merge (`X + Y` with X = Y = A is `2 A`). */
function terms(ts: TTerm[], resolve: (s: Slot) => number): Term[] {
  const out: Term[] = [];
  for (const t of ts) {
    const s = resolve(t.slot);
    const same = out.find((o) => o.s === s);
    if (same) same.n += t.n;
    else out.push({ s, n: t.n });
  }
  return out;
}

export function sameComplex(a: readonly Term[], b: readonly Term[]): boolean {
  return a.length === b.length && a.every((t) => b.some((u) => u.s === t.s && u.n === t.n));
}

export type SpeciesMeta = Omit<Species, "init" | "id">;
