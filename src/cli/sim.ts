// `crnnc sim FILE`: runs what the file defines. A train block trains (progress on a TTY, plain
// lines otherwise, a summary, --json/--csv/--trace-csv results and a --report HTML page; Ctrl-C
// stops cleanly and still writes them); a raw crn is integrated to --until; a network without a
// train block is evaluated for --input by integrating its forward CRN to steady state.
//
//   crnnc sim examples/xor.crnn --iterations 3000 --json xor.json

import { UsageError } from "../util/usage-error.js";
import type { CRN } from "../ir/types.js";
import type { Protocol, SampleOrder } from "../ir/protocol.js";
import { trainAsync, type TrainResult } from "../train/trainer.js";
import { isStochastic } from "../sim/simulate.js";
import { DEFAULT_VOLUME } from "../sim/methods.js";
import { makeProtocol } from "../train/protocol.js";
import { simulate, makeIntegrator, toSteadyState, METHODS } from "../sim/simulate.js";
import { compileModel } from "../sim/model.js";
import { NetworkLayout } from "../train/readout.js";
import { DatasetError, loadDataset } from "../data/datasets.js";
import { writeFileAtomic } from "../util/atomic.js";
import { csvText } from "../util/csv.js";
import { historyCsv } from "../library.js";
import { readFileSync, rmSync } from "node:fs";
import { parseCheckpoint, type Checkpoint } from "../train/checkpoint.js";
import { duration } from "../util/duration.js";
import { progressPrinter } from "./progress.js";
import { printTrajectory, type IO } from "./io.js";

export interface SimFlags {
  iterations?: number;
  seed?: number;
  method?: string;
  rtol?: number;
  atol?: number;
  readout?: string;
  order?: string;
  json?: string;
  csv?: string;
  trace?: string;
  traceCsv?: string;
  /** Write a self-contained HTML report (settings, plots) of a training run here. */
  report?: string;
  /** The report's plots: x axis (--plot-x) and the traced weights' view (--trace-view). */
  plots?: { x?: "time" | "iteration"; traceView?: "net" | "rails" | "both" };
  until?: number;
  points?: number;
  /** An SBML model: every species as an amount. */
  amounts?: boolean;
  /** The file (an ensemble's workers load it themselves) and the block of it. */
  file?: string;
  target?: string;
  /** Stochastic methods: Ω, the number of runs, the threads for them; implicit-tau's leap. */
  volume?: number;
  tau?: number;
  runs?: number;
  workers?: number;
  input?: string;
  quiet?: boolean;
  /** Write checkpoints here (default: beside --json as JSON.checkpoint). */
  checkpoint?: string;
  /** ... every N iterations (default: every minute). */
  checkpointEvery?: number;
  /** Continue the run of this checkpoint. */
  resume?: string;
  /** Leave wall-clock timings out of --json and --report (byte-identical output for the same file and seed). */
  deterministic?: boolean;
  /** The training protocol (SBML read-back: the schedule the file encodes); default: made from the train block's dataset. */
  protocol?: Protocol;
}

/** `--order`: the sample orders, and `sbml`, the name the cyclic order had (what the SBML schedule encodes by default). */
export function parseOrder(order: string | undefined): SampleOrder | undefined {
  if (order === undefined) return undefined;
  if (order === "random" || order === "epoch" || order === "cyclic") return order;
  if (order === "sbml") return "cyclic";
  throw new SimUsageError(`--order must be random, epoch or cyclic, got \`${order}\``);
}

/** The protocol of a run: the train block's dataset (loaded here), the seed and the order. */
export function runProtocol(ir: CRN, f: Pick<SimFlags, "iterations" | "seed" | "order">): Protocol {
  const t = ir.train!;
  const seed = f.seed ?? t.seed;
  const order = parseOrder(f.order);
  return makeProtocol(ir, loadDataset(t.dataset, t.split, seed), {
    seed,
    ...(order ? { order } : {}),
    ...(f.iterations !== undefined ? { iterations: f.iterations } : {}),
  });
}

export class SimUsageError extends UsageError {}

/** How often a run writes its checkpoint without --checkpoint-every. */
const CHECKPOINT_SECONDS = 60;

/** Write checkpoints atomically; a failure is said once and the run goes on (the results are still written at the end). */
function writeCheckpoint(path: string, io: IO): (cp: Checkpoint) => void {
  let warned = false;
  return (cp) => {
    try {
      writeFileAtomic(path, JSON.stringify(cp) + "\n");
    } catch (e) {
      if (!warned) io.stderr(`\ncrnnc: warning: cannot write the checkpoint ${path}: ${(e as Error).message}; the run goes on without\n`);
      warned = true;
    }
  };
}

function readCheckpoint(path: string): Checkpoint {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new SimUsageError(`--resume ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  const cp = parseCheckpoint(text);
  if (typeof cp === "string") throw new SimUsageError(`--resume ${path}: ${cp}`);
  return cp;
}

export async function runSim(ir: CRN, f: SimFlags, io: IO & { tty?: boolean; onSigint?: (h: () => void) => () => void }): Promise<number> {
  if (f.method && !METHODS.includes(f.method as (typeof METHODS)[number]))
    throw new SimUsageError(`unknown --method \`${f.method}\` (expected ${METHODS.join(", ")})`);
  const solver = {
    method: f.method,
    rtol: f.rtol,
    atol: f.atol,
    ...(isStochastic(f.method) ? { volume: f.volume ?? DEFAULT_VOLUME } : {}),
    ...(f.tau !== undefined ? { tau: f.tau } : {}),
  };
  if (f.runs !== undefined && ir.kind !== "crn")
    throw new SimUsageError("--runs applies to a raw crn or an SBML model; a train block trains one stochastic run");
  if (f.report !== undefined && ir.kind !== "train" && !(ir.kind === "crn" && isStochastic(f.method)))
    throw new SimUsageError(`--report applies to training runs and to stochastic runs of a crn; \`${ir.name}\` has no train block`);
  if (ir.kind === "train") return runTrain(ir, f, solver, io);
  if (ir.kind === "network") return runForward(ir, f, solver, io);
  return runCrn(ir, f, solver, io);
}

async function runTrain(
  ir: CRN,
  f: SimFlags,
  solver: { method?: string; rtol?: number; atol?: number },
  io: IO & { tty?: boolean; onSigint?: (h: () => void) => () => void },
): Promise<number> {
  if (f.readout && f.readout !== "closed" && f.readout !== "crn") throw new SimUsageError(`--readout must be closed or crn, got \`${f.readout}\``);
  parseOrder(f.order);
  const trace = f.trace
    ? f.trace
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
  if (trace && !f.traceCsv && !f.json && !f.report)
    throw new SimUsageError("--trace needs --trace-csv FILE, --json FILE or --report FILE to write the trajectories to");
  if (trace) for (const id of trace) if (!ir.species.some((s) => s.id === id)) throw new SimUsageError(`--trace: \`${ir.name}\` has no species \`${id}\``);
  const resume = f.resume !== undefined ? readCheckpoint(f.resume) : undefined;
  // Runs that write --json keep a checkpoint beside it (every minute) unless told where.
  const cpPath = f.checkpoint ?? (f.json ? `${f.json}.checkpoint` : undefined);
  const stop = new AbortController();
  const unhook = io.onSigint?.(() => {
    if (stop.signal.aborted) return;
    stop.abort();
    io.stderr("\ncrnnc: stopping after this iteration (Ctrl-C again to abort)…\n");
  });
  const progress = progressPrinter(ir, io, f.quiet ?? false);
  let r: TrainResult;
  let protocol: Protocol;
  try {
    protocol = f.protocol ?? runProtocol(ir, f);
    r = await trainAsync(ir, protocol, {
      ...solver,
      readout: (f.readout as "closed" | "crn" | undefined) ?? "closed",
      ...(trace ? { trace } : {}),
      signal: stop.signal,
      onProgress: progress.update,
      onNote: progress.note,
      ...(cpPath
        ? { checkpoint: { ...(f.checkpointEvery ? { every: f.checkpointEvery } : { seconds: CHECKPOINT_SECONDS }), write: writeCheckpoint(cpPath, io) } }
        : {}),
      ...(resume ? { resume } : {}),
    });
  } catch (e) {
    if (e instanceof DatasetError) {
      progress.done();
      io.stderr(`crnnc: ${e.message}\n`);
      return 1;
    }
    if (e instanceof RangeError && resume) throw new SimUsageError(`--resume ${f.resume}: ${e.message}`);
    throw e;
  } finally {
    unhook?.();
  }
  progress.done();
  io.stdout(summary(r));
  let failed = writeResults(r, f, io);
  // A finished run's own checkpoint is spent (an explicit --checkpoint is the user's to keep).
  if (!failed && !r.stopped && cpPath && !f.checkpoint) rmSync(cpPath, { force: true });
  if (f.report) failed = (await writeReport(r, ir, protocol, f, io)) || failed;
  if (r.stopped?.reason === "blowup") {
    io.stderr(`crnnc: the run blew up: ${r.stopped.message}. Results up to there are written.\n`);
    return 1;
  }
  if (r.stopped?.reason === "interrupted") return 130;
  return failed ? 1 : 0;
}

function writeResults(r: TrainResult, f: SimFlags, io: IO): boolean {
  let failed = false;
  const write = (path: string, text: string) => {
    try {
      writeFileAtomic(path, text);
    } catch (e) {
      io.stderr(`crnnc: cannot write ${path}: ${(e as Error).message}\n`);
      failed = true;
    }
  };
  if (f.json) {
    // The final state is a typed array of every species: the weights are already in `weights`.
    write(f.json, JSON.stringify({ ...r, finalState: undefined, ...(f.deterministic ? { timings: undefined } : {}) }, null, 1) + "\n");
  }
  if (f.csv) {
    write(f.csv, historyCsv(r.history));
  }
  if (f.traceCsv && r.trace) {
    const trace = r.trace;
    write(
      f.traceCsv,
      csvText(
        ["t", ...trace.species],
        trace.t.map((t, i) => [t, ...trace.values[i]!]),
      ),
    );
  }
  return failed;
}

/** The --report page; true if it could not be written. */
async function writeReport(r: TrainResult, ir: CRN, protocol: Protocol, f: SimFlags, io: IO): Promise<boolean> {
  try {
    const { trainReport } = await import("../plot/report.js"); // vega loads only when a report is asked for
    writeFileAtomic(f.report!, await trainReport(r, ir, protocol.data, { timings: !f.deterministic, ...f.plots }));
    return false;
  } catch (e) {
    io.stderr(`crnnc: cannot write ${f.report}: ${(e as Error).message}\n`);
    return true;
  }
}

function summary(r: TrainResult): string {
  const last = r.history[r.history.length - 1]!;
  const pct = (a: number | undefined) => (a === undefined ? "" : `, accuracy ${(a * 100).toFixed(1)}%`);
  const out = [
    `${r.network} on ${r.dataset.name}: ${r.iterationsRun} iteration${r.iterationsRun === 1 ? "" : "s"} of T = ${r.settings.period} in ${duration(r.timings.simulateMs)} (${r.timings.msPerIteration.toFixed(2)} ms/iteration, ${r.settings.method}, rtol ${r.settings.rtol})`,
    `  train error E = ${last.trainError.toPrecision(4)}${pct(last.trainAccuracy)}`,
  ];
  if (last.validationError !== undefined) out.push(`  validation error E = ${last.validationError.toPrecision(4)}${pct(last.validationAccuracy)}`);
  out.push(`  average train error over the last ${Math.min(10, r.history.length)} evaluations: ${r.averageTrainError.toPrecision(4)}`);
  if (r.solvedAt !== undefined) out.push(`  100% train accuracy since iteration ${r.solvedAt}`);
  if (r.stopped) out.push(`  stopped: ${r.stopped.message}`);
  return out.join("\n") + "\n";
}

function runForward(ir: CRN, f: SimFlags, solver: { method?: string; rtol?: number; atol?: number }, io: IO): number {
  const net = NetworkLayout.of(ir);
  if (!f.input)
    throw new SimUsageError(`\`${ir.name}\` has no train block: give --input with ${net.sizes[0]} comma-separated value${net.sizes[0] === 1 ? "" : "s"}`);
  const a = f.input.split(",").map((v) => Number(v.trim()));
  if (a.length !== net.sizes[0] || a.some((v) => !Number.isFinite(v) || v < 0))
    throw new SimUsageError(`--input needs ${net.sizes[0]} non-negative number${net.sizes[0] === 1 ? "" : "s"} (concentrations), got \`${f.input}\``);
  const md = compileModel(ir, { splitUpdateCatalysis: true });
  const integ = makeIntegrator(md, { ...solver, rtol: solver.rtol ?? 1e-9, atol: solver.atol ?? 1e-12 });
  const x = Float64Array.from(ir.species, (s) => s.init);
  net.inputs.forEach((s, j) => (x[s] = a[j]!));
  const t = toSteadyState(md, integ, x, 1e-12, 1e6);
  const closed = net.noClosedForm.length ? undefined : net.forward(net.parameters(x), a);
  if (net.noClosedForm.length)
    io.stderr(
      `crnnc: note: activation ${net.noClosedForm.map((n) => `\`${n}\``).join(", ")} declares no closed form (\`closed(z) = ...\`): only the CRN's value is shown\n`,
    );
  const lines = [`${ir.name} at input (${a.join(", ")}): forward CRN ${Number.isFinite(t) ? `steady by t = ${t}` : "did not settle"}`];
  lines.push("  output        CRN steady state    closed form        rel. difference");
  const y = net.readOutputs(x);
  net.outputs.forEach((s, i) => {
    const c = closed?.[i];
    const rel = c === undefined ? "" : (Math.abs(y[i]! - c) / Math.max(Math.abs(c), 1e-300)).toExponential(2);
    // A dual-railed output is named by its node (Y_0), not by a rail.
    const name = net.outputsM[i]! >= 0 ? ir.species[s]!.id.replace(/_p$/, "") : ir.species[s]!.id;
    lines.push(
      `  ${name.padEnd(12)}  ${y[i]!.toPrecision(12).padEnd(18)}  ${c === undefined ? "(no closed form)".padEnd(18) : c.toPrecision(12).padEnd(18)} ${rel}`,
    );
  });
  io.stdout(lines.join("\n") + "\n");
  return Number.isFinite(t) ? 0 : 1;
}

function runCrn(ir: CRN, f: SimFlags, solver: { method?: string; rtol?: number; atol?: number }, io: IO): number | Promise<number> {
  // Ensembles (worker threads, the SBML reader for SBML models) load only for stochastic runs.
  if (isStochastic(f.method)) return import("./ensemble.js").then((m) => m.runStochastic("crnn", f, io));
  const until = f.until ?? 10;
  if (!(until > 0) || !Number.isFinite(until)) throw new SimUsageError(`--until must be a positive time, got ${f.until}`);
  const points = f.points ?? 2;
  if (!Number.isInteger(points) || points < 2) throw new SimUsageError(`--points must be an integer ≥ 2, got ${f.points}`);
  const tr = simulate(ir, { ...solver, rtol: solver.rtol ?? 1e-8, atol: solver.atol ?? 1e-12, until, points });
  // Whatever was computed is written, also when the run blew up.
  printTrajectory(io, f, { name: ir.name, timeLabel: "t", ids: tr.species, t: tr.t, values: tr.values });
  if (tr.stopped) {
    io.stderr(
      `crnnc: the run blew up at t = ${+tr.stopped.time.toPrecision(6)}: ${tr.stopped.message}. Values up to t = ${tr.t[tr.t.length - 1]} are shown.\n`,
    );
    return 1;
  }
  return 0;
}
