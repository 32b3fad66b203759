// Checks a module (or a crn block) body and compiles it into a template: reactions over slots
// (parameters, locals, species named outright) with calls to other modules inlined. This is
// where names, arities, dual rails, stoichiometry and rate expressions are checked.
//
//   module mul(Z, A, B) { rate k = 1   A + B -> A + B + Z @ k   Z -> 0 @ k }
//   →  2 template reactions over slots Z=param0, A=param1, B=param2, rate `k` kept symbolic

import type * as A from "../syntax/ast.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/diagnostic.js";
import { Scope, type Def } from "./scope.js";
import { compileConst, compileExpr, type Slot, type TExpr } from "./expr.js";
import { mapLeaves } from "../ir/expr.js";
import { forEachName } from "../syntax/walk.js";

export interface TTerm {
  slot: Slot;
  n: number;
}

export interface TReaction {
  reactants: TTerm[];
  products: TTerm[];
  rate: TExpr;
  /** `@ rate(expr)`: the expression is the whole rate law, not a mass-action constant. */
  law: boolean;
  span: A.Span;
  /** Qualified name of the module the reaction is written in, e.g. `std/arith.mul`. */
  template: string;
  /** The `rate(...)` of a rate law, for warnings that are about the law. */
  rateSpan?: A.Span;
}

export interface CompiledTemplate {
  name: string;
  qualified: string;
  params: { name: string; dual: boolean; span: A.Span }[];
  locals: { name: string; dual: boolean }[];
  /** Species named outright (catalysts of an activation; every species of a crn block). */
  globals: Map<string, { dual: boolean; span: A.Span }>;
  reactions: TReaction[];
  requires: { cond: TExpr; message?: string; span: A.Span }[];
  /** Initial values (crn blocks only). */
  inits: { slot: Slot; value: TExpr; span: A.Span }[];
  span: A.Span;
}

type ModuleDef = Extract<Def, { kind: "module" }>;

export class TemplateCompiler {
  private readonly memo = new Map<A.ModuleDecl, CompiledTemplate>();
  private readonly active: A.ModuleDecl[] = [];

  constructor(private readonly sink: DiagnosticSink) {}

  module(def: ModuleDef): CompiledTemplate {
    const m = this.memo.get(def.decl);
    if (m) return m;
    this.active.push(def.decl);
    const scope = new Scope(`module \`${def.decl.name}\``, def.scope, this.sink);
    const params = def.decl.params.map((p) => ({ name: p.name, dual: p.dual, span: p.span }));
    params.forEach((p, i) =>
      scope.define(p.name, p.span, (s) => ({ kind: "species", name: p.name, span: p.span, dual: p.dual, local: false, scope: s, index: i }) as Def),
    );
    const t = new BodyCompiler(this, this.sink, scope, def.qualified, def.decl.span, params, false).compile(def.decl.body);
    this.active.pop();
    this.memo.set(def.decl, t);
    return t;
  }

  /** A crn block: a body whose unknown names are species. */
  crn(decl: A.CrnDecl, fileScope: Scope, qualified: string): CompiledTemplate {
    const scope = new Scope(`crn \`${decl.name}\``, fileScope, this.sink);
    return new BodyCompiler(this, this.sink, scope, qualified, decl.span, [], true).compile(decl.members);
  }

  isActive(decl: A.ModuleDecl): boolean {
    return this.active.includes(decl);
  }
}

type SpeciesDef = Extract<Def, { kind: "species" }> & { index?: number };

class BodyCompiler {
  private readonly locals: { name: string; dual: boolean }[] = [];
  private readonly globals = new Map<string, { dual: boolean; span: A.Span }>();
  private readonly reactions: TReaction[] = [];
  private readonly requires: CompiledTemplate["requires"] = [];
  private readonly inits: CompiledTemplate["inits"] = [];
  /** Local and global names used with a rail somewhere: they are dual. */
  private readonly railed = new Set<string>();

  constructor(
    private readonly tc: TemplateCompiler,
    private readonly sink: DiagnosticSink,
    private readonly scope: Scope,
    private readonly qualified: string,
    private readonly span: A.Span,
    private readonly params: CompiledTemplate["params"],
    private readonly crnMode: boolean,
  ) {}

  compile(body: (A.Statement | A.InitDecl)[]): CompiledTemplate {
    // Declarations first, so their order in the body does not matter.
    for (const st of body) {
      if (st.kind === "local") for (const n of st.names) this.declareLocal(n);
      else if (st.kind === "rate" || st.kind === "const")
        this.scope.define(st.name, st.nameSpan, (s) => ({ kind: st.kind as "rate" | "const", decl: st, scope: s }));
      else if (st.kind === "catalyst") this.sink.error("E0109", st.span, "`catalyst` belongs in an activation, not in a module or crn body");
    }
    this.collectRails(body);
    // Values of rates and constants are checked now, used or not.
    for (const st of body) if (st.kind === "rate" || st.kind === "const") compileConst(st, this.scope, this.sink);
    for (const st of body) {
      switch (st.kind) {
        case "reaction":
          this.reaction(st);
          break;
        case "call":
          this.call(st);
          break;
        case "require":
          this.requires.push({ cond: compileExpr(st.cond, { scope: this.scope, sink: this.sink, what: "condition" }), message: st.message, span: st.span });
          break;
        case "init":
          if (!this.crnMode) break;
          for (const a of st.assigns) {
            const slot = this.species(a.species, "init");
            if (slot)
              this.inits.push({ slot, value: compileExpr(a.value, { scope: this.scope, sink: this.sink, what: "initial concentration" }), span: a.span });
          }
          break;
        default:
          break;
      }
    }
    return {
      name: this.qualified.split(".").pop()!,
      qualified: this.qualified,
      params: this.params,
      locals: this.locals,
      globals: this.globals,
      reactions: this.reactions,
      requires: this.requires,
      inits: this.inits,
      span: this.span,
    };
  }

  private declareLocal(n: A.Name): void {
    const index = this.locals.length;
    const before = this.scope.defs.size;
    this.scope.define(n.name, n.span, (s) => ({ kind: "species", name: n.name, span: n.span, dual: false, local: true, scope: s, index }) as Def);
    if (this.scope.defs.size > before) this.locals.push({ name: n.name, dual: false });
  }

  /** A local or crn species is dual when some use of it names a rail. */
  private collectRails(body: (A.Statement | A.InitDecl)[]): void {
    const mark = (name: string) => this.railed.add(name);
    const walk = (e: A.Expr) => forEachName(e, (n) => void (n.kind === "rail" && mark(n.name)));
    for (const st of body) {
      if (st.kind === "reaction") {
        for (const t of [...st.reactants, ...st.products]) if (t.species?.rail !== undefined) mark(t.species.name);
        if (st.rate?.kind === "law") walk(st.rate.expr);
      } else if (st.kind === "init") {
        for (const a of st.assigns) if (a.species.rail !== undefined) mark(a.species.name);
      } else if (st.kind === "call") {
        const callee = this.scope.lookup(st.callee);
        if (callee?.kind !== "module") continue;
        st.args.forEach((a, i) => {
          if (a.name) return;
          if (a.value.kind === "rail") mark(a.value.name);
          else if (a.value.kind === "name" && callee.decl.params[i]?.dual) mark(a.value.name);
        });
      }
    }
    for (const l of this.locals) if (this.railed.has(l.name)) l.dual = true;
  }

  /** Resolve a species reference to a slot, checking rails. */
  private species(ref: A.SpeciesRef, use: "reaction" | "law" | "init"): Slot | undefined {
    if (ref.rail !== undefined && ref.rail !== "p" && ref.rail !== "m") {
      this.sink.error("E0106", ref.railSpan ?? ref.span, `unknown rail \`.${ref.rail}\``, "a dual species has two rails: `.p` (plus) and `.m` (minus)");
      return undefined;
    }
    const rail = ref.rail as "p" | "m" | undefined;
    const d = this.scope.lookup(ref.name);
    if (d && d.kind !== "species") {
      if (d.kind === "catalyst") return this.railCheck({ kind: "global", i: -1, name: ref.name }, false, ref, rail);
      if (use === "law" && (d.kind === "rate" || d.kind === "const" || d.kind === "param")) return undefined;
      this.sink.error("E0109", ref.nameSpan, `\`${ref.name}\` is a ${kindName(d)}, not a species`);
      return undefined;
    }
    if (d) {
      const sd = d as SpeciesDef;
      const kind = sd.local ? "local" : "param";
      const dual = sd.local ? (this.locals[sd.index!]?.dual ?? false) : sd.dual;
      return this.railCheck({ kind, i: sd.index ?? -1, name: ref.name }, dual, ref, rail);
    }
    if (this.crnMode) {
      const dual = this.railed.has(ref.name);
      if (!this.globals.has(ref.name)) this.globals.set(ref.name, { dual, span: ref.nameSpan });
      return this.railCheck({ kind: "global", i: -1, name: ref.name }, dual, ref, rail);
    }
    const code = use === "law" ? "E0501" : "E0101";
    const hint =
      didYouMean(
        ref.name,
        this.scope.visible((x) => x.kind === "species" || x.kind === "catalyst"),
      ) ?? `declare it as a parameter of the module or with \`local ${ref.name}\``;
    this.sink.error(code, ref.nameSpan, `unknown species \`${ref.name}\` in ${this.scope.label}`, hint);
    return undefined;
  }

  private railCheck(slot: Slot, dual: boolean, ref: A.SpeciesRef, rail: "p" | "m" | undefined): Slot | undefined {
    if (dual && rail === undefined) {
      this.sink.error("E0106", ref.span, `\`${ref.name}\` is a dual species: name a rail, \`${ref.name}.p\` or \`${ref.name}.m\``);
      return undefined;
    }
    if (!dual && rail !== undefined) {
      const hint = slot.kind === "param" ? `declare the parameter as \`dual ${ref.name}\`` : undefined;
      this.sink.error("E0106", ref.railSpan ?? ref.span, `\`${ref.name}\` is not a dual species, so it has no rail \`.${rail}\``, hint);
      return undefined;
    }
    return rail ? { ...slot, rail } : slot;
  }

  private complex(terms: A.Term[], side: string): TTerm[] | undefined {
    const out: TTerm[] = [];
    let ok = true;
    for (const t of terms) {
      if (!t.species) {
        if (t.coeff !== 0 || terms.length > 1) {
          this.sink.error(
            "E0110",
            t.span,
            t.coeff === 0 ? "`0` (nothing) cannot be combined with species" : `a coefficient needs a species: \`${t.coeff}\` alone means nothing`,
            t.coeff === 0 ? `write the ${side} without \`0\`` : "write `0` for the empty complex",
          );
          ok = false;
        }
        continue;
      }
      if (!Number.isInteger(t.coeff) || t.coeff < 1) {
        this.sink.error("E0110", t.span, `stoichiometric coefficient must be a positive integer, got ${t.coeff}`);
        ok = false;
        continue;
      }
      const slot = this.species(t.species, "reaction");
      if (!slot) {
        ok = false;
        continue;
      }
      const same = out.find((o) => sameSlot(o.slot, slot));
      if (same) same.n += t.coeff;
      else out.push({ slot, n: t.coeff });
    }
    return ok ? out : undefined;
  }

  private reaction(r: A.Reaction): void {
    const reactants = this.complex(r.reactants, "reactants");
    const products = this.complex(r.products, "products");
    let rate: TExpr = { k: "num", v: 1 };
    let law = false;
    if (r.rate) {
      law = r.rate.kind === "law";
      rate = compileExpr(r.rate.expr, {
        scope: this.scope,
        sink: this.sink,
        what: law ? "rate law" : "rate constant",
        species: law ? (ref) => this.species(ref, "law") : undefined,
      });
    }
    if (!reactants || !products) return;
    const same = reactants.length === products.length && reactants.every((t) => products.some((u) => sameSlot(u.slot, t.slot) && u.n === t.n));
    if (same) {
      this.sink.warn("W0605", r.span, "this reaction changes nothing (its reactants and products are the same), so it is left out");
      return;
    }
    this.reactions.push({ reactants, products, rate, law, span: r.span, template: this.qualified, ...(law && r.rate ? { rateSpan: r.rate.span } : {}) });
  }

  private call(c: A.CallStmt): void {
    const d = this.scope.lookup(c.callee);
    if (!d || d.kind !== "module") {
      if (d) this.sink.error("E0103", c.calleeSpan, `\`${c.callee}\` is a ${kindName(d)}, not a module`);
      else
        this.sink.error(
          "E0103",
          c.calleeSpan,
          `unknown module \`${c.callee}\``,
          didYouMean(
            c.callee,
            this.scope.visible((x) => x.kind === "module"),
          ) ?? "is an `import` missing?",
        );
      return;
    }
    if (this.tc.isActive(d.decl)) {
      this.sink.error(
        "E0108",
        c.calleeSpan,
        `module \`${c.callee}\` calls itself (directly or through other modules)`,
        "a template expands into a fixed set of reactions, so it cannot recurse",
      );
      return;
    }
    const callee = this.tc.module(d);
    const positional = c.args.filter((a) => !a.name);
    const named = c.args.filter((a) => a.name);
    if (positional.length !== callee.params.length) {
      this.sink.error(
        "E0104",
        c.span,
        `\`${c.callee}\` takes ${callee.params.length} species argument${callee.params.length === 1 ? "" : "s"} (${callee.params.map((p) => (p.dual ? `dual ${p.name}` : p.name)).join(", ")}), got ${positional.length}`,
      );
      return;
    }
    // Named arguments override the callee's own rate constants.
    const ownRates = new Map<string, A.ValueDecl>();
    for (const st of d.decl.body) if (st.kind === "rate") ownRates.set(st.name, st);
    const overrides = new Map<A.ValueDecl, TExpr>();
    for (const a of named) {
      const decl = ownRates.get(a.name!);
      if (!decl) {
        this.sink.error(
          "E0107",
          a.nameSpan,
          `\`${c.callee}\` has no rate constant \`${a.name}\``,
          didYouMean(a.name!, ownRates.keys()) ??
            (ownRates.size ? `its rate constants: ${[...ownRates.keys()].join(", ")}` : `\`${c.callee}\` declares no rate constants`),
        );
        continue;
      }
      overrides.set(decl, compileExpr(a.value, { scope: this.scope, sink: this.sink, what: "rate constant" }));
    }
    const argSlots: Slot[] = [];
    let ok = true;
    positional.forEach((a, i) => {
      const p = callee.params[i]!;
      const slot = this.argSlot(a, p, c.callee);
      if (slot) argSlots.push(slot);
      else ok = false;
    });
    if (!ok) return;
    // Inline: callee locals become fresh locals here.
    const localMap = callee.locals.map((l) => {
      let name = l.name;
      for (let k = 2; this.scope.lookup(name)?.kind === "species" || this.locals.some((x) => x.name === name); k++) name = `${l.name}_${k}`;
      this.locals.push({ name, dual: l.dual });
      return this.locals.length - 1;
    });
    const mapSlot = (s: Slot): Slot => {
      if (s.kind === "param") {
        const a = argSlots[s.i]!;
        return s.rail ? { ...a, rail: s.rail } : a;
      }
      if (s.kind === "local") {
        const i = localMap[s.i]!;
        return { kind: "local", i, name: this.locals[i]!.name, ...(s.rail ? { rail: s.rail } : {}) };
      }
      if (!this.globals.has(s.name)) this.globals.set(s.name, callee.globals.get(s.name) ?? { dual: false, span: c.span });
      return s;
    };
    const mapExpr = (t: TExpr): TExpr =>
      mapLeaves(t, (l): TExpr => (l.k === "rate" ? (overrides.get(l.decl) ?? l) : l.k === "species" ? { k: "species", slot: mapSlot(l.slot) } : l));
    const mapTerms = (ts: TTerm[]): TTerm[] => {
      const out: TTerm[] = [];
      for (const t of ts) {
        const slot = mapSlot(t.slot);
        const same = out.find((o) => sameSlot(o.slot, slot));
        if (same) same.n += t.n;
        else out.push({ slot, n: t.n });
      }
      return out;
    };
    for (const r of callee.reactions) {
      this.reactions.push({
        ...r,
        reactants: mapTerms(r.reactants),
        products: mapTerms(r.products),
        rate: mapExpr(r.rate),
      });
    }
    for (const q of callee.requires) this.requires.push({ ...q, cond: mapExpr(q.cond) });
  }

  private argSlot(a: A.Arg, p: CompiledTemplate["params"][number], callee: string): Slot | undefined {
    const v = a.value;
    if (v.kind !== "name" && v.kind !== "rail") {
      this.sink.error("E0105", a.span, `argument \`${p.name}\` of \`${callee}\` is a species; pass a species name here`);
      return undefined;
    }
    const ref: A.SpeciesRef =
      v.kind === "rail"
        ? { name: v.name, rail: v.rail, nameSpan: v.span, railSpan: v.railSpan, span: v.span }
        : { name: v.name, nameSpan: v.span, span: v.span };
    const d = this.scope.lookup(ref.name);
    const isDual =
      d?.kind === "species"
        ? (d as SpeciesDef).local
          ? this.locals[(d as SpeciesDef).index!]?.dual
          : d.dual
        : this.crnMode && !d && this.railed.has(ref.name);
    if (p.dual) {
      if (ref.rail !== undefined) {
        this.sink.error("E0106", a.span, `\`${p.name}\` of \`${callee}\` is dual: pass the whole dual species \`${ref.name}\`, not one rail`);
        return undefined;
      }
      if (d?.kind === "species" && !isDual) {
        this.sink.error(
          "E0105",
          a.span,
          `\`${p.name}\` of \`${callee}\` is a dual species, but \`${ref.name}\` is not dual`,
          d.local ? undefined : `declare it as \`dual ${ref.name}\``,
        );
        return undefined;
      }
      const slot = this.species({ ...ref, rail: "p" }, "reaction");
      return slot ? { ...slot, rail: undefined } : undefined;
    }
    return this.species(ref, "reaction");
  }
}

function sameSlot(a: Slot, b: Slot): boolean {
  return a.kind === b.kind && a.i === b.i && a.name === b.name && a.rail === b.rail;
}

function kindName(d: Def): string {
  switch (d.kind) {
    case "param":
      return "parameter";
    case "rate":
      return "rate constant";
    case "const":
      return "constant";
    default:
      return d.kind;
  }
}
