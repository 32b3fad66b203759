// Numeric expressions: resolution of names (constants inline, rates stay symbolic so a network
// can override them by name, activation parameters bind late) and evaluation.
//
//   rate k_div = 10 * k      →  { k: "bin", op: "*", a: 10, b: { k: "rate", name: "k" } }

import type * as A from "../syntax/ast.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/diagnostic.js";
import type { Scope, Def } from "./scope.js";
import type { Code } from "../diagnostics/codes.js";

/** A species reference inside a template: a parameter, a local, or a species named outright. */
export interface Slot {
  kind: "param" | "local" | "global";
  /** Parameter or local index; -1 for globals. */
  i: number;
  name: string;
  rail?: "p" | "m";
}

export type TExpr =
  | { k: "num"; v: number }
  | { k: "rate"; name: string; decl: A.ValueDecl; scope: Scope }
  | { k: "param"; name: string }
  | { k: "species"; slot: Slot }
  | { k: "neg"; a: TExpr }
  | { k: "bin"; op: A.BinaryOp; a: TExpr; b: TExpr }
  | { k: "fn"; f: FnName; args: TExpr[] };

export const FUNCTIONS = {
  sqrt: 1,
  exp: 1,
  log: 1,
  abs: 1,
  min: 2,
  max: 2,
  /** The characteristic function of [0, ∞): step(x) = 1 if x ≥ 0, else 0. */
  step: 1,
} as const;
export type FnName = keyof typeof FUNCTIONS;

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
const constMemo = new WeakMap<A.ValueDecl, TExpr>();

export function compileExpr(e: A.Expr, cx: ExprContext): TExpr {
  switch (e.kind) {
    case "num":
      return { k: "num", v: e.value };
    case "neg":
      return { k: "neg", a: compileExpr(e.operand, cx) };
    case "bin":
      return { k: "bin", op: e.op, a: compileExpr(e.left, cx), b: compileExpr(e.right, cx) };
    case "call": {
      const arity = FUNCTIONS[e.callee as FnName];
      if (arity === undefined) {
        cx.sink.error("E0112", e.calleeSpan, `unknown function \`${e.callee}\``, didYouMean(e.callee, Object.keys(FUNCTIONS)) ?? `functions: ${Object.keys(FUNCTIONS).join(", ")}`);
        return bad();
      }
      if (e.args.length !== arity) {
        cx.sink.error("E0104", e.span, `\`${e.callee}\` takes ${arity} argument${arity === 1 ? "" : "s"}, got ${e.args.length}`);
        return bad();
      }
      for (const a of e.args) if (a.name) cx.sink.error("E0107", a.nameSpan, `\`${e.callee}\` takes no named arguments`);
      return { k: "fn", f: e.callee as FnName, args: e.args.map((a) => compileExpr(a.value, cx)) };
    }
    case "rail":
    case "name": {
      const ref: A.SpeciesRef =
        e.kind === "rail"
          ? { name: e.name, rail: e.rail, nameSpan: { ...e.span, end: e.span.start + e.name.length, endCol: e.span.col + e.name.length - 1 }, railSpan: e.railSpan, span: e.span }
          : { name: e.name, nameSpan: e.span, span: e.span };
      const d = cx.scope.lookup(e.name);
      if (d && d.kind !== "species" && e.kind === "name") {
        const t = nameToExpr(d, e, cx);
        if (t) return t;
        return bad();
      }
      if (cx.species) {
        const slot = cx.species(ref);
        if (slot) return { k: "species", slot };
        return bad();
      }
      if (d?.kind === "species") {
        cx.sink.error("E0109", e.span, `\`${e.name}\` is a species, but a ${cx.what} must be a number`, "a rate that depends on concentrations is a rate law: write `@ rate(...)`");
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
  const memo = constMemo.get(decl);
  if (memo) return memo;
  if (constStack.includes(decl)) {
    sink.error("E0207", decl.nameSpan, `\`${decl.name}\` is defined in terms of itself`);
    return bad();
  }
  constStack.push(decl);
  try {
    const t = compileExpr(decl.value, { scope, sink, what: "constant", defining: decl.name });
    constMemo.set(decl, t);
    return t;
  } finally {
    constStack.pop();
  }
}

function unknown(cx: ExprContext, name: string, span: A.Span): void {
  const code: Code = "E0101";
  const hint = didYouMean(name, cx.scope.visible((d) => d.kind === "rate" || d.kind === "const" || d.kind === "param").filter((n) => n !== cx.defining));
  cx.sink.error(code, span, `unknown ${cx.what === "rate constant" ? "rate constant" : "name"} \`${name}\``, hint ?? (cx.what === "rate constant" ? "declare it with `rate NAME = value`" : undefined));
}

function bad(): TExpr {
  return { k: "num", v: NaN };
}

// ---- evaluation ----------------------------------------------------------------------------

export interface EvalEnv {
  param(name: string): number;
  rate(t: Extract<TExpr, { k: "rate" }>): number;
  species?(slot: Slot): number;
}

export function evalExpr(t: TExpr, env: EvalEnv): number {
  switch (t.k) {
    case "num":
      return t.v;
    case "rate":
      return env.rate(t);
    case "param":
      return env.param(t.name);
    case "species":
      return env.species ? env.species(t.slot) : NaN;
    case "neg":
      return -evalExpr(t.a, env);
    case "bin":
      return applyOp(t.op, evalExpr(t.a, env), evalExpr(t.b, env));
    case "fn":
      return applyFn(t.f, t.args.map((a) => evalExpr(a, env)));
  }
}

export function applyOp(op: A.BinaryOp, a: number, b: number): number {
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return a / b;
    case "^":
      return a ** b;
    case "<":
      return a < b ? 1 : 0;
    case "<=":
      return a <= b ? 1 : 0;
    case ">":
      return a > b ? 1 : 0;
    case ">=":
      return a >= b ? 1 : 0;
    case "==":
      return a === b ? 1 : 0;
  }
}

export function applyFn(f: FnName, x: number[]): number {
  switch (f) {
    case "sqrt":
      return Math.sqrt(x[0]!);
    case "exp":
      return Math.exp(x[0]!);
    case "log":
      return Math.log(x[0]!);
    case "abs":
      return Math.abs(x[0]!);
    case "min":
      return Math.min(x[0]!, x[1]!);
    case "max":
      return Math.max(x[0]!, x[1]!);
    case "step":
      return x[0]! >= 0 ? 1 : 0;
  }
}

/** Does the expression mention a species (i.e. is it a rate law rather than a constant)? */
export function mentionsSpecies(t: TExpr): boolean {
  switch (t.k) {
    case "species":
      return true;
    case "neg":
      return mentionsSpecies(t.a);
    case "bin":
      return mentionsSpecies(t.a) || mentionsSpecies(t.b);
    case "fn":
      return t.args.some(mentionsSpecies);
    default:
      return false;
  }
}

/**
 * Values of named rate constants: an override by name if one is given, else the declared
 * default. Memoised per declaration; a rate defined through itself is reported, not looped on.
 */
export class RateResolver {
  private readonly memo = new Map<A.ValueDecl, number>();
  private readonly active = new Set<A.ValueDecl>();

  constructor(
    private readonly sink: DiagnosticSink,
    private readonly overrides: ReadonlyMap<string, number> = new Map(),
    private readonly params: (name: string) => number = () => NaN,
  ) {}

  readonly env: EvalEnv = {
    param: (n) => this.params(n),
    rate: (r) => this.value(r.decl, r.scope),
  };

  value(decl: A.ValueDecl, scope: Scope): number {
    const o = this.overrides.get(decl.name);
    if (o !== undefined) return o;
    const m = this.memo.get(decl);
    if (m !== undefined) return m;
    if (this.active.has(decl)) {
      this.sink.error("E0207", decl.nameSpan, `rate \`${decl.name}\` is defined in terms of itself`);
      return NaN;
    }
    this.active.add(decl);
    const v = evalExpr(compileConst(decl, scope, this.sink), this.env);
    this.active.delete(decl);
    this.memo.set(decl, v);
    return v;
  }
}

/** Evaluate an expression that may only contain numbers, constants and rates (sizes, settings). */
export function evalStatic(e: A.Expr, scope: Scope, sink: DiagnosticSink, what: string): number {
  const t = compileExpr(e, { scope, sink, what });
  let ok = true;
  const rates = new RateResolver(sink, new Map(), () => ((ok = false), NaN));
  const v = evalExpr(t, rates.env);
  if (!ok) sink.error("E0208", e.span, `a ${what} must be a constant expression`);
  return v;
}
