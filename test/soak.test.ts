// Soak: many CLI invocations (in-process, as `crnnc check`, `info` and `compile` run) on hostile
// inputs — mutated examples, random bytes from 1 KB to 10 MB, slices of a binary, deep nesting,
// extreme numbers in every numeric position. Each must end with exit 0, 1 or 2, in under 5 s,
// with stderr under 64 KB and no internal error or stack trace. The suite runs SOAK_CASES (default
// 250); `npm run soak` runs 5000 and prints the worst time and stderr size (issue 13).

import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./helpers.js";
import { Prng, SOURCES, mutant, numberPositions } from "./fuzz-mutate.js";

const CASES = Number(process.env["SOAK_CASES"] ?? 250);
const SEED = Number(process.env["SOAK_SEED"] ?? 0x50a6);
const EXTREMES = [
  "1e308",
  "-1e308",
  "1e-320",
  "0",
  "-0",
  "0/0",
  "1/0",
  "-1/0",
  "1e300 * 1e300",
  "4294967296",
  "9007199254740993",
  "-1",
  "0.5",
  "1e-9",
  "2^1023",
];

const dir = mkdtempSync(join(tmpdir(), "crnnc-soak-"));
const binary = readFileSync(process.execPath);

/** Case i: a file and the command to run on it. */
function hostile(i: number): { what: string; data: string | Buffer; command: string[] } {
  const r = new Prng(SEED + i * 7919);
  const src = SOURCES[i % SOURCES.length]!;
  const command = r.pick([["check"], ["check"], ["info"], ["compile", "--emit", "json"]]);
  const kind = r.int(10);
  if (kind < 4) return { what: `mutant ${src.name} #${i}`, data: mutant(src, SEED + i).text, command };
  if (kind < 6) {
    // Random bytes, log-uniform in size from 1 KB to 10 MB (the large ones rarely).
    const n = Math.floor(1000 * Math.pow(10_000, r.next() ** 3));
    const b = Buffer.alloc(n);
    for (let k = 0; k < n; k += 4) b.writeUInt32LE((r.next() * 4294967296) >>> 0, Math.min(k, n - 4));
    return { what: `${n} random bytes`, data: b, command };
  }
  if (kind < 7) {
    const at = r.int(binary.length - 70_000);
    return { what: "a slice of the node binary", data: binary.subarray(at, at + 1000 + r.int(60_000)), command };
  }
  if (kind < 8) {
    const n = 10 + r.int(100_000);
    const open = r.pick(["(", "{", "-", "^1", "+1", "-(", "dense 2 "]);
    return { what: `${n} × ${JSON.stringify(open)}`, data: `const a = ${open.repeat(n)}1\n`, command };
  }
  // An extreme value in one or more numeric positions.
  let text = src.text;
  const spots = numberPositions(text);
  for (let k = 0; k < 1 + r.int(3) && spots.length; k++) {
    const s = spots[r.int(spots.length)]!;
    text = text.slice(0, s.at) + r.pick(EXTREMES) + text.slice(s.at + s.len);
    spots.splice(0, spots.length, ...numberPositions(text));
  }
  return { what: `extremes in ${src.name} #${i}`, data: text, command };
}

describe(`soak: ${CASES} CLI invocations on hostile input`, () => {
  it("every one ends with 0, 1 or 2, in under 5 s, stderr under 64 KB, no internal error", async () => {
    let worstMs = 0;
    let worstBytes = 0;
    let worstWhat = "";
    const bad: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const c = hostile(i);
      const file = join(dir, `case${i % 16}.crnn`);
      writeFileSync(file, c.data);
      const t = performance.now();
      let r: Awaited<ReturnType<typeof runCli>>;
      try {
        r = await runCli([...c.command, file]);
      } catch (e) {
        bad.push(`${c.what}: threw ${(e as Error).message}`);
        continue;
      }
      const ms = performance.now() - t;
      const bytes = Buffer.byteLength(r.stderr);
      if (ms > worstMs) [worstMs, worstWhat] = [ms, c.what];
      worstBytes = Math.max(worstBytes, bytes);
      if (![0, 1, 2].includes(r.code)) bad.push(`${c.what}: exit ${r.code}`);
      if (ms > 5000) bad.push(`${c.what}: ${ms.toFixed(0)} ms`);
      if (bytes > 64 * 1024) bad.push(`${c.what}: ${bytes} bytes of stderr`);
      if (/internal error|\bat .*\.(ts|js):\d+|Maximum call stack/.test(r.stderr)) bad.push(`${c.what}: ${r.stderr.slice(0, 300)}`);
    }
    console.log(`soak: ${CASES} invocations; worst time ${worstMs.toFixed(0)} ms (${worstWhat}); largest stderr ${worstBytes} bytes`);
    expect(bad).toEqual([]);
  }, 3_600_000);
});
