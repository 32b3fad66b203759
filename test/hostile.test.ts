// Hostile input: nothing hangs, nothing floods, nothing is lost (issue 13). Binary and random
// bytes are one diagnostic; a garbled text file shows at most 100 errors and counts the rest;
// a byte-order mark is accepted; chains that would overflow the parser's stack are refused with
// a location; output paths are checked before any work starts.
//
//   crnnc check /bin/ls   →  ls:1:1: error[E0304]: not a .crnn text file: it contains NUL bytes

import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compileText, runCli, mulberry32, ROOT } from "./helpers.js";
import { DiagnosticSink, MAX_DIAGNOSTICS_PER_FILE } from "../src/diagnostics/diagnostic.js";

const dir = mkdtempSync(join(tmpdir(), "crnnc-hostile-"));
const file = (name: string, data: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const randomBytes = (n: number, seed: number) => {
  const r = mulberry32(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
};

describe("bytes that are not a .crnn text", () => {
  it("10 MB of random bytes: one E0304 at 1:1, in well under the time a flood takes", async () => {
    const p = file("random.crnn", randomBytes(10_000_000, 1));
    const t = performance.now();
    const r = await runCli(["check", p]);
    expect(performance.now() - t).toBeLessThan(5000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/random\.crnn:1:1: error\[E0304\]: not a \.crnn text file: it contains NUL bytes/);
    expect(r.stderr).toMatch(/1 error, 0 warnings\n$/);
    expect(r.stderr.split("\n").length).toBeLessThan(10);
  });
  it("a binary (this machine's node executable) is one error, and its bytes never reach the terminal", async () => {
    const p = file("bin.crnn", readFileSync(process.execPath).subarray(0, 200_000));
    const r = await runCli(["check", p]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[E0304\]/);
    // eslint-disable-next-line no-control-regex
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });
  it("text with many control characters is not text; tabs, CR and form feeds are", () => {
    expect(compileText("\u0001\u0002\u0003\u0004 crn c {}".repeat(10)).diagnostics[0]?.code).toBe("E0304");
    expect(compileText("crn c {\r\n\tinit A = 1\f\r\n}\r\n").ok).toBe(true);
  });
  it("a source larger than 8 MiB is refused with its size", () => {
    const r = compileText(`crn c { }\n${"// padding padding padding\n".repeat(320_000)}`);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([["E0305", 1, 1]]);
    expect(r.diagnostics[0]!.message).toMatch(/^source file too large: 8\.\d MiB of text, the limit is 8\.0 MiB$/);
  });
});

describe("a UTF-8 byte-order mark", () => {
  it("is accepted, and columns on line 1 are counted without it", async () => {
    expect(compileText("\uFEFFcrn c { init A = 1  A -> 0 @ 1 }\n").ok).toBe(true);
    const p = file("bom.crnn", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("crn c { A -> 0 @ kk }\n")]));
    const r = await runCli(["check", p]);
    expect(r.stderr).toMatch(/bom\.crnn:1:18: error\[E0101\]/);
    const f = await runCli(["fmt", p]);
    expect(f.code).toBe(0);
    expect(f.stdout.startsWith("crn c {")).toBe(true);
  });
});

describe("a flood of errors", () => {
  // 300 KB of printable garbage: tokens and stray characters everywhere.
  const r0 = mulberry32(7);
  const alphabet = 'abcXYZ019 ->+@{}()=,.:;\n"/*#$%';
  let garbage = "";
  for (let i = 0; i < 300_000; i++) garbage += alphabet[Math.floor(r0() * alphabet.length)];
  it(`shows at most ${MAX_DIAGNOSTICS_PER_FILE} errors, then says how many more, in under 64 KB`, async () => {
    const p = file("garbage.crnn", garbage);
    const r = await runCli(["check", p]);
    expect(r.code).toBe(1);
    const shown = r.stderr.match(/error\[E\d+\]/g)!.length;
    expect(shown).toBe(MAX_DIAGNOSTICS_PER_FILE);
    const more = /… and (\d+) more errors in \S*garbage\.crnn \(the first 100 of each are shown\)/.exec(r.stderr);
    expect(more).not.toBeNull();
    const total = /\n(\d+) errors, 0 warnings\n$/.exec(r.stderr);
    expect(Number(total![1])).toBe(MAX_DIAGNOSTICS_PER_FILE + Number(more![1]));
    expect(r.stderr.length).toBeLessThan(64 * 1024);
  });
  it("the sink is linear: 200 000 distinct errors are collected in well under a second, duplicates dropped", () => {
    const sink = new DiagnosticSink();
    const t = performance.now();
    for (let i = 0; i < 200_000; i++) {
      const span = { file: `f${i % 3}.crnn`, start: i, end: i + 1, line: 1, col: i + 1, endLine: 1, endCol: i + 1 };
      sink.error("E0001", span, "x");
      sink.error("E0001", span, "x");
    }
    expect(performance.now() - t).toBeLessThan(1500);
    expect(sink.items).toHaveLength(3 * MAX_DIAGNOSTICS_PER_FILE);
    expect([...sink.omitted.values()].reduce((s, o) => s + o.errors, 0)).toBe(200_000 - 3 * MAX_DIAGNOSTICS_PER_FILE);
    expect(sink.hasErrors).toBe(true);
  });
  it("a long line is shown as a window around the caret", async () => {
    const p = file("long.crnn", `crn c { ${"A + ".repeat(400)}A -> 0 @ kk }\n`);
    const r = await runCli(["check", p]);
    const frame = r.stderr.split("\n").find((l) => l.startsWith("1 | "))!;
    expect(frame.length).toBeLessThan(130);
    expect(frame).toContain("@ kk");
  });
});

describe("chains that would overflow the parser's stack are refused with a location", () => {
  const cases: [string, string, RegExp, number][] = [
    ["10 000 unary minus signs", `const a = ${"-".repeat(10_000)}1\n`, /more than 200 minus signs in a row/, 211],
    ["a 1000-deep power tower", `const a = 1${"^1".repeat(1000)}\n`, /more than 200 `\^` in one expression/, 412],
    ["a sum of 20 000 terms", `const a = 1${"+1".repeat(20_000)}\n`, /an expression or reaction side with more than 1000 operators/, 2012],
  ];
  for (const [name, src, msg, col] of cases)
    it(name, () => {
      const r = compileText(src);
      expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([["E0002", 1, col]]);
      expect(r.diagnostics[0]!.message).toMatch(msg);
    });
  it("199 `^`, 150 nested brackets and a sum of 999 terms still compile", () => {
    for (const e of [`1${"^1".repeat(199)}`, `${"-(".repeat(150)}1${")".repeat(150)}`, `1${"+1".repeat(999)}`])
      expect(compileText(`const a = ${e}\ncrn c { init X = a  X -> 0 @ 1 }\n`).ok).toBe(true);
  });
});

describe("numeric settings out of range", () => {
  it("iterations 1e300 is E0205 at the value", () => {
    const r = compileText("import std/smooth_relu\nnetwork n { input 2  dense 1 smooth_relu(h: 1) }\ntrain n on xor {\n  iterations 1e300\n}\n");
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([["E0205", 4, 14]]);
    expect(r.diagnostics[0]!.message).toBe("iterations must be an integer in [1, 2^32), got 1e+300");
  });
});

describe("output paths are checked before any work starts", () => {
  const xor = resolve(ROOT, "examples/xor.crnn");
  for (const [name, args, msg] of [
    ["a missing directory", ["--json", join(dir, "no/such/dir/a.json")], /--json \S+: the directory \S+ does not exist/],
    ["a directory", ["--csv", dir], /--csv \S+: is a directory/],
    ["the input file", ["--report", xor], /--report \S+: refusing to write over the input file/],
    ["two outputs on one file", ["--json", join(dir, "a.json"), "--csv", join(dir, "a.json")], /--csv \S+: --json writes the same file/],
  ] as const)
    it(`${name}: exit 2 at once`, async () => {
      const t = performance.now();
      const r = await runCli(["sim", xor, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(performance.now() - t).toBeLessThan(1000);
    });
});

describe("deterministic bytes", () => {
  it("--deterministic: two runs of the same file and seed write byte-identical --json and --report; timings only without it", async () => {
    const xor = resolve(ROOT, "examples/xor.crnn");
    const out = (k: number, ext: string) => join(dir, `det-${k}.${ext}`);
    for (const k of [1, 2]) {
      const r = await runCli([
        "sim",
        xor,
        "--iterations",
        "20",
        "--quiet",
        "--deterministic",
        "--json",
        out(k, "json"),
        "--report",
        out(k, "html"),
        "--csv",
        out(k, "csv"),
      ]);
      expect(r.code, r.stderr).toBe(0);
    }
    for (const ext of ["json", "html", "csv"]) expect(readFileSync(out(1, ext), "utf8"), ext).toBe(readFileSync(out(2, ext), "utf8"));
    expect(JSON.parse(readFileSync(out(1, "json"), "utf8")).timings).toBeUndefined();
    expect(readFileSync(out(1, "html"), "utf8")).not.toMatch(/simulation time/);
    const timed = await runCli(["sim", xor, "--iterations", "20", "--quiet", "--json", out(3, "json")]);
    expect(timed.code).toBe(0);
    expect(JSON.parse(readFileSync(out(3, "json"), "utf8")).timings.msPerIteration).toBeGreaterThan(0);
  });
});

describe("networks larger than memory allows", () => {
  it("1000-2000-2 (2·10⁶ parameters) is refused up front, with the estimate, in well under a second", () => {
    const t = performance.now();
    const r = compileText("import std/smooth_relu\nnetwork huge { input 1000  dense 2000 smooth_relu(h: 1)  dense 2 smooth_relu(h: 1) }\n");
    expect(performance.now() - t).toBeLessThan(1000);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([["E0201", 2, 9]]);
    expect(r.diagnostics[0]!.message).toMatch(
      /has 2\.01e\+6 weights and biases, about 4\.0e\+6 species and as many reactions, needing about 7\.4 GB; (this process can hold about \S+|crnnc handles at most 5e\+6)$/,
    );
  });
});

describe("rails that grow without bound are said once, with the fix", () => {
  it("XOR without annihilation: one note past 1e4, naming the rail and `annihilate 1`; none with annihilation", async () => {
    const { train } = await import("../src/library.js");
    const { compileFile } = await import("../src/compile.js");
    const notes: string[] = [];
    const ir = compileFile(resolve(ROOT, "examples/xor.crnn"), { iterations: 1500 }).ir!;
    train(ir, { onNote: (m) => notes.push(m) });
    const rails = notes.filter((n) => /weight rails have grown/.test(n));
    expect(rails).toHaveLength(1);
    expect(rails[0]).toMatch(/grown to \d\.\de\+4 \((W|B)\d+_\d+(_\d+)?_(p|m)\).*`annihilate 1`/);
    const quiet: string[] = [];
    train(compileFile(resolve(ROOT, "examples/xor.crnn"), { iterations: 1500, annihilate: 1 }).ir!, { onNote: (m) => quiet.push(m) });
    expect(quiet.filter((n) => /weight rails/.test(n))).toEqual([]);
  });
});
