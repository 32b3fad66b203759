// Checkpoints: a run resumed from one ends exactly as a run that never stopped — same history,
// weights, integrator counters, trace, bytes — with noise, rate-law switches and the crn
// readout too; a checkpoint of another run is refused; and through the built CLI, a run killed
// with SIGKILL and resumed writes the same --json as an uninterrupted one (issue 13).
//
//   crnnc sim x.crnn --json out.json            (killed)  →  out.json.checkpoint
//   crnnc sim x.crnn --json out.json --resume out.json.checkpoint

import { describe, it, expect } from "vitest";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { compileFile } from "../src/compile.js";
import { train } from "../src/library.js";
import type { Checkpoint } from "../src/train/checkpoint.js";
import type { TrainOptions, TrainResult } from "../src/train/trainer.js";
import { mustCompile, runCli, ROOT } from "./helpers.js";

/** A result as the JSON output has it, without the wall-clock timings. */
const comparable = (r: TrainResult) => JSON.stringify({ ...r, timings: undefined, finalState: [...r.finalState] });

/** Run uninterrupted, and resumed from every checkpoint a checkpointing run wrote: all must agree. */
function resumesExactly(ir: Parameters<typeof train>[0], every: number, opts: TrainOptions = {}): number {
  const whole = train(ir, opts);
  const cps: Checkpoint[] = [];
  const withCps = train(ir, { ...opts, checkpoint: { every, write: (cp) => void cps.push(JSON.parse(JSON.stringify(cp)) as Checkpoint) } });
  expect(comparable(withCps)).toBe(comparable(whole));
  expect(cps.length).toBeGreaterThan(0);
  for (const cp of cps) expect(comparable(train(ir, { ...opts, resume: cp })), `resumed from ${cp.iteration}`).toBe(comparable(whole));
  return cps.length;
}

describe("resuming from a checkpoint", () => {
  it("XOR, 300 iterations, from iterations 100 and 200: every byte of the result", () => {
    const ir = compileFile(resolve(ROOT, "examples/xor.crnn"), { iterations: 300 }).ir!;
    expect(resumesExactly(ir, 100, { trace: ["X1_0"] })).toBe(3);
  });
  it("the leaky-ReLU network with noise (switches located, noise draws and step memory carried)", () => {
    const ir = mustCompile(`import std/leaky_relu
network n { input 1  dense 4 leaky_relu(alpha: 1, beta: 0.1)  dense 1 leaky_relu(alpha: 1, beta: 0.1) }
train n on sine { eta 0.001  period 50  iterations 6  init uniform(-1, 1)  seed 3  evaluate every 1
  noise { epsilon 0.1  resample 0.05  hold 0.005  on forward, backward } }
`);
    expect(resumesExactly(ir, 2)).toBe(3);
    expect(resumesExactly(ir, 3, { noiseIntegration: "fixed" })).toBe(2);
  });
  it("the crn readout (its integrator's memory carried)", () => {
    const ir = compileFile(resolve(ROOT, "examples/xor.crnn"), { iterations: 40 }).ir!;
    expect(resumesExactly(ir, 20, { readout: "crn" })).toBe(2);
  });
  it("refuses a checkpoint of another run", () => {
    const a = compileFile(resolve(ROOT, "examples/xor.crnn"), { iterations: 20 }).ir!;
    const b = compileFile(resolve(ROOT, "examples/xor.crnn"), { iterations: 20, seed: 9 }).ir!;
    const cps: Checkpoint[] = [];
    train(a, { checkpoint: { every: 10, write: (cp) => void cps.push(cp) } });
    expect(() => train(b, { resume: cps[0]! })).toThrow(/the checkpoint is from another run/);
    expect(() => train(a, { rtol: 1e-7, resume: cps[0]! })).toThrow(/the checkpoint is from another run/);
  });
});

describe("crnnc sim --checkpoint / --resume", () => {
  const dir = mkdtempSync(join(tmpdir(), "crnnc-cp-"));
  const xor = resolve(ROOT, "examples/xor.crnn");
  it("a run killed with SIGKILL after 1000 iterations, resumed, writes the uninterrupted run's --json byte for byte", async () => {
    const bin = resolve(ROOT, "dist/cli/bin.js");
    expect(existsSync(bin), "dist/ is built by npm ci (prepare)").toBe(true);
    const args = (out: string) => ["sim", xor, "--iterations", "2500", "--quiet", "--deterministic", "--json", out];
    execFileSync(process.execPath, [bin, ...args(join(dir, "whole.json"))]);
    const out = join(dir, "killed.json");
    const cpFile = `${out}.checkpoint`;
    const child = spawn(process.execPath, [bin, ...args(out), "--checkpoint", cpFile, "--checkpoint-every", "500"], { stdio: "ignore" });
    // Kill it once a checkpoint at iteration ≥ 1000 is on disk (and before it finishes).
    const at = await new Promise<number>((done, fail) => {
      const timer = setInterval(() => {
        if (child.exitCode !== null) return fail(new Error("the run finished before it could be killed"));
        try {
          const cp = JSON.parse(readFileSync(cpFile, "utf8")) as Checkpoint;
          if (cp.iteration >= 1000) {
            child.kill("SIGKILL");
            clearInterval(timer);
            done(cp.iteration);
          }
        } catch {
          /* not there yet (it appears atomically, so never half-written) */
        }
      }, 20);
    });
    await new Promise((r) => child.once("exit", r));
    expect(at).toBeGreaterThanOrEqual(1000);
    expect(existsSync(out)).toBe(false);
    const r = await runCli([...args(out), "--checkpoint", cpFile, "--resume", cpFile]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(readFileSync(join(dir, "whole.json"), "utf8"));
  }, 60_000);
  it("--json keeps its own checkpoint beside it while the run goes on, and removes it when the run completes", async () => {
    const out = join(dir, "plain.json");
    // Interrupted (Ctrl-C as the run starts: it stops after iteration 1): the checkpoint beside --json stays.
    const { main } = await import("../src/cli/main.js");
    const io = { stdout: () => {}, stderr: () => {}, color: false, onSigint: (h: () => void) => (h(), () => {}) };
    expect(await main(["sim", xor, "--iterations", "30", "--quiet", "--checkpoint-every", "10", "--json", out], io)).toBe(130);
    expect((JSON.parse(readFileSync(`${out}.checkpoint`, "utf8")) as Checkpoint).iteration).toBe(1);
    // Completed: the checkpoint, written every 10 iterations, is gone.
    const r = await runCli(["sim", xor, "--iterations", "30", "--quiet", "--checkpoint-every", "10", "--json", out]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(existsSync(`${out}.checkpoint`)).toBe(false);
  });
  it("a bad --resume is a usage error", async () => {
    const notCp = join(dir, "plain.json");
    for (const [file, msg] of [
      [join(dir, "none.checkpoint"), /--resume \S+: no such file/],
      [xor, /--resume \S+: not a crnnc checkpoint \(not JSON\)/],
      [notCp, /--resume \S+: not a crnnc checkpoint$/m],
    ] as const) {
      const r = await runCli(["sim", xor, "--iterations", "30", "--quiet", "--resume", file]);
      expect(r.code, file).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    const cp = join(dir, "seed1.checkpoint");
    expect((await runCli(["sim", xor, "--iterations", "20", "--quiet", "--checkpoint", cp, "--checkpoint-every", "10"])).code).toBe(0);
    const other = await runCli(["sim", xor, "--iterations", "20", "--quiet", "--seed", "2", "--resume", cp]);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/--resume \S+: the checkpoint is from another run/);
  });
});

describe("sweep points keep checkpoints", () => {
  it("a point cut short resumes from its checkpoint on the next run: the same record, and the checkpoint is gone", async () => {
    const { Runner } = await import("../src/sweep/point.js");
    const { readdirSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "crnnc-sweep-cp-"));
    const job = { file: resolve(ROOT, "examples/xor.crnn"), point: { k_div: 5 }, seed: 2, iterations: 300, checkpoints: { dir, seconds: 0 } };
    const whole = new Runner().run({ ...job, checkpoints: undefined });
    const stop = new AbortController();
    const cut = new Runner().run(job, { signal: stop.signal, onProgress: (p) => void (p.iteration === 120 && stop.abort()) });
    expect(cut.stopped?.reason).toBe("interrupted");
    expect(readdirSync(dir)).toHaveLength(1);
    const seen: number[] = [];
    const resumed = new Runner().run(job, { onProgress: (p) => void seen.push(p.iteration) });
    expect(seen[0]).toBe(121);
    expect({ ...resumed, wallMs: 0 }).toEqual({ ...whole, wallMs: 0 });
    expect(readdirSync(dir)).toHaveLength(0);
  });
});
