// The ODE meaning of an SBML document, read with libSBML independently of crnnc's reader, so
// that two documents (crnnc's SBML and libAntimony's SBML of crnnc's Antimony) can be compared:
// species with their compartment and initial value, parameters with their value after the
// initial assignments, names and SBO terms, the right-hand side dx/dt at any state, and the
// events (flags, trigger and assignments evaluated at any state).
//
//   const m = await sbmlMeaning(xml);  m.rhs({ a: 6, b: 3, q: 0 })  →  { a: 0, b: 0, q: 60 }

import { libsbml, type Libsbml } from "../src/backends/sbml/libsbml.js";

/** A MathML tree as plain data. */
export type MathNode = { t: "num"; v: number } | { t: "name"; id: string } | { t: "time" } | { t: "op"; op: string; args: MathNode[] };

export interface Meaning {
  species: Map<string, { compartment: string; init: number; name: string; sbo: string }>;
  parameters: Map<string, { value: number; constant: boolean; name: string; sbo: string; units: string }>;
  compartments: Map<string, number>;
  reactions: { id: string; name: string; sbo: string; change: Map<string, number>; law: MathNode }[];
  events: { id: string; persistent: boolean; initialValue: boolean; fromTrigger: boolean; trigger: MathNode; assign: Map<string, MathNode> }[];
  /** dx/dt of every species (concentration) at a state of species concentrations, with the model's parameter values. */
  rhs(state: Record<string, number>): Record<string, number>;
  /** The value of an expression at a state (species, and parameters overriding the model's values). */
  evaluate(e: MathNode, state: Record<string, number>, time?: number): number;
}

const OPS: [string, string][] = [
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
  ["AST_LOGICAL_AND", "and"],
  ["AST_LOGICAL_OR", "or"],
  ["AST_LOGICAL_NOT", "not"],
  ["AST_FUNCTION_EXP", "exp"],
  ["AST_FUNCTION_LN", "ln"],
  ["AST_FUNCTION_ABS", "abs"],
  ["AST_FUNCTION_MIN", "min"],
  ["AST_FUNCTION_MAX", "max"],
  ["AST_FUNCTION_ROOT", "root"],
];

function tree(sb: Libsbml, ast: Libsbml): MathNode {
  if (!ast || !ast.ptr) throw new Error("empty math");
  const type = ast.getType() as number;
  const n = ast.getNumChildren() as number;
  const kids = () => Array.from({ length: n }, (_, i) => tree(sb, ast.getChild(i)));
  if (type === sb.AST_INTEGER) return { t: "num", v: ast.getInteger() };
  if (type === sb.AST_REAL || type === sb.AST_REAL_E || type === sb.AST_RATIONAL) return { t: "num", v: ast.getReal() };
  if (type === sb.AST_NAME) return { t: "name", id: ast.getName() };
  if (type === sb.AST_NAME_TIME) return { t: "time" };
  for (const [k, op] of OPS) if (type === sb[k]) return { t: "op", op, args: kids() };
  throw new Error(`MathML of type ${type} (${ast.getName?.() ?? "?"})`);
}

function evaluate(e: MathNode, value: (id: string) => number, time: number): number {
  const ev = (x: MathNode) => evaluate(x, value, time);
  if (e.t === "num") return e.v;
  if (e.t === "name") return value(e.id);
  if (e.t === "time") return time;
  const a = e.args.map(ev);
  const b = (x: boolean) => (x ? 1 : 0);
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
    case "==":
      return b(a[0] === a[1]);
    case "!=":
      return b(a[0] !== a[1]);
    case ">=":
      return b(a[0]! >= a[1]!);
    case ">":
      return b(a[0]! > a[1]!);
    case "<=":
      return b(a[0]! <= a[1]!);
    case "<":
      return b(a[0]! < a[1]!);
    case "and":
      return b(a.every((x) => x !== 0));
    case "or":
      return b(a.some((x) => x !== 0));
    case "not":
      return b(a[0] === 0);
    case "exp":
      return Math.exp(a[0]!);
    case "ln":
      return Math.log(a[0]!);
    case "abs":
      return Math.abs(a[0]!);
    case "min":
      return Math.min(...a);
    case "max":
      return Math.max(...a);
    case "root":
      return a.length === 1 ? Math.sqrt(a[0]!) : a[1]! ** (1 / a[0]!);
    case "piecewise": {
      for (let i = 0; i + 1 < a.length; i += 2) if (a[i + 1] !== 0) return a[i]!;
      return a.length % 2 ? a[a.length - 1]! : NaN;
    }
  }
  throw new Error(`operator ${e.op}`);
}

export async function sbmlMeaning(xml: string): Promise<Meaning> {
  const sb = await libsbml();
  const doc = new sb.SBMLReader().readSBMLFromString(xml);
  try {
    const m = doc.getModel();
    if (!m || !m.ptr) throw new Error("no model");
    const sbo = (x: Libsbml) => (x.isSetSBOTerm() ? `SBO:${String(x.getSBOTerm()).padStart(7, "0")}` : "");
    const compartments = new Map<string, number>();
    for (let i = 0; i < m.getNumCompartments(); i++) compartments.set(m.getCompartment(i).getId(), m.getCompartment(i).getSize());
    const species: Meaning["species"] = new Map();
    for (let i = 0; i < m.getNumSpecies(); i++) {
      const s = m.getSpecies(i);
      const init = s.isSetInitialConcentration() ? s.getInitialConcentration() : s.getInitialAmount() / compartments.get(s.getCompartment())!;
      species.set(s.getId(), { compartment: s.getCompartment(), init, name: s.getName(), sbo: sbo(s) });
    }
    const parameters: Meaning["parameters"] = new Map();
    for (let i = 0; i < m.getNumParameters(); i++) {
      const p = m.getParameter(i);
      parameters.set(p.getId(), { value: p.isSetValue() ? p.getValue() : NaN, constant: p.getConstant(), name: p.getName(), sbo: sbo(p), units: p.getUnits() });
    }
    const value = (extra: Record<string, number>) => (id: string) => {
      if (id in extra) return extra[id]!;
      const v = parameters.get(id)?.value ?? compartments.get(id) ?? species.get(id)?.init;
      if (v === undefined) throw new Error(`unknown id ${id}`);
      return v;
    };
    // Initial assignments, in document order, until nothing changes (crnnc's depend only on constants).
    const ias = Array.from({ length: m.getNumInitialAssignments() }, (_, i) => m.getInitialAssignment(i));
    for (let round = 0; round < 3; round++)
      for (const ia of ias) {
        const v = evaluate(tree(sb, ia.getMath()), value({}), 0);
        const sym = ia.getSymbol() as string;
        if (parameters.has(sym)) parameters.get(sym)!.value = v;
        else if (species.has(sym)) species.get(sym)!.init = v;
        else throw new Error(`initial assignment to ${sym}`);
      }
    if (m.getNumRules() > 0) throw new Error(`a rule for ${m.getRule(0).getVariable()}`);
    const reactions: Meaning["reactions"] = [];
    for (let i = 0; i < m.getNumReactions(); i++) {
      const r = m.getReaction(i);
      const change = new Map<string, number>();
      for (let j = 0; j < r.getNumReactants(); j++)
        change.set(r.getReactant(j).getSpecies(), (change.get(r.getReactant(j).getSpecies()) ?? 0) - r.getReactant(j).getStoichiometry());
      for (let j = 0; j < r.getNumProducts(); j++)
        change.set(r.getProduct(j).getSpecies(), (change.get(r.getProduct(j).getSpecies()) ?? 0) + r.getProduct(j).getStoichiometry());
      for (const [s, c] of [...change]) if (c === 0) change.delete(s);
      reactions.push({ id: r.getId(), name: r.getName(), sbo: sbo(r), change, law: tree(sb, r.getKineticLaw().getMath()) });
    }
    const events: Meaning["events"] = [];
    for (let i = 0; i < m.getNumEvents(); i++) {
      const e = m.getEvent(i);
      const tr = e.getTrigger();
      const assign = new Map<string, MathNode>();
      for (let j = 0; j < e.getNumEventAssignments(); j++) assign.set(e.getEventAssignment(j).getVariable(), tree(sb, e.getEventAssignment(j).getMath()));
      if (e.isSetDelay() || e.isSetPriority()) throw new Error(`event ${e.getId()} has a delay or priority`);
      events.push({
        id: e.getId(),
        persistent: tr.getPersistent(),
        initialValue: tr.getInitialValue(),
        fromTrigger: e.getUseValuesFromTriggerTime(),
        trigger: tree(sb, tr.getMath()),
        assign,
      });
    }
    return {
      species,
      parameters,
      compartments,
      reactions,
      events,
      evaluate: (e, state, time = 0) => evaluate(e, value(state), time),
      rhs(state) {
        const out: Record<string, number> = Object.fromEntries([...species.keys()].map((s) => [s, 0]));
        const v = value(state);
        for (const r of reactions) {
          const rate = evaluate(r.law, v, 0);
          for (const [s, c] of r.change) out[s]! += (c * rate) / compartments.get(species.get(s)!.compartment)!;
        }
        return out;
      },
    };
  } finally {
    sb.destroy?.(doc);
  }
}
