// `crnnc check --format json|sarif`: machine-readable diagnostics. The JSON validates against
// schemas/diagnostics.schema.json and the SARIF against the OASIS SARIF 2.1.0 schema (both
// committed, checked with ajv); the values are the diagnostics' (code, place, related, fix).

import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { displayName } from "../src/load/loader.js";
import { Ajv } from "ajv";
import AjvDraft04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { ROOT, runCli } from "./helpers.js";

// CommonJS modules whose `module.exports` is the function, with `default` pointing at it too.
const AjvDraft04 = AjvDraft04Module.default;
const addFormats = addFormatsModule.default;
const schema = (name: string) => JSON.parse(readFileSync(resolve(ROOT, "schemas", name), "utf8")) as object;

let dir: string;
let bad: string;
let good: string;
const BAD = "import std/smooth_relu\nrate k = 1\nrate k = 2\nnetwork n {\n  input 2\n  dense 3 smooth_rlu(h: 1)\n  dense 1 smooth_relu(h: 1)\n}\n";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "crnnc-format-"));
  bad = join(dir, "bad file.crnn");
  good = join(dir, "good.crnn");
  writeFileSync(bad, BAD);
  writeFileSync(good, "crn c {\n  A -> 0 @ 1\n  init A = 1\n}\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Out {
  files: { file: string; ok: boolean; errors: number }[];
  diagnostics: {
    code: string;
    file: string;
    start: { line: number; column: number };
    end: { line: number; column: number };
    related: { start: { line: number } }[];
    fixes: { text: string }[];
  }[];
}

describe("crnnc check --format", () => {
  it("json: valid against the committed schema, with codes, places, related places and fixes", async () => {
    const r = await runCli(["check", "--format", "json", bad, good]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as Out;
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema("diagnostics.schema.json"));
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    const name = displayName(bad);
    expect(out.files).toEqual([
      { file: name, ok: false, errors: 2, warnings: 0 },
      { file: displayName(good), ok: true, errors: 0, warnings: 0 },
    ]);
    const [dup, act] = out.diagnostics;
    expect(dup).toMatchObject({ code: "E0102", file: name, start: { line: 3, column: 6, offset: 39 }, end: { line: 3, column: 7, offset: 40 } });
    expect(dup!.related).toEqual([
      { file: name, start: { line: 2, column: 6, offset: 28 }, end: { line: 2, column: 7, offset: 29 }, message: "first definition of `k`" },
    ]);
    const col = BAD.split("\n")[5]!.indexOf("smooth_rlu") + 1;
    expect(act).toMatchObject({ code: "E0103", start: { line: 6, column: col }, end: { line: 6, column: col + "smooth_rlu".length } });
    expect(act!.fixes).toMatchObject([{ text: "smooth_relu", start: { line: 6, column: col } }]);
    // The schema can fail: a diagnostic without its code does not validate.
    const broken = structuredClone(out) as { diagnostics: Record<string, unknown>[] };
    delete broken.diagnostics[0]!["code"];
    expect(validate(broken)).toBe(false);
  });

  it("sarif: valid against the SARIF 2.1.0 schema", async () => {
    const r = await runCli(["check", "--format", "sarif", bad, good]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      version: string;
      runs: { tool: { driver: { rules: { id: string }[] } }; results: unknown[] }[];
    };
    const ajv = new AjvDraft04({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema("sarif-schema-2.1.0.json"));
    expect(validate(out), JSON.stringify(validate.errors)).toBe(true);
    expect(out.version).toBe("2.1.0");
    const run = out.runs[0]!;
    expect(run.tool.driver.rules.map((x) => x.id)).toEqual(["E0102", "E0103"]);
    const [dup, act] = run.results as {
      ruleId: string;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endColumn: number } } }[];
      relatedLocations?: { physicalLocation: { region: { startLine: number } } }[];
      fixes?: { artifactChanges: { replacements: { insertedContent: { text: string } }[] }[] }[];
    }[];
    expect(dup!.relatedLocations![0]!.physicalLocation.region.startLine).toBe(2);
    expect(act!.ruleId).toBe("E0103");
    expect(act!.level).toBe("error");
    const loc = act!.locations[0]!.physicalLocation;
    expect(loc.artifactLocation.uri).toContain("bad%20file.crnn");
    expect(loc.region).toMatchObject({ startLine: 6, startColumn: 11, endColumn: 21 });
    expect(act!.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent.text).toBe("smooth_relu");
    // The schema can fail: a level SARIF does not know.
    (run.results[0] as Record<string, unknown>)["level"] = "fatal";
    expect(validate(out)).toBe(false);
  });

  it("text stays the default; an unknown format is a usage error", async () => {
    const r = await runCli(["check", bad]);
    expect(r.stderr).toContain("= note: ");
    expect(r.stderr).toContain("first definition of `k`");
    expect((await runCli(["check", "--format", "xml", bad])).code).toBe(2);
    expect((await runCli(["fmt", "--format", "json", bad])).code).toBe(2);
  });
});
