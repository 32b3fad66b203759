// `crnnc sweep FILE --over NAME=v1,v2,... [--seeds N]`: trains the file's train block at every
// point of a grid of settings, several seeds each, on worker threads, and reports per point the
// average train error (paper §5.3) and the final validation error/accuracy with their spread
// over the seeds. Checks everything it can before the first run (axis names and every value
// compile), so that mistakes are usage errors (exit 2), not failed runs an hour later.
//
//   crnnc sweep examples/sine.crnn --over epsilon=0,0.02,0.04 --over period=10,20 --seeds 4

import { parseArgs } from "node:util";
import { availableParallelism } from "node:os";
import { basename, extname, join } from "node:path";
import { writeFileAtomic } from "../util/atomic.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { intArg, positiveArg, parseAxes, parseSeeds, SweepUsageError, type SolverSettings } from "../sweep/grid.js";
import { sweepConfig, SweepCompileError } from "../sweep/api.js";
import type { SweepConfig } from "../sweep/sweep.js";
import type { CRN } from "../ir/types.js";
import { METHODS } from "../sim/simulate.js";
import { runSweep } from "../sweep/sweep.js";
import { summaryTable } from "../sweep/summary.js";
import { duration } from "../util/duration.js";
import type { IO } from "./io.js";

export { SweepUsageError };

export const SWEEP_USAGE = `Usage: crnnc sweep FILE --over NAME=VALUES [--over ...] [options]

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
  --workers N          worker threads (default: ${availableParallelism()}, the available parallelism)
  --out DIR            output folder (default: sweep-<file name>)
  --target NAME        the train block, when FILE has several
  --plot               also write sensitivity.svg and sensitivity.html: the average train
                       error against the first --over axis, one series per value of the
                       others, mean line and min–max band over the seeds
  --quiet              no progress lines
  -h, --help           this help

Output, in DIR:
  points.jsonl   one JSON line per finished run (point, seed, settings, averageTrainError,
                 final train/validation error and accuracy, iterations run, blow-up, wall ms).
                 It is also the resume log: the same command again skips the runs it holds
                 (matched on point, seed, iterations, network, the --method/--rtol/--atol
                 given, and a hash of the sources and the simulator's revision).
  summary.json   per point, in grid order: runs, blow-ups, mean/sd/min/max of each metric
  summary.csv    the same as a table
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
  workers: { type: "string" },
  out: { type: "string" },
  target: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  plot: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

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
  if (positionals.length !== 1) throw new SweepUsageError(`sweep takes exactly one FILE, got ${positionals.length}`);
  const file = positionals[0]!;
  const axes = parseAxes(values.over ?? []);
  if (values.plot && axes.length === 0) throw new SweepUsageError("--plot needs an --over axis to put on the x axis");
  const iterationsFlag = values.iterations === undefined ? undefined : intArg(values.iterations, "--iterations", 1);
  const workers = values.workers === undefined ? availableParallelism() : intArg(values.workers, "--workers", 1);
  if (values.method !== undefined && !METHODS.includes(values.method as (typeof METHODS)[number]))
    throw new SweepUsageError(`unknown --method \`${values.method}\` (expected ${METHODS.join(", ")})`);
  const solver: SolverSettings = {
    ...(values.method !== undefined ? { method: values.method } : {}),
    ...(values.rtol !== undefined ? { rtol: positiveArg(values.rtol, "--rtol") } : {}),
    ...(values.atol !== undefined ? { atol: positiveArg(values.atol, "--atol") } : {}),
  };
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
  io.stdout(summaryTable(axes, outcome.rows));
  const done = outcome.rows.reduce((a, r) => a + r.runs, 0);
  io.stdout(
    `${done} of ${outcome.total} runs done${outcome.resumed ? ` (${outcome.resumed} from an earlier sweep)` : ""} in ${duration(outcome.wallMs)}; ${outcome.files.log}, ${outcome.files.json}, ${outcome.files.csv}\n`,
  );
  if (values.plot) {
    const { sweepPlot } = await import("../sweep/plot.js");
    const plot = await sweepPlot(axes, outcome.rows, { network: ir.name, file, seeds: seeds.length, iterations });
    const svg = join(out, "sensitivity.svg");
    const html = join(out, "sensitivity.html");
    writeFileAtomic(svg, plot.svg);
    writeFileAtomic(html, plot.html);
    io.stdout(`plot: ${svg}, ${html}\n`);
  }
  for (const f of outcome.failed) io.stderr(`crnnc: run ${f.label} seed ${f.run.seed} failed: ${f.error}\n`);
  if (outcome.interrupted) {
    io.stderr(`crnnc: interrupted with ${outcome.total - done} run${outcome.total - done === 1 ? "" : "s"} to go; rerun the same command to resume\n`);
    return 130;
  }
  return outcome.failed.length ? 1 : 0;
}
