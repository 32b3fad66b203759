// The parameter table, decided once here: every named rate constant a reaction uses, every
// activation parameter and every protocol setting becomes one IR parameter, and reactions refer
// to it. Rate constants bind by name (a network's `rate k_div = 20` reaches every template rate
// called `k_div`), so a parameter is a (name, value) pair: two templates that both say
// `rate k = 1` share `k`; a user activation's `rate k = 5` beside std/smooth_relu's `k = 1` is
// another parameter, named after its owner (`k_fast_relu`), while the one most reactions use
// keeps the plain name. A template default that reads other rates (`rate k_div = 10 * k`)
// keeps that expression, so changing `k` later moves `k_div` too.
//
//   table.rate(k_div leaf, layer)  →  index of { id: "k_div", value: 10, expr: 10 * k, owner: "smooth_relu" }

import type * as A from "../syntax/ast.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { compileConst, hasError, type TExpr, type TLeaf } from "../check/expr.js";
import type { Scope } from "../check/scope.js";
import { exprText, mapLeaves, num, type Expr } from "../ir/expr.js";
import { constValue, rateUnit } from "../ir/parameters.js";
import { paramsInExpr } from "../ir/queries.js";
import { RESERVED_IDS, SBML_ID } from "../ir/naming.js";
import type { ConstExpr, CRN, ParamLeaf, ParamRole, Parameter, Rate } from "../ir/types.js";
import type { Span } from "../ir/span.js";

/** A value set from outside a template by name: a network's or crn block's `rate`, the train block's η, `--annihilate`. */
export interface RateOverride {
  value: number;
  span?: Span;
  owner: string;
}

/** A bound template reaction as the table counts it: the parameters it reads, its order, its instances. */
export interface CountedReaction {
  params: number[];
  rate: Rate | undefined;
  reactants: readonly { n: number }[];
  made: number;
}

/** The numeric parameters of one layer's activation: their values and parameter indices. */
export interface ActivationEnv {
  value(name: string): number;
  index(name: string): number | undefined;
}

interface Entry {
  name: string;
  value: number;
  expr?: ConstExpr;
  role: ParamRole;
  span?: Span;
  owner: string;
}

export class ParamTable {
  private readonly entries: Entry[] = [];
  private readonly byKey = new Map<string, number>();
  private readonly memo = new Map<A.ValueDecl, Map<ActivationEnv | undefined, number>>();
  private readonly active = new Set<A.ValueDecl>();
  /** The templates bound against this table (bind registers them; their reactions count their instances). */
  readonly bound: { reactions: CountedReaction[] }[] = [];

  constructor(
    private readonly sink: DiagnosticSink,
    private readonly overrides: ReadonlyMap<string, RateOverride> = new Map(),
  ) {}

  /** Current values, by index (for evaluating expressions while lowering). */
  get values(): number[] {
    return this.entries.map((e) => e.value);
  }

  value(p: number): number {
    return this.entries[p]!.value;
  }

  /** The parameter for (role, name, value, expression), created on first use. */
  private intern(e: Entry): number {
    const key = `${e.role}|${e.name}|${String(e.value)}|${e.expr ? exprText(e.expr, (l) => `#${l.p}`) : ""}`;
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.entries.length;
      this.entries.push(e);
      this.byKey.set(key, i);
    }
    return i;
  }

  /** A setting of the training protocol (the period T). */
  protocol(name: string, value: number, span: Span | undefined, owner: string): number {
    return this.intern({ name, value, role: "protocol", owner, ...(span ? { span } : {}) });
  }

  /** A numeric parameter of an activation, with the value a layer gives it. */
  activation(name: string, value: number, span: Span | undefined, owner: string): number {
    return this.intern({ name, value, role: "activation", owner, ...(span ? { span } : {}) });
  }

  /** A named rate constant as it binds where `act` is in effect: an override of its name, else its declaration. */
  rate(l: Extract<TLeaf, { k: "rate" }>, act: ActivationEnv | undefined): number {
    let perEnv = this.memo.get(l.decl);
    const hit = perEnv?.get(act);
    if (hit !== undefined) return hit;
    if (!perEnv) this.memo.set(l.decl, (perEnv = new Map()));
    const o = this.overrides.get(l.name);
    if (o) {
      const i = this.intern({ name: l.name, value: o.value, role: "rate", owner: o.owner, ...(o.span ? { span: o.span } : {}) });
      perEnv.set(act, i);
      return i;
    }
    if (this.active.has(l.decl)) {
      this.sink.error("E0207", l.decl.nameSpan, `rate \`${l.decl.name}\` is defined in terms of itself`);
      return this.intern({ name: l.name, value: NaN, role: "rate", owner: ownerOf(l.scope), span: l.decl.nameSpan });
    }
    this.active.add(l.decl);
    const t = compileConst(l.decl, l.scope, this.sink);
    const expr = this.constExpr(t, act);
    this.active.delete(l.decl);
    const plain = expr.k === "num";
    const value = constValue(expr, this.values);
    const i = this.intern({ name: l.name, value, role: "rate", owner: ownerOf(l.scope), span: l.decl.nameSpan, ...(plain ? {} : { expr }) });
    perEnv.set(act, i);
    return i;
  }

  /** A checked constant expression (rates and activation parameters) over the parameter table. */
  constExpr(t: TExpr, act: ActivationEnv | undefined): ConstExpr {
    return this.leaves(t, act, () => num(NaN)) as ConstExpr;
  }

  /** Map a checked expression's rate and parameter leaves to parameters; other leaves by `other`. */
  leaves<L>(t: TExpr, act: ActivationEnv | undefined, other: (l: Exclude<TLeaf, { k: "rate" | "param" }>) => Expr<L>): Expr<L | ParamLeaf> {
    return mapLeaves<TLeaf, L | ParamLeaf>(t, (l) => {
      if (l.k === "rate") return { k: "param", p: this.rate(l, act) };
      if (l.k === "param") {
        const p = act?.index(l.name);
        return p === undefined ? num(NaN) : { k: "param", p };
      }
      return other(l);
    });
  }

  /**
   * The table as it stands, for an IR between two lowering steps (tests validate those): every
   * parameter made so far, indices unchanged.
   */
  current<T extends CRN>(ir: T): T {
    return this.finish(ir, false);
  }

  /**
   * The finished table for an IR whose reactions, layers and train settings refer to the
   * provisional indices: rate constants no one reads are dropped (with `compact`), the rest get
   * their ids (see the file header) and units, and every reference is renumbered.
   */
  finish<T extends CRN>(ir: T, compact = true): T {
    const n = this.entries.length;
    const keep = new Uint8Array(n).fill(compact ? 0 : 1);
    const mark = (p: number) => {
      if (keep[p]) return;
      keep[p] = 1;
      const e = this.entries[p]!.expr;
      if (e) for (const q of paramsInExpr(e)) mark(q);
    };
    // Uses are counted from the bound templates (every instance of a template reaction reads
    // the same parameters), not reaction by reaction.
    const uses = new Int32Array(n);
    const orders: Set<number>[] = this.entries.map(() => new Set());
    for (const b of this.bound)
      for (const r of b.reactions) {
        if (r.made === 0) continue;
        for (const p of r.params) {
          uses[p]! += r.made;
          mark(p);
        }
        if (r.rate?.kind === "mass" && r.rate.k.k === "param") orders[r.rate.k.p]!.add(r.reactants.reduce((a, t) => a + t.n, 0));
      }
    this.entries.forEach((e, p) => {
      if (e.role !== "rate") mark(p);
    });
    for (const l of ir.layers ?? []) if (l.activation?.closed) for (const p of paramsInExpr(l.activation.closed)) mark(p);
    if (ir.train) for (const p of Object.values(ir.train.params)) if (p !== undefined) mark(p);

    // The ids `names` will try, checked against the species in one scan (not a set of 300 000 ids);
    // an unexpected one (a third clash) costs a scan of its own.
    const candidates = new Set<string>();
    this.entries.forEach((e, p) => {
      if (!keep[p]) return;
      const base = sid(e.name);
      candidates.add(base);
      candidates.add(`${base}_${sid(e.owner)}`);
    });
    const clashes = new Set<string>();
    for (const sp of ir.species) if (candidates.has(sp.id)) clashes.add(sp.id);
    const ids = this.names(keep, uses, { has: (id: string) => (candidates.has(id) ? clashes.has(id) : ir.species.some((x) => x.id === id)) });
    const remap = new Int32Array(n).fill(-1);
    const out: Parameter[] = [];
    for (let p = 0; p < n; p++) {
      if (!keep[p]) continue;
      remap[p] = out.length;
      const e = this.entries[p]!;
      const unit = e.role === "protocol" ? "s" : e.role === "rate" && orders[p]!.size === 1 && !e.expr ? rateUnit([...orders[p]!][0]!) : undefined;
      out.push({
        id: ids[p]!,
        name: e.name,
        value: e.value,
        role: e.role,
        owner: e.owner,
        ...(unit ? { unit } : {}),
        ...(e.span ? { span: e.span } : {}),
        ...(e.expr ? { expr: e.expr } : {}),
      });
    }
    // Nothing to renumber when the parameters dropped were the last ones made (the usual case).
    let identity = true;
    for (let p = 0; p < n; p++) if (keep[p] && remap[p] !== p) identity = false;
    if (!compact || identity) return { ...ir, parameters: out };
    const re = <L>(e: Expr<L | ParamLeaf>): Expr<L | ParamLeaf> =>
      mapLeaves(e, (l) => ((l as ParamLeaf).k === "param" ? { k: "param" as const, p: remap[(l as ParamLeaf).p]! } : l));
    for (const q of out) if (q.expr) q.expr = re(q.expr) as ConstExpr;
    // Shared rate objects (one per template reaction) are renumbered once.
    const done = new Map<object, ConstExpr | CRN["reactions"][number]["rate"]>();
    const reactions = ir.reactions.map((r) => {
      let rate = done.get(r.rate) as CRN["reactions"][number]["rate"] | undefined;
      if (!rate) {
        rate = r.rate.kind === "mass" ? { kind: "mass", k: re(r.rate.k) as ConstExpr } : { kind: "law", expr: re(r.rate.expr) };
        done.set(r.rate, rate);
      }
      return rate === r.rate ? r : { ...r, rate };
    });
    const layers = ir.layers?.map((l) =>
      l.activation
        ? {
            ...l,
            activation: {
              ...l.activation,
              params: Object.fromEntries(Object.entries(l.activation.params).map(([k, p]) => [k, remap[p]!])),
              ...(l.activation.closed ? { closed: re(l.activation.closed) } : {}),
            },
          }
        : l,
    );
    const train = ir.train
      ? {
          ...ir.train,
          params: Object.fromEntries(
            Object.entries(ir.train.params)
              .map(([k, p]) => [k, p === undefined ? undefined : remap[p]!])
              .filter(([, p]) => p !== undefined),
          ) as typeof ir.train.params,
        }
      : undefined;
    return { ...ir, parameters: out, reactions, ...(layers ? { layers } : {}), ...(train ? { train } : {}) };
  }

  /**
   * Ids: within a name, the parameter most reactions read keeps the name (ties: the first made);
   * the others are `name_owner`, then `name_owner_2`, ... Never a species id or a reserved id.
   */
  private names(keep: Uint8Array, uses: Int32Array, species: { has(id: string): boolean }): string[] {
    const ids: string[] = [];
    const taken = new Set<string>();
    const free = (id: string) => SBML_ID.test(id) && !taken.has(id) && !species.has(id) && !RESERVED_IDS.has(id.toLowerCase());
    const groups = new Map<string, number[]>();
    this.entries.forEach((e, p) => {
      if (keep[p]) (groups.get(e.name) ?? groups.set(e.name, []).get(e.name)!).push(p);
    });
    const rank = (p: number) => (this.entries[p]!.role === "protocol" ? 0 : 1);
    const order = [...groups.values()].map((g) => g.sort((a, b) => rank(a) - rank(b) || uses[b]! - uses[a]! || a - b));
    // Names first (so that `k` is never taken by another group's `k_...`), then the qualified ones.
    for (const g of order) {
      const p = g[0]!;
      const base = sid(this.entries[p]!.name);
      if (free(base)) {
        ids[p] = base;
        taken.add(base);
      }
    }
    for (const g of order) {
      for (const p of g) {
        if (ids[p] !== undefined) continue;
        const base = sid(this.entries[p]!.name);
        let id = `${base}_${sid(this.entries[p]!.owner)}`;
        for (let k = 2; !free(id); k++) id = `${base}_${sid(this.entries[p]!.owner)}_${k}`;
        ids[p] = id;
        taken.add(id);
      }
    }
    return ids;
  }
}

/** A name as an SBML id: invalid characters become `_`. */
function sid(s: string): string {
  const t = s.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(t) ? t : `_${t}`;
}

/** Who declares a rate, for names and notes: the activation, or the file of a module (`arith`). */
export function ownerOf(scope: Scope): string {
  let o = owners.get(scope);
  if (o === undefined) owners.set(scope, (o = findOwner(scope)));
  return o;
}
const owners = new WeakMap<Scope, string>();

function findOwner(scope: Scope): string {
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    const m = /^activation `(.*)`$/.exec(s.label) ?? /^crn `(.*)`$/.exec(s.label);
    if (m) return m[1]!;
    if (!s.parent) return s.label.replace(/\.crnn$/, "").replace(/^.*\//, "");
  }
  return "source";
}

export { hasError };
