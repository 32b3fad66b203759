// Sweeps on many machines (issue 19): the shard plan, `--shard I/N` by hand and `collect`, and
// `--slurm` on a real single-node Slurm (Debian's slurm-wlm and munge, started by
// scripts/slurm-up.sh; .ci/run installs and starts it). Each sharded or clustered sweep's
// summary.json must be the bytes a sweep on one machine writes, and a killed array task,
// resubmitted, must make only its own unfinished runs. The Slurm tests skip, saying why, only
// when sbatch is absent outside CI (CI / CRNNC_CI set: they fail instead).

import { describe, it, expect, beforeAll } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runCli, ROOT } from "./helpers.js";
import { parseShard, pointCost, shardPlan } from "../src/sweep/shard.js";
import { arraySpec, sbatchScript, shellQuote } from "../src/sweep/slurm.js";
import { sweepConfig } from "../src/sweep/api.js";
import { planRuns } from "../src/sweep/sweep.js";

const sine = resolve(ROOT, "examples/sine.crnn");
const tmp = () => mkdtempSync(join(tmpdir(), "crnnc-cluster-"));
const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");
const lineCount = (dir: string, f: string) => (existsSync(join(dir, f)) ? read(dir, f).trim().split("\n").filter(Boolean).length : 0);

describe("the shard plan", () => {
  it("parses I/N counted from 1", () => {
    expect(parseShard("2/3")).toEqual({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "1/0", "3", "a/b", "1/2/3"]) expect(() => parseShard(bad), bad).toThrow(/--shard needs I\/N/);
  });

  it("puts every run in one shard and balances the expected cost", () => {
    // Runs of cost 1..20 (a period axis, say) over 4 shards: longest first, to the least loaded.
    const costs = Array.from({ length: 20 }, (_, i) => i + 1);
    const plan = shardPlan(costs, 4);
    expect(plan.every((s) => s >= 1 && s <= 4)).toBe(true);
    const load = [1, 2, 3, 4].map((s) => costs.reduce((a, c, i) => a + (plan[i] === s ? c : 0), 0));
    expect(load.reduce((a, b) => a + b)).toBe(210);
    // Within 3% of the mean 52.5 (cutting the list in 4 pieces in order would load 15, 40, 65, 90).
    expect(load).toEqual([54, 53, 52, 51]);
    // Equal costs: round robin, and the same plan every time.
    expect(shardPlan([1, 1, 1, 1, 1, 1], 3)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(shardPlan([4, 1, 1, 1, 1], 2)).toEqual([1, 2, 2, 2, 2]);
    expect(shardPlan(costs, 4)).toEqual(plan);
  });

  it("costs a run by reactions × T (× Ω when stochastic)", () => {
    const base = { reactions: 100, period: 10 };
    const sizes = (n: string, v: number) => (n === "annihilate" ? (v > 0 ? 120 : 100) : undefined);
    expect(pointCost({ period: 20 }, base, sizes, false)).toBe(200);
    expect(pointCost({ period: 20, annihilate: 1 }, base, sizes, false)).toBe(240);
    expect(pointCost({ volume: 1000 }, base, sizes, true)).toBe(100_000);
    expect(pointCost({ volume: 1000 }, base, sizes, false)).toBe(100);
    // From a file: a longer period is a costlier run, and its shard gets fewer of them.
    const { config } = sweepConfig(sine, { over: { period: [5, 10, 40] }, seeds: [1, 2], out: tmp() });
    expect(config.costs![2]! / config.costs![0]!).toBeCloseTo(8, 12);
    const { shardOf } = planRuns(config, 2);
    // 6 runs of costs 5, 5, 10, 10, 40, 40 (× reactions): one of each per shard, the loads equal.
    expect(shardOf).toEqual([1, 2, 1, 2, 1, 2]);
    const load = [1, 2].map((s) => shardOf!.reduce((a, x, i) => a + (x === s ? config.costs![Math.floor(i / 2)]! : 0), 0));
    expect(load[0]).toBe(load[1]);
  });
});

describe("--shard and collect", () => {
  it("3 shards by hand, collected, give the summary.json of a run on one machine, byte for byte", async () => {
    const grid = ["--over", "h=2,4", "--seeds", "3", "--iterations", "20", "--quiet"];
    const local = tmp();
    expect((await runCli(["sweep", sine, ...grid, "--out", local, "--workers", "2"])).code).toBe(0);
    const dir = tmp();
    const s1 = await runCli(["sweep", sine, ...grid, "--out", dir, "--shard", "1/3", "--workers", "1"]);
    expect(s1.code, s1.stderr).toBe(0);
    expect(s1.stdout).toMatch(/^shard 1\/3: 2 of its 2 runs done/);
    expect(s1.stdout).toContain(`crnnc sweep collect ${dir}`);
    expect(existsSync(join(dir, "summary.json"))).toBe(false); // the summaries are collect's
    // Collecting early: the missing runs, by shard (shards 2 and 3 never ran), exit 1.
    const early = await runCli(["sweep", "collect", dir]);
    expect(early.code).toBe(1);
    expect(early.stdout).toMatch(/2 of 6 runs done/);
    expect(early.stderr).toMatch(/4 runs missing/);
    expect(early.stderr).toMatch(/shard 2\/3: h=2 seed 2, h=4 seed 2 — it did not finish/);
    expect(early.stderr).toMatch(/shard 3\/3: h=2 seed 3, h=4 seed 3/);
    expect(JSON.parse(read(dir, "summary.json")).runs).toEqual({ total: 6, done: 2, failed: 0 });
    for (const i of [2, 3]) expect((await runCli(["sweep", sine, ...grid, "--out", dir, "--shard", `${i}/3`, "--workers", "1"])).code).toBe(0);
    expect([1, 2, 3].map((i) => lineCount(dir, `points-${i}.jsonl`))).toEqual([2, 2, 2]);
    // Per-shard resume: shard 2 again makes nothing.
    const again = await runCli(["sweep", sine, "--over", "h=2,4", "--seeds", "3", "--iterations", "20", "--out", dir, "--shard", "2/3"]);
    expect(again.stderr).toMatch(/2 in this shard, 2 already in .*; 0 to run/);
    expect(lineCount(dir, "points-2.jsonl")).toBe(2);
    const c = await runCli(["sweep", "collect", dir]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/6 of 6 runs done/);
    expect(read(dir, "summary.json")).toBe(read(local, "summary.json"));
    expect(read(dir, "summary.csv")).toBe(read(local, "summary.csv"));
    // A sweep on one machine in the same folder counts the shards' runs: nothing to make, the same summary.
    const whole = await runCli(["sweep", sine, "--over", "h=2,4", "--seeds", "3", "--iterations", "20", "--out", dir]);
    expect(whole.stderr).toMatch(/6 runs, 6 already in .*; 0 to run/);
    expect(read(dir, "summary.json")).toBe(read(local, "summary.json"));
    // collect --plot draws the sensitivity plot from the merged rows.
    const plotted = await runCli(["sweep", "collect", dir, "--plot", "--quiet"]);
    expect(plotted.code).toBe(0);
    expect(read(dir, "sensitivity.svg")).toMatch(/^<svg/);
  });

  it("collect reports a shard's failed runs with their errors", async () => {
    const dir = tmp();
    // Ω without a stochastic method: the run cannot be made (a failed run, not a usage error).
    const r = await runCli(["sweep", sine, "--over", "volume=100", "--iterations", "3", "--out", dir, "--shard", "1/1", "--quiet"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(read(dir, "shard-1.json"))).toMatchObject({ shard: "1/1", runs: 1, ran: 0, failed: [{ point: { volume: 100 } }] });
    const c = await runCli(["sweep", "collect", dir]);
    expect(c.code).toBe(1);
    expect(c.stderr).toMatch(/run volume=100 seed \d+ failed \(shard 1\/1\): --over volume needs --method ssa/);
    expect(c.stderr).not.toMatch(/\d+ runs? missing/);
    expect(JSON.parse(read(dir, "summary.json")).runs).toEqual({ total: 1, done: 0, failed: 1 });
  });

  it("usage errors exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["sweep", sine, "--over", "h=2", "--shard", "4/3"], /--shard needs I\/N/],
      [["sweep", sine, "--over", "h=2", "--shards", "3"], /--shards goes with --slurm/],
      [["sweep", sine, "--over", "h=2", "--wait"], /--wait goes with --slurm/],
      [["sweep", sine, "--over", "h=2", "--slurm", "--shard", "1/2"], /not both/],
      [["sweep", sine, "--over", "h=2", "--slurm", "--time", "1 hour"], /--time needs HH:MM:SS/],
      [["sweep", sine, "--over", "h=2", "--slurm", "--workers", "2"], /--workers is set by --cpus-per-task/],
      [["sweep", "collect", tmp()], /sweep\.json does not exist/],
      [["sweep", "collect"], /exactly one DIR/],
      [["sweep", "collect", tmp(), "--seeds", "2"], /sweep collect takes DIR \[--plot\] \[--quiet\], not --seeds/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe("the sbatch script", () => {
  it("runs shard $SLURM_ARRAY_TASK_ID of N with the task's CPUs, from the command's folder, with the Slurm options", () => {
    const s = sbatchScript(
      {
        dir: "/scratch/my sweep",
        cwd: "/home/me",
        node: "/usr/bin/node",
        cli: "/opt/crnnc/dist/cli/crnnc.js",
        args: ["x.crnn", "--over", "h=1,2"],
        shards: 5,
        name: "x",
      },
      { partition: "short", time: "02:00:00", cpusPerTask: 8, arrayLimit: 2, sbatchArgs: ["--mem=8G"] },
    );
    expect(s.startsWith("#!/bin/bash\n")).toBe(true);
    for (const d of [
      "--job-name=crnnc-sweep-x",
      "--array=1-5%2",
      "--output=/scratch/my sweep/logs/shard-%a.out",
      "--cpus-per-task=8",
      "--partition=short",
      "--time=02:00:00",
      "--mem=8G",
    ])
      expect(s).toContain(`\n#SBATCH ${d}\n`);
    expect(s).toContain("\ncd /home/me\n");
    expect(s).toContain(
      `exec /usr/bin/node /opt/crnnc/dist/cli/crnnc.js sweep x.crnn --over h=1,2 --out '/scratch/my sweep' --shard "\${SLURM_ARRAY_TASK_ID}/5" --workers "\${SLURM_CPUS_PER_TASK:-1}"\n`,
    );
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(arraySpec([5, 1, 2, 3, 7, 8])).toBe("1-3,5,7-8");
    expect(arraySpec([2], 4)).toBe("2%4");
    // bash reads it.
    const syntax = spawnSync("bash", ["-n"], { input: s });
    expect(syntax.status, syntax.stderr?.toString()).toBe(0);
  });

  it("--dry-run writes the script and submits nothing", async () => {
    const dir = tmp();
    const r = await runCli(["sweep", sine, "--over", "h=2,4", "--iterations", "5", "--out", dir, "--slurm", "--dry-run", "--cpus-per-task", "2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/dry run: would submit sbatch --array=1 /); // 2 runs ÷ 2 CPUs = 1 shard
    expect(read(dir, "sweep.sbatch")).toContain("#SBATCH --cpus-per-task=2");
    expect(JSON.parse(read(dir, "sweep.json"))).toMatchObject({ format: "crnnc-sweep", shards: 1, iterations: 5 });
  });
});

// --- A real Slurm ---------------------------------------------------------------------------

const inCI = Boolean(process.env["CI"] || process.env["CRNNC_CI"]);
const hasSbatch = spawnSync("sbatch", ["--version"], { stdio: "ignore" }).status === 0;
const skipSlurm = !hasSbatch && !inCI;
if (skipSlurm)
  console.log("test/sweep-cluster.test.ts: the Slurm tests skip: sbatch is not installed (apt-get install slurm-wlm munge; bash scripts/slurm-up.sh)");

describe.skipIf(skipSlurm)("crnnc sweep --slurm on a single-node Slurm", () => {
  beforeAll(() => {
    expect(hasSbatch, "sbatch is missing: .ci/run installs slurm-wlm and munge").toBe(true);
    // The cluster up (idempotent; quick when it is): a session's daemons end with it.
    if (process.getuid?.() === 0) {
      const up = spawnSync("bash", [resolve(ROOT, "scripts/slurm-up.sh")], { encoding: "utf8" });
      expect(up.status, up.stderr).toBe(0);
    }
    expect(spawnSync("scontrol", ["ping"], { encoding: "utf8" }).stdout).toMatch(/is UP/);
    expect(existsSync(resolve(ROOT, "dist/cli/crnnc.js")), "the array tasks run the build: npm run build").toBe(true);
  });

  it("--wait: the array's collected summary.json is the bytes of a run on one machine", { timeout: 60_000 }, async () => {
    const grid = ["--over", "h=2,4", "--seeds", "3", "--iterations", "20"];
    const local = tmp();
    expect((await runCli(["sweep", sine, ...grid, "--out", local, "--quiet"])).code).toBe(0);
    const dir = tmp();
    const r = await runCli(["sweep", sine, ...grid, "--out", dir, "--slurm", "--shards", "3", "--wait"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^submitted job \d+: array tasks 1-3 \(3 of 3 shards, 6 runs to make\)/);
    expect(r.stdout).toMatch(/6 of 6 runs done/);
    expect([1, 2, 3].map((i) => lineCount(dir, `points-${i}.jsonl`))).toEqual([2, 2, 2]);
    expect(read(dir, "logs/shard-2.out")).toMatch(/crnnc sweep: shard 2\/3, job \d+_2 on /);
    expect(read(dir, "summary.json")).toBe(read(local, "summary.json"));
    // The same command again: nothing to submit.
    const again = await runCli(["sweep", sine, ...grid, "--out", dir, "--slurm", "--shards", "3", "--wait", "--quiet"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/nothing to submit/);
    expect(again.stdout).not.toMatch(/submitted job/);
  });

  it("a killed array task is reported with its log, and the same command again makes only its unfinished runs", { timeout: 90_000 }, async () => {
    // Runs of about a second, so that the task can be cancelled between its two runs.
    const args = ["sweep", sine, "--over", "h=2,4", "--seeds", "3", "--iterations", "600", "--slurm", "--shards", "3", "--wait"];
    const dir = tmp();
    const first = runCli([...args, "--out", dir]);
    // Shard 2 (h=2 seed 2, then h=4 seed 2): cancel it once its first run is logged.
    let task = "";
    for (let t = 0; t < 1200 && !task; t++) {
      await new Promise((r) => setTimeout(r, 50));
      if (lineCount(dir, "points-2.jsonl") >= 1) task = /job (\d+_2) on/.exec(read(dir, "logs/shard-2.out"))?.[1] ?? "";
    }
    expect(task, "shard 2 logged a run").not.toBe("");
    expect(spawnSync("scancel", [task]).status).toBe(0);
    const r1 = await first;
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`array task ${task} (shard 2/3) CANCELLED`);
    expect(r1.stderr).toContain(`its log: ${join(dir, "logs/shard-2.out")}`);
    expect(r1.stderr).toMatch(/1 run missing\n {2}shard 2\/3: h=4 seed 2 — it did not finish/);
    expect([1, 2, 3].map((i) => lineCount(dir, `points-${i}.jsonl`))).toEqual([2, 1, 2]);

    const before = [1, 2, 3].map((i) => read(dir, `points-${i}.jsonl`));
    const logs = [1, 2, 3].map((i) => read(dir, `logs/shard-${i}.out`));
    const r2 = await runCli([...args, "--out", dir]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toMatch(/array tasks 2 \(1 of 3 shards, 1 run to make\)/);
    expect(r2.stdout).toMatch(/6 of 6 runs done/);
    // Shards 1 and 3 did not run again; shard 2 kept its line and added the one it lacked.
    expect(read(dir, "points-1.jsonl")).toBe(before[0]);
    expect(read(dir, "points-3.jsonl")).toBe(before[2]);
    expect(read(dir, "logs/shard-1.out")).toBe(logs[0]);
    expect(read(dir, "logs/shard-3.out")).toBe(logs[2]);
    const after = read(dir, "points-2.jsonl");
    expect(after.startsWith(before[1]!)).toBe(true);
    expect(lineCount(dir, "points-2.jsonl")).toBe(2);
    expect(JSON.parse(after.trim().split("\n")[1]!)).toMatchObject({ point: { h: 4 }, seed: 2 });
    const rerun = read(dir, "logs/shard-2.out").slice(logs[1]!.length);
    expect(rerun).toMatch(/2 in this shard, 1 already in .*; 1 to run on 1 worker/);
    expect(rerun.match(/^\[\d\/2\] /gm)).toEqual(["[2/2] "]);
    expect(JSON.parse(read(dir, "summary.json")).runs).toEqual({ total: 6, done: 6, failed: 0 });
  });
});
