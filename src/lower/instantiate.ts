// Turns a compiled template into IR reactions in two steps. `bind` fixes the numbers once (rate
// constants after overrides, activation parameters, `require` conditions); `instantiate` then
// only maps slots to species indices, so wiring the 80 000 edges of a large network is cheap.
//
//   bind(edge, { h: 3 }, overrides)  →  instantiate(bound, [X1_0, X0_1, W0_0_1], ...)  →  2 reactions

import type { Span } from "../syntax/ast.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import type { CompiledTemplate, TTerm } from "../check/templates.js";
import { evalExpr, RateResolver, type Slot, type TExpr } from "../check/expr.js";
import type { IRBuilder } from "../ir/builder.js";
import type { IRExpr, Origin, Rate, Species, Tag, Term } from "../ir/types.js";

interface BoundRate {
  rate: Rate | undefined;
  /** For rate laws: the expression over slots, mapped to species at instantiation. */
  law?: TExpr;
}

export interface BoundTemplate {
  t: CompiledTemplate;
  reactions: { reactants: TTerm[]; products: TTerm[]; rate: BoundRate; origin: Origin }[];
}

export interface BindEnv {
  params: ReadonlyMap<string, number>;
  rates: RateResolver;
  /** Where the template is instantiated, for messages and origins. */
  site: Span;
  sink: DiagnosticSink;
}

export function rateResolver(sink: DiagnosticSink, overrides: ReadonlyMap<string, number>, params: ReadonlyMap<string, number>): RateResolver {
  return new RateResolver(sink, overrides, (n) => params.get(n) ?? NaN);
}

/** Named rate constants a bound template used, with their values (for the IR's rate table). */
export function bind(t: CompiledTemplate, env: BindEnv, usedRates?: Map<string, number>): BoundTemplate {
  const ev = env.rates.env;
  for (const q of t.requires) {
    const ok = evalExpr(q.cond, ev);
    if (!(ok !== 0 && !Number.isNaN(ok))) {
      env.sink.error("E0202", env.site, q.message ?? `requirement of \`${t.name}\` not met`, `required at ${q.span.file}:${q.span.line}`);
    }
  }
  const origins = new Map<unknown, Origin>();
  const reactions = t.reactions.map((r) => {
    let origin = origins.get(r.span);
    if (!origin) origins.set(r.span, (origin = { template: r.template, span: r.span, site: env.site, ...(r.rateSpan ? { lawSpan: r.rateSpan } : {}) }));
    if (r.law) {
      if (usedRates) recordRates(r.rate, env, usedRates);
      return { reactants: r.reactants, products: r.products, rate: { rate: undefined, law: foldLaw(r.rate, env) }, origin };
    }
    const k = evalExpr(r.rate, ev);
    // NaN comes from a value already reported as an error: do not report it again.
    if ((!Number.isFinite(k) || k < 0) && !(Number.isNaN(k) && env.sink.hasErrors)) {
      env.sink.error("E0203", env.site, `rate constant of a reaction of \`${t.name}\` is ${k}: rate constants must be non-negative and finite`, `the reaction is at ${r.span.file}:${r.span.line}`);
    }
    const named = rateName(r.rate);
    if (named && usedRates) usedRates.set(named.name, k / named.scale);
    const rate: Rate = named ? { kind: "mass", k, name: named.name, ...(named.scale !== 1 ? { scale: named.scale } : {}) } : { kind: "mass", k };
    return { reactants: r.reactants, products: r.products, rate: { rate }, origin };
  });
  return { t, reactions };
}

/** Named rates a rate law reads (their values are folded into it, but they are still in use). */
function recordRates(t: TExpr, env: BindEnv, out: Map<string, number>): void {
  if (t.k === "rate") out.set(t.name, evalExpr(t, env.rates.env));
  else if (t.k === "neg") recordRates(t.a, env, out);
  else if (t.k === "bin") (recordRates(t.a, env, out), recordRates(t.b, env, out));
  else if (t.k === "fn") t.args.forEach((a) => recordRates(a, env, out));
}

/** `k` → { k, 1 }; `2 * k` or `k * 2` → { k, 2 }; anything else has no single name. */
function rateName(t: TExpr): { name: string; scale: number } | undefined {
  if (t.k === "rate") return { name: t.name, scale: 1 };
  if (t.k === "bin" && t.op === "*") {
    if (t.a.k === "num" && t.b.k === "rate") return { name: t.b.name, scale: t.a.v };
    if (t.b.k === "num" && t.a.k === "rate") return { name: t.a.name, scale: t.b.v };
  }
  return undefined;
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
    const rate: Rate = r.rate.rate ?? { kind: "law", expr: lawExpr(r.rate.law!, resolve) };
    out.reactions.push({ reactants, products, rate, tag: w.tag, origin: r.origin });
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

function lawExpr(t: TExpr, resolve: (s: Slot) => number): IRExpr {
  switch (t.k) {
    case "num":
      return { k: "num", v: t.v };
    case "species":
      return { k: "species", s: resolve(t.slot) };
    case "neg":
      return { k: "neg", a: lawExpr(t.a, resolve) };
    case "bin":
      return { k: "bin", op: t.op, a: lawExpr(t.a, resolve), b: lawExpr(t.b, resolve) };
    case "fn":
      return { k: "fn", f: t.f, args: t.args.map((a) => lawExpr(a, resolve)) };
    default:
      // Rates and parameters are numbers by now; they were folded by `foldLaw`.
      return { k: "num", v: NaN };
  }
}

/** Fold the numeric parts (rates, parameters) of a rate law before it is instantiated. */
export function foldLaw(t: TExpr, env: BindEnv): TExpr {
  switch (t.k) {
    case "rate":
    case "param":
      return { k: "num", v: evalExpr(t, env.rates.env) };
    case "neg":
      return { k: "neg", a: foldLaw(t.a, env) };
    case "bin":
      return { k: "bin", op: t.op, a: foldLaw(t.a, env), b: foldLaw(t.b, env) };
    case "fn":
      return { k: "fn", f: t.f, args: t.args.map((a) => foldLaw(a, env)) };
    default:
      return t;
  }
}

export type SpeciesMeta = Omit<Species, "init" | "id">;
