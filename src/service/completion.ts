// Completion: what may be written at the cursor, found from the text before it (the line and the
// block it is in), so it works while the line is still half-written and does not parse. After
// `dense N ` the activations (those in scope, and the stdlib's with the import they need); in an
// activation's argument list its parameters; after `import ` the stdlib's modules; after
// `train NET on ` the datasets; in a train or noise block its settings; in a module or crn body
// the species, modules and rate constants in scope; at the top level the keywords.
//
//   "network n {\n  dense 3 |"  →  smooth_relu, leaky_relu, sigmoid, tanh, ...

import type * as A from "../syntax/ast.js";
import type { Scope } from "../check/scope.js";
import { BUILTIN_DATASETS } from "../data/registry.js";
import type { CompletionItem, TextEdit } from "./types.js";

export interface CompletionContext {
  /** The document's text and the cursor's offset in it. */
  text: string;
  offset: number;
  /** The document's file scope from its last analysis, if any. */
  scope?: Scope;
  /** The stdlib's modules (`std/tanh`) and, for each, its activations' names. */
  stdlib: { module: string; activations: string[] }[];
  /** Where an `import` line goes (the start of the document's first item, or 0) and the document's imports. */
  importAt: { line: number; character: number };
  imports: string[];
}

const TOP = ["import", "const", "rate", "module", "activation", "crn", "network", "train"];
const TRAIN_SETTINGS: Record<string, string> = {
  eta: "η, the rate constant of the update reactions",
  period: "T: how long each sample stays in the pot",
  iterations: "number of training samples presented",
  split: "fraction of the data used for training (the rest validates)",
  init: "initial weights and biases: uniform(a, b), normal(m, s), constant(c); `init weights …`, `init biases …`",
  seed: "seed of the initial weights, the sample order and the noise",
  evaluate: "`evaluate every N`: evaluate every N iterations",
  annihilate: "rate of W.p + W.m -> 0 (0 = off, the paper's construction)",
  noise: "`noise { epsilon …  resample …  hold …  on backward, nodes }` (paper eq. 18)",
  features: "CSV datasets: the feature columns",
  targets: "CSV datasets: the target columns",
  shift: "add this to every feature",
  scale: "multiply every feature by this",
};
const NOISE_SETTINGS: Record<string, string> = {
  epsilon: "ε, the noise level (0 = off)",
  resample: "t0: the noise is redrawn every t0",
  hold: "t1 ≤ t0: each draw is held this long",
  on: "where the noise acts: forward, backward, update, nodes",
};
const BODY_KEYWORDS = ["local", "rate", "const", "require"];

export function complete(cx: CompletionContext): CompletionItem[] {
  const before = cx.text.slice(0, cx.offset);
  const line = before.slice(before.lastIndexOf("\n") + 1);
  const block = enclosingBlock(before);
  const visible = (kinds: string[]) => (cx.scope ? cx.scope.visible((d) => kinds.includes(d.kind)) : []);
  const lookup = (name: string) => cx.scope?.lookup(name);

  if (/^\s*import\s+\S*$/.test(line))
    return cx.stdlib.map((s) => ({ label: s.module, kind: "file", detail: s.activations.length ? `activations: ${s.activations.join(", ")}` : "templates" }));
  if (/^\s*train\s+\w+\s+on\s+\w*$/.test(line))
    return Object.values(BUILTIN_DATASETS).map((d) => ({
      label: d.name,
      kind: "dataset",
      detail: `${d.inputs} → ${d.outputs}, ${d.samples} samples`,
      documentation: d.description,
    }));
  if (/^\s*train\s+\w*$/.test(line)) return visible(["network"]).map((n) => ({ label: n, kind: "network" }));

  if (block?.kind === "network") {
    const args = /\bdense\s+\S+\s+(\w+)\s*\(([^)]*)$/.exec(line);
    if (args) {
      const d = lookup(args[1]!);
      if (d?.kind !== "activation") return [];
      return d.decl.params.map((p) => ({ label: p.name, kind: "parameter", insertText: `${p.name}: `, detail: `default ${exprText(p.value)}` }));
    }
    if (/\bdense\s+\S+\s+\w*$/.test(line)) return activations(cx, visible(["activation"]));
    if (/^\s*rate\s+\w*$/.test(line)) return rateNames(cx);
    if (/^\s*\w*$/.test(line)) return ["input", "dense", "rate"].map((k) => ({ label: k, kind: "keyword" }));
    return [];
  }
  if (block?.kind === "noise") {
    if (/^\s*on\b[\w\s,]*$/.test(line)) return ["forward", "backward", "update", "nodes"].map((k) => ({ label: k, kind: "keyword" }));
    if (/^\s*\w*$/.test(line)) return Object.entries(NOISE_SETTINGS).map(([k, doc]) => ({ label: k, kind: "setting", documentation: doc }));
    return [];
  }
  if (block?.kind === "train") {
    if (/^\s*init\s+(weights\s+|biases\s+)?\w*$/.test(line))
      return ["uniform", "normal", "constant", ...(/init\s+\w*$/.test(line) ? ["weights", "biases"] : [])].map((k) => ({ label: k, kind: "keyword" }));
    if (/^\s*evaluate\s+\w*$/.test(line)) return [{ label: "every", kind: "keyword" }];
    if (/^\s*\w*$/.test(line)) return Object.entries(TRAIN_SETTINGS).map(([k, doc]) => ({ label: k, kind: "setting", documentation: doc }));
    return [];
  }
  if (block?.kind === "body") {
    const names = (kinds: string[], kind: CompletionItem["kind"]) => visible(kinds).map((n) => ({ label: n, kind }));
    // Names the block itself declares (parameters, locals, rates) are not in the file scope: take them from the text.
    const own = ownNames(block.header, cx.text.slice(block.open, cx.offset));
    if (/@\s*\w*$/.test(line) || /@\s*rate\s*\(/.test(line))
      return dedupe([...own.rates.map((n) => ({ label: n, kind: "rate" as const })), ...names(["rate", "const", "param"], "rate")]);
    const items = [...own.species.map((n) => ({ label: n, kind: "species" as const })), ...names(["catalyst"], "species"), ...names(["module"], "module")];
    if (/^\s*\w*$/.test(line)) items.push(...BODY_KEYWORDS.map((k) => ({ label: k, kind: "keyword" as const })));
    return dedupe(items);
  }
  if (!block && /^\s*\w*$/.test(line)) return TOP.map((k) => ({ label: k, kind: "keyword" }));
  return [];
}

function activations(cx: CompletionContext, inScope: string[]): CompletionItem[] {
  const out: CompletionItem[] = inScope.map((n) => ({ label: n, kind: "activation", detail: activationDetail(cx.scope, n) }));
  for (const s of cx.stdlib)
    for (const a of s.activations) {
      if (inScope.includes(a)) continue;
      const edit: TextEdit = { range: { start: cx.importAt, end: cx.importAt }, newText: `import ${s.module}\n` };
      out.push({
        label: a,
        kind: "activation",
        detail: `${s.module} (adds \`import ${s.module}\`)`,
        ...(cx.imports.includes(s.module) ? {} : { additionalEdits: [edit] }),
      });
    }
  return out;
}

function activationDetail(scope: Scope | undefined, name: string): string | undefined {
  const d = scope?.lookup(name);
  return d?.kind === "activation" ? `activation ${name}(${d.decl.params.map((p) => `${p.name} = ${exprText(p.value)}`).join(", ")})` : undefined;
}

/** Rate constants a network may override: those of the activations in scope, and η. */
function rateNames(cx: CompletionContext): CompletionItem[] {
  const names = new Set<string>(["eta", "k_ann"]);
  for (const n of cx.scope?.visible((d) => d.kind === "activation") ?? []) {
    const d = cx.scope!.lookup(n);
    if (d?.kind === "activation") for (const m of d.decl.members) if (m.kind === "rate") names.add(m.name);
  }
  return [...names].map((n) => ({ label: n, kind: "rate" }));
}

function exprText(e: A.Expr): string {
  switch (e.kind) {
    case "num":
      return String(e.value);
    case "name":
      return e.name;
    default:
      return "…";
  }
}

type Block = { kind: "network" | "train" | "noise" | "body"; header: string; open: number };

/** The innermost `{ … }` the cursor is in, by its header: `network n`, `train n on d`, `noise`, `module m(…)`, `crn c`, `activation a(…)`. */
function enclosingBlock(before: string): Block | undefined {
  const text = before.replace(/\/\/[^\n]*/g, (c) => " ".repeat(c.length)).replace(/"[^"\n]*"/g, (c) => " ".repeat(c.length));
  const opens: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "{") opens.push(i);
    else if (text[i] === "}") opens.pop();
  }
  const at = opens[opens.length - 1];
  if (at === undefined) return undefined;
  const header = text.slice(text.lastIndexOf("\n", text.lastIndexOf("\n", at - 1) - 1) + 1, at).trim();
  const last = header.split("\n").pop()!.trim();
  const kind = /\bnetwork\s+\w+\s*$/.test(last)
    ? "network"
    : /\btrain\s+\w+\s+on\b/.test(last)
      ? "train"
      : /\bnoise\s*$/.test(last)
        ? "noise"
        : /\bactivation\b/.test(last) && opens.length === 1
          ? undefined
          : "body";
  return kind ? { kind, header: last, open: at + 1 } : undefined;
}

/** The species and rates a module's header and body (so far) declare, read from their text. */
function ownNames(header: string, body: string): { species: string[]; rates: string[] } {
  const species = new Set<string>();
  const params = /\(([^)]*)\)\s*$/.exec(header);
  for (const p of params?.[1]?.split(",") ?? []) {
    const n = /(\w+)\s*$/.exec(p.trim());
    if (n) species.add(n[1]!);
  }
  for (const m of body.matchAll(/\blocal\s+([\w\s,]+)/g)) for (const n of m[1]!.split(/[\s,]+/)) if (n) species.add(n);
  const rates = [...body.matchAll(/\b(?:rate|const)\s+(\w+)\s*=/g)].map((m) => m[1]!);
  // In a crn block every name on a reaction's sides is a species.
  if (/^crn\b/.test(header))
    for (const m of body.matchAll(/^[^@\n]*->[^@\n]*/gm)) for (const n of m[0].matchAll(/[A-Za-z_]\w*/g)) if (!rates.includes(n[0])) species.add(n[0]);
  return { species: [...species], rates };
}

function dedupe(items: CompletionItem[]): CompletionItem[] {
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.label) && (seen.add(i.label), true));
}
