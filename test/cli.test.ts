// The command line, run in-process (and once through the built bin): output, files, exit codes.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execFileSync } from "node:child_process";
import { runCli, ROOT } from "./helpers.js";

const xor = resolve(ROOT, "examples/xor.crnn");

describe("crnnc CLI", () => {
  it("compile prints one reaction per line", async () => {
    const r = await runCli(["compile", xor, "--emit", "reactions"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^\/\/ train xor_net from .*: 223 species, 469 reactions$/);
    expect(lines).toHaveLength(470);
    expect(lines).toContain("X1_1 + W0_1_0_p + X0_0 -> 2 X1_1 + W0_1_0_p + X0_0 @ 1");
    expect(lines).toContain("LW0_3_1_m -> LW0_3_1_m + W0_3_1_p @ 0.002");
  });

  it("compile -o writes the file atomically and leaves no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crnnc-cli-"));
    const out = join(dir, "xor.json");
    writeFileSync(out, "old contents");
    const r = await runCli(["compile", xor, "--emit", "json", "-o", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.format).toBe("crnnc-ir");
    expect(doc.species).toHaveLength(223);
    expect(doc.reactions).toHaveLength(469);
    expect(doc.summary.byTag).toEqual({
      forward: { reactions: 104, species: 96 },
      backward: { reactions: 283, species: 161 },
      update: { reactions: 82, species: 164 },
    });
    expect(doc.train.eta).toBe(0.002);
    expect(readdirSync(dir)).toEqual(["xor.json"]);
  });

  it("a failed compile leaves an existing output untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "crnnc-cli-"));
    const bad = join(dir, "bad.crnn");
    writeFileSync(bad, "crn c { A -> B @ kk }\n");
    const out = join(dir, "out.txt");
    writeFileSync(out, "keep me");
    const r = await runCli(["compile", bad, "-o", out]);
    expect(r.code).toBe(1);
    expect(readFileSync(out, "utf8")).toBe("keep me");
    expect(r.stderr).toContain("error[E0101]");
  });

  it("info summarises the network", async () => {
    const r = await runCli(["info", xor]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("2 → 10 → 1");
    expect(r.stdout).toMatch(/forward\s+104\s+96/);
    expect(r.stdout).toMatch(/feedback-free\s+yes/);
    expect(r.stdout).toMatch(/dual-rail pairs\s+93/);
  });

  it("check reports ok for every example", async () => {
    const files = ["xor", "iris", "mnist", "sine", "divide"].map((n) => resolve(ROOT, "examples", `${n}.crnn`));
    const r = await runCli(["check", ...files]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(5);
  });

  it("check accepts a library file with no blocks (the stdlib)", async () => {
    const r = await runCli(["check", resolve(ROOT, "stdlib/arith.crnn"), resolve(ROOT, "stdlib/smooth_relu.crnn")]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("--help and --version", async () => {
    const h = await runCli(["--help"]);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain("Usage:");
    const v = await runCli(["--version"]);
    expect(v.stdout).toMatch(/^crnnc \d+\.\d+\.\d+\n$/);
  });

  it("a missing input file is an error with exit 1, not a stack trace", async () => {
    const r = await runCli(["compile", "does/not/exist.crnn"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read does\/not\/exist\.crnn: no such file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("the built bin runs (as npx crnnc does)", () => {
    const bin = resolve(ROOT, "dist/cli/bin.js");
    expect(existsSync(bin), "dist/ is built by `npm install` / `npm ci` (prepare)").toBe(true);
    const out = execFileSync(process.execPath, [bin, "compile", xor], { encoding: "utf8" });
    expect(out.split("\n")[1]).toBe("H -> H + X1_0 @ 1");
  });
});
