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

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

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

/** NNNNN-settings.txt → Settings. `start` is 0 in every case of the suite (3.3.0). */
export function parseSettings(text) {
  /** @type {Record<string, string>} */
  const kv = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z]+)\s*:(.*)$/.exec(line);
    if (m) kv[m[1]] = m[2].trim();
  }
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

/** The five-digit case directories under `suite`/cases/semantic, sorted. */
export function listCaseIds(suite) {
  const dir = join(suite, "cases", "semantic");
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
