// SBML (levels 2 and 3, core) → the CRN IR, with SBML's ODE meaning. The state is every
// species' amount (a species in a rate law means its concentration, amount / size, unless it
// has only substance units), plus the sizes and values rate rules change, plus time when the
// math reads it. Kinetic laws are in amount per time, so a reaction's net change is its
// stoichiometry (times a conversion factor). Assignment rules and function definitions are
// inlined; initial assignments are evaluated; events become IR events the simulator locates.
// A mass-action law (k · Π species^n over constant sizes) keeps the fast mass-action path; any
// other law is a rate law. crnnc's own files carry a parameter table, species roles and layers
// in an annotation, and crnnc's schedule event becomes a training protocol — only when it is
// exactly the event crnnc writes; otherwise it is simulated as the event it is. What crnnc does
// not simulate (algebraic rules, fast reactions, `delay`, `rateOf`, variable stoichiometry) is
// an E0702 naming the construct; XML or SBML that cannot be read is an E0701 with its place.
//
//   await readSbml(xml, "model.xml")  →  { ir: { kind: "crn", species, reactions, imported: { symbols, events } }, diagnostics: [] }

import type { ConstExpr, CRN, EventTarget, ImportedModel, IREvent, IRExpr, Parameter, Reaction, Role, Species, Term } from "../../ir/types.js";
import type { Protocol, SampleOrder } from "../../ir/protocol.js";
import { SAMPLE_ORDERS } from "../../ir/protocol.js";
import { evalExpr, exprFromTree, num, type Expr, type FnName } from "../../ir/expr.js";
import type { Span } from "../../ir/span.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";
import { speciesInExpr } from "../../ir/queries.js";
import { parseXml, XmlError } from "./read-xml.js";
import { MathError, type MathNode } from "./read-math.js";
import { sbmlModel, SbmlPackageError, SbmlStructureError, type SbmlModel, type SbmlSpecies, type SbmlEvent, type Where } from "./read-model.js";

export interface ReadResult {
  ir?: CRN;
  /** The schedule event as a protocol: for a train model its samples by position, else values for the scheduled species. */
  protocol?: Protocol;
  /** The schedule's period (the parameter its trigger reads). */
  period?: number;
  diagnostics: Diagnostic[];
}

/** Something crnnc does not simulate: `what` names it. */
class Refusal extends Error {
  constructor(
    readonly what: string,
    readonly at?: Where,
    readonly hint?: string,
  ) {
    super(what);
  }
}

/** An SBML file that breaks SBML's own rules (an unknown id, a missing value). */
class Invalid extends Error {
  constructor(
    message: string,
    readonly at?: Where,
  ) {
    super(message);
  }
}

const HINT = "crnnc simulates SBML core's ODE meaning: reactions, rules (not algebraic), initial assignments, events and function definitions";

/**
 * Read an SBML document (any SBML core model, or one crnnc wrote) into the IR with SBML's
 * meaning: rules, events, compartments and function definitions are kept in `ir.imported`, and
 * for a file crnnc wrote, the network, its train block and the schedule (`protocol`) come back.
 * Constructs crnnc does not simulate are refused with a diagnostic (E0702) naming them. `file`
 * names the document in diagnostics. (Async for the API's sake: see {@link readSbmlText}.)
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { readSbml, formatDiagnostics } from "crnnc";
 * const xml = readFileSync("model.xml", "utf8");
 * const r = await readSbml(xml, "model.xml");
 * if (!r.ir) console.error(formatDiagnostics(r.diagnostics, { sources: new Map([["model.xml", xml]]) }));
 * ```
 */
export async function readSbml(xml: string, file: string): Promise<ReadResult> {
  return readSbmlText(xml, file);
}

/**
 * {@link readSbml}, synchronously.
 *
 * @example
 * ```ts
 * import { readSbmlText } from "crnnc";
 * const { ir, protocol, diagnostics } = readSbmlText("<?xml version='1.0'?><sbml xmlns='http://www.sbml.org/sbml/level3/version2/core' level='3' version='2'><model id='m'/></sbml>", "m.xml");
 * ```
 */
export function readSbmlText(xml: string, file: string): ReadResult {
  // A located diagnostic names its file in the place (file:line:col); an unlocated one in its text.
  const fail = (code: "E0701" | "E0702", message: string, at?: Where, hint?: string): ReadResult => ({
    diagnostics: [
      {
        code,
        severity: "error",
        message: at ? message.replace(`${file}: `, "").replace(`${file} `, "the file ") : message,
        ...(at ? { span: span(file, at) } : {}),
        ...(hint ? { hint } : {}),
      },
    ],
  });
  try {
    const m = sbmlModel(parseXml(xml));
    const diagnostics: Diagnostic[] = [];
    const r = lower(m, file, diagnostics);
    return { ...r, diagnostics };
  } catch (e) {
    if (e instanceof XmlError) return fail("E0701", `${file} is not well-formed XML: ${e.message}`, { line: e.line, col: e.col });
    if (e instanceof SbmlPackageError)
      return fail(
        "E0702",
        `${e.message} is outside what crnnc reads`,
        e.at,
        "crnnc reads SBML core: flatten the model first (e.g. libSBML's comp flattening converter)",
      );
    if (e instanceof SbmlStructureError) return fail("E0701", `${file} is not readable SBML: ${e.message}`, e.at);
    if (e instanceof Invalid) return fail("E0701", `${file} is not valid SBML: ${e.message}`, e.at);
    if (e instanceof MathError) return fail("E0702", `${file}: ${e.message} is outside what crnnc reads`, { line: e.el.line, col: e.el.col }, HINT);
    if (e instanceof Refusal) return fail("E0702", `${file}: ${e.what} is outside what crnnc reads`, e.at, e.hint ?? HINT);
    throw e;
  }
}

type Sym =
  | { kind: "compartment"; at: Where; size?: number; dims?: number }
  | { kind: "species"; at: Where; s: SbmlSpecies }
  | { kind: "parameter"; at: Where; value?: number }
  | { kind: "speciesRef"; at: Where; stoichiometry?: number; reaction: string }
  | { kind: "reaction"; at: Where };

type Leaf = { k: "species"; s: number } | { k: "param"; p: number };

function lower(m: SbmlModel, file: string, diagnostics: Diagnostic[]): Omit<ReadResult, "diagnostics"> {
  // --- What each id is.
  const syms = new Map<string, Sym>();
  const declare = (id: string, s: Sym) => {
    if (!id) throw new Invalid(`a ${s.kind} without an id`, s.at);
    if (syms.has(id)) throw new Invalid(`the id \`${id}\` is declared twice`, s.at);
    syms.set(id, s);
  };
  for (const c of m.compartments)
    declare(c.id, { kind: "compartment", at: c, ...(c.size !== undefined ? { size: c.size } : {}), ...(c.dims !== undefined ? { dims: c.dims } : {}) });
  for (const s of m.species) declare(s.id, { kind: "species", at: s, s });
  for (const p of m.parameters) declare(p.id, { kind: "parameter", at: p, ...(p.value !== undefined ? { value: p.value } : {}) });
  for (const r of m.reactions) {
    declare(r.id, { kind: "reaction", at: r });
    for (const ref of [...r.reactants, ...r.products])
      if (ref.id)
        declare(ref.id, { kind: "speciesRef", at: ref, ...(ref.stoichiometry !== undefined ? { stoichiometry: ref.stoichiometry } : {}), reaction: r.id });
  }
  for (const s of m.species)
    if (syms.get(s.compartment)?.kind !== "compartment") throw new Invalid(`the species \`${s.id}\` is in \`${s.compartment}\`, which is not a compartment`, s);

  const reactionById = new Map(m.reactions.map((r) => [r.id, r]));

  // --- Rules, initial assignments and what events change.
  const assign = new Map<string, MathNode>();
  const rate = new Map<string, MathNode>();
  for (const r of m.rules) {
    if (r.kind === "algebraic") throw new Refusal("an algebraic rule", r, "crnnc integrates ODEs; an algebraic rule makes the model a DAE");
    const id = r.variable ?? "";
    if (!syms.has(id)) throw new Invalid(`a ${r.kind} rule for \`${id}\`, which is not declared`, r);
    // L3V2 lets a rule leave out its math: it then says nothing (the value is the variable's own).
    if (!r.math) {
      diagnostics.push({
        code: "W0701",
        severity: "warning",
        message: `${file}: the ${r.kind} rule for \`${id}\` has no math and is left out`,
        span: span(file, r),
      });
      continue;
    }
    (r.kind === "assignment" ? assign : rate).set(id, r.math);
  }
  const ia = new Map<string, MathNode>();
  for (const a of m.initialAssignments) {
    if (!syms.has(a.symbol)) throw new Invalid(`an initial assignment to \`${a.symbol}\`, which is not declared`);
    if (a.math) ia.set(a.symbol, a.math);
  }
  const eventTargets = new Set<string>();
  for (const e of m.events)
    for (const a of e.assignments) {
      const sym = syms.get(a.variable);
      if (!sym) throw new Invalid(`the event \`${e.id}\` assigns to \`${a.variable}\`, which is not declared`, e);
      eventTargets.add(a.variable);
    }
  for (const r of m.reactions) if (r.fast) throw new Refusal(`the fast reaction \`${r.id}\``, r, 'simulate it as an ordinary reaction by setting fast="false"');
  if (m.constraints)
    diagnostics.push({
      code: "W0701",
      severity: "warning",
      message: `${file}: ${m.constraints} constraint${m.constraints === 1 ? "" : "s"} not checked during the simulation`,
    });

  // --- Function definitions, inlined (their bodies see only their arguments).
  const inline = (n: MathNode, depth = 0): MathNode => {
    if (depth > 64) throw new Refusal("function definitions that call each other without end");
    if (n.t !== "op") return n;
    const args = n.args.map((a) => inline(a, depth));
    if (!n.op.startsWith("call:")) return { ...n, args };
    const name = n.op.slice(5);
    const f = m.functions.get(name);
    if (!f) throw new Invalid(`a call of \`${name}\`, which is not a function definition`);
    if (f.vars.length !== args.length) throw new Invalid(`\`${name}\` takes ${f.vars.length} arguments, called with ${args.length}`);
    const bound = new Map(f.vars.map((v, i) => [v, args[i]!]));
    const subst = (b: MathNode): MathNode =>
      b.t === "name" ? (bound.get(b.id) ?? b) : b.t === "op" ? { ...b, args: b.args.map(subst) } : b.t === "lambda" ? b : b;
    return inline(subst(f.body), depth + 1);
  };

  // --- Initial values: every id's value at t = 0, as math sees it (a species' concentration unless only substance).
  const initial = new Map<string, number>();
  const evaluating = new Set<string>();
  const evalAt0 = (n: MathNode, locals?: Map<string, number>): number =>
    evalExpr(
      toExpr<never>(
        inline(n),
        (id) => num(locals?.has(id) ? locals.get(id)! : initValue(id)),
        () => num(0),
        (id) => num(locals?.has(id) ? 0 : rateAt0(id)),
      ),
      () => NaN,
    );
  /** rateOf(id) at t = 0, from the initial values (an initial assignment may read it). */
  const rateAt0 = (id: string): number => {
    const sym = syms.get(id);
    if (!sym) throw new Invalid(`rateOf reads \`${id}\`, which is not declared`);
    if (assign.has(id)) throw new Refusal(`rateOf \`${id}\`, which an assignment rule sets (its derivative)`, sym.at);
    if (rate.has(id)) return evalAt0(rate.get(id)!);
    if (sym.kind !== "species" || sym.s.boundary || sym.s.constant) return 0;
    let sum = 0;
    for (const r of m.reactions)
      for (const [refs, sign] of [
        [r.reactants, -1],
        [r.products, 1],
      ] as const)
        for (const ref of refs)
          if (ref.species === id && r.law?.math) {
            const st = ref.math ? evalAt0(ref.math) : ref.id ? initValue(ref.id) : (ref.stoichiometry ?? NaN);
            const cf = sym.s.conversionFactor ?? m.conversionFactor;
            sum += sign * st * (cf ? initValue(cf) : 1) * evalAt0(r.law.math, r.law.locals);
          }
    return sym.s.onlySubstance ? sum : sum / initValue(sym.s.compartment);
  };
  const initValue = (id: string): number => {
    const known = initial.get(id);
    if (known !== undefined) return known;
    const sym = syms.get(id);
    if (!sym) throw new Invalid(`the math reads \`${id}\`, which is not declared`);
    if (evaluating.has(id)) throw new Refusal(`the initial values of \`${[...evaluating].join("`, `")}\`, which depend on each other in a loop`, sym.at);
    evaluating.add(id);
    let v: number;
    const rule = assign.get(id) ?? ia.get(id);
    if (rule) v = evalAt0(rule);
    else if (sym.kind === "compartment") v = sym.size ?? (sym.dims === 0 ? 1 : NaN);
    else if (sym.kind === "species") {
      const s = sym.s;
      const V = initValue(s.compartment);
      if (s.initialConcentration !== undefined) v = s.onlySubstance ? s.initialConcentration * V : s.initialConcentration;
      else if (s.initialAmount !== undefined) v = s.onlySubstance ? s.initialAmount : s.initialAmount / V;
      else throw new Invalid(`the species \`${id}\` has no initial value`, sym.at);
    } else if (sym.kind === "parameter") v = sym.value ?? NaN;
    else if (sym.kind === "speciesRef") v = sym.stoichiometry ?? NaN;
    else {
      // A reaction's id is its rate.
      const law = reactionById.get(id)?.law;
      if (!law?.math) throw new Refusal(`the rate of reaction \`${id}\`, which has no kinetic law`, sym.at);
      v = evalAt0(law.math, law.locals);
    }
    // A compartment without a size is fine until something reads it (species with only substance units do not).
    if (Number.isNaN(v) && !rule && sym.kind !== "compartment")
      throw new Invalid(`\`${id}\` has no value (no value attribute, initial assignment or rule)`, sym.at);
    evaluating.delete(id);
    initial.set(id, v);
    return v;
  };
  const varying = (id: string) => assign.has(id) || rate.has(id) || eventTargets.has(id);

  // --- crnnc's own annotation: the parameter table's order and metadata, layers, train settings.
  const meta = modelMeta(m.annotation ?? "");
  const table: Parameter[] = [];
  const tableIndex = new Map<string, number>();
  const hand = "the file was edited by hand: remove the crnnc annotation to read it as plain SBML";
  for (const pm of meta.parameters ?? []) {
    if (syms.get(pm.id)?.kind !== "parameter")
      throw new Refusal(`the crnnc annotation, which lists a parameter \`${pm.id}\` the model does not have`, undefined, hand);
    tableIndex.set(pm.id, table.length);
    table.push({ ...pm, value: initValue(pm.id) });
  }
  const byId = (x: unknown): { k: "param"; p: number } | { k: "arg"; i: number } | undefined => {
    if (!x || typeof x !== "object") return undefined;
    const o = x as { param?: unknown; arg?: unknown };
    if (typeof o.param === "string" && tableIndex.has(o.param)) return { k: "param", p: tableIndex.get(o.param)! };
    if (o.arg === 0) return { k: "arg", i: 0 };
    return undefined;
  };
  for (const [i, pm] of (meta.parameters ?? []).entries()) {
    const raw = (pm as { expr?: unknown }).expr;
    if (raw === undefined) continue;
    const e = exprFromTree(raw, (x) => {
      const l = byId(x);
      return l?.k === "param" ? l : undefined;
    });
    if (!e) throw new Refusal(`the crnnc annotation's expression of parameter \`${pm.id}\``, undefined, hand);
    table[i] = { ...table[i]!, expr: e };
  }
  for (const l of meta.layers ?? []) {
    if (!l.activation) continue;
    const a = l.activation as unknown as { params: Record<string, unknown>; closed?: unknown };
    const ps: Record<string, number> = {};
    for (const [k, id] of Object.entries(a.params)) {
      if (typeof id !== "string" || !tableIndex.has(id))
        throw new Refusal(`the crnnc annotation's layers, whose parameter \`${String(id)}\` the model does not have`, undefined, hand);
      ps[k] = tableIndex.get(id)!;
    }
    const closed = a.closed === undefined ? undefined : exprFromTree(a.closed, byId);
    if (a.closed !== undefined && !closed) throw new Refusal("the crnnc annotation's closed form of a layer", undefined, hand);
    l.activation = { ...l.activation, params: ps, ...(closed ? { closed } : {}) };
  }
  if (meta.train) {
    const ps = meta.train.params as unknown as Record<string, unknown>;
    const out: Record<string, number> = {};
    for (const [k, id] of Object.entries(ps ?? {})) {
      if (typeof id !== "string" || !tableIndex.has(id))
        throw new Refusal(`the crnnc annotation's train settings, whose parameter \`${String(id)}\` the model does not have`, undefined, hand);
      out[k] = tableIndex.get(id)!;
    }
    meta.train = { ...meta.train, params: out as unknown as NonNullable<CRN["train"]>["params"] };
  }
  const paramLeaf = (id: string): { k: "param"; p: number } => {
    let i = tableIndex.get(id);
    if (i === undefined) {
      tableIndex.set(id, (i = table.length));
      table.push({ id, name: id, value: initValue(id), role: "rate", owner: "sbml" });
    }
    return { k: "param", p: i };
  };

  // --- The state: species amounts (but those an assignment rule gives), rate-ruled sizes and values, time.
  const species: Species[] = [];
  const index = new Map<string, number>();
  for (const s of m.species) {
    if (assign.has(s.id)) continue;
    const v = initValue(s.id);
    index.set(s.id, species.length);
    const init = s.onlySubstance ? v : v * initValue(s.compartment);
    if (Number.isNaN(init)) throw new Invalid(`the species \`${s.id}\` has no initial amount (its compartment \`${s.compartment}\` has no size)`, s);
    species.push({ id: s.id, role: "species", init, ...speciesMeta(s.annotation ?? "") });
  }
  for (const id of rate.keys())
    if (syms.get(id)!.kind !== "species") {
      index.set(id, species.length);
      species.push({ id, role: "aux", init: initValue(id) });
    }
  let time: number | undefined;
  const timeLeaf = (): IRExpr => {
    if (time === undefined) {
      let id = "time";
      while (syms.has(id) || index.has(id)) id = `_${id}`;
      time = species.length;
      species.push({ id, role: "aux", init: 0 });
    }
    return { k: "species", s: time };
  };

  // --- Ids in math → IR expressions over the state and the parameters.
  const inlined = new Map<string, IRExpr>();
  const resolving = new Set<string>();
  /** `out`: for output, a constant parameter not in the table is its number (reading it adds nothing to the table). */
  const resolve = (id: string, out = false): IRExpr => {
    const sym = syms.get(id);
    if (!sym) throw new Invalid(`the math reads \`${id}\`, which is not declared`);
    const rule = assign.get(id);
    if (rule) {
      const done = inlined.get(id);
      if (done) return done;
      if (resolving.has(id)) throw new Refusal(`the assignment rules for \`${[...resolving].join("`, `")}\`, which depend on each other in a loop`, sym.at);
      resolving.add(id);
      const e = convert(rule);
      resolving.delete(id);
      inlined.set(id, e);
      return e;
    }
    switch (sym.kind) {
      case "species": {
        const x: IRExpr = { k: "species", s: index.get(id)! };
        if (sym.s.onlySubstance) return x;
        return div(x, resolve(sym.s.compartment, out));
      }
      case "compartment": {
        if (index.has(id)) return { k: "species", s: index.get(id)! };
        if (eventTargets.has(id)) return paramLeaf(id);
        const v = initValue(id);
        if (Number.isNaN(v) && !out) throw new Invalid(`the compartment \`${id}\` has no size, and the math reads it`, sym.at);
        return num(v);
      }
      case "parameter":
        if (index.has(id)) return { k: "species", s: index.get(id)! };
        return out && !tableIndex.has(id) && !eventTargets.has(id) ? num(initValue(id)) : paramLeaf(id);
      case "speciesRef":
        if (index.has(id)) return { k: "species", s: index.get(id)! };
        return eventTargets.has(id) ? paramLeaf(id) : num(initValue(id));
      case "reaction":
        // A reaction's id is its rate (amount per time).
        return reactionRate(id);
    }
  };
  const rates = new Map<string, IRExpr>();
  const reactionRate = (id: string): IRExpr => {
    const done = rates.get(id);
    if (done) return done;
    const r = reactionById.get(id)!;
    if (!r.law?.math) throw new Refusal(`reaction \`${r.id}\` without a kinetic law`, r);
    if (resolving.has(id)) throw new Refusal(`the rate of reaction \`${id}\`, which reads itself`, r);
    resolving.add(id);
    const v = convert(r.law.math, r.law.locals);
    resolving.delete(id);
    rates.set(id, v);
    return v;
  };
  /** What reaction r does to each species it changes: sign × stoichiometry × conversion factor, a number or (variable stoichiometry) an expression. */
  const contributions = (r: SbmlModel["reactions"][number]): Map<number, { n: number; e?: IRExpr }> => {
    const out = new Map<number, { n: number; e?: IRExpr }>();
    for (const [refs, sign] of [
      [r.reactants, -1],
      [r.products, 1],
    ] as const)
      for (const ref of refs) {
        const sym = syms.get(ref.species);
        if (sym?.kind !== "species") throw new Invalid(`reaction \`${r.id}\` names \`${ref.species}\`, which is not a species`, ref);
        const s = sym.s;
        if (s.boundary || s.constant) continue;
        if (assign.has(s.id) || rate.has(s.id)) throw new Invalid(`reaction \`${r.id}\` changes \`${s.id}\`, which a rule sets`, ref);
        const q = index.get(s.id)!;
        const cf = factor(s.conversionFactor ?? m.conversionFactor);
        const prev = out.get(q) ?? { n: 0 };
        // Variable stoichiometry (L2's stoichiometryMath, or a reference id a rule or an event sets): an expression.
        const variable = ref.math ? convert(ref.math) : ref.id && varying(ref.id) ? resolve(ref.id) : undefined;
        if (variable) {
          const term = mul(num(sign * cf), variable);
          out.set(q, { n: prev.n, e: prev.e ? { k: "bin", op: "+", a: prev.e, b: term } : term });
          continue;
        }
        const st = ref.id && ia.has(ref.id) ? initValue(ref.id) : ref.stoichiometry;
        if (st === undefined || !Number.isFinite(st)) throw new Invalid(`the stoichiometry of \`${ref.species}\` in reaction \`${r.id}\` is not set`, ref);
        out.set(q, { ...prev, n: prev.n + sign * st * cf });
      }
    return out;
  };
  /** rateOf(id): d/dt of what math reads as id. */
  const rateOf = (id: string): IRExpr => {
    const sym = syms.get(id);
    if (!sym) throw new Invalid(`rateOf reads \`${id}\`, which is not declared`);
    if (assign.has(id)) throw new Refusal(`rateOf \`${id}\`, which an assignment rule sets (its derivative)`, sym.at);
    if (rate.has(id)) return convert(rate.get(id)!);
    if (sym.kind !== "species" || !index.has(id)) return num(0);
    const q = index.get(id)!;
    let sum: IRExpr = num(0);
    for (const r of m.reactions) {
      const c = contributions(r).get(q);
      if (!c) continue;
      const coef: IRExpr = c.e ? (c.n ? { k: "bin", op: "+", a: num(c.n), b: c.e } : c.e) : num(c.n);
      const term = mul(coef, reactionRate(r.id));
      sum = isNum(sum, 0) ? term : { k: "bin", op: "+", a: sum, b: term };
    }
    if (sym.s.onlySubstance) return sum;
    if (varying(sym.s.compartment)) throw new Refusal(`rateOf \`${id}\` in the compartment \`${sym.s.compartment}\`, whose size changes`, sym.at);
    return div(sum, resolve(sym.s.compartment));
  };
  const convert = (n: MathNode, locals?: Map<string, number>): IRExpr => {
    // A local parameter is a constant: its rate of change is 0.
    const e = toExpr<Leaf>(
      inline(n),
      (id) => (locals?.has(id) ? num(locals.get(id)!) : resolve(id)),
      timeLeaf,
      (id) => (locals?.has(id) ? num(0) : rateOf(id)),
    );
    const jump = unlocatedJump(e);
    if (jump) throw new Refusal(`${jump} of a quantity that changes during the run (a jump crnnc does not locate yet)`);
    return e;
  };

  // --- Reactions.
  const reactions: Reaction[] = [];
  const factor = (id: string | undefined): number => {
    if (id === undefined) return 1;
    if (syms.get(id)?.kind !== "parameter") throw new Invalid(`the conversion factor \`${id}\` is not a parameter`);
    if (varying(id)) throw new Refusal(`the conversion factor \`${id}\`, whose value changes`, syms.get(id)!.at);
    return initValue(id);
  };
  for (const r of m.reactions) {
    const contrib = contributions(r);
    if (!r.law?.math) throw new Refusal(`reaction \`${r.id}\` without a kinetic law`, r);
    const origin = { template: `sbml ${r.id}`, span: span(file, r) } as Reaction["origin"];
    const tag = tagOf(r.name, r.annotation);
    if ([...contrib.values()].some((c) => c.e)) {
      // Variable stoichiometry: one rate-law reaction per species, at (its stoichiometry) × (the rate).
      const v = reactionRate(r.id);
      for (const [q, c] of contrib) {
        const coef: IRExpr = c.n ? { k: "bin", op: "+", a: num(c.n), b: c.e ?? num(0) } : (c.e ?? num(0));
        reactions.push({ reactants: [], products: [{ s: q, n: 1 }], rate: { kind: "law", expr: mul(coef, v) }, tag, origin });
      }
      continue;
    }
    const changes = new Map<number, number>();
    for (const [q, c] of contrib) if (c.n !== 0) changes.set(q, c.n);
    if (!changes.size) continue;
    const law = inline(r.law.math);
    const mass = massAction(law, r.law.locals, changes);
    if (mass) {
      reactions.push({ reactants: mass.reactants, products: mass.products, rate: { kind: "mass", k: mass.k }, tag, origin });
      continue;
    }
    const reactants: Term[] = [];
    const products: Term[] = [];
    for (const [q, d] of changes) (d < 0 ? reactants : products).push({ s: q, n: Math.abs(d) });
    reactions.push({ reactants, products, rate: { kind: "law", expr: reactionRate(r.id) }, tag, origin });
  }

  /** k · Π x^n over constant sizes: the mass-action reactants and products, or undefined. */
  function massAction(
    law: MathNode,
    locals: Map<string, number>,
    changes: Map<number, number>,
  ): { reactants: Term[]; products: Term[]; k: ConstExpr } | undefined {
    let scale = 1;
    const names: string[] = [];
    const pow = new Map<number, number>();
    const addSpecies = (id: string, n: number): boolean => {
      const sym = syms.get(id);
      if (sym?.kind !== "species" || !index.has(id) || !Number.isInteger(n) || n < 1) return false;
      if (!sym.s.onlySubstance) {
        if (varying(sym.s.compartment)) return false;
        scale /= initValue(sym.s.compartment) ** n;
      }
      const q = index.get(id)!;
      pow.set(q, (pow.get(q) ?? 0) + n);
      return true;
    };
    const factors = (e: MathNode): MathNode[] => (e.t === "op" && e.op === "*" ? e.args.flatMap(factors) : [e]);
    for (const f of factors(law)) {
      if (f.t === "num") scale *= f.v;
      else if (f.t === "name") {
        if (locals.has(f.id)) scale *= locals.get(f.id)!;
        else {
          const sym = syms.get(f.id);
          if (!sym || assign.has(f.id) || rate.has(f.id)) return undefined;
          if (sym.kind === "compartment" && !eventTargets.has(f.id)) scale *= initValue(f.id);
          else if (sym.kind === "parameter") names.push(f.id);
          else if (!addSpecies(f.id, 1)) return undefined;
        }
      } else if (f.t === "op" && f.op === "^" && f.args[0]?.t === "name" && f.args[1]?.t === "num") {
        if (!addSpecies(f.args[0].id, f.args[1].v)) return undefined;
      } else return undefined;
    }
    const reactants: Term[] = [];
    const products: Term[] = [];
    for (const [q, n] of pow) reactants.push({ s: q, n });
    for (const [q, d] of changes) {
      const after = (pow.get(q) ?? 0) + d;
      if (!Number.isInteger(d) || after < 0) return undefined;
    }
    for (const q of new Set([...pow.keys(), ...changes.keys()])) {
      const after = (pow.get(q) ?? 0) + (changes.get(q) ?? 0);
      if (after > 0) products.push({ s: q, n: after });
    }
    // crnnc's per-order copy `k_o2 = k / M_ref` (M_ref = 1) is k itself, unless its value was edited.
    const base = (id: string) => {
      const b = /^(.*)_o\d+$/.exec(id)?.[1];
      return b !== undefined && tableIndex.has(b) && initValue(b) === initValue(id) ? b : id;
    };
    let k: ConstExpr | undefined = scale !== 1 || names.length === 0 ? num(scale) : undefined;
    for (const id of names) {
      const leaf = paramLeaf(base(id));
      k = k ? { k: "bin", op: "*", a: k, b: leaf } : leaf;
    }
    return { reactants, products, k: k! };
  }

  // --- Rate rules: d(state)/dt as a reaction that only produces (at a rate of any sign).
  for (const [id, math] of rate) {
    const sym = syms.get(id)!;
    const q = index.get(id)!;
    let f = convert(math);
    if (sym.kind === "species" && !sym.s.onlySubstance) {
      // The rule gives d[S]/dt; the state is the amount n = [S]·V: n' = [S]'·V + [S]·V' = f·V + (n/V)·V'.
      const V = resolve(sym.s.compartment);
      f = mul(f, V);
      if (varying(sym.s.compartment)) {
        const dV = rateOf(sym.s.compartment);
        if (!isNum(dV, 0)) f = { k: "bin", op: "+", a: f, b: mul(div({ k: "species", s: q }, V), dV) };
      }
    }
    reactions.push({
      reactants: [],
      products: [{ s: q, n: 1 }],
      rate: { kind: "law", expr: f },
      tag: "crn",
      origin: { template: `sbml rate rule ${id}`, span: span(file, sym.at) },
    });
  }

  // --- Events: crnnc's schedule (exactly as crnnc writes it) becomes a protocol; any other is simulated.
  let schedule: Schedule | undefined;
  let events = m.events;
  if (meta.kind && events.length === 1) {
    const s = readSchedule(events[0]!, syms, index, species, initValue, varying, m, rate, assign);
    if (s) {
      schedule = s;
      events = [];
    }
  }
  const irEvents: IREvent[] = events.map((e) => {
    // No trigger math: the event never fires (L3V2 leaves its meaning open; nothing is the safe reading).
    if (!e.trigger)
      diagnostics.push({
        code: "W0701",
        severity: "warning",
        message: `${file}: the event \`${e.id}\` has no trigger math and never fires`,
        span: span(file, e),
      });
    return {
      id: e.id,
      trigger: e.trigger ? convert(e.trigger) : num(0),
      initialValue: e.initialValue,
      persistent: e.persistent,
      ...(e.delay ? { delay: convert(e.delay) } : {}),
      ...(e.priority ? { priority: convert(e.priority) } : {}),
      useValuesFromTriggerTime: e.useValuesFromTriggerTime,
      assignments: e.assignments
        .filter((a) => a.math)
        .map((a) => {
          if (assign.has(a.variable)) throw new Invalid(`the event \`${e.id}\` assigns to \`${a.variable}\`, which an assignment rule sets`, e);
          const sym = syms.get(a.variable)!;
          const value = convert(a.math!);
          if (index.has(a.variable)) {
            const target: EventTarget = { k: "species", s: index.get(a.variable)! };
            // A species' concentration becomes an amount at the compartment's size when the event runs.
            if (sym.kind === "species" && !sym.s.onlySubstance) return { target, value, scale: resolve(sym.s.compartment) };
            return { target, value };
          }
          if (sym.kind === "species") throw new Refusal(`the event \`${e.id}\`'s assignment to the constant species \`${a.variable}\``, e);
          return { target: { k: "param", p: paramLeaf(a.variable).p } as EventTarget, value };
        }),
    };
  });

  // --- Output: each id's value (and a species' amount) over the state.
  const symbols: ImportedModel["symbols"] = [];
  for (const s of m.species) {
    const value = resolve(s.id, true);
    const amount = index.has(s.id) ? { k: "species" as const, s: index.get(s.id)! } : s.onlySubstance ? value : mul(value, resolve(s.compartment, true));
    symbols.push({ id: s.id, kind: "species", value, amount, size: resolve(s.compartment, true), onlySubstance: s.onlySubstance });
  }
  for (const c of m.compartments) symbols.push({ id: c.id, kind: "compartment", value: resolve(c.id, true) });
  for (const p of m.parameters) symbols.push({ id: p.id, kind: "parameter", value: resolve(p.id, true) });
  // Time advances at rate 1 (a reaction 0 -> time at k = 1, added once everything that reads time is converted).
  if (time !== undefined)
    reactions.push({
      reactants: [],
      products: [{ s: time, n: 1 }],
      rate: { kind: "mass", k: num(1) },
      tag: "crn",
      origin: { template: "sbml time", span: span(file, { line: 1, col: 1 }) },
    });
  // SBML values may go below zero (a reversible law, a rate rule, an event): no clip, as CVODE and libRoadRunner.
  // crnnc's own models keep the clip they were trained with.
  const signed = !meta.kind;

  const isTrain = meta.kind === "train" && schedule && meta.train?.params && meta.layers && meta.parameters;
  const ir: CRN = {
    kind: isTrain ? "train" : meta.kind === "network" && meta.layers && meta.parameters ? "network" : "crn",
    name: meta.name ?? (m.id || "sbml"),
    source: file,
    species,
    parameters: table,
    reactions,
    ...(meta.layers && meta.parameters && meta.kind !== "crn" ? { layers: meta.layers } : {}),
    imported: { symbols, events: irEvents, ...(time !== undefined ? { time } : {}), signed },
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
      throw new Refusal(`the schedule event, whose trigger reads a period other than the train block's`);
  }
  return { ir, ...(protocol ? { protocol, period: schedule!.period } : {}) };
}

function span(file: string, w: Where): Span {
  return { file, start: 0, end: 0, line: w.line, col: w.col, endLine: w.line, endCol: w.col };
}

const isNum = (e: IRExpr, v: number) => e.k === "num" && e.v === v;
function mul(a: IRExpr, b: IRExpr): IRExpr {
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  return { k: "bin", op: "*", a, b };
}
function div(a: IRExpr, b: IRExpr): IRExpr {
  return isNum(b, 1) ? a : { k: "bin", op: "/", a, b };
}

/** MathML ops that are one IR function of the same arity. */
const DIRECT: Record<string, FnName> = {
  abs: "abs",
  exp: "exp",
  ln: "log",
  floor: "floor",
  ceiling: "ceil",
  factorial: "factorial",
  sin: "sin",
  cos: "cos",
  tan: "tan",
  sinh: "sinh",
  cosh: "cosh",
  tanh: "tanh",
  arcsin: "asin",
  arccos: "acos",
  arctan: "atan",
  arcsinh: "asinh",
  arccosh: "acosh",
  arctanh: "atanh",
  rem: "rem",
  quotient: "quotient",
  not: "not",
};
/** MathML's reciprocal functions: f(x) = 1 / g(x), and the inverse ones: f(x) = g(1 / x). */
const RECIPROCAL: Record<string, FnName> = { sec: "cos", csc: "sin", cot: "tan", sech: "cosh", csch: "sinh", coth: "tanh" };
const INVERSE_OF_RECIPROCAL: Record<string, FnName> = { arcsec: "acos", arccsc: "asin", arccot: "atan", arcsech: "acosh", arccsch: "asinh", arccoth: "atanh" };
const RELATIONS = new Set(["==", "!=", "<", "<=", ">", ">="]);

/** A MathML tree (functions already inlined) as an IR expression; `leaf` resolves ids, `time` the time symbol. */
function toExpr<L>(n: MathNode, leaf: (id: string) => Expr<L>, time: () => Expr<L>, rateOf?: (id: string) => Expr<L>): Expr<L> {
  const go = (x: MathNode): Expr<L> => toExpr(x, leaf, time, rateOf);
  const bin = (op: "+" | "-" | "*" | "/" | "^" | "<" | "<=" | ">" | ">=" | "==", a: Expr<L>, b: Expr<L>): Expr<L> => ({ k: "bin", op, a, b });
  const fn = (f: FnName, args: Expr<L>[]): Expr<L> => ({ k: "fn", f, args });
  switch (n.t) {
    case "num":
      return num(n.v);
    case "name":
      return leaf(n.id);
    case "time":
      return time();
    case "lambda":
      throw new Refusal("a <lambda> outside a function definition");
  }
  const op = n.op;
  const a = n.args.map(go);
  const arity = (k: number) => {
    if (a.length !== k) throw new Refusal(`<${op}> with ${a.length} argument${a.length === 1 ? "" : "s"}`);
  };
  if (op === "delay") throw new Refusal("the csymbol delay (a delay differential equation)");
  if (op === "rateOf") {
    const arg = n.args[0];
    if (!rateOf || n.args.length !== 1 || arg?.t !== "name") throw new Refusal("the csymbol rateOf of anything but an id");
    return rateOf(arg.id);
  }
  switch (op) {
    case "+":
      return a.length ? a.reduce((x, y) => bin("+", x, y)) : num(0);
    case "*":
      return a.length ? a.reduce((x, y) => (isNum(x as IRExpr, 1) ? y : isNum(y as IRExpr, 1) ? x : bin("*", x, y))) : num(1);
    case "-":
      if (a.length === 1) return { k: "neg", a: a[0]! };
      arity(2);
      return bin("-", a[0]!, a[1]!);
    case "/":
      arity(2);
      return isNum(a[1] as IRExpr, 1) ? a[0]! : bin("/", a[0]!, a[1]!);
    case "^":
      arity(2);
      return bin("^", a[0]!, a[1]!);
    case "and":
      return a.length ? fn("and", a) : num(1);
    case "or":
      return a.length ? fn("or", a) : num(0);
    case "xor":
      return a.length ? fn("xor", a) : num(0);
    case "implies":
      arity(2);
      return fn("or", [fn("not", [a[0]!]), a[1]!]);
    case "max":
    case "min":
      if (!a.length) throw new Refusal(`<${op}> without arguments`);
      return a.reduce((x, y) => fn(op, [x, y]));
    case "log":
      // [base, x]: log_b x = ln x / ln b.
      arity(2);
      return bin("/", fn("log", [a[1]!]), fn("log", [a[0]!]));
    case "root": {
      arity(2);
      const [deg, x] = a as [Expr<L>, Expr<L>];
      return isNum(deg as IRExpr, 2) ? fn("sqrt", [x]) : bin("^", x, bin("/", num(1), deg));
    }
    case "piecewise":
      if (a.length === 1) return a[0]!;
      // crnnc writes piecewise(1, c, 0), the characteristic function of c: c itself.
      if (a.length === 3 && isNum(a[0] as IRExpr, 1) && isNum(a[2] as IRExpr, 0) && isRelation(n.args[1]!)) return a[1]!;
      return fn("piecewise", a);
  }
  if (RELATIONS.has(op)) {
    if (a.length < 2) throw new Refusal(`<${op}> with ${a.length} argument${a.length === 1 ? "" : "s"}`);
    const pair = (x: Expr<L>, y: Expr<L>): Expr<L> => (op === "!=" ? fn("not", [bin("==", x, y)]) : bin(op as "==", x, y));
    const pairs = a.slice(1).map((y, i) => pair(a[i]!, y));
    return pairs.length === 1 ? pairs[0]! : fn("and", pairs);
  }
  if (DIRECT[op]) {
    arity(op === "rem" || op === "quotient" ? 2 : 1);
    return fn(DIRECT[op]!, a);
  }
  if (RECIPROCAL[op]) {
    arity(1);
    return bin("/", num(1), fn(RECIPROCAL[op]!, a));
  }
  if (INVERSE_OF_RECIPROCAL[op]) {
    arity(1);
    return fn(INVERSE_OF_RECIPROCAL[op]!, [bin("/", num(1), a[0]!)]);
  }
  throw new Refusal(`the MathML operator <${op}>`);
}

/** Rounding of something the state moves makes jumps the integrators do not locate (unlike comparisons): their MathML name, or undefined. */
function unlocatedJump(e: IRExpr): string | undefined {
  const JUMPS: Partial<Record<FnName, string>> = { floor: "<floor>", ceil: "<ceiling>", factorial: "<factorial>", rem: "<rem>", quotient: "<quotient>" };
  let found: string | undefined;
  const walk = (x: IRExpr): void => {
    if (found || x.k === "num" || x.k === "param" || x.k === "species") return;
    if (x.k === "neg") return walk(x.a);
    if (x.k === "bin") return (walk(x.a), walk(x.b));
    if (JUMPS[x.f] && x.args.some((a) => speciesInExpr(a).size > 0)) found = JUMPS[x.f];
    x.args.forEach(walk);
  };
  walk(e);
  return found;
}

function isRelation(n: MathNode): boolean {
  return n.t === "op" && (RELATIONS.has(n.op) || n.op === "and" || n.op === "or" || n.op === "not" || n.op === "xor");
}

/** A reaction's sub-network: crnnc names its reactions after it ("backward", or "backward: …"). */
function tagOf(name: string | undefined, annotation: string | undefined): Reaction["tag"] {
  const a = annotation ? /<crnnc:reaction\b[^>]*\btag="(forward|backward|update)"/.exec(annotation)?.[1] : undefined;
  const t = a ?? /^(forward|backward|update)\b/.exec(name ?? "")?.[1];
  return (t as Reaction["tag"] | undefined) ?? "crn";
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

/** A schedule event: the period, the species it sets, and their values for each position of the sequence. */
interface Schedule {
  period: number;
  species: number[];
  values: number[][];
}

const same = (a: MathNode | undefined, b: MathNode): boolean => JSON.stringify(a) === JSON.stringify(b);
const nm = (id: string): MathNode => ({ t: "name", id });
const n_ = (v: number): MathNode => ({ t: "num", v });
const op = (o: string, ...args: MathNode[]): MathNode => ({ t: "op", op: o, args });

/**
 * crnnc's schedule, verified: one event `time >= (iter + 1) * T` without delay or priority,
 * assigning iter + 1, the cycle of pos, and each scheduled species a piecewise over pos; iter
 * and pos start at 0 and nothing else reads or sets them. Anything else: undefined (the event
 * is then simulated as the general event it is).
 */
function readSchedule(
  ev: SbmlEvent,
  syms: Map<string, Sym>,
  index: Map<string, number>,
  species: Species[],
  initValue: (id: string) => number,
  varying: (id: string) => boolean,
  m: SbmlModel,
  rate: Map<string, MathNode>,
  assign: Map<string, MathNode>,
): Schedule | undefined {
  if (ev.delay || ev.priority || !ev.trigger) return undefined;
  if (syms.get("iter")?.kind !== "parameter" || syms.get("pos")?.kind !== "parameter") return undefined;
  if (initValue("iter") !== 0 || initValue("pos") !== 0 || rate.has("iter") || rate.has("pos") || assign.has("iter") || assign.has("pos")) return undefined;
  // Nothing but the event reads iter and pos.
  const reads = (n: MathNode | undefined): boolean =>
    !!n && (n.t === "name" ? n.id === "iter" || n.id === "pos" : n.t === "op" ? n.args.some(reads) : n.t === "lambda" ? reads(n.body) : false);
  if (m.reactions.some((r) => reads(r.law?.math)) || m.rules.some((r) => reads(r.math)) || m.initialAssignments.some((a) => reads(a.math))) return undefined;
  const trig = ev.trigger;
  const period = trig.t === "op" && trig.op === ">=" && trig.args[1]?.t === "op" && trig.args[1].op === "*" ? trig.args[1].args[1] : undefined;
  if (period?.t !== "name" || syms.get(period.id)?.kind !== "parameter" || varying(period.id)) return undefined;
  if (!same(trig, op(">=", { t: "time" }, op("*", op("+", nm("iter"), n_(1)), nm(period.id))))) return undefined;
  const T = initValue(period.id);
  if (!(T > 0 && Number.isFinite(T))) return undefined;
  const assigned: { s: number; at: (p: number) => number }[] = [];
  let N = 0;
  const seen = new Set<string>();
  for (const a of ev.assignments) {
    const v = a.variable;
    const mth = a.math;
    if (!mth || seen.has(v)) return undefined;
    seen.add(v);
    if (v === "iter") {
      if (!same(mth, op("+", nm("iter"), n_(1)))) return undefined;
      continue;
    }
    if (v === "pos") {
      // pos + 1, back to 0 after the last position: piecewise(pos + 1, pos < N − 1, 0); a single position: 0.
      if (mth.t === "num" && mth.v === 0) N = 1;
      else {
        const last = mth.t === "op" && mth.op === "piecewise" && mth.args[1]?.t === "op" && mth.args[1].args[1]?.t === "num" ? mth.args[1].args[1].v : NaN;
        if (!(Number.isInteger(last) && last >= 1) || !same(mth, op("piecewise", op("+", nm("pos"), n_(1)), op("<", nm("pos"), n_(last)), n_(0))))
          return undefined;
        N = last + 1;
      }
      continue;
    }
    const s = index.get(v);
    if (s === undefined || syms.get(v)?.kind !== "species") return undefined;
    // piecewise(v_1, pos == p_1, ..., otherwise): the value after position p.
    const table = new Map<number, number>();
    let otherwise: number;
    if (mth.t === "num") otherwise = mth.v;
    else if (mth.t === "op" && mth.op === "piecewise" && mth.args.length % 2 === 1) {
      for (let j = 0; j + 1 < mth.args.length; j += 2) {
        const val = mth.args[j]!;
        const c = mth.args[j + 1]!;
        if (val.t !== "num" || c.t !== "op" || c.op !== "==" || !same(c.args[0], nm("pos")) || c.args[1]?.t !== "num") return undefined;
        if (!table.has(c.args[1].v)) table.set(c.args[1].v, val.v);
      }
      const last = mth.args[mth.args.length - 1]!;
      if (last.t !== "num") return undefined;
      otherwise = last.v;
    } else return undefined;
    assigned.push({ s, at: (p) => table.get(p) ?? otherwise });
  }
  if (!seen.has("iter") || !seen.has("pos") || N < 1) return undefined;
  // Position q's sample: what the event assigns after position q − 1; position 0 is the initial state.
  const order = assigned.sort((a, b) => roleRank(species[a.s]!) - roleRank(species[b.s]!) || (species[a.s]!.index ?? 0) - (species[b.s]!.index ?? 0));
  const values = Array.from({ length: N }, (_, q) => order.map((a) => (q === 0 ? species[a.s]!.init : a.at(q - 1))));
  return { period: T, species: order.map((a) => a.s), values };
}

function roleRank(s: Species): number {
  return s.role === "input" ? 0 : s.role === "target" ? 1 : 2;
}
