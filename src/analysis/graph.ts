// The CRN as a bipartite graph of species and reactions, for pictures of the network: the DOT
// back end (backends/dot.ts) and the playground's graph view draw it. Each reactant is an edge
// species → reaction, each product reaction → species; a species a reaction gives back as it took
// (a catalyst) is one `cat` edge instead of two. Every node has the layer it belongs to (a
// species' own; a reaction's from the species it changes) and every reaction its sub-network.
//
//   X1_1 + W0_1_0_p + X0_0 -> 2 X1_1 + W0_1_0_p + X0_0
//     →  edges X1_1 → r (in, 1), r → X1_1 (out, 2), W0_1_0_p — r (cat), X0_0 — r (cat); r in layer 1, forward

import type { CRN, Reaction, Role, Tag } from "../ir/types.js";
import { TAGS } from "../ir/types.js";
import { netChange } from "../ir/queries.js";

export interface GraphEdge {
  /** Species index. */
  s: number;
  /** Reaction index. */
  r: number;
  /** in: the reaction consumes n of s; out: it produces n; cat: s is a catalyst (n taken and given back). */
  kind: "in" | "out" | "cat";
  n: number;
}

export interface CrnGraph {
  /** Per species: its layer (undefined: none, e.g. the catalyst H or a raw crn's species) and role. */
  species: { id: string; role: Role; layer?: number }[];
  /** Per reaction: its sub-network and layer. */
  reactions: { tag: Tag; layer?: number }[];
  edges: GraphEdge[];
  /** The layers that occur, ascending. */
  layers: number[];
  /** The sub-networks that occur, in TAGS order. */
  tags: Tag[];
}

/**
 * The bipartite species–reaction graph of a CRN, with layers and sub-networks.
 *
 * @example
 * ```ts
 * import { compile, crnGraph } from "crnnc";
 * const g = crnGraph(compile("crn c {\n  A + B -> 2 B @ 1\n}\n").ir!);
 * console.log(g.edges);   // A → r0 (in), B → r0 (in), r0 → B (out, 2)
 * ```
 */
export function crnGraph(ir: CRN): CrnGraph {
  const species = ir.species.map((s) => ({ id: s.id, role: s.role, ...(s.layer !== undefined ? { layer: s.layer } : {}) }));
  const edges: GraphEdge[] = [];
  const reactions = ir.reactions.map((r, ri) => {
    const take = counts(r.reactants);
    const give = counts(r.products);
    for (const [s, n] of take) {
      const back = give.get(s) ?? 0;
      if (back === n) edges.push({ s, r: ri, kind: "cat", n });
      else edges.push({ s, r: ri, kind: "in", n });
    }
    for (const [s, n] of give) if (take.get(s) !== n) edges.push({ s, r: ri, kind: "out", n });
    const layer = reactionLayer(r, ir);
    return { tag: r.tag, ...(layer !== undefined ? { layer } : {}) };
  });
  const layers = [...new Set([...species, ...reactions].flatMap((x) => (x.layer === undefined ? [] : [x.layer])))].sort((a, b) => a - b);
  const tags = TAGS.filter((t) => reactions.some((r) => r.tag === t));
  return { species, reactions, edges, layers, tags };
}

function counts(terms: Reaction["reactants"]): Map<number, number> {
  const m = new Map<number, number>();
  for (const t of terms) m.set(t.s, (m.get(t.s) ?? 0) + t.n);
  return m;
}

/** The layer of the first species the reaction changes that has one, else of any species it touches. */
function reactionLayer(r: Reaction, ir: CRN): number | undefined {
  for (const [s, d] of netChange(r)) if (d !== 0 && ir.species[s]!.layer !== undefined) return ir.species[s]!.layer;
  for (const t of [...r.products, ...r.reactants]) if (ir.species[t.s]!.layer !== undefined) return ir.species[t.s]!.layer;
  return undefined;
}
