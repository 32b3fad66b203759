// crnnc's Antimony, read by the real libAntimony (2.13.4, the library inside Tellurium, built by
// scripts/build-antimony.sh): every example's and fixture's Antimony converts to SBML with no
// error and no warning (units and modeling practice included), and that SBML means what
// crnnc's own SBML means: the same species with the same initial values, parameters with the
// same values (initial assignments evaluated) and units, names and SBO terms, the same
// right-hand side at random states, the same events. Where the library is not built the tests
// say so and skip.
import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { emitSbml } from "../src/backends/sbml/emit.js";
import { emitAntimony } from "../src/backends/antimony.js";
import { sbmlMeaning, type Meaning } from "./sbml-meaning.js";
import { SBML_INPUTS, compileRel, shortSchedule } from "./sbml-inputs.js";
import { mulberry32, mustCompile } from "./helpers.js";
import type { CRN } from "../src/ir/types.js";
import type { SbmlOptions } from "../src/backends/sbml/model.js";

const BIN = join(process.env["CRNNC_ANTIMONY_HOME"] ?? join(homedir(), ".cache/crnnc/antimony"), "bin/crnnc-antimony-check");
const built = existsSync(BIN);
if (!built) console.warn(`libAntimony tests skipped: ${BIN} is not built (bash scripts/build-antimony.sh builds it; it says why when it cannot)`);

interface Check {
  ok: boolean;
  error?: string;
  antimonyWarnings?: string;
  issues?: { severity: string; category: string; id: number; line: number; message: string }[];
}

/** libAntimony's SBML of an Antimony text, and what libSBML's consistency check says of it. */
export function libAntimony(text: string): { check: Check; sbml: string } {
  const dir = mkdtempSync(join(tmpdir(), "crnnc-antimony-"));
  const src = join(dir, "model.antimony");
  const out = join(dir, "model.xml");
  writeFileSync(src, text);
  const check = JSON.parse(execFileSync(BIN, [src, out], { encoding: "utf8", maxBuffer: 1 << 28 })) as Check;
  return { check, sbml: check.ok ? readFileSync(out, "utf8") : "" };
}

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

/** Differences between two models' meanings (empty when they agree). */
export function compareMeaning(want: Meaning, got: Meaning, seed = 1): string[] {
  const diff: string[] = [];
  const keys = (m: Map<string, unknown>) => [...m.keys()].sort().join(" ");
  if (keys(want.species) !== keys(got.species)) diff.push(`species ${keys(want.species)} vs ${keys(got.species)}`);
  if (keys(want.compartments) !== keys(got.compartments)) diff.push(`compartments ${keys(want.compartments)} vs ${keys(got.compartments)}`);
  for (const [id, s] of want.species) {
    const g = got.species.get(id);
    if (!g) continue;
    if (!close(s.init, g.init)) diff.push(`initial value of ${id}: ${s.init} vs ${g.init}`);
    // libAntimony writes no name that equals the id (a raw crn's species are named as in the source).
    if (s.name !== (g.name || id)) diff.push(`name of ${id}: ${s.name} vs ${g.name}`);
    if (s.sbo !== g.sbo) diff.push(`SBO term of ${id}: ${s.sbo} vs ${g.sbo}`);
  }
  for (const [id, p] of want.parameters) {
    const g = got.parameters.get(id);
    if (!g) diff.push(`parameter ${id} missing`);
    else {
      if (!close(p.value, g.value)) diff.push(`value of ${id}: ${p.value} vs ${g.value}`);
      if (p.constant !== g.constant) diff.push(`constant of ${id}: ${p.constant} vs ${g.constant}`);
      if (p.units !== g.units) diff.push(`units of ${id}: ${p.units} vs ${g.units}`);
      if (p.name !== g.name) diff.push(`name of ${id}: ${p.name} vs ${g.name}`);
      if (p.sbo !== g.sbo) diff.push(`SBO term of ${id}: ${p.sbo} vs ${g.sbo}`);
    }
  }
  for (const id of got.parameters.keys()) if (!want.parameters.has(id)) diff.push(`extra parameter ${id}`);
  if (want.reactions.length !== got.reactions.length) diff.push(`${want.reactions.length} vs ${got.reactions.length} reactions`);
  want.reactions.forEach((r, i) => {
    const g = got.reactions[i];
    if (g && (r.id !== g.id || r.name !== g.name || r.sbo !== g.sbo)) diff.push(`reaction ${r.id} "${r.name}" ${r.sbo} vs ${g.id} "${g.name}" ${g.sbo}`);
  });
  // The right-hand side at random states (concentrations in [0, 2)).
  const rnd = mulberry32(seed);
  for (let k = 0; k < 3; k++) {
    const state = Object.fromEntries([...want.species.keys()].map((s) => [s, 2 * rnd()]));
    const a = want.rhs(state);
    const b = got.rhs(state);
    for (const s of want.species.keys()) if (!close(a[s]!, b[s]!, 1e-10)) diff.push(`d${s}/dt at state ${k}: ${a[s]} vs ${b[s]}`);
  }
  // Events: flags, the trigger around its first firings, every assignment at every schedule position.
  if (want.events.length !== got.events.length) diff.push(`${want.events.length} vs ${got.events.length} events`);
  want.events.forEach((e, i) => {
    const g = got.events[i];
    if (!g) return;
    if (e.id !== g.id || e.persistent !== g.persistent || e.initialValue !== g.initialValue || e.fromTrigger !== g.fromTrigger)
      diff.push(`event ${e.id} flags ${JSON.stringify(e)} vs ${JSON.stringify(g)}`);
    const T = want.parameters.get("T")?.value ?? 1;
    for (const iter of [0, 1, 5])
      for (const t of [0, (iter + 1) * T * 0.999, (iter + 1) * T, (iter + 1.5) * T]) {
        const st = { iter };
        if (want.evaluate(e.trigger, st, t) !== got.evaluate(g.trigger, st, t)) diff.push(`trigger of ${e.id} at iter ${iter}, t ${t}`);
      }
    // The order of an event's assignments means nothing (all are computed before any is made); libAntimony reverses it.
    const assigned = (x: typeof e) => [...x.assign.keys()].sort().join(" ");
    if (assigned(e) !== assigned(g)) diff.push(`assigned ${assigned(e)} vs ${assigned(g)}`);
    const N = 45;
    for (const [v, m] of e.assign) {
      const h = g.assign.get(v);
      if (!h) continue;
      for (let pos = 0; pos < N; pos++) {
        const st = { pos, iter: pos };
        if (!close(want.evaluate(m, st), got.evaluate(h, st))) diff.push(`assignment to ${v} at pos ${pos}`);
      }
    }
  });
  return diff;
}

/** libAntimony reads the model's Antimony without a word and into the model of its SBML. */
async function agrees(ir: CRN, opts: SbmlOptions): Promise<void> {
  const { check, sbml } = libAntimony(emitAntimony(ir, opts));
  expect(check.error).toBeUndefined();
  expect(check.antimonyWarnings).toBe("");
  expect(check.issues!.map((e) => `${e.severity} ${e.category} ${e.id}: ${e.message}`)).toEqual([]);
  const diff = compareMeaning(await sbmlMeaning(await emitSbml(ir, opts)), await sbmlMeaning(sbml));
  expect(diff.slice(0, 20)).toEqual([]);
}

describe.skipIf(!built)("libAntimony 2.13.4 reads crnnc's Antimony into the model of crnnc's SBML", () => {
  for (const f of SBML_INPUTS)
    it(
      f,
      async () => {
        const ir = compileRel(f);
        await agrees(ir, { version: "test", ...shortSchedule(ir) });
      },
      120000,
    );

  it("a crn whose reactions are all of first order (no parameter in molar) and whose parameter is named `species`", async () => {
    await agrees(mustCompile("crn params {\n  init a = 1, b = 0\n  a -> b @ species\n  b -> a @ k\n  rate species = 2\n  rate k = 0.5\n}\n"), {});
  });

  it("the comparison sees a changed rate constant, initial value and event (it can fail)", async () => {
    const ir = compileRel("test/fixtures/fig4-train/input.crnn");
    const opts = { version: "test", ...shortSchedule(ir) };
    const text = emitAntimony(ir, opts);
    const want = await sbmlMeaning(await emitSbml(ir, opts));
    for (const [from, to, what] of [
      [/const k_div = 10 /, "const k_div = 11 ", /value of k_div|dDX|dDY/],
      [/species H in cell = 1 molar/, "species H in cell = 1.5 molar", /initial value of H/],
      [/pos < (\d+) dimensionless/, "pos < 2 dimensionless", /assignment to pos/],
    ] as const) {
      const edited = text.replace(from, to);
      expect(edited).not.toBe(text);
      const { sbml } = libAntimony(edited);
      expect(compareMeaning(want, await sbmlMeaning(sbml)).join("\n")).toMatch(what);
    }
  }, 60000);
});
