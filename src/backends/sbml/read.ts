// SBML read-back: an SBML file whose reactions are mass action (`cell * k * A * B^2`, any
// product of numbers, parameters and species powers, the compartment optional) or the
// rate laws crnnc writes, becomes a CRN IR again, its parameters a parameter table (crnnc's
// own files carry the table's order and metadata in an annotation; the values are the SBML
// parameters', so an edit in COPASI is read); crnnc's schedule event becomes a training
// protocol. Anything else is an E0702 naming the element; unreadable XML is an E0701.
//
//   await readSbml(xml, "model.xml")  →  { ir: { kind: "train", ... }, protocol, period: 300, diagnostics: [] }

import type { ConstExpr, CRN, IRExpr, Parameter, Reaction, Role, Species, Term } from "../../ir/types.js";
import type { Protocol, SampleOrder } from "../../ir/protocol.js";
import { SAMPLE_ORDERS } from "../../ir/protocol.js";
import { exprFromTree, num } from "../../ir/expr.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import type { Code } from "../../diagnostics/codes.js";
import { libsbml, documentIssues, type Libsbml } from "./libsbml.js";

export interface ReadResult {
  ir?: CRN;
  /** The schedule event as a protocol: for a train model its samples by position, else values for the scheduled species. */
  protocol?: Protocol;
  /** The schedule's period (the parameter its trigger reads). */
  period?: number;
  diagnostics: Diagnostic[];
}

/** A MathML tree as plain data. */
type Node = { t: "num"; v: number } | { t: "name"; id: string } | { t: "time" } | { t: "op"; op: string; args: Node[] };

class Unsupported extends Error {}

export async function readSbml(xml: string, file: string): Promise<ReadResult> {
  const sb = await libsbml();
  const diagnostics: Diagnostic[] = [];
  const fail = (code: Code, message: string, hint?: string): ReadResult => ({
    diagnostics: [...diagnostics, { code, severity: "error", message, ...(hint ? { hint } : {}) }],
  });
  const doc = new sb.SBMLReader().readSBMLFromString(xml);
  try {
    const bad = documentIssues(sb, doc).filter((e) => e.severity === "error" || e.severity === "fatal");
    if (bad.length)
      return fail(
        "E0701",
        `${file} is not readable SBML: ${bad
          .slice(0, 3)
          .map((e) => `line ${e.line || "?"}: ${e.message.split("\n")[0]}`)
          .join("; ")}`,
      );
    const model = doc.getModel();
    if (!model || !model.ptr) return fail("E0701", `${file} has no <model>`);
    const E = (what: string, hint?: string) =>
      fail(
        "E0702",
        `${file}: ${what} is outside what crnnc reads`,
        hint ?? "crnnc reads mass-action reactions, the rate laws it writes and its own schedule event",
      );
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
    // The parameter table: crnnc's order and metadata when the file has them, else each
    // parameter a kinetic law reads, in order of first use.
    const meta = modelMeta(String(model.getAnnotationString?.() ?? ""));
    const table: Parameter[] = [];
    const tableIndex = new Map<string, number>();
    const hand = "the file was edited by hand: remove the crnnc annotation to read it as plain SBML";
    for (const m of meta.parameters ?? []) {
      const v = params.get(m.id);
      if (v === undefined) return E(`the crnnc annotation, which lists a parameter \`${m.id}\` the model does not have`, hand);
      tableIndex.set(m.id, table.length);
      table.push({ ...m, value: v });
    }
    // Expressions in the annotation name parameters by id: now they are indices.
    const byId = (x: unknown): { k: "param"; p: number } | { k: "arg"; i: number } | undefined => {
      if (!x || typeof x !== "object") return undefined;
      const o = x as { param?: unknown; arg?: unknown };
      if (typeof o.param === "string" && tableIndex.has(o.param)) return { k: "param", p: tableIndex.get(o.param)! };
      if (o.arg === 0) return { k: "arg", i: 0 };
      return undefined;
    };
    for (const [i, m] of (meta.parameters ?? []).entries()) {
      const raw = (m as { expr?: unknown }).expr;
      if (raw === undefined) continue;
      const e = exprFromTree(raw, (x) => {
        const l = byId(x);
        return l?.k === "param" ? l : undefined;
      });
      if (!e) return E(`the crnnc annotation's expression of parameter \`${m.id}\``, hand);
      table[i] = { ...table[i]!, expr: e };
    }
    for (const l of meta.layers ?? []) {
      if (!l.activation) continue;
      const a = l.activation as unknown as { params: Record<string, unknown>; closed?: unknown };
      const ps: Record<string, number> = {};
      for (const [k, id] of Object.entries(a.params)) {
        if (typeof id !== "string" || !tableIndex.has(id))
          return E(`the crnnc annotation's layers, whose parameter \`${String(id)}\` the model does not have`, hand);
        ps[k] = tableIndex.get(id)!;
      }
      const closed = a.closed === undefined ? undefined : exprFromTree(a.closed, byId);
      if (a.closed !== undefined && !closed) return E("the crnnc annotation's closed form of a layer", hand);
      l.activation = { ...l.activation, params: ps, ...(closed ? { closed } : {}) };
    }
    if (meta.train) {
      const ps = meta.train.params as unknown as Record<string, unknown>;
      const out: Record<string, number> = {};
      for (const [k, id] of Object.entries(ps ?? {})) {
        if (typeof id !== "string" || !tableIndex.has(id))
          return E(`the crnnc annotation's train settings, whose parameter \`${String(id)}\` the model does not have`, hand);
        out[k] = tableIndex.get(id)!;
      }
      meta.train = { ...meta.train, params: out as unknown as NonNullable<CRN["train"]>["params"] };
    }
    const paramLeaf = (id: string): { k: "param"; p: number } => {
      let i = tableIndex.get(id);
      if (i === undefined) {
        tableIndex.set(id, (i = table.length));
        table.push({ id, name: id, value: params.get(id)!, role: "rate", owner: "sbml" });
      }
      return { k: "param", p: i };
    };
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
      if (typeof reactants === "string" || typeof products === "string")
        return E(`the ${typeof reactants === "string" ? reactants : products} in reaction \`${rid}\``);
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
      const mass = massAction(law, cid, params, index, reactants, modifiers, paramLeaf, tableIndex);
      if (mass) {
        reactions.push({ reactants: mass.reactants, products: [...products, ...mass.catalysts], rate: mass.rate, tag: tagOf(r.getName()), origin });
        continue;
      }
      const marked = /crnnc:law/.test(String(kl.getAnnotationString?.() ?? "") + String(r.getAnnotationString?.() ?? ""));
      if (!marked)
        return E(
          `the kinetic law of reaction \`${rid}\` (${kl.getFormula?.() ?? "not mass action"}), which is not mass action`,
          "crnnc reads mass-action laws (k * A * B, k * X^2) and the rate laws it writes itself",
        );
      try {
        const expr = toIR(stripCompartment(law, cid), params, index, paramLeaf);
        reactions.push({ reactants, products, rate: { kind: "law", expr }, tag: tagOf(r.getName()), origin });
      } catch (e) {
        if (e instanceof Unsupported) return E(`the kinetic law of reaction \`${rid}\` (${e.message})`);
        throw e;
      }
    }
    // Events: crnnc's schedule only.
    let schedule: Schedule | undefined;
    if (model.getNumEvents() > 0) {
      const s = readSchedule(sb, model, params, index, species);
      if (typeof s === "string") return E(s);
      schedule = s;
    }
    const isTrain = meta.kind === "train" && schedule && meta.train?.params && meta.layers && meta.parameters;
    const ir: CRN = {
      kind: isTrain ? "train" : meta.kind === "network" && meta.layers && meta.parameters ? "network" : "crn",
      name: meta.name ?? ((model.getId() as string) || "sbml"),
      source: file,
      species,
      parameters: table,
      reactions,
      ...(meta.layers && meta.parameters && meta.kind !== "crn" ? { layers: meta.layers } : {}),
    };
    let protocol: Protocol | undefined;
    if (schedule) {
      const train = isTrain ? meta.train! : undefined;
      if (train) ir.train = train;
      const nIn = train ? meta.layers![0]!.size : schedule.species.length;
      const samples = schedule.values.map((v) => ({ x: Float64Array.from(v.slice(0, nIn)), y: Float64Array.from(v.slice(nIn)) }));
      const binary = samples.every((s) => [...s.y].every((v) => v === 0 || v === 1));
      const classification =
        !train || !binary
          ? undefined
          : samples[0]!.y.length === 1
            ? ("threshold" as const)
            : samples.every((s) => s.y.reduce((a, b) => a + b, 0) === 1)
              ? ("onehot" as const)
              : undefined;
      const P = schedule.values.length;
      protocol = {
        order: meta.schedule?.order ?? "cyclic",
        seed: meta.schedule?.seed ?? train?.seed ?? 0,
        iterations: meta.schedule?.iterations ?? train?.iterations ?? P,
        evaluate: train?.evaluate ?? 1,
        data: { name: `${file} schedule`, train: samples, validation: [], ...(classification ? { classification } : {}) },
        inputs: Int32Array.from(schedule.species.slice(0, nIn)),
        targets: Int32Array.from(schedule.species.slice(nIn)),
        sequence: Int32Array.from({ length: P }, (_, i) => i),
      };
      if (train && ir.parameters[train.params.period]?.value !== schedule.period)
        return E(`the schedule event, whose trigger reads a period other than the train block's`);
    }
    return { ir, ...(protocol ? { protocol, period: schedule!.period } : {}), diagnostics };
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
  return s
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

interface Meta {
  kind?: string;
  name?: string;
  layers?: CRN["layers"];
  train?: CRN["train"];
  parameters?: Omit<Parameter, "value" | "span">[];
  schedule?: { order: SampleOrder; seed: number; iterations: number };
}

function modelMeta(ann: string): Meta {
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
  const sch = /<crnnc:schedule\b([^>]*)\/>/.exec(m[2]!)?.[1];
  const sattr = (k: string) => (sch ? new RegExp(`\\b${k}="([^"]*)"`).exec(sch)?.[1] : undefined);
  const order = sattr("order");
  const schedule =
    order && (SAMPLE_ORDERS as readonly string[]).includes(order)
      ? { order: order as SampleOrder, seed: Number(sattr("seed") ?? 0), iterations: Number(sattr("iterations") ?? 0) }
      : undefined;
  const out: Meta = { kind: attr("kind"), name: attr("name"), layers: el("layers"), train: el("train"), parameters: el("parameters") };
  if (schedule && Number.isInteger(schedule.seed) && Number.isInteger(schedule.iterations) && schedule.iterations > 0) out.schedule = schedule;
  return out;
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
    ["AST_PLUS", "+"],
    ["AST_MINUS", "-"],
    ["AST_TIMES", "*"],
    ["AST_DIVIDE", "/"],
    ["AST_POWER", "^"],
    ["AST_FUNCTION_POWER", "^"],
    ["AST_FUNCTION_PIECEWISE", "piecewise"],
    ["AST_RELATIONAL_EQ", "=="],
    ["AST_RELATIONAL_NEQ", "!="],
    ["AST_RELATIONAL_GEQ", ">="],
    ["AST_RELATIONAL_GT", ">"],
    ["AST_RELATIONAL_LEQ", "<="],
    ["AST_RELATIONAL_LT", "<"],
    ["AST_FUNCTION_FLOOR", "floor"],
    ["AST_FUNCTION_EXP", "exp"],
    ["AST_FUNCTION_LN", "log"],
    ["AST_FUNCTION_ABS", "abs"],
    ["AST_FUNCTION_MIN", "min"],
    ["AST_FUNCTION_MAX", "max"],
    ["AST_FUNCTION_ROOT", "sqrt"],
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
function massAction(
  law: Node,
  cid: string,
  params: Map<string, number>,
  index: Map<string, number>,
  reactants: Term[],
  modifiers: Set<number>,
  paramLeaf: (id: string) => { k: "param"; p: number },
  table: ReadonlyMap<string, number>,
): { reactants: Term[]; catalysts: Term[]; rate: Reaction["rate"] } | undefined {
  let scale = 1;
  const names: string[] = [];
  const pow = new Map<number, number>();
  let sawCompartment = false;
  for (const f of factors(law)) {
    if (f.t === "num") scale *= f.v;
    else if (f.t === "name" && f.id === cid && !sawCompartment) sawCompartment = true;
    else if (f.t === "name" && params.has(f.id)) names.push(f.id);
    else if (f.t === "name" && index.has(f.id)) pow.set(index.get(f.id)!, (pow.get(index.get(f.id)!) ?? 0) + 1);
    else if (
      f.t === "op" &&
      f.op === "^" &&
      f.args[0]!.t === "name" &&
      index.has(f.args[0]!.id) &&
      f.args[1]!.t === "num" &&
      Number.isInteger(f.args[1]!.v) &&
      f.args[1]!.v > 0
    ) {
      const s = index.get(f.args[0]!.id)!;
      pow.set(s, (pow.get(s) ?? 0) + f.args[1]!.v);
    } else return undefined;
  }
  if (!sawCompartment) return undefined;
  for (const t of reactants) if (pow.get(t.s) !== t.n) return undefined;
  const catalysts: Term[] = [];
  for (const [s, n] of pow)
    if (!reactants.some((t) => t.s === s)) {
      if (!modifiers.has(s)) return undefined;
      catalysts.push({ s, n });
    }
  // crnnc's per-order copy `k_o2 = k / M_ref` (M_ref = 1) is k itself, unless its value was edited.
  const base = (id: string) => {
    const b = /^(.*)_o\d+$/.exec(id)?.[1];
    return b !== undefined && table.has(b) && params.get(b) === params.get(id) ? b : id;
  };
  let k: ConstExpr | undefined = scale !== 1 || names.length === 0 ? num(scale) : undefined;
  for (const id of names) {
    const leaf = paramLeaf(base(id));
    k = k ? { k: "bin", op: "*", a: k, b: leaf } : leaf;
  }
  return { reactants: [...reactants, ...catalysts], catalysts, rate: { kind: "mass", k: k! } };
}

function stripCompartment(law: Node, cid: string): Node {
  const fs = factors(law);
  const i = fs.findIndex((f) => f.t === "name" && f.id === cid);
  if (i < 0) throw new Unsupported("the law does not multiply by the compartment");
  const rest = fs.filter((_, j) => j !== i);
  return rest.length === 1 ? rest[0]! : { t: "op", op: "*", args: rest };
}

function toIR(e: Node, params: Map<string, number>, index: Map<string, number>, paramLeaf: (id: string) => { k: "param"; p: number }): IRExpr {
  const bin = (op: string, args: IRExpr[]): IRExpr => args.reduce((a, b) => ({ k: "bin", op: op as never, a, b }));
  if (e.t === "num") return { k: "num", v: e.v };
  if (e.t === "time") throw new Unsupported("time in a rate law");
  if (e.t === "name") {
    if (index.has(e.id)) return { k: "species", s: index.get(e.id)! };
    if (params.has(e.id)) return paramLeaf(e.id);
    throw new Unsupported(`unknown name ${e.id}`);
  }
  const a = e.args.map((x) => toIR(x, params, index, paramLeaf));
  switch (e.op) {
    case "+":
    case "*":
      return bin(e.op, a);
    case "-":
      return a.length === 1 ? { k: "neg", a: a[0]! } : bin("-", a);
    case "!=":
      return bin("-", [num(1), bin("==", a)]);
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
      if (e.args.length % 2 === 1) return { k: "fn", f: "piecewise", args: a };
      throw new Unsupported("a piecewise without an otherwise value");
    }
  }
  throw new Unsupported(e.op);
}

/** A schedule event: the period, the species it sets, and their values for each position of the sequence. */
interface Schedule {
  period: number;
  species: number[];
  values: number[][];
}

/** crnnc's schedule: one event `time >= (iter + 1) * T` assigning iter, pos and species by piecewise over pos. */
function readSchedule(sb: Libsbml, model: Libsbml, params: Map<string, number>, index: Map<string, number>, species: Species[]): Schedule | string {
  const ev = model.getEvent(0);
  const eid = (ev.getId() as string) || "(no id)";
  const not = (why: string) => `the event \`${eid}\` (${why}; crnnc reads only the schedule event it writes)`;
  if (model.getNumEvents() !== 1) return `the event \`${model.getEvent(1).getId()}\` (crnnc reads only its one schedule event)`;
  if (ev.isSetDelay() || ev.isSetPriority()) return not("a delay or priority");
  if (!params.has("iter") || !params.has("pos")) return not("no parameters iter and pos");
  let trig: Node;
  try {
    trig = tree(sb, ev.getTrigger().getMath());
  } catch {
    return not("its trigger");
  }
  // time >= (iter + 1) * T, T a parameter: the period.
  const period = trig.t === "op" && trig.op === ">=" && trig.args[1]?.t === "op" && trig.args[1].op === "*" ? trig.args[1].args[1] : undefined;
  const T = period?.t === "name" ? params.get(period.id) : undefined;
  const expect = (id: string) =>
    JSON.stringify({
      t: "op",
      op: ">=",
      args: [
        { t: "time" },
        {
          t: "op",
          op: "*",
          args: [
            {
              t: "op",
              op: "+",
              args: [
                { t: "name", id: "iter" },
                { t: "num", v: 1 },
              ],
            },
            { t: "name", id },
          ],
        },
      ],
    });
  if (T === undefined || period?.t !== "name" || JSON.stringify(trig) !== expect(period.id))
    return not("its trigger is not time >= (iter + 1) * T for a parameter T");
  if (!(T > 0 && Number.isFinite(T))) return not(`its period ${period.id} = ${T} is not a positive number`);
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
    if (v === "iter") {
      if (
        JSON.stringify(m) !==
        JSON.stringify({
          t: "op",
          op: "+",
          args: [
            { t: "name", id: "iter" },
            { t: "num", v: 1 },
          ],
        })
      )
        return not("the assignment to iter is not iter + 1");
      continue;
    }
    if (v === "pos") {
      // pos + 1, back to 0 after the last position: piecewise(pos + 1, pos < N − 1, 0).
      const next = JSON.stringify({
        t: "op",
        op: "+",
        args: [
          { t: "name", id: "pos" },
          { t: "num", v: 1 },
        ],
      });
      if (m.t === "num" && m.v === 0) N = 1;
      else if (
        m.t === "op" &&
        m.op === "piecewise" &&
        m.args.length === 3 &&
        JSON.stringify(m.args[0]) === next &&
        m.args[1]!.t === "op" &&
        m.args[1]!.op === "<" &&
        JSON.stringify(m.args[1]!.args[0]) === JSON.stringify({ t: "name", id: "pos" }) &&
        m.args[1]!.args[1]!.t === "num" &&
        Number.isInteger(m.args[1]!.args[1]!.v) &&
        m.args[1]!.args[1]!.v >= 1 &&
        m.args[2]!.t === "num" &&
        m.args[2]!.v === 0
      )
        N = m.args[1]!.args[1]!.v + 1;
      else return not("the assignment to pos is not the cycle pos + 1, back to 0 after the last position");
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
        if (val.t !== "num" || c.t !== "op" || c.op !== "==" || c.args[0]!.t !== "name" || c.args[0]!.id !== "pos" || c.args[1]!.t !== "num")
          return not(`the assignment to ${v}`);
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
