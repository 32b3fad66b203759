// The ids the SBML and Antimony writers give the IR's species and parameters. A name the user
// chose stays as it is unless another tool would read it as something else: a MathML constant
// or symbol (`pi`, `time`, `avogadro`, `true`, `INF`, `NaN`, …), a function of libSBML's infix
// syntax or of Antimony (`exp`, `divide`, `max`, …), an Antimony keyword (`species`, `at`, `in`,
// …), a unit (`mole`, `litre`, the units crnnc declares, Antimony's `volume`, `time_unit`, …)
// or an id crnnc gives its own elements (the compartment `cell`, `M_ref`, `iter`, `pos`, the
// event, the reactions `r0`, `r1`, …). Such a name gets a trailing `_` (then `_2`, `_3`, … if
// that is taken); the writers say so (warning W0606) and list the mapping in the notes.
// Comparisons ignore case: libSBML's infix parser reads `Pi` and `PI` as π too.
//
//   writtenIds(ir)  →  { species: ["pi_", "b"], parameters: ["k"], renamed: [{ kind: "species", from: "pi", to: "pi_", why: "a MathML constant" }] }

import { RESERVED_IDS, SBML_ID } from "../../ir/naming.js";
import type { CRN } from "../../ir/types.js";
import type { Diagnostic } from "../../diagnostics/diagnostic.js";

/** Constants and symbols of MathML, as libSBML's infix parser and Antimony read them. */
const CONSTANTS = ["true", "false", "pi", "exponentiale", "avogadro", "time", "inf", "infinity", "nan", "notanumber"];

/** Function names of libSBML's L3 infix parser; Antimony's list is the same (its registry.cpp). */
const FUNCTIONS = (
  "abs acos arccos acosh arccosh acot arccot acoth arccoth acsc arccsc acsch arccsch asec arcsec asech arcsech asin arcsin " +
  "asinh arcsinh atan arctan atanh arctanh ceil ceiling cos cosh cot coth csc csch delay exp factorial floor log ln log10 " +
  "piecewise power pow sqr sqrt rateof root sec sech sin sinh tan tanh and not or xor eq equals geq gt leq lt neq divide " +
  "minus plus times quotient max min rem implies normal truncatednormal uniform exponential truncatedexponential gamma " +
  "truncatedgamma poisson truncatedpoisson bernoulli binomial cauchy chisquare laplace lognormal rayleigh lambda"
).split(" ");

/** Words Antimony's lexer reads as keywords. */
const KEYWORDS = (
  "model module end species formula reaction dna gene operator compartment has in is var const substanceonly ext import " +
  "event at after function unit delete constraint maximize minimize"
).split(" ");

/** SBML's base units, and the model-wide unit names of Antimony: units and ids share Antimony's namespace. */
const UNITS = (
  "ampere avogadro becquerel candela celsius coulomb dimensionless farad gram gray henry hertz item joule katal kelvin " +
  "kilogram liter litre lumen lux meter metre mole newton ohm pascal radian second siemens sievert steradian tesla volt " +
  "watt weber substance volume area length time_unit extent"
).split(" ");

/** Ids the writers give their own elements (the compartment, the unit concentration, the schedule's counters and event). */
export const OWN_IDS = ["cell", "M_ref", "iter", "pos", "next_sample"];

const WHY = new Map<string, string>();
for (const [list, why] of [
  [CONSTANTS, "a MathML constant or symbol"],
  [FUNCTIONS, "a MathML function name"],
  [KEYWORDS, "an Antimony keyword"],
  [UNITS, "a unit name"],
  [OWN_IDS, "an id crnnc gives its own elements"],
  [[...RESERVED_IDS], "a reserved name"],
] as const)
  for (const w of list) if (!WHY.has(w.toLowerCase())) WHY.set(w.toLowerCase(), why);

/** The unit ids unitId() can make (molar, per_second, per_M2_per_second, M_second, …) and the reactions' ids r0, r1, …. */
const OWN_PATTERN = /^(?:molar|(?:per_)?M\d*(?:p\d+)?(?:_(?:per_)?second\d*(?:p\d+)?)?|(?:per_)?second\d*(?:p\d+)?|r\d+)$/;

/** Why another tool would misread `id` (undefined when it can be written as it is). */
export function reservedWhy(id: string): string | undefined {
  return WHY.get(id.toLowerCase()) ?? (OWN_PATTERN.test(id) ? "an id crnnc gives its own elements" : undefined);
}

export interface Rename {
  kind: "species" | "parameter";
  from: string;
  to: string;
  why: string;
}

export interface WrittenIds {
  species: string[];
  parameters: string[];
  renamed: Rename[];
}

const sid = (s: string) => (SBML_ID.test(s) ? s : "_" + s.replace(/[^A-Za-z0-9_]/g, "_"));

export function writtenIds(ir: CRN): WrittenIds {
  const renamed: Rename[] = [];
  const all = [...ir.species.map((s) => s.id), ...ir.parameters.map((p) => p.id)];
  const taken = new Set(all.map(sid).filter((id) => !reservedWhy(id)));
  const write = (kind: Rename["kind"], from: string): string => {
    const id = sid(from);
    const why = reservedWhy(id);
    if (!why) return id;
    let to = `${id}_`;
    for (let i = 2; taken.has(to) || reservedWhy(to); i++) to = `${id}_${i}`;
    taken.add(to);
    renamed.push({ kind, from, to, why });
    return to;
  };
  return {
    species: ir.species.map((s) => write("species", s.id)),
    parameters: ir.parameters.map((p) => write("parameter", p.id)),
    renamed,
  };
}

/** At most this many W0606 warnings name a renamed id; one more counts the rest. */
const MAX_RENAME_WARNINGS = 20;

/**
 * Warnings (W0606) for the species and parameters that SBML and Antimony output renames,
 * because another tool would read their names as something else (`time`, `pi`, `avogadro`, …).
 *
 * @example
 * ```ts
 * import { compile, renameDiagnostics } from "crnnc";
 * const ir = compile("crn c {\n  pi -> 0 @ 1\n}\n").ir!;
 * for (const d of renameDiagnostics(ir)) console.log(d.code, d.message);   // W0606 …
 * ```
 */
export function renameDiagnostics(ir: CRN): Diagnostic[] {
  const renamed = writtenIds(ir).renamed;
  const hint = "rename it in the source to keep its name (the model's notes list every renamed id)";
  const out: Diagnostic[] = renamed.slice(0, MAX_RENAME_WARNINGS).map((r) => ({
    code: "W0606",
    severity: "warning",
    message: `the ${r.kind} \`${r.from}\` is written as \`${r.to}\` in SBML and Antimony: \`${r.from}\` is ${r.why} there`,
    hint,
  }));
  if (renamed.length > MAX_RENAME_WARNINGS)
    out.push({ code: "W0606", severity: "warning", message: `… and ${renamed.length - MAX_RENAME_WARNINGS} more names written with a trailing \`_\``, hint });
  return out;
}
