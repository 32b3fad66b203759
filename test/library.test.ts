// The library entry (src/index.ts) from the sources: cancellation by AbortSignal (train,
// trainAsync, sweep) stops after the current iteration or run and returns what was done,
// marked interrupted; the sweep convenience checks its grid like `crnnc sweep`; `check` is
// `crnnc check`. test/package.test.ts runs the same API from the packed tarball.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ROOT } from "./helpers.js";
import {
  check,
  compileFile,
  sweep,
  sweepConfig,
  SweepCompileError,
  SweepUsageError,
  toAxes,
  train,
  trainAsync,
  type Checkpoint,
  type Progress,
} from "../src/index.js";

const tiny = resolve(ROOT, "test/fixtures/package/tiny.crnn");
const xor = resolve(ROOT, "examples/xor.crnn");
const tmp = () => mkdtempSync(join(tmpdir(), "crnnc-library-"));

describe("train and trainAsync with an AbortSignal", () => {
  const ir = compileFile(xor).ir!;

  it("stops after the iteration in which the signal was aborted, evaluated there, marked interrupted", () => {
    const stop = new AbortController();
    const seen: number[] = [];
    const r = train(ir, {
      iterations: 50,
      signal: stop.signal,
      onProgress: (p: Progress) => {
        seen.push(p.iteration);
        if (p.iteration === 3) stop.abort();
      },
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(r.iterationsRun).toBe(3);
    expect(r.stopped).toMatchObject({ reason: "interrupted", message: "interrupted after iteration 3" });
    expect(r.history.at(-1)!.iteration).toBe(3);
    // The same first three iterations as a run that was not stopped.
    const three = train(ir, { iterations: 3 });
    expect(r.finalState).toEqual(three.finalState);
  });

  it("a signal aborted before the start runs one iteration; no signal runs them all", () => {
    expect(train(ir, { iterations: 5, signal: AbortSignal.abort() }).iterationsRun).toBe(1);
    const r = train(ir, { iterations: 5, signal: new AbortController().signal });
    expect([r.iterationsRun, r.stopped]).toEqual([5, undefined]);
  });

  it("trainAsync yields to the event loop, so a timer can abort it", async () => {
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 50);
    const r = await trainAsync(ir, { iterations: 1_000_000, signal: stop.signal });
    expect(r.stopped?.reason).toBe("interrupted");
    expect(r.iterationsRun).toBeGreaterThan(0);
    expect(r.iterationsRun).toBeLessThan(1_000_000);
  });

  it("writes a checkpoint when stopped, and resuming it gives the uninterrupted run", () => {
    const stop = new AbortController();
    let cp: Checkpoint | undefined;
    train(ir, {
      iterations: 20,
      signal: stop.signal,
      checkpoint: { every: 1000, write: (c) => (cp = c) },
      onProgress: (p) => void (p.iteration === 7 && stop.abort()),
    });
    expect(cp?.iteration).toBe(7);
    const resumed = train(ir, { iterations: 20, resume: cp! });
    const whole = train(ir, { iterations: 20 });
    expect({ ...resumed, timings: undefined }).toEqual({ ...whole, timings: undefined });
  });
});

describe("sweep", () => {
  it("runs a grid, and an aborted signal stops handing out runs (the finished ones are kept)", async () => {
    const out = tmp();
    const stop = new AbortController();
    const lines: string[] = [];
    const r = await sweep(tiny, {
      over: { period: [5, 10, 20] },
      seeds: [1],
      iterations: 2,
      workers: 1,
      out,
      signal: stop.signal,
      onRecord: () => stop.abort(),
      log: (l) => lines.push(l),
    });
    expect([r.total, r.ran, r.interrupted]).toEqual([3, 1, true]);
    expect(r.rows.map((x) => x.runs)).toEqual([1, 0, 0]);
    expect(readFileSync(join(out, "points.jsonl"), "utf8").trim().split("\n")).toHaveLength(1);
    expect(lines.some((l) => l.startsWith("sweep "))).toBe(true);
    // The same call again resumes: the finished run is not run again.
    const rest = await sweep(tiny, { over: { period: [5, 10, 20] }, seeds: [1], iterations: 2, workers: 1, out });
    expect([rest.resumed, rest.ran, rest.interrupted]).toEqual([1, 2, false]);
  });

  it("checks the grid as `crnnc sweep` does, before any run", () => {
    const out = tmp();
    expect(toAxes({ epsilon: [0, 0.02], period: [10] })).toEqual([
      { name: "epsilon", values: [0, 0.02] },
      { name: "period", values: [10] },
    ]);
    expect(toAxes([{ name: "h", values: [2, 4] }])).toEqual([{ name: "h", values: [2, 4] }]);
    expect(() => toAxes({ period: [0] })).toThrow(SweepUsageError);
    expect(() => toAxes({ period: [10, 10] })).toThrow(/given twice/);
    expect(() => toAxes({ eta: [Number.NaN] })).toThrow(/finite/);
    expect(() => sweepConfig(tiny, { over: { nosuch: [1] }, out })).toThrow(/unknown --over axis `nosuch`/);
    expect(() => sweepConfig(tiny, { over: { period: [5] }, seeds: [1, 1], out })).toThrow(/twice/);
    expect(() => sweepConfig(tiny, { over: { period: [5] }, iterations: 0, out })).toThrow(SweepUsageError);
    expect(() => sweepConfig(resolve(ROOT, "examples/divide.crnn"), { over: { period: [5] }, out })).toThrow(/sweep trains a train block/);
    const { config } = sweepConfig(tiny, { over: { period: [5] }, out, workers: 1 });
    expect(config).toMatchObject({ network: "tiny", dataset: "sine", seeds: [1], iterations: 3, workers: 1, out });
    expect(config.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("a file that does not compile is a SweepCompileError with its diagnostics", () => {
    const broken = resolve(ROOT, "test/fixtures/package/no-such-file.crnn");
    let err: unknown;
    try {
      sweepConfig(broken, { over: { period: [5] }, out: tmp() });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SweepCompileError);
    expect((err as SweepCompileError).diagnostics.length).toBeGreaterThan(0);
  });
});

describe("check", () => {
  it("is `crnnc check`: errors make it not ok, a file of definitions only is fine", () => {
    expect(check("crn c {\n  A -> B @ kk\n}\n", { file: "c.crnn" })).toMatchObject({ ok: false, diagnostics: [{ code: "E0101" }] });
    expect(check("rate k = 1\n", { file: "defs.crnn" })).toMatchObject({ ok: true, diagnostics: [] });
    expect(check("rate k = 1\n", { file: "defs.crnn", target: "nosuch" }).ok).toBe(false);
  });
});
