// The playground's budgets (issue 18), measured in Debian's Chromium (playwright-core) on the
// built site (web/dist/, `npm run build:web`) served from 127.0.0.1 by scripts/serve-web.mjs:
// - first paint of index.html#example=xor (the browser's first-contentful-paint entry), fresh
//   profile each round, and when the XOR network's counts appear (compiled in the worker);
// - JavaScript gzipped: everything the site can load except libSBML (its glue and WebAssembly load
//   only on SBML export), and what the first visit loads;
// - XOR training ms/iteration in the browser against the CLI's (`crnnc sim --iterations N --json`,
//   its own msPerIteration) on the same machine, alternating, in the same run;
// - the page's main thread during training: its longest task (PerformanceObserver "longtask").
// Writes the figures into docs/performance.md between <!-- bench:web:start --> and
// <!-- bench:web:end -->; --screenshot also writes docs/playground.png (the README's picture).
//
//   npm run build && npm run build:web && node bench/web.mjs [--rounds N] [--iterations N] [--screenshot] [--no-docs]

/* global document, window, PerformanceObserver -- inside page.evaluate: run by the browser */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { machineInfo, writeSection } from "./lib.mjs";
import { CHROMIUM_ARGS, serveWeb, WEB_DIST } from "../scripts/serve-web.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DOC = join(ROOT, "docs", "performance.md");
const START = "<!-- bench:web:start -->";
const END = "<!-- bench:web:end -->";
const args = process.argv.slice(2);
const opt = (name, d) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : d;
};
const ROUNDS = opt("--rounds", 5);
const ITERATIONS = opt("--iterations", 300);
const CHROMIUM = process.env.CRNNC_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = CHROMIUM_ARGS;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const started = new Date();
const loadStart = machineInfo().load;

// ---- sizes --------------------------------------------------------------------------------
const assets = readdirSync(join(WEB_DIST, "assets")).map((f) => ({ f, bytes: readFileSync(join(WEB_DIST, "assets", f)) }));
const gz = (b) => gzipSync(b, { level: 9 }).length;
const js = assets.filter((a) => a.f.endsWith(".js"));
const isLibsbml = (f) => f.startsWith("libsbml-");
const allJs = js.filter((a) => !isLibsbml(a.f)).reduce((s, a) => s + gz(a.bytes), 0);
const libsbmlGz = assets.filter((a) => isLibsbml(a.f)).reduce((s, a) => s + gz(a.bytes), 0);
const byChunk = js.filter((a) => !isLibsbml(a.f)).map((a) => ({ name: a.f.replace(/-[\w-]{8}\.js$/, ""), gz: gz(a.bytes) }));

// ---- the browser --------------------------------------------------------------------------
const { server, url } = await serveWeb(WEB_DIST);
async function withPage(f) {
  const profile = mkdtempSync(join(tmpdir(), "crnnc-bench-"));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  try {
    const page = await ctx.newPage();
    const loaded = new Set();
    page.on("requestfinished", (r) => loaded.add(new URL(r.url()).pathname.replace(/^.*\//, "")));
    return await f(page, loaded);
  } finally {
    await ctx.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const paints = [];
const counts = [];
let firstVisit = 0;
for (let r = 0; r < ROUNDS; r++)
  await withPage(async (page, loaded) => {
    const t0 = Date.now();
    await page.goto(`${url}index.html#example=xor`);
    await page.waitForFunction(() => /223 species, 469 reactions/.test(document.getElementById("status")?.textContent ?? ""), null, { timeout: 60_000 });
    counts.push(Date.now() - t0);
    const fcp = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN);
    paints.push(fcp);
    firstVisit = [...loaded].filter((f) => f.endsWith(".js")).reduce((s, f) => s + gz(readFileSync(join(WEB_DIST, "assets", f))), 0);
  });

/** One browser run of ITERATIONS XOR iterations: its ms/iteration and the main thread's longest task. */
const browserRun = () =>
  withPage(async (page) => {
    await page.goto(`${url}index.html#example=xor`);
    await page.waitForFunction(() => /223 species/.test(document.getElementById("status")?.textContent ?? ""), null, { timeout: 60_000 });
    await page.evaluate(() => {
      window.longest = 0;
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) window.longest = Math.max(window.longest, e.duration);
      }).observe({ type: "longtask" });
    });
    await page.fill("#iterations", String(ITERATIONS));
    await page.click("#run");
    await page.waitForSelector('#run-status[data-done="1"]', { timeout: 600_000 });
    const ms = Number(await page.locator("#run-status").getAttribute("data-ms-per-iteration"));
    const longest = await page.evaluate(() => window.longest);
    return { ms, longest, page };
  });

const cliRun = () => {
  const out = join(tmpdir(), `crnnc-bench-web-${process.pid}.json`);
  const r = spawnSync(
    process.execPath,
    [join(ROOT, "dist/cli/crnnc.js"), "sim", "examples/xor.crnn", "--iterations", String(ITERATIONS), "--quiet", "--json", out],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`crnnc sim failed: ${r.stderr}`);
  const ms = JSON.parse(readFileSync(out, "utf8")).timings.msPerIteration;
  rmSync(out, { force: true });
  return ms;
};

const web = [];
const cli = [];
const longest = [];
for (let r = 0; r < Math.max(3, Math.ceil(ROUNDS / 2)); r++) {
  cli.push(cliRun());
  const b = await browserRun();
  web.push(b.ms);
  longest.push(b.longest);
}

if (args.includes("--screenshot"))
  await withPage(async (page) => {
    await page.goto(`${url}index.html#example=xor`);
    await page.waitForFunction(() => /223 species/.test(document.getElementById("status")?.textContent ?? ""), null, { timeout: 60_000 });
    await page.fill("#iterations", "600");
    await page.click("#run");
    await page.waitForSelector('#run-status[data-done="1"]', { timeout: 600_000 });
    await page.screenshot({ path: join(ROOT, "docs/playground.png") });
    console.log("wrote docs/playground.png");
  });
server.close();

// ---- report -------------------------------------------------------------------------------
const m = machineInfo();
const ratio = median(web.map((w, i) => w / cli[i]));
const verdict = (ok) => (ok ? "PASS" : "MISS");
const text = [
  START,
  "## The playground in the browser",
  "",
  `Measured ${started.toISOString().replace(/\.\d+Z$/, "Z")} by \`node bench/web.mjs\` (after \`npm run build && npm run build:web\`) on ${m.line}; crnnc at ${m.rev}; ${spawnSync(CHROMIUM, ["--version"], { encoding: "utf8" }).stdout.trim().split("\n").pop()} headless (playwright-core), the site served by scripts/serve-web.mjs on 127.0.0.1. 1-minute load average ${loadStart} at the start and ${m.load} at the end (the machine is shared: above 2, times include waiting for a core).`,
  "",
  "| budget | measured | target | result |",
  "| --- | ---: | ---: | --- |",
  `| first paint of index.html#example=xor (first-contentful-paint, median of ${ROUNDS} fresh profiles) | ${median(paints).toFixed(0)} ms (${Math.min(...paints).toFixed(0)}–${Math.max(...paints).toFixed(0)}) | < 1000 ms | **${verdict(median(paints) < 1000)}** |`,
  `| JavaScript, gzipped, everything but libSBML | ${kb(allJs)} | < 1.5 MB | **${verdict(allJs < 1.5 * 1024 * 1024)}** |`,
  `| XOR training, browser ms/iteration against the CLI's (${ITERATIONS} iterations, median of ${web.length} alternating pairs) | ${median(web).toFixed(2)} against ${median(cli).toFixed(2)} ms: **${ratio.toFixed(2)}×** | ≤ 1.5× | **${verdict(ratio <= 1.5)}** |`,
  `| the page's longest main-thread task while training (PerformanceObserver longtask) | ${longest.every((l) => l === 0) ? "none over 50 ms" : `${median(longest).toFixed(0)} ms`} | no freeze | **${verdict(median(longest) < 200)}** |`,
  "",
  `- Until the XOR network's counts ("223 species, 469 reactions") show — the page, CodeMirror, the language worker, the stdlib parsed and the network compiled there: ${median(counts).toFixed(0)} ms (median).`,
  `- What the first visit loads: ${kb(firstVisit)} of JavaScript gzipped. By chunk (gzipped): ${byChunk.map((c) => `${c.name} ${kb(c.gz)}`).join(", ")}. libSBML, loaded on the first SBML export only: ${kb(libsbmlGz)} gzipped (glue and WebAssembly).`,
  `- Training runs in the run worker (the library's trainAsync, the same generated WebAssembly kernels as the CLI); the browser's figure is the run's own msPerIteration, with the page's live output trace on (the output node recorded at every step, streamed a few times a second). The CLI's is \`crnnc sim examples/xor.crnn --iterations ${ITERATIONS} --json\`'s msPerIteration.`,
  "",
  "    npm run build && npm run build:web && node bench/web.mjs [--rounds N] [--iterations N] [--screenshot] [--no-docs]",
  END,
].join("\n");
console.log(text);
if (!args.includes("--no-docs")) {
  writeSection(DOC, START, END, text);
  console.log(`\nwrote ${DOC}`);
}
