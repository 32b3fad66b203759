// Accumulates species and reactions while a CRN is being built, interning species by id so
// that every template instantiation that names `H` or `X1_3` gets the same index.
//
//   const b = new IRBuilder();  const x = b.species({ id: "X1_0", role: "node" });

import type { Species, Reaction, CRN } from "./types.js";

export class IRBuilder {
  readonly species: Species[] = [];
  readonly reactions: Reaction[] = [];
  private readonly index = new Map<string, number>();

  constructor(from?: Pick<CRN, "species" | "reactions">) {
    if (from) {
      // Loops, not spread: a large network has more reactions than a call can take arguments.
      for (const s of from.species) this.species.push(s);
      this.species.forEach((s, i) => this.index.set(s.id, i));
      for (const r of from.reactions) this.reactions.push(r);
    }
  }

  /** The index of species `sp.id`, adding it (with init 0 unless given) if it is new. */
  add(sp: Omit<Species, "init"> & { init?: number }): number {
    const i = this.index.get(sp.id);
    if (i !== undefined) return i;
    this.species.push({ init: 0, ...sp });
    this.index.set(sp.id, this.species.length - 1);
    return this.species.length - 1;
  }

  find(id: string): number | undefined {
    return this.index.get(id);
  }

  has(id: string): boolean {
    return this.index.has(id);
  }
}
