// What the SBML and Antimony backends share, in plain TypeScript: ids, parameters per rate
// constant and reaction order, unit names, kinetic-law formulas (libSBML's L3 infix syntax, with
// units on every literal), catalysts as modifiers, and the training schedule.
//
//   k_div (per_M_per_second) · 2 X -> 2 X + D   →   "cell * k_div * X^2"

import { speciesInExpr } from "../../ir/queries.js";
import type { CRN, IRExpr, Reaction, Species } from "../../ir/types.js";
import { loadDataset, DatasetError, type Dataset } from "../../data/datasets.js";
import { samplePermutation } from "../../data/order.js";
import { formatNumber } from "../reactions.js";
import { NetworkLayout } from "../../sim/network.js";

export interface SbmlOptions {
  /** `events` (default for a train IR): the schedule as one event; `none`: inputs keep their initial values. */
  schedule?: "events" | "none";
  version?: string;
  /** Called with warnings (e.g. a dataset that is not bundled, so no schedule). */
  onWarning?: (message: string) => void;
  /** Schedule these samples instead of loading the train block's dataset (tests). */
  dataset?: Dataset;
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
  note: string;
}

export interface ScheduleData {
  period: number;
  /** Species indices the schedule sets (inputs, then targets). */
  species: number[];
  /** values[p][q]: the value of species[q] for the sample at position p of the permutation. */
  values: number[][];
  /** The permutation of the training set (positions → training-sample index). */
  perm: number[];
  iterations: number;
  seed: number;
}

export interface SbmlPlan {
  ir: CRN;
  ids: string[];
  species: { s: Species; id: string; init: number; name: string }[];
  params: Param[];
  /** Per reaction: SBML reactants/products/modifiers and the kinetic-law formula. */
  reactions: { id: string; reactants: [string, number][]; products: [string, number][]; modifiers: string[]; formula: string; law: boolean; tag: string }[];
  schedule?: ScheduleData;
  dims: Dim[];
}

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const sid = (s: string) => (NAME_RE.test(s) ? s : "_" + s.replace(/[^A-Za-z0-9_]/g, "_"));

export function planSbml(ir: CRN, opts: SbmlOptions = {}): SbmlPlan {
  const ids = ir.species.map((s) => sid(s.id));
  const dims = new Map<string, Dim>();
  const useDim = (d: Dim) => (dims.set(unitId(d), d), unitId(d));
  // One parameter per (name, value); per reaction order, derived copies with their own units.
  const groups = new Map<string, { id: string; value: number; orders: Set<number> }>();
  const taken = new Set<string>([...ids, "cell", "M_ref", "T", "iter", "pos", "time"]);
  const uniq = (base: string) => {
    let id = sid(base);
    for (let i = 2; taken.has(id); i++) id = `${sid(base)}_v${i}`;
    taken.add(id);
    return id;
  };
  const groupOf = (r: Reaction) => {
    if (r.rate.kind !== "mass") return undefined;
    const value = r.rate.name !== undefined ? r.rate.k / (r.rate.scale ?? 1) : r.rate.k;
    const key = r.rate.name !== undefined ? `${r.rate.name}|${value}` : `#|${value}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { id: uniq(r.rate.name ?? `k_c${[...groups.keys()].filter((k) => k.startsWith("#")).length + 1}`), value, orders: new Set() }));
    return g;
  };
  const order = (r: Reaction) => r.reactants.reduce((a, t) => a + t.n, 0);
  for (const r of ir.reactions) groupOf(r)?.orders.add(order(r));
  const params: Param[] = [];
  const pid = new Map<string, string>(); // `${group id}|${order}` → parameter id
  let needRef = false;
  for (const g of groups.values()) {
    const os = [...g.orders].sort((a, b) => a - b);
    const base = os[0]!;
    params.push({ id: g.id, value: g.value, dim: [1 - base, -1], constant: true, note: `rate constant of order ${base}` });
    pid.set(`${g.id}|${base}`, g.id);
    for (const o of os.slice(1)) {
      const id = uniq(`${g.id}_o${o}`);
      needRef = true;
      params.push({ id, value: g.value, dim: [1 - o, -1], constant: true, derived: { base: g.id, divisions: o - base }, note: `${g.id} for reactions of order ${o}` });
      pid.set(`${g.id}|${o}`, id);
    }
  }
  if (needRef) params.push({ id: "M_ref", value: 1, dim: [1, 0], constant: true, note: "unit concentration: converts a rate constant to another reaction order" });

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
      const g = groupOf(r)!;
      const p = pid.get(`${g.id}|${order(r)}`)!;
      const scale = r.rate.name !== undefined && r.rate.scale !== undefined && r.rate.scale !== 1 ? `${formatNumber(r.rate.scale)} dimensionless * ` : "";
      formula = ["cell", `${scale}${p}`, ...r.reactants.map((t) => (t.n === 1 ? ids[t.s]! : `${ids[t.s]}^${t.n}`))].join(" * ");
    } else {
      for (const s of speciesInExpr(r.rate.expr)) if (!net.has(s) && !modifiers.includes(ids[s]!)) modifiers.push(ids[s]!);
      formula = `cell * (${lawFormula(r.rate.expr, ids, [1, -1], useDim)})`;
    }
    return { id: `r${i}`, reactants, products, modifiers, formula, law: r.rate.kind === "law", tag: r.tag };
  });
  for (const p of params) useDim(p.dim);

  let schedule: ScheduleData | undefined;
  const inits = ir.species.map((s) => s.init);
  if (ir.kind === "train" && ir.train && (opts.schedule ?? "events") === "events") {
    try {
      const data = opts.dataset ?? loadDataset(ir.train.dataset, ir.train.split, ir.train.seed);
      const net = NetworkLayout.of(ir);
      const perm = samplePermutation(data.train.length, ir.train.seed);
      const species = [...net.inputs, ...net.targets];
      const values = perm.map((i) => [...data.train[i]!.x, ...data.train[i]!.y]);
      schedule = { period: ir.train.period, species, values, perm, iterations: ir.train.iterations, seed: ir.train.seed };
      species.forEach((s, q) => (inits[s] = values[0]![q]!));
      useDim([1, 0]);
    } catch (e) {
      if (!(e instanceof DatasetError)) throw e;
      opts.onWarning?.(`no training schedule written: ${e.message}`);
    }
  }
  return {
    ir,
    ids,
    species: ir.species.map((s, i) => ({ s, id: ids[i]!, init: inits[i]!, name: describe(s) })),
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

function describe(s: Species): string {
  return `${s.role}: ${ROLE_TEXT[s.role] ?? s.role}`;
}

const CMP = new Set(["<", "<=", ">", ">=", "=="]);
const add = (a: Dim, b: Dim): Dim => [a[0] + b[0], a[1] + b[1]];
const sub = (a: Dim, b: Dim): Dim => [a[0] - b[0], a[1] - b[1]];

/** Dimension of an expression, or undefined when it is made of literals only (they adapt). */
function dimOf(e: IRExpr): Dim | undefined {
  switch (e.k) {
    case "num":
      return undefined;
    case "species":
      return [1, 0];
    case "neg":
      return dimOf(e.a);
    case "fn":
      if (e.f === "min" || e.f === "max" || e.f === "abs") return e.args.map(dimOf).find((d) => d) ;
      if (e.f === "sqrt") {
        const d = dimOf(e.args[0]!);
        return d ? [d[0] / 2, d[1] / 2] : undefined;
      }
      return [0, 0];
    case "bin": {
      if (CMP.has(e.op)) return [0, 0];
      const a = dimOf(e.a);
      const b = dimOf(e.b);
      if (e.op === "+" || e.op === "-") return a ?? b;
      if (e.op === "*") return a && b ? add(a, b) : (a ?? b);
      if (e.op === "/") return a && b ? sub(a, b) : a ?? (b ? sub([0, 0], b) : undefined);
      if (e.op === "^") return a && e.b.k === "num" ? [a[0] * e.b.v, a[1] * e.b.v] : a ? a : undefined;
      return undefined;
    }
  }
}

/** A law as an L3 formula, each literal given the units that make the whole `want`. */
export function lawFormula(e: IRExpr, ids: readonly string[], want: Dim | undefined, unit: (d: Dim) => string): string {
  const f = (x: IRExpr, w: Dim | undefined): string => {
    switch (x.k) {
      case "num":
        return `${formatNumber(x.v)} ${unit(w ?? [0, 0])}`;
      case "species":
        return ids[x.s]!;
      case "neg":
        return `-(${f(x.a, w)})`;
      case "fn": {
        if (x.f === "step") {
          const d = dimOf(x.args[0]!) ?? [0, 0];
          return `piecewise(1 dimensionless, ${f(x.args[0]!, d)} >= 0 ${unit(d)}, 0 dimensionless)`;
        }
        if (x.f === "min" || x.f === "max" || x.f === "abs") {
          const d = dimOf(x) ?? w;
          return `${x.f}(${x.args.map((a) => f(a, d)).join(", ")})`;
        }
        if (x.f === "sqrt") return `sqrt(${f(x.args[0]!, w ? [w[0] * 2, w[1] * 2] : undefined)})`;
        // exp and ln need a dimensionless argument: a concentration (std/sigmoid's exp(−z))
        // is divided by one unit of itself, which leaves the number unchanged.
        const d = dimOf(x.args[0]!);
        const arg = d && (d[0] !== 0 || d[1] !== 0) ? `${f(x.args[0]!, d)} / (1 ${unit(d)})` : f(x.args[0]!, [0, 0]);
        return `${x.f === "log" ? "ln" : x.f}(${arg})`;
      }
      case "bin": {
        if (CMP.has(x.op)) {
          const d = dimOf(x.a) ?? dimOf(x.b) ?? [0, 0];
          return `piecewise(1 dimensionless, ${f(x.a, d)} ${x.op} ${f(x.b, d)}, 0 dimensionless)`;
        }
        if (x.op === "+" || x.op === "-") {
          const d = w ?? dimOf(x);
          return `(${f(x.a, d)} ${x.op} ${f(x.b, d)})`;
        }
        if (x.op === "^") return `(${f(x.a, undefined)})^(${f(x.b, [0, 0])})`;
        const da = dimOf(x.a);
        const db = dimOf(x.b);
        const op = x.op === "*" ? "*" : "/";
        // The literals take the units the whole needs: the remainder goes to the left operand.
        if (w && db) return `(${f(x.a, op === "*" ? sub(w, db) : add(w, db))} ${op} ${f(x.b, db)})`;
        if (w && da) return `(${f(x.a, da)} ${op} ${f(x.b, op === "*" ? sub(w, da) : sub(da, w))})`;
        if (w) return `(${f(x.a, w)} ${op} ${f(x.b, [0, 0])})`;
        return `(${f(x.a, da)} ${op} ${f(x.b, db)})`;
      }
    }
  };
  return f(e, want);
}
