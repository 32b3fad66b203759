// `crnnc sweep`: grid parsing and expansion, the compile overrides it relies on, usage errors,
// and small real sweeps of examples/sine.crnn (aggregation checked against points.jsonl,
// resume, blow-ups, the same results with 1 and 2 workers). The runs go through the built
// worker, dist/sweep/worker.js (`npx tsc -p .`).
import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runCli, ROOT } from "./helpers.js";
import { compileFile } from "../src/compile.js";
import { trainParam } from "../src/ir/parameters.js";
import { checkAxisNames, expandGrid, expandRuns, parseAxes, parseAxis, parseSeeds, pointOptions, runKey, SweepUsageError } from "../src/sweep/grid.js";
import { stat } from "../src/sweep/summary.js";
import { sourceHash, type RunRecord } from "../src/sweep/point.js";
import { runSweep } from "../src/sweep/sweep.js";

const sine = resolve(ROOT, "examples/sine.crnn");
const tmp = () => mkdtempSync(join(tmpdir(), "crnnc-sweep-"));
const lines = (dir: string): RunRecord[] =>
  readFileSync(join(dir, "points.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as RunRecord);
/** A record without its wall time, which is the one field that depends on scheduling. */
const result = ({ wallMs: _w, file: _f, ...r }: RunRecord) => r;

describe("sweep grid", () => {
  it("parses value lists and inclusive ranges", () => {
    expect(parseAxis("epsilon=0,0.02, 0.04")).toEqual({ name: "epsilon", values: [0, 0.02, 0.04] });
    expect(parseAxis("h=1:2:0.25").values).toEqual([1, 1.25, 1.5, 1.75, 2]);
    expect(parseAxis("epsilon=0:0.3:0.1").values).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it.each([
    ["epsilon", /NAME=v1,v2/],
    ["=1,2", /NAME=v1,v2/],
    ["epsilon=0,x", /`x` is not a number/],
    ["epsilon=0,,1", /`` is not a number/],
    ["epsilon=0.1,0.1", /given twice/],
    ["period=0,10", /must be positive/],
    ["eta=-1", /non-negative/],
    ["seed=1,2", /--seeds N/],
    ["h=2:1:1", /start ≤ stop/],
    ["h=1:2", /start:stop:step/],
  ])("rejects --over %s", (text, message) => {
    expect(() => parseAxis(text)).toThrow(SweepUsageError);
    expect(() => parseAxis(text)).toThrow(message);
  });

  it("expands the cartesian product, first axis slowest, then the seeds", () => {
    const axes = parseAxes(["epsilon=0,0.1", "period=10,20,30"]);
    const points = expandGrid(axes);
    expect(points).toHaveLength(6);
    expect(points[0]).toEqual({ epsilon: 0, period: 10 });
    expect(points[1]).toEqual({ epsilon: 0, period: 20 });
    expect(points[3]).toEqual({ epsilon: 0.1, period: 10 });
    expect(expandRuns(points, [1, 2]).slice(0, 3)).toEqual([
      { point: 0, seed: 1 },
      { point: 0, seed: 2 },
      { point: 1, seed: 1 },
    ]);
    expect(expandGrid([])).toEqual([{}]);
    expect(() => parseAxes(["h=1", "h=2"])).toThrow(/given twice/);
  });

  it("seeds, names, compile options and keys", () => {
    expect(parseSeeds("3", undefined, 7)).toEqual([1, 2, 3]);
    expect(parseSeeds(undefined, "5,9", 7)).toEqual([5, 9]);
    expect(parseSeeds(undefined, undefined, 7)).toEqual([7]);
    expect(() => parseSeeds("0", undefined, 1)).toThrow(/--seeds/);
    expect(() => parseSeeds("2", "1", 1)).toThrow(/not both/);
    expect(() => checkAxisNames(parseAxes(["hh=1"]), "net", { activation: new Set(["h"]), rates: new Set(["k", "k_div", "eta"]) })).toThrow(
      /unknown --over axis `hh`.*epsilon, period, eta, annihilate, volume, h, k, k_div\)/,
    );
    expect(() => checkAxisNames(parseAxes(["k_div=1"]), "net", { activation: new Set(["h"]), rates: new Set(["k_div"]) })).not.toThrow();
    expect(pointOptions({ epsilon: 0.1, period: 5, eta: 0.01, annihilate: 0, h: 2 })).toEqual({
      settings: { epsilon: 0.1, period: 5, eta: 0.01 },
      annihilate: 0,
      params: { h: 2 },
    });
    // The key ignores the order of the axes.
    expect(runKey("abc", "net", 10, { a: 1, b: 2 }, 3)).toBe(runKey("abc", "net", 10, { b: 2, a: 1 }, 3));
    expect(runKey("abc", "net", 10, { a: 1 }, 3)).not.toBe(runKey("abc", "net", 11, { a: 1 }, 3));
    expect(runKey("abc", "net", 10, { a: 1 }, 3)).not.toBe(runKey("abc", "other", 10, { a: 1 }, 3));
    // Integrator settings: none given keeps the default key; given ones make a new one.
    expect(runKey("abc", "net", 10, { a: 1 }, 3, {})).toBe(runKey("abc", "net", 10, { a: 1 }, 3));
    expect(runKey("abc", "net", 10, { a: 1 }, 3, { rtol: 1e-8 })).not.toBe(runKey("abc", "net", 10, { a: 1 }, 3));
    expect(runKey("abc", "net", 10, { a: 1 }, 3, { rtol: 1e-8 })).not.toBe(runKey("abc", "net", 10, { a: 1 }, 3, { atol: 1e-8 }));
  });

  it("aggregates with the sample standard deviation", () => {
    const s = stat([0.1, 0.3, null])!;
    expect(s.n).toBe(2);
    expect(s.mean).toBeCloseTo(0.2, 15);
    expect(s.sd).toBeCloseTo(Math.sqrt(0.02), 15);
    expect([s.min, s.max]).toEqual([0.1, 0.3]);
    expect(stat([0.5])).toEqual({ n: 1, mean: 0.5, sd: 0, min: 0.5, max: 0.5 });
    expect(stat([null, NaN])).toBeNull();
  });
});

describe("compile overrides", () => {
  it("set activation parameters in every layer that has them, and train settings", () => {
    const ir = compileFile(sine, { params: { h: 2 }, settings: { eta: 0.01, period: 20, epsilon: 0.05 } }).ir!;
    expect(ir.layers!.slice(1).map((l) => ir.parameters[l.activation!.params["h"]!]!.value)).toEqual([2, 2]);
    expect(ir.species.find((s) => s.id === "H")!.init).toBe(2); // the catalyst H = h
    expect(trainParam(ir, "eta")).toBe(0.01);
    expect(ir.parameters.filter((p) => p.name === "eta").map((p) => p.value)).toEqual([0.01]);
    expect(trainParam(ir, "period")).toBe(20);
    // No noise block in sine.crnn: ε > 0 brings the default one.
    expect(ir.train!.noise).toEqual({ epsilon: 0.05, resample: 0.05, hold: 0.005, on: ["backward", "nodes"] });
    expect(compileFile(sine, { settings: { epsilon: 0 } }).ir!.train!.noise).toBeUndefined();
  });

  it("report values out of range and parameters no layer has", () => {
    const bad = compileFile(sine, { params: { h: -1 } });
    expect(bad.ok).toBe(false);
    expect(bad.diagnostics.map((d) => d.code)).toContain("E0202");
    const unknown = compileFile(sine, { params: { q: 1 } });
    expect(unknown.diagnostics.map((d) => d.message)).toContain("no layer of `sine_net` has an activation with a parameter `q`");
    expect(compileFile(sine, { settings: { period: 0 } }).diagnostics[0]!.code).toBe("E0204");
  });
});

describe("crnnc sweep", () => {
  it("the worker is built", () => {
    expect(existsSync(resolve(ROOT, "dist/sweep/worker.js")), "dist/ is built by `npx tsc -p .`").toBe(true);
  });

  it("usage errors exit 2 with a message, never a stack trace", async () => {
    const cases: [string[], RegExp][] = [
      [["--over", "hh=1"], /unknown --over axis `hh`/],
      [["--over", "h=-1"], /--over h=-1: the smoothing parameter h must be positive/],
      [["--over", "epsilon=a"], /`a` is not a number/],
      [["--over", "h=1", "--workers", "0"], /--workers needs integers/],
      [["--bogus"], /Unknown option '--bogus'/],
      [["--method", "euler"], /unknown --method `euler` \(expected rodas5, rodas5p, rodas4, ros34pw2, dopri5, ssa, tau-leap, implicit-tau\)/],
      [["--rtol", "0"], /--rtol needs a positive number, got `0`/],
      [["--atol=-1e-9"], /--atol needs a positive number/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(["sweep", sine, ...args, "--out", tmp()]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toContain("crnnc sweep --help");
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const crn = await runCli(["sweep", resolve(ROOT, "examples/divide.crnn"), "--over", "eta=1"]);
    expect(crn.code).toBe(2);
    expect(crn.stderr).toMatch(/compiles to the crn `divide`/);
    const help = await runCli(["sweep", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: crnnc sweep FILE --over/);
  });

  it("sweeps 2 points × 2 seeds, aggregates per point, resumes, and gives the same results on 1 or 2 workers", async () => {
    const dir = tmp();
    const args = ["sweep", sine, "--over", "h=2,4", "--iterations", "20", "--out", dir];
    const r = await runCli([...args, "--seeds", "2", "--workers", "2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/2 points × 2 seeds = 4 runs; 4 to run on 2 workers/);
    expect(r.stderr).toMatch(/\[4\/4\] h=\d seed \d: avg train E/);
    const recs = lines(dir);
    expect(recs).toHaveLength(4);
    for (const x of recs) expect(x.iterationsRun).toBe(20);

    // The summary against the lines.
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(summary.runs).toEqual({ total: 4, done: 4, failed: 0 });
    expect(summary.points.map((p: { point: unknown }) => p.point)).toEqual([{ h: 2 }, { h: 4 }]);
    for (const [i, h] of [2, 4].entries()) {
      const v = recs.filter((x) => x.point["h"] === h).map((x) => x.averageTrainError!);
      const mean = (v[0]! + v[1]!) / 2;
      const sd = Math.abs(v[0]! - v[1]!) / Math.SQRT2;
      const row = summary.points[i];
      expect(row.runs).toBe(2);
      expect(row.settings.params).toEqual({ h });
      expect(row.metrics.averageTrainError.mean).toBeCloseTo(mean, 14);
      expect(row.metrics.averageTrainError.sd).toBeCloseTo(sd, 14);
      expect(row.metrics.averageTrainError.min).toBe(Math.min(...v));
      expect(row.metrics.finalValidationError).toBeNull(); // sine trains on all its points
    }
    const csv = readFileSync(join(dir, "summary.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toMatch(/^point,h,runs,blowups,averageTrainError_mean,averageTrainError_sd,/);
    expect(csv).toHaveLength(3);
    expect(Number(csv[1]!.split(",")[4])).toBe(summary.points[0].metrics.averageTrainError.mean);

    // Resume: a third seed runs only the 2 new runs; the 4 lines stay as they were.
    const before = readFileSync(join(dir, "points.jsonl"), "utf8");
    const more = await runCli([...args, "--seeds", "3", "--workers", "2"]);
    expect(more.code, more.stderr).toBe(0);
    expect(more.stderr).toMatch(/6 runs, 4 already in .*points\.jsonl; 2 to run/);
    expect(more.stderr.match(/^\[/gm)).toHaveLength(2);
    const after = readFileSync(join(dir, "points.jsonl"), "utf8");
    expect(after.startsWith(before)).toBe(true);
    expect(
      lines(dir)
        .map((x) => `${x.point["h"]}/${x.seed}`)
        .sort(),
    ).toEqual(["2/1", "2/2", "2/3", "4/1", "4/2", "4/3"]);

    // A lost line (and a torn one from a crash) is run again, nothing else.
    const kept = after
      .trim()
      .split("\n")
      .filter((l) => !(l.includes('"point":{"h":4}') && l.includes('"seed":2,')));
    writeFileSync(join(dir, "points.jsonl"), kept.join("\n") + '\n{"key":"[\\"tor');
    const redo = await runCli([...args, "--seeds", "3", "--workers", "2"]);
    expect(redo.code, redo.stderr).toBe(0);
    expect(redo.stderr).toMatch(/1 unreadable line/);
    expect(redo.stderr.match(/^\[/gm)).toEqual(["["]);
    expect(redo.stderr).toMatch(/\] h=4 seed 2:/);
    const final = lines2(dir);
    expect(final).toHaveLength(6);

    // The same runs on one worker, in another folder: identical results.
    const one = tmp();
    const r1 = await runCli(["sweep", sine, "--over", "h=2,4", "--iterations", "20", "--out", one, "--seeds", "3", "--workers", "1", "--quiet"]);
    expect(r1.code, r1.stderr).toBe(0);
    const byKey = (rs: RunRecord[]) => Object.fromEntries(rs.map((x) => [x.key, result(x)]));
    expect(byKey(lines(one))).toEqual(byKey(final));
    expect(readFileSync(join(one, "summary.csv"), "utf8")).toBe(readFileSync(join(dir, "summary.csv"), "utf8"));
  });

  it("stopping (Ctrl-C) hands out no more runs and keeps the finished ones", async () => {
    const dir = tmp();
    const base = compileFile(sine);
    const stop = new AbortController();
    const cfg = {
      file: sine,
      network: "sine_net",
      dataset: "sine",
      axes: parseAxes(["h=2,3,4"]),
      seeds: [1],
      iterations: 5,
      hash: sourceHash(base.sources),
      workers: 1,
      out: dir,
    };
    const out = await runSweep(cfg, { signal: stop.signal, onRecord: () => stop.abort() });
    expect(out.interrupted).toBe(true);
    expect(out.ran).toBe(1);
    expect(lines(dir)).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).runs).toEqual({ total: 3, done: 1, failed: 0 });
    const rest = await runSweep(cfg, {});
    expect([rest.interrupted, rest.resumed, rest.ran]).toEqual([false, 1, 2]);
  });

  it("--method/--rtol/--atol reach every run, are recorded, and a sweep at another tolerance is new runs", async () => {
    const dir = tmp();
    const base = ["sweep", sine, "--over", "h=2", "--iterations", "3", "--out", dir, "--quiet", "--workers", "1"];
    expect((await runCli(base)).code).toBe(0);
    const r = await runCli([...base, "--method", "rodas4", "--rtol", "1e-7"]);
    expect(r.code, r.stderr).toBe(0);
    const recs = lines(dir);
    expect(recs).toHaveLength(2);
    expect(recs[0]!.solver).toEqual({ method: "rodas5", rtol: 1e-6, atol: 1e-9 });
    expect(recs[1]!.solver).toEqual({ method: "rodas4", rtol: 1e-7, atol: 1e-9 });
    expect(recs[1]!.averageTrainError).not.toBe(recs[0]!.averageTrainError);
    expect(JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")).solver).toEqual({ method: "rodas4", rtol: 1e-7, atol: 1e-9 });
    // The same command again resumes: nothing new.
    await runCli([...base, "--method", "rodas4", "--rtol", "1e-7"]);
    expect(lines(dir)).toHaveLength(2);
  });

  it("--plot writes the sensitivity plot and its page", async () => {
    const dir = tmp();
    const r = await runCli(["sweep", sine, "--over", "h=2,4", "--iterations", "5", "--out", dir, "--plot", "--quiet"]);
    expect(r.code, r.stderr).toBe(0);
    const svg = readFileSync(join(dir, "sensitivity.svg"), "utf8");
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain("activation parameter h");
    expect(readFileSync(join(dir, "sensitivity.html"), "utf8")).toMatch(/^<!doctype html>/i);
    expect((await runCli(["sweep", sine, "--plot"])).stderr).toMatch(/--plot needs an --over axis/);
  });

  it("a blown-up run is a recorded result, not a failure", async () => {
    const dir = tmp();
    const r = await runCli(["sweep", sine, "--over", "eta=1000", "--iterations", "5", "--out", dir, "--workers", "1"]);
    expect(r.code, r.stderr).toBe(0);
    const [rec] = lines(dir);
    expect(rec!.stopped?.reason).toBe("blowup");
    expect(rec!.settings.eta).toBe(1000);
    const summary = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    expect(summary.points[0].blowups).toBe(1);
    expect(r.stdout).toMatch(/1 \(1 blew up\)/);
  });
});

/** The log's readable lines (a torn line from a crash is not one). */
function lines2(dir: string): RunRecord[] {
  return readFileSync(join(dir, "points.jsonl"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("{") && l.endsWith("}"))
    .map((l) => JSON.parse(l) as RunRecord);
}
