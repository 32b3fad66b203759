// `crnnc sweep FILE --over NAME=v1,v2,... [--seeds N]`: trains the file's train block at every
// point of a grid of settings, several seeds each, on worker threads, and reports per point the
// average train error (paper §5.3) and the final validation error/accuracy with their spread
// over the seeds. Checks everything it can before the first run (axis names and every value
// compile), so that mistakes are usage errors (exit 2), not failed runs an hour later.
// `--shard I/N` runs one slice of the runs (any scheduler), `--slurm` submits all slices as a
// Slurm job array (cli/sweep-slurm.ts), and `crnnc sweep collect DIR` merges the slices.
//
//   crnnc sweep examples/sine.crnn --over epsilon=0,0.02,0.04 --over period=10,20 --seeds 4
//   crnnc sweep examples/sine.crnn --over h=1:4:0.5 --seeds 8 --slurm --cpus-per-task 4 --wait

import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";
import { basename, extname } from "node:path";
import { formatDiagnostics } from "../diagnostics/format.js";
import { intArg, positiveArg, parseAxes, parseSeeds, SweepUsageError, type SolverSettings } from "../sweep/grid.js";
import { sweepConfig, SweepCompileError } from "../sweep/api.js";
import type { SweepConfig } from "../sweep/sweep.js";
import type { CRN } from "../ir/types.js";
import { METHODS } from "../sim/simulate.js";
import { runSweep } from "../sweep/sweep.js";
import { summaryTable } from "../sweep/summary.js";
import { parseShard } from "../sweep/shard.js";
import { checkTime, type SlurmOptions } from "../sweep/slurm.js";
import { duration } from "../util/duration.js";
import type { IO } from "./io.js";

export { SweepUsageError };

export const SWEEP_USAGE = `Usage: crnnc sweep FILE --over NAME=VALUES [--over ...] [options]
       crnnc sweep collect DIR [--plot]

Trains FILE's train block at every point of the grid (the cartesian product of the --over
axes, the first one varying slowest) with each seed, in parallel on worker threads, and
reports per point the average train error (mean of the last 10 evaluations, paper §5.3) and
the final validation error and accuracy: mean ± sd [min, max] over the seeds.

Axes (--over NAME=v1,v2,... or NAME=start:stop:step, stop included):
  epsilon      noise level ε of the train block's noise block; a file without one gets the
               default block (resample 0.05, hold 0.005, on backward, nodes) when ε > 0
  period       T, how long each sample stays in the pot
  eta          η, the rate constant of the update reactions
  annihilate   rail annihilation rate (0 = off)
  volume       Ω, molecules per unit concentration of a stochastic run (with --method ssa
               or tau-leap): training under intrinsic noise
  NAME         a rate constant of the compiled CRN by its id (k_div, k, ...; \`crnnc info\`
               lists them): a value change on the compiled model, nothing is recompiled;
               or an activation parameter (e.g. h of smooth_relu), set in every layer whose
               activation has it: this changes the CRN, compiled once per value

Options:
  --seeds N            seeds 1..N (default: the train block's seed)
  --seed-list a,b,...  these seeds instead
  --iterations N       training iterations per run (default: the train block's)
  --method M           integrator of every run: rodas5 (default), rodas5p, rodas4, ros34pw2, dopri5
  --rtol X, --atol X   its error tolerances (default 1e-6 and 1e-9); given ones are part of
                       each run's resume key, so a sweep at another tolerance is new runs
  --tau X              --method implicit-tau: the leap (default 0.25; part of the resume key)
  --workers N          worker threads (default: ${availableParallelism()}, the available parallelism)
  --out DIR            output folder (default: sweep-<file name>)
  --target NAME        the train block, when FILE has several
  --plot               also write sensitivity.svg and sensitivity.html: the average train
                       error against the first --over axis, one series per value of the
                       others, mean line and min–max band over the seeds
  --quiet              no progress lines
  -h, --help           this help

Many machines (docs/sweep.md, "On a cluster"):
  --shard I/N          run only the I-th of N slices of the runs (1 ≤ I ≤ N), balanced by
                       expected cost (reactions × T × Ω); logged in DIR/points-I.jsonl, resumed
                       per shard. Any scheduler can run the N commands; then collect.
  --slurm              write DIR/sweep.sbatch, a Slurm job array with one task per shard
                       (array task I runs --shard I/N on its --cpus-per-task CPUs), submit it
                       with sbatch, print the job id and the collect command. The same command
                       again submits only the shards with runs missing.
    --shards N         the number of shards (default: the runs ÷ --cpus-per-task, ≤ 1000)
    --partition P, --time HH:MM:SS, --cpus-per-task C (default 1)
    --array-limit K    at most K array tasks at once
    --sbatch-arg ARG   another #SBATCH line, e.g. --sbatch-arg=--mem=8G (repeatable)
    --wait             wait for the array (polling squeue), report failed tasks with their
                       logs (DIR/logs/shard-I.out), then collect
    --dry-run          only write the script
  crnnc sweep collect DIR [--plot]
                       merge every log of DIR into summary.json, summary.csv (and the plot);
                       list missing and failed runs by shard (exit 1 if any)

Output, in DIR:
  points.jsonl   one JSON line per finished run (point, seed, settings, averageTrainError,
                 final train/validation error and accuracy, iterations run, blow-up, wall ms).
                 It is also the resume log: the same command again skips the runs it holds
                 (matched on point, seed, iterations, network, the --method/--rtol/--atol
                 given, and a hash of the sources and the simulator's revision).
  summary.json   per point, in grid order: runs, blow-ups, mean/sd/min/max of each metric
  summary.csv    the same as a table
  sweep.json     what the sweep is (file, grid, seeds, iterations, hash), for collect
  points-I.jsonl, shard-I.json   a shard's log and how it ended; sweep.sbatch, logs/  (--slurm)
A blown-up run is a result (counted in "blowups"), not a failure. Ctrl-C stops handing out
runs and waits for the ones under way (Ctrl-C again abandons them); finished runs are kept,
and rerunning the same command resumes.

Exit codes: 0 every run finished · 1 errors in FILE or failed runs · 2 usage error ·
130 interrupted.

Example:
  crnnc sweep examples/sine.crnn --over epsilon=0,0.02,0.04 --over period=10,20 --seeds 4
`;

const OPTIONS = {
  over: { type: "string", multiple: true },
  seeds: { type: "string" },
  "seed-list": { type: "string" },
  iterations: { type: "string" },
  method: { type: "string" },
  rtol: { type: "string" },
  atol: { type: "string" },
  tau: { type: "string" },
  workers: { type: "string" },
  out: { type: "string" },
  target: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  plot: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  shard: { type: "string" },
  slurm: { type: "boolean" },
  shards: { type: "string" },
  partition: { type: "string" },
  time: { type: "string" },
  "cpus-per-task": { type: "string" },
  "array-limit": { type: "string" },
  "sbatch-arg": { type: "string", multiple: true },
  wait: { type: "boolean" },
  "dry-run": { type: "boolean" },
} as const;

/** The options only `--slurm` takes. */
const SLURM_ONLY = ["shards", "partition", "time", "cpus-per-task", "array-limit", "sbatch-arg", "wait", "dry-run"] as const;

export async function runSweepCli(argv: string[], io: IO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new SweepUsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(SWEEP_USAGE);
    return 0;
  }
  if (positionals[0] === "collect") {
    const { collectCli } = await import("./sweep-collect.js");
    return collectCli(positionals.slice(1), values, io);
  }
  if (positionals.length !== 1) throw new SweepUsageError(`sweep takes exactly one FILE, got ${positionals.length}`);
  const file = positionals[0]!;
  const axes = parseAxes(values.over ?? []);
  if (!values.slurm) for (const k of SLURM_ONLY) if (values[k] !== undefined) throw new SweepUsageError(`--${k} goes with --slurm`);
  if (values.slurm && values.shard !== undefined) throw new SweepUsageError("give --shard I/N (run one slice here) or --slurm (submit every slice), not both");
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  const slurm: SlurmOptions = {
    ...(values.partition !== undefined ? { partition: values.partition } : {}),
    ...(values.time !== undefined ? { time: checkTime(values.time) } : {}),
    ...(values["cpus-per-task"] !== undefined ? { cpusPerTask: intArg(values["cpus-per-task"], "--cpus-per-task", 1) } : {}),
    ...(values["array-limit"] !== undefined ? { arrayLimit: intArg(values["array-limit"], "--array-limit", 1) } : {}),
    ...(values["sbatch-arg"] ? { sbatchArgs: values["sbatch-arg"] } : {}),
  };
  const shardsFlag = values.shards === undefined ? undefined : intArg(values.shards, "--shards", 1);
  if (values.slurm && values.workers !== undefined) throw new SweepUsageError("--workers is set by --cpus-per-task under --slurm (each array task's CPUs)");
  if (values.plot && axes.length === 0) throw new SweepUsageError("--plot needs an --over axis to put on the x axis");
  const iterationsFlag = values.iterations === undefined ? undefined : intArg(values.iterations, "--iterations", 1);
  const workers = values.workers === undefined ? availableParallelism() : intArg(values.workers, "--workers", 1);
  if (values.method !== undefined && !METHODS.includes(values.method as (typeof METHODS)[number]))
    throw new SweepUsageError(`unknown --method \`${values.method}\` (expected ${METHODS.join(", ")})`);
  const solver: SolverSettings = {
    ...(values.method !== undefined ? { method: values.method } : {}),
    ...(values.rtol !== undefined ? { rtol: positiveArg(values.rtol, "--rtol") } : {}),
    ...(values.atol !== undefined ? { atol: positiveArg(values.atol, "--atol") } : {}),
    ...(values.tau !== undefined ? { tau: positiveArg(values.tau, "--tau") } : {}),
  };
  if (values.tau !== undefined && values.method !== "implicit-tau") throw new SweepUsageError("--tau applies to --method implicit-tau");
  const target = values.target;
  const out = values.out ?? `sweep-${basename(file, extname(file))}`;
  // The checks and the config are the library's (sweep/api.ts); seeds given here, else the train block's.
  const given = values.seeds !== undefined || values["seed-list"] !== undefined ? parseSeeds(values.seeds, values["seed-list"], NaN) : undefined;
  let config: SweepConfig;
  let ir: CRN;
  try {
    const made = sweepConfig(file, {
      over: axes,
      ...(target !== undefined ? { target } : {}),
      ...(given ? { seeds: given } : {}),
      ...(iterationsFlag !== undefined ? { iterations: iterationsFlag } : {}),
      workers,
      solver,
      out,
      ...(shard ? { shard } : {}),
      ...(values.plot ? { plot: true } : {}),
      color: io.color,
      log: (l: string) => io.stderr(l + "\n"),
    });
    config = made.config;
    ir = made.compiled.ir!;
  } catch (e) {
    if (!(e instanceof SweepCompileError)) throw e;
    io.stderr(formatDiagnostics(e.diagnostics, { sources: e.sources, color: io.color }) + "\n");
    return 1;
  }
  const { seeds, iterations } = config;
  if (values.slurm) {
    const { submitSweep } = await import("./sweep-slurm.js");
    // What each array task runs after `sweep`, as given here (it adds --out, --shard, --workers).
    const args = [
      file,
      ...(values.over ?? []).flatMap((o) => ["--over", o]),
      ...(values.seeds !== undefined ? ["--seeds", values.seeds] : []),
      ...(values["seed-list"] !== undefined ? ["--seed-list", values["seed-list"]] : []),
      ...(values.iterations !== undefined ? ["--iterations", values.iterations] : []),
      ...(values.method !== undefined ? ["--method", values.method] : []),
      ...(values.rtol !== undefined ? ["--rtol", values.rtol] : []),
      ...(values.atol !== undefined ? ["--atol", values.atol] : []),
      ...(values.tau !== undefined ? ["--tau", values.tau] : []),
      ...(target !== undefined ? ["--target", target] : []),
      ...(values.plot ? ["--plot"] : []),
    ];
    return submitSweep(config, args, {
      ...slurm,
      ...(shardsFlag !== undefined ? { shards: shardsFlag } : {}),
      wait: Boolean(values.wait),
      dryRun: Boolean(values["dry-run"]),
      quiet: Boolean(values.quiet),
      io,
    });
  }
  const stop = new AbortController();
  const unhook = io.onSigint?.(() => {
    if (stop.signal.aborted) return;
    stop.abort();
    io.stderr(`\ncrnnc: stopping after the runs under way (Ctrl-C again to abandon them); rerun the same command to resume\n`);
  });
  let outcome;
  try {
    outcome = await runSweep(config, { ...(values.quiet ? {} : { log: (l: string) => io.stderr(l + "\n") }), signal: stop.signal });
  } finally {
    unhook?.();
  }
  const mine = outcome.ran + outcome.resumed;
  if (shard) {
    // The other shards' runs may still be under way: the summaries and the plot are collect's.
    io.stdout(
      `shard ${shard.index}/${shard.count}: ${mine} of its ${outcome.total} runs done${outcome.resumed ? ` (${outcome.resumed} from an earlier run)` : ""} in ${duration(outcome.wallMs)}; ${outcome.files.log}\n` +
        `when every shard is done: crnnc sweep collect ${out}\n`,
    );
  } else {
    io.stdout(summaryTable(axes, outcome.rows));
    const done = outcome.rows.reduce((a, r) => a + r.runs, 0);
    io.stdout(
      `${done} of ${outcome.total} runs done${outcome.resumed ? ` (${outcome.resumed} from an earlier sweep)` : ""} in ${duration(outcome.wallMs)}; ${outcome.files.log}, ${outcome.files.json}, ${outcome.files.csv}\n`,
    );
    if (values.plot) {
      const { writePlot } = await import("./sweep-collect.js");
      await writePlot(out, axes, outcome.rows, { network: ir.name, file, seeds: seeds.length, iterations }, io);
    }
  }
  const done = shard ? mine : outcome.rows.reduce((a, r) => a + r.runs, 0);
  for (const f of outcome.failed) io.stderr(`crnnc: run ${f.label} seed ${f.run.seed} failed: ${f.error}\n`);
  if (outcome.interrupted) {
    io.stderr(`crnnc: interrupted with ${outcome.total - done} run${outcome.total - done === 1 ? "" : "s"} to go; rerun the same command to resume\n`);
    return 130;
  }
  return outcome.failed.length ? 1 : 0;
}
