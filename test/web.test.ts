// The playground in a real browser: Debian's Chromium driven by playwright-core, loading the
// built site (web/dist/, `npm run build:web`; built here when missing or older than its sources)
// from a local static server (scripts/serve-web.mjs). It opens #example=xor and sees the network's
// counts, makes a typo and sees the CLI's located diagnostic, fixes it, trains 50 iterations and
// sees E(t) drawn, exports SBML (the same bytes as `crnnc compile --emit sbml`) and opens the
// graph. Each step's screenshot goes to test-artifacts/web/ (not committed). Without Chromium the
// tests skip, saying why and how to install it — except in CI (.ci/run sets CRNNC_CI=1), where
// they always run.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import type { Server } from "node:http";
import { ROOT } from "./helpers.js";

const CHROMIUM = process.env["CRNNC_CHROMIUM"] ?? "/usr/bin/chromium";
const CI = Boolean(process.env["CI"] || process.env["CRNNC_CI"]);
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !CI)
  console.warn(
    `test/web.test.ts: no Chromium at ${CHROMIUM}, the playground's browser tests skip (install it: apt-get install -y chromium; or set CRNNC_CHROMIUM)`,
  );

const ARTIFACTS = resolve(ROOT, "test-artifacts/web");
const DIST = resolve(ROOT, "web/dist");

/** The newest modification time of the files under `dir` (recursively). */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== "dist" && e.name !== "node_modules") t = Math.max(t, newest(p));
    } else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/** Build web/dist unless it is newer than the playground's and the library's sources. */
function ensureBuilt(): void {
  const index = join(DIST, "index.html");
  const stale =
    !existsSync(index) || statSync(index).mtimeMs < Math.max(newest(resolve(ROOT, "web")), newest(resolve(ROOT, "src")), newest(resolve(ROOT, "stdlib")));
  if (stale) execFileSync("npm", ["run", "build:web"], { cwd: ROOT, stdio: "ignore" });
}

/** `crnnc ARGS` as the built CLI runs it, in `cwd`. */
function cli(args: string[], cwd = ROOT): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [resolve(ROOT, "dist/cli/crnnc.js"), ...args], { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(!hasChromium && !CI)("the playground in Chromium", () => {
  let server: Server;
  /** How Chromium is started here (scripts/serve-web.mjs). */
  let CHROMIUM_ARGS: string[] = [];
  let url: string;
  let context: BrowserContext;
  let page: Page;
  let profile: string;
  const errors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });

  beforeAll(async () => {
    ensureBuilt();
    mkdirSync(ARTIFACTS, { recursive: true });
    const web = (await import(resolve(ROOT, "scripts/serve-web.mjs"))) as {
      serveWeb: (dir: string) => Promise<{ server: Server; url: string }>;
      CHROMIUM_ARGS: string[];
    };
    CHROMIUM_ARGS = web.CHROMIUM_ARGS;
    const { serveWeb } = web;
    ({ server, url } = await serveWeb(DIST));
    const { chromium } = await import("playwright-core");
    profile = mkdtempSync(join(tmpdir(), "crnnc-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      acceptDownloads: true,
      viewport: { width: 1280, height: 800 },
      args: CHROMIUM_ARGS,
    });
    page = await context.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    server?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("#example=xor shows the XOR network: 223 species, 469 reactions", async () => {
    await page.goto(`${url}index.html#example=xor`);
    // The counts show as the example opens (compiled at build time); the views, once the language worker has compiled it.
    await page.waitForFunction(() => /feedback-free/.test(document.getElementById("info")?.textContent ?? ""), null, { timeout: 30_000 });
    const status = await page.locator("#status").textContent();
    expect(status).toContain("223 species");
    expect(status).toContain("469 reactions");
    expect(await page.locator("#info").textContent()).toMatch(/feedback-free\s+yes/);
    // Highlighting: keywords are coloured as keywords.
    expect(await page.locator(".cm-content").textContent()).toContain("network xor_net");
    await shot("1-xor");
    expect(errors).toEqual([]);
  });

  it("`chromium --headless --dump-dom` of #example=xor (no script driving the page) shows 223 species and 469 reactions", async () => {
    const profileDir = mkdtempSync(join(tmpdir(), "crnnc-chromium-dump-"));
    try {
      // Asynchronously: the page is served by this very process.
      const { stdout } = await promisify(execFile)(
        CHROMIUM,
        [...CHROMIUM_ARGS, `--user-data-dir=${profileDir}`, "--dump-dom", `${url}index.html#example=xor`],
        {
          encoding: "utf8",
          timeout: 60_000,
          maxBuffer: 64 << 20,
        },
      );
      expect(/id="status"[^>]*>([^<]*)</.exec(stdout)?.[1]).toBe("train xor_net: 223 species, 469 reactions");
    } finally {
      rmSync(profileDir, { recursive: true, force: true });
    }
  }, 90_000);

  it("a typo gives the CLI's diagnostic at its place; fixing it clears it", async () => {
    const original = readFileSync(resolve(ROOT, "examples/xor.crnn"), "utf8");
    // Type the typo: delete one letter of the first `smooth_relu` (line 7).
    const line = await page.locator(".cm-line", { hasText: "dense 10 smooth_relu" }).first();
    await line.click();
    await page.keyboard.press("End");
    for (let i = 0; i < "oth_relu(h: 3)".length; i++) await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("Backspace"); // smooth → smoth
    await page.waitForFunction(() => /E0103/.test(document.getElementById("diagnostics")?.textContent ?? ""), null, { timeout: 15_000 });
    const report = (await page.locator("#diagnostics").textContent())!;
    // The same text `crnnc check` prints for the same source under the same name.
    const dir = mkdtempSync(join(tmpdir(), "crnnc-typo-"));
    mkdirSync(join(dir, "examples"));
    writeFileSync(join(dir, "examples/xor.crnn"), original.replace("dense 10 smooth_relu", "dense 10 smoth_relu"));
    const c = cli(["check", "examples/xor.crnn"], dir);
    rmSync(dir, { recursive: true });
    expect(c.code).toBe(1);
    expect(report.trim()).toBe((c.stdout + c.stderr).trim());
    expect(report).toContain("examples/xor.crnn:7:12: error[E0103]: unknown activation `smoth_relu`");
    expect(report).toContain("hint: did you mean `smooth_relu`?");
    // Underlined in the editor, on the misspelt word.
    await page.waitForSelector(".cm-lintRange-error");
    expect(await page.locator(".cm-lintRange-error").first().textContent()).toBe("smoth_relu");
    expect(await page.locator("#status").textContent()).toMatch(/error/);
    await shot("2-typo");
    await page.keyboard.type("o");
    await page.waitForFunction(() => /223 species/.test(document.getElementById("status")?.textContent ?? ""), null, { timeout: 15_000 });
    expect(await page.locator("#diagnostics").textContent()).toBe("");
    expect(await page.evaluate(() => (window as unknown as { crnncSource?: () => string }).crnncSource?.())).toBe(original);
    await shot("3-fixed");
  });

  it("trains 50 iterations in the worker and draws E(t)", async () => {
    await page.fill("#iterations", "50");
    await page.click("#run");
    await page.waitForSelector('#run-status[data-done="1"]', { timeout: 60_000 });
    expect(await page.locator("#run-status").textContent()).toMatch(/done: 50 iterations, [\d.]+ ms\/iteration/);
    const pts = await page.locator("#plot-error polyline.series").first().getAttribute("points");
    expect(pts!.trim().split(/\s+/).length).toBeGreaterThanOrEqual(2);
    // The traced output species Y_0 over the run.
    expect(await page.locator("#plot-trace polyline.series").count()).toBeGreaterThan(0);
    await shot("4-trained");
    expect(errors).toEqual([]);
  });

  it("exports SBML with the CLI's bytes for the same source", { timeout: 120_000 }, async () => {
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 90_000 }), page.selectOption("#export", "sbml")]);
    expect(download.suggestedFilename()).toBe("xor.xml");
    const got = readFileSync((await download.path())!, "utf8");
    const want = cli(["compile", "examples/xor.crnn", "--emit", "sbml"]);
    expect(want.code).toBe(0);
    expect(got.length).toBeGreaterThan(10_000);
    expect(got === want.stdout, "the playground's SBML differs from the CLI's").toBe(true);
  });

  it("opens the graph: every species and reaction a node; a click lists a species' reactions", async () => {
    await page.click('#tabs button[data-tab="graph"]');
    await page.waitForSelector("#graph svg");
    expect(await page.locator("#graph .node.species").count()).toBe(223);
    expect(await page.locator("#graph .node.reaction").count()).toBe(469);
    await page.locator('#graph .node.species[data-s="0"]').click();
    const sel = (await page.locator("#graph-selection").textContent())!;
    expect(sel).toMatch(/^X0_0 \(input, layer 0\), in \d+ reactions:/);
    expect(await page.locator("#graph line.hl").count()).toBeGreaterThan(0);
    await shot("5-graph");
    expect(errors).toEqual([]);
  });
});
