// `crnnc fmt` end to end (in-process, through runCli): --check on the repository, --check and
// --write on a badly formatted file, a file with a syntax error left alone, usage errors, and
// the time to format every example and stdlib file.

import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ROOT, runCli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "crnnc-fmt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const repoFiles = [
  ...readdirSync(resolve(ROOT, "examples"))
    .filter((f) => f.endsWith(".crnn"))
    .map((f) => resolve(ROOT, "examples", f)),
  ...readdirSync(resolve(ROOT, "stdlib"))
    .filter((f) => f.endsWith(".crnn"))
    .map((f) => resolve(ROOT, "stdlib", f)),
];

describe("crnnc fmt", () => {
  it("--check passes on the repository's examples and stdlib", async () => {
    const r = await runCli(["fmt", "--check", ...repoFiles]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("--check lists a badly formatted file and exits 1; --write fixes it; --check then passes", async () => {
    const f = join(dir, "messy.crnn");
    const ok = join(dir, "tidy.crnn");
    writeFileSync(f, "crn c{A+B->C@k   rate k=1}\n");
    writeFileSync(ok, "crn c {\n  A -> B\n}\n");
    const check = await runCli(["fmt", "--check", f, ok]);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`${f}\n`);
    expect(check.stderr).toMatch(/1 of 2 files not formatted/);
    expect(readFileSync(f, "utf8")).toBe("crn c{A+B->C@k   rate k=1}\n");

    const write = await runCli(["fmt", "--write", f, ok]);
    expect(write.code).toBe(0);
    expect(write.stdout).toBe(`${f}\n`);
    expect(readFileSync(f, "utf8")).toBe("crn c {\n  A + B -> C @ k\n  rate k = 1\n}\n");
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);

    const again = await runCli(["fmt", "--check", f, ok]);
    expect(again).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("without flags prints one file's formatted text", async () => {
    const f = join(dir, "print.crnn");
    writeFileSync(f, "network n{input 2 dense 1 smooth_relu}");
    const r = await runCli(["fmt", f]);
    expect(r).toEqual({ code: 0, stdout: "network n {\n  input 2\n  dense 1 smooth_relu\n}\n", stderr: "" });
    expect(readFileSync(f, "utf8")).toBe("network n{input 2 dense 1 smooth_relu}");
  });

  it("a file with a syntax error: diagnostics as `crnnc check` prints them, exit 1, file unchanged", async () => {
    const f = join(dir, "broken.crnn");
    const text = "crn c {\n  A + -> B\n}\n";
    writeFileSync(f, text);
    for (const flags of [["--write"], ["--check"], []]) {
      const r = await runCli(["fmt", ...flags, f]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/broken\.crnn:2:7: error\[E0002\]/);
      expect(r.stderr).toContain("2 |   A + -> B");
      expect(readFileSync(f, "utf8")).toBe(text);
    }
    // The same report as `crnnc check` (which also stops at syntax errors).
    const check = await runCli(["check", f]);
    const fmt = await runCli(["fmt", "--check", f]);
    expect(fmt.stderr).toBe(check.stderr);
  });

  it("other files are still formatted when one has errors", async () => {
    const bad = join(dir, "bad2.crnn");
    const good = join(dir, "good2.crnn");
    writeFileSync(bad, "crn c { A -> }\n");
    writeFileSync(good, "crn c{A->B}\n");
    const r = await runCli(["fmt", "--write", bad, good]);
    expect(r.code).toBe(1);
    expect(readFileSync(good, "utf8")).toBe("crn c {\n  A -> B\n}\n");
  });

  it("a missing file: a clear message and exit 1", async () => {
    const r = await runCli(["fmt", "--check", join(dir, "nope.crnn")]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read .*nope\.crnn: no such file/);
  });

  it("usage errors exit 2", async () => {
    expect((await runCli(["fmt"])).code).toBe(2);
    const two = await runCli(["fmt", repoFiles[0]!, repoFiles[1]!]);
    expect(two.code).toBe(2);
    expect(two.stderr).toMatch(/use --check or --write/);
    expect((await runCli(["fmt", "--emit", "json", repoFiles[0]!])).code).toBe(2);
    expect((await runCli(["check", "--write", repoFiles[0]!])).stderr).toMatch(/--write does not apply to `check`/);
  });

  it("formats every example and stdlib file in under 1 s in total", async () => {
    await runCli(["fmt", "--check", repoFiles[0]!]); // warm: the parser is built once per process
    const t0 = performance.now();
    const r = await runCli(["fmt", "--check", ...repoFiles]);
    const ms = performance.now() - t0;
    expect(r.code).toBe(0);
    console.log(`crnnc fmt --check on ${repoFiles.length} files: ${ms.toFixed(0)} ms`);
    expect(ms).toBeLessThan(1000);
  });
});
