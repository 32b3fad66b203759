// What the SBML says besides the numbers, and that it says what the source means: `crnnc
// validate` finds nothing in any example or fixture and no two species, reactions or parameters
// share a name; names follow the network; every element has a metaid and an honest SBO term;
// the notes carry the version, the source file's name (no directories) and the paper's DOI; a
// name another tool would misread is renamed (W0606, listed in the notes) and the renamed model
// simulates as the source does.
import { describe, it, expect } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { emitSbml } from "../src/backends/sbml/emit.js";
import { emitAntimony } from "../src/backends/antimony.js";
import { readSbml } from "../src/backends/sbml/read.js";
import { reservedWhy, writtenIds } from "../src/backends/sbml/ids.js";
import { simulate } from "../src/sim/simulate.js";
import { compileFile } from "../src/compile.js";
import type { CRN } from "../src/ir/types.js";
import { ROOT, runCli, mustCompile } from "./helpers.js";
import { SBML_INPUTS, compileRel, shortSchedule } from "./sbml-inputs.js";

const dir = mkdtempSync(join(tmpdir(), "crnnc-names-"));
const attr = (el: string, a: string) => new RegExp(`\\b${a}="([^"]*)"`).exec(el)?.[1];
const elements = (xml: string, tag: string) => [...xml.matchAll(new RegExp(`<${tag} [^>]*>`, "g"))].map((m) => m[0]);

describe("crnnc validate: 0 errors, 0 warnings, and no two species, reactions or parameters share a name", () => {
  for (const f of SBML_INPUTS)
    it(
      f,
      async () => {
        const ir = compileRel(f);
        const xml = await emitSbml(ir, { version: "test", ...shortSchedule(ir) });
        const file = join(dir, f.replace(/\W/g, "_") + ".xml");
        writeFileSync(file, xml);
        const v = await runCli(["validate", file]);
        expect(v.stderr).toBe("");
        expect(v.stdout).toMatch(/: 0 errors, 0 warnings/);
        const names = ["species", "reaction", "parameter"].flatMap((t) => elements(xml, t).map((e) => attr(e, "name")));
        expect(names.every((n) => n)).toBe(true);
        expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
      },
      60000,
    );
});

describe("names, metaids, SBO terms, notes", () => {
  it("species and reactions are named by their place in the network; every element has a metaid and an SBO term", async () => {
    const ir = compileRel("examples/xor.crnn");
    const xml = await emitSbml(ir, { version: "test" });
    const named = (id: string) =>
      attr(
        elements(xml, "species").find((e) => attr(e, "id") === id)!,
        "name",
      );
    expect(named("W0_1_0_p")).toBe("W⁰ 0→1 positive rail");
    expect(named("B1_0_m")).toBe("B¹ 0 negative rail");
    expect(named("X1_3")).toBe("node 3 of layer 1");
    expect(named("Y_0")).toBe("output 0");
    expect(named("LW0_2_1_m")).toBe("∂L/∂W⁰ 1→2 negative rail");
    expect(named("DX1_3")).toBe("slope σ′ of node 3 of layer 1");
    const reactions = elements(xml, "reaction");
    expect(reactions.map((r) => attr(r, "name"))).toContain("forward smooth_relu.node: H → H + X1_0");
    expect(new Set(reactions.map((r) => attr(r, "name")!.split(":")[0]!.split(" ")[0]))).toEqual(new Set(["forward", "backward", "update"]));
    for (const t of ["species", "reaction", "parameter", "compartment", "model"])
      for (const e of elements(xml, t)) {
        expect(attr(e, "metaid"), e).toBe(`meta_${attr(e, "id")}`);
        expect(attr(e, "sboTerm"), e).toMatch(/^SBO:\d{7}$/);
      }
    // Mass action with catalysts as modifiers (SBO:0000013), rate constants as kinetic constants.
    expect(xml).toContain('<kineticLaw sboTerm="SBO:0000012">');
    expect(xml).toContain('<modifierSpeciesReference sboTerm="SBO:0000013" species="H"/>');
    expect(
      attr(
        elements(xml, "parameter").find((e) => attr(e, "id") === "k_div")!,
        "sboTerm",
      ),
    ).toBe("SBO:0000009");
    expect(
      attr(
        elements(xml, "parameter").find((e) => attr(e, "id") === "h")!,
        "sboTerm",
      ),
    ).toBe("SBO:0000002");
    // A rate law that is not mass action is only called a rate law; the species it reads are modifiers.
    const leaky = await emitSbml(compileRel("test/fixtures/forward-activations/input.crnn"));
    expect(leaky).toContain('<kineticLaw sboTerm="SBO:0000001">');
    expect(leaky).toContain('<modifierSpeciesReference sboTerm="SBO:0000019"');
  });

  it("the notes carry the version, the source file's name without its directories, and the paper's DOI", async () => {
    const ir = compileFile(resolve(ROOT, "examples/divide.crnn")).ir!;
    expect(ir.source).toContain("/");
    for (const text of [await emitSbml(ir, { version: "9.9.9" }), emitAntimony(ir, { version: "9.9.9" })]) {
      expect(text).toContain("crnnc 9.9.9");
      expect(text).toContain("from divide.crnn");
      expect(text).toContain("doi:10.48550/arXiv.2410.11919");
      expect(text).not.toContain(ROOT);
    }
  });
});

/** Simulate the IR and its SBML read back; the largest relative difference over the run (species by position). */
async function roundTrip(ir: CRN, until: number): Promise<{ diff: number; ids: string[] }> {
  const back = await readSbml(await emitSbml(ir), "x.xml");
  expect(back.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const o = { until, points: 11, rtol: 1e-10, atol: 1e-14 };
  const a = simulate(ir, o);
  const b = simulate(back.ir!, o);
  let d = 0;
  a.values.forEach((v, i) => v.forEach((x, j) => (d = Math.max(d, Math.abs(x - b.values[i]![j]!) / Math.max(Math.abs(x), Math.abs(b.values[i]![j]!), 1e-12)))));
  return { diff: d, ids: back.ir!.species.map((s) => s.id) };
}

describe("names another tool would misread", () => {
  it("species named pi, time, true, INF, NaN, avogadro, cell, species, divide, r0, molar, at: renamed, W0606, listed in the notes", async () => {
    const f = "test/fixtures/reserved-names/input.crnn";
    const ir = compileRel(f);
    const w = writtenIds(ir);
    expect(w.renamed.map((r) => `${r.from}→${r.to}`)).toEqual([
      "pi→pi_",
      "time→time_",
      "true→true_",
      "INF→INF_",
      "NaN→NaN_",
      "avogadro→avogadro_",
      "cell→cell_",
      "species→species_",
      "divide→divide_",
      "r0→r0_",
      "molar→molar_",
      "at→at_",
    ]);
    for (const id of [...w.species, ...w.parameters]) expect(reservedWhy(id), id).toBeUndefined();
    const out = join(dir, "reserved.xml");
    const r = await runCli(["compile", resolve(ROOT, f), "--emit", "sbml", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/warning\[W0606\]/g)).toHaveLength(12);
    expect(r.stderr).toMatch(/the species `pi` is written as `pi_` in SBML and Antimony: `pi` is a MathML constant or symbol there/);
    expect(r.stderr).toMatch(/the species `cell` is written as `cell_`.*an id crnnc gives its own elements/);
    const v = await runCli(["validate", out]);
    expect(v.stdout).toMatch(/0 errors, 0 warnings/);
    const xml = await emitSbml(ir);
    expect(xml).toMatch(/Renamed: species pi is written pi_ \(pi is a MathML constant or symbol\); species time is written time_/);
    // The user's name stays the species' name.
    expect(xml).toMatch(/<species [^>]*id="pi_" name="pi"/);
    // No MathML constant or csymbol stands for a species.
    expect(xml).not.toMatch(/<pi\/>|<true\/>|<infinity\/>|<notanumber\/>|csymbol/);
    // The same numbers as the source.
    const trip = await roundTrip(ir, 3);
    expect(trip.ids).toEqual(w.species);
    expect(trip.diff).toBeLessThanOrEqual(1e-6);
  });

  it("a parameter named like an Antimony keyword is renamed, in the annotation too, and reads back", async () => {
    const ir = mustCompile("crn params {\n  init a = 1, b = 0\n  a -> b @ species\n  b -> a @ k\n  rate species = 2\n  rate k = 0.5\n}\n");
    expect(writtenIds(ir).parameters).toEqual(["species_", "k"]);
    const xml = await emitSbml(ir);
    expect(xml).toMatch(/<parameter [^>]*id="species_" name="species: rate constant \(params\)"/);
    expect(xml).toContain("&quot;id&quot;:&quot;species_&quot;,&quot;name&quot;:&quot;species&quot;");
    expect(emitAntimony(ir)).toMatch(/const species_ = 2 per_second/);
    const trip = await roundTrip(ir, 2);
    expect(trip.diff).toBeLessThanOrEqual(1e-6);
  });

  it("a model named after a function or a unit gets another id", async () => {
    const ir = compileRel("examples/divide.crnn");
    expect(await emitSbml(ir)).toMatch(/<model [^>]*id="divide_model"/);
    expect(emitAntimony(ir)).toMatch(/^model divide_model\(\)$/m);
    const unit = mustCompile("crn second {\n  init a = 1\n  a -> 0 @ k\n  rate k = 1\n}\n");
    expect(await emitSbml(unit)).toMatch(/<model [^>]*id="second_model"/);
  });
});
