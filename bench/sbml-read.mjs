#!/usr/bin/env node
// SBML import benchmark (issue 14, "fast to read"): how long readSbml takes, text → IR, for
//   - the MNIST 64-4-2 training model crnnc writes with its mnist01 schedule (≈ 15 MB; target
//     under 3 s),
//   - a generated BioModels-style model of ≈ 5 MB (thousands of species and reactions with
//     Michaelis–Menten laws and local parameters, function definitions, assignment and rate
//     rules, initial assignments, events; target under 1 s).
// The yardstick, in the same process on the same text: libSBML's own parse
// (libsbmljs_stable's readSBMLFromString, WebAssembly), which any reader built on libSBML pays
// before it can look at a single element — crnnc's reader until issue 14 did, plus its
// consistency check, and took 54 s for the MNIST file. One warm-up, then the median of N runs.
// Writes the figures into docs/performance.md between <!-- bench:sbml-read:start --> and
// <!-- bench:sbml-read:end -->. Exit status 1 if a target is missed.
//
//   npx tsc -p . && node bench/sbml-read.mjs [--runs N] [--no-docs]

import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, writeSection } from "./lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const DOC = join(ROOT, "docs", "performance.md");
const args = process.argv.slice(2);
const RUNS = args.includes("--runs") ? Math.max(1, Number(args[args.indexOf("--runs") + 1]) || 3) : 3;

const { compileFile, loadDataset, makeProtocol } = await import(join(ROOT, "dist/index.js"));
const { emitSbml } = await import(join(ROOT, "dist/backends/sbml/emit.js"));
const { readSbml } = await import(join(ROOT, "dist/backends/sbml/read.js"));
const { libsbml } = await import(join(ROOT, "dist/backends/sbml/libsbml.js"));
const sb = await libsbml();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (f) => {
  const t0 = performance.now();
  await f();
  return performance.now() - t0;
};

/** A BioModels-style model of about `mb` megabytes: what a large curated model uses, in SBML L3V2. */
function generated(mb) {
  const out = [];
  const species = [];
  const reactions = [];
  const n = Math.round(520 * mb);
  const math = (body) => `<math xmlns="http://www.w3.org/1998/Math/MathML">${body}</math>`;
  for (let i = 0; i < n; i++)
    species.push(
      `      <species id="S${i}" name="protein ${i}" compartment="${i % 3 === 0 ? "nucleus" : "cytosol"}" initialConcentration="${(1 + (i % 7)) / 10}" hasOnlySubstanceUnits="false" boundaryCondition="${i % 50 === 0}" constant="false"/>`,
    );
  for (let i = 0; i < 2 * n; i++) {
    const a = i % n;
    const b = (i * 7 + 1) % n;
    reactions.push(`      <reaction id="R${i}" name="conversion ${i}" reversible="false">
        <listOfReactants><speciesReference species="S${a}" stoichiometry="1" constant="true"/></listOfReactants>
        <listOfProducts><speciesReference species="S${b}" stoichiometry="1" constant="true"/></listOfProducts>
        <listOfModifiers><modifierSpeciesReference species="S${(a + 3) % n}"/></listOfModifiers>
        <kineticLaw>
          ${math(`<apply><times/><ci> ${a % 3 === 0 ? "nucleus" : "cytosol"} </ci><apply><ci> mm </ci><ci> Vmax </ci><ci> S${a} </ci><ci> Km </ci></apply><apply><divide/><ci> S${(a + 3) % n} </ci><apply><plus/><ci> Ki </ci><ci> S${(a + 3) % n} </ci></apply></apply></apply>`)}
          <listOfLocalParameters>
            <localParameter id="Vmax" value="${1 + (i % 5)}"/>
            <localParameter id="Km" value="${0.5 + (i % 3) / 10}"/>
          </listOfLocalParameters>
        </kineticLaw>
      </reaction>`);
  }
  out.push(`<?xml version="1.0" encoding="UTF-8"?>
<sbml xmlns="http://www.sbml.org/sbml/level3/version2/core" level="3" version="2">
  <model id="generated" name="generated BioModels-style model">
    <listOfFunctionDefinitions>
      <functionDefinition id="mm">${math("<lambda><bvar><ci>V</ci></bvar><bvar><ci>S</ci></bvar><bvar><ci>K</ci></bvar><apply><divide/><apply><times/><ci>V</ci><ci>S</ci></apply><apply><plus/><ci>K</ci><ci>S</ci></apply></apply></lambda>")}</functionDefinition>
    </listOfFunctionDefinitions>
    <listOfCompartments>
      <compartment id="cytosol" spatialDimensions="3" size="2" constant="true"/>
      <compartment id="nucleus" spatialDimensions="3" size="0.5" constant="true"/>
    </listOfCompartments>
    <listOfSpecies>
${species.join("\n")}
    </listOfSpecies>
    <listOfParameters>
      <parameter id="Ki" value="0.3" constant="true"/>
      <parameter id="total" constant="false"/>
      <parameter id="clock" value="0" constant="false"/>
      <parameter id="pulse" value="1" constant="false"/>
    </listOfParameters>
    <listOfInitialAssignments>
      <initialAssignment symbol="Ki">${math("<apply><times/><cn>3</cn><cn>0.1</cn></apply>")}</initialAssignment>
    </listOfInitialAssignments>
    <listOfRules>
      <assignmentRule variable="total">${math(`<apply><plus/>${Array.from({ length: 50 }, (_, i) => `<ci> S${i} </ci>`).join("")}</apply>`)}</assignmentRule>
      <rateRule variable="clock">${math("<cn>1</cn>")}</rateRule>
    </listOfRules>
    <listOfReactions>
${reactions.join("\n")}
    </listOfReactions>
    <listOfEvents>
      <event id="kick" useValuesFromTriggerTime="true">
        <trigger initialValue="false" persistent="true">${math("<apply><gt/><ci> clock </ci><cn>5</cn></apply>")}</trigger>
        <listOfEventAssignments><eventAssignment variable="pulse">${math("<cn>2</cn>")}</eventAssignment></listOfEventAssignments>
      </event>
    </listOfEvents>
  </model>
</sbml>
`);
  return out.join("");
}

const mnist = compileFile(join(ROOT, "examples/mnist.crnn")).ir;
const protocol = makeProtocol(mnist, loadDataset(mnist.train.dataset, mnist.train.split, mnist.train.seed), { order: "cyclic" });
const cases = [
  { name: "examples/mnist.crnn written by crnnc (64-4-2, training CRN, mnist01 schedule)", xml: await emitSbml(mnist, { protocol }), target: 3000 },
  { name: "generated BioModels-style model (Michaelis–Menten laws, local parameters, rules, an event)", xml: generated(5), target: 1000 },
];

const rows = [];
let missed = false;
for (const c of cases) {
  const first = await time(async () => {
    const r = await readSbml(c.xml, "bench.xml");
    if (!r.ir) throw new Error(`${c.name}: ${r.diagnostics.map((d) => d.message).join("; ")}`);
    c.species = r.ir.species.length;
    c.reactions = r.ir.reactions.length;
  });
  const ours = [];
  const lib = [];
  // Ours first, then libSBML's (whose WebAssembly heap churn would otherwise land in our timings' GC).
  for (let i = 0; i < RUNS; i++) ours.push(await time(() => readSbml(c.xml, "bench.xml")));
  for (let i = 0; i < RUNS; i++)
    lib.push(
      await time(() => {
        const doc = new sb.SBMLReader().readSBMLFromString(c.xml);
        sb.destroy?.(doc);
      }),
    );
  const mb = Buffer.byteLength(c.xml) / 1e6;
  const ok = median(ours) < c.target;
  missed ||= !ok;
  rows.push({ ...c, mb, first, ours: median(ours), lib: median(lib), ok });
}

const m = machineInfo();
const lines = [
  `Measured ${new Date().toISOString().replace(/\.\d+Z$/, "Z")} by \`node bench/sbml-read.mjs\` (after \`npx tsc -p .\`) on ${m.line}. Per model: the first read (JIT warm-up included), then the median of ${RUNS} reads of the text into the IR (\`readSbml\`: XML, MathML, SBML's meaning, the IR), against the median of ${RUNS} parses of the same text by libSBML (libsbmljs_stable 5.18, WebAssembly: \`readSBMLFromString\` alone, no checks) in the same process.`,
  "",
  "| model | size | species / reactions (IR) | readSbml | first read | libSBML's parse alone | ratio | target |",
  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
  ...rows.map(
    (r) =>
      `| ${r.name} | ${r.mb.toFixed(1)} MB | ${r.species} / ${r.reactions} | ${r.ours.toFixed(0)} ms | ${r.first.toFixed(0)} ms | ${r.lib.toFixed(0)} ms | ${(r.ours / r.lib).toFixed(2)}× | ${r.ok ? "**PASS**" : "**MISS**"} < ${r.target / 1000} s |`,
  ),
  "",
  "Until issue 14 the reader parsed with libSBML and ran its consistency check first: 54 s for the MNIST file.",
];
const text = lines.join("\n");
console.log(text);
const START = "<!-- bench:sbml-read:start -->";
const END = "<!-- bench:sbml-read:end -->";
if (!args.includes("--no-docs")) writeSection(DOC, START, END, `${START}\n### Reading SBML\n\n${text}\n${END}`);
process.exit(missed ? 1 : 0);
