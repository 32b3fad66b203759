// Numeric expressions of the source, resolved against scopes: constants inline, rates stay
// symbolic (a network can override them by name, and lowering turns each into a parameter),
// activation parameters bind late, species are slots. The tree is the IR's expression type
// (ir/expr.ts) with checker leaves; its evaluation is the IR's, so the two cannot disagree.
//
//   rate k_div = 10 * k      →  { k: "bin", op: "*", a: 10, b: { k: "rate", name: "k" } }

import type * as A from "../syntax/ast.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/diagnostic.js";
import type { Scope, Def } from "./scope.js";
import type { Code } from "../diagnostics/codes.js";
import { FUNCTIONS, arityProblem, evalExpr, isFunction, someLeaf, type Expr } from "../ir/expr.js";

/** A species reference inside a template: a parameter, a local, or a species named outright. */
export interface Slot {
  kind: "param" | "local" | "global";
  /** Parameter or local index; -1 for globals. */
  i: number;
  name: string;
  rail?: "p" | "m";
}

export type TLeaf =
  | { k: "rate"; name: string; decl: A.ValueDecl; scope: Scope }
  | { k: "param"; name: string }
  | { k: "species"; slot: Slot }
  /** The argument of a closed form (`z` in `closed(z) = ...`). */
  | { k: "arg"; i: number; name: string }
  /** Where an error was reported: evaluates to NaN, and marks the expression as already wrong. */
  | { k: "error" };
export type TExpr = Expr<TLeaf>;

export interface ExprContext {
  scope: Scope;
  sink: DiagnosticSink;
  /** Resolves a species name in a rate law; undefined where species are not allowed. */
  species?: (ref: A.SpeciesRef) => Slot | undefined;
  /** What the expression is, for messages: "rate constant", "size", ... */
  what: string;
  /** The name being defined (never suggested as a fix for an unknown name in its own value). */
  defining?: string;
}

const constStack: A.ValueDecl[] = [];
/**
 * A memo that lives as long as one compilation (one sink): ASTs can be shared between
 * compilations (the stdlib's are parsed once per process), and a memo that outlived its
 * compilation would keep the next one from reporting the same declaration's errors.
 */
export function compilationMemo<K extends object, V>(): { get(sink: DiagnosticSink, k: K): V | undefined; set(sink: DiagnosticSink, k: K, v: V): void } {
  const bySink = new WeakMap<DiagnosticSink, WeakMap<K, V>>();
  return {
    get: (sink, k) => bySink.get(sink)?.get(k),
    set: (sink, k, v) => {
      let m = bySink.get(sink);
      if (!m) bySink.set(sink, (m = new WeakMap()));
      m.set(k, v);
    },
  };
}
const constMemo = compilationMemo<A.ValueDecl, TExpr>();

export function compileExpr(e: A.Expr, cx: ExprContext): TExpr {
  switch (e.kind) {
    case "num":
      return { k: "num", v: e.value };
    case "neg":
      return { k: "neg", a: compileExpr(e.operand, cx) };
    case "bin":
      return { k: "bin", op: e.op, a: compileExpr(e.left, cx), b: compileExpr(e.right, cx) };
    case "call": {
      if (!isFunction(e.callee)) {
        cx.sink.error(
          "E0112",
          e.calleeSpan,
          `unknown function \`${e.callee}\``,
          didYouMean(e.callee, Object.keys(FUNCTIONS)) ?? `functions: ${Object.keys(FUNCTIONS).join(", ")}`,
        );
        return bad();
      }
      const arity = arityProblem(e.callee, e.args.length);
      if (arity) {
        cx.sink.error("E0104", e.span, arity);
        return bad();
      }
      for (const a of e.args) if (a.name) cx.sink.error("E0107", a.nameSpan, `\`${e.callee}\` takes no named arguments`);
      return { k: "fn", f: e.callee, args: e.args.map((a) => compileExpr(a.value, cx)) };
    }
    case "rail":
    case "name": {
      const ref: A.SpeciesRef =
        e.kind === "rail"
          ? {
              name: e.name,
              rail: e.rail,
              nameSpan: { ...e.span, end: e.span.start + e.name.length, endCol: e.span.col + e.name.length - 1 },
              railSpan: e.railSpan,
              span: e.span,
            }
          : { name: e.name, nameSpan: e.span, span: e.span };
      const d = cx.scope.lookup(e.name);
      if (d && d.kind !== "species" && e.kind === "name") return nameToExpr(d, e, cx) ?? bad();
      if (cx.species) {
        const slot = cx.species(ref);
        return slot ? { k: "species", slot } : bad();
      }
      if (d?.kind === "species") {
        cx.sink.error(
          "E0109",
          e.span,
          `\`${e.name}\` is a species, but a ${cx.what} must be a number`,
          "a rate that depends on concentrations is a rate law: write `@ rate(...)`",
        );
        return bad();
      }
      unknown(cx, e.name, e.span);
      return bad();
    }
  }
}

function nameToExpr(d: Def, e: { name: string; span: A.Span }, cx: ExprContext): TExpr | undefined {
  switch (d.kind) {
    case "rate":
      return { k: "rate", name: e.name, decl: d.decl, scope: d.scope };
    case "param":
      return { k: "param", name: e.name };
    case "arg":
      return { k: "arg", i: d.index, name: e.name };
    case "const":
    case "catalyst":
      // A catalyst's concentration is fixed, so in a number it reads as that constant.
      return compileConst(d.decl, d.scope, cx.sink);
    default:
      cx.sink.error("E0109", e.span, `\`${e.name}\` is a ${d.kind}, not a number`);
      return undefined;
  }
}

export function compileConst(decl: A.ValueDecl, scope: Scope, sink: DiagnosticSink): TExpr {
  const memo = constMemo.get(sink, decl);
  if (memo) return memo;
  if (constStack.includes(decl)) {
    sink.error("E0207", decl.nameSpan, `\`${decl.name}\` is defined in terms of itself`);
    return bad();
  }
  constStack.push(decl);
  try {
    const t = compileExpr(decl.value, { scope, sink, what: "constant", defining: decl.name });
    constMemo.set(sink, decl, t);
    return t;
  } finally {
    constStack.pop();
  }
}

function unknown(cx: ExprContext, name: string, span: A.Span): void {
  const code: Code = "E0101";
  const hint = didYouMean(
    name,
    cx.scope.visible((d) => d.kind === "rate" || d.kind === "const" || d.kind === "param" || d.kind === "arg").filter((n) => n !== cx.defining),
  );
  cx.sink.error(
    code,
    span,
    `unknown ${cx.what === "rate constant" ? "rate constant" : "name"} \`${name}\``,
    hint ?? (cx.what === "rate constant" ? "declare it with `rate NAME = value`" : undefined),
  );
}

function bad(): TExpr {
  return { k: "error" };
}

/** Does the expression contain a place where an error was already reported? */
export function hasError(t: TExpr): boolean {
  return someLeaf(t, (l) => l.k === "error");
}

/** Does the expression mention a species (i.e. is it a rate law rather than a constant)? */
export function mentionsSpecies(t: TExpr): boolean {
  return someLeaf(t, (l) => l.k === "species");
}

/** Leaf values for `evalTExpr`; a leaf without one evaluates to NaN. */
export interface LeafValues {
  rate?: (l: Extract<TLeaf, { k: "rate" }>) => number;
  param?: (name: string) => number;
  species?: (slot: Slot) => number;
  arg?: (i: number) => number;
}

export function evalTExpr(t: TExpr, v: LeafValues): number {
  return evalExpr(t, (l) => {
    switch (l.k) {
      case "rate":
        return v.rate ? v.rate(l) : NaN;
      case "param":
        return v.param ? v.param(l.name) : NaN;
      case "species":
        return v.species ? v.species(l.slot) : NaN;
      case "arg":
        return v.arg ? v.arg(l.i) : NaN;
      case "error":
        return NaN;
    }
  });
}

/** A value in a numeric position must be a finite number; `0/0`, `1/0` or `exp(1000)` is an error here. */
export function finiteOrReport(v: number, span: A.Span, what: string, sink: DiagnosticSink): number | undefined {
  if (Number.isFinite(v)) return v;
  sink.error(
    "E0212",
    span,
    `this ${what} evaluates to ${v}, not a finite number`,
    Number.isNaN(v)
      ? "NaN comes from 0/0, 0 * ∞, ∞ − ∞, sqrt or log of a negative number, ..."
      : "a division by zero or an overflow (exp of a large number, a huge power) gives ±∞",
  );
  return undefined;
}

/**
 * Evaluate an expression that may only contain numbers, constants and rates (sizes, settings):
 * its value, or undefined when it is wrong (the error is reported: an unknown name, a
 * non-constant, or a value that is not a finite number).
 */
export function evalStatic(e: A.Expr, scope: Scope, sink: DiagnosticSink, what: string): number | undefined {
  const t = compileExpr(e, { scope, sink, what });
  if (hasError(t)) return undefined;
  let constant = true;
  const memo = new Map<A.ValueDecl, number>();
  const active = new Set<A.ValueDecl>();
  let cyclic = false;
  let broken = false;
  const rate = (l: Extract<TLeaf, { k: "rate" }>): number => {
    const m = memo.get(l.decl);
    if (m !== undefined) return m;
    if (active.has(l.decl)) return ((cyclic = true), NaN);
    active.add(l.decl);
    const inner = compileConst(l.decl, l.scope, sink);
    if (hasError(inner)) broken = true;
    const v = broken ? NaN : evalTExpr(inner, { rate, param: () => ((constant = false), NaN) });
    active.delete(l.decl);
    memo.set(l.decl, v);
    return v;
  };
  const v = evalTExpr(t, { rate, param: () => ((constant = false), NaN), arg: () => ((constant = false), NaN) });
  if (broken) return undefined;
  if (!constant) {
    sink.error("E0208", e.span, `a ${what} must be a constant expression`);
    return undefined;
  }
  if (cyclic) {
    sink.error("E0207", e.span, `a rate this ${what} reads is defined in terms of itself`);
    return undefined;
  }
  return finiteOrReport(v, e.span, what, sink);
}
