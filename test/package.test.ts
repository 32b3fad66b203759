// The library as a user gets it: `npm pack` the repository (its dist/, built by `npm ci` or
// `npm run build`), install the tarball into a fresh project, and compile a consumer file with
// the repository's tsc under --strict against the installed types, then run it: compile and
// check, SBML written and read back, Antimony, training stopped by an AbortSignal (sync and
// async), a plot and a report as strings, and a sweep stopped by an AbortSignal. Also: importing
// "crnnc" loads none of the heavy libraries (vega, libSBML, prettier), every function the entry
// exports has a doc comment with an example, and every example (in those comments and in
// docs/library.md) type-checks against the installed package.

import { describe, it, expect, beforeAll } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { ROOT } from "./helpers.js";

const TSC = resolve(ROOT, "node_modules/typescript/bin/tsc");
const STRICT = [
  "--strict",
  "--module",
  "nodenext",
  "--moduleResolution",
  "nodenext",
  "--target",
  "es2022",
  "--types",
  "node",
  "--typeRoots",
  resolve(ROOT, "node_modules/@types"),
];

/** What the consumer exercises; its output is one JSON line. */
const CONSUMER = `import { readFileSync } from "node:fs";
import {
  check,
  compileFile,
  emitAntimony,
  emitSbml,
  historySvg,
  protocolFor,
  readSbml,
  sweep,
  train,
  trainAsync,
  trainReport,
  VERSION,
  type Progress,
  type SweepOutcome,
  type TrainResult,
} from "crnnc";

const file = "tiny.crnn";
const checked = check(readFileSync(file, "utf8"), { file });
const compiled = compileFile(file);
if (!compiled.ir) throw new Error("tiny.crnn does not compile");
const ir = compiled.ir;

// SBML out, with the training schedule, and back in; Antimony.
const protocol = protocolFor(ir, { order: "cyclic" });
const xml: string = await emitSbml(ir, { version: VERSION, protocol });
const back = await readSbml(xml, "tiny.xml");
const antimony: string = emitAntimony(ir, { version: VERSION, protocol });

// Training stopped by an AbortSignal after the first progress callback ...
const stop = new AbortController();
const seen: number[] = [];
const cut: TrainResult = train(ir, {
  signal: stop.signal,
  onProgress: (p: Progress) => {
    seen.push(p.iteration);
    stop.abort();
  },
});
// ... and asynchronously, by a signal aborted before the start (one iteration runs).
const early = await trainAsync(ir, { signal: AbortSignal.abort() });
const whole = train(ir);

// A plot and a report, as strings.
const svg: string = await historySvg(whole.history, { title: "tiny", x: "iteration" });
const html: string = await trainReport(whole, ir, protocolFor(ir).data, { timings: false });

// A sweep of two points on one worker, stopped by an AbortSignal after the first finished run.
const sweepStop = new AbortController();
const outcome: SweepOutcome = await sweep(file, {
  over: { period: [5, 10] },
  seeds: [1],
  iterations: 2,
  workers: 1,
  out: "sweep-out",
  signal: sweepStop.signal,
  onRecord: () => sweepStop.abort(),
});

console.log(
  JSON.stringify({
    version: VERSION,
    checked: checked.ok,
    species: ir.species.length,
    reactions: ir.reactions.length,
    xml: xml.slice(0, 40),
    backSpecies: back.ir?.species.length,
    backKind: back.ir?.kind,
    backProtocol: back.protocol?.order,
    backErrors: back.diagnostics.filter((d) => d.severity === "error").length,
    antimony: antimony.includes("tiny"),
    cut: { iterationsRun: cut.iterationsRun, stopped: cut.stopped?.reason, seen },
    early: { iterationsRun: early.iterationsRun, stopped: early.stopped?.reason },
    whole: { iterationsRun: whole.iterationsRun, stopped: whole.stopped?.reason ?? null, history: whole.history.length },
    svg: svg.slice(0, 4),
    html: html.slice(0, 15),
    sweep: { total: outcome.total, ran: outcome.ran, interrupted: outcome.interrupted, rows: outcome.rows.map((r) => r.runs), failed: outcome.failed.length },
  }),
);
`;

/** A module hook (registered by hook.mjs) that reports every package an import loads from node_modules. */
const RESOLVE_HOOK = `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(r.url);
  if (m) process.stderr.write("LOADED " + m[1] + "\\n");
  return r;
}
`;

let dir = "";
let packError = "";

beforeAll(() => {
  if (!existsSync(resolve(ROOT, "dist/index.js")) || !existsSync(resolve(ROOT, "dist/index.d.ts")))
    throw new Error("dist/ is not built: run `npm run build` (npm ci builds it through `prepare`)");
  const packDir = mkdtempSync(join(tmpdir(), "crnnc-pack-"));
  let tarball: string;
  try {
    // dist/ is already built: --ignore-scripts skips `prepare` (a second build).
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    tarball = join(packDir, (JSON.parse(out) as { filename: string }[])[0]!.filename);
  } catch (e) {
    packError = `npm pack failed: ${(e as Error).message}`;
    console.warn(`test/package.test.ts: skipped, ${packError}`);
    return;
  }
  dir = mkdtempSync(join(tmpdir(), "crnnc-consumer-"));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "crnnc-consumer", private: true, type: "module" }, null, 2) + "\n");
  execFileSync("npm", ["install", tarball, "--no-audit", "--no-fund", "--prefer-offline", "--loglevel", "error"], {
    cwd: dir,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  copyFileSync(resolve(ROOT, "test/fixtures/package/tiny.crnn"), join(dir, "tiny.crnn"));
  writeFileSync(join(dir, "consumer.ts"), CONSUMER);
  writeFileSync(join(dir, "resolve-hook.mjs"), RESOLVE_HOOK);
  writeFileSync(join(dir, "hook.mjs"), 'import { register } from "node:module";\nregister("./resolve-hook.mjs", import.meta.url);\n');
}, 300_000);

function tsc(args: string[], cwd: string): void {
  const r = spawnSync(process.execPath, [TSC, ...args], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tsc ${args.join(" ")} failed:\n${r.stdout}${r.stderr}`);
}

describe("the packed tarball in a fresh project", () => {
  it("ships the library, its types and the docs; prettier is a peer", (ctx) => {
    if (packError) return ctx.skip();
    const pkg = JSON.parse(readFileSync(join(dir, "node_modules/crnnc/package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg["peerDependencies"]).toEqual({ prettier: expect.any(String) });
    for (const f of [
      "dist/index.js",
      "dist/index.d.ts",
      "dist/sweep/worker.js",
      "dist/ensemble/worker.js",
      "stdlib/smooth_relu.crnn",
      "docs/library.md",
      "docs/api/README.md",
      "README.md",
    ])
      expect(existsSync(join(dir, "node_modules/crnnc", f)), f).toBe(true);
    // npm installs a peer that is not optional: the prettier plugin and `crnnc fmt` work as installed.
    expect(existsSync(join(dir, "node_modules/prettier/package.json"))).toBe(true);
  });

  it("a consumer type-checks under --strict, and runs: SBML emit/read, a plot, a sweep, cancellation by AbortSignal", (ctx) => {
    if (packError) return ctx.skip();
    tsc([...STRICT, "--outDir", "out", "consumer.ts"], dir);
    const r = spawnSync(process.execPath, ["out/consumer.js"], { cwd: dir, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout.trim().split("\n").pop()!);
    expect(o.checked).toBe(true);
    expect(o.species).toBeGreaterThan(10);
    expect(o.xml).toMatch(/^<\?xml/);
    expect([o.backSpecies, o.backKind, o.backProtocol, o.backErrors]).toEqual([o.species, "train", "cyclic", 0]);
    expect(o.antimony).toBe(true);
    expect(o.cut).toEqual({ iterationsRun: 1, stopped: "interrupted", seen: [1] });
    expect(o.early).toEqual({ iterationsRun: 1, stopped: "interrupted" });
    expect(o.whole).toEqual({ iterationsRun: 3, stopped: null, history: 4 });
    expect(o.svg).toBe("<svg");
    expect(o.html).toBe("<!doctype html>");
    expect(o.sweep).toEqual({ total: 2, ran: 1, interrupted: true, rows: [1, 0], failed: 0 });
    expect(readdirSync(join(dir, "sweep-out")).sort()).toEqual(["checkpoints", "points.jsonl", "summary.csv", "summary.json", "sweep.json"]);
  }, 180_000);

  it('`import "crnnc"` loads neither vega, libSBML nor prettier', (ctx) => {
    if (packError) return ctx.skip();
    const r = spawnSync(
      process.execPath,
      ["--import", "./hook.mjs", "--input-type=module", "-e", 'const m = await import("crnnc"); console.log(Object.keys(m).length);'],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const loaded = new Set([...r.stderr.matchAll(/^LOADED (\S+)$/gm)].map((m) => m[1]!));
    expect(loaded.has("crnnc"), r.stderr).toBe(true);
    for (const heavy of ["vega", "vega-lite", "libsbmljs_stable", "prettier"]) expect(loaded.has(heavy), `${heavy} loaded at import`).toBe(false);
  }, 180_000);

  it("every example (doc comments of the exports, docs/library.md) type-checks against the installed package", (ctx) => {
    if (packError) return ctx.skip();
    const examples = [...exportDocs().flatMap((d) => d.examples.map((code) => ({ where: d.name, code }))), ...markdownExamples("docs/library.md")];
    expect(examples.length).toBeGreaterThan(40);
    const exDir = join(dir, "examples-check");
    mkdirSync(exDir, { recursive: true });
    const files = examples.map((e, i) => {
      const name = `ex${String(i).padStart(3, "0")}-${e.where.replace(/[^A-Za-z0-9]/g, "_")}.ts`;
      writeFileSync(join(exDir, name), `${e.code}\nexport {};\n`);
      return join("examples-check", name);
    });
    tsc([...STRICT, "--noEmit", ...files], dir);
  }, 180_000);
});

describe("the library's documentation", () => {
  it("every function and class the entry exports has a doc comment with an example", () => {
    const missing = exportDocs()
      .filter((d) => (d.kind === "function" || d.kind === "class") && (!d.doc || d.examples.length === 0))
      .map((d) => `${d.name} (${d.file})`);
    expect(missing).toEqual([]);
  }, 180_000);
});

interface ExportDoc {
  name: string;
  kind: "function" | "class" | "value" | "type";
  file: string;
  doc: boolean;
  examples: string[];
}

let cachedDocs: ExportDoc[] | undefined;

/** The exports of src/index.ts with their doc comments, through the TypeScript compiler. */
function exportDocs(): ExportDoc[] {
  if (cachedDocs) return cachedDocs;
  const entry = resolve(ROOT, "src/index.ts");
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  });
  const checker = program.getTypeChecker();
  const mod = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  cachedDocs = checker.getExportsOfModule(mod).map((exp) => {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp;
    const decl = sym.declarations?.[0];
    const kind = !decl
      ? "type"
      : ts.isFunctionDeclaration(decl)
        ? "function"
        : ts.isClassDeclaration(decl)
          ? "class"
          : ts.isVariableDeclaration(decl)
            ? "value"
            : "type";
    const examples = sym
      .getJsDocTags(checker)
      .filter((t) => t.name === "example")
      .map((t) =>
        ts
          .displayPartsToString(t.text)
          .replace(/^\s*```\w*\n?/, "")
          .replace(/\n?```\s*$/, ""),
      );
    return {
      name: exp.name,
      kind,
      file: decl ? decl.getSourceFile().fileName.slice(ROOT.length + 1) : "",
      doc: ts.displayPartsToString(sym.getDocumentationComment(checker)).trim().length > 0,
      examples,
    };
  });
  return cachedDocs;
}

/** The ```ts blocks of a markdown file. */
function markdownExamples(path: string): { where: string; code: string }[] {
  const md = readFileSync(resolve(ROOT, path), "utf8");
  return [...md.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m, i) => ({ where: `${path}#${i + 1}`, code: m[1]! }));
}
