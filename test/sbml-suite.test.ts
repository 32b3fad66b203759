// SBML Test Suite cases in CI (issue 14): the curated semantic cases in test/sbml-suite/NNNNN
// (LGPL, see test/sbml-suite/README.md) each run through simulateSbml and judged by
// bench/sbml-suite-lib.mjs, the same code bench/sbml-suite.mjs judges the whole suite with.
// test/sbml-suite/expected.json says what each case does today: "pass", or "refused: REASON"
// (a substring of the refusal's category). A wrong number, a crash or an early stop always
// fails; so does a refusal where "pass" is expected, a different refusal, and a pass where a
// refusal is expected (then the file should say "pass"). UPDATE_EXPECTED=1 rewrites the file
// from what the cases do now (wrong numbers and crashes still fail and are not written).
import { describe, it, expect, afterAll } from "vitest";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { simulateSbml } from "../src/sbml/run.js";
import {
  classify,
  compareResults,
  loadCase,
  parseNumber,
  parseResults,
  parseSettings,
  reasonCategory,
  refusalReason,
  runCase,
  withinTolerance,
} from "../bench/sbml-suite-lib.mjs";
import { ROOT } from "./helpers.js";

const DIR = resolve(ROOT, "test/sbml-suite");
const EXPECTED = join(DIR, "expected.json");
const update = process.env["UPDATE_EXPECTED"] === "1";
const cases = readdirSync(DIR)
  .filter((d) => /^\d{5}$/.test(d))
  .sort();
const expected: Record<string, string> = existsSync(EXPECTED) ? JSON.parse(readFileSync(EXPECTED, "utf8")) : {};
const now: Record<string, string> = {};

describe("SBML Test Suite: curated cases", () => {
  it("expected.json has one entry per case directory", () => {
    if (update) return;
    expect(Object.keys(expected).sort(), "run with UPDATE_EXPECTED=1 after adding or removing a case").toEqual(cases);
  });

  for (const id of cases)
    it(id, async () => {
      const out = await runCase(simulateSbml, loadCase(join(DIR, id), id));
      const got = out.status === "refused" ? `refused: ${out.reason}` : out.status;
      expect(out.status, `${id}: ${out.status}: ${out.detail ?? ""}`).toMatch(/^(pass|refused)$/);
      now[id] = got;
      if (update) return;
      const want = expected[id];
      expect(want, `${id} is not in expected.json (UPDATE_EXPECTED=1 adds it)`).toBeDefined();
      if (want === "pass") expect(got, `${id} should pass: ${out.detail ?? ""}`).toBe("pass");
      else {
        expect(out.status, `${id} passes now: make it "pass" in expected.json (or run with UPDATE_EXPECTED=1)`).toBe("refused");
        expect(got, `${id}: refused for another reason than expected.json says`).toContain(want!.replace(/^refused: /, ""));
      }
    });

  afterAll(() => {
    if (!update) return;
    const next = Object.fromEntries(cases.map((id) => [id, now[id] ?? expected[id] ?? "missing"]));
    writeFileSync(EXPECTED, `${JSON.stringify(next, null, 1)}\n`);
  });
});

describe("SBML Test Suite: the comparison", () => {
  const c = loadCase(join(DIR, "00001"), "00001");
  const exact = { t: c.expected.time, values: c.expected.rows };
  const perturbed = (i: number, j: number, v: number) => ({
    t: exact.t,
    values: exact.values.map((r, k) => (k === i ? r.map((x, q) => (q === j ? v : x)) : r)),
  });

  it("reads the settings and results files the suite's way", () => {
    expect(c.settings).toMatchObject({
      start: 0,
      duration: 5,
      steps: 50,
      variables: ["S1", "S2"],
      absolute: 1e-7,
      relative: 1e-4,
      amount: ["S1", "S2"],
      concentration: [],
    });
    expect(c.expected.time.length).toBe(51);
    expect([parseNumber("NaN"), parseNumber(" nan"), parseNumber("INF"), parseNumber("-inf"), parseNumber("1e-3")]).toEqual([
      NaN,
      NaN,
      Infinity,
      -Infinity,
      1e-3,
    ]);
    // Columns go by position: 01810's variables are INF, Inf and inf, three different ids.
    const inf = loadCase(join(DIR, "01810"), "01810");
    expect(inf.settings.variables).toEqual(["INF", "Inf", "inf"]);
    expect(inf.expected.rows[0]).toEqual([10, 1, 0.1]);
    expect(parseSettings("start: 0\nduration: 1\nsteps: 2\nvariables: a,b\nabsolute: 1e-3\nrelative: 1e-4\namount:\nconcentration: a\n")).toMatchObject({
      variables: ["a", "b"],
      amount: [],
      concentration: ["a"],
    });
    expect(parseResults("time, P\r\n0, INF\r\n1,-INF\r\n").rows).toEqual([[Infinity], [-Infinity]]);
  });

  it("passes within |e − a| ≤ absolute + relative·|e| and not beyond; NaN and infinities match only themselves", () => {
    expect(withinTolerance(2, 2.5, 0.25, 0.125)).toBe(true); // exactly at the bound: 0.25 + 0.125 · 2
    expect(withinTolerance(-2, -1.5, 0.25, 0.125)).toBe(true);
    expect(withinTolerance(2, 2.5000001, 0.25, 0.125)).toBe(false);
    expect(withinTolerance(NaN, NaN, 0, 0)).toBe(true);
    expect(withinTolerance(NaN, 0, 1, 1)).toBe(false);
    expect(withinTolerance(0, NaN, 1, 1)).toBe(false);
    expect(withinTolerance(Infinity, Infinity, 0, 0)).toBe(true);
    expect(withinTolerance(Infinity, -Infinity, 1, 1)).toBe(false); // the suite's Java runner lets this pass
    expect(withinTolerance(Infinity, 1e308, 1, 1)).toBe(false);
    expect(compareResults(c.settings, c.expected, exact).ok).toBe(true);
    expect(classify(c, { ...exact, diagnostics: [] })).toEqual({ status: "pass" });
  });

  it("calls a number outside tolerance wrong, naming the worst one", () => {
    const e = c.expected.rows[10]![1]!;
    const bad = classify(c, perturbed(10, 1, e * 1.01));
    expect(bad.status).toBe("wrong");
    expect(bad.worst).toMatchObject({ variable: "S2", time: 1, expected: e, got: e * 1.01 });
    expect(classify(c, perturbed(3, 0, NaN)).status).toBe("wrong");
    expect(classify(c, { t: exact.t.map((t) => t * 1.01), values: exact.values }).worst?.variable).toBe("time");
    expect(classify(c, { t: exact.t.slice(0, 10), values: exact.values.slice(0, 10) })).toMatchObject({ status: "wrong", detail: "10 rows, expected 51" });
    expect(classify(c, { t: exact.t.slice(0, 10), values: exact.values.slice(0, 10), stopped: { message: "step size underflow", time: 0.9 } }).status).toBe(
      "stopped",
    );
  });

  it("groups refusals by the construct named, ids and numbers taken out", () => {
    const msg = "00021-sbml-l3v2.xml: the compartment `C` of size 0.5 (crnnc reads size 1) is outside what crnnc reads";
    expect(refusalReason(msg)).toBe("the compartment `C` of size 0.5 (crnnc reads size 1)");
    expect(reasonCategory(refusalReason(msg))).toBe("the compartment `…` of size N (crnnc reads size N)");
    expect(reasonCategory("the kinetic law of reaction `R1` (k1 * S1), which is not mass action")).toBe(
      "the kinetic law of reaction `…` (…), which is not mass action",
    );
    expect(classify(c, { t: [], values: [], diagnostics: [{ code: "E0702", severity: "error", message: msg }] })).toMatchObject({
      status: "refused",
      reason: "the compartment `…` of size N (crnnc reads size N)",
    });
  });
});
