// Structural analyses of a CRN, for `crnnc info` and for tests:
// - counts per sub-network and the maximum molecularity (reactant order);
// - the catalytic/dynamic split of paper Definition 2.2 (catalytic: net change 0 in every
//   reaction), for the whole network and for each sub-network;
// - Remark 3.1's feedback-free check on forward + backward: draw S1 → S2 when S1 catalyses the
//   production of S2; the graph must have no cycle (self-loops of autocatalysis aside);
// - the dual-rail pairs.
//
//   X1_0 + W0_0_0_p + X0_0 -> 2 X1_0 + ...   gives edges W0_0_0_p → X1_0 and X0_0 → X1_0

import type { CRN, Tag } from "../ir/types.js";
import { TAGS } from "../ir/types.js";
import { netChange } from "../ir/queries.js";

export { netChange };

export interface Summary {
  speciesCount: number;
  reactionCount: number;
  byTag: Partial<Record<Tag, { reactions: number; species: number }>>;
  maxMolecularity: number;
  massAction: boolean;
  /** Species indices with zero net change in every reaction of the whole network. */
  catalytic: number[];
  dynamic: number[];
  /** Per sub-network: how many species are catalytic / dynamic within it (species it touches). */
  classByTag: Partial<Record<Tag, { catalytic: number; dynamic: number }>>;
  feedbackFree: { ok: boolean; cycle?: number[] };
  dualPairs: [number, number][];
}

/**
 * The structural summary `crnnc info` prints: counts per sub-network, the largest molecularity,
 * the catalytic/dynamic split of Definition 2.2, Remark 3.1's feedback-free check and the
 * dual-rail pairs.
 *
 * @example
 * ```ts
 * import { compileFile, summarize } from "crnnc";
 * const s = summarize(compileFile("examples/xor.crnn").ir!);
 * console.log(s.speciesCount, s.reactionCount, s.feedbackFree.ok);   // 223 469 true
 * ```
 */
export function summarize(ir: CRN): Summary {
  const n = ir.species.length;
  const byTag: Summary["byTag"] = {};
  const classByTag: Summary["classByTag"] = {};
  let maxMolecularity = 0;
  const dynamicAll = new Uint8Array(n);
  for (const tag of TAGS) {
    const rs = ir.reactions.filter((r) => r.tag === tag);
    if (rs.length === 0) continue;
    const touched = new Uint8Array(n);
    const dyn = new Uint8Array(n);
    for (const r of rs) {
      for (const t of r.reactants) touched[t.s] = 1;
      for (const t of r.products) touched[t.s] = 1;
      for (const [s, d] of netChange(r)) if (d !== 0) dyn[s] = dynamicAll[s] = 1;
    }
    let species = 0;
    let dcount = 0;
    for (let s = 0; s < n; s++)
      if (touched[s]) {
        species++;
        dcount += dyn[s]!;
      }
    byTag[tag] = { reactions: rs.length, species };
    classByTag[tag] = { catalytic: species - dcount, dynamic: dcount };
  }
  for (const r of ir.reactions)
    maxMolecularity = Math.max(
      maxMolecularity,
      r.reactants.reduce((a, t) => a + t.n, 0),
    );
  const catalytic: number[] = [];
  const dynamic: number[] = [];
  for (let s = 0; s < n; s++) (dynamicAll[s] ? dynamic : catalytic).push(s);
  const idx = new Map(ir.species.map((s, i) => [s.id, i]));
  const dualPairs: [number, number][] = [];
  ir.species.forEach((s, i) => {
    if (s.rail !== "p") return;
    const m = idx.get(s.id.slice(0, -1) + "m");
    if (m !== undefined) dualPairs.push([i, m]);
  });
  return {
    speciesCount: n,
    reactionCount: ir.reactions.length,
    byTag,
    maxMolecularity,
    massAction: ir.reactions.every((r) => r.rate.kind === "mass"),
    catalytic,
    dynamic,
    classByTag,
    feedbackFree: feedbackFree(ir, ["forward", "backward", "crn"]),
    dualPairs,
  };
}

/**
 * The catalysis graph of the given sub-networks: an edge u → v when species u is a reactant a
 * reaction does not consume and v is a product of it (adjacency lists by species index).
 *
 * @example
 * ```ts
 * import { compileFile, catalysisGraph } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const edges = catalysisGraph(ir, ["forward"]);
 * console.log(edges[0]!.map((v) => ir.species[v]!.id));
 * ```
 */
export function catalysisGraph(ir: CRN, tags: readonly Tag[]): number[][] {
  const adj: Set<number>[] = ir.species.map(() => new Set());
  for (const r of ir.reactions) {
    if (!tags.includes(r.tag)) continue;
    const net = netChange(r);
    for (const t of r.reactants) {
      if ((net.get(t.s) ?? 0) < 0) continue;
      for (const [v, d] of net) if (d > 0 && v !== t.s) adj[t.s]!.add(v);
    }
  }
  return adj.map((s) => [...s].sort((a, b) => a - b));
}

/**
 * Remark 3.1's check: whether the catalysis graph of these sub-networks has no cycle
 * (autocatalysis aside), with a topological order when it has none and a cycle when it has one.
 *
 * @example
 * ```ts
 * import { compileFile, feedbackFree } from "crnnc";
 * const { ok, cycle } = feedbackFree(compileFile("examples/xor.crnn").ir!, ["forward", "backward"]);
 * console.log(ok);   // true
 * ```
 */
export function feedbackFree(ir: CRN, tags: readonly Tag[]): { ok: boolean; order?: number[]; cycle?: number[] } {
  const adj = catalysisGraph(ir, tags);
  const n = adj.length;
  const indeg = new Int32Array(n);
  for (const vs of adj) for (const v of vs) indeg[v]!++;
  const queue: number[] = [];
  for (let s = 0; s < n; s++) if (indeg[s] === 0) queue.push(s);
  const order: number[] = [];
  for (let q = 0; q < queue.length; q++) {
    const u = queue[q]!;
    order.push(u);
    for (const v of adj[u]!) if (--indeg[v]! === 0) queue.push(v);
  }
  if (order.length === n) return { ok: true, order };
  // Walk backwards inside the remaining nodes to exhibit one cycle.
  const left = new Set<number>();
  for (let s = 0; s < n; s++) if (indeg[s]! > 0) left.add(s);
  // Every node left over still has a predecessor left over (its indegree never reached 0), so
  // walking predecessors must repeat a node: that stretch of the walk is a cycle. (Walking
  // successors would not do: a node downstream of a cycle may have none left.)
  const pred = new Map<number, number>();
  for (const u of left) for (const v of adj[u]!) if (left.has(v) && !pred.has(v)) pred.set(v, u);
  let u = left.values().next().value as number;
  const seen = new Map<number, number>();
  const path: number[] = [];
  while (!seen.has(u)) {
    seen.set(u, path.length);
    path.push(u);
    u = pred.get(u)!;
  }
  return { ok: false, cycle: path.slice(seen.get(u)).reverse() };
}
