// The SBML Test Suite's semantic cases, read and judged the suite's way: shared by
// bench/sbml-suite.mjs (every L3V2 core case) and test/sbml-suite.test.ts (the curated
// fixtures in test/fixtures/sbml-suite), so both classify a case with the same code.
//
// A case directory NNNNN/ holds NNNNN-settings.txt (start, duration, steps, variables,
// absolute, relative, amount, concentration), NNNNN-results.csv (a `time,...` header, then
// steps + 1 rows; NaN / INF / -INF in any letter case), NNNNN-model.m (tags in a Mathematica
// comment) and NNNNN-sbml-lXvY.xml. The suite's criterion (its cases/semantic/README.md and
// src/test-runner/.../CompareResultSets.java): a value passes iff
//   |expected − actual| ≤ absolute + relative · |expected|
// and, for non-finite values, NaN matches only NaN and an infinity only an infinity. We are
// stricter than the Java runner in two places: an infinity must have the expected sign (the
// runner lets INF match -INF, since INF − (−INF) is NaN and NaN > x is false), and the time
// column is checked too (the runner copies it without looking). Columns are matched by
// position, which is the settings' `variables` order: the runner matches headers without
// regard to case, which maps the three columns of case 01810 (`INF`, `Inf`, `inf`) to one.
//
//   const c = loadCase(dir, "00001");
//   const r = await runCase(simulateSbml, c);   // { status: "pass", ms: 12 }

import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * @typedef {object} Settings
 * @property {number} start
 * @property {number} duration
 * @property {number} steps
 * @property {string[]} variables
 * @property {number} absolute
 * @property {number} relative
 * @property {string[]} amount
 * @property {string[]} concentration
 */

/**
 * @typedef {object} Results
 * @property {string[]} header  the CSV header, trimmed (first entry `time` in any case)
 * @property {number[]} time
 * @property {number[][]} rows  rows[i][j]: variable j (settings order) at time[i]
 */

/**
 * @typedef {object} ModelInfo
 * @property {string[]} componentTags
 * @property {string[]} testTags
 * @property {string} testType   "TimeCourse" or "FluxBalanceSteadyState"
 * @property {string[]} levels   e.g. ["2.4", "3.1", "3.2"]
 * @property {string[]} packages the `packagesPresent:` list (often absent: then [])
 * @property {string} generatedBy "Analytic" or "Numeric"
 * @property {string} synopsis
 */

/**
 * @typedef {object} Case
 * @property {string} id      five digits
 * @property {string} dir     the case directory
 * @property {string} xmlFile path of its NNNNN-sbml-l3v2.xml
 * @property {string} xml
 * @property {Settings} settings
 * @property {Results} expected
 */

/**
 * @typedef {object} Worst
 * @property {string} variable
 * @property {number} time
 * @property {number} expected
 * @property {number} got
 * @property {number} allowed  absolute + relative · |expected|
 */

/**
 * @typedef {object} Comparison
 * @property {boolean} ok
 * @property {number} checked   values compared (time column included)
 * @property {number} failures  values outside tolerance
 * @property {Worst} [worst]    the value furthest outside (largest |diff| / allowed), when not ok
 * @property {string} [shape]   set when the output's shape is wrong (rows or columns missing)
 */

/** @typedef {"pass" | "wrong" | "refused" | "crash" | "timeout" | "stopped"} Status */

/**
 * @typedef {object} Outcome
 * @property {Status} status
 * @property {string} [reason]  refused: the normalised construct phrase (the category)
 * @property {string} [detail]  refused: the full message; crash / stopped / timeout / wrong: what happened
 * @property {Worst} [worst]    wrong: the worst value
 * @property {number} [ms]      wall time of the simulate call
 */

/** A number the suite's way: NaN, INF, -INF in any case (also 1.#INF, -1.#IND), else a float. */
export function parseNumber(s) {
  const t = s.trim().toUpperCase();
  if (t === "INF" || t === "+INF" || t === "1.#INF") return Infinity;
  if (t === "-INF" || t === "-1.#INF") return -Infinity;
  if (t.includes("NAN") || t === "-1.#IND") return NaN;
  if (t === "") throw new Error("empty number");
  const v = Number(t);
  if (Number.isNaN(v)) throw new Error(`not a number: ${JSON.stringify(s)}`);
  return v;
}

const list = (v) =>
  (v ?? "")
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

/** The `key: value` lines of a settings file (semantic or stochastic), values trimmed. */
export function settingsFields(text) {
  /** @type {Record<string, string>} */
  const kv = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z]+)\s*:(.*)$/.exec(line);
    if (m) kv[m[1]] = m[2].trim();
  }
  return kv;
}

/** NNNNN-settings.txt → Settings. `start` is 0 in every case of the suite (3.3.0). */
export function parseSettings(text) {
  const kv = settingsFields(text);
  const num = (k) => {
    if (!kv[k]) throw new Error(`settings: no \`${k}:\``);
    return parseNumber(kv[k]);
  };
  return {
    start: kv.start ? parseNumber(kv.start) : 0,
    duration: num("duration"),
    steps: num("steps"),
    variables: list(kv.variables),
    absolute: num("absolute"),
    relative: num("relative"),
    amount: list(kv.amount),
    concentration: list(kv.concentration),
  };
}

/** NNNNN-results.csv → Results (blank lines skipped; the header is required, as in every case). */
export function parseResults(text) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = (lines.shift() ?? "").split(",").map((h) => h.trim());
  if (header[0]?.toLowerCase() !== "time") throw new Error(`results: the header starts with ${JSON.stringify(header[0])}, not time`);
  const time = [];
  const rows = [];
  for (const [i, l] of lines.entries()) {
    const cells = l.split(",");
    if (cells.length !== header.length) throw new Error(`results: row ${i + 1} has ${cells.length} values for ${header.length} columns`);
    const v = cells.map(parseNumber);
    time.push(v[0]);
    rows.push(v.slice(1));
  }
  return { header, time, rows };
}

/** The tag block of NNNNN-model.m → ModelInfo. */
export function parseModelInfo(text) {
  const field = (k) => new RegExp(`^\\s*${k}:[ \\t]*(.*)$`, "m").exec(text)?.[1]?.trim() ?? "";
  return {
    componentTags: list(field("componentTags")),
    testTags: list(field("testTags")),
    testType: field("testType"),
    levels: list(field("levels")),
    packages: list(field("packagesPresent")),
    generatedBy: field("generatedBy"),
    synopsis: field("synopsis"),
  };
}

/**
 * Whether a case uses SBML core only: no `comp:` / `fbc:` (any `prefix:`) tag, no
 * packagesPresent, and (when `xml` is given) no package namespace on the document.
 * @param {ModelInfo} info
 * @param {string} [xml]
 */
export function isCore(info, xml) {
  if ([...info.componentTags, ...info.testTags].some((t) => t.includes(":"))) return false;
  if (info.packages.length) return false;
  if (xml !== undefined) {
    const root = /<sbml\b[^>]*>/.exec(xml)?.[0] ?? "";
    if (/xmlns:\w+="http:\/\/www\.sbml\.org\/sbml\/level3\/version\d\/(?!core)\w+\/version\d"/.test(root)) return false;
  }
  return true;
}

/** The five-digit case directories under `suite`/cases/`part` (semantic, or stochastic), sorted. */
export function listCaseIds(suite, part = "semantic") {
  const dir = join(suite, "cases", part);
  return readdirSync(dir)
    .filter((d) => /^\d{5}$/.test(d))
    .sort();
}

/**
 * Whether case `id` of the suite is an L3V2 core TimeCourse case (the bench's selection).
 * @returns {{ selected: boolean, info: ModelInfo }}
 */
export function selectCase(suite, id) {
  const dir = join(suite, "cases", "semantic", id);
  const info = parseModelInfo(readFileSync(join(dir, `${id}-model.m`), "utf8"));
  const xmlFile = join(dir, `${id}-sbml-l3v2.xml`);
  if (info.testType !== "TimeCourse" || !existsSync(xmlFile)) return { selected: false, info };
  return { selected: isCore(info, readFileSync(xmlFile, "utf8")), info };
}

/**
 * Read one case from a directory holding NNNNN-settings.txt, NNNNN-results.csv and
 * NNNNN-sbml-l3v2.xml (a suite case directory or a fixture directory).
 * @returns {Case}
 */
export function loadCase(dir, id) {
  const xmlFile = join(dir, `${id}-sbml-l3v2.xml`);
  const settings = parseSettings(readFileSync(join(dir, `${id}-settings.txt`), "utf8"));
  const expected = parseResults(readFileSync(join(dir, `${id}-results.csv`), "utf8"));
  if (expected.header.length - 1 !== settings.variables.length || expected.time.length !== settings.steps + 1)
    throw new Error(
      `${id}: the results (${expected.header.length - 1} columns, ${expected.time.length} rows) do not match the settings (${settings.variables.length} variables, ${settings.steps} steps)`,
    );
  return { id, dir, xmlFile, xml: readFileSync(xmlFile, "utf8"), settings, expected };
}

/**
 * The options for simulateSbml: run from 0 to start + duration with steps + 1 outputs, report
 * the variables in order, the `amount:` species as amounts. `concentrations` (the
 * `concentration:` list) is passed too, for a reader that honours it (a species with
 * hasOnlySubstanceUnits asked for as a concentration: cases 01307–01309).
 * @param {Settings} s
 */
export function simulateOptions(s) {
  if (s.start !== 0) throw new Error(`harness: start ${s.start} ≠ 0 is not supported`);
  return {
    until: s.start + s.duration,
    points: s.steps + 1,
    ids: [...s.variables],
    amounts: new Set(s.amount),
    concentrations: new Set(s.concentration),
  };
}

/** The suite's test for one value (NaN only matches NaN, an infinity only the same infinity). */
export function withinTolerance(expected, got, absolute, relative) {
  if (Number.isNaN(expected) || Number.isNaN(got)) return Number.isNaN(expected) && Number.isNaN(got);
  if (!Number.isFinite(expected) || !Number.isFinite(got)) return expected === got;
  return Math.abs(expected - got) <= absolute + relative * Math.abs(expected);
}

/**
 * Compare a simulation's output with the expected results, value by value (time included).
 * @param {Settings} s
 * @param {Results} expected
 * @param {{ t: ArrayLike<number>, values: ArrayLike<ArrayLike<number>> }} got  values[i][j]: variable j at t[i]
 * @returns {Comparison}
 */
export function compareResults(s, expected, got) {
  const nRows = expected.time.length;
  const nVars = s.variables.length;
  let checked = 0;
  let failures = 0;
  let worst;
  let worstScore = -1;
  const check = (variable, i, e, g) => {
    checked++;
    if (withinTolerance(e, g, s.absolute, s.relative)) return;
    failures++;
    const allowed = s.absolute + s.relative * Math.abs(e);
    const diff = Math.abs(e - g);
    const score = Number.isFinite(diff) ? diff / allowed : Infinity;
    if (score > worstScore) {
      worstScore = score;
      worst = { variable, time: expected.time[i], expected: e, got: g, allowed };
    }
  };
  const rows = Math.min(nRows, got.t.length, got.values.length);
  for (let i = 0; i < rows; i++) {
    check("time", i, expected.time[i], got.t[i]);
    const row = got.values[i];
    for (let j = 0; j < nVars; j++) check(s.variables[j], i, expected.rows[i][j], j < row.length ? row[j] : NaN);
  }
  let shape;
  if (got.t.length < nRows || got.values.length < nRows) shape = `${Math.min(got.t.length, got.values.length)} rows, expected ${nRows}`;
  else if (rows > 0 && got.values[0].length < nVars) shape = `${got.values[0].length} columns, expected ${nVars}`;
  const out = { ok: failures === 0 && !shape, checked, failures };
  if (worst) out.worst = worst;
  if (shape) out.shape = shape;
  return out;
}

/** The construct phrase of a refusal: "FILE: <construct> is outside what crnnc reads" → "<construct>". */
export function refusalReason(message) {
  const first = String(message).split("\n")[0];
  const m = /^(?:.*?\.xml:\s*)?(.*?)\s+is outside what crnnc reads/.exec(first);
  if (m) return m[1];
  return first.replace(/^.*?\.xml:?\s*/, "");
}

/**
 * A refusal reason with its ids and numbers taken out, to group cases: backquoted ids become
 * `…`, quoted strings "…", numbers N. "the rule for `S1` (a rate …)" → "the rule for `…` (a rate …)".
 */
export function reasonCategory(reason) {
  let s = String(reason)
    .replace(/`[^`]*`/g, "`…`")
    .replace(/"[^"]*"/g, '"…"')
    .replace(/'[^']*'/g, "'…'");
  // Formulas in parentheses, "(k1 * pow(S1, 2))" or "(k1)", become "(…)"; prose, "(crnnc reads one)", stays.
  for (let prev = ""; prev !== s;) {
    prev = s;
    s = s.replace(/\b\w+\([^()]*\)/g, "…");
  }
  return s
    .replace(/\([^()]*[*/+^<>=-][^()]*\)|\(\s*[\w.…]+\s*\)/g, "(…)")
    .replace(/(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?(?![\w.])/gi, "N")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Judge a simulateSbml result against the case: refused (an error diagnostic), wrong (a value
 * outside tolerance), stopped (the run ended early with the values so far right), or pass.
 * @param {Case} c
 * @param {{ t: ArrayLike<number>, values: ArrayLike<ArrayLike<number>>, diagnostics?: { code: string, severity: string, message: string }[], stopped?: { message: string, time: number } }} r
 * @returns {Outcome}
 */
export function classify(c, r) {
  const errors = (r.diagnostics ?? []).filter((d) => d.severity === "error");
  if (errors.length) {
    const d = errors[0];
    const reason = d.code === "E0701" ? `unreadable SBML (E0701): ${refusalReason(d.message)}` : refusalReason(d.message);
    return { status: "refused", reason: reasonCategory(reason), detail: `${d.code} ${reason}` };
  }
  const cmp = compareResults(c.settings, c.expected, r);
  if (cmp.worst) {
    const w = cmp.worst;
    const detail = `${cmp.failures}/${cmp.checked} values outside tolerance; worst ${w.variable} at t = ${w.time}: expected ${w.expected}, got ${w.got} (allowed ±${w.allowed.toPrecision(3)})`;
    return { status: "wrong", detail: r.stopped ? `${detail}; stopped at t = ${r.stopped.time}: ${r.stopped.message}` : detail, worst: w };
  }
  if (r.stopped) return { status: "stopped", detail: `stopped at t = ${r.stopped.time}: ${r.stopped.message.split("\n")[0]}` };
  if (cmp.shape) return { status: "wrong", detail: cmp.shape };
  return { status: "pass" };
}

/**
 * Run one case through `simulate` (simulateSbml, from dist/ or src/) and classify it; an
 * exception is a crash (its first line kept).
 * @param {(xml: string, file: string, opts: object) => Promise<object>} simulate
 * @param {Case} c
 * @returns {Promise<Outcome>}
 */
export async function runCase(simulate, c) {
  const t0 = performance.now();
  let out;
  try {
    const r = await simulate(c.xml, `${c.id}-sbml-l3v2.xml`, simulateOptions(c.settings));
    out = classify(c, r);
  } catch (e) {
    out = { status: "crash", detail: String(e instanceof Error ? `${e.name}: ${e.message}` : e).split("\n")[0] };
  }
  out.ms = Math.round(performance.now() - t0);
  return out;
}

/** "1-100,205,00300-00310" → a predicate on case ids (numbers compared, leading zeros optional). */
export function parseCaseSpec(spec) {
  const parts = String(spec)
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => {
      const m = /^(\d+)(?:-(\d+))?$/.exec(p);
      if (!m) throw new Error(`--cases: cannot read ${JSON.stringify(p)} (give ids and ranges: 1-100,205)`);
      return [Number(m[1]), Number(m[2] ?? m[1])];
    });
  return (id) => parts.some(([a, b]) => Number(id) >= a && Number(id) <= b);
}

/** The MathML element names used inside <math> in an SBML text, with counts (csymbols by their definitionURL's last part). */
export function mathElements(xml) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  const add = (k) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (const m of xml.matchAll(/<math\b[^>]*>([\s\S]*?)<\/math>/g)) {
    for (const e of m[1].matchAll(/<(\w+)\b([^>]*)>/g)) {
      if (e[1] === "csymbol") add(`csymbol:${/definitionURL="[^"]*\/(\w+)"/.exec(e[2])?.[1] ?? "?"}`);
      else add(e[1]);
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// The stochastic part, cases/stochastic: the Discrete Stochastic Models Test Suite (DSMTS, Evans,
// Gillespie & Wilkinson, Bioinformatics 24:285, 2008; cases 00001–00039, testType
// StochasticTimeCourse) and the distrib package's StatisticalDistribution cases (00040–00100).
// Shared by bench/dsmts.mjs (every case) and test/dsmts.test.ts (the curated cases in
// test/dsmts). A case's NNNNN-settings.txt has the semantic keys (absolute and relative empty)
// plus `output: X-mean, X-sd, …` (or ln(X)-mean …), `meanRange: (-3, 3)`, `sdRange: (-5, 5)`;
// its NNNNN-results.csv has `time,X-mean,…,X-sd,…`, the exact μ_t and σ_t.
//
// The criteria (cases/stochastic/README.md and DSMTS-userguide-31v2.pdf §3 there): after n
// independent runs, for each output variable X and each time t of the grid,
//   Z_t = √n · (x̄_t − μ_t) / σ_t           within meanRange (open), x̄_t = Σ x_t / n
//   Y_t = √(n/2) · (Ŝ²_t / σ²_t − 1)       within sdRange (open),   Ŝ²_t = Σ (x_t − μ_t)² / n
// Ŝ² is taken about the known μ_t, as in the guide's §3.2 (so that nŜ²/σ² ~ χ²_n when X_t is
// normal); it is computed from the ensemble's Σx and Σx² as Σx²/n − μ(2x̄ − μ). A Y check is made
// only where the settings' output lists X-sd; σ_t is needed for Z_t in any case. Where σ_t = 0
// (t = 0, a boundary species, the instant of a reset) X_t is certain: Z and Y are undefined
// there, and every run must give μ_t (x̄_t = μ_t and Ŝ_t = 0, to 1e-9 · max(1, |μ_t|)): the
// guide's §4 check that "the sample estimates are (very) close". Such an exact check never fails
// by chance.

/**
 * @typedef {object} StochasticSettings
 * @property {number} start
 * @property {number} duration
 * @property {number} steps
 * @property {string[]} variables
 * @property {string[]} amount
 * @property {string[]} concentration
 * @property {{ column: string, variable: string, stat: "mean" | "sd", transform: string }[]} outputs  `X-mean` → { variable: X, stat: mean, transform: "" }; `ln(X)-sd` → transform "ln"
 * @property {[number, number]} meanRange
 * @property {[number, number]} sdRange
 */

/**
 * @typedef {object} StochasticCase
 * @property {string} id
 * @property {string} dir
 * @property {string} xmlFile
 * @property {string} xml
 * @property {StochasticSettings} settings
 * @property {Results} expected  the columns X-mean, X-sd (any order, by name)
 * @property {ModelInfo} [info]  from NNNNN-model.m, when there is one
 */

/**
 * @typedef {object} Judgement
 * @property {number} n  the runs
 * @property {{ mean: { checked: number, failed: number }, sd: { checked: number, failed: number, explained: number }, exact: { checked: number, failed: number } }} checks
 * @property {{ variable: string, time: number, stat: "mean" | "sd" | "exact", z?: number, expected: number, got: number, sd?: number, kappa?: number, zAdjusted?: number }[]} failures
 * @property {number} chance   the range checks expected to fail by chance (the sum of their nominal chances)
 * @property {number} allowed  allowedFailures of those chances
 * @property {{ mean: number, sd: number }} maxAbs  the largest |Z| and |Y|
 * @property {boolean} ok
 */

/** "(-3, 3)" → [-3, 3]. */
export function parseRange(s, what = "range") {
  const m = /^\s*\(\s*([^,()]+?)\s*,\s*([^,()]+?)\s*\)\s*$/.exec(String(s ?? ""));
  if (!m) throw new Error(`settings: cannot read ${what} ${JSON.stringify(s)} (expected "(lo, hi)")`);
  const r = [parseNumber(m[1]), parseNumber(m[2])];
  if (!(r[0] < r[1])) throw new Error(`settings: ${what} ${s} is empty`);
  return r;
}

/** A stochastic case's NNNNN-settings.txt → StochasticSettings. */
export function parseStochasticSettings(text) {
  const kv = settingsFields(text);
  const num = (k) => {
    if (!kv[k]) throw new Error(`settings: no \`${k}:\``);
    return parseNumber(kv[k]);
  };
  const outputs = list(kv.output).map((column) => {
    const m = /^(?:(ln)\((.+)\)|(.+))-(mean|sd)$/.exec(column);
    if (!m) throw new Error(`settings: cannot read the output ${JSON.stringify(column)}`);
    return { column, variable: m[2] ?? m[3], stat: m[4], transform: m[1] ?? "" };
  });
  if (!outputs.length) throw new Error("settings: no `output:`");
  return {
    start: kv.start ? parseNumber(kv.start) : 0,
    duration: num("duration"),
    steps: num("steps"),
    variables: list(kv.variables),
    amount: list(kv.amount),
    concentration: list(kv.concentration),
    outputs,
    meanRange: parseRange(kv.meanRange, "meanRange"),
    sdRange: parseRange(kv.sdRange, "sdRange"),
  };
}

/**
 * Read one stochastic case from a directory holding NNNNN-settings.txt, NNNNN-results.csv and
 * NNNNN-sbml-l3v2.xml (and, in the suite, NNNNN-model.m: its tags, when present).
 * @returns {StochasticCase}
 */
export function loadStochasticCase(dir, id) {
  const xmlFile = join(dir, `${id}-sbml-l3v2.xml`);
  const settings = parseStochasticSettings(readFileSync(join(dir, `${id}-settings.txt`), "utf8"));
  const expected = parseResults(readFileSync(join(dir, `${id}-results.csv`), "utf8"));
  if (expected.time.length !== settings.steps + 1)
    throw new Error(`${id}: the results have ${expected.time.length} rows, the settings ${settings.steps} steps`);
  const modelFile = join(dir, `${id}-model.m`);
  const info = existsSync(modelFile) ? parseModelInfo(readFileSync(modelFile, "utf8")) : undefined;
  return { id, dir, xmlFile, xml: readFileSync(xmlFile, "utf8"), settings, expected, ...(info ? { info } : {}) };
}

/**
 * The options for simulateSbmlEnsemble: from 0 to start + duration with steps + 1 outputs, the
 * `variables` in order, the `amount:` ids as amounts (all of them when the list is empty).
 * @param {StochasticSettings} s
 * @param {{ runs: number, seed?: number, first?: number }} e
 */
export function ensembleOptions(s, e) {
  if (s.start !== 0) throw new Error(`harness: start ${s.start} ≠ 0 is not supported`);
  return {
    until: s.start + s.duration,
    points: s.steps + 1,
    ids: [...s.variables],
    amounts: s.amount.length ? new Set(s.amount) : "all",
    runs: e.runs,
    ...(e.seed !== undefined ? { seed: e.seed } : {}),
    ...(e.first !== undefined ? { first: e.first } : {}),
  };
}

/** Φ(z), the standard normal distribution function (erfc after Numerical Recipes: relative error < 1.2e-7). */
export function normalCdf(z) {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** The chance that a standard normal variate falls outside the open range (lo, hi). */
export function outsideChance([lo, hi]) {
  return normalCdf(lo) + (1 - normalCdf(hi));
}

/**
 * The failures a correct simulator may show by chance: the smallest k with P(K > k) ≤ `level`,
 * K the number of failing checks when check i fails independently with chance ps[i] (a
 * Poisson-binomial law), and at least 1 (the suite's README: "Z or Y failing 0–1 times per test
 * is great").
 */
export function allowedFailures(ps, level = 0.01) {
  let dist = [1]; // dist[k] = P(K = k) over the checks so far, cut at 20
  for (const p of ps) {
    const next = new Array(Math.min(dist.length + 1, 21)).fill(0);
    dist.forEach((q, k) => {
      next[k] += q * (1 - p);
      if (k + 1 < next.length) next[k + 1] += q * p;
    });
    dist = next;
  }
  let tail = 1;
  for (let k = 0; k < dist.length; k++) {
    tail -= dist[k];
    if (tail <= level) return Math.max(1, k);
  }
  return Math.max(1, dist.length);
}

/**
 * Judge an ensemble against a stochastic case by the suite's criteria (above), at every time of
 * the grid and for every output variable. `ranges` replaces the settings' meanRange / sdRange
 * (the CI test's wider bounds for fewer runs). `ok`: no exact check fails and at most `allowed`
 * range checks do (allowedFailures of the checks' chances under the nominal normal laws).
 *
 * The sd criterion assumes X_t normal (the guide's §3.2): then Y_t has sd 1. In general
 * Var(Ŝ²) = (E(X − μ)⁴ − σ⁴)/n, so Y_t has sd √((κ − 1)/2), κ = E(X − μ)⁴/σ⁴ the kurtosis, and
 * where X_t is far from normal (a population near extinction: case 00003 at t = 45 has κ ≈ 59,
 * Y's sd 5.4) a correct simulator fails the (−5, 5) check at a good share of the points. Given
 * `r.sum4`, Σ(x − μ)⁴ of the same runs, a failing sd check is also judged with Y / √((κ̂ − 1)/2),
 * κ̂ = Σ(x − μ)⁴/(nσ⁴) (κ̂ below 3 taken as 3: the adjustment only ever widens); one inside
 * sdRange then is `explained` (counted in checks.sd.failed and .explained, not against `ok`).
 * @param {StochasticCase} c
 * @param {{ runs: number, t: ArrayLike<number>, ids: string[], sum: ArrayLike<ArrayLike<number>>, sumSq: ArrayLike<ArrayLike<number>>, sum4?: ArrayLike<ArrayLike<number>> }} r
 * @param {{ meanRange?: [number, number], sdRange?: [number, number], level?: number }} [ranges]
 * @returns {Judgement}
 */
export function judgeEnsemble(c, r, ranges = {}) {
  const s = c.settings;
  const meanRange = ranges.meanRange ?? s.meanRange;
  const sdRange = ranges.sdRange ?? s.sdRange;
  const n = r.runs;
  const e = c.expected;
  if (!(n > 0)) throw new Error(`${c.id}: no runs to judge`);
  if (r.t.length !== e.time.length) throw new Error(`${c.id}: ${r.t.length} time points, expected ${e.time.length}`);
  for (let i = 0; i < e.time.length; i++)
    if (Math.abs(r.t[i] - e.time[i]) > 1e-9 * Math.max(1, Math.abs(e.time[i]))) throw new Error(`${c.id}: time ${r.t[i]}, expected ${e.time[i]}`);
  const col = (name) => e.header.indexOf(name) - 1;
  const checks = { mean: { checked: 0, failed: 0 }, sd: { checked: 0, failed: 0, explained: 0 }, exact: { checked: 0, failed: 0 } };
  const failures = [];
  const ps = [];
  const maxAbs = { mean: 0, sd: 0 };
  const pMean = outsideChance(meanRange);
  const pSd = outsideChance(sdRange);
  const inside = (z, [lo, hi]) => z > lo && z < hi;
  // One entry per variable: its mean check always (σ is in the results), its sd check if listed.
  const vars = new Map();
  for (const o of s.outputs) {
    if (o.transform)
      throw new Error(`harness: the output ${o.column} (a statistic of ${o.transform}(${o.variable})) is not judged: the ensemble gives Σx and Σx² only`);
    const v = vars.get(o.variable) ?? { mean: false, sd: false };
    v[o.stat] = true;
    vars.set(o.variable, v);
  }
  for (const [variable, want] of vars) {
    const j = r.ids.indexOf(variable);
    if (j < 0) throw new Error(`${c.id}: the ensemble has no ${variable} (it has ${r.ids.join(", ")})`);
    const cm = col(`${variable}-mean`);
    const cs = col(`${variable}-sd`);
    if (cm < 0 || cs < 0)
      throw new Error(
        `harness: the results have no ${cm < 0 ? "mean" : "sd"} column for ${variable} (${variable}-${cm < 0 ? "mean" : "sd"}): μ and σ are both needed`,
      );
    for (let i = 0; i < e.time.length; i++) {
      const time = e.time[i];
      const mu = e.rows[i][cm];
      const sigma = e.rows[i][cs];
      const xbar = r.sum[i][j] / n;
      const s2 = Math.max(0, r.sumSq[i][j] / n - mu * (2 * xbar - mu));
      if (sigma === 0) {
        checks.exact.checked++;
        const tol = 1e-9 * Math.max(1, Math.abs(mu));
        if (Math.abs(xbar - mu) > tol || Math.sqrt(s2) > tol) {
          checks.exact.failed++;
          failures.push({ variable, time, stat: "exact", expected: mu, got: xbar, sd: Math.sqrt(s2) });
        }
        continue;
      }
      const z = (Math.sqrt(n) * (xbar - mu)) / sigma;
      checks.mean.checked++;
      ps.push(pMean);
      maxAbs.mean = Math.max(maxAbs.mean, Math.abs(z));
      if (!inside(z, meanRange)) {
        checks.mean.failed++;
        failures.push({ variable, time, stat: "mean", z, expected: mu, got: xbar });
      }
      if (!want.sd) continue;
      const y = Math.sqrt(n / 2) * (s2 / (sigma * sigma) - 1);
      checks.sd.checked++;
      ps.push(pSd);
      maxAbs.sd = Math.max(maxAbs.sd, Math.abs(y));
      if (!inside(y, sdRange)) {
        checks.sd.failed++;
        const f = { variable, time, stat: "sd", z: y, expected: sigma, got: Math.sqrt(s2) };
        if (r.sum4) {
          // Y's own sd is √((κ − 1)/2), κ = E(X − μ)⁴/σ⁴ (1 when X is normal, κ = 3).
          const kappa = r.sum4[i][j] / n / sigma ** 4;
          f.kappa = kappa;
          f.zAdjusted = y / Math.sqrt((Math.max(kappa, 3) - 1) / 2);
          if (inside(f.zAdjusted, sdRange)) checks.sd.explained++;
        }
        failures.push(f);
      }
    }
  }
  const chance = ps.reduce((a, p) => a + p, 0);
  const allowed = allowedFailures(ps, ranges.level);
  const failing = checks.mean.failed + checks.sd.failed - checks.sd.explained;
  return { n, checks, failures, chance, allowed, maxAbs, ok: checks.exact.failed === 0 && failing <= allowed };
}

/** One failure as text: "X at t = 12: Z = 3.41 (mean 45.2, expected 44.9)". */
export function describeFailure(f) {
  const g = (x) => (Number.isInteger(x) ? String(x) : x.toPrecision(6));
  if (f.stat === "exact") return `${f.variable} at t = ${f.time}: every run should give ${g(f.expected)}, mean ${g(f.got)}, sd ${g(f.sd)}`;
  const what = f.stat === "mean" ? "mean" : "sd (about μ)";
  const adjusted = f.kappa !== undefined ? `; κ̂ = ${f.kappa.toPrecision(3)}, Y/√((κ̂ − 1)/2) = ${f.zAdjusted.toFixed(2)}` : "";
  return `${f.variable} at t = ${f.time}: ${f.stat === "mean" ? "Z" : "Y"} = ${f.z.toFixed(2)} (${what} ${g(f.got)}, expected ${g(f.expected)}${adjusted})`;
}

/**
 * A stochastic simulation's refusal, from its diagnostics: the first error's construct phrase as
 * a category (ids and numbers taken out) and its message; undefined when there is no error.
 * An ensemble whose run stopped early ("run N stopped at t = …") is `stopped`, not a refusal.
 * @returns {{ status: "refused" | "stopped", reason?: string, detail: string } | undefined}
 */
export function ensembleRefusal(diagnostics) {
  const d = (diagnostics ?? []).find((x) => x.severity === "error");
  if (!d) return undefined;
  const first = String(d.message).split("\n")[0];
  if (/\brun \d+ stopped at t = /.test(first)) return { status: "stopped", detail: `${d.code} ${first.replace(/^.*?\.xml:\s*/, "")}` };
  const reason = d.code === "E0701" ? `unreadable SBML (E0701): ${refusalReason(d.message)}` : refusalReason(d.message);
  return { status: "refused", reason: reasonCategory(reason), detail: `${d.code} ${reason}` };
}

/**
 * The suite's commit: `git rev-parse HEAD` when `suite` is the top of a git checkout, else its
 * COMMIT file (a copy taken out of git), else "unknown".
 */
export function suiteCommit(suite) {
  try {
    const [top, head] = execFileSync("git", ["-C", suite, "rev-parse", "--show-toplevel", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .trim()
      .split("\n");
    if (top && resolve(top) === realpathSync(suite) && head) return head;
  } catch {
    /* not a git checkout */
  }
  const file = join(suite, "COMMIT");
  return (existsSync(file) ? readFileSync(file, "utf8").trim() : "") || "unknown";
}

/** The record as JSON, one line per case (a re-run's diff shows the cases that changed). */
export function recordJson(record) {
  const { cases, ...head } = record;
  const top = JSON.stringify(head, null, 1).replace(/\n}$/, "");
  return `${top},\n "cases": [\n${cases.map((c) => `  ${JSON.stringify(c)}`).join(",\n")}\n ]\n}\n`;
}

/** Items grouped by key, the largest group first (ties by key). */
export function group(rs, key) {
  const m = new Map();
  for (const r of rs) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return [...m].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
}

/** Text for a Markdown table cell: pipes, angle brackets and line breaks made harmless. */
export function esc(s) {
  return String(s).replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\n/g, " ");
}
