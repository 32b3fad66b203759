// Checks a `network` block and resolves it into a plan: layer sizes, each layer's activation
// with its parameter values, and the activation's templates compiled and bound to those values.
// Rate constants set in the block (`rate k_div = 20`) override by name every template rate of
// that name; a name that no template declares is an error.
//
//   network n { input 2   dense 10 smooth_relu(h: 3)   dense 1 smooth_relu(h: 3)   rate k_div = 20 }

import { BYTES_PER_PARAMETER, formatBytes, maxParameters } from "../util/memory.js";
import type * as A from "../syntax/ast.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/diagnostic.js";
import { activationScope, Scope, type Def } from "./scope.js";
import { evalStatic, compileConst, compileExpr, compilationMemo, evalTExpr, hasError, type TExpr } from "./expr.js";
import { exprText, forEachLeaf } from "../ir/expr.js";
import { forEachName } from "../syntax/walk.js";
import type { CompiledTemplate, TemplateCompiler } from "./templates.js";

/**
 * The templates an activation provides, with the parameter shapes the network wiring expects.
 * X is the node's output: a single species, or `dual X` when the activation's values can be
 * negative (leaky ReLU, tanh). An activation whose `node` takes a second parameter `dual Z`
 * gets a per-node accumulator: its edges and bias then write the weighted sum z into Z (rather
 * than into X), and `node` computes x = σ(z) from it, e.g. with a rate law.
 *
 *   node(X) · edge(X, I, dual W) · bias(X, dual B) · slope(X, D)                 smooth ReLU
 *   node(dual X, dual Z) · edge(dual Z, I, dual W) · bias(dual Z, dual B) · slope(dual X, D)
 *
 * The slope D may be dual too (`slope(X, dual D)`), for slopes that are differences of
 * mass-action terms such as σ' = x − x².
 */
export const ACTIVATION_CONTRACT = {
  node: ["X"],
  edge: ["X", "I", "dual W"],
  bias: ["X", "dual B"],
  slope: ["X", "D"],
} as const;
export type ContractName = keyof typeof ACTIVATION_CONTRACT;

/** The most weights + biases a network may have on any machine (a 784-100-10 network has 79 510); memory may allow fewer (util/memory.ts). */
export const MAX_PARAMETERS = 5_000_000;

export interface LayerPlan {
  size: number;
  /** The dense declaration (absent for the input layer). */
  decl?: A.DenseDecl;
  activation?: {
    name: string;
    def: Extract<Def, { kind: "activation" }>;
    params: Map<string, number>;
    /** Where each parameter's value is given: the layer's argument, else the declared default. */
    paramSpans: Map<string, A.Span>;
    templates: Partial<Record<ContractName, CompiledTemplate>>;
    /** The closed form σ(z) the activation declares (`closed(z) = ...`), over z and its parameters. */
    closed?: TExpr;
    /** Catalyst name → concentration. */
    catalysts: Map<string, number>;
    /** The node output is dual-railed (`node(dual X)`). */
    dualOutput: boolean;
    /** Edges and bias write into a per-node dual accumulator Z (`node(X, dual Z)`). */
    accumulator: boolean;
    /** The slope D is dual-railed (`slope(X, dual D)`). */
    dualSlope: boolean;
  };
}

export interface NetworkPlan {
  decl: A.NetworkDecl;
  layers: LayerPlan[];
  /** Rate overrides set in the network block. */
  overrides: Map<string, { value: number; span: A.Span }>;
}

export function checkNetwork(decl: A.NetworkDecl, scope: Scope, tc: TemplateCompiler, sink: DiagnosticSink, needSlope: boolean): NetworkPlan | undefined {
  const layers: LayerPlan[] = [];
  const overrides = new Map<string, { value: number; span: A.Span }>();
  let input: A.InputDecl | undefined;
  const size = (e: A.Expr, what: string): number => {
    const v = evalStatic(e, scope, sink, what);
    if (v === undefined) return NaN;
    if (!Number.isInteger(v) || v < 1) {
      sink.error("E0201", e.span, `${what} must be a positive integer, got ${v}`);
      return NaN;
    }
    return v;
  };
  for (const m of decl.members) {
    if (m.kind === "input") {
      if (input)
        sink.error("E0102", m.span, "the network already has an `input`", undefined, { related: [{ span: input.span, message: "the first `input`" }] });
      else {
        input = m;
        layers.unshift({ size: size(m.size, "input width") });
      }
    } else if (m.kind === "dense") {
      layers.push({ size: size(m.size, "layer size"), decl: m, activation: activation(m, scope, tc, sink, needSlope) });
    } else if (m.kind === "rate") {
      const v = evalStatic(m.value, scope, sink, "rate constant");
      if (overrides.has(m.name))
        sink.error("E0102", m.nameSpan, `rate \`${m.name}\` is already set in this network`, undefined, {
          related: [{ span: overrides.get(m.name)!.span, message: `\`${m.name}\` first set here` }],
        });
      else if (v === undefined) continue;
      else if (v < 0) sink.error("E0203", m.value.span, `rate constant \`${m.name}\` must be non-negative and finite, got ${v}`);
      else overrides.set(m.name, { value: v, span: m.nameSpan });
    } else if (m.kind === "const") {
      sink.error("E0109", m.span, "define constants at the top level of the file, not inside a network");
    }
  }
  if (!input) sink.error("E0210", decl.nameSpan, `network \`${decl.name}\` has no \`input\` declaration`, "add e.g. `input 2`");
  if (layers.filter((l) => l.decl).length === 0)
    sink.error("E0210", decl.nameSpan, `network \`${decl.name}\` has no \`dense\` layer`, "add e.g. `dense 1 smooth_relu(h: 1)`");
  // Every override must name a rate constant some template of the network declares.
  const declared = new Set<string>(["eta", "k_ann"]);
  for (const l of layers) for (const t of Object.values(l.activation?.templates ?? {})) collectRateNames(t, declared);
  for (const a of layers) if (a.activation) for (const m of a.activation.def.decl.members) if (m.kind === "rate") declared.add(m.name);
  for (const [name, o] of overrides)
    if (!declared.has(name))
      sink.error(
        "E0101",
        o.span,
        `no template of this network has a rate constant \`${name}\``,
        didYouMean(name, declared) ?? `rate constants: ${[...declared].sort().join(", ")}`,
      );
  if (!input || layers.some((l) => Number.isNaN(l.size))) return undefined;
  // A bound on the size, so that a typo like `dense 1e9` is an error and not an hour of swapping.
  const weights = layers.slice(1).reduce((acc, l, i) => acc + l.size * (layers[i]!.size + 1), 0);
  const fits = Math.min(MAX_PARAMETERS, maxParameters());
  if (weights > fits) {
    const heapBound = fits < MAX_PARAMETERS;
    sink.error(
      "E0201",
      decl.nameSpan,
      `network \`${decl.name}\` has ${weights.toExponential(2)} weights and biases, about ${(2 * weights).toExponential(1)} species and as many reactions, needing about ${formatBytes(weights * BYTES_PER_PARAMETER)}; ${heapBound ? `this process can hold about ${fits.toExponential(1)}` : `crnnc handles at most ${MAX_PARAMETERS.toExponential(0)}`}`,
      heapBound
        ? "a larger V8 heap raises the limit: NODE_OPTIONS=--max-old-space-size=16384 (MB) for 16 GB"
        : "each parameter brings about two species and two reactions",
    );
    return undefined;
  }
  return { decl, layers, overrides };
}

function collectRateNames(t: CompiledTemplate, out: Set<string>): void {
  for (const r of t.reactions) forEachLeaf(r.rate, (l) => void (l.k === "rate" && out.add(l.name)));
}

function activation(m: A.DenseDecl, scope: Scope, tc: TemplateCompiler, sink: DiagnosticSink, needSlope: boolean): LayerPlan["activation"] {
  const def = scope.lookup(m.activation);
  if (!def || def.kind !== "activation") {
    if (def) sink.error("E0103", m.activationSpan, `\`${m.activation}\` is a ${def.kind}, not an activation`);
    else
      sink.error(
        "E0103",
        m.activationSpan,
        `unknown activation \`${m.activation}\``,
        didYouMean(
          m.activation,
          scope.visible((d) => d.kind === "activation"),
        ) ?? (m.activation === "smooth_relu" ? "add `import std/smooth_relu`" : "is an `import` missing?"),
      );
    return undefined;
  }
  const a = def.decl;
  const aScope = activationScope(def, sink);
  // Parameters: declared defaults, then the layer's arguments (by name or by position).
  const params = new Map<string, number>();
  const paramSpans = new Map<string, A.Span>();
  const given = new Set<string>();
  let badParam = false;
  m.args.forEach((arg, idx) => {
    const p = arg.name ? a.params.find((q) => q.name === arg.name) : a.params[idx];
    if (!p) {
      if (arg.name)
        sink.error(
          "E0107",
          arg.nameSpan,
          `activation \`${a.name}\` has no parameter \`${arg.name}\``,
          didYouMean(
            arg.name,
            a.params.map((q) => q.name),
          ) ?? (a.params.length ? `its parameters: ${a.params.map((q) => q.name).join(", ")}` : "it takes no parameters"),
        );
      else
        sink.error("E0104", arg.span, `activation \`${a.name}\` takes ${a.params.length} parameter${a.params.length === 1 ? "" : "s"}, got ${m.args.length}`);
      return;
    }
    if (given.has(p.name)) {
      sink.error("E0102", arg.span, `parameter \`${p.name}\` is given twice`);
      return;
    }
    given.add(p.name);
    const v = evalStatic(arg.value, scope, sink, `parameter \`${p.name}\``);
    if (v === undefined) badParam = true;
    params.set(p.name, v ?? NaN);
    paramSpans.set(p.name, arg.value.span);
  });
  for (const p of a.params) {
    if (params.has(p.name)) continue;
    const v = evalStatic(p.value, aScope, sink, `parameter \`${p.name}\``);
    if (v === undefined) badParam = true;
    params.set(p.name, v ?? NaN);
    paramSpans.set(p.name, p.value.span);
  }
  const env = { param: (n: string) => params.get(n) ?? NaN };
  let failed = badParam;
  for (const r of a.members) {
    if (r.kind !== "require" || badParam) continue;
    const cond = compileExpr(r.cond, { scope: aScope, sink, what: "condition" });
    const ok = evalTExpr(cond, env);
    if (ok === 0 || Number.isNaN(ok)) {
      // Point at the argument the condition is about, if the layer gave it.
      const mentioned = new Set<string>();
      forEachName(r.cond, (n) => void mentioned.add(n.name));
      const arg = m.args.find((x, i) => mentioned.has(x.name ?? a.params[i]?.name ?? ""));
      const text = exprText(cond, (l) => (l.k === "error" ? "?" : l.k === "species" ? l.slot.name : l.name));
      sink.error("E0202", arg?.span ?? m.span, r.message ?? `\`${a.name}\` requires ${text}`, `required by \`${a.name}\` at ${r.span.file}:${r.span.line}`);
      failed = true;
    }
  }
  const catalysts = new Map<string, number>();
  for (const c of a.members) {
    if (c.kind !== "catalyst") continue;
    const v = evalTExpr(compileConst(c, aScope, sink), env);
    // After a failed `require` the bad parameter has been reported; its consequences are not.
    if (!failed && (v < 0 || !Number.isFinite(v))) sink.error("E0209", m.span, `catalyst \`${c.name}\` of \`${a.name}\` would have concentration ${v}`);
    catalysts.set(c.name, v);
  }
  const templates: Partial<Record<ContractName, CompiledTemplate>> = {};
  // The node template decides the shapes of the others: is X dual, is there an accumulator Z?
  const nodeDef = aScope.defs.get("node");
  const nodeParams = nodeDef?.kind === "module" ? nodeDef.decl.params : [];
  const dualOutput = nodeParams[0]?.dual ?? false;
  const accumulator = nodeParams.length === 2 && nodeParams[1]!.dual;
  const x = dualOutput ? "dual X" : "X";
  const sum = accumulator ? "dual Z" : x;
  // The slope may be signed while it settles: σ' = x − x² as two mass-action rails.
  const slopeDef = aScope.defs.get("slope");
  const dualSlope = slopeDef?.kind === "module" && (slopeDef.decl.params[1]?.dual ?? false);
  const shapes: Record<ContractName, readonly string[]> = {
    node: accumulator ? [x, "dual Z"] : [x],
    edge: [sum, "I", "dual W"],
    bias: [sum, "dual B"],
    slope: [x, dualSlope ? "dual D" : "D"],
  };
  for (const name of Object.keys(ACTIVATION_CONTRACT) as ContractName[]) {
    const shape = shapes[name];
    const md = aScope.defs.get(name);
    if (!md || md.kind !== "module") {
      if (name !== "slope" || needSlope)
        sink.error(
          "E0111",
          m.activationSpan,
          `activation \`${a.name}\` has no \`module ${name}(${shape.join(", ")})\``,
          name === "slope" ? "training needs the slope σ'(z) of every activation" : undefined,
        );
      continue;
    }
    const got = md.decl.params.map((p) => (p.dual ? "dual " : "") + "_");
    const want = shape.map((s) => (s.startsWith("dual ") ? "dual _" : "_"));
    if (got.join() !== want.join()) {
      sink.error(
        "E0111",
        md.decl.nameSpan,
        `\`${name}\` of activation \`${a.name}\` must take (${shape.join(", ")})`,
        name === "node" ? "`node(X)` or `node(dual X)`, optionally with an accumulator: `node(X, dual Z)`" : `its \`node\` takes (${shapes.node.join(", ")})`,
      );
      continue;
    }
    templates[name] = tc.module(md);
  }
  const closed = closedForm(def, aScope, sink);
  return { name: a.name, def, params, paramSpans, templates, catalysts, dualOutput, accumulator, dualSlope, ...(closed ? { closed } : {}) };
}

/**
 * The activation's `closed(z) = expr`, checked: at most one, over its argument, its parameters,
 * constants and rates (no species: a closed form is a number). Called for every activation
 * of every file, used or not, and memoised.
 */
export function closedForm(def: Extract<Def, { kind: "activation" }>, aScope: Scope, sink: DiagnosticSink): TExpr | undefined {
  const memo = closedMemo.get(sink, def.decl);
  if (memo) return memo.t;
  const decls = def.decl.members.filter((m): m is A.ClosedDecl => m.kind === "closed");
  for (const extra of decls.slice(1))
    sink.error("E0213", extra.span, `activation \`${def.decl.name}\` declares its closed form twice`, `the first is at line ${decls[0]!.span.line}`);
  const d = decls[0];
  let t: TExpr | undefined;
  if (d) {
    const scope = new Scope(`closed form of \`${def.decl.name}\``, aScope, sink);
    scope.define(d.arg.name, d.arg.span, (s) => ({ kind: "arg", name: d.arg.name, span: d.arg.span, index: 0, scope: s }));
    const c = compileExpr(d.value, { scope, sink, what: "closed form" });
    if (!hasError(c)) t = c;
  }
  closedMemo.set(sink, def.decl, { t });
  return t;
}
const closedMemo = compilationMemo<A.ActivationDecl, { t: TExpr | undefined }>();
