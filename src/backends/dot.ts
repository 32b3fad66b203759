// The DOT backend (`crnnc compile --emit dot`): the CRN as Graphviz's bipartite picture for
// papers — species as ellipses coloured by role, reactions as small boxes labelled with their rate
// and coloured by sub-network, reactants → reaction → products, a catalyst's edge dashed and
// without an arrow. A network's layers are clusters, left to right, each holding its species and
// one cluster per sub-network (forward, backward, update) for its reactions; what belongs to no
// layer (the catalyst H, a raw crn's species) sits outside. Graph from analysis/graph.ts; render
// with `dot -Tsvg`.
//
//   crnnc compile examples/xor.crnn --emit dot | dot -Tsvg > xor.svg
//   subgraph "cluster_layer_1" { label="layer 1"; "X1_0" [...]; subgraph "cluster_layer_1_forward" { ... } }

import type { CRN, Role, Tag } from "../ir/types.js";
import { crnGraph } from "../analysis/graph.js";
import { formatReaction } from "./reactions.js";
import { exprText, formatNumber } from "../ir/expr.js";

/** Fill colours by species role (light, so the labels stay readable in print). */
export const ROLE_COLORS: Record<Role, string> = {
  input: "#cfe8ff",
  target: "#ffd9b3",
  node: "#b3e6b3",
  weight: "#f2d0f7",
  bias: "#f7e3c8",
  slope: "#d9f2f2",
  aux: "#eeeeee",
  gradient: "#fde2e2",
  catalyst: "#fff5b3",
  species: "#e0ecff",
};

/** Colours by sub-network, for reactions and their clusters. */
export const TAG_COLORS: Record<Tag, string> = {
  forward: "#2b6cb0",
  backward: "#c53030",
  update: "#2f855a",
  crn: "#4a5568",
};

const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/**
 * The CRN as a Graphviz DOT digraph: species and reactions as a bipartite graph, clustered by
 * layer and sub-network. Deterministic (IR order).
 *
 * @example
 * ```ts
 * import { compile, emitDot } from "crnnc";
 * const dot = emitDot(compile("crn c {\n  A + B -> 2 B @ 1\n}\n").ir!);   // 'digraph "c" { ... }'
 * ```
 */
export function emitDot(ir: CRN): string {
  const g = crnGraph(ir);
  const rid = (i: number) => q(`r${i}`);
  const n = ir.reactions.length;
  const out: string[] = [
    `// ${ir.kind} ${ir.name} from ${ir.source}: ${ir.species.length} species, ${n} reaction${n === 1 ? "" : "s"} (crnnc compile --emit dot; render with dot -Tsvg)`,
    `digraph ${q(ir.name)} {`,
    `  graph [rankdir=LR, newrank=true, fontname="Helvetica", fontsize=12, nodesep=0.08, ranksep=0.6, labeljust=l];`,
    `  node [fontname="Helvetica", fontsize=9, style=filled, penwidth=0.6];`,
    `  edge [arrowsize=0.5, penwidth=0.6, color="#555555"];`,
  ];
  const pids = ir.parameters.map((p) => p.id);
  const rateLabel = (i: number) => {
    const r = ir.reactions[i]!;
    if (r.rate.kind === "law") return "rate law";
    return exprText(r.rate.k, (l) => pids[l.p]!);
  };
  const speciesLine = (s: number, ind: string) => {
    const sp = g.species[s]!;
    return `${ind}${q(sp.id)} [shape=ellipse, fillcolor=${q(ROLE_COLORS[sp.role])}, tooltip=${q(`${sp.id}: ${sp.role}, initially ${formatNumber(ir.species[s]!.init)}`)}];`;
  };
  const reactionLine = (r: number, ind: string) =>
    `${ind}${rid(r)} [shape=box, height=0.2, width=0.3, margin="0.03,0.01", fontsize=7, fontcolor="white", fillcolor=${q(TAG_COLORS[g.reactions[r]!.tag])}, label=${q(rateLabel(r))}, tooltip=${q(formatReaction(ir.reactions[r]!, ir))}];`;
  const tagCluster = (tags: Map<Tag, number[]>, prefix: string, ind: string) => {
    for (const tag of g.tags) {
      const rs = tags.get(tag);
      if (!rs?.length) continue;
      out.push(`${ind}subgraph ${q(`cluster_${prefix}${tag}`)} {`);
      out.push(`${ind}  label=${q(tag)}; color=${q(TAG_COLORS[tag])}; fontcolor=${q(TAG_COLORS[tag])}; style=rounded;`);
      for (const r of rs) out.push(reactionLine(r, `${ind}  `));
      out.push(`${ind}}`);
    }
  };
  const byLayer = <T extends { layer?: number }>(xs: readonly T[], layer: number | undefined) => xs.flatMap((x, i) => (x.layer === layer ? [i] : []));
  const group = (rs: number[]) => {
    const m = new Map<Tag, number[]>();
    for (const r of rs) {
      const t = g.reactions[r]!.tag;
      m.set(t, [...(m.get(t) ?? []), r]);
    }
    return m;
  };
  for (const layer of g.layers) {
    out.push(`  subgraph ${q(`cluster_layer_${layer}`)} {`);
    out.push(`    label=${q(`layer ${layer}`)}; color="#999999"; style=dashed;`);
    for (const s of byLayer(g.species, layer)) out.push(speciesLine(s, "    "));
    tagCluster(group(byLayer(g.reactions, layer)), `layer_${layer}_`, "    ");
    out.push(`  }`);
  }
  for (const s of byLayer(g.species, undefined)) out.push(speciesLine(s, "  "));
  tagCluster(group(byLayer(g.reactions, undefined)), "", "  ");
  for (const e of g.edges) {
    const attrs = [...(e.kind === "cat" ? ["style=dashed", "arrowhead=none"] : []), ...(e.n === 1 ? [] : [`label=${q(formatNumber(e.n))}`, "fontsize=7"])];
    const [a, b] = e.kind === "out" ? [rid(e.r), q(g.species[e.s]!.id)] : [q(g.species[e.s]!.id), rid(e.r)];
    out.push(`  ${a} -> ${b}${attrs.length ? ` [${attrs.join(", ")}]` : ""};`);
  }
  out.push("}");
  return out.join("\n") + "\n";
}
