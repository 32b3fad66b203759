// SBML import with SBML's meaning (issue 14): hand-written models whose trajectories have closed
// forms — a compartment of size 2 (amounts vs concentrations), a rate rule on a parameter read by
// a reaction, a conversion factor, a delayed event with values from the trigger time, an
// assignment rule and a function definition — plus the CLI's CSV and the refusals.

import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers.js";
import { simulateModel, simulateSbml } from "../src/sbml/run.js";
import { emitSbml } from "../src/backends/sbml/emit.js";
import { simulate } from "../src/sim/simulate.js";
import { SBML_INPUTS, compileRel, cyclic } from "./sbml-inputs.js";
import { readSbml } from "../src/backends/sbml/read.js";
import { validateIR } from "../src/ir/validate.js";

const MATH = 'xmlns="http://www.w3.org/1998/Math/MathML"';
const TIME = '<csymbol encoding="text" definitionURL="http://www.sbml.org/sbml/symbols/time"> t </csymbol>';

/** An L3V2 model from its lists. */
function model(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="m">
${body}
  </model>
</sbml>
`;
}

const decay = (extra = "") =>
  model(`    <listOfCompartments><compartment id="c" size="2" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="A" compartment="c" initialConcentration="3" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/>
      <species id="B" compartment="c" initialAmount="0" hasOnlySubstanceUnits="true" boundaryCondition="false" constant="false"/>
    </listOfSpecies>
    <listOfParameters><parameter id="k" value="0.5" constant="true"/></listOfParameters>
    <listOfReactions>
      <reaction id="r" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="B" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math ${MATH}><apply><times/><ci>k</ci><ci>c</ci><ci>A</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>
${extra}`);

/** max over rows and columns of |got − want(t)| / max(1, |want(t)|). */
function worst(r: { t: number[]; values: Float64Array[] }, want: (t: number) => number[]): number {
  let d = 0;
  r.t.forEach((t, i) => want(t).forEach((w, j) => (d = Math.max(d, Math.abs(r.values[i]![j]! - w) / Math.max(1, Math.abs(w))))));
  return d;
}

describe("SBML import: closed forms", () => {
  it("a compartment of size 2: A's concentration and B's amount (only substance) as SBML means them", async () => {
    const r = await simulateSbml(decay(), "decay.xml", { until: 4, points: 9 });
    expect(r.diagnostics).toEqual([]);
    expect(r.ids).toEqual(["A", "B"]);
    // [A] = 3 e^{−kt}; B's amount = V·3·(1 − e^{−kt}) = 6 (1 − e^{−kt}).
    expect(worst(r, (t) => [3 * Math.exp(-0.5 * t), 6 * (1 - Math.exp(-0.5 * t))])).toBeLessThan(1e-8);
    const amounts = await simulateSbml(decay(), "decay.xml", { until: 4, points: 9, amounts: "all" });
    expect(worst(amounts, (t) => [6 * Math.exp(-0.5 * t), 6 * (1 - Math.exp(-0.5 * t))])).toBeLessThan(1e-8);
    const ir = (await readSbml(decay(), "decay.xml")).ir!;
    expect(validateIR(ir)).toEqual([]);
    // Mass action keeps the fast path: k·V·[A] = k·a in amounts.
    expect(ir.reactions[0]!.rate.kind).toBe("mass");
  });

  it("a rate rule on a parameter that a rate law reads: p' = 1, A' = −p·A", async () => {
    const xml = model(`    <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies><species id="A" compartment="c" initialConcentration="1" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false"/></listOfSpecies>
    <listOfParameters><parameter id="p" value="0" constant="false"/></listOfParameters>
    <listOfRules><rateRule variable="p"><math ${MATH}><cn>1</cn></math></rateRule></listOfRules>
    <listOfReactions>
      <reaction id="r" reversible="false">
        <listOfReactants><speciesReference species="A" stoichiometry="1" constant="true"/></listOfReactants>
        <kineticLaw><math ${MATH}><apply><times/><ci>p</ci><ci>A</ci></apply></math></kineticLaw>
      </reaction>
    </listOfReactions>`);
    const r = await simulateSbml(xml, "rr.xml", { until: 2, points: 5, ids: ["A", "p"] });
    expect(r.diagnostics).toEqual([]);
    expect(worst(r, (t) => [Math.exp((-t * t) / 2), t])).toBeLessThan(1e-8);
  });

  it("a conversion factor, an assignment rule, a function definition and time", async () => {
    const xml = model(`    <listOfFunctionDefinitions>
      <functionDefinition id="twice"><math ${MATH}><lambda><bvar><ci>x</ci></bvar><apply><times/><cn>2</cn><ci>x</ci></apply></lambda></math></functionDefinition>
    </listOfFunctionDefinitions>
    <listOfCompartments><compartment id="c" size="1" constant="true"/></listOfCompartments>
    <listOfSpecies>
      <species id="S" compartment="c" initialConcentration="0" hasOnlySubstanceUnits="false" boundaryCondition="false" constant="false" conversionFactor="cf"/>
    </listOfSpecies>
    <listOfParameters>
      <parameter id="cf" value="3" constant="true"/>
      <parameter id="q" constant="false"/>
    </listOfParameters>
    <listOfRules><assignmentRule variable="q"><math ${MATH}><apply><ci>twice</ci>${TIME}</apply></math></assignmentRule></listOfRules>
    <listOfReactions>
      <reaction id="r" reversible="false">
        <listOfProducts><speciesReference species="S" stoichiometry="1" constant="true"/></listOfProducts>
        <kineticLaw><math ${MATH}><ci>q</ci></math></kineticLaw>
      </reaction>
    </listOfReactions>`);
    // S' = cf · q = 3 · 2t  →  S = 3t², q = 2t.
    const r = await simulateSbml(xml, "cf.xml", { until: 2, points: 5, ids: ["S", "q"] });
    expect(r.diagnostics).toEqual([]);
    expect(worst(r, (t) => [3 * t * t, 2 * t])).toBeLessThan(1e-8);
  });

  it("a delayed event with values from the trigger time: A = 2·A(t*) at t* + 0.5, where A(t*) = 0.5", async () => {
    const event = `    <listOfEvents>
      <event id="e" useValuesFromTriggerTime="true">
        <trigger initialValue="true" persistent="true"><math ${MATH}><apply><lt/><ci>A</ci><cn>0.5</cn></apply></math></trigger>
        <delay><math ${MATH}><cn>0.5</cn></math></delay>
        <listOfEventAssignments><eventAssignment variable="A"><math ${MATH}><apply><times/><cn>4</cn><ci>A</ci></apply></math></eventAssignment></listOfEventAssignments>
      </event>
    </listOfEvents>`;
    const r = await simulateSbml(decay(event), "ev.xml", { until: 4, points: 81, ids: ["A"] });
    expect(r.diagnostics).toEqual([]);
    // [A] = 3 e^{−t/2} crosses 0.5 at t* = 2 ln 6; at t* + 0.5 it becomes 4 · 0.5 = 2, then decays again.
    const ts = 2 * Math.log(6);
    const want = (t: number) => [t < ts + 0.5 ? 3 * Math.exp(-0.5 * t) : 2 * Math.exp(-0.5 * (t - ts - 0.5))];
    // The jump time is located to ~1e-10; sample points stay 0.01 away from it.
    expect(r.t.every((t) => Math.abs(t - ts - 0.5) > 0.01)).toBe(true);
    expect(worst(r, want)).toBeLessThan(1e-7);
  });
});

describe("crnnc sim MODEL.xml", () => {
  const dir = mkdtempSync(join(tmpdir(), "crnnc-import-"));
  it("--points/--csv write a time column and a column per species; --amounts switches to amounts", async () => {
    const f = join(dir, "decay.xml");
    writeFileSync(f, decay());
    const out = join(dir, "decay.csv");
    let r = await runCli(["sim", f, "--until", "2", "--points", "3", "--csv", out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = readFileSync(out, "utf8").trim().split("\n");
    expect(rows[0]).toBe("time,A,B");
    const last = rows[3]!.split(",").map(Number);
    expect(last[0]).toBe(2);
    expect(Math.abs(last[1]! - 3 * Math.exp(-1))).toBeLessThan(1e-7);
    r = await runCli(["sim", f, "--until", "2", "--points", "3", "--amounts"]);
    expect(r.code, r.stderr).toBe(0);
    expect(Math.abs(Number(r.stdout.trim().split("\n")[3]!.split(",")[1]) - 6 * Math.exp(-1))).toBeLessThan(1e-7);
  });
  it("an id that is not declared: E0701 at the element, with a code frame", async () => {
    const f = join(dir, "bad.xml");
    writeFileSync(f, decay().replace("<ci>k</ci>", "<ci>kk</ci>"));
    const r = await runCli(["sim", f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E0701.*the math reads `kk`, which is not declared/);
  });
});

describe("round trip: every example and fixture → SBML → read → simulate", () => {
  const relDiff = (a: Float64Array, b: Float64Array) => {
    let d = 0;
    a.forEach((v, i) => (d = Math.max(d, Math.abs(v - b[i]!) / Math.max(1, Math.abs(v)))));
    return d;
  };
  for (const f of SBML_INPUTS)
    it(`${f}: the same trajectory to 1e-6`, async () => {
      const ir = compileRel(f);
      const back = await readSbml(await emitSbml(ir), "x.xml");
      expect(back.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const o = { until: 5, points: 6, rtol: 1e-10, atol: 1e-14 };
      const a = simulate(ir, o);
      const b = simulate(back.ir!, o);
      // Ids another tool would misread are renamed on the way out (`pi` → `pi_`, test/sbml-names.test.ts); the order stays.
      expect(b.species.length).toBe(a.species.length);
      b.species.forEach((id, i) => expect(id === a.species[i] || id.startsWith(a.species[i]!), `${id} for ${a.species[i]}`).toBe(true));
      expect(Math.max(...a.values.map((v, i) => relDiff(v, b.values[i]!)))).toBeLessThanOrEqual(1e-6);
    }, 60_000);
});

describe("the schedule event on read-back is verified, not recognised by its shape", () => {
  it("crnnc's own schedule becomes the protocol; an edited one (pos + 2) is simulated as the event it is", async () => {
    const ir = compileRel("test/fixtures/fig4-train/input.crnn");
    const xml = await emitSbml(ir, cyclic(ir));
    const own = await readSbml(xml, "x.xml");
    expect(own.protocol).toBeDefined();
    expect(own.ir!.imported!.events).toEqual([]);
    const plus1 = /(<eventAssignment variable="pos">[\s\S]*?<ci> pos <\/ci>\s*<cn[^>]*>) 1 (<\/cn>)/;
    expect(xml).toMatch(plus1);
    const edited = await readSbml(xml.replace(plus1, "$1 2 $2"), "x.xml");
    expect(edited.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(edited.protocol).toBeUndefined();
    expect(edited.ir!.kind).toBe("crn");
    expect(edited.ir!.imported!.events).toHaveLength(1);
    // pos now counts 0, 2, 4, …: after three periods it is 6 (the original would give 3).
    const T = own.period!;
    const r = simulateModel(edited.ir!, { until: 3.5 * T, points: 2, ids: ["pos", "iter"] });
    expect(r.values[1]![0]).toBe(6);
    expect(r.values[1]![1]).toBe(3);
  }, 30_000);
});

describe("packages", () => {
  it("a package the model requires (comp) is refused at the <sbml> element, never half read", async () => {
    const xml = decay().replace(
      '<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">',
      '<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" xmlns:comp="http://www.sbml.org/sbml/level3/version1/comp/version1" level="3" version="2" comp:required="true">',
    );
    const r = await readSbml(xml, "comp.xml");
    expect(r.ir).toBeUndefined();
    expect(r.diagnostics[0]).toMatchObject({ code: "E0702", span: { line: 2, col: 1 } });
    expect(r.diagnostics[0]!.message).toMatch(/the SBML package `comp` \(required by the model\) is outside/);
  });
});
