// An SBML document (levels 2 and 3, core) → plain data: the elements the reader lowers to the
// IR, with SBML's defaults per level filled in and every <math> read into a tree. Nothing is
// interpreted here: ids stay ids; read.ts decides what each means and what it refuses.
//
//   sbmlModel(parseXml(text))  →  { level: 3, species: [{ id: "S1", compartment: "c", initialAmount: 1, ... }], reactions: [...], ... }

import { kid, listOf, type XmlElement } from "./read-xml.js";
import { readMath, type MathNode } from "./read-math.js";

export interface Where {
  line: number;
  col: number;
}

export interface SbmlCompartment extends Where {
  id: string;
  size?: number;
  constant: boolean;
  dims?: number;
}

export interface SbmlSpecies extends Where {
  id: string;
  name?: string;
  compartment: string;
  initialAmount?: number;
  initialConcentration?: number;
  onlySubstance: boolean;
  boundary: boolean;
  constant: boolean;
  conversionFactor?: string;
  /** The crnnc annotation's attributes, if any. */
  annotation?: string;
}

export interface SbmlParameter extends Where {
  id: string;
  value?: number;
  constant: boolean;
}

export interface SbmlSpeciesRef extends Where {
  species: string;
  /** Unset in L3 without a value (its value then comes from an initial assignment or a rule to `id`). */
  stoichiometry?: number;
  id?: string;
  constant: boolean;
  /** L2's <stoichiometryMath>. */
  math?: MathNode;
}

export interface SbmlReaction extends Where {
  id: string;
  name?: string;
  reversible: boolean;
  fast: boolean;
  reactants: SbmlSpeciesRef[];
  products: SbmlSpeciesRef[];
  modifiers: string[];
  law?: { math?: MathNode; locals: Map<string, number>; annotation?: string } & Where;
  annotation?: string;
}

export interface SbmlRule extends Where {
  kind: "assignment" | "rate" | "algebraic";
  variable?: string;
  math?: MathNode;
}

export interface SbmlEvent extends Where {
  id: string;
  trigger?: MathNode;
  initialValue: boolean;
  persistent: boolean;
  delay?: MathNode;
  priority?: MathNode;
  useValuesFromTriggerTime: boolean;
  assignments: { variable: string; math?: MathNode }[];
}

export interface SbmlModel {
  level: number;
  version: number;
  id: string;
  functions: Map<string, { vars: string[]; body: MathNode }>;
  compartments: SbmlCompartment[];
  species: SbmlSpecies[];
  parameters: SbmlParameter[];
  initialAssignments: { symbol: string; math?: MathNode }[];
  rules: SbmlRule[];
  reactions: SbmlReaction[];
  events: SbmlEvent[];
  constraints: number;
  conversionFactor?: string;
  annotation?: string;
}

/** A package the model requires (`comp:required="true"`): crnnc reads SBML core only. */
export class SbmlPackageError extends Error {
  constructor(
    message: string,
    readonly at: Where,
  ) {
    super(message);
  }
}

/** A document that is not SBML, or an element SBML requires missing. */
export class SbmlStructureError extends Error {
  constructor(
    message: string,
    readonly at?: Where,
  ) {
    super(message);
  }
}

const num = (s: string | undefined): number | undefined => (s === undefined || s.trim() === "" ? undefined : Number(s));
const bool = (s: string | undefined, dflt: boolean): boolean => (s === undefined ? dflt : s === "true" || s === "1");
const where = (el: XmlElement): Where => ({ line: el.line, col: el.col });
const mathOf = (el: XmlElement | undefined): MathNode | undefined => {
  const m = kid(el, "math");
  return m ? readMath(m) : undefined;
};

export function sbmlModel(doc: XmlElement): SbmlModel {
  const sbml = kid(doc, "sbml");
  if (!sbml) throw new SbmlStructureError(`the document's root element is <${doc.children[0]?.name ?? "nothing"}>, not <sbml>`);
  const level = num(sbml.attrs.level) ?? 0;
  const version = num(sbml.attrs.version) ?? 0;
  if (level < 2 || level > 3) throw new SbmlStructureError(`SBML level ${sbml.attrs.level ?? "(none)"}: crnnc reads levels 2 and 3`, where(sbml));
  // A package the model requires changes its meaning (comp's submodels, fbc's objectives): refused, never half read.
  for (const [k, v] of Object.entries(sbml.prefixed ?? {}))
    if (k.endsWith(":required") && (v === "true" || v === "1"))
      throw new SbmlPackageError(`the SBML package \`${k.split(":")[0]}\` (required by the model)`, where(sbml));
  const model = kid(sbml, "model");
  if (!model) throw new SbmlStructureError("no <model>", where(sbml));
  const l2 = level === 2;

  const functions = new Map<string, { vars: string[]; body: MathNode }>();
  for (const f of listOf(model, "listOfFunctionDefinitions", "functionDefinition")) {
    const m = mathOf(f);
    if (m?.t !== "lambda") throw new SbmlStructureError(`the function definition \`${f.attrs.id}\` has no <lambda>`, where(f));
    functions.set(f.attrs.id ?? "", { vars: m.vars, body: m.body });
  }
  const compartments = listOf(model, "listOfCompartments", "compartment").map((c): SbmlCompartment => ({
    ...where(c),
    id: c.attrs.id ?? "",
    // L2's `volume` (L1 carried over) is the size.
    size: num(c.attrs.size ?? c.attrs.volume),
    constant: bool(c.attrs.constant, true),
    dims: num(c.attrs.spatialDimensions) ?? (l2 ? 3 : undefined),
  }));
  const species = listOf(model, "listOfSpecies", "species").map((s): SbmlSpecies => ({
    ...where(s),
    id: s.attrs.id ?? "",
    ...(s.attrs.name ? { name: s.attrs.name } : {}),
    compartment: s.attrs.compartment ?? "",
    ...(s.attrs.initialAmount !== undefined ? { initialAmount: num(s.attrs.initialAmount)! } : {}),
    ...(s.attrs.initialConcentration !== undefined ? { initialConcentration: num(s.attrs.initialConcentration)! } : {}),
    onlySubstance: bool(s.attrs.hasOnlySubstanceUnits, false),
    boundary: bool(s.attrs.boundaryCondition, false),
    constant: bool(s.attrs.constant, false),
    ...(s.attrs.conversionFactor ? { conversionFactor: s.attrs.conversionFactor } : {}),
    ...(kid(s, "annotation")?.raw ? { annotation: kid(s, "annotation")!.raw! } : {}),
  }));
  const parameters = listOf(model, "listOfParameters", "parameter").map((p): SbmlParameter => ({
    ...where(p),
    id: p.attrs.id ?? "",
    value: num(p.attrs.value),
    constant: bool(p.attrs.constant, l2),
  }));
  const initialAssignments = listOf(model, "listOfInitialAssignments", "initialAssignment").map((a) => ({ symbol: a.attrs.symbol ?? "", math: mathOf(a) }));
  const rules = (kid(model, "listOfRules")?.children ?? []).map((r): SbmlRule => {
    const kind = r.name === "assignmentRule" ? "assignment" : r.name === "rateRule" ? "rate" : "algebraic";
    return { ...where(r), kind, ...(r.attrs.variable ? { variable: r.attrs.variable } : {}), math: mathOf(r) };
  });
  const ref = (r: XmlElement): SbmlSpeciesRef => {
    const sm = kid(r, "stoichiometryMath");
    return {
      ...where(r),
      species: r.attrs.species ?? "",
      // L2: stoichiometry defaults to 1; L3: unset means "set elsewhere".
      ...(r.attrs.stoichiometry !== undefined ? { stoichiometry: num(r.attrs.stoichiometry)! } : l2 && !sm ? { stoichiometry: 1 } : {}),
      ...(r.attrs.id ? { id: r.attrs.id } : {}),
      constant: bool(r.attrs.constant, !sm),
      ...(sm ? { math: mathOf(sm) } : {}),
    };
  };
  const reactions = listOf(model, "listOfReactions", "reaction").map((r): SbmlReaction => {
    const kl = kid(r, "kineticLaw");
    const locals = new Map<string, number>();
    for (const p of [...listOf(kl, "listOfLocalParameters", "localParameter"), ...listOf(kl, "listOfParameters", "parameter")])
      locals.set(p.attrs.id ?? "", num(p.attrs.value) ?? NaN);
    return {
      ...where(r),
      id: r.attrs.id ?? "",
      ...(r.attrs.name ? { name: r.attrs.name } : {}),
      reversible: bool(r.attrs.reversible, true),
      fast: bool(r.attrs.fast, false),
      reactants: listOf(r, "listOfReactants", "speciesReference").map(ref),
      products: listOf(r, "listOfProducts", "speciesReference").map(ref),
      modifiers: listOf(r, "listOfModifiers", "modifierSpeciesReference").map((m) => m.attrs.species ?? ""),
      ...(kl ? { law: { ...where(kl), math: mathOf(kl), locals, ...(kid(kl, "annotation")?.raw ? { annotation: kid(kl, "annotation")!.raw! } : {}) } } : {}),
      ...(kid(r, "annotation")?.raw ? { annotation: kid(r, "annotation")!.raw! } : {}),
    };
  });
  const events = listOf(model, "listOfEvents", "event").map((e, i): SbmlEvent => {
    const trig = kid(e, "trigger");
    return {
      ...where(e),
      id: e.attrs.id ?? `event ${i + 1}`,
      trigger: mathOf(trig),
      // L2 has neither attribute: its events behave as initialValue = persistent = true.
      initialValue: bool(trig?.attrs.initialValue, true),
      persistent: bool(trig?.attrs.persistent, true),
      delay: mathOf(kid(e, "delay")),
      priority: mathOf(kid(e, "priority")),
      useValuesFromTriggerTime: bool(e.attrs.useValuesFromTriggerTime, true),
      assignments: listOf(e, "listOfEventAssignments", "eventAssignment").map((a) => ({ variable: a.attrs.variable ?? "", math: mathOf(a) })),
    };
  });
  return {
    level,
    version,
    id: model.attrs.id ?? "",
    functions,
    compartments,
    species,
    parameters,
    initialAssignments,
    rules,
    reactions,
    events,
    constraints: listOf(model, "listOfConstraints", "constraint").length,
    ...(model.attrs.conversionFactor ? { conversionFactor: model.attrs.conversionFactor } : {}),
    ...(kid(model, "annotation")?.raw ? { annotation: kid(model, "annotation")!.raw! } : {}),
  };
}
