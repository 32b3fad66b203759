// Lowers a checked network plan to the forward CRN (Anderson, Joshi & Deshpande 2021): for
// every node its activation's `node` template, for every edge its `edge` template, for every
// node its `bias` template. The TypeScript only wires; what the reactions are is written in
// the activation's .crnn source. Also prepares the context the backward and update passes use.
//
//   dense 10 smooth_relu(h: 3)  →  per node X1_i: H -> H + X1_i, 2 X1_i -> X1_i,
//                                   per edge j: X1_i + W0_i_j_p + X0_j -> 2 X1_i + ..., ...

import type { Span } from "../ir/span.js";
import type { DiagnosticSink } from "../diagnostics/diagnostic.js";
import type { NetworkPlan, ContractName } from "../check/network.js";
import type { CompiledTemplate } from "../check/templates.js";
import { IRBuilder } from "../ir/builder.js";
import { num } from "../ir/expr.js";
import { NetworkNames, type Rail } from "../ir/naming.js";
import type { ClosedForm, CRN, LayerInfo, Species, Tag } from "../ir/types.js";
import { bind, instantiate, type BoundTemplate, type DualArg } from "./instantiate.js";
import type { ActivationEnv, ParamTable } from "./params.js";

export interface BoundLayer {
  size: number;
  site: Span;
  templates: Partial<Record<ContractName, BoundTemplate>>;
  /** Catalyst name → species id and concentration. */
  catalysts: Map<string, { id: string; value: number }>;
  /** Node outputs are dual-railed; edges and bias write into an accumulator Z (see check/network.ts). */
  dualOutput: boolean;
  accumulator: boolean;
  dualSlope: boolean;
}

/** What the backward and update stages need besides the IR: names, bound templates, the parameter table. */
export interface NetworkContext {
  names: NetworkNames;
  /** Index ℓ = layer; entry 0 (the input layer) has no templates. */
  layers: BoundLayer[];
  params: ParamTable;
  sink: DiagnosticSink;
}

/** The forward CRN of a network plan; its reactions refer to `params`, whose table `ParamTable.finish` completes. */
export function lowerNetwork(plan: NetworkPlan, source: string, sink: DiagnosticSink, params: ParamTable): { ir: CRN; ctx: NetworkContext } {
  const L = plan.layers.length - 1;
  const names = new NetworkNames(L);
  const acts: (ActivationEnv | undefined)[] = [];
  const closed: (ClosedForm | undefined)[] = [];

  // Catalysts shared by name when every layer agrees on the concentration, else one per layer.
  const catValues = new Map<string, Set<number>>();
  for (const l of plan.layers) for (const [c, v] of l.activation?.catalysts ?? []) (catValues.get(c) ?? catValues.set(c, new Set()).get(c)!).add(v);

  const layers: BoundLayer[] = plan.layers.map((lp, l) => {
    const site = lp.decl?.span ?? plan.decl.nameSpan;
    const templates: BoundLayer["templates"] = {};
    const catalysts = new Map<string, { id: string; value: number }>();
    if (lp.activation) {
      const a = lp.activation;
      const index = new Map<string, number>();
      for (const [name, v] of a.params) index.set(name, params.activation(name, v, a.paramSpans.get(name), a.name));
      const act: ActivationEnv = { value: (n) => a.params.get(n) ?? NaN, index: (n) => index.get(n) };
      acts[l] = act;
      const env = { act, params, site, sink };
      for (const [name, t] of Object.entries(a.templates) as [ContractName, CompiledTemplate][]) templates[name] = bind(t, env);
      for (const [c, v] of a.catalysts) catalysts.set(c, { id: catValues.get(c)!.size > 1 ? `${c}${l}` : c, value: v });
      if (a.closed) closed[l] = params.leaves(a.closed, act, (x) => (x.k === "arg" ? { k: "arg", i: x.i } : num(NaN))) as ClosedForm;
    }
    return {
      size: lp.size,
      site,
      templates,
      catalysts,
      dualOutput: lp.activation?.dualOutput ?? false,
      accumulator: lp.activation?.accumulator ?? false,
      dualSlope: lp.activation?.dualSlope ?? false,
    };
  });

  const b = new IRBuilder();
  const sizes = layers.map((l) => l.size);
  for (let j = 0; j < sizes[0]!; j++) b.add({ id: names.node(0, j), role: "input", family: "X", layer: 0, index: j });
  for (let l = 1; l <= L; l++) {
    const family = l === L ? "Y" : "X";
    for (let i = 0; i < sizes[l]!; i++) {
      if (layers[l]!.dualOutput) dual(b, (r) => names.nodeRail(l, i, r), { role: "node", family, layer: l, index: i });
      else b.add({ id: names.node(l, i), role: "node", family, layer: l, index: i });
    }
    if (layers[l]!.accumulator) for (let i = 0; i < sizes[l]!; i++) dual(b, (r) => names.sum(l, i, r), { role: "aux", family: "Z", layer: l, index: i });
    for (let i = 0; i < sizes[l]!; i++)
      for (let j = 0; j < sizes[l - 1]!; j++) dual(b, (r) => names.weight(l - 1, i, j, r), { role: "weight", family: "W", layer: l - 1, index: i, from: j });
    for (let i = 0; i < sizes[l]!; i++) dual(b, (r) => names.bias(l - 1, i, r), { role: "bias", family: "B", layer: l - 1, index: i });
  }

  for (let l = 1; l <= L; l++) {
    const layer = layers[l]!;
    const t = layer.templates;
    for (let i = 0; i < sizes[l]!; i++) {
      const x = nodeArg(b, layers, names, l, i);
      const sum = layer.accumulator ? pair(b, (r) => names.sum(l, i, r)) : x;
      const wire = nodeWiring(b, layer, names, l, i, "forward");
      if (t.node) instantiate(t.node, { ...wire, args: layer.accumulator ? [x, sum] : [x] }, b);
      for (let j = 0; j < sizes[l - 1]!; j++) {
        const w = pair(b, (r) => names.weight(l - 1, i, j, r));
        const site = `${l - 1}_${i}_${j}`;
        const meta = { layer: l - 1, index: i, from: j };
        const input = nodeArg(b, layers, names, l - 1, j);
        if (!t.edge) continue;
        if (typeof input === "number") instantiate(t.edge, { ...wire, local: localAt(b, names, site, meta), args: [sum, input, w] }, b);
        else {
          // A dual input i = I.p − I.m: the edge's contribution is linear in i, so w·i is the
          // template at I.p plus the template at I.m with the weight's rails swapped (−w).
          instantiate(t.edge, { ...wire, local: localAt(b, names, site, meta), args: [sum, input.p, w] }, b);
          instantiate(t.edge, { ...wire, local: localAt(b, names, `${site}_m`, meta), args: [sum, input.m, { p: w.m, m: w.p }] }, b);
        }
      }
      if (t.bias) instantiate(t.bias, { ...wire, args: [sum, pair(b, (r) => names.bias(l - 1, i, r))] }, b);
    }
  }

  const layerInfo: LayerInfo[] = plan.layers.map((lp, l) => {
    const a = lp.activation;
    if (!a) return { size: lp.size };
    const act = acts[l]!;
    const ps = Object.fromEntries([...a.params.keys()].map((n) => [n, act.index(n)!]));
    return { size: lp.size, activation: { name: a.name, qualified: a.def.qualified, params: ps, ...(closed[l] ? { closed: closed[l] } : {}) } };
  });
  const ir: CRN = {
    kind: "network",
    name: plan.decl.name,
    source,
    species: b.species,
    parameters: [],
    reactions: b.reactions,
    layers: layerInfo,
  };
  return { ir, ctx: { names, layers, params, sink } };
}

type Meta = Omit<Species, "id" | "init" | "rail">;

/** Add both rails of a dual species. */
export function dual(b: IRBuilder, id: (r: Rail) => string, meta: Meta): DualArg {
  return { p: b.add({ id: id("p"), ...meta, rail: "p" }), m: b.add({ id: id("m"), ...meta, rail: "m" }) };
}

export function pair(b: IRBuilder, id: (r: Rail) => string): DualArg {
  return { p: b.find(id("p"))!, m: b.find(id("m"))! };
}

/** Node i of layer l as a template argument: its species, or its rails if the layer is dual-railed. */
export function nodeArg(b: IRBuilder, layers: BoundLayer[], names: NetworkNames, l: number, i: number): number | DualArg {
  return layers[l]!.dualOutput ? pair(b, (r) => names.nodeRail(l, i, r)) : b.find(names.node(l, i))!;
}

/** Locals of a template instantiated at a site are named `<local><site>`: A1_3, AY_0. */
export function localAt(b: IRBuilder, names: NetworkNames, site: string, meta: Omit<Meta, "role" | "family">) {
  return (name: string, isDual: boolean): number | DualArg => {
    const m = { role: "aux" as const, family: name, ...meta };
    return isDual ? dual(b, (r) => `${names.local(name, site)}_${r}`, m) : b.add({ id: names.local(name, site), ...m });
  };
}

/** Wiring for the node-level templates of layer l, node i (node, bias, slope). */
export function nodeWiring(b: IRBuilder, layer: BoundLayer, names: NetworkNames, l: number, i: number, tag: Tag) {
  return {
    args: [] as number[],
    tag,
    local: localAt(b, names, names.site(l, i), { layer: l, index: i }),
    global: (name: string) => {
      const c = layer.catalysts.get(name);
      if (!c) return b.add({ id: name, role: "species" });
      return b.add({ id: c.id, role: "catalyst", family: name, init: c.value });
    },
  };
}
