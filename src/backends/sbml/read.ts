// SBML read-back: an SBML file whose reactions are mass action (`cell * k * A * B^2`, any
// product of numbers, parameters and species powers, the compartment optional) or the
// rate laws crnnc writes, becomes a CRN IR again; crnnc's schedule event becomes a Schedule.
// Anything else is an E0702 naming the element; unreadable XML is an E0701.
//
//   await readSbml(xml, "model.xml")  →  { ir: { kind: "train", ... }, schedule, dataset, diagnostics: [] }

import type { CRN, IRExpr, Reaction, Role, Species, Term } from "../../ir/types.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Code } from "../../diagnostics/codes.js";
import type { Dataset } from "../../data/datasets.js";
import type { Schedule } from "../../sim/schedule.js";
import { libsbml, documentIssues, type Libsbml } from "./libsbml.js";

export interface ReadResult {
  ir?: CRN;
  schedule?: Schedule;
  /** For a train model: the scheduled samples, in position order. */
  dataset?: Dataset;
  diagnostics: Diagnostic[];
}

/** A MathML tree as plain data. */
type Node = { t: "num"; v: number } | { t: "name"; id: string } | { t: "time" } | { t: "op"; op: string; args: Node[] };

class Unsupported extends Error {}

export async function readSbml(xml: string, file: string): Promise<ReadResult> {
  const sb = await libsbml();
  const diagnostics: Diagnostic[] = [];
  const fail = (code: Code, message: string, hint?: string): ReadResult => ({ diagnostics: [...diagnostics, { code, severity: "error", message, ...(hint ? { hint } : {}) }] });
  const doc = new sb.SBMLReader().readSBMLFromString(xml);
  try {
    const bad = documentIssues(sb, doc).filter((e) => e.severity === "error" || e.severity === "fatal");
    if (bad.length) return fail("E0701", `${file} is not readable SBML: ${bad.slice(0, 3).map((e) => `line ${e.line || "?"}: ${e.message.split("\n")[0]}`).join("; ")}`);
    const model = doc.getModel();
    if (!model || !model.ptr) return fail("E0701", `${file} has no <model>`);
    const E = (what: string, hint?: string) => fail("E0702", `${file}: ${what} is outside what crnnc reads`, hint ?? "crnnc reads mass-action reactions, the rate laws it writes and its own schedule event");
    if (model.getNumRules() > 0) {
      const rule = model.getRule(0);
      return E(`the rule for \`${rule.getVariable?.() ?? rule.getId?.() ?? "?"}\` (a rate, assignment or algebraic rule)`);
    }
    if (model.getNumConstraints() > 0) return E("a <constraint>");
    if (model.getNumFunctionDefinitions() > 0) return E(`the function definition \`${model.getFunctionDefinition(0).getId()}\``);
    if (model.getNumCompartments() !== 1) return E(`${model.getNumCompartments()} compartments (crnnc reads one)`);
    const comp = model.getCompartment(0);
    const cid = comp.getId() as string;
    if (comp.isSetSize() && comp.getSize() !== 1) return E(`the compartment \`${cid}\` of size ${comp.getSize()} (crnnc reads size 1)`);
    // Parameters, with crnnc's initial assignments evaluated.
    const params = new Map<string, number>();
    for (let i = 0; i < model.getNumParameters(); i++) {
      const p = model.getParameter(i);
      params.set(p.getId(), p.isSetValue() ? p.getValue() : NaN);
    }
    for (let i = 0; i < model.getNumInitialAssignments(); i++) {
      const ia = model.getInitialAssignment(i);
      const sym = ia.getSymbol() as string;
      if (!params.has(sym)) return E(`the initial assignment to \`${sym}\``);
      try {
        params.set(sym, evalConst(tree(sb, ia.getMath()), params));
      } catch {
        return E(`the initial assignment to \`${sym}\``);
      }
    }
    // Species.
    const species: Species[] = [];
    const index = new Map<string, number>();
    for (let i = 0; i < model.getNumSpecies(); i++) {
      const s = model.getSpecies(i);
      const id = s.getId() as string;
      if (s.getHasOnlySubstanceUnits()) return E(`the species \`${id}\` with hasOnlySubstanceUnits="true"`, "crnnc works in concentrations");
      if (s.getBoundaryCondition() || s.getConstant()) return E(`the boundary or constant species \`${id}\``);
      const init = s.isSetInitialConcentration() ? s.getInitialConcentration() : s.isSetInitialAmount() ? s.getInitialAmount() : 0;
      index.set(id, species.length);
      species.push({ id, role: "species", init, ...speciesMeta(String(s.getAnnotationString?.() ?? "")) });
    }
    // Reactions.
    const reactions: Reaction[] = [];
    for (let i = 0; i < model.getNumReactions(); i++) {
      const r = model.getReaction(i);
      const rid = (r.getId() as string) || `#${i}`;
      if (r.getReversible()) return E(`the reversible reaction \`${rid}\``);
      const side = (n: number, get: (j: number) => Libsbml): Term[] | string => {
        const out: Term[] = [];
        for (let j = 0; j < n; j++) {
          const ref = get(j);
          const s = index.get(ref.getSpecies());
          const st = ref.isSetStoichiometry() ? ref.getStoichiometry() : 1;
          if (s === undefined) return `species \`${ref.getSpecies()}\``;
          if (!Number.isInteger(st) || st < 1) return `stoichiometry ${st} of \`${ref.getSpecies()}\``;
          out.push({ s, n: st });
        }
        return out;
      };
      const reactants = side(r.getNumReactants(), (j) => r.getReactant(j));
      const products = side(r.getNumProducts(), (j) => r.getProduct(j));
      if (typeof reactants === "string" || typeof products === "string") return E(`the ${typeof reactants === "string" ? reactants : products} in reaction \`${rid}\``);
      const modifiers = new Set<number>();
      for (let j = 0; j < r.getNumModifiers(); j++) {
        const s = index.get(r.getModifier(j).getSpecies());
        if (s !== undefined) modifiers.add(s);
      }
      const kl = r.getKineticLaw();
      if (!kl || !kl.ptr || !kl.isSetMath()) return E(`reaction \`${rid}\` without a kinetic law`);
      if (kl.getNumLocalParameters() > 0) return E(`the local parameters of reaction \`${rid}\``);
      let law: Node;
      try {
        law = tree(sb, kl.getMath());
      } catch {
        return E(`the kinetic law of reaction \`${rid}\``);
      }
      const origin = { template: `sbml ${rid}`, span: { file, line: 0, col: 0 } } as Reaction["origin"];
      const mass = massAction(law, cid, params, index, reactants, modifiers);
      if (mass) {
        reactions.push({ reactants: mass.reactants, products: [...products, ...mass.catalysts], rate: mass.rate, tag: tagOf(r.getName()), origin });
        continue;
      }
      const marked = /crnnc:law/.test(String(kl.getAnnotationString?.() ?? "") + String(r.getAnnotationString?.() ?? ""));
      if (!marked) return E(`the kinetic law of reaction \`${rid}\` (${kl.getFormula?.() ?? "not mass action"}), which is not mass action`, "crnnc reads mass-action laws (k * A * B, k * X^2) and the rate laws it writes itself");
      try {
        const expr = toIR(stripCompartment(law, cid), params, index);
        const cats = [...modifiers].filter((s) => !reactants.some((t) => t.s === s)).map((s) => ({ s, n: 1 }));
        void cats;
        reactions.push({ reactants, products, rate: { kind: "law", expr }, tag: tagOf(r.getName()), origin });
      } catch (e) {
        if (e instanceof Unsupported) return E(`the kinetic law of reaction \`${rid}\` (${e.message})`);
        throw e;
      }
    }
    const meta = modelMeta(String(model.getAnnotationString?.() ?? ""));
    // Events: crnnc's schedule only.
    let schedule: Schedule | undefined;
    if (model.getNumEvents() > 0) {
      const s = readSchedule(sb, model, params, index, species);
      if (typeof s === "string") return E(s);
      schedule = s;
    }
    const rates: Record<string, number> = meta.rates ?? {};
    const ir: CRN = {
      kind: meta.kind === "train" && schedule && meta.train && meta.layers ? "train" : meta.kind === "network" && meta.layers ? "network" : "crn",
      name: meta.name ?? ((model.getId() as string) || "sbml"),
      source: file,
      species,
      reactions,
      rates,
      ...(meta.layers && meta.kind !== "crn" ? { layers: meta.layers } : {}),
    };
    let dataset: Dataset | undefined;
    if (ir.kind === "train" && schedule) {
      const nIn = meta.layers![0]!.size;
      ir.train = { ...meta.train!, period: schedule.period };
      const samples = schedule.values.map((v) => ({ x: Float64Array.from(v.slice(0, nIn)), y: Float64Array.from(v.slice(nIn)) }));
      const binary = samples.every((s) => [...s.y].every((v) => v === 0 || v === 1));
      const classification = !binary ? undefined : samples[0]!.y.length === 1 ? ("threshold" as const) : samples.every((s) => s.y.reduce((a, b) => a + b, 0) === 1) ? ("onehot" as const) : undefined;
      dataset = { name: `${file} schedule`, train: samples, validation: [], ...(classification ? { classification } : {}) };
    }
    return { ir, ...(schedule ? { schedule } : {}), ...(dataset ? { dataset } : {}), diagnostics };
  } finally {
    sb.destroy?.(doc);
  }
}

function tagOf(name: string): Reaction["tag"] {
  return name === "forward" || name === "backward" || name === "update" ? name : "crn";
}

function speciesMeta(ann: string): Partial<Species> & { role?: Role } {
  const m = /<crnnc:species\b([^>]*)\/?>/.exec(ann);
  if (!m) return {};
  const attr = (k: string) => new RegExp(`\\b${k}="([^"]*)"`).exec(m[1]!)?.[1];
  const out: Partial<Species> = {};
  const role = attr("role");
  if (role) out.role = role as Role;
  const fam = attr("family");
  if (fam !== undefined) out.family = unesc(fam);
  for (const k of ["layer", "index", "from"] as const) {
    const v = attr(k);
    if (v !== undefined) out[k] = Number(v);
  }
  const rail = attr("rail");
  if (rail === "p" || rail === "m") out.rail = rail;
  return out;
}

function unesc(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

function modelMeta(ann: string): { kind?: string; name?: string; layers?: CRN["layers"]; train?: CRN["train"]; rates?: Record<string, number> } {
  const m = /<crnnc:model\b([^>]*)>([\s\S]*?)<\/crnnc:model>/.exec(ann);
  if (!m) return {};
  const attr = (k: string) => {
    const v = new RegExp(`\\b${k}="([^"]*)"`).exec(m[1]!)?.[1];
    return v === undefined ? undefined : unesc(v);
  };
  const el = (k: string) => {
    const v = new RegExp(`<crnnc:${k}>([\\s\\S]*?)</crnnc:${k}>`).exec(m[2]!)?.[1];
    try {
      return v === undefined ? undefined : JSON.parse(unesc(v));
    } catch {
      return undefined;
    }
  };
  return { kind: attr("kind"), name: attr("name"), layers: el("layers"), train: el("train"), rates: el("rates") };
}

function tree(sb: Libsbml, ast: Libsbml): Node {
  if (!ast || !ast.ptr) throw new Unsupported("empty math");
  const type = ast.getType() as number;
  const n = ast.getNumChildren() as number;
  const kids = () => Array.from({ length: n }, (_, i) => tree(sb, ast.getChild(i)));
  if (type === sb.AST_INTEGER) return { t: "num", v: ast.getInteger() };
  if (type === sb.AST_REAL || type === sb.AST_REAL_E || type === sb.AST_RATIONAL) return { t: "num", v: ast.getReal() };
  if (type === sb.AST_NAME) return { t: "name", id: ast.getName() };
  if (type === sb.AST_NAME_TIME) return { t: "time" };
  const ops: [string, string][] = [
    ["AST_PLUS", "+"], ["AST_MINUS", "-"], ["AST_TIMES", "*"], ["AST_DIVIDE", "/"], ["AST_POWER", "^"], ["AST_FUNCTION_POWER", "^"],
    ["AST_FUNCTION_PIECEWISE", "piecewise"], ["AST_RELATIONAL_EQ", "=="], ["AST_RELATIONAL_GEQ", ">="], ["AST_RELATIONAL_GT", ">"],
    ["AST_RELATIONAL_LEQ", "<="], ["AST_RELATIONAL_LT", "<"], ["AST_FUNCTION_FLOOR", "floor"], ["AST_FUNCTION_EXP", "exp"],
    ["AST_FUNCTION_LN", "log"], ["AST_FUNCTION_ABS", "abs"], ["AST_FUNCTION_MIN", "min"], ["AST_FUNCTION_MAX", "max"], ["AST_FUNCTION_ROOT", "sqrt"],
  ];
  for (const [k, op] of ops) if (type === sb[k]) return { t: "op", op, args: kids() };
  throw new Unsupported(`MathML element of type ${type}`);
}

function evalConst(e: Node, params: Map<string, number>): number {
  if (e.t === "num") return e.v;
  if (e.t === "name") {
    const v = params.get(e.id);
    if (v === undefined) throw new Unsupported(e.id);
    return v;
  }
  if (e.t === "time") throw new Unsupported("time");
  const a = e.args.map((x) => evalConst(x, params));
  switch (e.op) {
    case "+":
      return a.reduce((x, y) => x + y, 0);
    case "-":
      return a.length === 1 ? -a[0]! : a[0]! - a[1]!;
    case "*":
      return a.reduce((x, y) => x * y, 1);
    case "/":
      return a[0]! / a[1]!;
    case "^":
      return a[0]! ** a[1]!;
  }
  throw new Unsupported(e.op);
}

function factors(e: Node): Node[] {
  return e.t === "op" && e.op === "*" ? e.args.flatMap(factors) : [e];
}

/** k · Π species^n (times the compartment): the mass-action reactants and the catalysts to add to both sides. */
function massAction(law: Node, cid: string, params: Map<string, number>, index: Map<string, number>, reactants: Term[], modifiers: Set<number>): { reactants: Term[]; catalysts: Term[]; rate: Reaction["rate"] } | undefined {
  let k = 1;
  let scale = 1;
  const names: string[] = [];
  const pow = new Map<number, number>();
  let sawCompartment = false;
  for (const f of factors(law)) {
    if (f.t === "num") scale *= f.v;
    else if (f.t === "name" && f.id === cid && !sawCompartment) sawCompartment = true;
    else if (f.t === "name" && params.has(f.id)) (names.push(f.id), (k *= params.get(f.id)!));
    else if (f.t === "name" && index.has(f.id)) pow.set(index.get(f.id)!, (pow.get(index.get(f.id)!) ?? 0) + 1);
    else if (f.t === "op" && f.op === "^" && f.args[0]!.t === "name" && index.has(f.args[0]!.id) && f.args[1]!.t === "num" && Number.isInteger(f.args[1]!.v) && f.args[1]!.v > 0) {
      const s = index.get(f.args[0]!.id)!;
      pow.set(s, (pow.get(s) ?? 0) + f.args[1]!.v);
    } else return undefined;
  }
  if (!sawCompartment) return undefined;
  for (const t of reactants) if (pow.get(t.s) !== t.n) return undefined;
  const catalysts: Term[] = [];
  for (const [s, n] of pow) if (!reactants.some((t) => t.s === s)) {
    if (!modifiers.has(s)) return undefined;
    catalysts.push({ s, n });
  }
  const value = k * scale;
  const name = names.length === 1 ? names[0]!.replace(/_o\d+$/, "") : undefined;
  return {
    reactants: [...reactants, ...catalysts],
    catalysts,
    rate: { kind: "mass", k: value, ...(name ? { name, ...(scale !== 1 ? { scale } : {}) } : {}) },
  };
}

function stripCompartment(law: Node, cid: string): Node {
  const fs = factors(law);
  const i = fs.findIndex((f) => f.t === "name" && f.id === cid);
  if (i < 0) throw new Unsupported("the law does not multiply by the compartment");
  const rest = fs.filter((_, j) => j !== i);
  return rest.length === 1 ? rest[0]! : { t: "op", op: "*", args: rest };
}

function toIR(e: Node, params: Map<string, number>, index: Map<string, number>): IRExpr {
  const bin = (op: string, args: IRExpr[]): IRExpr => args.reduce((a, b) => ({ k: "bin", op: op as never, a, b }));
  if (e.t === "num") return { k: "num", v: e.v };
  if (e.t === "time") throw new Unsupported("time in a rate law");
  if (e.t === "name") {
    if (index.has(e.id)) return { k: "species", s: index.get(e.id)! };
    if (params.has(e.id)) return { k: "num", v: params.get(e.id)! };
    throw new Unsupported(`unknown name ${e.id}`);
  }
  const a = e.args.map((x) => (e.op === "piecewise" ? x : x)).map((x) => toIR(x, params, index));
  switch (e.op) {
    case "+":
    case "*":
      return bin(e.op, a);
    case "-":
      return a.length === 1 ? { k: "neg", a: a[0]! } : bin("-", a);
    case "/":
    case "^":
    case "==":
    case ">=":
    case ">":
    case "<=":
    case "<":
      return bin(e.op, a);
    case "exp":
    case "log":
    case "abs":
    case "sqrt":
    case "min":
    case "max":
      return { k: "fn", f: e.op, args: a };
    case "piecewise": {
      // crnnc writes piecewise(1, cond, 0): the characteristic function of cond.
      if (e.args.length === 3 && e.args[0]!.t === "num" && e.args[0]!.v === 1 && e.args[2]!.t === "num" && e.args[2]!.v === 0) return a[1]!;
      throw new Unsupported("a piecewise other than piecewise(1, condition, 0)");
    }
  }
  throw new Unsupported(e.op);
}

/** crnnc's schedule: one event `time >= (iter + 1) * T` assigning iter, pos and species by piecewise over pos. */
function readSchedule(sb: Libsbml, model: Libsbml, params: Map<string, number>, index: Map<string, number>, species: Species[]): Schedule | string {
  const ev = model.getEvent(0);
  const eid = (ev.getId() as string) || "(no id)";
  const not = (why: string) => `the event \`${eid}\` (${why}; crnnc reads only the schedule event it writes)`;
  if (model.getNumEvents() !== 1) return `the event \`${model.getEvent(1).getId()}\` (crnnc reads only its one schedule event)`;
  if (ev.isSetDelay() || ev.isSetPriority()) return not("a delay or priority");
  const T = params.get("T");
  if (T === undefined || !params.has("iter") || !params.has("pos")) return not("no parameters T, iter and pos");
  let trig: Node;
  try {
    trig = tree(sb, ev.getTrigger().getMath());
  } catch {
    return not("its trigger");
  }
  const shape = JSON.stringify(trig);
  if (shape !== JSON.stringify({ t: "op", op: ">=", args: [{ t: "time" }, { t: "op", op: "*", args: [{ t: "op", op: "+", args: [{ t: "name", id: "iter" }, { t: "num", v: 1 }] }, { t: "name", id: "T" }] }] })) return not("its trigger is not time >= (iter + 1) * T");
  const assigned: { s: number; at: (p: number) => number }[] = [];
  let N = 1;
  for (let i = 0; i < ev.getNumEventAssignments(); i++) {
    const ea = ev.getEventAssignment(i);
    const v = ea.getVariable() as string;
    let m: Node;
    try {
      m = tree(sb, ea.getMath());
    } catch {
      return not(`the assignment to ${v}`);
    }
    if (v === "iter") continue;
    if (v === "pos") {
      if (m.t === "num") N = 1;
      else if (m.t === "op" && m.op === "piecewise" && m.args[1]!.t === "op" && m.args[1]!.args[1]!.t === "num") N = (m.args[1]!.args[1] as { v: number }).v + 1;
      else return not("the assignment to pos");
      continue;
    }
    const s = index.get(v);
    if (s === undefined) return not(`an assignment to ${v}`);
    // piecewise(v_1, pos == p_1, ..., otherwise): the value after position p.
    const table = new Map<number, number>();
    let otherwise: number;
    if (m.t === "num") otherwise = m.v;
    else if (m.t === "op" && m.op === "piecewise" && m.args.length % 2 === 1) {
      for (let j = 0; j + 1 < m.args.length; j += 2) {
        const val = m.args[j]!;
        const c = m.args[j + 1]!;
        if (val.t !== "num" || c.t !== "op" || c.op !== "==" || c.args[0]!.t !== "name" || c.args[0]!.id !== "pos" || c.args[1]!.t !== "num") return not(`the assignment to ${v}`);
        if (!table.has(c.args[1]!.v)) table.set(c.args[1]!.v, val.v);
      }
      const last = m.args[m.args.length - 1]!;
      if (last.t !== "num") return not(`the assignment to ${v}`);
      otherwise = last.v;
    } else return not(`the assignment to ${v}`);
    assigned.push({ s, at: (p) => table.get(p) ?? otherwise });
  }
  // Position q's sample: what the event assigns after position q − 1; position 0 is the initial state.
  const order = assigned.sort((a, b) => roleRank(species[a.s]!) - roleRank(species[b.s]!) || (species[a.s]!.index ?? 0) - (species[b.s]!.index ?? 0));
  const values = Array.from({ length: N }, (_, q) => order.map((a) => (q === 0 ? species[a.s]!.init : a.at(q - 1))));
  return { period: T, species: order.map((a) => a.s), values };
}

function roleRank(s: Species): number {
  return s.role === "input" ? 0 : s.role === "target" ? 1 : 2;
}
