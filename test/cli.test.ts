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
    expect(lines[1]).toBe("// parameters: T = 300, h = 3, k = 1, k_div = 10, eta = 0.002");
    expect(lines).toHaveLength(471);
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
    expect(doc.train.params.eta).toBe("eta");
    expect(doc.parameters.find((p: { id: string }) => p.id === "eta").value).toBe(0.002);
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
    expect(out.split("\n")[2]).toBe("H -> H + X1_0 @ 1");
  });
});

describe("crnnc sim", () => {
  const dir = mkdtempSync(join(tmpdir(), "crnnc-sim-cli-"));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const small = () =>
    file(
      "small.crnn",
      `import std/smooth_relu
network xor_net { input 2  dense 3 smooth_relu(h: 1)  dense 1 smooth_relu(h: 1) }
train xor_net on xor { eta 0.01  period 20  iterations 30  evaluate every 10 }
`,
    );

  it("trains, prints a summary and writes --json and --csv atomically", async () => {
    const json = join(dir, "run.json");
    const csv = join(dir, "run.csv");
    const r = await runCli(["sim", small(), "--json", json, "--csv", csv, "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^xor_net on xor: 30 iterations of T = 20 in /);
    expect(r.stdout).toMatch(/average train error over the last 4 evaluations: /);
    const doc = JSON.parse(readFileSync(json, "utf8"));
    expect(doc.history.map((e: { iteration: number }) => e.iteration)).toEqual([0, 10, 20, 30]);
    expect(doc.weights.w[0]).toHaveLength(3);
    expect(doc.weights.w[0][0]).toHaveLength(2);
    expect(doc.weights.b[1]).toHaveLength(1);
    expect(doc.settings).toMatchObject({ eta: 0.01, period: 20, iterations: 30, method: "rodas5" });
    expect(readFileSync(csv, "utf8").split("\n")[0]).toBe("iteration,time,trainError,trainAccuracy,validationError,validationAccuracy");
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("plain progress lines when stderr is not a terminal", async () => {
    const r = await runCli(["sim", small()]);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^30\/30 {2}E [\d.e-]+ {2}A \d+% {2}ETA /);
  });

  it("--trace writes the trajectories of the named species", async () => {
    const out = join(dir, "trace.csv");
    const r = await runCli(["sim", small(), "--iterations", "2", "--trace", "Y_0,W1_0_0_p", "--trace-csv", out, "--quiet"]);
    expect(r.code).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("t,Y_0,W1_0_0_p");
    expect(Number(lines.at(-1)!.split(",")[0])).toBe(40);
    expect(lines.length).toBeGreaterThan(10);
  });

  it("bad option values are usage errors (exit 2)", async () => {
    for (const args of [
      ["--method", "euler"],
      ["--rtol", "0"],
      ["--readout", "closedform"],
      ["--order", "shuffle"],
      ["--iterations", "0"],
      ["--trace", "Y_0"],
      ["--trace", "NOPE", "--json", join(dir, "x.json")],
    ]) {
      const r = await runCli(["sim", small(), ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/^crnnc: /);
    }
  });

  it("a flag the command does not take is a usage error (exit 2), never ignored", async () => {
    const xor = resolve(ROOT, "examples/xor.crnn");
    for (const args of [
      ["check", xor, "--schedule", "events"],
      ["info", xor, "--iterations", "3"],
      ["check", xor, "--emit", "json"],
      ["validate", xor, "--seed", "1"],
      ["fmt", xor, "--target", "x"],
      ["compile", xor, "--quiet"],
      ["sim", xor, "--emit", "sbml"],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(new RegExp(`^crnnc: --${args[2]!.slice(2)} does not apply to \`${args[0]}\``));
    }
    // ... and the flags a command does take still work.
    expect((await runCli(["check", xor, "--target", "xor_net", "--seed", "3"])).code).toBe(0);
  });

  it("a raw crn: final values, or CSV samples with --points", async () => {
    const div = resolve(ROOT, "examples/divide.crnn");
    const r = await runCli(["sim", div, "--until", "2"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/q\s+2\.000000000/);
    const c = await runCli(["sim", div, "--until", "1", "--points", "3"]);
    expect(c.stdout.trim().split("\n")).toEqual([expect.stringMatching(/^t,a,b,q$/), expect.stringMatching(/^0,6,3,0$/), expect.anything(), expect.anything()]);
  });

  it("a blow-up gives a clear message and exit 1, keeping what was computed", async () => {
    const boom = file("boom.crnn", "crn boom {\n  init A = 1\n  2 A -> 3 A @ 1\n}\n");
    const r = await runCli(["sim", boom, "--until", "2", "--points", "5"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/crnnc: the run blew up at t = [\d.]+: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout.trim().split("\n").length).toBeGreaterThanOrEqual(2); // header + t = 0 (+ t = 0.5)
  });

  it("a network without a train block is evaluated at --input, next to its closed form", async () => {
    const net = file("net.crnn", "import std/smooth_relu\nnetwork n { input 2  dense 3 smooth_relu(h: 1)  dense 1 smooth_relu(h: 2) }\n");
    const r = await runCli(["sim", net, "--input", "0.5,1"]);
    expect(r.code).toBe(0);
    const row = r.stdout.split("\n").find((l) => l.trim().startsWith("Y_0"))!;
    const [, crn, closed, rel] = row.trim().split(/\s+/);
    expect(Math.abs(Number(crn) - Number(closed)) / Number(closed)).toBeLessThan(1e-9);
    expect(Number(rel)).toBeLessThan(1e-9);
    expect((await runCli(["sim", net])).code).toBe(2);
    expect((await runCli(["sim", net, "--input", "1,-2"])).code).toBe(2);
  });

  it("Ctrl-C stops after the current iteration and still writes the results (exit 130)", async () => {
    const json = join(dir, "interrupted.json");
    const bin = resolve(ROOT, "dist/cli/bin.js");
    const { spawn } = await import("node:child_process");
    const child = spawn(process.execPath, [bin, "sim", resolve(ROOT, "examples/xor.crnn"), "--json", json, "--quiet"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("close", r));
    expect(code).toBe(130);
    const doc = JSON.parse(readFileSync(json, "utf8"));
    expect(doc.stopped.reason).toBe("interrupted");
    expect(doc.iterationsRun).toBeGreaterThan(0);
    expect(doc.history.at(-1).iteration).toBe(doc.iterationsRun);
    expect(out).toMatch(/stopped: interrupted after iteration \d+/);
  });
});
