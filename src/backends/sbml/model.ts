// What the SBML and Antimony backends share, in plain TypeScript: ids (ids.ts: a name another
// tool would misread is renamed), unique names (names.ts), SBO terms (sbo.ts), the IR's
// parameter table as SBML parameters (with per-order copies where one rate constant serves
// reactions of several orders, so that every kinetic law has consistent units), unit names,
// kinetic-law formulas (libSBML's L3 infix syntax, with units on every literal), catalysts as
// modifiers, and the training schedule, read from the protocol it is given.
//
//   k_div (per_M_per_second) · 2 X -> 2 X + D   →   "cell * k_div * X^2"

import { speciesInExpr } from "../../ir/queries.js";
import { isLeaf, type Expr } from "../../ir/expr.js";
import { reactionOrder } from "../../ir/parameters.js";
import type { ConstExpr, CRN, ParamLeaf, Species, Tag } from "../../ir/types.js";
import { reservedWhy, writtenIds, type Rename } from "./ids.js";
import { modelNames, uniqueNames } from "./names.js";
import { SBO } from "./sbo.js";
import type { Protocol } from "../../ir/protocol.js";
import { formatNumber } from "../reactions.js";

export interface SbmlOptions {
  version?: string;
  /** The training protocol to write as the schedule event (a train IR; without one, the inputs keep their initial values). */
  protocol?: Protocol;
}

/** Dimension of a quantity: concentration (M) exponent and time (s) exponent. */
export type Dim = [number, number];

export function unitId([a, b]: Dim): string {
  if (a === 0 && b === 0) return "dimensionless";
  if (a === 0 && b === 1) return "second";
  if (a === 1 && b === 0) return "molar";
  const num = (x: number) => (Math.abs(x) === 1 ? "" : String(Math.abs(x)).replace(".", "p"));
  const parts: string[] = [];
  if (a > 0) parts.push(`M${num(a)}`);
  if (a < 0) parts.push(`per_M${num(a)}`);
  if (b > 0) parts.push(`second${num(b)}`);
  if (b < 0) parts.push(`per_second${num(b)}`);
  return parts.join("_");
}

export interface Param {
  id: string;
  value: number;
  dim: Dim;
  constant: boolean;
  /** For a per-order copy: `id = base / M_ref^(order − base order)`. */
  derived?: { base: string; divisions: number };
  /** A value that follows other parameters: the initial assignment's formula. */
  formula?: string;
  /** Its `name`: unique among the parameters. */
  note: string;
  sbo: string;
}

export interface ScheduleData {
  period: number;
  /** The id of the period parameter. */
  periodId: string;
  /** Species indices the schedule sets (inputs, then targets). */
  species: number[];
  /** values[p][q]: the value of species[q] for the sample at position p of the sequence. */
  values: number[][];
  /** The sample sequence (positions → training-sample index), repeated after its end. */
  sequence: Int32Array;
  order: Protocol["order"];
  iterations: number;
  seed: number;
  /** Training samples the sequence draws from. */
  samples: number;
}

export interface PlannedReaction {
  id: string;
  /** Its `name`: the sub-network, the template and the species it connects; unique. */
  name: string;
  tag: Tag;
  reactants: [string, number][];
  products: [string, number][];
  /** Species the reaction does not change: catalysts of a mass-action law, or species a rate law reads. */
  modifiers: string[];
  /** The kinetic law, an L3 formula with units on every literal. */
  formula: string;
  law: boolean;
}

export interface SbmlPlan {
  ir: CRN;
  /** The model's id (also the Antimony model's name): the IR's name unless another element or a function has it. */
  modelId: string;
  /** The written id of each IR species. */
  ids: string[];
  /** The written id of each IR parameter. */
  paramIds: string[];
  /** The user's names the files change, and why. */
  renamed: Rename[];
  species: { s: Species; id: string; init: number; name: string }[];
  params: Param[];
  reactions: PlannedReaction[];
  schedule?: ScheduleData;
  dims: Dim[];
}

/** The paper, as the notes cite it. */
export const PAPER = 'Kang & Kim, "Noise-robust chemical reaction networks training artificial neural networks" (2024), doi:10.48550/arXiv.2410.11919';

/** The file a model was compiled from, without its directories: the notes carry no user's paths. */
export const sourceName = (source: string): string => source.slice(Math.max(source.lastIndexOf("/"), source.lastIndexOf("\\")) + 1);

/** The notes' sentence on the names the files change. */
export function renamedText(renamed: readonly Rename[]): string {
  return `Renamed: ${renamed.map((r) => `${r.kind} ${r.from} is written ${r.to} (${r.from} is ${r.why})`).join("; ")}.`;
}

const PARAM_NOTE: Record<string, string> = { rate: "rate constant", activation: "activation parameter", protocol: "training protocol setting" };

export function planSbml(ir: CRN, opts: SbmlOptions = {}): SbmlPlan {
  const written = writtenIds(ir);
  const ids = written.species;
  const paramIds = written.parameters;
  const dims = new Map<string, Dim>();
  const useDim = (d: Dim) => (dims.set(unitId(d), d), unitId(d));
  const taken = new Set<string>([...ids, ...paramIds]);
  const uniq = (base: string) => {
    let id = base;
    for (let i = 2; taken.has(id) || reservedWhy(id); i++) id = `${base}_v${i}`;
    taken.add(id);
    return id;
  };

  // Each rate constant's unit comes from the lowest order of the reactions it is the constant of
  // (`@ k` or `@ 2 * k`); at higher orders a copy `k_oN = k / M_ref^(N − base)` keeps the units right.
  const simple = (e: ConstExpr): { p?: number; scale?: number; literal?: number } | undefined => {
    if (e.k === "param") return { p: e.p };
    if (e.k === "num") return { literal: e.v };
    if (e.k === "bin" && e.op === "*") {
      if (e.a.k === "num" && e.b.k === "param") return { p: e.b.p, scale: e.a.v };
      if (e.b.k === "num" && e.a.k === "param") return { p: e.a.p, scale: e.b.v };
    }
    return undefined;
  };
  const orders = ir.parameters.map(() => new Set<number>());
  const literals = new Map<number, { id: string; orders: Set<number> }>();
  for (const r of ir.reactions) {
    if (r.rate.kind !== "mass") continue;
    const s = simple(r.rate.k);
    if (s?.p !== undefined) orders[s.p]!.add(reactionOrder(r));
    else if (s?.literal !== undefined) {
      let g = literals.get(s.literal);
      if (!g) literals.set(s.literal, (g = { id: uniq(`k_c${literals.size + 1}`), orders: new Set() }));
      g.orders.add(reactionOrder(r));
    }
  }
  const pdim: (Dim | undefined)[] = ir.parameters.map((p, i) => {
    if (p.role === "protocol") return [0, 1];
    if (p.role === "activation") return [0, 0];
    const os = [...orders[i]!];
    return os.length ? [1 - Math.min(...os), -1] : undefined;
  });
  const params: Param[] = [];
  const pid = new Map<string, string>(); // `${id}|${order}` → the parameter id for that order
  let needRef = false;
  const copies = (id: string, value: number, os: number[]) => {
    const base = os[0]!;
    pid.set(`${id}|${base}`, id);
    for (const o of os.slice(1)) {
      const c = uniq(`${id}_o${o}`);
      needRef = true;
      params.push({
        id: c,
        value,
        dim: [1 - o, -1],
        constant: true,
        derived: { base: id, divisions: o - base },
        note: `${id} for reactions of order ${o}`,
        sbo: SBO.kineticConstant,
      });
      pid.set(`${id}|${o}`, c);
    }
  };
  const lawParts = { ids, paramIds, pdim, useDim };
  ir.parameters.forEach((p, i) => {
    const os = [...orders[i]!].sort((a, b) => a - b);
    const dim = pdim[i] ?? [0, -1];
    pdim[i] = dim;
    const note = p.role === "protocol" && p.name === "T" ? "T: period, each sample stays in the pot for T" : `${p.name}: ${PARAM_NOTE[p.role]} (${p.owner})`;
    const sbo = p.role === "rate" ? SBO.kineticConstant : SBO.parameter;
    params.push({ id: paramIds[i]!, value: p.value, dim, constant: true, note, sbo, ...(p.expr ? { formula: lawFormula(p.expr, lawParts, dim) } : {}) });
    if (os.length) copies(paramIds[i]!, p.value, os);
  });
  for (const [value, g] of literals) {
    const os = [...g.orders].sort((a, b) => a - b);
    params.push({
      id: g.id,
      value,
      dim: [1 - os[0]!, -1],
      constant: true,
      note: `rate constant ${formatNumber(value)} of order ${os[0]}`,
      sbo: SBO.kineticConstant,
    });
    copies(g.id, value, os);
  }
  if (needRef)
    params.push({
      id: "M_ref",
      value: 1,
      dim: [1, 0],
      constant: true,
      note: "M_ref: unit concentration, converts a rate constant to another reaction order",
      sbo: SBO.parameter,
    });
  const paramNames = uniqueNames(
    params.map((p) => p.note),
    params.map((p) => p.id),
  );
  params.forEach((p, i) => (p.note = paramNames[i]!));
  const names = modelNames(ir, ids);

  const reactions: SbmlPlan["reactions"] = ir.reactions.map((r, i) => {
    const net = new Map<number, { r: number; p: number }>();
    for (const t of r.reactants) net.set(t.s, { r: (net.get(t.s)?.r ?? 0) + t.n, p: net.get(t.s)?.p ?? 0 });
    for (const t of r.products) net.set(t.s, { r: net.get(t.s)?.r ?? 0, p: (net.get(t.s)?.p ?? 0) + t.n });
    const reactants: [string, number][] = [];
    const products: [string, number][] = [];
    const modifiers: string[] = [];
    for (const [s, c] of net) {
      if (c.r === c.p) modifiers.push(ids[s]!);
      else {
        if (c.r) reactants.push([ids[s]!, c.r]);
        if (c.p) products.push([ids[s]!, c.p]);
      }
    }
    let formula: string;
    if (r.rate.kind === "mass") {
      const o = reactionOrder(r);
      const s = simple(r.rate.k);
      let k: string;
      if (s?.p !== undefined)
        k = `${s.scale !== undefined && s.scale !== 1 ? `${formatNumber(s.scale)} dimensionless * ` : ""}${pid.get(`${paramIds[s.p]}|${o}`)!}`;
      else if (s?.literal !== undefined) k = pid.get(`${literals.get(s.literal)!.id}|${o}`)!;
      else k = lawFormula(r.rate.k, lawParts, [1 - o, -1]);
      formula = ["cell", k, ...r.reactants.map((t) => (t.n === 1 ? ids[t.s]! : `${ids[t.s]}^${t.n}`))].join(" * ");
    } else {
      for (const s of speciesInExpr(r.rate.expr)) if (!net.has(s) && !modifiers.includes(ids[s]!)) modifiers.push(ids[s]!);
      formula = `cell * (${lawFormula(r.rate.expr, lawParts, [1, -1])})`;
    }
    return { id: `r${i}`, name: names.reactions[i]!, tag: r.tag, reactants, products, modifiers, formula, law: r.rate.kind === "law" };
  });
  for (const p of params) useDim(p.dim);

  let schedule: ScheduleData | undefined;
  const inits = ir.species.map((s) => s.init);
  const pr = opts.protocol;
  if (ir.kind === "train" && ir.train && pr) {
    const species = [...pr.inputs, ...pr.targets];
    const values = Array.from(pr.sequence, (i) => [...pr.data.train[i]!.x, ...pr.data.train[i]!.y]);
    const T = ir.parameters[ir.train.params.period]!;
    schedule = {
      period: T.value,
      periodId: paramIds[ir.train.params.period]!,
      species,
      values,
      sequence: pr.sequence,
      order: pr.order,
      iterations: pr.iterations,
      seed: pr.seed,
      samples: pr.data.train.length,
    };
    species.forEach((s, q) => (inits[s] = values[0]![q]!));
    useDim([1, 0]);
  }
  const name = ir.name.replace(/[^A-Za-z0-9_]/g, "_").replace(/^(?=\d)/, "_");
  const modelId = taken.has(name) || reservedWhy(name) ? uniq(`${name}_model`) : name;
  return {
    ir,
    modelId,
    ids,
    paramIds,
    renamed: written.renamed,
    species: ir.species.map((s, i) => ({ s, id: ids[i]!, init: inits[i]!, name: names.species[i]! })),
    params,
    reactions,
    schedule,
    dims: [...dims.values()].filter((d) => !["dimensionless", "second"].includes(unitId(d))).sort((a, b) => unitId(a).localeCompare(unitId(b))),
  };
}

/**
 * What the schedule assigns to species q after the sample at position p, i.e. the value of the
 * sample at (p + 1) mod N: a default value (the most frequent one; on a tie, the one after the
 * last position) and the positions whose value differs from it, in order.
 */
export function schedulePieces(sch: ScheduleData, q: number): { pieces: [number, number][]; otherwise: number } {
  const N = sch.values.length;
  const next = (p: number) => sch.values[(p + 1) % N]![q]!;
  const count = new Map<number, number>();
  for (let p = 0; p < N; p++) count.set(next(p), (count.get(next(p)) ?? 0) + 1);
  let otherwise = next(N - 1);
  for (const [v, c] of count) if (c > count.get(otherwise)!) otherwise = v;
  const pieces: [number, number][] = [];
  for (let p = 0; p < N; p++) if (next(p) !== otherwise) pieces.push([p, next(p)]);
  return { pieces, otherwise };
}

/** The piecewise formula that assigns species q after the sample at position p: the sample at (p + 1) mod N. */
export function scheduleFormula(sch: ScheduleData, q: number, unit: string, num: (x: number) => string = formatNumber): string {
  const { pieces, otherwise } = schedulePieces(sch, q);
  const ps = pieces.map(([p, v]) => `${num(v)} ${unit}, pos == ${p} dimensionless`);
  return ps.length ? `piecewise(${ps.join(", ")}, ${num(otherwise)} ${unit})` : `${num(otherwise)} ${unit}`;
}

/** The sample order in words, with the command that runs the same sequence. */
export function orderText(sch: ScheduleData): string {
  const n = sch.samples;
  if (sch.order === "cyclic")
    return `Sample order: one seeded permutation of the ${n} training samples (seed ${sch.seed}), walked in order and repeated every epoch (crnnc sim FILE.crnn --order cyclic --seed ${sch.seed} runs the same order).`;
  const how = sch.order === "epoch" ? "a fresh seeded permutation of them every epoch" : "drawn independently, with replacement";
  return `Sample order: the run's ${sch.values.length} samples from the ${n} training samples, ${how} (seed ${sch.seed}; crnnc sim FILE.crnn --order ${sch.order} --seed ${sch.seed} runs the same sequence).`;
}

export const ROLE_TEXT: Record<string, string> = {
  input: "network input x⁰ (set by the schedule)",
  target: "training target ŷ (set by the schedule)",
  node: "node value x = σ(z)",
  weight: "weight rail (w = W.p − W.m)",
  bias: "bias rail (b = B.p − B.m)",
  slope: "slope σ'(z)",
  aux: "auxiliary species of a template",
  gradient: "gradient rail of the backward CRN",
  catalyst: "catalyst held at a fixed concentration",
  species: "species",
};

const CMP = new Set(["<", "<=", ">", ">=", "=="]);
const add = (a: Dim, b: Dim): Dim => [a[0] + b[0], a[1] + b[1]];
const sub = (a: Dim, b: Dim): Dim => [a[0] - b[0], a[1] - b[1]];

type Leaf = ParamLeaf | { k: "species"; s: number };
type LawExpr = Expr<Leaf>;

interface LawParts {
  ids: readonly string[];
  paramIds: readonly string[];
  /** Each parameter's dimension; a parameter only rate laws read gets the one its first use needs. */
  pdim: (Dim | undefined)[];
  useDim: (d: Dim) => string;
}

/** Dimension of an expression, or undefined when it is made of literals only (they adapt). */
function dimOf(e: LawExpr, pdim: readonly (Dim | undefined)[]): Dim | undefined {
  const d = (x: LawExpr) => dimOf(x, pdim);
  if (isLeaf(e)) return e.k === "species" ? [1, 0] : pdim[e.p];
  switch (e.k) {
    case "num":
      return undefined;
    case "neg":
      return d(e.a);
    case "fn":
      if (e.f === "min" || e.f === "max" || e.f === "abs") return e.args.map(d).find((x) => x);
      if (e.f === "piecewise")
        return e.args
          .filter((_, i) => i % 2 === 0 || i === e.args.length - 1)
          .map(d)
          .find((x) => x);
      if (e.f === "sqrt") {
        const a = d(e.args[0]!);
        return a ? [a[0] / 2, a[1] / 2] : undefined;
      }
      return [0, 0];
    case "bin": {
      if (CMP.has(e.op)) return [0, 0];
      const a = d(e.a);
      const b = d(e.b);
      if (e.op === "+" || e.op === "-") return a ?? b;
      if (e.op === "*") return a && b ? add(a, b) : (a ?? b);
      if (e.op === "/") return a && b ? sub(a, b) : (a ?? (b ? sub([0, 0], b) : undefined));
      if (e.op === "^") return a && e.b.k === "num" ? [a[0] * e.b.v, a[1] * e.b.v] : a ? a : undefined;
      return undefined;
    }
  }
}

const sameDim = (a: Dim, b: Dim) => a[0] === b[0] && a[1] === b[1];

/** A law (or a constant expression) as an L3 formula, each literal given the units that make the whole `want`. */
export function lawFormula(e: LawExpr, parts: LawParts, want: Dim | undefined): string {
  const { ids, paramIds, pdim } = parts;
  const unit = parts.useDim;
  const dimOf1 = (x: LawExpr) => dimOf(x, pdim);
  const f = (x: LawExpr, w: Dim | undefined): string => {
    if (isLeaf(x)) {
      if (x.k === "species") return ids[x.s]!;
      // A parameter has one unit; where a use needs another, a literal 1 of the difference converts.
      const d = (pdim[x.p] ??= w ?? [0, 0]);
      const id = paramIds[x.p]!;
      return w && !sameDim(w, d) ? `(${id} * 1 ${unit(sub(w, d))})` : id;
    }
    switch (x.k) {
      case "num":
        return `${formatNumber(x.v)} ${unit(w ?? [0, 0])}`;
      case "neg":
        return `-(${f(x.a, w)})`;
      case "fn": {
        if (x.f === "step") {
          const d = dimOf1(x.args[0]!) ?? [0, 0];
          return `piecewise(1 dimensionless, ${f(x.args[0]!, d)} >= 0 ${unit(d)}, 0 dimensionless)`;
        }
        if (x.f === "piecewise") {
          const d = dimOf1(x) ?? w;
          return `piecewise(${x.args.map((a, i) => (i % 2 === 1 && i < x.args.length - 1 ? condition(a) : f(a, d))).join(", ")})`;
        }
        if (x.f === "min" || x.f === "max" || x.f === "abs") {
          const d = dimOf1(x) ?? w;
          return `${x.f}(${x.args.map((a) => f(a, d)).join(", ")})`;
        }
        if (x.f === "sqrt") return `sqrt(${f(x.args[0]!, w ? [w[0] * 2, w[1] * 2] : undefined)})`;
        // exp and ln need a dimensionless argument: a concentration (std/sigmoid's exp(−z))
        // is divided by one unit of itself, which leaves the number unchanged.
        const d = dimOf1(x.args[0]!);
        const arg = d && (d[0] !== 0 || d[1] !== 0) ? `${f(x.args[0]!, d)} / (1 ${unit(d)})` : f(x.args[0]!, [0, 0]);
        return `${x.f === "log" ? "ln" : x.f}(${arg})`;
      }
      case "bin": {
        if (CMP.has(x.op)) return `piecewise(1 dimensionless, ${condition(x)}, 0 dimensionless)`;
        if (x.op === "+" || x.op === "-") {
          const d = w ?? dimOf1(x);
          return `(${f(x.a, d)} ${x.op} ${f(x.b, d)})`;
        }
        if (x.op === "^") return `(${f(x.a, undefined)})^(${f(x.b, [0, 0])})`;
        const da = dimOf1(x.a);
        const db = dimOf1(x.b);
        const op = x.op === "*" ? "*" : "/";
        // The literals take the units the whole needs: the remainder goes to the left operand.
        if (w && db) return `(${f(x.a, op === "*" ? sub(w, db) : add(w, db))} ${op} ${f(x.b, db)})`;
        if (w && da) return `(${f(x.a, da)} ${op} ${f(x.b, op === "*" ? sub(w, da) : sub(da, w))})`;
        if (w) return `(${f(x.a, w)} ${op} ${f(x.b, [0, 0])})`;
        return `(${f(x.a, da)} ${op} ${f(x.b, db)})`;
      }
    }
  };
  /** A condition: a comparison as a relation of SBML, anything else as `value != 0`. */
  const condition = (c: LawExpr): string => {
    if (!isLeaf(c) && c.k === "bin" && CMP.has(c.op)) {
      const d = dimOf1(c.a) ?? dimOf1(c.b) ?? [0, 0];
      return `${f(c.a, d)} ${c.op} ${f(c.b, d)}`;
    }
    const d = dimOf1(c) ?? [0, 0];
    return `${f(c, d)} != 0 ${unit(d)}`;
  };
  return f(e, want);
}
