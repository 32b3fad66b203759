#!/usr/bin/env node
// The SBML Test Suite, semantic part (issue 14): runs every case of testType TimeCourse that
// has an SBML Level 3 Version 2 file and uses SBML core only (no comp / fbc tag, namespace or
// packagesPresent) through simulateSbml (dist/index.js) and judges it with the suite's own
// tolerances (bench/sbml-suite-lib.mjs): pass, refused (E0701 / E0702, grouped by the construct
// named), wrong (a number outside tolerance: the worst one recorded), crash (an exception: a
// bug of ours), timeout (over --timeout seconds), stopped (the integrator gave up early with
// the values so far right). Cases run in --jobs child processes, each case under a timer: a
// hang or a crash of one case kills its worker, which is replaced. Writes
// docs/sbml-suite/results.json (per case) and the section of docs/sbml.md between
// <!-- suite:start --> and <!-- suite:end --> (a full run only, not with --cases), and prints
// the same summary. `--stats` prints the selection's tags and MathML elements, and runs nothing.
//
//   git clone --depth 1 https://github.com/sbmlteam/sbml-test-suite /work/sbml-test-suite
//   npx tsc -p . && node bench/sbml-suite.mjs [--suite DIR] [--cases 1-100,205] [--jobs 2] [--timeout 20] [--no-docs] [--stats]
//
// The suite's location: --suite, else $SBML_TEST_SUITE, else /work/sbml-test-suite (only
// cases/semantic is read). Its commit: `git rev-parse HEAD` there, else a COMMIT file there
// (for a copy taken out of git), else unknown. Exit status 2 if the suite is absent.

import { fork } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { machineInfo, writeSection } from "./lib.mjs";
import { esc, group, listCaseIds, loadCase, mathElements, parseCaseSpec, recordJson, runCase, selectCase, suiteCommit } from "./sbml-suite-lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "..");
const DOC = join(ROOT, "docs", "sbml.md");
const JSON_OUT = join(ROOT, "docs", "sbml-suite", "results.json");
const START = "<!-- suite:start -->";
const END = "<!-- suite:end -->";
const STATUSES = ["pass", "refused", "wrong", "crash", "timeout", "stopped"];
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

if (args.includes("--worker")) await worker();
else await main();

/** A worker process: loads dist/ once, then runs the cases it is sent, one at a time. */
async function worker() {
  const { simulateSbml } = await import(join(ROOT, "dist/index.js"));
  process.on("message", async ({ id, dir }) => {
    let out;
    try {
      out = await runCase(simulateSbml, loadCase(dir, id));
    } catch (e) {
      out = { status: "crash", detail: `harness: ${String(e?.message ?? e).split("\n")[0]}`, ms: 0 };
    }
    process.send({ id, ...out });
  });
  process.send({ ready: true });
}

async function main() {
  const suite = resolve(opt("--suite") ?? process.env.SBML_TEST_SUITE ?? "/work/sbml-test-suite");
  if (!existsSync(join(suite, "cases", "semantic"))) {
    console.error(
      `sbml-suite: no SBML Test Suite at ${suite} (looked for ${join(suite, "cases", "semantic")}).\n` +
        "  Get it with `git clone --depth 1 https://github.com/sbmlteam/sbml-test-suite DIR`, then pass --suite DIR or set SBML_TEST_SUITE=DIR.",
    );
    process.exit(2);
  }
  const jobs = Math.max(1, Number(opt("--jobs") ?? 2) || 2);
  const timeoutMs = Math.max(1, Number(opt("--timeout") ?? 20) || 20) * 1000;
  const spec = opt("--cases");
  const inSpec = spec ? parseCaseSpec(spec) : () => true;
  const writeDocs = !spec && !args.includes("--no-docs") && !args.includes("--stats");

  const t0 = performance.now();
  const all = listCaseIds(suite);
  /** @type {Map<string, string[]>} tags of each selected case */
  const tags = new Map();
  for (const id of all) {
    const { selected, info } = selectCase(suite, id);
    if (selected && inSpec(id)) tags.set(id, [...info.componentTags, ...info.testTags]);
  }
  const ids = [...tags.keys()];
  const commit = suiteCommit(suite);
  const version = readIf(join(suite, "VERSION.txt"))?.trim();
  console.log(
    `SBML Test Suite ${version ?? ""} at ${suite} (commit ${commit}): ${all.length} semantic cases, ${ids.length} L3V2 core TimeCourse${spec ? ` in --cases ${spec}` : ""}`,
  );
  if (args.includes("--stats")) return stats(suite, ids, tags);
  if (!existsSync(join(ROOT, "dist", "index.js"))) {
    console.error("sbml-suite: no dist/index.js: build first (npx tsc -p .)");
    process.exit(2);
  }

  const results = await runAll(suite, ids, jobs, timeoutMs);
  const wallMs = performance.now() - t0;
  const m = machineInfo();
  const record = {
    suite: { repository: "https://github.com/sbmlteam/sbml-test-suite", version: version ?? null, commit },
    crnnc: m.rev || null,
    machine: m.line,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    selection: "cases/semantic, testType TimeCourse, with an -sbml-l3v2.xml, SBML core only",
    jobs,
    timeoutMs,
    wallMs: Math.round(wallMs),
    counts: Object.fromEntries(STATUSES.map((s) => [s, results.filter((r) => r.status === s).length])),
    cases: results.map(({ id, status, reason, detail, ms }) => ({ id, status, ...(reason ? { reason } : {}), ...(detail ? { detail } : {}), ms })),
  };
  const text = summary(record, results, tags);
  console.log(`\n${text}`);
  if (writeDocs) {
    mkdirSync(dirname(JSON_OUT), { recursive: true });
    writeFileSync(JSON_OUT, recordJson(record));
    writeSection(DOC, START, END, `${START}\n${text}\n${END}`, "SBML");
    console.log(`\nwrote docs/sbml-suite/results.json and docs/sbml.md (section ${START} … ${END})`);
  } else if (spec) console.log("\n(a subset: docs/sbml.md and docs/sbml-suite/results.json left as they are)");
}

/** Run the cases on `jobs` worker processes; a case over `timeoutMs`, or whose worker dies, is recorded and its worker replaced. */
function runAll(suite, ids, jobs, timeoutMs) {
  const queue = [...ids];
  /** @type {Map<string, object>} */
  const done = new Map();
  const total = ids.length;
  let lastPrint = 0;
  const progress = () => {
    const now = performance.now();
    if (!process.stdout.isTTY || (now - lastPrint < 250 && done.size < total)) return;
    lastPrint = now;
    const n = (s) => [...done.values()].filter((r) => r.status === s).length;
    process.stdout.write(
      `\r${done.size}/${total}  pass ${n("pass")}  refused ${n("refused")}  wrong ${n("wrong")}  crash ${n("crash")}  timeout ${n("timeout")}   `,
    );
  };
  return new Promise((resolveAll) => {
    if (!total) return resolveAll([]);
    let live = 0;
    let stillborn = 0; // workers in a row that died before they were ready: dist/ does not load
    const finish = () => {
      if (process.stdout.isTTY) process.stdout.write("\n");
      resolveAll(ids.map((id) => done.get(id)));
    };
    const spawn = () => {
      live++;
      const w = fork(fileURLToPath(import.meta.url), ["--worker"], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
      let current;
      let timer;
      let ready = false;
      let stderr = "";
      w.stderr.on("data", (d) => (stderr = (stderr + d).slice(-2000)));
      const record = (r) => {
        clearTimeout(timer);
        done.set(current.id, r);
        current = undefined;
        progress();
      };
      const next = () => {
        const id = queue.shift();
        if (id === undefined) {
          w.kill();
          return;
        }
        current = { id, t: performance.now() };
        stderr = "";
        timer = setTimeout(() => {
          record({ id, status: "timeout", detail: `over ${timeoutMs / 1000} s`, ms: timeoutMs });
          w.kill("SIGKILL");
        }, timeoutMs);
        w.send({ id, dir: join(suite, "cases", "semantic", id) });
      };
      w.on("message", (msg) => {
        if (msg.ready) {
          ready = true;
          stillborn = 0;
          return next();
        }
        if (!current || msg.id !== current.id) return;
        record(msg);
        next();
      });
      w.on("exit", (code, signal) => {
        live--;
        if (!ready && ++stillborn >= 3) {
          console.error(`sbml-suite: worker processes die before they are ready (${signal ?? `exit ${code}`}):\n${stderr}`);
          process.exit(1);
        }
        if (current) {
          const last = stderr.trim().split("\n").filter(Boolean).pop() ?? "";
          record({
            id: current.id,
            status: "crash",
            detail: `worker died (${signal ?? `exit ${code}`})${last ? `: ${last}` : ""}`,
            ms: Math.round(performance.now() - current.t),
          });
        }
        if (queue.length) spawn();
        else if (live === 0) finish();
      });
    };
    for (let i = 0; i < Math.min(jobs, total); i++) spawn();
  });
}

function summary(rec, results, tags) {
  const n = results.length;
  const md = (cells) => `| ${cells.join(" | ")} |`;
  const pct = (k) => (n ? `${((100 * k) / n).toFixed(1)}%` : "–");
  const ids = (rs, max = 40) =>
    rs
      .slice(0, max)
      .map((r) => r.id)
      .join(", ") + (rs.length > max ? `, … (${rs.length - max} more)` : "");
  const by = (s) => results.filter((r) => r.status === s);
  const c = rec.counts;
  const lines = [
    "## SBML Test Suite",
    "",
    `Generated ${rec.date} by \`npm run bench:sbml-suite\` (bench/sbml-suite.mjs; per case: docs/sbml-suite/results.json) on ${rec.machine}${rec.crnnc ? `; crnnc at ${rec.crnnc}` : ""}.`,
    `The suite: [sbmlteam/sbml-test-suite](https://github.com/sbmlteam/sbml-test-suite) ${rec.suite.version ?? ""} at commit \`${rec.suite.commit}\`. Selected: every semantic case of testType TimeCourse that has an SBML Level 3 Version 2 file and uses SBML core only (no comp or fbc package) — **${n} cases**, each run once through \`simulateSbml\` and compared value by value, time included, with the case's own tolerances: |expected − actual| ≤ absolute + relative · |expected|, NaN only matching NaN and ±INF only the same infinity.`,
    "",
    md(["result", "cases", "share"]),
    md(["---", "---:", "---:"]),
    md(["**pass**", String(c.pass), pct(c.pass)]),
    md(["refused (E0701 / E0702)", String(c.refused), pct(c.refused)]),
    md(["**wrong** (a number outside tolerance)", String(c.wrong), pct(c.wrong)]),
    md(["crash (an exception)", String(c.crash), pct(c.crash)]),
    md([`timeout (over ${rec.timeoutMs / 1000} s)`, String(c.timeout), pct(c.timeout)]),
    md(["stopped (the run ended early)", String(c.stopped), pct(c.stopped)]),
    "",
    `Pass: ${c.pass} of ${n} (${pct(c.pass)}); the target is ≥ 80% and no wrong number. Total time ${(rec.wallMs / 1000).toFixed(0)} s with ${rec.jobs} worker processes.`,
  ];
  const wrong = by("wrong");
  if (wrong.length) {
    lines.push("", "### Wrong", "", md(["case", "what"]), md(["---", "---"]));
    for (const r of wrong.slice(0, 60)) lines.push(md([r.id, esc(r.detail ?? "")]));
    if (wrong.length > 60) lines.push(md(["…", `${wrong.length - 60} more in results.json`]));
  }
  for (const [s, title] of [
    ["crash", "Crashes"],
    ["timeout", "Timeouts"],
    ["stopped", "Stopped early"],
  ]) {
    const rs = by(s);
    if (!rs.length) continue;
    const groups = group(rs, (r) => (r.detail ?? "").replace(/\d+(\.\d+)?(e[-+]?\d+)?/gi, "N"));
    lines.push("", `### ${title}`, "", md(["what", "cases"]), md(["---", "---"]));
    for (const [k, g] of groups) lines.push(md([esc(k), ids(g, 20)]));
  }
  const refused = by("refused");
  if (refused.length) {
    const groups = group(refused, (r) => r.reason ?? "?");
    lines.push("", "### Refused, by reason", "", md(["reason (ids and numbers taken out)", "cases", "e.g."]), md(["---", "---:", "---"]));
    for (const [k, g] of groups.slice(0, 40)) lines.push(md([esc(k), String(g.length), ids(g, 6)]));
    if (groups.length > 40) lines.push(md([`${groups.length - 40} other reasons`, String(groups.slice(40).reduce((a, [, g]) => a + g.length, 0)), ""]));
  }
  // Pass rate by tag: where the work is.
  const tagStats = new Map();
  for (const r of results)
    for (const t of tags.get(r.id) ?? []) {
      const e = tagStats.get(t) ?? { n: 0, pass: 0 };
      e.n++;
      if (r.status === "pass") e.pass++;
      tagStats.set(t, e);
    }
  lines.push("", "### By tag", "", "A case has several tags (the suite's component and test tags); a tag's row counts every case that has it.", "");
  lines.push(md(["tag", "cases", "pass"]), md(["---", "---:", "---:"]));
  for (const [t, e] of [...tagStats].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0]))) lines.push(md([t, String(e.n), String(e.pass)]));
  return lines.join("\n");
}

/** `--stats`: the selection's tags and the MathML elements of its L3V2 files, with counts. */
function stats(suite, ids, tags) {
  const tagCount = new Map();
  for (const id of ids) for (const t of tags.get(id)) tagCount.set(t, (tagCount.get(t) ?? 0) + 1);
  console.log(`\ntags (cases):`);
  for (const [t, k] of [...tagCount].sort((a, b) => b[1] - a[1])) console.log(`  ${String(k).padStart(5)}  ${t}`);
  const elems = new Map();
  for (const id of ids) {
    const xml = readFileSync(join(suite, "cases", "semantic", id, `${id}-sbml-l3v2.xml`), "utf8");
    for (const [e, k] of mathElements(xml)) {
      const s = elems.get(e) ?? { uses: 0, cases: 0 };
      s.uses += k;
      s.cases++;
      elems.set(e, s);
    }
  }
  console.log(`\nMathML elements (cases using it, occurrences):`);
  for (const [e, s] of [...elems].sort((a, b) => b[1].cases - a[1].cases)) console.log(`  ${String(s.cases).padStart(5)}  ${String(s.uses).padStart(6)}  ${e}`);
}

function readIf(f) {
  return existsSync(f) ? readFileSync(f, "utf8") : undefined;
}
