// The SBML backend: SBML Level 3 Version 2 core, in libSBML's own layout (libsbml.ts). One
// compartment `cell` of 1 litre; species in concentration (mole/litre) with readable ids; one
// global parameter per rate constant (and reaction order) with declared units; explicit
// mass-action laws `cell * k * A * B`; the training schedule as one event; a unique `name`,
// a `metaid` (`meta_` + id) and an SBO term (sbo.ts) on every element; notes saying how to
// read it, with crnnc's version, the source file's name and the paper's DOI.
//
// libSBML builds and writes the small parts (units, compartment, parameters, initial
// assignments, the event with its trigger and the iter/pos assignments). The parts that grow
// with the network and the data set are written as text in libSBML's layout and spliced in
// (text.ts): the species with their annotations, the reactions, whose kinetic-law MathML
// libSBML writes once per distinct formula shape (ids replaced by placeholders), and the
// schedule's piecewise assignments. Going through libSBML for those took ≈ 7 s for a 64-4-2
// network with a 1000-sample schedule (docs/performance.md). libsbmljs binds no setter for the
// model's unit attributes or for notes: those two are added to the written text too. The tests
// check that libSBML reads the result back and writes the same text.
//
//   await emitSbml(ir)  →  "<?xml version=\"1.0\" ...<sbml ... level=\"3\" version=\"2\">..."

import type { CRN } from "../../ir/types.js";
import { libsbml, type Libsbml } from "./libsbml.js";
import { orderText, planSbml, schedulePieces, unitId, renamedText, sourceName, PAPER, ROLE_TEXT, type SbmlOptions, type SbmlPlan } from "./model.js";
import { formatNumber } from "../reactions.js";
import { cnLines, escAttr, fmt15 } from "./text.js";
import { exprTree } from "../../ir/expr.js";
import { SBO, sboNumber as sboNum } from "./sbo.js";
import { VERSION } from "../../version.js";

export type { SbmlOptions } from "./model.js";
/** The XML namespace of crnnc's annotations in the SBML it writes (a name, not a web page). */
export const CRNNC_NS = "https://crnnc.dev/ns/sbml/1";
const metaid = (id: string) => `meta_${id}`;

/**
 * The CRN as SBML Level 3 Version 2 core (`crnnc compile --emit sbml`), for COPASI, Tellurium
 * and any SBML tool: concentrations in one compartment, mass-action kinetic laws, units on every
 * parameter, and, when `opts.protocol` is given, the training schedule as one event (the cyclic
 * order is written compactly; this is what the command line writes). libSBML (WebAssembly) is
 * loaded on the first call. {@link readSbml} reads the file back into the same IR.
 *
 * @example
 * ```ts
 * import { compileFile, emitSbml, protocolFor, readSbml, VERSION } from "crnnc";
 * const ir = compileFile("examples/xor.crnn").ir!;
 * const xml = await emitSbml(ir, { version: VERSION, protocol: protocolFor(ir, { order: "cyclic" }) });
 * const back = await readSbml(xml, "xor.xml");
 * console.log(back.ir?.species.length === ir.species.length);   // true
 * ```
 */
export async function emitSbml(ir: CRN, opts: SbmlOptions = {}): Promise<string> {
  const sb = await libsbml();
  const plan = planSbml(ir, opts);
  const laws = kineticLaws(
    sb,
    plan.reactions.map((r) => r.formula),
  );
  const doc = new sb.SBMLDocument(3, 2);
  try {
    const model = doc.createModel();
    model.setId(plan.modelId);
    model.setMetaId(metaid(plan.modelId));
    model.setSBOTerm(sboNum(SBO.model));
    model.setName(`${ir.kind} ${ir.name} (crnnc)`);
    model.setAnnotation(modelAnnotation(plan, opts));
    const fp = new sb.SBMLFormulaParser();
    const math = (f: string) => {
      const ast = fp.parseL3Formula(f);
      if (!ast || !ast.ptr) throw new Error(`libSBML could not parse the formula ${f}`);
      return ast;
    };
    for (const d of plan.dims) {
      const ud = model.createUnitDefinition();
      ud.setId(unitId(d));
      const unit = (kind: string, e: number) => {
        if (e === 0) return;
        const u = ud.createUnit();
        u.setKind(sb[`UNIT_KIND_${kind}`]);
        u.setExponent(e);
        u.setScale(0);
        u.setMultiplier(1);
      };
      unit("MOLE", d[0]);
      unit("LITRE", -d[0]);
      unit("SECOND", d[1]);
    }
    const c = model.createCompartment();
    c.setId("cell");
    c.setMetaId(metaid("cell"));
    c.setSBOTerm(sboNum(SBO.compartment));
    c.setName("the pot");
    c.setSpatialDimensions(3);
    c.setSize(1);
    c.setUnits("litre");
    c.setConstant(true);
    for (const p of plan.params) {
      const q = model.createParameter();
      q.setId(p.id);
      q.setMetaId(metaid(p.id));
      q.setSBOTerm(sboNum(p.sbo));
      q.setName(p.note);
      q.setValue(p.value);
      q.setUnits(unitId(p.dim));
      q.setConstant(p.constant);
      if (p.derived || p.formula) {
        const ia = model.createInitialAssignment();
        ia.setSymbol(p.id);
        ia.setMath(math(p.derived ? [p.derived.base, ...Array(p.derived.divisions).fill("M_ref")].join(" / ") : p.formula!));
      }
    }
    const sch = plan.schedule;
    if (sch) {
      const param = (id: string, value: number, units: string, constant: boolean, name: string) => {
        const q = model.createParameter();
        q.setId(id);
        q.setMetaId(metaid(id));
        q.setSBOTerm(sboNum(SBO.parameter));
        q.setName(name);
        q.setValue(value);
        q.setUnits(units);
        q.setConstant(constant);
      };
      param("iter", 0, "dimensionless", false, "iter: iterations completed");
      param("pos", 0, "dimensionless", false, "pos: position in the sample sequence of the sample now in the pot");
    }
    if (sch) {
      const ev = model.createEvent();
      ev.setId("next_sample");
      ev.setMetaId(metaid("next_sample"));
      ev.setName("every period T: the next training sample on the inputs and targets");
      ev.setUseValuesFromTriggerTime(true);
      const tr = ev.createTrigger();
      tr.setPersistent(true);
      tr.setInitialValue(false);
      tr.setMath(math(`time >= (iter + 1 dimensionless) * ${sch.periodId}`));
      const assign = (v: string, f: string) => {
        const ea = ev.createEventAssignment();
        ea.setVariable(v);
        ea.setMath(math(f));
      };
      const N = sch.values.length;
      assign("iter", "iter + 1 dimensionless");
      assign("pos", N > 1 ? `piecewise(pos + 1 dimensionless, pos < ${N - 1} dimensionless, 0 dimensionless)` : "0 dimensionless");
      // The inputs' and targets' assignments are spliced in as text (scheduleText).
    }
    const w = new sb.SBMLWriter();
    const xml: string = w.writeSBMLToString(doc);
    return patch(splice(xml, plan, laws), notes(plan, opts));
  } finally {
    sb.destroy?.(doc);
  }
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function modelAnnotation(plan: SbmlPlan, opts: SbmlOptions): string {
  const ir = plan.ir;
  const attrs = [`kind="${ir.kind}"`, `name="${esc(ir.name)}"`, `source="${esc(sourceName(ir.source))}"`, `version="${esc(opts.version ?? VERSION)}"`];
  const body: string[] = [];
  // Parameters by their written id; expressions as { op, args } trees (read.ts reads them back).
  const pid = (p: number) => plan.paramIds[p]!;
  const leaf = (l: { k: "param"; p: number } | { k: "arg"; i: number }) => (l.k === "param" ? { param: pid(l.p) } : { arg: l.i });
  if (ir.layers) {
    const layers = ir.layers.map((l) =>
      l.activation
        ? {
            ...l,
            activation: {
              ...l.activation,
              params: Object.fromEntries(Object.entries(l.activation.params).map(([k, p]) => [k, pid(p)])),
              ...(l.activation.closed ? { closed: exprTree(l.activation.closed, leaf) } : {}),
            },
          }
        : l,
    );
    body.push(`<crnnc:layers>${esc(JSON.stringify(layers))}</crnnc:layers>`);
  }
  if (ir.train)
    body.push(
      `<crnnc:train>${esc(JSON.stringify({ ...ir.train, params: Object.fromEntries(Object.entries(ir.train.params).map(([k, p]) => [k, pid(p)])) }))}</crnnc:train>`,
    );
  // The parameter table's order and metadata (values are the SBML parameters'): read-back rebuilds the same table.
  body.push(
    `<crnnc:parameters>${esc(JSON.stringify(ir.parameters.map(({ value: _v, span: _s, expr, ...meta }, i) => ({ ...meta, id: pid(i), ...(expr ? { expr: exprTree(expr, leaf) } : {}) }))))}</crnnc:parameters>`,
  );
  const sch = plan.schedule;
  if (sch) body.push(`<crnnc:schedule order="${sch.order}" seed="${sch.seed}" iterations="${sch.iterations}" sequence="${sch.sequence.join(" ")}"/>`);
  return `<annotation><crnnc:model xmlns:crnnc="${CRNNC_NS}" ${attrs.join(" ")}>${body.join("")}</crnnc:model></annotation>`;
}

function notes(plan: SbmlPlan, opts: SbmlOptions): string[] {
  const ir = plan.ir;
  const p: string[] = [];
  p.push(
    `Written by crnnc ${opts.version ?? VERSION} from ${sourceName(ir.source)}: the ${ir.kind} \`${ir.name}\`, ${ir.species.length} species, ${ir.reactions.length} reactions. The construction is ${PAPER}.`,
  );
  if (ir.layers)
    p.push(
      `Network shape: ${ir.layers.map((l) => l.size).join("-")} (${ir.layers
        .slice(1)
        .map((l) => l.activation?.name ?? "?")
        .join(", ")}).`,
    );
  p.push(
    "Rate law: mass action without combinatorial factors; a reaction of order n has a rate constant in M^(1-n)/s; concentrations in mole/litre in one compartment `cell` of 1 litre. Rate constants are global parameters named as in the source (k, k_div, eta, ...; two different values of one name are told apart by their owner, e.g. k_fast_relu), as are the activations' parameters (h, alpha, ...) and the period T; rate laws that are not mass action read them by name; a constant used at several orders has copies name_oN = name / M_ref^(N - base order) set by initial assignments.",
  );
  const roles = [...new Set(ir.species.map((s) => s.role))];
  p.push(
    "Species: " +
      roles.map((r) => `${r}: ${ROLE_TEXT[r] ?? r}`).join("; ") +
      ". Ids follow the paper: X0_j inputs, X{l}_i nodes, Y_i outputs, Yhat_i targets, W{l}_{i}_{j}_p|m weights, B{l}_{i}_p|m biases, H catalyst, DX/DY slopes, LY/LZ/LX/LW gradients.",
  );
  p.push(
    `Names and terms: every element has a unique name (species by their place in the network, e.g. "W⁰ 0→1 positive rail"; reactions by sub-network, template and species, e.g. "forward smooth_relu.node: H → H + X1_0"), a metaid meta_<id>, and an SBO term: reactions ${SBO.reaction} (biochemical reaction) with kinetic laws ${SBO.massAction} (mass action rate law) or ${SBO.rateLaw} (rate law); reactants ${SBO.reactant}, products ${SBO.product}, catalysts ${SBO.catalyst}, species a rate law reads ${SBO.modifier}; species ${SBO.species} (material entity); rate constants ${SBO.kineticConstant} (kinetic constant), other parameters ${SBO.parameter}.`,
  );
  if (plan.renamed.length) p.push(renamedText(plan.renamed));
  if (ir.kind === "train")
    p.push("Weights read back as w = W.p - W.m (e.g. W0_1_0_p - W0_1_0_m is the weight from input node 0 to hidden node 1), biases as b = B.p - B.m.");
  const sch = plan.schedule;
  if (sch)
    p.push(
      `Training schedule: event next_sample fires at t = ${sch.periodId}, 2${sch.periodId}, ... (${sch.periodId} = ${formatNumber(sch.period)} s) and puts the next training sample on the inputs and targets. ${orderText(sch)} Parameter pos is the position of the sample now in the pot (iteration k uses position (k - 1) mod ${sch.values.length}). Simulate to t = iterations x ${sch.periodId} = ${formatNumber(sch.iterations * sch.period)} s for the run's ${sch.iterations} iterations.`,
    );
  else if (ir.kind === "train") p.push("No training schedule: the inputs and targets keep their initial values.");
  return p;
}

/** Add what libsbmljs cannot set: the model's unit attributes and its notes. */
function patch(xml: string, paras: string[]): string {
  const at = xml.indexOf("<model ");
  if (at < 0) throw new Error("libSBML wrote no <model>");
  const end = xml.indexOf(">", at);
  const head = xml.slice(at, end) + ' substanceUnits="mole" timeUnits="second" volumeUnits="litre" extentUnits="mole"';
  const body = paras
    .map(
      (t) =>
        `        <p>${t
          .replace(/&(?!amp;)/g, "&amp;")
          .replace(/</g, "&lt;")
          .replace(/>/g, "&gt;")}</p>`,
    )
    .join("\n");
  const notesXml = `\n    <notes>\n      <body xmlns="http://www.w3.org/1999/xhtml">\n${body}\n      </body>\n    </notes>`;
  return xml.slice(0, at) + head + ">" + notesXml + xml.slice(end + 1);
}

// ---- the large parts, as text in libSBML's layout ------------------------------------------------

/** Insert the species, reactions and schedule assignments into the document libSBML wrote. */
function splice(xml: string, plan: SbmlPlan, laws: string[]): string {
  const parts: string[] = [];
  let at = 0;
  const insert = (before: number, text: string[]) => {
    parts.push(xml.slice(at, before), ...text);
    at = before;
  };
  const find = (s: string, from = at) => {
    const i = xml.indexOf(s, from);
    if (i < 0) throw new Error(`libSBML wrote no ${s.trim()}`);
    return i;
  };
  if (plan.species.length) insert(find("    </listOfCompartments>\n") + "    </listOfCompartments>\n".length, speciesText(plan));
  if (plan.reactions.length) {
    const ev = xml.indexOf("    <listOfEvents>\n", at);
    insert(ev >= 0 ? ev : find("  </model>\n"), reactionsText(plan, laws));
  }
  if (plan.schedule && plan.schedule.species.length) insert(find("        </listOfEventAssignments>\n"), scheduleText(plan));
  parts.push(xml.slice(at));
  return parts.join("");
}

function speciesText(plan: SbmlPlan): string[] {
  const out = ["    <listOfSpecies>\n"];
  for (const { s, id, init, name } of plan.species) {
    const attrs = [`role="${escAttr(s.role)}"`];
    if (s.family !== undefined) attrs.push(`family="${escAttr(s.family)}"`);
    for (const k of ["layer", "index", "from"] as const) if (s[k] !== undefined) attrs.push(`${k}="${s[k]}"`);
    if (s.rail) attrs.push(`rail="${s.rail}"`);
    out.push(
      `      <species metaid="${metaid(id)}" sboTerm="${SBO.species}" id="${id}" name="${escAttr(name)}" compartment="cell" initialConcentration="${fmt15(init)}" substanceUnits="mole" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false">\n` +
        `        <annotation>\n          <crnnc:species xmlns:crnnc="${CRNNC_NS}" ${attrs.join(" ")}/>\n        </annotation>\n      </species>\n`,
    );
  }
  out.push("    </listOfSpecies>\n");
  return out;
}

function reactionsText(plan: SbmlPlan, laws: string[]): string[] {
  const out = ["    <listOfReactions>\n"];
  plan.reactions.forEach((r, i) => {
    let t = `      <reaction metaid="${metaid(r.id)}" sboTerm="${SBO.reaction}" id="${r.id}" name="${escAttr(r.name)}" reversible="false">\n`;
    // The sub-network (forward, backward, update, crn) for read-back; a rate law crnnc wrote is marked.
    // (One top-level element per namespace: the law's mark is inside.)
    t += `        <annotation>\n          <crnnc:reaction xmlns:crnnc="${CRNNC_NS}" tag="${r.tag}"`;
    t += r.law ? ">\n            <crnnc:law/>\n          </crnnc:reaction>\n" : "/>\n";
    t += "        </annotation>\n";
    const refs = (list: string, sbo: string, ts: [string, number][]) => {
      if (!ts.length) return;
      t += `        <${list}>\n`;
      for (const [s, n] of ts) t += `          <speciesReference sboTerm="${sbo}" species="${s}" stoichiometry="${fmt15(n)}" constant="true"/>\n`;
      t += `        </${list}>\n`;
    };
    refs("listOfReactants", SBO.reactant, r.reactants);
    refs("listOfProducts", SBO.product, r.products);
    if (r.modifiers.length) {
      const sbo = r.law ? SBO.modifier : SBO.catalyst;
      t += "        <listOfModifiers>\n";
      for (const s of r.modifiers) t += `          <modifierSpeciesReference sboTerm="${sbo}" species="${s}"/>\n`;
      t += "        </listOfModifiers>\n";
    }
    const law = laws[i]!;
    out.push(t, `        <kineticLaw sboTerm="${r.law ? SBO.rateLaw : SBO.massAction}">` + law.slice("        <kineticLaw>".length), "      </reaction>\n");
  });
  out.push("    </listOfReactions>\n");
  return out;
}

const MATH_OPEN = '<math xmlns="http://www.w3.org/1998/Math/MathML" xmlns:sbml="http://www.sbml.org/sbml/level3/version2/core">';

/** The inputs' and targets' event assignments: `piecewise(v, pos == p, ..., default)` as MathML. */
function scheduleText(plan: SbmlPlan): string[] {
  const sch = plan.schedule!;
  const cache = new Map<number, string[]>();
  /** A value in molar, at an indentation (cached per value: data sets repeat values). */
  const value = (x: number, pad: string) => {
    let lines = cache.get(x);
    if (!lines) cache.set(x, (lines = cnLines(formatNumber(x), "molar")));
    return lines.map((l) => `${pad}${l}\n`).join("");
  };
  const out: string[] = [];
  sch.species.forEach((s, q) => {
    const { pieces, otherwise } = schedulePieces(sch, q);
    out.push(`          <eventAssignment variable="${plan.ids[s]}">\n            ${MATH_OPEN}\n`);
    if (!pieces.length) out.push(value(otherwise, " ".repeat(14)));
    else {
      out.push("              <piecewise>\n");
      const pad = " ".repeat(18);
      for (const [p, v] of pieces)
        out.push(
          `                <piece>\n${value(v, pad)}${pad}<apply>\n${pad}  <eq/>\n${pad}  <ci> pos </ci>\n${pad}  <cn sbml:units="dimensionless" type="integer"> ${p} </cn>\n${pad}</apply>\n                </piece>\n`,
        );
      out.push(`                <otherwise>\n${value(otherwise, pad)}                </otherwise>\n              </piecewise>\n`);
    }
    out.push("            </math>\n          </eventAssignment>\n");
  });
  return out;
}

/**
 * The `<kineticLaw>` element of each formula, as libSBML writes it. libSBML parses and writes
 * each distinct formula shape once — the formula with its ids replaced by placeholders; numbers,
 * units, operators and function names kept — and the ids are put back in the text. Shapes are
 * cached for the process (a network has a handful: one per reaction order and law).
 */
function kineticLaws(sb: Libsbml, formulas: string[]): string[] {
  const shaped = formulas.map(shape);
  const missing = [...new Set(shaped.map((s) => s.key))].filter((k) => !LAWS.has(k));
  if (missing.length) {
    try {
      renderLaws(sb, missing);
    } catch (e) {
      const bad = /formula (.*)$/.exec((e as Error).message)?.[1];
      const i = shaped.findIndex((s) => s.key === bad);
      throw i >= 0 ? new Error(`libSBML could not parse the formula ${formulas[i]}`) : e;
    }
  }
  return shaped.map(({ key, names }) => LAWS.get(key)!.replace(PLACEHOLDER, (_, i: string) => `<ci> ${names[Number(i)]} </ci>`));
}

const LAWS = new Map<string, string>();
const PLACEHOLDER = /<ci> crnncPH(\d+) <\/ci>/g;
// A number (with the unit that follows it), a function name, or an id.
const TOKEN = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:\s+[A-Za-z_]\w*)?|[A-Za-z_]\w*(?=\s*\()|([A-Za-z_]\w*)/g;

function shape(formula: string): { key: string; names: string[] } {
  const names: string[] = [];
  const index = new Map<string, number>();
  const key = formula.replace(TOKEN, (m, id: string | undefined) => {
    // Every name is an id (the writers rename an id that is a MathML symbol: ids.ts), written as <ci>.
    if (id === undefined) return m;
    let i = index.get(id);
    if (i === undefined) {
      index.set(id, (i = names.length));
      names.push(id);
    }
    return `crnncPH${i}`;
  });
  return { key, names };
}

function renderLaws(sb: Libsbml, keys: string[]): void {
  if (LAWS.size + keys.length > 20_000) LAWS.clear();
  const doc = new sb.SBMLDocument(3, 2);
  try {
    const model = doc.createModel();
    const fp = new sb.SBMLFormulaParser();
    keys.forEach((k, i) => {
      const ast = fp.parseL3Formula(k);
      if (!ast || !ast.ptr) throw new Error(`libSBML could not parse the formula ${k}`);
      const rx = model.createReaction();
      rx.setId(`t${i}`);
      rx.createKineticLaw().setMath(ast);
    });
    const xml: string = new sb.SBMLWriter().writeSBMLToString(doc);
    const open = "        <kineticLaw>\n";
    const close = "        </kineticLaw>\n";
    let at = 0;
    for (const k of keys) {
      const s = xml.indexOf(open, at);
      const e = xml.indexOf(close, s);
      if (s < 0 || e < 0) throw new Error("libSBML wrote no <kineticLaw>");
      LAWS.set(k, xml.slice(s, e + close.length));
      at = e + close.length;
    }
  } finally {
    sb.destroy?.(doc);
  }
}
