// Human-readable `name`s for the SBML and Antimony writers: COPASI and Tellurium show names, not
// ids, so every species, reaction and parameter gets its own. Species are named from their
// place in the network (the paper's notation), reactions by their sub-network, the template
// that wrote them and the species they connect; a name that would still repeat gets the id.
//
//   W0_1_0_p  →  "W⁰ 0→1 positive rail"      LZ1_0_m  →  "∂L/∂z¹ 0 negative rail"
//   reaction  →  "backward smooth_relu.slope: 2 X1_0 → 2 X1_0 + DX1_0"

import type { CRN, Reaction, Species } from "../../ir/types.js";

const SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const sup = (n: number) => [...String(n)].map((d) => SUP[Number(d)] ?? d).join("");
const RAIL = { p: " positive rail", m: " negative rail" } as const;

/** A species' name: its place in the network, or for a species of a raw crn the name the source gives it. */
export function speciesName(s: Species, sourceName: string): string {
  const rail = s.rail ? RAIL[s.rail] : "";
  const l = s.layer ?? 0;
  const i = s.index ?? 0;
  // The output layer's species are Y_i, DY_i, LY_i and a template's local there is `${family}Y_i` (AY_0, ZY_0_p).
  const out = s.family !== undefined && (s.family.endsWith("Y") || s.id.startsWith(`${s.family}Y_`));
  const node = out ? `output ${i}` : `node ${i} of layer ${l}`;
  switch (s.role) {
    case "input":
      return `input ${i}`;
    case "target":
      return `target ${i}`;
    case "node":
      return `${node}${rail}`;
    case "weight":
      return `W${sup(l)} ${s.from ?? 0}→${i}${rail}`;
    case "bias":
      return `B${sup(l)} ${i}${rail}`;
    case "slope":
      return `slope σ′ of ${node}${rail}`;
    case "gradient": {
      const f = s.family ?? "";
      if (f === "LY") return `∂L/∂y ${i}${rail}`;
      if (f === "LW") return `∂L/∂W${sup(l)} ${s.from ?? 0}→${i}${rail}`;
      if (f === "LZ" || f === "LX") return `∂L/∂${f[1]!.toLowerCase()}${sup(l)} ${i}${rail}`;
      return `gradient ${s.id}`;
    }
    case "aux":
      return `${s.family ?? "auxiliary"} of ${node}${rail}`;
    case "catalyst":
      return `catalyst ${s.family ?? s.id}`;
    case "species":
      return s.family !== undefined && s.rail ? `${s.family}.${s.rail}` : sourceName;
  }
}

/** The template a reaction comes from, without its file: `std/smooth_relu.smooth_relu.node` → `smooth_relu.node`. */
export function templateShort(template: string): string {
  const last = template.slice(template.lastIndexOf("/") + 1);
  const dot = last.indexOf(".");
  return dot < 0 ? last : last.slice(dot + 1);
}

/** `tag template: reactants → products`, in the written ids (`update: …` when the template is the sub-network's name). */
export function reactionName(r: Reaction, ids: readonly string[]): string {
  const side = (ts: Reaction["reactants"]) => (ts.length ? ts.map((t) => (t.n === 1 ? ids[t.s] : `${t.n} ${ids[t.s]}`)).join(" + ") : "∅");
  const template = templateShort(r.origin.template);
  return `${template === r.tag ? r.tag : `${r.tag} ${template}`}: ${side(r.reactants)} → ${side(r.products)}`;
}

/** Names made unique: a repeated one gets the element's id (`name [id]`). */
export function uniqueNames(names: readonly string[], ids: readonly string[]): string[] {
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const out = names.map((n, i) => (count.get(n)! > 1 ? `${n} [${ids[i]}]` : n));
  // An id-qualified name can still meet another name written that way by hand: number what remains.
  const seen = new Set<string>();
  return out.map((n) => {
    let m = n;
    for (let k = 2; seen.has(m); k++) m = `${n} #${k}`;
    seen.add(m);
    return m;
  });
}

/** Every species' and reaction's name for a model, given the written ids and the source's species names. */
export function modelNames(ir: CRN, speciesIds: readonly string[]): { species: string[]; reactions: string[] } {
  return {
    species: uniqueNames(
      ir.species.map((s) => speciesName(s, s.id)),
      speciesIds,
    ),
    reactions: uniqueNames(
      ir.reactions.map((r) => reactionName(r, speciesIds)),
      ir.reactions.map((_, i) => `r${i}`),
    ),
  };
}
