// The `crnnc` command line. Commands are functions of (argv, io) returning an exit code, so
// tests run them in-process: 0 success, 1 errors in the input, 2 usage errors.
//
//   crnnc compile examples/xor.crnn --emit reactions -o xor.txt

import { parseArgs, type ParseArgsConfig } from "node:util";
import { resolve } from "node:path";
import type { CompileResult } from "../compile.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { checkOutputs } from "./outputs.js";
import { writeFileAtomic } from "../util/atomic.js";
import { VERSION } from "../version.js";
import { isStochastic } from "../sim/methods.js";
import { isSbmlPath } from "./io.js";
import { UsageError } from "../util/usage-error.js";
import { defaultIO, type IO } from "./io.js";

export type { IO };

const USAGE = `crnnc ${VERSION} — compile neural networks into chemical reaction networks that train them

Usage:
  crnnc compile FILE [--emit reactions|json|sbml|antimony|dot] [-o OUT] [--target NAME] [--seed N] [--annihilate RATE] [--schedule events|none]
  crnnc validate MODEL.xml
  crnnc check FILE... [--format text|json|sarif]
  crnnc info FILE [--target NAME]
  crnnc sim FILE [options]          (FILE: a .crnn file, or an SBML file that crnnc wrote)
  crnnc fmt FILE... [--check] [--write]
  crnnc lsp --stdio                 (the language server an editor starts; docs/editor.md)
  crnnc sweep FILE --over NAME=v1,v2,... [--seeds N] [--workers N] [--out DIR]   (crnnc sweep --help)
  crnnc --help | --version

Commands:
  compile   Compile FILE and print the CRN (default: --emit reactions), or write it to OUT.
  check     Report every error and warning in each FILE; exit 1 if there are errors.
            --format json writes them as JSON (schemas/diagnostics.schema.json) on stdout,
            --format sarif as SARIF 2.1.0 for code scanning; default text on stderr.
  info      Summarise the compiled CRN: counts per sub-network, molecularity, catalytic and
            dynamic species (Definition 2.2), the feedback-free check (Remark 3.1), dual rails,
            and the parameter table (value, role, unit, owner, where it is set).
  sim       Run what FILE defines: a train block trains the network in one pot (progress,
            summary, results); a crn is integrated to --until; a network without a train
            block is evaluated at --input by its forward CRN's steady state.
  fmt       Format each FILE canonically: print one FILE's formatted text, or with --check
            list the files that would change (exit 1 if any), with --write rewrite them.
            A file with syntax errors is reported (exit 1) and never rewritten.
  lsp       Serve the Language Server Protocol on stdin/stdout (--stdio): diagnostics as you
            type, hover, go to definition (into the stdlib), references, rename, completion,
            outline, formatting, semantic tokens, quick fixes.
  sweep     Train FILE's train block over a grid of settings (ε, T, η, annihilation,
            activation parameters) × seeds on worker threads; per point the average train
            error and final validation error/accuracy, mean ± spread over seeds; resumable;
            on a cluster: --shard I/N or --slurm (a job array), then crnnc sweep collect DIR.

Options:
  --emit FORMAT      reactions (one per line), json (the IR with roles, tags and origins),
                     sbml (SBML L3V2 for COPASI/Tellurium, see docs/sbml.md), antimony or
                     dot (Graphviz: species and reactions, clustered by layer and sub-network;
                     render with \`dot -Tsvg\`)
  --schedule S       sbml/antimony of a train block: events (default: the training schedule as
                     one SBML event) or none (inputs keep their initial values)
  validate           libSBML's consistency report of an SBML file (all checks, units included);
                     exit 1 on errors
  -o, --output OUT   write to OUT atomically instead of stdout (never over an input file)
  --target NAME      the crn, network or train block to compile when FILE has several
                     (a train block is named by its network)
  --seed N           seed for the initial weights (overrides the train block's seed)
  --annihilate RATE  rail annihilation W.p + W.m -> 0 at RATE (default 1; 0 = off, the paper's construction)
  --check, --write   fmt: list the files that are not formatted / rewrite them in place

Options of sim:
  --iterations N     training iterations (default: the train block's)
  --seed N           seed of the initial weights, the sample order and the noise
  --method M         rodas5 (default; stiff, order 5), rodas5p (order 5), rodas4, ros34pw2 (W-method) or dopri5 (explicit)
  --rtol X, --atol X error tolerances (default 1e-6 and 1e-9 for training)
  --readout R        closed (default: the network's closed form with the current weights)
                     or crn (the forward CRN's steady state for every data point; slower)
  --order O          random (default: iid draws), epoch (a fresh permutation each epoch) or
                     cyclic (alias sbml: one seeded permutation, repeated — what --emit sbml
                     writes); an SBML model runs the sequence its schedule event encodes
  --json OUT         write settings, history, final weights, timings (and traces) as JSON
  --csv OUT          write the history (E and accuracy per evaluation) as CSV
  --trace S1,S2,...  record these species at every step (needs --trace-csv, --json or --report)
  --trace-csv OUT    write the traced trajectories as CSV
  --report OUT       write a self-contained HTML report: settings, outcome, the E(t)/A(t) curves,
                     the --trace'd species, and for iris/mnist-like data the classification
                     (pair plot, or PCA plane beyond 8 features); also after Ctrl-C or a blow-up
  --plot-x X         --report's learning curve and trace against time (default: simulated
                     time, a.u.) or iteration
  --trace-view V     --report's traced weights and biases (both rails traced): net (default:
                     w = W.p − W.m), rails (W.p and W.m) or both
  --until T          crn: integrate to time T (default 10)
  --points N         crn: print N evenly spaced samples as CSV instead of final values
  --amounts          SBML model: every species as an amount (default: concentrations, but
                     amounts for species with hasOnlySubstanceUnits)
  --method ssa|tau-leap|implicit-tau  stochastic simulation (molecule counts): ssa is
                     Gillespie's exact method, tau-leap Cao–Gillespie–Petzold τ-leaping,
                     implicit-tau rounded implicit τ-leaping (leaps of 0.25 through the stiff
                     training CRNs; fast species' fluctuations damped); a train block trains
                     stochastically. Propensities: k·Ω^(1−Σm)·Π n(n−1)⋯ (2 X -> … at k:
                     (k/Ω)·n(n−1)); an SBML model's kinetic law is its propensity
  --volume Ω         molecules per unit concentration (default 1000 for .crnn files; an SBML
                     model's amounts are its counts)
  --tau X            implicit-tau: the leap (default 0.25; at large Ω long trainings can run
                     away at 0.25 and not at 0.125, see docs/results.md)
  --runs N           an ensemble of N runs (run i seeded from --seed and i): --csv/stdout gets
                     time, then S-mean and S-sd per species; --json adds percentiles and paths
  --workers N        threads for --runs (default: the machine's cores); results do not depend on it
  --input a,b,...    network without train block: the input concentrations
  --quiet            no progress output
  --deterministic    leave the wall-clock timings out of --json and --report, so that the same
                     file and seed give byte-identical files
  --checkpoint FILE  write the run's state to FILE atomically as it goes (default with --json OUT:
                     OUT.checkpoint, every minute, removed when the run completes)
  --checkpoint-every N   ... every N iterations instead of every minute
  --resume FILE      continue the run a checkpoint was taken from: same file, seed and options;
                     the results are those of a run that never stopped
  Ctrl-C stops training after the current iteration and still writes the results (exit 130).

  -h, --help         show this help
  -v, --version      show the version

Exit codes: 0 ok · 1 errors in the input · 2 usage error.
Examples:
  crnnc compile examples/xor.crnn --emit reactions
  crnnc compile examples/iris.crnn --emit json -o iris.json
  crnnc info examples/mnist.crnn
  crnnc sim examples/xor.crnn --json xor-run.json
  crnnc sim examples/divide.crnn --until 1 --points 11
`;

const OPTIONS = {
  emit: { type: "string" },
  output: { type: "string", short: "o" },
  target: { type: "string" },
  seed: { type: "string" },
  annihilate: { type: "string" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  iterations: { type: "string" },
  method: { type: "string" },
  rtol: { type: "string" },
  atol: { type: "string" },
  readout: { type: "string" },
  order: { type: "string" },
  json: { type: "string" },
  csv: { type: "string" },
  trace: { type: "string" },
  "trace-csv": { type: "string" },
  report: { type: "string" },
  "plot-x": { type: "string" },
  "trace-view": { type: "string" },
  until: { type: "string" },
  points: { type: "string" },
  amounts: { type: "boolean" },
  volume: { type: "string" },
  tau: { type: "string" },
  runs: { type: "string" },
  workers: { type: "string" },
  input: { type: "string" },
  schedule: { type: "string" },
  quiet: { type: "boolean", short: "q" },
  deterministic: { type: "boolean" },
  checkpoint: { type: "string" },
  "checkpoint-every": { type: "string" },
  resume: { type: "string" },
  check: { type: "boolean" },
  write: { type: "boolean" },
  format: { type: "string" },
  stdio: { type: "boolean" },
} satisfies ParseArgsConfig["options"];

const SIM_ONLY = [
  "iterations",
  "method",
  "rtol",
  "atol",
  "readout",
  "order",
  "json",
  "csv",
  "trace",
  "trace-csv",
  "report",
  "plot-x",
  "trace-view",
  "until",
  "points",
  "amounts",
  "volume",
  "tau",
  "runs",
  "workers",
  "input",
  "quiet",
  "deterministic",
  "checkpoint",
  "checkpoint-every",
  "resume",
];
const COMPILING = ["target", "seed", "annihilate"];

/** The flags each command takes. */
const COMMAND_FLAGS: Record<string, readonly string[]> = {
  compile: [...COMPILING, "emit", "output", "schedule"],
  check: [...COMPILING, "format"],
  info: COMPILING,
  sim: [...COMPILING, ...SIM_ONLY],
  validate: [],
  fmt: ["check", "write"],
  lsp: ["stdio"],
};

export async function main(argv: string[], io: IO = defaultIO): Promise<number> {
  try {
    return await run(argv, io);
  } catch (e) {
    // Usage errors of every command (they extend UsageError; the commands load on demand).
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      const cmd = e instanceof UsageError && e.helpFor ? `${e.helpFor} ` : "";
      io.stderr(`crnnc: ${(e as Error).message}\nRun \`crnnc ${cmd}--help\` for usage.\n`);
      return 2;
    }
    throw e;
  }
}

/** --plot-x and --trace-view: how --report draws its plots. */
function plotFlags(values: { report?: string; "plot-x"?: string; "trace-view"?: string }): {
  plots?: { x?: "time" | "iteration"; traceView?: "net" | "rails" | "both" };
} {
  const x = values["plot-x"];
  const view = values["trace-view"];
  if (x === undefined && view === undefined) return {};
  if (values.report === undefined) throw new UsageError(`${x !== undefined ? "--plot-x" : "--trace-view"} sets a plot of --report, and there is no --report`);
  if (x !== undefined && x !== "time" && x !== "iteration") throw new UsageError(`--plot-x must be time or iteration, got \`${x}\``);
  if (view !== undefined && view !== "net" && view !== "rails" && view !== "both")
    throw new UsageError(`--trace-view must be net, rails or both, got \`${view}\``);
  return { plots: { ...(x !== undefined ? { x } : {}), ...(view !== undefined ? { traceView: view } : {}) } };
}

/** The compiler, loaded once a command needs it (not for --help or --version). */
const compiler = () => import("../compile.js");

async function run(argv: string[], io: IO): Promise<number> {
  // `sweep` has options of its own: hand it everything but the command word.
  const first = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: false, tokens: true }).tokens.find((t) => t.kind === "positional");
  if (first?.kind === "positional" && first.value === "sweep") {
    const { runSweepCli } = await import("./sweep.js");
    return runSweepCli(
      argv.filter((_, i) => i !== first.index),
      io,
    );
  }
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.version) {
    io.stdout(`crnnc ${VERSION}\n`);
    return 0;
  }
  const [command, ...files] = positionals;
  if (values.help || command === "help") {
    io.stdout(USAGE);
    return 0;
  }
  if (!command) throw new UsageError("no command given");
  const opts = {
    target: values.target,
    seed: intOption(values.seed, "--seed", 0),
    annihilate: numOption(values.annihilate, "--annihilate"),
  };
  // A flag a command does not take is a usage error, never silently ignored.
  const takes = COMMAND_FLAGS[command];
  if (takes)
    rejectOptions(
      values,
      Object.keys(OPTIONS).filter((o) => o !== "help" && o !== "version" && !takes.includes(o)),
      command,
    );
  switch (command) {
    case "sim": {
      const file = one(files, command);
      const unwritable = checkOutputs(
        { "--json": values.json, "--csv": values.csv, "--trace-csv": values["trace-csv"], "--report": values.report, "--checkpoint": values.checkpoint },
        [file],
      );
      if (unwritable) throw new UsageError(unwritable);
      if (isSbmlPath(file)) {
        rejectOptions(values, ["emit", "output", "schedule", "target", "annihilate"], command);
        const { runSbmlSim } = await import("./sbml.js");
        return runSbmlSim(
          file,
          {
            iterations: intOption(values.iterations, "--iterations", 1),
            seed: opts.seed,
            method: values.method,
            rtol: positive(values.rtol, "--rtol"),
            atol: positive(values.atol, "--atol"),
            readout: values.readout,
            order: values.order,
            json: values.json,
            csv: values.csv,
            trace: values.trace,
            traceCsv: values["trace-csv"],
            report: values.report,
            ...plotFlags(values),
            until: positive(values.until, "--until"),
            points: intOption(values.points, "--points", 2),
            amounts: values.amounts,
            ...stochasticFlags(values, file),
            input: values.input,
            quiet: values.quiet,
            deterministic: values.deterministic,
            checkpoint: values.checkpoint,
            checkpointEvery: intOption(values["checkpoint-every"], "--checkpoint-every", 1),
            resume: values.resume,
          },
          io,
        );
      }
      rejectOptions(values, ["emit", "output"], command);
      const iterations = intOption(values.iterations, "--iterations", 1);
      const r = (await compiler()).compileFile(file, { ...opts, ...(iterations !== undefined ? { iterations } : {}) });
      report(r, io);
      if (!r.ir) return 1;
      const { runSim } = await import("./sim.js");
      return runSim(
        r.ir,
        {
          iterations,
          seed: opts.seed,
          method: values.method,
          rtol: positive(values.rtol, "--rtol"),
          atol: positive(values.atol, "--atol"),
          readout: values.readout,
          order: values.order,
          json: values.json,
          csv: values.csv,
          trace: values.trace,
          traceCsv: values["trace-csv"],
          report: values.report,
          ...plotFlags(values),
          until: positive(values.until, "--until"),
          points: intOption(values.points, "--points", 2),
          ...stochasticFlags(values, file),
          input: values.input,
          quiet: values.quiet,
          deterministic: values.deterministic,
          checkpoint: values.checkpoint,
          checkpointEvery: intOption(values["checkpoint-every"], "--checkpoint-every", 1),
          resume: values.resume,
        },
        io,
      );
    }
    case "compile": {
      const file = one(files, command);
      const emit = values.emit ?? "reactions";
      if (emit !== "reactions" && emit !== "json" && emit !== "sbml" && emit !== "antimony" && emit !== "dot")
        throw new UsageError(`unknown --emit format \`${emit}\` (expected reactions, json, sbml, antimony or dot)`);
      if (values.schedule !== undefined && emit !== "sbml" && emit !== "antimony") throw new UsageError("--schedule applies to --emit sbml or antimony");
      if (values.schedule !== undefined && values.schedule !== "none" && values.schedule !== "events")
        throw new UsageError(`--schedule must be events or none, got \`${values.schedule}\``);
      if (values.output && resolve(values.output) === resolve(file)) throw new UsageError(`refusing to write the output over the input file ${file}`);
      const unwritable = checkOutputs({ "--output": values.output }, [file]);
      if (unwritable) throw new UsageError(unwritable);
      const r = (await compiler()).compileFile(file, opts);
      // SBML and Antimony rename a species or parameter whose name another tool reads as something else (W0606).
      const sbml = emit === "sbml" || emit === "antimony" ? await import("./sbml.js") : undefined;
      report(r.ir && sbml ? { ...r, diagnostics: [...r.diagnostics, ...sbml.renameDiagnostics(r.ir)] } : r, io);
      if (!r.ir) return 1;
      const text =
        emit === "sbml" || emit === "antimony"
          ? await sbml!.emitSbmlText(r.ir, emit, values.schedule, io)
          : emit === "json"
            ? (await import("../backends/json.js")).emitJson(r.ir, VERSION)
            : emit === "dot"
              ? (await import("../backends/dot.js")).emitDot(r.ir)
              : (await import("../backends/reactions.js")).emitReactions(r.ir);
      if (values.output) {
        try {
          writeFileAtomic(values.output, text);
        } catch (e) {
          io.stderr(`crnnc: cannot write ${values.output}: ${(e as Error).message}\n`);
          return 1;
        }
      } else io.stdout(text);
      return 0;
    }
    case "check": {
      if (files.length === 0) throw new UsageError("check needs at least one FILE");
      rejectOptions(values, ["emit", "output"], command);
      const format = values.format ?? "text";
      if (format !== "text" && format !== "json" && format !== "sarif") throw new UsageError(`--format must be text, json or sarif, got \`${format}\``);
      let failed = false;
      const checked: { file: string; diagnostics: CompileResult["diagnostics"]; omitted: CompileResult["omitted"] }[] = [];
      for (const f of files) {
        const r = (await compiler()).compileFile(f, { ...opts, target: opts.target });
        // A library file (no blocks) is fine to check: only report real problems.
        const diags = r.diagnostics.filter((d) => !(d.code === "E0113" && !opts.target && /defines no crn/.test(d.message)));
        const errors = diags.some((d) => d.severity === "error");
        failed ||= errors;
        if (format !== "text") {
          checked.push({ file: r.program?.root.display ?? f, diagnostics: diags, omitted: r.omitted });
          continue;
        }
        report({ ...r, diagnostics: diags }, io);
        if (!errors) io.stdout(`${f}: ok${diags.length ? ` (${diags.length} warning${diags.length === 1 ? "" : "s"})` : ""}\n`);
      }
      if (format === "json") io.stdout(JSON.stringify((await import("../diagnostics/json.js")).diagnosticsJson(checked, VERSION), null, 2) + "\n");
      if (format === "sarif") io.stdout(JSON.stringify((await import("../diagnostics/sarif.js")).diagnosticsSarif(checked, VERSION), null, 2) + "\n");
      return failed ? 1 : 0;
    }
    case "validate": {
      rejectOptions(values, ["emit", "output", "schedule", "target", "seed", "annihilate"], command);
      return (await import("./sbml.js")).runValidate(one(files, command), io);
    }
    case "info": {
      const file = one(files, command);
      rejectOptions(values, ["emit", "output"], command);
      const r = (await compiler()).compileFile(file, opts);
      report(r, io);
      if (!r.ir) return 1;
      io.stdout((await import("./info.js")).formatInfo(r.ir));
      return 0;
    }
    case "fmt":
      rejectOptions(values, ["emit", "output", "target", "seed", "annihilate"], command);
      return (await import("./fmt.js")).runFmt(files, { check: values.check, write: values.write }, io);
    case "lsp":
      if (!values.stdio || files.length) throw new UsageError("lsp speaks over stdin and stdout: run `crnnc lsp --stdio` (an editor starts it)");
      return (await import("./lsp.js")).runLsp();
    default:
      throw new UsageError(`unknown command \`${command}\` (expected compile, check, info, sim, sweep, validate, fmt or lsp)`);
  }
}

function report(r: CompileResult, io: IO): void {
  if (r.diagnostics.length) io.stderr(formatDiagnostics(r.diagnostics, { sources: r.sources, omitted: r.omitted, color: io.color }) + "\n");
}

function one(files: string[], command: string): string {
  if (files.length !== 1) throw new UsageError(`${command} takes exactly one FILE, got ${files.length}`);
  return files[0]!;
}

function rejectOptions(values: Record<string, unknown>, names: string[], command: string): void {
  for (const n of names) if (values[n] !== undefined) throw new UsageError(`--${n} does not apply to \`${command}\``);
}

/** --volume, --runs, --workers (stochastic methods only), and the file the ensemble's workers load. */
function stochasticFlags(values: { method?: string; volume?: string; tau?: string; runs?: string; workers?: string; target?: string }, file: string) {
  const stochastic = isStochastic(values.method);
  for (const flag of ["volume", "runs", "workers"] as const)
    if (values[flag] !== undefined && !stochastic) throw new UsageError(`--${flag} applies to --method ssa, tau-leap or implicit-tau`);
  if (values.tau !== undefined && values.method !== "implicit-tau") throw new UsageError("--tau applies to --method implicit-tau");
  return {
    file,
    ...(values.target !== undefined ? { target: values.target } : {}),
    volume: positive(values.volume, "--volume"),
    tau: positive(values.tau, "--tau"),
    runs: intOption(values.runs, "--runs", 1),
    workers: intOption(values.workers, "--workers", 1),
  };
}

function positive(v: string | undefined, name: string): number | undefined {
  const x = numOption(v, name);
  if (x !== undefined && !(x > 0)) throw new UsageError(`${name} needs a positive number, got \`${v}\``);
  return x;
}

function numOption(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x) || x < 0) throw new UsageError(`${name} needs a non-negative number, got \`${v}\``);
  return x;
}

function intOption(v: string | undefined, name: string, min: number): number | undefined {
  const x = numOption(v, name);
  if (x !== undefined && (!Number.isInteger(x) || x < min || x > 2 ** 32 - 1)) throw new UsageError(`${name} needs an integer in [${min}, 2^32), got \`${v}\``);
  return x;
}
